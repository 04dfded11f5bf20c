package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/scrutin/scrutin/internal/model"
)

// SQLite result codes (sqlite3.h).
const (
	sqliteFull = 13 // SQLITE_FULL: "database or disk is full"

	sqliteConstraintCheck      = 275
	sqliteConstraintForeignKey = 787
	sqliteConstraintNotNull    = 1299
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

// dbError maps a database error about what ("model", "user", …) to the
// package's codes: no row is ENOTFOUND, a duplicate ECONFLICT, a value a
// constraint refuses EINVALID, a full database or disk ENOSPACE.
// Anything else is returned wrapped, and model.ErrorCode reads it as
// EINTERNAL.
func dbError(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(what)
	}
	if storageFull(err) {
		return fullError(err)
	}
	switch constraintKind(err) {
	case "unique":
		return model.Errorf(model.ECONFLICT, "%s already exists", thing(what))
	case "foreign":
		return model.Errorf(model.EINVALID, "%s refers to something that does not exist", thing(what))
	case "check":
		return model.Errorf(model.EINVALID, "invalid %s: %v", thing(what), err)
	}
	var e *model.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// thing names what for a message that a page shows translated: the kinds
// of row a person creates, with their id or name ("organisation demo");
// anything else as it is.
func thing(what string) model.Text {
	kind, id, _ := strings.Cut(what, " ")
	switch kind {
	case "organisation":
		return model.T("organisation %s", id)
	case "user":
		return model.T("user %s", id)
	case "model":
		return model.T("model %s", id)
	case "member":
		return model.T("member")
	}
	return model.T("%s", what)
}

func notFound(what string) error {
	return model.Errorf(model.ENOTFOUND, "%s not found", what)
}

// constraintKind classifies a constraint violation of either database:
// "unique", "foreign", "check" (CHECK, NOT NULL, malformed value), or "".
func constraintKind(err error) string {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
			return "unique"
		case sqliteConstraintForeignKey:
			return "foreign"
		case sqliteConstraintCheck, sqliteConstraintNotNull:
			return "check"
		}
		return ""
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return "unique"
		case "23503": // foreign_key_violation
			return "foreign"
		case "23514", "23502", "22P02", "22001", "22003", "22021", "22P05": // check, not null, bad text, too long, out of range, bad encoding, untranslatable
			return "check"
		}
	}
	return ""
}

// storageFull says whether err says that the database or its disk is
// full: SQLite's SQLITE_FULL (a full disk, or max_page_count reached),
// PostgreSQL's disk_full (53100), or ENOSPC from the system.
func storageFull(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqliteFull {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "53100" {
		return true
	}
	return errors.Is(err, syscall.ENOSPC)
}

// FullError is the error of a write refused because the database or its
// disk is full (ENOSPACE), wrapping the database's own.
type FullError struct{ Err error }

func (e *FullError) Error() string {
	return "the database or its disk is full: nothing was saved; free space on the server (or raise its quota), then try again"
}

func (e *FullError) Unwrap() []error {
	return []error{model.Errorf(model.ENOSPACE, "%s", e.Error()), e.Err}
}

func fullError(err error) error {
	var fe *FullError
	if errors.As(err, &fe) {
		return err
	}
	return &FullError{Err: err}
}

// txError is the error of a transaction's fn, begin or commit: a full
// database is ENOSPACE however it reached us; anything else as it is.
func txError(err error) error {
	if err != nil && model.ErrorCode(err) == model.EINTERNAL && storageFull(err) {
		return fullError(err)
	}
	return err
}

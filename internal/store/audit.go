package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

const auditColumns = `id, at, org_id, user_id, email, action, target, details, remote`

func scanAudit(r rowScanner, e *AuditEntry) error {
	var user sql.NullInt64
	err := r.Scan(&e.ID, scanTime(&e.At), &e.OrgID, &user, &e.Email, &e.Action, &e.Target, rawJSON{&e.Details}, &e.Remote)
	e.UserID = user.Int64
	return err
}

// Audit appends e to the audit log and sets its ID and At. The caller
// sets Action and, as they apply, OrgID ("" for site-wide changes),
// UserID, Target, Details (JSON) and Remote; Email, when empty, is the
// user's, kept as it was at the time. To record a change together with
// its entry, call both inside WithTx.
func (db *DB) Audit(ctx context.Context, e *AuditEntry) error {
	if strings.TrimSpace(e.Action) == "" {
		return model.Errorf(model.EINVALID, "audit entry without an action")
	}
	if err := checkJSON("audit details", e.Details, true); err != nil {
		return err
	}
	var user any
	if e.UserID != 0 {
		user = e.UserID
		if e.Email == "" {
			err := db.queryRow(ctx, `SELECT email FROM users WHERE id = ?`, e.UserID).Scan(&e.Email)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return dbError(err, "audit entry")
			}
		}
	}
	at := db.time()
	err := db.queryRow(ctx, `INSERT INTO audit (at, org_id, user_id, email, action, target, details, remote)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		db.timeArg(at), e.OrgID, user, e.Email, e.Action, e.Target, jsonArg(e.Details), e.Remote).Scan(&e.ID)
	if err != nil {
		return dbError(err, "audit entry")
	}
	e.At = at
	return nil
}

// AuditLog lists the organisation's audit entries, newest first; orgID ""
// lists the site-wide ones.
func (db *DB) AuditLog(ctx context.Context, orgID string, p Page) ([]AuditEntry, error) {
	return db.AuditSearch(ctx, orgID, AuditFilter{}, p)
}

// AuditFilter selects audit entries; a zero field selects every entry.
type AuditFilter struct {
	UserID int64     // who made the change
	Action string    // exactly this action, e.g. "run.create"
	From   time.Time // at or after
	To     time.Time // strictly before
}

// auditEnd is the upper bound of an AuditFilter without To: after any
// time the store writes.
var auditEnd = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// AuditSearch lists the organisation's audit entries that f selects,
// newest first, a page at a time (keyset, by id); orgID "" lists the
// site-wide ones. The query text is the same whatever f holds, so that it
// is prepared once.
func (db *DB) AuditSearch(ctx context.Context, orgID string, f AuditFilter, p Page) ([]AuditEntry, error) {
	to := f.To
	if to.IsZero() {
		to = auditEnd
	}
	return list(ctx, db, "audit log", scanAudit, `SELECT `+auditColumns+` FROM audit
		WHERE org_id = ? AND id < ?
		AND (CAST(? AS BIGINT) = 0 OR user_id = ?)
		AND (CAST(? AS TEXT) = '' OR action = ?)
		AND at >= ? AND at < ?
		ORDER BY id DESC LIMIT CAST(? AS BIGINT)`,
		orgID, p.after(), f.UserID, f.UserID, f.Action, f.Action, db.timeArg(f.From), db.timeArg(to), p.limit())
}

// AuditUser is someone who appears in an audit log: the user's id, the
// email of their latest entry there, and their name and email now (""
// when the user no longer exists).
type AuditUser struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name,omitempty"`
	EmailNow string `json:"email_now,omitempty"`
}

// MaxAuditUsers bounds AuditUsers.
const MaxAuditUsers = 500

// AuditUsers lists the users who made the changes of the organisation's
// audit log (orgID "": the site-wide one), by email, at most
// MaxAuditUsers: the choices of a filter by user.
func (db *DB) AuditUsers(ctx context.Context, orgID string) ([]AuditUser, error) {
	return list(ctx, db, "audit log users", func(r rowScanner, u *AuditUser) error {
		return r.Scan(&u.ID, &u.Email, &u.Name, &u.EmailNow)
	}, `SELECT a.user_id, a.email, COALESCE(u.name, ''), COALESCE(u.email, '')
		FROM audit a LEFT JOIN users u ON u.id = a.user_id
		WHERE a.id IN (SELECT MAX(id) FROM audit WHERE org_id = ? AND user_id IS NOT NULL GROUP BY user_id)
		ORDER BY COALESCE(u.email, a.email), a.user_id LIMIT CAST(? AS BIGINT)`, orgID, MaxAuditUsers)
}

// A Ref names a thing an audit entry is about: Kind "user", "org",
// "model", "run", "plan", "evidence" or "token", and its id.
type Ref struct {
	Kind string
	ID   string
}

// refQueries read a thing's name now, by kind: the organisation's things
// are looked up in it (the first argument), users, organisations and
// tokens anywhere.
var refQueries = map[string]string{
	"user":     `SELECT CASE WHEN name <> '' THEN name ELSE email END FROM users WHERE CAST(? AS TEXT) <> '~' AND id = ?`,
	"org":      `SELECT name FROM orgs WHERE CAST(? AS TEXT) <> '~' AND id = ?`,
	"token":    `SELECT name FROM tokens WHERE CAST(? AS TEXT) <> '~' AND id = ?`,
	"model":    `SELECT name FROM models WHERE org_id = ? AND id = ?`,
	"evidence": `SELECT name FROM evidence WHERE org_id = ? AND id = ?`,
	"run":      `SELECT m.name FROM runs r JOIN models m ON m.id = r.model_id WHERE r.org_id = ? AND r.id = ?`,
	"plan":     `SELECT m.name FROM plans p JOIN models m ON m.id = p.model_id WHERE p.org_id = ? AND p.id = ?`,
}

// MaxRefs bounds the refs of one Names call.
const MaxRefs = 1000

// Names returns the name now of each of refs that still exists, looked up
// in the organisation orgID: a user's name (or email when it has none), an
// organisation's, a token's, a model's, an evidence upload's, and for a
// run or plan the name of its model. A ref that no longer exists (or of
// another organisation) is absent from the map; an unknown kind, or more
// than MaxRefs refs, is an error (the caller's mistake).
func (db *DB) Names(ctx context.Context, orgID string, refs []Ref) (map[Ref]string, error) {
	if len(refs) > MaxRefs {
		return nil, fmt.Errorf("store: %d names asked for at once, at most %d", len(refs), MaxRefs)
	}
	out := make(map[Ref]string, len(refs))
	for _, r := range refs {
		q, ok := refQueries[r.Kind]
		if !ok {
			return nil, fmt.Errorf("store: no name for things of kind %q", r.Kind)
		}
		if _, done := out[r]; done {
			continue
		}
		var id any = r.ID
		if r.Kind != "org" {
			n, err := strconv.ParseInt(r.ID, 10, 64)
			if err != nil {
				continue // not an id: nothing has it
			}
			id = n
		}
		var name string
		err := db.queryRow(ctx, q, orgID, id).Scan(&name)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, dbError(err, "names")
		default:
			out[r] = name
		}
	}
	return out, nil
}

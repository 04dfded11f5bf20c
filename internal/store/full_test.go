package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/scrutin/scrutin/internal/model"
)

// TestSQLiteFull: a database that cannot grow (here SQLite's
// max_page_count, which fails exactly as a full disk does, with
// SQLITE_FULL) refuses writes with ENOSPACE and a message that says so,
// inside and outside transactions, and keeps what it had.
func TestSQLiteFull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "full.db")
	db := mustOpen(t, path, nil)
	var pages int
	must(t, db.sql.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages))
	must(t, db.Close())

	db = mustOpen(t, fmt.Sprintf("file:%s?_pragma=max_page_count(%d)", path, pages+4), nil)
	name := strings.Repeat("n", 3000) // about a page a user
	var err error
	n := 0
	for ; n < 100 && err == nil; n++ {
		err = db.CreateUser(ctx, &User{Email: fmt.Sprintf("u%d@example.org", n), Name: name})
	}
	if err == nil {
		t.Fatal("100 users in 4 pages")
	}
	wantCode(t, err, model.ENOSPACE)
	if !strings.Contains(err.Error(), "full") {
		t.Errorf("message %q does not say the storage is full", err)
	}
	err = db.WithTx(ctx, func(tx *DB) error {
		return tx.CreateUser(ctx, &User{Email: "tx@example.org", Name: name})
	})
	wantCode(t, err, model.ENOSPACE)
	users, err := db.Users(ctx, Page{Limit: 1000})
	must(t, err)
	if len(users) != n-1 {
		t.Errorf("%d users kept, want %d", len(users), n-1)
	}
}

// TestStorageFullCodes: PostgreSQL's disk_full and the system's ENOSPC
// (which cannot be brought about here without filling a real disk) are
// classified as SQLite's SQLITE_FULL is.
func TestStorageFullCodes(t *testing.T) {
	for _, err := range []error{
		&pgconn.PgError{Code: "53100", Message: "could not extend file: No space left on device"},
		fmt.Errorf("write report: %w", &os.PathError{Op: "write", Path: "/data/x", Err: syscall.ENOSPC}),
	} {
		wantCode(t, dbError(err, "model"), model.ENOSPACE)
	}
	wantCode(t, dbError(&pgconn.PgError{Code: "53200"}, "model"), model.EINTERNAL) // out of memory: not a full disk
}

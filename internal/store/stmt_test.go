package store

import (
	"path/filepath"
	"testing"
)

// TestPreparedStatements: on SQLite a query is prepared once and its
// statement kept (parsing a query cost more than running it), outside
// transactions only; idle connections are kept for the next requests.
func TestPreparedStatements(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "s.db"), nil)
	f := newFixture(t, db)
	read := func() {
		if _, err := db.UserByID(ctx, f.alice.ID); err != nil {
			t.Fatal(err)
		}
	}
	read()
	query := `SELECT ` + userColumns + ` FROM users WHERE id = ?`
	kept, n := db.stmts.m[query], len(db.stmts.m)
	if kept == nil {
		t.Fatal("UserByID's statement not kept")
	}
	read()
	read()
	if db.stmts.m[query] != kept || len(db.stmts.m) != n {
		t.Fatalf("statements prepared again: %d kept, want %d", len(db.stmts.m), n)
	}
	must(t, db.WithTx(ctx, func(tx *DB) error {
		_, err := tx.UserByEmail(ctx, f.alice.Email)
		return err
	}))
	if _, ok := db.stmts.m[`SELECT `+userColumns+` FROM users WHERE lower(email) = lower(CAST(? AS TEXT))`]; ok {
		t.Error("a transaction's query kept")
	}
	if got := db.sql.Stats().MaxOpenConnections; got != 0 {
		t.Errorf("connections bounded at %d: a transaction that reads outside itself could wait forever", got)
	}
	// A query that does not prepare still answers (its error).
	if _, err := db.query(ctx, `SELECT nothing FROM nowhere`); err == nil {
		t.Error("a bad query answered")
	}
}

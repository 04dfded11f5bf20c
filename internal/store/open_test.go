package store

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

func testOpen(t *testing.T, open opener) {
	db := open(t, nil)
	must(t, db.Ping(ctx))
	if d := db.Dialect(); d != SQLite && d != Postgres {
		t.Fatalf("Dialect() = %q", d)
	}
	if db.Dialect() != SQLite {
		return
	}
	// Foreign keys on every connection of the pool, not only the first.
	conns := make([]interface{ Close() error }, 3)
	for i := range conns {
		c, err := db.sql.Conn(ctx)
		must(t, err)
		conns[i] = c
		var fk bool
		must(t, c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
		if !fk {
			t.Errorf("connection %d: foreign keys off", i)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}

func testMigrations(t *testing.T, open opener) {
	db := open(t, nil)
	f := newFixture(t, db)
	version := func() (n int, max int64) {
		must(t, db.sql.QueryRowContext(ctx, "SELECT COUNT(*), MAX(version_id) FROM goose_db_version").Scan(&n, &max))
		return n, max
	}
	n, max := version()
	// Twice more, then at the same time: nothing changes.
	must(t, db.migrate(ctx))
	must(t, db.migrate(ctx))
	done := make(chan error, 2)
	for range 2 {
		go func() { done <- db.migrate(ctx) }()
	}
	must(t, <-done)
	must(t, <-done)
	if n2, max2 := version(); n2 != n || max2 != max {
		t.Fatalf("after migrating again: %d versions up to %d, want %d up to %d", n2, max2, n, max)
	}
	if u, err := db.UserByID(ctx, f.alice.ID); err != nil || u.Email != f.alice.Email {
		t.Fatalf("data lost after migrating again: %v, %v", u, err)
	}
}

func testClock(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	tests := []time.Time{
		time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.FixedZone("CET", 3600)),
		time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2030, 1, 2, 3, 4, 5, 0, time.FixedZone("X", -7*3600-30*60)),
	}
	var first *User
	for i, at := range tests {
		c.Set(at)
		want := at.UTC().Truncate(time.Microsecond)
		u := &User{Email: string(rune('a'+i)) + "@clock.example"}
		must(t, db.CreateUser(ctx, u))
		if u.CreatedAt != want {
			t.Errorf("CreatedAt = %v, want %v", u.CreatedAt, want)
		}
		got, err := db.UserByID(ctx, u.ID)
		must(t, err)
		if got.CreatedAt != want {
			t.Errorf("stored CreatedAt = %v, want %v", got.CreatedAt, want)
		}
		if first == nil {
			first = u
		}
	}
	// Updates use the clock too, and times order as they should.
	c.Set(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	o := &Org{ID: "o", Name: "O", Kind: model.KindCampaign}
	must(t, db.CreateOrg(ctx, o))
	m, err := db.CreateModel(ctx, o.ID, "m", &Revision{YAML: "x", AuthorID: first.ID})
	must(t, err)
	c.Set(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
	m2, err := db.SaveModel(ctx, o.ID, m.ID, 1, &Revision{YAML: "y", AuthorID: first.ID})
	must(t, err)
	if !m2.CreatedAt.Equal(m.CreatedAt) || !m2.UpdatedAt.Equal(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("after save: created %v updated %v", m2.CreatedAt, m2.UpdatedAt)
	}
	tok := &Token{UserID: first.ID, Kind: "session", Hash: []byte("h")}
	exp := time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)
	tok.ExpiresAt = &exp
	must(t, db.CreateToken(ctx, tok))
	if _, err := db.TokenByHash(ctx, []byte("h")); err != nil {
		t.Fatalf("token before expiry: %v", err)
	}
	c.Set(exp.Add(-time.Microsecond))
	if _, err := db.TokenByHash(ctx, []byte("h")); err != nil {
		t.Fatalf("token a microsecond before expiry: %v", err)
	}
	c.Set(exp)
	_, err = db.TokenByHash(ctx, []byte("h"))
	wantCode(t, err, model.ENOTFOUND)
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name, dsn string
	}{
		{"empty", ""},
		{"question mark", filepath.Join(t.TempDir(), "a?b.db")},
		{"missing directory", filepath.Join(t.TempDir(), "missing", "x.db")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(ctx, tt.dsn, nil)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded", tt.dsn)
			}
		})
	}
}

// TestSQLiteFile: the default database is a file in WAL mode that keeps
// its data across restarts, and opening it again migrates nothing.
func TestSQLiteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scrutin.db")
	c := newClock()
	db, err := Open(ctx, path, c.Now)
	must(t, err)
	var mode string
	must(t, db.sql.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode))
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
	var sync int
	must(t, db.sql.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync))
	if sync != 1 {
		t.Errorf("synchronous = %d, want 1 (NORMAL)", sync)
	}
	f := newFixture(t, db)
	must(t, db.Close())
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}

	for range 2 {
		db, err = Open(ctx, path, c.Now)
		must(t, err)
		m, err := db.Model(ctx, f.a.ID, f.modelA.ID)
		must(t, err)
		if m.Name != f.modelA.Name || !m.CreatedAt.Equal(f.modelA.CreatedAt) {
			t.Fatalf("after reopening: %+v, want %+v", m, f.modelA)
		}
		must(t, db.sql.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode))
		if mode != "wal" {
			t.Errorf("journal_mode after reopening = %q", mode)
		}
		var n int
		must(t, db.sql.QueryRowContext(ctx, "SELECT COUNT(*) FROM goose_db_version").Scan(&n))
		if want := migrationCount(t) + 1; n != want { // goose's version 0, and one per migration
			t.Errorf("%d rows in goose_db_version, want %d", n, want)
		}
		must(t, db.Close())
	}
}

// TestSQLiteMemoryPrivate: each ":memory:" store is a database of its own.
func TestSQLiteMemoryPrivate(t *testing.T) {
	a, b := MustOpenDB(t), MustOpenDB(t)
	must(t, a.CreateUser(ctx, &User{Email: "x@example.org"}))
	if _, err := b.UserByEmail(ctx, "x@example.org"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("second memory store sees the first's user: %v", err)
	}
}

// TestPostgresReopen: a second server on the same database finds it
// migrated.
func TestPostgresReopen(t *testing.T) {
	if postgresDSN() == "" {
		t.Skip("SCRUTIN_TEST_POSTGRES is not set")
	}
	t.Parallel()
	dsn := newPostgresDB(t)
	db1 := mustOpen(t, dsn, nil)
	f := newFixture(t, db1)
	db2 := mustOpen(t, dsn, nil)
	if _, err := db2.Model(ctx, f.b.ID, f.modelB.ID); err != nil {
		t.Fatal(err)
	}
	if db2.Dialect() != Postgres {
		t.Fatalf("Dialect() = %q", db2.Dialect())
	}
}

// migrationCount is the number of SQLite migrations embedded.
func migrationCount(t *testing.T) int {
	entries, err := fs.ReadDir(migrations, "migrations/sqlite")
	must(t, err)
	return len(entries)
}

func TestSchemaVersion(t *testing.T) {
	db := MustOpenDB(t)
	var v int64
	must(t, db.sql.QueryRowContext(ctx, "SELECT MAX(version_id) FROM goose_db_version").Scan(&v))
	if got := SchemaVersion(); got != v || got < 4 {
		t.Fatalf("SchemaVersion() = %d, the database is at %d", got, v)
	}
	for dsn, want := range map[string]string{"postgres://h/d": Postgres, "postgresql://h/d": Postgres, "x.db": SQLite, "file:x.db": SQLite} {
		if got := DialectOf(dsn); got != want {
			t.Errorf("DialectOf(%q) = %s, want %s", dsn, got, want)
		}
	}
}

package store

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// A database made before migration 8 (organisation kinds of the local
// level) keeps its organisations and everything that hangs on them, the
// links still cascade, and it takes the new kinds.
func TestMigrateOrgKinds(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "old.db")
		raw, err := sql.Open("sqlite", "file:"+path+"?"+sqliteParams)
		must(t, err)
		testMigrateOrgKinds(t, raw, SQLite, path)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		if postgresDSN() == "" {
			t.Skip("SCRUTIN_TEST_POSTGRES is not set")
		}
		dsn := newPostgresDB(t)
		raw, err := sql.Open("pgx", dsn)
		must(t, err)
		testMigrateOrgKinds(t, raw, Postgres, dsn)
	})
}

func testMigrateOrgKinds(t *testing.T, raw *sql.DB, dialect, dsn string) {
	p, err := migrator(raw, dialect)
	must(t, err)
	if _, err := p.UpTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	now := "2026-01-01T00:00:00.000000Z"
	for _, q := range []string{
		"INSERT INTO orgs (id, name, kind, created_at) VALUES ('ea', 'EA', 'election-authority', '" + now + "')",
		"INSERT INTO orgs (id, name, kind, created_at) VALUES ('p', 'P', 'party', '" + now + "')",
		"INSERT INTO users (email, created_at) VALUES ('a@x.example', '" + now + "')",
		"INSERT INTO members (org_id, user_id, role) SELECT 'ea', id, 'owner' FROM users",
		"INSERT INTO models (org_id, name, revision, created_at, updated_at) VALUES ('ea', 'm', 1, '" + now + "', '" + now + "')",
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	must(t, raw.Close())
	db := mustOpen(t, dsn, nil)
	for _, kind := range model.OrganizationKinds {
		must(t, db.CreateOrg(ctx, &Org{ID: "k-" + kind, Name: kind, Kind: kind}))
	}
	wantCode(t, db.CreateOrg(ctx, &Org{ID: "bad", Name: "Bad", Kind: "club"}), model.EINVALID)
	count := func(q string) int {
		t.Helper()
		var n int
		must(t, db.sql.QueryRowContext(ctx, q).Scan(&n))
		return n
	}
	if n := count("SELECT COUNT(*) FROM orgs"); n != 2+len(model.OrganizationKinds) {
		t.Errorf("%d organisations after the upgrade", n)
	}
	if n := count("SELECT COUNT(*) FROM members WHERE org_id = 'ea'"); n != 1 {
		t.Errorf("%d members of ea after the upgrade, want 1", n)
	}
	if n := count("SELECT COUNT(*) FROM models WHERE org_id = 'ea'"); n != 1 {
		t.Errorf("%d models of ea after the upgrade, want 1", n)
	}
	if n := count("SELECT data_version FROM orgs WHERE id = 'ea'"); n < 1 {
		t.Errorf("data_version of ea = %d: the trigger of migration 6 is gone", n)
	}
	// The links still point at the organisations: deleting one cascades.
	if _, err := db.sql.ExecContext(ctx, "DELETE FROM orgs WHERE id = 'ea'"); err != nil {
		t.Fatal(err)
	}
	if n := count("SELECT COUNT(*) FROM models") + count("SELECT COUNT(*) FROM members"); n != 0 {
		t.Errorf("%d models and members left after deleting their organisation", n)
	}
	// And a new model still bumps its organisation's data version.
	before := count("SELECT data_version FROM orgs WHERE id = 'p'")
	if _, err := db.sql.ExecContext(ctx, "INSERT INTO models (org_id, name, revision, created_at, updated_at) VALUES ('p', 'm', 1, '"+now+"', '"+now+"')"); err != nil {
		t.Fatal(err)
	}
	if after := count("SELECT data_version FROM orgs WHERE id = 'p'"); after != before+1 {
		t.Errorf("data_version %d → %d after a new model", before, after)
	}
}

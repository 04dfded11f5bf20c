package store

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/store/storetest"

	"github.com/scrutin/scrutin/internal/model"
)

// The store's tests are one suite, run against SQLite in memory (always)
// and PostgreSQL (when SCRUTIN_TEST_POSTGRES holds the DSN of a role that
// may create databases; .ci/postgres.sh prints one). Each test gets a
// database of its own, so they run in parallel and leave nothing behind.

// opener opens a fresh, empty, migrated store with the given clock.
type opener func(tb testing.TB, now func() time.Time) *DB

func TestSQLite(t *testing.T) {
	t.Parallel()
	testStore(t, func(tb testing.TB, now func() time.Time) *DB { return mustOpen(tb, ":memory:", now) })
}

func TestPostgres(t *testing.T) {
	t.Parallel()
	if postgresDSN() == "" {
		t.Skip("SCRUTIN_TEST_POSTGRES is not set: PostgreSQL not tested (eval \"$(.ci/postgres.sh)\" sets it)")
	}
	testStore(t, func(tb testing.TB, now func() time.Time) *DB { return mustOpen(tb, newPostgresDB(tb), now) })
}

// testStore runs every test of the suite on the databases open makes.
func testStore(t *testing.T, open opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open opener)
	}{
		{"Open", testOpen},
		{"Migrations", testMigrations},
		{"Clock", testClock},
		{"Users", testUsers},
		{"Orgs", testOrgs},
		{"Members", testMembers},
		{"Tokens", testTokens},
		{"Accounts", testAccounts},
		{"AccountsVersion", testAccountsVersion},
		{"DataVersion", testDataVersion},
		{"Models", testModels},
		{"SaveModelConcurrent", testSaveModelConcurrent},
		{"Runs", testRuns},
		{"RunEvidence", testRunEvidence},
		{"RunLifecycle", testRunLifecycle},
		{"ClaimConcurrent", testClaimConcurrent},
		{"ClaimFair", testClaimFair},
		{"ClaimJobFair", testClaimJobFair},
		{"JobAttempts", testJobAttempts},
		{"Evidence", testEvidence},
		{"Plans", testPlans},
		{"Sharing", testSharing},
		{"National", testNational},
		{"ClaimID", testClaimID},
		{"EvidenceStreams", testEvidenceStreams},
		{"Audit", testAudit},
		{"AuditAppendOnly", testAuditAppendOnly},
		{"AuditSearch", testAuditSearch},
		{"Names", testNames},
		{"WithTx", testWithTx},
		{"Isolation", testIsolation},
		{"Pagination", testPagination},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, open)
		})
	}
}

// MustOpenDB opens a store in memory (SQLite) with a test clock, closed
// when the test ends.
func MustOpenDB(tb testing.TB) *DB {
	tb.Helper()
	return mustOpen(tb, ":memory:", newClock().Now)
}

func mustOpen(tb testing.TB, dsn string, now func() time.Time) *DB {
	tb.Helper()
	if now == nil {
		now = newClock().Now
	}
	db, err := Open(context.Background(), dsn, now)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

func postgresDSN() string { return storetest.PostgresDSN() }

// newPostgresDB creates a database, dropped when the test ends, and
// returns its DSN.
func newPostgresDB(tb testing.TB) string { return storetest.NewPostgresDB(tb, "scrutin_test") }

// clock is a test clock: each reading is step after the previous one.
type clock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

// newClock starts at a time with nanoseconds, in a zone other than UTC,
// to check that the store stores UTC to the microsecond.
func newClock() *clock {
	return &clock{t: time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.FixedZone("CET", 3600)), step: time.Millisecond}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// peek is what the next reading will be, as the store stores it.
func (c *clock) peek() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t.UTC().Truncate(time.Microsecond)
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := model.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// jsonEqual compares JSON by value: PostgreSQL's JSONB does not keep the
// bytes.
func jsonEqual(t *testing.T, got, want []byte) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got %q: %v", got, err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want %q: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("JSON %s, want %s", got, want)
	}
}

var ctx = context.Background()

// fixture is a small site: two organisations A and B with a member each,
// an agency, and one model in each of A and B.
type fixture struct {
	db             *DB
	alice, bob     *User // members of A and B
	a, b, agency   *Org
	modelA, modelB *Model
}

func newFixture(t *testing.T, db *DB) *fixture {
	t.Helper()
	f := &fixture{db: db}
	f.alice = &User{Email: "alice@a.example", Name: "Alice"}
	f.bob = &User{Email: "bob@b.example", Name: "Bob"}
	must(t, db.CreateUser(ctx, f.alice))
	must(t, db.CreateUser(ctx, f.bob))
	f.a = &Org{ID: "party-a", Name: "Party A", Kind: model.KindParty}
	f.b = &Org{ID: "ministry-b", Name: "Ministry B", Kind: model.KindMinistry}
	f.agency = &Org{ID: "agency", Name: "National agency", Kind: model.KindAgency}
	for _, o := range []*Org{f.a, f.b, f.agency} {
		must(t, db.CreateOrg(ctx, o))
	}
	must(t, db.SetMember(ctx, f.a.ID, f.alice.ID, RoleOwner))
	must(t, db.SetMember(ctx, f.b.ID, f.bob.ID, RoleOwner))
	var err error
	f.modelA, err = db.CreateModel(ctx, f.a.ID, "A's model", &Revision{YAML: "a: 1\n", Message: "first", AuthorID: f.alice.ID})
	must(t, err)
	f.modelB, err = db.CreateModel(ctx, f.b.ID, "B's model", &Revision{YAML: "b: 1\n", Message: "first", AuthorID: f.bob.ID})
	must(t, err)
	return f
}

func (f *fixture) run(t *testing.T, org *Org, m *Model, by *User) *Run {
	t.Helper()
	r := &Run{OrgID: org.ID, ModelID: m.ID, Trials: 1000, Seed: 42, CreatedBy: by.ID}
	must(t, f.db.CreateRun(ctx, r))
	return r
}

func (f *fixture) plan(t *testing.T, org *Org, m *Model, by *User) *Plan {
	t.Helper()
	p := &Plan{OrgID: org.ID, ModelID: m.ID, Request: json.RawMessage(`{"budget":1000}`), CreatedBy: by.ID}
	must(t, f.db.CreatePlan(ctx, p))
	return p
}

func TestRebind(t *testing.T) {
	tests := []struct {
		dialect, in, want string
	}{
		{SQLite, "SELECT 1 FROM t WHERE a = ? AND b = ?", "SELECT 1 FROM t WHERE a = ? AND b = ?"},
		{Postgres, "SELECT 1 FROM t WHERE a = ? AND b = ?", "SELECT 1 FROM t WHERE a = $1 AND b = $2"},
		{Postgres, "SELECT 1", "SELECT 1"},
		{Postgres, strings.Repeat("?,", 11) + "?", "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12"},
	}
	for _, tt := range tests {
		db := &DB{dialect: tt.dialect}
		if got := db.rebind(tt.in); got != tt.want {
			t.Errorf("%s: rebind(%q) = %q, want %q", tt.dialect, tt.in, got, tt.want)
		}
	}
}

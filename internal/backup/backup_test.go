package backup

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/store/storetest"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

var ctx = context.Background()

// site is a database in use: an organisation, its owner, and a writer
// that records each write it has seen committed (acknowledged).
type site struct {
	db    *store.DB
	org   string
	user  int64
	mu    sync.Mutex
	acked []string
}

func newSite(t *testing.T, dsn string) *site {
	t.Helper()
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := &site{db: db, org: "party"}
	u := &store.User{Email: "owner@party.example"}
	must(t, db.CreateUser(ctx, u))
	s.user = u.ID
	must(t, db.CreateOrg(ctx, &store.Org{ID: s.org, Name: "Party", Kind: model.KindParty}))
	return s
}

// fill stores n models of size bytes each in one transaction, so that a
// copy takes a while.
func (s *site) fill(t *testing.T, n, size int) {
	t.Helper()
	yaml := "x: " + strings.Repeat("a", size) + "\n"
	must(t, s.db.WithTx(ctx, func(tx *store.DB) error {
		for i := range n {
			if _, err := tx.CreateModel(ctx, s.org, fmt.Sprintf("filler %d", i), &store.Revision{YAML: yaml, AuthorID: s.user}); err != nil {
				return err
			}
		}
		return nil
	}))
}

// write stores one model and its audit entry in one transaction; once
// committed, the write is acknowledged.
func (s *site) write(i int) error {
	name := fmt.Sprintf("write %06d", i)
	err := s.db.WithTx(ctx, func(tx *store.DB) error {
		if _, err := tx.CreateModel(ctx, s.org, name, &store.Revision{YAML: "w: 1\n", AuthorID: s.user}); err != nil {
			return err
		}
		return tx.Audit(ctx, &store.AuditEntry{OrgID: s.org, UserID: s.user, Action: "test.write", Target: name})
	})
	if err == nil {
		s.mu.Lock()
		s.acked = append(s.acked, name)
		s.mu.Unlock()
	}
	return err
}

func (s *site) ackedSoFar() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.acked...)
}

// writing writes until the returned function is called, which returns
// the first error.
func (s *site) writing(t *testing.T) func() error {
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := s.write(i); err != nil {
				done <- err
				return
			}
		}
	}()
	return func() error { close(stop); return <-done }
}

// checkRestored opens a restored database as a server would (migrating
// it), and checks it: intact, at this build's schema, holding every
// write acknowledged before the backup began, and each write whole (its
// model and its audit entry, or neither).
func checkRestored(t *testing.T, dsn string, before []string) {
	t.Helper()
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatalf("opening the restored database: %v", err)
	}
	db.Close()
	driver := "sqlite"
	if store.DialectOf(dsn) == store.Postgres {
		driver = "pgx"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	names := column(t, raw, `SELECT name FROM models WHERE name LIKE 'write %'`)
	targets := column(t, raw, `SELECT target FROM audit WHERE action = 'test.write'`)
	for _, name := range before {
		if !names[name] {
			t.Fatalf("the write %q, acknowledged before the backup began, is not in the restored database (%d writes there)", name, len(names))
		}
	}
	if len(names) != len(targets) {
		t.Errorf("%d models but %d audit entries: a transaction was cut in two", len(names), len(targets))
	}
	for name := range names {
		if !targets[name] {
			t.Errorf("model %q without its audit entry", name)
		}
	}
	var version int64
	if err := raw.QueryRow(`SELECT MAX(version_id) FROM goose_db_version`).Scan(&version); err != nil || version != store.SchemaVersion() {
		t.Errorf("restored schema version %d, %v; want %d", version, err, store.SchemaVersion())
	}
	if driver == "sqlite" {
		var ok string
		if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
			t.Errorf("integrity_check: %q, %v", ok, err)
		}
	}
	t.Logf("restored: %d writes, %d acknowledged before the backup began", len(names), len(before))
}

func column(t *testing.T, db *sql.DB, q string) map[string]bool {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	set := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		set[s] = true
	}
	return set
}

// backupWhileWriting backs up dsn while a writer writes to it, restores
// the backup into fresh, and checks what came back.
func backupWhileWriting(t *testing.T, dsn, fresh string) {
	s := newSite(t, dsn)
	s.fill(t, 1500, 16<<10)
	stop := s.writing(t)
	for len(s.ackedSoFar()) < 20 {
		time.Sleep(time.Millisecond)
	}
	before := s.ackedSoFar()
	file := filepath.Join(t.TempDir(), "scrutin.backup")
	info, err := Create(ctx, dsn, file, Options{})
	during := len(s.ackedSoFar()) - len(before)
	if werr := stop(); werr != nil {
		t.Fatalf("the writer: %v", werr)
	}
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	t.Logf("backup of %d bytes, schema %d; %d writes acknowledged while it ran", info.Bytes, info.Version, during)
	if during == 0 {
		t.Errorf("no write was acknowledged while the backup ran: the test shows nothing")
	}
	st, err := os.Stat(file)
	if err != nil || st.Mode().Perm() != 0o600 || st.Size() != info.Bytes || info.Version != store.SchemaVersion() {
		t.Fatalf("backup file %v (%v), info %+v", st, err, info)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".*")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	rinfo, err := Restore(ctx, file, fresh, Options{})
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if rinfo.Aside != "" || rinfo.Version != info.Version {
		t.Errorf("restore into a fresh location: %+v", rinfo)
	}
	checkRestored(t, fresh, before)
}

func TestSQLiteBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	fresh := filepath.Join(t.TempDir(), "new", "scrutin.db")
	backupWhileWriting(t, filepath.Join(dir, "scrutin.db"), fresh)
	if st, err := os.Stat(fresh); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("restored database %v, %v", st, err)
	}
}

func TestPostgresBackupWhileWriting(t *testing.T) {
	if os.Getenv("SCRUTIN_TEST_POSTGRES") == "" {
		t.Skip("SCRUTIN_TEST_POSTGRES is not set: PostgreSQL not tested (eval \"$(.ci/postgres.sh)\" sets it)")
	}
	if _, err := exec.LookPath("pg_dump"); err != nil {
		t.Skip("pg_dump is not installed")
	}
	live, fresh := newPostgresDB(t), newPostgresDB(t)
	backupWhileWriting(t, live, fresh)
	// The restored database is no longer empty: a second restore into it
	// is refused, and changes nothing.
	file := filepath.Join(t.TempDir(), "again.backup")
	if _, err := Create(ctx, fresh, file, Options{}); err != nil {
		t.Fatal(err)
	}
	_, err := Restore(ctx, file, fresh, Options{})
	wantCode(t, err, model.EINVALID)
	if !strings.Contains(err.Error(), "new, empty database") {
		t.Errorf("restore into a database in use: %v", err)
	}
	// Not an archive; no pg_dump.
	junk := filepath.Join(t.TempDir(), "junk")
	os.WriteFile(junk, []byte("not an archive"), 0o600)
	_, err = Restore(ctx, junk, newPostgresDB(t), Options{})
	wantCode(t, err, model.EINVALID)
	_, err = Create(ctx, live, filepath.Join(t.TempDir(), "x"), Options{PgDump: "no-such-pg_dump"})
	if err == nil || !strings.Contains(err.Error(), "PostgreSQL client tools") {
		t.Errorf("without pg_dump: %v", err)
	}
}

// TestSQLiteRestore: restoring over a database keeps the old one aside,
// with the writes of its write-ahead log (a server that crashed leaves
// committed writes there), and refuses while the database is in use.
func TestSQLiteRestore(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	s := newSite(t, live)
	must(t, s.write(1))
	file := filepath.Join(dir, "one.backup")
	if _, err := Create(ctx, live, file, Options{}); err != nil {
		t.Fatal(err)
	}
	must(t, s.write(2))

	// A crashed server's files: the database and its log, copied while
	// the database is open (write 2 is in the log only).
	crashed := filepath.Join(dir, "crashed", "scrutin.db")
	os.MkdirAll(filepath.Dir(crashed), 0o700)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		copyTo(t, live+suffix, crashed+suffix)
	}
	if st, err := os.Stat(crashed + "-wal"); err != nil || st.Size() == 0 {
		t.Fatalf("no write-ahead log to test with: %v %v", st, err)
	}

	// In use: refused, nothing changed.
	_, err := Restore(ctx, file, live, Options{})
	wantCode(t, err, model.ECONFLICT)
	if !strings.Contains(err.Error(), "in use") {
		t.Errorf("restore over a database in use: %v", err)
	}
	if names, _ := filepath.Glob(live + ".*"); len(names) != 0 {
		t.Errorf("files left by a refused restore: %v", names)
	}
	must(t, s.write(3))

	now := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	info, err := Restore(ctx, file, crashed, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if want := crashed + ".before-restore-20260314T150926Z"; info.Aside != want {
		t.Errorf("aside %q, want %q", info.Aside, want)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(crashed + suffix); err == nil {
			t.Errorf("the old database's %s is left next to the new one", suffix)
		}
	}
	checkRestored(t, crashed, []string{"write 000001"})
	if got := namesIn(t, crashed); got["write 000002"] {
		t.Errorf("the restored database holds a write made after the backup")
	}
	if got := namesIn(t, info.Aside); !got["write 000001"] || !got["write 000002"] {
		t.Errorf("the database set aside lost writes: %v", got)
	}
	// A second restore in the same second keeps both old databases.
	info2, err := Restore(ctx, file, crashed, Options{Now: func() time.Time { return now }})
	if err != nil || info2.Aside == info.Aside || !exists(info.Aside) || !exists(info2.Aside) {
		t.Errorf("second restore: %+v, %v", info2, err)
	}
}

// TestRefused: what is not a scrutin database, or is newer than this
// build, is refused with a clear error, and nothing is written.
func TestRefused(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	s := newSite(t, live)
	must(t, s.write(1))
	file := filepath.Join(dir, "ok.backup")
	if _, err := Create(ctx, live, file, Options{}); err != nil {
		t.Fatal(err)
	}

	// A plain SQLite database, not scrutin's.
	plain := filepath.Join(dir, "plain.db")
	p, err := sql.Open("sqlite", plain)
	must(t, err)
	_, err = p.Exec(`CREATE TABLE t (x INTEGER)`)
	must(t, err)
	p.Close()
	// A backup from a newer scrutin.
	newer := filepath.Join(dir, "newer.backup")
	copyTo(t, file, newer)
	n, err := sql.Open("sqlite", newer)
	must(t, err)
	_, err = n.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, 1)`, store.SchemaVersion()+1)
	must(t, err)
	n.Close()
	// A damaged one: pages overwritten in the middle.
	damaged := filepath.Join(dir, "damaged.backup")
	copyTo(t, file, damaged)
	f, err := os.OpenFile(damaged, os.O_RDWR, 0)
	must(t, err)
	st, _ := f.Stat()
	f.WriteAt([]byte(strings.Repeat("\xff", 8192)), st.Size()/2)
	f.Close()
	text := filepath.Join(dir, "text.backup")
	os.WriteFile(text, []byte("hello"), 0o600)

	target := filepath.Join(dir, "target", "scrutin.db")
	for _, tt := range []struct {
		name, file, want string
	}{
		{"missing", filepath.Join(dir, "missing"), "cannot read the backup"},
		{"directory", dir, "is not a file"},
		{"text", text, "is not an SQLite database"},
		{"plain", plain, "is not a scrutin database"},
		{"newer", newer, "newer scrutin"},
		{"damaged", damaged, "damaged"},
	} {
		t.Run("restore "+tt.name, func(t *testing.T) {
			_, err := Restore(ctx, tt.file, target, Options{})
			wantCode(t, err, model.EINVALID)
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if exists(target) {
				t.Errorf("a refused restore created the database")
			}
			if names, _ := filepath.Glob(filepath.Join(filepath.Dir(target), ".*")); len(names) != 0 {
				t.Errorf("files left: %v", names)
			}
		})
	}
	for _, tt := range []struct {
		name, dsn, file, want string
	}{
		{"exists", live, file, "already exists"},
		{"no directory", live, filepath.Join(dir, "no", "b"), "no directory"},
		{"missing", filepath.Join(dir, "none.db"), filepath.Join(dir, "b1"), "no database to back up"},
		{"text", text, filepath.Join(dir, "b2"), "no database to back up"},
		{"plain", plain, filepath.Join(dir, "b3"), "is not a scrutin database"},
		{"memory", ":memory:", filepath.Join(dir, "b4"), "in memory"},
	} {
		t.Run("backup "+tt.name, func(t *testing.T) {
			before, _ := os.ReadFile(tt.file)
			_, err := Create(ctx, tt.dsn, tt.file, Options{})
			wantCode(t, err, model.EINVALID)
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if after, _ := os.ReadFile(tt.file); string(after) != string(before) {
				t.Errorf("a refused backup wrote %s", tt.file)
			}
		})
	}
	// Over something that is not a database: refused, left alone.
	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, []byte("notes"), 0o600)
	_, err = Restore(ctx, file, notDB, Options{})
	wantCode(t, err, model.EINVALID)
	if b, _ := os.ReadFile(notDB); string(b) != "notes" {
		t.Errorf("a file that is not a database was replaced")
	}
}

func TestArchiveVersion(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		err  bool
	}{
		{"SET x;\nCOPY public.goose_db_version (id, version_id, is_applied, tstamp) FROM stdin;\n1\t0\tt\tx\n2\t1\tt\tx\n3\t4\tt\tx\n4\t9\tf\tx\n\\.\n", 4, false},
		{"COPY goose_db_version (\"version_id\", \"is_applied\") FROM stdin;\n2\tt\n\\.\n", 2, false},
		{"COPY public.other (a) FROM stdin;\n1\n\\.\n", 0, true},
		{"COPY public.goose_db_version (id, tstamp) FROM stdin;\n", 0, true},
		{"COPY public.goose_db_version (id, version_id, is_applied) FROM stdin;\n1\tx\tt\n", 0, true},
		{"COPY public.goose_db_version (id, version_id, is_applied) FROM stdin;\n1\n", 0, true},
		{"", 0, true},
	} {
		got, err := archiveVersion(strings.NewReader(tt.in))
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("archiveVersion(%q) = %d, %v", tt.in, got, err)
		}
	}
}

func FuzzArchiveVersion(f *testing.F) {
	f.Add("COPY public.goose_db_version (id, version_id, is_applied, tstamp) FROM stdin;\n1\t0\tt\tx\n2\t4\tt\tx\n\\.\n")
	f.Add("COPY goose_db_version (version_id, is_applied) FROM stdin;\n-3\tt\n\\.\n")
	f.Add("COPY x.goose_db_version () FROM stdin;\n\t\t\n")
	f.Fuzz(func(t *testing.T, in string) {
		v, err := archiveVersion(strings.NewReader(in))
		if err == nil && v < 0 {
			t.Fatalf("negative version %d", v)
		}
	})
}

func namesIn(t *testing.T, path string) map[string]bool {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	must(t, err)
	defer db.Close()
	return column(t, db, `SELECT name FROM models`)
}

func copyTo(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	must(t, err)
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	must(t, err)
	_, err = io.Copy(out, in)
	must(t, err)
	must(t, out.Close())
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := model.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// newPostgresDB creates a database, dropped when the test ends, and
// returns its DSN.
func newPostgresDB(tb testing.TB) string { return storetest.NewPostgresDB(tb, "scrutin_backup") }

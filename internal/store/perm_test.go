//go:build unix

package store

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestSQLiteFilePermissions: the database and SQLite's -wal and -shm
// files are readable by their owner only, whatever the umask, when Open
// creates them and when they existed with looser permissions (which Open
// tightens).
func TestSQLiteFilePermissions(t *testing.T) {
	old := syscall.Umask(0o002) // a permissive umask: the files must not depend on it
	defer syscall.Umask(old)
	dir := t.TempDir()
	check := func(when string, path string) {
		t.Helper()
		for _, f := range []string{path, path + "-wal", path + "-shm"} {
			fi, err := os.Stat(f)
			if err != nil {
				t.Errorf("%s: %v", when, err)
				continue
			}
			if m := fi.Mode().Perm(); m != 0o600 {
				t.Errorf("%s: %s has mode %#o, want 0600", when, filepath.Base(f), m)
			}
		}
	}
	for i, dsn := range []func(string) string{
		func(p string) string { return p },
		func(p string) string { return "file:" + p + "?_pragma=cache_size(-2000)" },
	} {
		path := filepath.Join(dir, fmt.Sprintf("new%d.db", i))
		db := mustOpen(t, dsn(path), nil)
		must(t, db.CreateUser(ctx, &User{Email: "a@example.org"})) // the WAL has something
		check("created", path)
		must(t, db.Close())

		// Loosened by someone else: Open tightens them again.
		must(t, os.Chmod(path, 0o644))
		db = mustOpen(t, dsn(path), nil)
		must(t, db.CreateUser(ctx, &User{Email: "b@example.org"}))
		check("reopened", path)
		must(t, db.Close())
	}
}

//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestServeDataPermissions: the data directory is created readable by
// its owner only (0700) and the database in it too (0600), whatever the
// umask; a data directory that exists with looser permissions is left
// as it is (the operator chose it) but the log warns.
func TestServeDataPermissions(t *testing.T) {
	old := syscall.Umask(0o002)
	defer syscall.Umask(old)
	t.Setenv("SCRUTIN_ADMIN_PASSWORD", "serve-test-password")
	data := filepath.Join(t.TempDir(), "new", "data")
	s := startServe(t, "--data", data, "--no-demo")
	for path, want := range map[string]os.FileMode{data: 0o700, filepath.Join(data, "scrutin.db"): 0o600,
		filepath.Join(data, "scrutin.db-wal"): 0o600, filepath.Join(data, "scrutin.db-shm"): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Errorf("%v", err)
		} else if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %#o, want %#o", path, fi.Mode().Perm(), want)
		}
	}
	if strings.Contains(s.stderr.String(), "readable by others") {
		t.Errorf("a warning for a directory created 0700: %s", s.stderr)
	}
	s.shutdown(t)

	loose := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(loose, 0o755); err != nil {
		t.Fatal(err)
	}
	s = startServe(t, "--data", loose, "--no-demo")
	if !strings.Contains(s.stderr.String(), "readable by others") {
		t.Errorf("no warning for a data directory of mode 0755: %s", s.stderr)
	}
	if fi, _ := os.Stat(filepath.Join(loose, "scrutin.db")); fi == nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("database in the loose directory: %v", fi)
	}
}

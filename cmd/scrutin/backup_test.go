package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupRestore: scrutin backup copies the database of a running
// server; scrutin restore refuses while the server runs, then, once it
// has stopped, puts the copy back and keeps the replaced database aside;
// the server started again finds the data of the backup. The commands
// run in child processes, as an administrator would run them.
func TestBackupRestore(t *testing.T) {
	t.Setenv("SCRUTIN_ADMIN_PASSWORD", "serve-test-password")
	data := t.TempDir()
	s := startServe(t, "--data", data, "--no-demo")
	tok := serveToken(t, s.url, "serve-test-password")
	serveCall(t, "POST", s.url+"/api/v1/orgs", tok, map[string]string{"id": "before", "name": "Before", "kind": "party"}, http.StatusCreated, nil)

	file := filepath.Join(t.TempDir(), "scrutin.backup")
	code, out, errs := exe(t, "backup", file, "--data", data)
	if code != exitOK || !strings.Contains(out, "backed up") || !strings.Contains(out, file) {
		t.Fatalf("backup: exit %d: %s%s", code, out, errs)
	}
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, %v", st, err)
	}
	if code, _, errs := exe(t, "backup", file, "--data", data); code != exitInvalid || !strings.Contains(errs, "already exists") {
		t.Errorf("backup over an existing file: exit %d: %s", code, errs)
	}
	serveCall(t, "POST", s.url+"/api/v1/orgs", tok, map[string]string{"id": "after", "name": "After", "kind": "party"}, http.StatusCreated, nil)

	code, _, errs = exe(t, "restore", file, "--data", data)
	if code != exitFailure || !strings.Contains(errs, "in use") || !strings.Contains(errs, "stop the server") {
		t.Fatalf("restore while the server runs: exit %d: %s", code, errs)
	}
	s.shutdown(t)
	code, out, errs = exe(t, "restore", file, "--data", data)
	if code != exitOK || !strings.Contains(out, "restored") || !strings.Contains(out, "kept as") {
		t.Fatalf("restore: exit %d: %s%s", code, out, errs)
	}
	aside, _ := filepath.Glob(filepath.Join(data, "scrutin.db.before-restore-*"))
	if len(aside) != 1 {
		t.Fatalf("the replaced database is not kept: %v", aside)
	}

	s = startServe(t, "--data", data, "--no-demo")
	tok = serveToken(t, s.url, "serve-test-password")
	serveCall(t, "GET", s.url+"/api/v1/orgs/before/models", tok, nil, http.StatusOK, nil)
	serveCall(t, "GET", s.url+"/api/v1/orgs/after/models", tok, nil, http.StatusNotFound, nil)
	s.shutdown(t)

	for _, args := range [][]string{{"backup"}, {"restore"}, {"backup", "a", "b"}, {"restore", filepath.Join(data, "missing")}} {
		if code, _, errs := scrutin(t, "", append(args, "--data", data)...); code != exitInvalid {
			t.Errorf("%v: exit %d, want %d: %s", args, code, exitInvalid, errs)
		}
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/ciso"
)

func dumpFile(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := ciso.Dump(f)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestEbiosXLSXRoundTrip: scrutin ebios --format xlsx, then scrutin ebios
// import onto the same model, then export again: the same workbook
// content; the imported model validates.
func TestEbiosXLSXRoundTrip(t *testing.T) {
	dir := t.TempDir()
	a, b, y := filepath.Join(dir, "a.xlsx"), filepath.Join(dir, "b.xlsx"), filepath.Join(dir, "m.yaml")
	hand := "testdata/ebios-hand.yaml"
	run := func(args ...string) (string, string) {
		t.Helper()
		code, out, errOut := scrutin(t, "", args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		return out, errOut
	}
	run("ebios", hand, "--format", "xlsx", "--out", a, "--trials", "20000", "--lang", "fr")
	_, stderr := run("ebios", "import", a, "--model", hand, "--out", y)
	if strings.Contains(stderr, "not mapped") {
		t.Errorf("scrutin's own workbook did not map entirely: %s", stderr)
	}
	run("validate", y)
	run("ebios", y, "--format", "xlsx", "--out", b, "--trials", "20000", "--lang", "fr")
	if da, db := dumpFile(t, a), dumpFile(t, b); da != db {
		t.Errorf("round trip changed the workbook:\n%s\n---\n%s", da, db)
	}
}

// TestEbiosXLSXBuiltIn: the built-in example's study goes through the
// workbook and back, in English and in French, without loss.
func TestEbiosXLSXBuiltIn(t *testing.T) {
	dir := t.TempDir()
	for _, lang := range []string{"en", "fr"} {
		a, b, y := filepath.Join(dir, lang+"-a.xlsx"), filepath.Join(dir, lang+"-b.xlsx"), filepath.Join(dir, lang+".yaml")
		src := filepath.Join(dir, lang+"-src.yaml")
		if err := os.WriteFile(src, examples.ElectionIn(lang), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"ebios", src, "--format", "xlsx", "--out", a, "--trials", "5000", "--lang", lang},
			{"ebios", "import", a, "--model", src, "--out", y},
			{"validate", y},
			{"ebios", y, "--format", "xlsx", "--out", b, "--trials", "5000", "--lang", lang},
		} {
			code, _, errOut := scrutin(t, "", args...)
			if code != 0 {
				t.Fatalf("%s: %v: exit %d: %s", lang, args, code, errOut)
			}
			if strings.Contains(errOut, "not mapped") {
				t.Errorf("%s: %v: %s", lang, args, errOut)
			}
		}
		if da, db := dumpFile(t, a), dumpFile(t, b); da != db {
			t.Errorf("%s: the round trip changed the workbook", lang)
		}
	}
}

func TestEbiosXLSXErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.xlsx")
	os.WriteFile(bad, []byte("not a workbook"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ebios", "import", bad, "--model", "testdata/ebios-hand.yaml"}, "bad.xlsx: not an xlsx workbook"},
		{[]string{"ebios", "import", filepath.Join(dir, "none.xlsx")}, "cannot read workbook"},
		{[]string{"ebios", "testdata/ebios-hand.yaml", "--format", "xlsx"}, "--out FILE.xlsx"},
	} {
		code, _, errOut := scrutin(t, "", c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
}

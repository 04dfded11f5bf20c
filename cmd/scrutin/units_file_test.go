package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const unitsModel = `scrutin: 1
name: Contest with a units file
currency: EUR
organizations: [{id: o, name: O, kind: election-authority}]
assets: [{id: r, org: o, name: Results, kind: results}]
actors: [{id: x, name: X}]
scenarios:
  - {id: s, name: S, actor: x, assets: [r], effect: integrity, frequency: 0.1, vulnerability: 0.1, magnitude: 1000, contest: c, manipulation: units}
contests:
  - id: c
    name: C
    ballots: 1000
    candidates: {A: 600, B: 400}
    voting: paper-hand-count
    units_file: data/units.csv
`

// TestUnitsFileFromModelDirectory: a model read from a file reads its
// units_file from its own directory, and from nowhere else; a model read
// from standard input has no directory to read it from.
func TestUnitsFileFromModelDirectory(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "model.yaml")
	if err := os.WriteFile(model, []byte(unitsModel), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	units := filepath.Join(dir, "data", "units.csv")
	if err := os.WriteFile(units, []byte("id,ballots\n75,700\n13,300\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := scrutin(t, "", "validate", model); code != 0 || !strings.Contains(out, "ok") {
		t.Errorf("validate: exit %d\n%s%s", code, out, errs)
	}
	code, _, errs := scrutin(t, unitsModel, "validate", "-")
	if want := "<stdin>:15:17: contests[0].units_file: the model's files are not available here"; code != 2 || !strings.Contains(errs, want) {
		t.Errorf("stdin: exit %d, stderr lacks %q:\n%s", code, want, errs)
	}

	// A symbolic link out of the model's directory is not followed.
	outside := filepath.Join(t.TempDir(), "units.csv")
	if err := os.WriteFile(outside, []byte("id,ballots\n75,1000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(units); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, units); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	code, _, errs = scrutin(t, "", "validate", model)
	if want := "contests[0].units_file: cannot read units file"; code != 2 || !strings.Contains(errs, want) {
		t.Errorf("symbolic link out: exit %d, stderr lacks %q:\n%s", code, want, errs)
	}
}

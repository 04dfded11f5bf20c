package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestModelATTACKIDs: the ATT&CK ids a model names are checked against the
// catalogue in use, by every command that reads a model: the embedded
// one, or the one imported into the data directory.
func TestModelATTACKIDs(t *testing.T) {
	t.Setenv("SCRUTIN_DATA", t.TempDir()) // no imported catalogue: the embedded one
	bad := writeFile(t, "bad.yaml", strings.Replace(mustRead(t, minimal), "attack: G0007", "attack: G9007", 1))
	const want = `bad.yaml:17:38: actors[0].attack: unknown ATT&CK group "G9007" (did you mean "G0007", APT28?); the catalogue in use is Enterprise ATT&CK and ATT&CK for ICS v18.1, DISARM v1.6 (embedded)` + "\n"
	for _, cmd := range [][]string{
		{"validate", bad}, {"run", bad}, {"plan", bad, "--budget", "1"}, {"sensitivity", bad}, {"report", bad},
		{"tree", "eval", bad}, {"attack", "coverage", bad, "--actor", "apt28"}, {"ingest", minimal, "--kind", "sshd", "--model", bad},
	} {
		code, _, errs := scrutin(t, "", cmd...)
		if code != 2 || !strings.Contains(errs, want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", cmd, code, errs, want)
		}
	}
	// The examples name real ids, all in the embedded catalogue.
	examples, _ := filepath.Glob("../../examples/*.yaml")
	if code, out, errs := scrutin(t, "", append([]string{"validate"}, examples...)...); code != 0 || strings.Count(out, ": ok") != len(examples) {
		t.Errorf("examples: exit %d: %s%s", code, out, errs)
	}

	// Any id of the embedded release is known, Enterprise or ICS: a
	// group the former subset lacked, an ICS mitigation; an unknown ICS
	// id is an error with a suggestion.
	ics := writeFile(t, "ics.yaml", strings.Replace(strings.Replace(mustRead(t, minimal), "attack: G0007", "attack: G1017", 1), "M1032", "M0801", 1))
	if code, out, errs := scrutin(t, "", "validate", ics); code != 0 || !strings.Contains(out, ": ok") {
		t.Errorf("ICS mitigation: exit %d: %s%s", code, out, errs)
	}
	badICS := writeFile(t, "bad-ics.yaml", strings.Replace(mustRead(t, minimal), "M1032", "M0899", 1))
	if code, _, errs := scrutin(t, "", "validate", badICS); code != 2 || !strings.Contains(errs, `controls[0].attack[0]: unknown ATT&CK mitigation "M0899" (did you mean`) {
		t.Errorf("unknown ICS mitigation: exit %d: %s", code, errs)
	}

	// An imported catalogue replaces the embedded one: its mitigation
	// M1034, not M1032.
	data := os.Getenv("SCRUTIN_DATA")
	bundle := writeFile(t, "bundle.json", `{"type": "bundle", "id": "bundle--1", "objects": [
 {"type": "intrusion-set", "id": "intrusion-set--1", "name": "Test Group", "external_references": [{"source_name": "mitre-attack", "external_id": "G0999"}]},
 {"type": "course-of-action", "id": "course-of-action--1", "name": "Test Mitigation", "external_references": [{"source_name": "mitre-attack", "external_id": "M1034"}]}]}`)
	if code, _, errs := scrutin(t, "", "attack", "import", bundle, "--replace", "--data", data); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	code, _, errs := scrutin(t, "", "validate", minimal)
	if w := `minimal.yaml:22:14: controls[0].attack[0]: unknown ATT&CK mitigation "M1032" (did you mean "M1034", Test Mitigation?); the catalogue in use is STIX bundle`; code != 2 || !strings.Contains(errs, w) {
		t.Errorf("imported catalogue: exit %d, %q; want %q", code, errs, w)
	}
	// A damaged stored catalogue says what to do.
	if err := os.WriteFile(filepath.Join(data, "attack", "catalog.json.gz"), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = scrutin(t, "", "validate", minimal)
	if code != 2 || !strings.Contains(errs, "remove the file to use the embedded catalogue") {
		t.Errorf("damaged catalogue: exit %d, %q", code, errs)
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/attack"
)

// storedCatalog reads the catalogue attack import stored in data.
func storedCatalog(t *testing.T, data string) *attack.Catalog {
	t.Helper()
	f, err := os.Open(filepath.Join(data, "attack", "catalog.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := attack.LoadCatalog(f)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAttackImportDISARMBesideATTACK: importing DISARM never drops ATT&CK
// and importing an ATT&CK release never drops DISARM, in either order.
func TestAttackImportDISARMBesideATTACK(t *testing.T) {
	dir := t.TempDir()
	disarm, enterprise := filepath.Join(dir, "DISARM.json"), filepath.Join(dir, "enterprise-attack.json")
	for path, read := range map[string]func() ([]byte, error){disarm: attack.EmbeddedDISARMBundle, enterprise: attack.EmbeddedBundle} {
		b, err := read()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		files []string
		says  []string
	}{
		{"DISARM then ATT&CK", []string{disarm, enterprise}, []string{"beside its ATT&CK, which it keeps", "keeps its DISARM frameworks beside it"}},
		{"ATT&CK then DISARM", []string{enterprise, disarm}, []string{"keeps its DISARM frameworks beside it", "beside its ATT&CK, which it keeps"}},
		{"ATT&CK with --replace", []string{enterprise, "--replace"}, []string{"keeps its DISARM frameworks beside it"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := t.TempDir()
			for i, file := range tc.files {
				if file == "--replace" {
					continue
				}
				args := []string{"attack", "import", file, "--data", data}
				if i+1 < len(tc.files) && tc.files[i+1] == "--replace" {
					args = append(args, "--replace")
				}
				code, out, errs := scrutin(t, "", args...)
				if code != 0 {
					t.Fatalf("import %s: exit %d: %s", file, code, errs)
				}
				if !strings.Contains(out, tc.says[i]) {
					t.Errorf("import %s says:\n%s\nwant %q", file, out, tc.says[i])
				}
				c := storedCatalog(t, data)
				n := 0
				for _, tech := range c.Techniques {
					if attack.IsDISARM(tech.ID) {
						n++
					}
				}
				if n != 391 || c.Technique("T1566") == nil || c.Actor("G0007") == nil || c.Mitigation("disarm:C00046") == nil || c.Mitigation("M1032") == nil {
					t.Errorf("after importing %s: %d DISARM techniques, %s", file, n, c.Summary())
				}
			}
		})
	}
}

// TestAttackImportDISARMRedOnly: the DISARM Foundation's own bundle holds
// the red framework only; importing it keeps the catalogue's
// countermeasures and what they counter.
func TestAttackImportDISARMRedOnly(t *testing.T) {
	raw, err := attack.EmbeddedDISARMBundle()
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Type    string           `json:"type"`
		ID      string           `json:"id"`
		Objects []map[string]any `json:"objects"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	b.Objects = slices.DeleteFunc(b.Objects, func(o map[string]any) bool {
		return o["type"] == "course-of-action" || o["relationship_type"] == "mitigates"
	})
	red, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	code, out, errs := scrutin(t, "", "attack", "import", writeFile(t, "DISARM.json", string(red)), "--data", data)
	if code != 0 || !strings.Contains(out, "the catalogue's 140 are kept, with 392 of what they counter") {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	c := storedCatalog(t, data)
	if tech := c.Technique("disarm:T0023"); tech == nil || !slices.Contains(tech.Mitigations, "disarm:C00046") || c.Technique("T1566") == nil {
		t.Errorf("after a red-only import: %+v, %s", tech, c.Summary())
	}
}

// TestAttackDISARMCoverage: coverage of a model's influence actor, with
// its DISARM Navigator layer.
func TestAttackDISARMCoverage(t *testing.T) {
	dir := t.TempDir()
	mf := filepath.Join(dir, "influence.yaml")
	src := `scrutin: 1
name: Influence operation
currency: EUR
organizations: [{id: authority, name: Election authority, kind: election-authority}]
assets: [{id: site, name: Results website, org: authority, kind: website}]
actors:
  - {id: doppelganger, name: Doppelganger operators, disarm: [T0023, T0044, T0086]}
controls:
  - {id: prebunking, name: Prebunking campaign, status: implemented, attack: [C00046], effects: [{scenario: forged-leak, vulnerability: 0.8}]}
scenarios:
  - {id: forged-leak, name: Forged leak, actor: doppelganger, assets: [site], effect: confidentiality, frequency: 1, vulnerability: 0.3, magnitude: 1000}
`
	if err := os.WriteFile(mf, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	layer := filepath.Join(dir, "layer.json")
	code, out, errs := scrutin(t, "", "attack", "coverage", mf, "--actor", "doppelganger", "--navigator", layer, "--data", t.TempDir())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "2 of 3") || !strings.Contains(out, "T0086 (DISARM)  Develop Image-Based Content") || !strings.Contains(out, "(none: DISARM lists no countermeasure)") {
		t.Errorf("output:\n%s", out)
	}
	b, err := os.ReadFile(layer)
	if err != nil || !strings.Contains(string(b), `"domain": "DISARM"`) || !strings.Contains(string(b), `"techniqueID": "T0086"`) {
		t.Errorf("layer %v:\n%.600s", err, b)
	}
	bad := strings.Replace(src, "C00046", "C99999", 1)
	if err := os.WriteFile(mf, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = scrutin(t, "", "attack", "coverage", mf, "--actor", "doppelganger", "--data", t.TempDir())
	if code != 2 || !strings.Contains(errs, `unknown DISARM countermeasure "C99999"`) {
		t.Errorf("exit %d: %s", code, errs)
	}
}

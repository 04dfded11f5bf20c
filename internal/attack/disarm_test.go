package attack

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// TestDISARMNamespace: DISARM ids live in their own namespace; the
// catalogue decides a bare id's and shows it.
func TestDISARMNamespace(t *testing.T) {
	c := embedded(t)
	if c.Technique("T0086") != nil {
		t.Error("a DISARM technique is stored under its bare id")
	}
	d, err := c.ResolveTechnique("T0086")
	if err != nil || d.ID != "disarm:T0086" || d.Name != "Develop Image-Based Content" || ShowID(d.ID) != "T0086 (DISARM)" {
		t.Fatalf("T0086: %+v, %v", d, err)
	}
	if !slices.Equal(d.Tactics, []string{"disarm-develop-content"}) || !slices.Equal(d.Domains, []string{DomainDISARM}) {
		t.Errorf("T0086: tactics %v, domains %v", d.Tactics, d.Domains)
	}
	if s, err := c.ResolveTechnique("T0086.001"); err != nil || s.Parent != "disarm:T0086" || c.FullName(s) != "Develop Image-Based Content: Develop Memes" {
		t.Errorf("T0086.001: %+v, %v", s, err)
	}
	a, err := c.ResolveTechnique("T1566")
	if err != nil || a.ID != "T1566" || ShowID(a.ID) != "T1566 (ATT&CK)" {
		t.Fatalf("T1566: %+v, %v", a, err)
	}
	if _, err := c.ResolveTechnique("disarm:T1566"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("disarm:T1566: %v", err)
	}
	if _, err := c.ResolveTechnique("T0001"); model.ErrorCode(err) != model.ENOTFOUND || !strings.Contains(err.Error(), "neither ATT&CK nor DISARM") {
		t.Errorf("T0001: %v", err)
	}
	if m := c.Mitigation("disarm:C00006"); m == nil || m.Name != "Charge for social media" {
		t.Errorf("C00006: %+v", m)
	}
	// ATT&CK for ICS (T0800 … T0895) and DISARM (T0002 … T0155) both
	// begin with T0; in the embedded releases no bare id is in both.
	for _, tech := range c.Techniques {
		if IsDISARM(tech.ID) && c.Technique(BareID(tech.ID)) != nil {
			t.Errorf("%s is both an ATT&CK and a DISARM technique in the embedded catalogue", BareID(tech.ID))
		}
	}
}

// TestDISARMAmbiguousID: a bare id both frameworks hold is refused with a
// message naming both; a prefixed one resolves.
func TestDISARMAmbiguousID(t *testing.T) {
	c := *embedded(t)
	c.Techniques = append(slices.Clone(c.Techniques), Technique{ID: "T0086", Name: "An ICS technique of the future", STIXID: "attack-pattern--x"})
	sortBy(c.Techniques, func(t *Technique) string { return t.ID })
	_, err := c.ResolveTechnique("T0086")
	if model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("T0086: %v, want an EINVALID error", err)
	}
	for _, want := range []string{"T0086 is ambiguous", "T0086 (ATT&CK) An ICS technique of the future", "T0086 (DISARM) Develop Image-Based Content", "attack:T0086 or disarm:T0086"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if a, err := c.ResolveTechnique("attack:T0086"); err != nil || a.ID != "T0086" {
		t.Errorf("attack:T0086: %+v, %v", a, err)
	}
	if d, err := c.ResolveTechnique("disarm:T0086"); err != nil || d.ID != "disarm:T0086" {
		t.Errorf("disarm:T0086: %+v, %v", d, err)
	}
}

// TestDISARMFrameworkSplit: a catalogue splits into its ATT&CK and DISARM
// parts and merges back whole, which is what an import of one framework
// does to the other.
func TestDISARMFrameworkSplit(t *testing.T) {
	c := embedded(t)
	att, dis := c.WithoutDISARM(), c.OnlyDISARM()
	if att.HasDISARM() || !dis.HasDISARM() || len(dis.Actors) != 0 {
		t.Fatalf("split: %s / %s", att.Summary(), dis.Summary())
	}
	if got, want := dis.Summary(), "0 actors, 0 campaigns, 391 techniques, 140 mitigations, 16 tactics"; got != want {
		t.Errorf("DISARM part %q, want %q", got, want)
	}
	for _, order := range []struct {
		name string
		a, b *Catalog
	}{{"ATT&CK then DISARM", att, dis}, {"DISARM then ATT&CK", dis, att}} {
		m, _ := order.a.Merge(order.b)
		if got, want := len(m.Techniques), len(c.Techniques); got != want {
			t.Errorf("%s: %d techniques, want %d", order.name, got, want)
		}
		if m.Technique("T1566") == nil || m.Technique("disarm:T0086") == nil || m.Mitigation("M1032") == nil || m.Mitigation("disarm:C00006") == nil {
			t.Errorf("%s: lost a framework: %s", order.name, m.Summary())
		}
	}
}

// disarmModel is a model with an influence actor and a control that names
// DISARM countermeasures.
const disarmModel = `scrutin: 1
name: Influence operation
currency: EUR
organizations: [{id: authority, name: Election authority, kind: election-authority}]
assets: [{id: site, name: Results website, org: authority, kind: website}]
actors:
  - {id: doppelganger, name: Doppelganger operators, disarm: [T0023, T0044, T0086]}
controls:
  - {id: prebunking, name: Prebunking campaign, status: implemented, attack: [%s], effects: [{scenario: forged-leak, vulnerability: 0.8}]}
scenarios:
  - {id: forged-leak, name: Forged leak, actor: doppelganger, assets: [site], effect: confidentiality, frequency: 1, vulnerability: 0.3, magnitude: 1000}
`

func decodeDISARMModel(t *testing.T, c *Catalog, attack string) (*model.Model, error) {
	t.Helper()
	src := strings.Replace(disarmModel, "%s", attack, 1)
	return model.DecodeWith("influence.yaml", []byte(src), model.DecodeOptions{Attack: func() (*model.AttackIDs, error) { return c.ModelIDs(), nil }})
}

// TestDISARMModelIDs: a control may name DISARM countermeasures, checked
// against the catalogue like ATT&CK mitigations; an actor's DISARM
// techniques are checked too.
func TestDISARMModelIDs(t *testing.T) {
	c := embedded(t)
	if _, err := decodeDISARMModel(t, c, "C00046, M1017"); err != nil {
		t.Fatalf("C00046 and M1017: %v", err)
	}
	_, err := decodeDISARMModel(t, c, "C99999")
	if err == nil || !strings.Contains(err.Error(), `controls[0].attack[0]: unknown DISARM countermeasure "C99999" (did you mean "C`) {
		t.Errorf("C99999: %v", err)
	}
	_, err = decodeDISARMModel(t, c, "C0046")
	if err == nil || !strings.Contains(err.Error(), `"C0046" is not an ATT&CK mitigation id (M followed by four digits, such as M1032) or a DISARM countermeasure id`) {
		t.Errorf("C0046: %v", err)
	}
	src := strings.Replace(strings.Replace(disarmModel, "%s", "C00046", 1), "T0086]", "T1566]", 1)
	_, err = model.DecodeWith("influence.yaml", []byte(src), model.DecodeOptions{Attack: func() (*model.AttackIDs, error) { return c.ModelIDs(), nil }})
	if err == nil || !strings.Contains(err.Error(), `actors[0].disarm[2]: unknown DISARM technique "T1566"`) {
		t.Errorf("an ATT&CK technique among an actor's DISARM techniques: %v", err)
	}
}

// TestDISARMCoverage: coverage of an influence actor's DISARM techniques by
// a control naming a countermeasure, through the bundle's relationships
// (C00046 mitigates T0023 Distort Facts and T0044 Seed Distortions;
// nothing in the blue framework mitigates T0086); and its DISARM layer.
func TestDISARMCoverage(t *testing.T) {
	c := embedded(t)
	m, err := decodeDISARMModel(t, c, "C00046")
	if err != nil {
		t.Fatal(err)
	}
	a, ma, err := c.ResolveActor(m, "doppelganger")
	if err != nil || ma != "doppelganger" {
		t.Fatalf("actor: %+v %q %v", a, ma, err)
	}
	cov, err := c.Cover(a, m, []string{"prebunking"})
	if err != nil {
		t.Fatal(err)
	}
	var mitigated []string
	for _, tc := range cov.Techniques {
		if tc.Score == ScoreMitigated {
			mitigated = append(mitigated, tc.ID)
		}
	}
	if !slices.Equal(mitigated, []string{"disarm:T0023", "disarm:T0044"}) || len(cov.Techniques) != 3 || len(cov.Notes) != 0 {
		t.Errorf("mitigated %v of %d, notes %q", mitigated, len(cov.Techniques), cov.Notes)
	}
	if len(cov.InForce) != 1 || !slices.Equal(cov.InForce[0].Mitigations, []string{"disarm:C00046"}) {
		t.Errorf("in force %+v", cov.InForce)
	}

	var buf bytes.Buffer
	if err := cov.WriteLayer(&buf); err != nil {
		t.Fatal(err)
	}
	var l map[string]any
	if err := json.Unmarshal(buf.Bytes(), &l); err != nil {
		t.Fatal(err)
	}
	if l["domain"] != "DISARM" {
		t.Errorf("domain %v", l["domain"])
	}
	// The DISARM Navigator's one domain is of version "1" (its config.json).
	if v := l["versions"].(map[string]any); v["attack"] != "1" || v["layer"] != LayerFormat {
		t.Errorf("versions %v", v)
	}
	got := map[string]string{}
	for _, x := range l["techniques"].([]any) {
		lt := x.(map[string]any)
		got[lt["techniqueID"].(string)] = lt["tactic"].(string) + " " + strings.TrimSuffix(strings.TrimPrefix(lt["links"].([]any)[0].(map[string]any)["url"].(string), "https://github.com/DISARMFoundation/DISARMframeworks/blob/main/generated_pages/techniques/"), ".md")
		if lt["techniqueID"] == "T0023" && lt["score"] != float64(ScoreMitigated) || lt["techniqueID"] == "T0086" && lt["score"] != float64(ScoreUncovered) {
			t.Errorf("%v scored %v", lt["techniqueID"], lt["score"])
		}
	}
	want := map[string]string{"T0023": "develop-content T0023", "T0044": "conduct-pump-priming T0044", "T0086": "develop-content T0086"}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("layer technique %s: %q, want %q (all: %v)", id, got[id], w, got)
		}
	}
	if len(got) != 3 {
		t.Errorf("layer techniques %v", got)
	}
}

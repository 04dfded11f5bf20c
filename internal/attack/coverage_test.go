package attack

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

func electionCoverage(t *testing.T, with ...string) (*Catalog, *model.Model, *Coverage) {
	t.Helper()
	c, m := embedded(t), election(t)
	inForce, err := m.InForce(with, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, ma, err := c.ResolveActor(m, "apt28")
	if err != nil {
		t.Fatal(err)
	}
	cov, err := c.Cover(a, m, inForce)
	if err != nil {
		t.Fatal(err)
	}
	cov.ModelActor = ma
	return c, m, cov
}

func TestCoverageElectionGolden(t *testing.T) {
	_, _, cov := electionCoverage(t)
	var text, js bytes.Buffer
	if err := cov.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := cov.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	golden(t, "coverage-election-apt28.golden.txt", text.String())
	golden(t, "coverage-election-apt28.golden.json", js.String())

	// The exact top-level shape.
	var d map[string]any
	if err := json.Unmarshal(js.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"actor", "by_tactic", "coverage", "mitigated", "techniques", "uncovered"}; !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
	if !strings.HasPrefix(strings.ReplaceAll(js.String(), " ", ""), "{\n\"actor\":{\n\"id\":\"G0007\",\n\"name\":\"APT28\",\n\"model_actor\":\"apt28\"") {
		t.Errorf("actor: %.80s", js.String())
	}
	// by_tactic keeps the matrix order.
	if i, j := strings.Index(js.String(), `"reconnaissance"`), strings.Index(js.String(), `"impact"`); i < 0 || j < i {
		t.Error("by_tactic is not in matrix order")
	}
}

// naiveMitigated counts, by a generic scan of the bundle, the techniques
// among techs that a mitigation of ids mitigates.
func naiveMitigated(t *testing.T, techs map[string]bool, ids []string) int {
	t.Helper()
	raw, err := EmbeddedBundle()
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Objects []map[string]any `json:"objects"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	attackID := map[string]string{}
	for _, o := range b.Objects {
		refs, _ := o["external_references"].([]any)
		for _, r := range refs {
			if r := r.(map[string]any); r["source_name"] == "mitre-attack" {
				attackID[o["id"].(string)], _ = r["external_id"].(string)
			}
		}
	}
	mitigated := map[string]bool{}
	for _, o := range b.Objects {
		if o["relationship_type"] == "mitigates" && slices.Contains(ids, attackID[o["source_ref"].(string)]) {
			if tech := attackID[o["target_ref"].(string)]; techs[tech] {
				mitigated[tech] = true
			}
		}
	}
	return len(mitigated)
}

func TestCoverageElectionCounts(t *testing.T) {
	raw, err := EmbeddedBundle()
	if err != nil {
		t.Fatal(err)
	}
	_, all := naiveTechniques(t, [][]byte{raw}, "G0007")
	_, m, cov := electionCoverage(t)
	var inForce, every []string
	for _, ctl := range m.Controls {
		every = append(every, ctl.Attack...)
		if ctl.Status == model.StatusImplemented {
			inForce = append(inForce, ctl.Attack...)
		}
	}
	if !slices.Equal(inForce, []string{"M1051", "M1016", "M1053"}) {
		t.Fatalf("the example's implemented controls list %v", inForce)
	}
	if want := naiveMitigated(t, all, inForce); cov.Mitigated != want || want != 9 {
		t.Errorf("mitigated %d, naive scan %d, by hand 9", cov.Mitigated, want)
	}
	if want := naiveMitigated(t, all, every); cov.WithProposed != want || want != 53 {
		t.Errorf("with every control %d, naive scan %d, by hand 53", cov.WithProposed, want)
	}
	if len(cov.Techniques) != 99 || len(cov.Uncovered) != 90 || cov.Direct != 91 {
		t.Errorf("%d techniques (%d direct), %d uncovered", len(cov.Techniques), cov.Direct, len(cov.Uncovered))
	}
	sum := 0
	for _, tc := range cov.ByTactic {
		sum += tc.Mitigated
	}
	if sum < cov.Mitigated {
		t.Errorf("by tactic %d mitigated, in all %d", sum, cov.Mitigated)
	}

	// Security keys (M1032) switched on cover what the report says they would.
	_, _, with := electionCoverage(t, "security-keys")
	var keys ControlCoverage
	for _, ctl := range cov.Proposed {
		if ctl.ID == "security-keys" {
			keys = ctl
		}
	}
	if with.Mitigated != cov.Mitigated+len(keys.Techniques) || len(keys.Techniques) == 0 {
		t.Errorf("with security-keys %d mitigated, want %d + %d", with.Mitigated, cov.Mitigated, len(keys.Techniques))
	}
	for _, tc := range with.Uncovered {
		if slices.Contains(keys.Techniques, tc.ID) {
			t.Errorf("%s is still uncovered with security-keys", tc.ID)
		}
	}
}

// sampleCatalog: T1001 (parent) is mitigated by M1001 only, its
// sub-technique T1001.001 by M1002 only; T1002 has only Pre-compromise.
func sampleCatalog(t *testing.T) *Catalog {
	return parse(t, bundle(
		group,
		obj("intrusion-set", "g2", "G0002", `"name": "Group Two"`),
		tech("t1", "T1001"),
		tech("s1", "T1001.001"),
		tech("t2", "T1002"),
		obj("attack-pattern", "t3", "T1003", `"name": "Two tactics", "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "execution"}, {"kill_chain_name": "mitre-attack", "phase_name": "persistence"}]`),
		tech("t4", "T1004"),
		obj("course-of-action", "m1", "M1001", `"name": "One"`),
		obj("course-of-action", "m2", "M1002", `"name": "Two"`),
		obj("course-of-action", "m56", "M1056", `"name": "Pre-compromise"`),
		rel("mitigates", "course-of-action--m1", "attack-pattern--t1"),
		rel("mitigates", "course-of-action--m2", "attack-pattern--s1"),
		rel("mitigates", "course-of-action--m56", "attack-pattern--t2"),
		rel("mitigates", "course-of-action--m2", "attack-pattern--t3"),
		rel("mitigates", "course-of-action--m1", "attack-pattern--t4"),
		rel("uses", groupRef, "attack-pattern--s1"),
		rel("uses", groupRef, "attack-pattern--t2"),
		rel("uses", groupRef, "attack-pattern--t3"),
		rel("uses", groupRef, "attack-pattern--t4"),
		rel("uses", "intrusion-set--g2", "attack-pattern--t4"),
	))
}

func sampleModel(controls ...model.Control) *model.Model {
	return &model.Model{Name: "sample", Controls: controls}
}

func TestCoverageSubtechniques(t *testing.T) {
	c := sampleCatalog(t)
	a := c.Actor("G0001")
	for _, tc := range []struct {
		name      string
		attack    []string
		mitigated []string
	}{
		{"the parent's mitigation does not count for the sub-technique", []string{"M1001"}, []string{"T1004"}},
		{"the sub-technique's own does", []string{"M1002"}, []string{"T1001.001", "T1003"}},
		{"pre-compromise counts when listed", []string{"M1056"}, []string{"T1002"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := sampleModel(model.Control{ID: "c", Name: "C", Attack: tc.attack, Status: model.StatusImplemented})
			cov, err := c.Cover(a, m, []string{"c"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tech := range cov.Techniques {
				if tech.Score == ScoreMitigated {
					got = append(got, tech.ID)
				}
			}
			if !slices.Equal(got, tc.mitigated) {
				t.Errorf("mitigated %v, want %v", got, tc.mitigated)
			}
		})
	}
}

func TestCoverageRanking(t *testing.T) {
	c := sampleCatalog(t)
	m := sampleModel(
		model.Control{ID: "in-force", Name: "In force", Attack: []string{"M9999"}, Status: model.StatusImplemented},
		model.Control{ID: "proposed", Name: "Proposed", Attack: []string{"M1002"}, Status: model.StatusProposed},
	)
	cov, err := c.Cover(c.Actor("G0001"), m, []string{"in-force"})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, u := range cov.Uncovered {
		order = append(order, u.ID)
	}
	// T1003 (a proposed control would mitigate it, 2 tactics) before
	// T1001.001 (the same, 1 tactic); then T1004 (used by both actors);
	// then T1002 (only pre-compromise).
	if want := []string{"T1003", "T1001.001", "T1004", "T1002"}; !slices.Equal(order, want) {
		t.Errorf("rank %v, want %v", order, want)
	}
	if cov.Mitigated != 0 || cov.WithProposed != 2 || len(cov.Proposed) != 1 || !slices.Equal(cov.Proposed[0].Techniques, []string{"T1003", "T1001.001"}) {
		t.Errorf("mitigated %d, with proposed %d, proposed %+v", cov.Mitigated, cov.WithProposed, cov.Proposed)
	}
	if len(cov.Notes) != 1 || !strings.Contains(cov.Notes[0], "M9999, which is not a mitigation or countermeasure in the catalogue") {
		t.Errorf("notes %q", cov.Notes)
	}
	if tc := cov.Uncovered[2]; tc.Users != 2 || tc.Preventable() != true {
		t.Errorf("T1004: %+v", tc)
	}
}

func TestCoverageNotes(t *testing.T) {
	c := embedded(t)
	m := sampleModel(model.Control{ID: "a", Name: "A", Status: model.StatusImplemented})
	cov, err := c.Cover(c.Actor("G0034"), m, []string{"a"})
	if err != nil {
		t.Fatal(err)
	}
	if cov.Mitigated != 0 || len(cov.Notes) != 1 || !strings.Contains(cov.Notes[0], "none of the model's controls lists ATT&CK mitigations") {
		t.Errorf("mitigated %d, notes %q", cov.Mitigated, cov.Notes)
	}
	var text bytes.Buffer
	if err := cov.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "Notes\n  none of the model's controls") {
		t.Errorf("the text report lacks the note:\n%s", text.String())
	}
	empty := parse(t, bundle(group, tech("t1", "T1001")))
	if _, err := empty.Cover(empty.Actor("G0001"), m, nil); err == nil || !strings.Contains(err.Error(), "has no techniques") {
		t.Errorf("an actor without techniques: %v", err)
	}
}

func TestResolveActor(t *testing.T) {
	c, m := embedded(t), election(t)
	for _, tc := range []struct {
		q, id, modelActor, err string
	}{
		{"apt28", "G0007", "apt28", ""},
		{"apt29", "G0016", "apt29", ""},
		{"APT28", "G0007", "", ""}, // not a model actor id (ids are case-sensitive): the ATT&CK name
		{"Fancy Bear", "G0007", "", ""},
		{"G0034", "G0034", "", ""},
		{"insider", "", "", `the model's actor "insider" (Malicious or coerced insider with administrator access) has no attack: ATT&CK group id`},
		{"nobody", "", "", `unknown actor "nobody"`},
	} {
		a, ma, err := c.ResolveActor(m, tc.q)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ResolveActor(%q): %v, want %q", tc.q, err, tc.err)
			}
		case err != nil:
			t.Errorf("ResolveActor(%q): %v", tc.q, err)
		case a.ID != tc.id || ma != tc.modelActor:
			t.Errorf("ResolveActor(%q) = %s, %q; want %s, %q", tc.q, a.ID, ma, tc.id, tc.modelActor)
		}
	}
}

package attack

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// Objects for hand-made bundles: ids are short but of the STIX shape.
func tech(n, id string, extra ...string) string {
	return obj("attack-pattern", n, id, `"name": "Technique `+id+`", "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}]`, extra...)
}

func obj(typ, n, id, fields string, extra ...string) string {
	s := fmt.Sprintf(`{"type": %q, "id": "%s--%s", "spec_version": "2.1", "modified": "2024-01-01T00:00:00.000Z", "external_references": [{"source_name": "mitre-attack", "external_id": %q}], %s`, typ, typ, n, id, fields)
	for _, e := range extra {
		s += ", " + e
	}
	return s + "}"
}

func rel(typ, src, dst string, extra ...string) string {
	s := fmt.Sprintf(`{"type": "relationship", "id": "relationship--%s-%s-%s", "relationship_type": %q, "source_ref": %q, "target_ref": %q`, typ, src, dst, typ, src, dst)
	for _, e := range extra {
		s += ", " + e
	}
	return s + "}"
}

func bundle(objs ...string) string {
	return `{"type": "bundle", "id": "bundle--1", "objects": [` + strings.Join(objs, ",\n") + "]}"
}

var (
	group    = obj("intrusion-set", "g1", "G0001", `"name": "Group One", "aliases": ["Group One", "Alias A", "alias a", "Alias B"]`)
	groupRef = "intrusion-set--g1"
)

func TestRevocation(t *testing.T) {
	// T1001 is revoked by T1002, which is revoked by T1003: a group using
	// T1001 uses T1003, and M1001's mitigation of T1001 moves to T1003.
	c := parse(t, bundle(
		group,
		tech("t1", "T1001", `"revoked": true`),
		tech("t2", "T1002", `"revoked": true`),
		tech("t3", "T1003"),
		obj("course-of-action", "m1", "M1001", `"name": "Mitigation One"`),
		rel("revoked-by", "attack-pattern--t1", "attack-pattern--t2"),
		rel("revoked-by", "attack-pattern--t2", "attack-pattern--t3"),
		rel("uses", groupRef, "attack-pattern--t1"),
		rel("mitigates", "course-of-action--m1", "attack-pattern--t1"),
		// A revoked group's relationships move to its replacement.
		obj("intrusion-set", "g2", "G0002", `"name": "Old Group", "revoked": true`),
		rel("revoked-by", "intrusion-set--g2", groupRef),
		obj("attack-pattern", "t4", "T1004", `"name": "Other"`),
		rel("uses", "intrusion-set--g2", "attack-pattern--t4"),
	))
	if got := ids(c.Techniques); !slices.Equal(got, []string{"T1003", "T1004"}) {
		t.Errorf("techniques %v, want T1003 T1004", got)
	}
	if got := ids(c.Actors); !slices.Equal(got, []string{"G0001"}) {
		t.Errorf("actors %v", got)
	}
	if a := c.Actor("G0001"); !slices.Equal(a.Techniques, []string{"T1003", "T1004"}) {
		t.Errorf("G0001 uses %v, want T1003 T1004", a.Techniques)
	}
	if m := c.Technique("T1003").Mitigations; !slices.Equal(m, []string{"M1001"}) {
		t.Errorf("T1003 mitigations %v", m)
	}
	if s := c.Stats; s.Revoked != 3 || s.Redirected != 3 || s.Relationships != 3 || s.Dropped != 0 {
		t.Errorf("stats %+v", s)
	}
	if got := c.Actor("G0001").Aliases; !slices.Equal(got, []string{"Alias A", "Alias B"}) {
		t.Errorf("aliases %v", got)
	}
	want := map[string]string{"attack-pattern--t1": "T1003", "attack-pattern--t2": "T1003", "intrusion-set--g2": "G0001"}
	for k, v := range want {
		if c.Retired[k] != v {
			t.Errorf("retired[%s] = %q, want %q", k, c.Retired[k], v)
		}
	}
}

func TestRevocationWithoutReplacement(t *testing.T) {
	c := parse(t, bundle(
		group,
		tech("t1", "T1001", `"revoked": true`), // revoked, no revoked-by: dropped with its relationships
		tech("t2", "T1002"),
		tech("t5", "T1005", `"revoked": true`), // revoked-by cycle
		tech("t6", "T1006", `"revoked": true`),
		rel("revoked-by", "attack-pattern--t5", "attack-pattern--t6"),
		rel("revoked-by", "attack-pattern--t6", "attack-pattern--t5"),
		rel("uses", groupRef, "attack-pattern--t1"),
		rel("uses", groupRef, "attack-pattern--t2"),
		rel("uses", groupRef, "attack-pattern--t5"),
	))
	if a := c.Actor("G0001"); !slices.Equal(a.Techniques, []string{"T1002"}) {
		t.Errorf("G0001 uses %v", a.Techniques)
	}
	if s := c.Stats; s.Dropped != 2 || s.Revoked != 3 {
		t.Errorf("stats %+v", s)
	}
	if !slices.ContainsFunc(c.Stats.Warnings, func(w string) bool { return strings.Contains(w, "never ends") }) {
		t.Errorf("no warning about the revocation cycle: %v", c.Stats.Warnings)
	}
}

func TestDeprecation(t *testing.T) {
	c := parse(t, bundle(
		group,
		obj("intrusion-set", "g2", "G0002", `"name": "Deprecated Group", "x_mitre_deprecated": true`),
		tech("t1", "T1001", `"x_mitre_deprecated": true`),
		tech("t2", "T1002"),
		obj("course-of-action", "m1", "M1001", `"name": "Deprecated Mitigation", "x_mitre_deprecated": true`),
		obj("course-of-action", "m2", "M1002", `"name": "Mitigation"`),
		rel("uses", groupRef, "attack-pattern--t1"),
		rel("uses", groupRef, "attack-pattern--t2"),
		rel("uses", "intrusion-set--g2", "attack-pattern--t2"),
		rel("mitigates", "course-of-action--m1", "attack-pattern--t2"),
		rel("mitigates", "course-of-action--m2", "attack-pattern--t2"),
		rel("mitigates", "course-of-action--m2", "attack-pattern--t1"),
		// A deprecated relationship is dropped too.
		rel("uses", groupRef, "attack-pattern--t2", `"x_mitre_deprecated": true`, `"description": "dup"`),
	))
	if got := ids(c.Actors); !slices.Equal(got, []string{"G0001"}) {
		t.Errorf("actors %v", got)
	}
	if got := ids(c.Techniques); !slices.Equal(got, []string{"T1002"}) {
		t.Errorf("techniques %v", got)
	}
	if c.Mitigation("M1001") != nil || !slices.Equal(c.Technique("T1002").Mitigations, []string{"M1002"}) {
		t.Errorf("mitigations %v, T1002's %v", c.Mitigations, c.Technique("T1002").Mitigations)
	}
	if s := c.Stats; s.Deprecated != 3 || s.Dropped != 5 || s.Relationships != 2 {
		t.Errorf("stats %+v", s)
	}
	if c.Retired["attack-pattern--t1"] != "" {
		t.Errorf("retired %v", c.Retired)
	}
}

func TestUnknownReferences(t *testing.T) {
	c := parse(t, bundle(
		group,
		tech("t1", "T1001"),
		obj("indicator", "i1", "", `"pattern": "[ipv4-addr:value = '203.0.113.1']", "name": 5`), // odd fields in an ignored type
		obj("x-custom-thing", "x1", "", `"name": {"deep": [1, 2]}, "aliases": "not a list"`),
		rel("uses", groupRef, "attack-pattern--t1"),
		rel("uses", groupRef, "attack-pattern--missing1"),
		rel("uses", groupRef, "attack-pattern--missing2"),
		rel("mitigates", "course-of-action--missing", "attack-pattern--t1"),
		rel("uses", "intrusion-set--missing", "attack-pattern--missing"),
		rel("indicates", "indicator--i1", groupRef),             // to an object of a type not held: other
		rel("mitigates", groupRef, "attack-pattern--t1"),        // wrong kinds: other
		rel("related-to", groupRef, "x-custom-thing--x1"),       // other
		`{"type": "relationship", "relationship_type": "uses"}`, // no refs at all
	))
	if s := c.Stats; s.Unknown != 5 || s.Relationships != 1 || s.Other != 3 || s.Ignored != 2 {
		t.Errorf("stats %+v", s)
	}
	w := strings.Join(c.Stats.Warnings, "\n")
	if !strings.Contains(w, "attack-pattern--missing1, which is not in the bundle") || !strings.Contains(w, "… and 2 more like this (unknown object)") {
		t.Errorf("warnings:\n%s", w)
	}
}

func TestSubtechniquesAndTactics(t *testing.T) {
	c := parse(t, bundle(
		group,
		obj("attack-pattern", "p", "T1100", `"name": "Parent", "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "impact"}, {"kill_chain_name": "lockheed", "phase_name": "delivery"}, {"kill_chain_name": "mitre-attack", "phase_name": "reconnaissance"}]`),
		obj("attack-pattern", "s1", "T1100.001", `"name": "T1100.001: Child by relationship", "x_mitre_is_subtechnique": true`),
		obj("attack-pattern", "s2", "T1100.002", `"name": "Child by id"`),
		obj("attack-pattern", "s3", "T1999.001", `"name": "Orphan"`),
		obj("attack-pattern", "x", "CAPEC-1", `"name": "Not ATT&CK", "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "made-up-tactic"}]`),
		rel("subtechnique-of", "attack-pattern--s1", "attack-pattern--p"),
	))
	p := c.Technique("T1100")
	if !slices.Equal(p.Tactics, []string{"reconnaissance", "impact"}) {
		t.Errorf("T1100 tactics %v, want the Enterprise order", p.Tactics)
	}
	if s := c.Technique("T1100.001"); s.Parent != "T1100" || s.Name != "Child by relationship" || c.FullName(s) != "Parent: Child by relationship" {
		t.Errorf("T1100.001: %+v", s)
	}
	if s := c.Technique("T1100.002"); s.Parent != "T1100" {
		t.Errorf("T1100.002: %+v", s)
	}
	if s := c.Technique("T1999.001"); s.Parent != "" {
		t.Errorf("T1999.001: %+v", s)
	}
	if c.Technique("attack-pattern--x") == nil {
		t.Errorf("the technique without ATT&CK id is not kept under its STIX id: %v", ids(c.Techniques))
	}
	var tactics []string
	for _, tac := range c.Tactics {
		tactics = append(tactics, tac.ShortName+"="+tac.ID+"/"+tac.Name)
	}
	want := []string{"reconnaissance=TA0043/Reconnaissance", "impact=TA0040/Impact", "made-up-tactic=/Made Up Tactic"}
	if !slices.Equal(tactics, want) {
		t.Errorf("tactics %v, want %v", tactics, want)
	}
	if c.Complete || c.Domain != "" {
		t.Errorf("complete %v domain %q without a matrix", c.Complete, c.Domain)
	}
}

func TestMatrixOrder(t *testing.T) {
	tactic := func(n, id, short string) string {
		return obj("x-mitre-tactic", n, id, fmt.Sprintf(`"name": %q, "x_mitre_shortname": %q`, strings.ToUpper(short), short))
	}
	c := parse(t, bundle(
		tactic("a", "TA0001", "initial-access"),
		tactic("b", "TA0040", "impact"),
		tactic("c", "TA0099", "extra"),
		obj("x-mitre-matrix", "m", "enterprise-attack", `"name": "Enterprise ATT&CK", "tactic_refs": ["x-mitre-tactic--b", "x-mitre-tactic--missing", "x-mitre-tactic--a"]`),
		obj("x-mitre-collection", "col", "", `"name": "Enterprise ATT&CK", "x_mitre_version": "18.1"`),
		tech("t1", "T1001"),
	))
	var order []string
	for _, tac := range c.Tactics {
		order = append(order, tac.ID)
	}
	if !slices.Equal(order, []string{"TA0040", "TA0001", "TA0099"}) {
		t.Errorf("order %v: the matrix's first, then the others", order)
	}
	if !c.Complete || c.Domain != "enterprise-attack" || c.Version != "18.1" || c.Name != "Enterprise ATT&CK v18.1" {
		t.Errorf("complete %v domain %q version %q name %q", c.Complete, c.Domain, c.Version, c.Name)
	}
}

func TestVersions(t *testing.T) {
	// The same STIX id twice: the later modified one is the object.
	c := parse(t, bundle(
		`{"type": "attack-pattern", "id": "attack-pattern--t1", "modified": "2020-01-01T00:00:00.5Z", "name": "New", "external_references": [{"source_name": "mitre-attack", "external_id": "T1001"}]}`,
		`{"type": "attack-pattern", "id": "attack-pattern--t1", "modified": "2020-01-01T00:00:00.123Z", "name": "Old", "external_references": [{"source_name": "mitre-attack", "external_id": "T1001"}]}`,
	))
	if got := c.Technique("T1001").Name; got != "New" {
		t.Errorf("name %q, want the later version's", got)
	}
}

func TestParseCatalogErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, msg string
	}{
		{"empty", "", "unexpected end of JSON input (line 1, column 1, byte 0)"},
		{"syntax", "{\n  \"type\": \"bundle\",\n  \"objects\": [\n    {\"type\": \"attack-pattern\",, }\n  ]\n}", "line 4, column 31"},
		{"truncated", `{"type": "bundle", "objects": [{"type": "attack-pattern"`, "unexpected end of JSON input"},
		{"array", `[1, 2]`, "not a STIX bundle: expected a JSON object at line 1, got an array"},
		{"string", `"bundle"`, "not a STIX bundle"},
		{"null", `null`, `no "type": "bundle"`},
		{"other type", `{"type": "report", "objects": []}`, `of type "report"`},
		{"type not string", `{"type": 5, "objects": []}`, `"type" is not a string (line 1, column 10`},
		{"objects not array", `{"type": "bundle", "objects": {"a": 1}}`, `"objects" must be an array, got an object (line 1, column 31`},
		{"galaxy", `{"name": "Threat Actor", "type": "threat-actor", "values": []}`, "looks like a MISP galaxy"},
		{"nothing held", bundle(obj("indicator", "i", "", `"pattern": "x"`), obj("report", "r", "", `"name": "r"`)), "holds no ATT&CK intrusion sets, campaigns, techniques or mitigations (it has: indicator 1, report 1)"},
		{"empty bundle", `{"type": "bundle", "id": "bundle--1"}`, "it has no objects"},
		{"bad name", bundle(group, "\n"+obj("attack-pattern", "t1", "T1001", `"name": ["a list"]`)), `attack-pattern attack-pattern--t1: "name" must be a string, not array (line 3`},
		{"bad revoked", bundle(obj("intrusion-set", "g", "G0001", `"name": "x", "revoked": "yes"`)), `intrusion-set intrusion-set--g: "revoked" must be true or false, not string (line 1`},
		{"bad refs", bundle(obj("x-mitre-matrix", "m", "enterprise-attack", `"tactic_refs": "x"`)), `x-mitre-matrix x-mitre-matrix--m: "tactic_refs" must be an array, not string`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCatalog(strings.NewReader(tc.in))
			if err == nil {
				t.Fatal("no error")
			}
			if model.ErrorCode(err) != model.EINVALID || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q (%s), want EINVALID with %q", err, model.ErrorCode(err), tc.msg)
			}
		})
	}
}

func TestUnit42(t *testing.T) {
	c, err := ParseCatalog(bytes.NewReader(unit42(t)))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Stats
	if s.SpecVersion != "2.0" || s.Objects != 686 || s.Ignored != 60 || s.Unknown != 0 || s.Revoked != 0 || len(s.Warnings) != 0 {
		t.Errorf("stats %+v", s)
	}
	if len(c.Actors) != 1 || len(c.Campaigns) != 4 || len(c.Techniques) != 34 || len(c.Mitigations) != 53 {
		t.Errorf("%s", c.Summary())
	}
	a := c.Actors[0]
	if a.Name != "Fighting Ursa" || a.ID != "intrusion-set--75ac5bcc-3915-4815-b9a1-bf87277fc343" || len(a.Techniques) != 0 {
		t.Errorf("actor %+v", a)
	}
	techs := c.ActorTechniques(&a)
	if len(techs) != 34 {
		t.Errorf("Fighting Ursa's campaigns use %d techniques, want 34", len(techs))
	}
	if tech := c.Technique("T1047"); tech == nil || tech.Name != "Windows Management Instrumentation" || !slices.Equal(tech.Tactics, []string{"execution"}) {
		t.Errorf("T1047: %+v", tech)
	}
	camp := c.ActorCampaigns(a.ID)
	if len(camp) != 4 {
		t.Fatalf("%d campaigns", len(camp))
	}
	var names []string
	for _, x := range camp {
		names = append(names, x.Name+" "+x.FirstSeen)
	}
	slices.Sort(names)
	if want := []string{"Dear Joohn Campaign 2018-10-01", "Fighting Ursa_play1 2018-02-01", "GoZebrocy 2018-10-11", "dealerschoice_1 2018-03-12"}; !slices.Equal(names, want) {
		t.Errorf("campaigns %v", names)
	}
	// Palo Alto's courses of action have no ATT&CK id.
	for _, m := range c.Mitigations {
		if IsAttackID("M", m.ID) {
			t.Errorf("mitigation %s has an ATT&CK id", m.ID)
		}
	}
}

// TestMergeUnit42 layers the Unit 42 playbook over the embedded ATT&CK
// catalogue: Fighting Ursa joins APT28 through the MISP galaxy.
func TestMergeUnit42(t *testing.T) {
	base := embedded(t)
	u, err := ParseCatalog(bytes.NewReader(unit42(t)))
	if err != nil {
		t.Fatal(err)
	}
	m, notes := base.Merge(u)
	// The playbook also names two techniques ATT&CK has retired since.
	if len(notes) != 3 || !strings.Contains(notes[2], `"Fighting Ursa"`) || !strings.Contains(notes[2], "joined G0007 APT28") ||
		!strings.Contains(notes[0], "T1043 Commonly Used Port is revoked or deprecated") || !strings.Contains(notes[1], "T1094 Custom Command and Control Protocol is revoked by T1095") {
		t.Errorf("notes %q", notes)
	}
	if err := m.check(); err != nil {
		t.Fatal(err)
	}
	a := m.Actor("G0007")
	if a.Name != "APT28" || !slices.Contains(a.Aliases, "Fighting Ursa") || len(m.Actors) != len(base.Actors) {
		t.Errorf("APT28 after the merge: %+v", a)
	}
	if got := len(m.ActorCampaigns("G0007")); got != 5 {
		t.Errorf("APT28 has %d campaigns, want 1 + 4", got)
	}
	all := m.ActorTechniques(a)
	if len(all) <= 99 || !slices.Contains(all, "T1059.007") {
		t.Errorf("APT28 has %d techniques after the merge", len(all))
	}
	// The embedded T1047 (modified 2025) is newer than Unit 42's (2020).
	if got, want := m.Technique("T1047"), base.Technique("T1047"); got.Modified != want.Modified {
		t.Errorf("T1047 modified %s, want the embedded %s", got.Modified, want.Modified)
	}
	if got := m.Technique("T1059.007").Parent; got != "T1059" {
		t.Errorf("T1059.007's parent %q: it should find T1059 in the base", got)
	}
	if base.Actor("G0007").Aliases[0] != "IRON TWILIGHT" || len(base.ActorCampaigns("G0007")) != 1 {
		t.Error("Merge changed its receiver")
	}
	back := saveLoad(t, m)
	if len(back.Techniques) != len(m.Techniques) {
		t.Error("the merged catalogue does not survive Save and LoadCatalog")
	}
}

// TestMergeRetired: a bundle layered on top cannot bring back what the
// catalogue in use knows to be revoked or deprecated.
func TestMergeRetired(t *testing.T) {
	base := parse(t, bundle(
		group,
		tech("t1", "T1001", `"revoked": true`),
		tech("t2", "T1002"),
		tech("t3", "T1003", `"x_mitre_deprecated": true`),
		rel("revoked-by", "attack-pattern--t1", "attack-pattern--t2"),
	))
	top := parse(t, bundle(
		obj("intrusion-set", "v", "", `"name": "Vendor Name", "aliases": ["Alias A"]`),
		tech("t1", "T1001"),
		tech("t3", "T1003"),
		obj("course-of-action", "m", "M1001", `"name": "M"`),
		rel("uses", "intrusion-set--v", "attack-pattern--t1"),
		rel("uses", "intrusion-set--v", "attack-pattern--t3"),
		rel("mitigates", "course-of-action--m", "attack-pattern--t1"),
	))
	m, notes := base.Merge(top)
	if err := m.check(); err != nil {
		t.Fatal(err)
	}
	if got := ids(m.Techniques); !slices.Equal(got, []string{"T1002"}) {
		t.Errorf("techniques %v, want only T1002", got)
	}
	a := m.Actor("G0001")
	if !slices.Equal(a.Techniques, []string{"T1002"}) || !slices.Contains(a.Aliases, "Vendor Name") {
		t.Errorf("G0001: %+v", a)
	}
	if !slices.Equal(m.Technique("T1002").Mitigations, []string{"M1001"}) {
		t.Errorf("T1002 mitigations %v", m.Technique("T1002").Mitigations)
	}
	if len(notes) != 3 {
		t.Errorf("notes %q", notes)
	}
}

func ids[T any](list []T) []string {
	var out []string
	for i := range list {
		switch v := any(&list[i]).(type) {
		case *Technique:
			out = append(out, v.ID)
		case *Actor:
			out = append(out, v.ID)
		case *Mitigation:
			out = append(out, v.ID)
		}
	}
	return out
}

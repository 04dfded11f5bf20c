package attack

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// fuzzSeeds are small bundles that exercise revocation, deprecation,
// sub-techniques, campaigns, the matrix and odd objects.
func fuzzSeeds() []string {
	return []string{
		bundle(group, tech("t1", "T1001"), rel("uses", groupRef, "attack-pattern--t1")),
		bundle(
			group,
			tech("t1", "T1001", `"revoked": true`),
			tech("t2", "T1002", `"x_mitre_deprecated": true`),
			tech("t3", "T1003"),
			obj("attack-pattern", "s1", "T1003.001", `"name": "T1003.001: Sub"`),
			obj("course-of-action", "m1", "M1001", `"name": "M"`),
			obj("campaign", "c1", "C0001", `"name": "Camp", "first_seen": "2020-01-01T00:00:00Z"`),
			obj("x-mitre-tactic", "ta", "TA0001", `"name": "Initial Access", "x_mitre_shortname": "initial-access"`),
			obj("x-mitre-matrix", "mx", "enterprise-attack", `"name": "Enterprise", "tactic_refs": ["x-mitre-tactic--ta"]`),
			obj("malware", "s", "S0001", `"name": "Mal", "x_mitre_aliases": ["Mal", "Ware"]`),
			rel("revoked-by", "attack-pattern--t1", "attack-pattern--t3"),
			rel("subtechnique-of", "attack-pattern--s1", "attack-pattern--t3"),
			rel("uses", groupRef, "attack-pattern--t1"),
			rel("uses", "campaign--c1", "attack-pattern--s1"),
			rel("attributed-to", "campaign--c1", groupRef),
			rel("mitigates", "course-of-action--m1", "attack-pattern--t2"),
			rel("uses", groupRef, "malware--s"),
			rel("uses", groupRef, "attack-pattern--nowhere"),
		),
		// ATT&CK for ICS: its own kill chain and tactic short names.
		bundle(
			group,
			obj("attack-pattern", "i1", "T0803", `"name": "Block", "x_mitre_domains": ["ics-attack"], "kill_chain_phases": [{"kill_chain_name": "mitre-ics-attack", "phase_name": "initial-access"}]`),
			obj("course-of-action", "im", "M0801", `"name": "Access", "x_mitre_domains": ["ics-attack"]`),
			obj("x-mitre-tactic", "it", "TA0108", `"name": "Initial Access", "x_mitre_shortname": "initial-access", "x_mitre_domains": ["ics-attack"]`),
			obj("x-mitre-matrix", "imx", "ics-attack", `"name": "ICS", "tactic_refs": ["x-mitre-tactic--it"]`),
			rel("mitigates", "course-of-action--im", "attack-pattern--i1"),
			rel("uses", groupRef, "attack-pattern--i1"),
		),
		// DISARM: its own namespace, found by the "DISARM" source.
		bundle(
			`{"type": "x-mitre-tactic", "id": "x-mitre-tactic--d1", "name": "Develop Content", "x_mitre_shortname": "develop-content", "external_references": [{"source_name": "DISARM", "external_id": "TA06"}]}`,
			obj("attack-pattern", "d2", "T0086", `"name": "Develop Image-Based Content", "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "develop-content"}]`),
			obj("attack-pattern", "d3", "T0086.001", `"name": "Develop Memes"`),
			`{"type": "course-of-action", "id": "course-of-action--dc", "name": "Counter", "external_references": [{"source_name": "DISARM", "external_id": "C00006"}]}`,
			`{"type": "x-mitre-matrix", "id": "x-mitre-matrix--dm", "name": "DISARM Framework", "tactic_refs": ["x-mitre-tactic--d1"], "external_references": [{"source_name": "DISARM", "external_id": "DISARM"}]}`,
			rel("subtechnique-of", "attack-pattern--d3", "attack-pattern--d2"),
			rel("mitigates", "course-of-action--dc", "attack-pattern--d2"),
		),
		`{"type": "bundle", "spec_version": "2.0", "objects": [{"type": "intrusion-set", "id": "intrusion-set--x", "name": "Vendor"}, {"type": "x-odd", "id": 5, "name": []}]}`,
		`{"type": "bundle", "objects": [{"type": "attack-pattern", "id": "a", "name": 1}]}`,
		`[{"type": "bundle"}]`,
		`{"values": [{"value": "x"}]}`,
	}
}

// FuzzParseCatalog: any input gives a catalogue or an EINVALID error,
// never a panic; a catalogue is consistent, survives Save and LoadCatalog,
// merges onto another, and every command's output can be written for it.
//
//	go test -run '^$' -fuzz FuzzParseCatalog -fuzztime 2m ./internal/attack/
func FuzzParseCatalog(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add([]byte(s))
	}
	base := parse(f, bundle(group, tech("t1", "T1001"), obj("course-of-action", "m1", "M1001", `"name": "M"`),
		rel("mitigates", "course-of-action--m1", "attack-pattern--t1"), rel("uses", groupRef, "attack-pattern--t1")))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCatalog(bytes.NewReader(data))
		if err != nil {
			if model.ErrorCode(err) != model.EINVALID {
				t.Fatalf("error of code %q: %v", model.ErrorCode(err), err)
			}
			return
		}
		exercise(t, c)
		m, _ := base.Merge(c)
		if err := m.check(); err != nil {
			t.Fatalf("merged catalogue: %v", err)
		}
		exercise(t, m)
		// Layered as DISARM beside ATT&CK, and split back into the two.
		r, _ := m.ReplaceDISARM(c)
		if err := r.check(); err != nil {
			t.Fatalf("DISARM replaced: %v", err)
		}
		exercise(t, r)
		j, _ := c.WithoutDISARM().Merge(c.OnlyDISARM())
		if err := j.check(); err != nil {
			t.Fatalf("split and joined: %v", err)
		}
	})
}

// exercise checks a catalogue's consistency and runs every reader and
// writer over it.
func exercise(t *testing.T, c *Catalog) {
	t.Helper()
	if err := c.check(); err != nil {
		t.Fatalf("inconsistent catalogue: %v", err)
	}
	back := saveLoad(t, c)
	if len(back.Techniques) != len(c.Techniques) || len(back.Actors) != len(c.Actors) {
		t.Fatal("the catalogue does not survive Save and LoadCatalog")
	}
	var mitigations []string
	for _, x := range c.Mitigations {
		mitigations = append(mitigations, x.ID)
	}
	m := sampleModel(
		model.Control{ID: "on", Name: "On", Attack: mitigations[:len(mitigations)/2], Status: model.StatusImplemented},
		model.Control{ID: "off", Name: "Off", Attack: mitigations[len(mitigations)/2:], Status: model.StatusProposed},
	)
	_ = c.WriteActors(io.Discard)
	_ = c.WriteActorsJSON(io.Discard)
	for _, d := range []string{"", DomainEnterprise, DomainICS} {
		_ = c.WriteMitigations(io.Discard, d)
		_ = c.WriteMitigationsJSON(io.Discard, d)
	}
	for i := range c.Actors {
		a := &c.Actors[i]
		if _, err := c.FindActor(a.Name); err != nil && model.ErrorCode(err) == model.EINTERNAL {
			t.Fatal(err)
		}
		_ = c.WriteProfile(io.Discard, a)
		cov, err := c.Cover(a, m, []string{"on"})
		if err != nil {
			continue // an actor without techniques
		}
		if cov.Mitigated > len(cov.Techniques) || cov.WithProposed < cov.Mitigated || len(cov.Uncovered) != len(cov.Techniques)-cov.Mitigated {
			t.Fatalf("coverage: %d techniques, %d mitigated, %d with proposed, %d uncovered", len(cov.Techniques), cov.Mitigated, cov.WithProposed, len(cov.Uncovered))
		}
		for _, w := range []func(io.Writer) error{cov.WriteText, cov.WriteJSON, cov.WriteLayer} {
			if err := w(io.Discard); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// FuzzParseGalaxy: any input gives a galaxy or an EINVALID error; the
// galaxy's names resolve without panicking.
//
//	go test -run '^$' -fuzz FuzzParseGalaxy -fuzztime 2m ./internal/attack/
func FuzzParseGalaxy(f *testing.F) {
	f.Add([]byte(`{"name": "Threat Actor", "type": "threat-actor", "version": 3, "values": [
		{"value": "APT28", "uuid": "u", "meta": {"synonyms": ["Sofacy", "G0007", "Grizzly Steppe"], "country": "RU", "refs": ["https://attack.mitre.org/groups/G0007/"]}},
		{"value": "APT29", "meta": {"synonyms": ["Grizzly Steppe", "G0016"]}},
		{"value": "Naikon", "meta": {"synonyms": ["G0019", "G0013"]}},
		{"value": "Other", "meta": {"refs": "https://attack.mitre.org/groups/G0099"}}]}`))
	f.Add([]byte(`{"values": [{"value": 1}, "x", {"value": "y", "meta": {"synonyms": [1, "z"]}}]}`))
	f.Add([]byte(`{"type": "bundle", "objects": []}`))
	f.Add([]byte(`[]`))
	base := parse(f, bundle(group, obj("intrusion-set", "g7", "G0007", `"name": "APT28", "aliases": ["Sofacy"]`),
		obj("intrusion-set", "g16", "G0016", `"name": "APT29"`), tech("t1", "T1001"),
		rel("uses", "intrusion-set--g7", "attack-pattern--t1")))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ParseGalaxy(bytes.NewReader(data))
		if err != nil {
			if model.ErrorCode(err) != model.EINVALID {
				t.Fatalf("error of code %q: %v", model.ErrorCode(err), err)
			}
			return
		}
		c := *base
		c.Galaxy = g
		for _, cl := range g.Clusters {
			if strings.TrimSpace(cl.Value) == "" {
				t.Fatal("a cluster without a name")
			}
			for _, n := range cl.Names() {
				_, _ = c.FindActor(n)
				_, _ = c.ResolveName(n)
			}
		}
		for i := range c.Actors {
			_ = c.GalaxyNames(&c.Actors[i])
		}
		exercise(t, &c)
	})
}

package attack

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
)

// TestEveryGroupResolves: every live ATT&CK group of the embedded bundles,
// read with a plain JSON decoder, is found by its id, its name and each of
// its ATT&CK aliases that names no other group.
func TestEveryGroupResolves(t *testing.T) {
	c := embedded(t)
	type group struct{ id, name string }
	var groups []group
	aliasOwners := map[string][]string{}
	aliasesOf := map[string][]string{}
	for _, bundle := range []func() ([]byte, error){EmbeddedBundle, EmbeddedICSBundle} {
		raw, err := bundle()
		if err != nil {
			t.Fatal(err)
		}
		var b struct {
			Objects []struct {
				Type       string   `json:"type"`
				Name       string   `json:"name"`
				Aliases    []string `json:"aliases"`
				Revoked    bool     `json:"revoked"`
				Deprecated bool     `json:"x_mitre_deprecated"`
				Refs       []struct {
					Source string `json:"source_name"`
					ID     string `json:"external_id"`
				} `json:"external_references"`
			} `json:"objects"`
		}
		if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&b); err != nil {
			t.Fatal(err)
		}
		for _, o := range b.Objects {
			if o.Type != "intrusion-set" || o.Revoked || o.Deprecated {
				continue
			}
			for _, r := range o.Refs {
				if r.Source == "mitre-attack" && !slices.Contains(groups, group{r.ID, o.Name}) {
					groups = append(groups, group{r.ID, o.Name})
					for _, a := range o.Aliases {
						if !slices.Contains(aliasOwners[a], r.ID) {
							aliasOwners[a] = append(aliasOwners[a], r.ID)
						}
						aliasesOf[r.ID] = append(aliasesOf[r.ID], a)
					}
				}
			}
		}
	}
	if len(groups) != len(c.Actors) || len(groups) != 174 {
		t.Fatalf("%d groups in the bundles, %d actors in the catalogue, want 174", len(groups), len(c.Actors))
	}
	for _, g := range groups {
		queries := []string{g.id, g.name}
		for _, a := range aliasesOf[g.id] {
			if len(aliasOwners[a]) == 1 {
				queries = append(queries, a)
			}
		}
		for _, q := range queries {
			a, err := c.FindActor(q)
			if err != nil || a.ID != g.id {
				t.Errorf("FindActor(%q): %v, %v; want %s %s", q, a, err, g.id, g.name)
			}
		}
	}
}

// TestICSObjects: ATT&CK for ICS techniques, mitigations and tactics live
// beside Enterprise's.
func TestICSObjects(t *testing.T) {
	c := embedded(t)
	tech := c.Technique("T0803")
	if tech == nil || tech.Name != "Block Command Message" || !slices.Equal(tech.Tactics, []string{"ics-inhibit-response-function"}) ||
		!slices.Equal(tech.Domains, []string{DomainICS}) || !slices.Contains(tech.Mitigations, "M0807") {
		t.Errorf("T0803: %+v", tech)
	}
	if m := c.Mitigation("M0801"); m == nil || m.Name != "Access Management" || !slices.Equal(m.Domains, []string{DomainICS}) {
		t.Errorf("M0801: %+v", m)
	}
	if m := c.Mitigation("M1032"); m == nil || !c.InDomain(m.Domains, DomainEnterprise) || c.InDomain(m.Domains, DomainICS) {
		t.Errorf("M1032: %+v", m)
	}
	ids := c.ModelIDs()
	for _, id := range []string{"T0803", "T0866"} {
		if _, ok := ids.Techniques[id]; !ok {
			t.Errorf("model ids lack technique %s", id)
		}
	}
	for _, id := range []string{"M0801", "M0930", "M1032"} {
		if _, ok := ids.Mitigations[id]; !ok {
			t.Errorf("model ids lack mitigation %s", id)
		}
	}
	for _, id := range []string{"G1000", "G1027", "G0128", "G1044", "G1017"} {
		if _, ok := ids.Groups[id]; !ok {
			t.Errorf("model ids lack group %s", id)
		}
	}
	// Sandworm Team is one actor, with its techniques of both domains.
	a := c.Actor("G0034")
	if a == nil || !slices.Contains(c.ActorTechniques(a), "T0803") || !slices.Contains(c.ActorTechniques(a), "T1566.001") {
		t.Errorf("G0034: %+v", a)
	}
}

// TestLayerLeavesOutOtherDomain: an Enterprise layer of Sandworm Team
// holds its Enterprise techniques and counts the ICS ones it leaves out.
func TestLayerLeavesOutOtherDomain(t *testing.T) {
	c, m := embedded(t), election(t)
	inForce, err := m.InForce(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	cov, err := c.Cover(c.Actor("G0034"), m, inForce)
	if err != nil {
		t.Fatal(err)
	}
	l := cov.Layer()
	if l.Domain != DomainEnterprise {
		t.Errorf("domain %s", l.Domain)
	}
	ids := map[string]bool{}
	for _, lt := range l.Techniques {
		ids[lt.TechniqueID] = true
		if tech := c.Technique(lt.TechniqueID); !c.InDomain(tech.Domains, DomainEnterprise) {
			t.Errorf("%s (%v) in the Enterprise layer", lt.TechniqueID, tech.Domains)
		}
	}
	if len(ids) != 99 {
		t.Errorf("%d techniques in the layer, want Sandworm's 99 Enterprise ones", len(ids))
	}
	if i := slices.IndexFunc(l.Metadata, func(md LayerMetadata) bool { return md.Name == "left out" }); i < 0 ||
		l.Metadata[i].Value != "26 ICS techniques (a layer holds one domain: enterprise-attack)" {
		t.Errorf("metadata %+v", l.Metadata)
	}
}

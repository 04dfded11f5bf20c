package attack

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

func TestParseGalaxy(t *testing.T) {
	raw, err := EmbeddedGalaxy()
	if err != nil {
		t.Fatal(err)
	}
	g, err := ParseGalaxy(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if g.Name != "Threat Actor" || g.Type != "threat-actor" || g.Version != 349 || len(g.Clusters) != 1041 || g.Skipped != 0 {
		t.Errorf("galaxy %q %q v%d: %d clusters, %d skipped", g.Name, g.Type, g.Version, len(g.Clusters), g.Skipped)
	}
	find := func(value string) *Cluster {
		for i := range g.Clusters {
			if g.Clusters[i].Value == value {
				return &g.Clusters[i]
			}
		}
		t.Fatalf("no cluster %q", value)
		return nil
	}
	apt28 := find("APT28")
	if !slices.Equal(apt28.AttackIDs, []string{"G0007"}) || apt28.Country != "RU" {
		t.Errorf("APT28: %+v", apt28)
	}
	for _, n := range []string{"Sofacy", "Fancy Bear", "STRONTIUM", "Pawn Storm", "Sednit"} {
		if !containsFold(apt28.Synonyms, n) {
			t.Errorf("APT28's synonyms lack %s", n)
		}
	}
	if slices.Contains(apt28.Synonyms, "G0007") {
		t.Error("the ATT&CK id is among the synonyms")
	}
	if got := find("Naikon").AttackIDs; !slices.Equal(got, []string{"G0019", "G0013"}) {
		t.Errorf("Naikon: %v", got)
	}
	// No ATT&CK id among RASPITE's synonyms, but its references link to G0077.
	if got := find("RASPITE").AttackIDs; !slices.Equal(got, []string{"G0077"}) {
		t.Errorf("RASPITE: %v", got)
	}
	n := 0
	for _, cl := range g.Clusters {
		if len(cl.AttackIDs) > 0 {
			n++
		}
	}
	if n != 86 { // 80 clusters list an id among their synonyms, 6 more only in their references
		t.Errorf("%d clusters with ATT&CK ids", n)
	}
}

func TestParseGalaxyRobust(t *testing.T) {
	g, err := ParseGalaxy(strings.NewReader(`{"name": "G", "type": "threat-actor", "version": "x", "values": [
		{"value": "One", "meta": {"synonyms": "Single", "country": ["FR", "DE"]}},
		{"value": "Two", "meta": {"synonyms": ["G0001", "two", 5, "Deux", "Deux", " G0002 "], "refs": ["https://attack.mitre.org/groups/G0009/"]}},
		{"value": "", "meta": {}},
		{"value": 7},
		"not an object",
		{"value": "Three", "meta": "odd"},
		{"value": "Four", "meta": {"refs": "https://attack.mitre.org/groups/G0004 and https://attack.mitre.org/groups/G0005/"}}
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	if g.Skipped != 4 || len(g.Clusters) != 3 || g.Version != 0 {
		t.Fatalf("%d clusters, %d skipped: %+v", len(g.Clusters), g.Skipped, g.Clusters)
	}
	one, two, four := g.Clusters[0], g.Clusters[1], g.Clusters[2]
	if !slices.Equal(one.Synonyms, []string{"Single"}) || one.Country != "FR" {
		t.Errorf("One: %+v", one)
	}
	if !slices.Equal(two.Synonyms, []string{"Deux"}) || !slices.Equal(two.AttackIDs, []string{"G0001", "G0002"}) {
		t.Errorf("Two: %+v", two)
	}
	if !slices.Equal(four.AttackIDs, []string{"G0004", "G0005"}) {
		t.Errorf("Four: %+v", four)
	}
}

func TestParseGalaxyErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, msg string }{
		{"empty", "", "unexpected end of JSON input"},
		{"syntax", "{\n\"values\": [}", "line 2, column 12"},
		{"array", "[]", "not a MISP galaxy: expected a JSON object"},
		{"no values", `{"name": "x"}`, `no "values" array`},
		{"bundle", `{"type": "bundle", "objects": []}`, "looks like a STIX bundle"},
		{"values not array", `{"values": {"a": 1}}`, `"values" must be an array`},
	} {
		_, err := ParseGalaxy(strings.NewReader(tc.in))
		if err == nil || model.ErrorCode(err) != model.EINVALID || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want EINVALID with %q", tc.name, err, tc.msg)
		}
	}
}

// TestImport: Import takes a bundle or a galaxy.
func TestImport(t *testing.T) {
	raw, err := EmbeddedGalaxy()
	if err != nil {
		t.Fatal(err)
	}
	c, err := Import(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if c.Galaxy == nil || len(c.Galaxy.Clusters) != 1041 || len(c.Actors) != 0 || c.Name != "Threat Actor (MISP galaxy, threat-actor, version 349)" {
		t.Errorf("galaxy import: %q %s", c.Name, c.Summary())
	}
	c, err = Import(bytes.NewReader(unit42(t)))
	if err != nil || len(c.Techniques) != 34 || c.Galaxy != nil {
		t.Errorf("bundle import: %v", err)
	}
	if _, err := Import(strings.NewReader(`{"values": 3}`)); err == nil {
		t.Error("a broken galaxy is accepted")
	}
}

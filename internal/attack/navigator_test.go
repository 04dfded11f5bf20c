package attack

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestNavigatorGolden(t *testing.T) {
	_, _, cov := electionCoverage(t)
	var buf bytes.Buffer
	if err := cov.WriteLayer(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "navigator-election-apt28.golden.json", buf.String())
	checkLayer(t, embedded(t), buf.Bytes())

	var l Layer
	if err := json.Unmarshal(buf.Bytes(), &l); err != nil {
		t.Fatal(err)
	}
	// Every technique of the actor is there, under each of its tactics,
	// with the score of the coverage.
	entries := map[string][]string{}
	scores := map[string]int{}
	for _, lt := range l.Techniques {
		entries[lt.TechniqueID] = append(entries[lt.TechniqueID], lt.Tactic)
		scores[lt.TechniqueID] = lt.Score
	}
	for _, tc := range cov.Techniques {
		if !slices.Equal(entries[tc.ID], tc.Tactics) {
			t.Errorf("%s under %v, want %v", tc.ID, entries[tc.ID], tc.Tactics)
		}
		if scores[tc.ID] != tc.Score {
			t.Errorf("%s scored %d, want %d", tc.ID, scores[tc.ID], tc.Score)
		}
	}
	if len(entries) != 99 {
		t.Errorf("%d techniques in the layer, want 99", len(entries))
	}
	count := map[int]int{}
	for id := range entries {
		count[scores[id]]++
	}
	if count[100] != 9 || count[50] != 44 || count[0] != 46 {
		t.Errorf("scores: %v", count)
	}
	for _, lt := range l.Techniques {
		if lt.TechniqueID == "T1190" && !strings.Contains(lt.Comment, "Mitigated by patch-management (in force).") {
			t.Errorf("T1190's comment %q", lt.Comment)
		}
		if lt.TechniqueID == "T1566.001" && lt.Comment != "Not mitigated; separate-accounts, staff-training, privileged-access would (proposed)." {
			t.Errorf("T1566.001's comment %q", lt.Comment)
		}
	}
}

// navLayer mirrors the Navigator's layer format 4.5 (layers/spec/v4.5/
// layerformat.md in mitre-attack/attack-navigator), independently of the
// package's Layer type, to check a layer against it: unknown fields are
// errors.
type navLayer struct {
	Name     *string `json:"name"`
	Versions *struct {
		Attack    string  `json:"attack"`
		Navigator *string `json:"navigator"`
		Layer     *string `json:"layer"`
	} `json:"versions"`
	Domain        *string `json:"domain"`
	Description   string  `json:"description"`
	CustomDataURL string  `json:"customDataURL"`
	Filters       *struct {
		Platforms []string `json:"platforms"`
	} `json:"filters"`
	Sorting *int `json:"sorting"`
	Layout  *struct {
		Layout                string `json:"layout"`
		ShowID                bool   `json:"showID"`
		ShowName              bool   `json:"showName"`
		ShowAggregateScores   bool   `json:"showAggregateScores"`
		CountUnscored         bool   `json:"countUnscored"`
		AggregateFunction     string `json:"aggregateFunction"`
		ExpandedSubtechniques string `json:"expandedSubtechniques"`
	} `json:"layout"`
	HideDisabled bool `json:"hideDisabled"`
	Techniques   []struct {
		TechniqueID       *string          `json:"techniqueID"`
		Tactic            string           `json:"tactic"`
		Comment           string           `json:"comment"`
		Enabled           *bool            `json:"enabled"`
		Score             *float64         `json:"score"`
		Color             string           `json:"color"`
		Metadata          []map[string]any `json:"metadata"`
		Links             []map[string]any `json:"links"`
		ShowSubtechniques bool             `json:"showSubtechniques"`
	} `json:"techniques"`
	Gradient *struct {
		Colors   []string `json:"colors"`
		MinValue *float64 `json:"minValue"`
		MaxValue *float64 `json:"maxValue"`
	} `json:"gradient"`
	LegendItems []struct {
		Label *string `json:"label"`
		Color *string `json:"color"`
	} `json:"legendItems"`
	ShowTacticRowBackground       bool             `json:"showTacticRowBackground"`
	TacticRowBackground           string           `json:"tacticRowBackground"`
	SelectTechniquesAcrossTactics bool             `json:"selectTechniquesAcrossTactics"`
	SelectSubtechniquesWithParent bool             `json:"selectSubtechniquesWithParent"`
	SelectVisibleTechniques       bool             `json:"selectVisibleTechniques"`
	Metadata                      []map[string]any `json:"metadata"`
	Links                         []map[string]any `json:"links"`
}

var (
	hexColor    = regexp.MustCompile(`^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$`)
	techniqueID = regexp.MustCompile(`^T[0-9]{4}(\.[0-9]{3})?$`)
)

// checkLayer checks a layer against the format 4.5 specification and the
// catalogue: required fields, allowed values, colours, technique ids, and
// tactics that are the technique's own.
func checkLayer(t *testing.T, c *Catalog, raw []byte) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var l navLayer
	if err := dec.Decode(&l); err != nil {
		t.Fatalf("not a 4.5 layer: %v", err)
	}
	if l.Name == nil || *l.Name == "" {
		t.Error("no name")
	}
	if v := l.Versions; v == nil || v.Layer == nil || *v.Layer != "4.5" || v.Navigator == nil || *v.Navigator != "5.1.0" || v.Attack != "18" {
		t.Errorf("versions %+v", l.Versions)
	}
	if l.Domain == nil || !slices.Contains([]string{"enterprise-attack", "mobile-attack", "ics-attack"}, *l.Domain) {
		t.Errorf("domain %v", l.Domain)
	}
	if l.Sorting != nil && (*l.Sorting < 0 || *l.Sorting > 3) {
		t.Errorf("sorting %d", *l.Sorting)
	}
	if lo := l.Layout; lo != nil {
		if !slices.Contains([]string{"side", "flat", "mini"}, lo.Layout) || !slices.Contains([]string{"average", "min", "max", "sum"}, lo.AggregateFunction) ||
			!slices.Contains([]string{"none", "all", "annotated"}, lo.ExpandedSubtechniques) {
			t.Errorf("layout %+v", lo)
		}
	}
	g := l.Gradient
	if g == nil || len(g.Colors) < 2 || g.MinValue == nil || g.MaxValue == nil || *g.MaxValue <= *g.MinValue {
		t.Fatalf("gradient %+v", g)
	}
	for _, col := range append(slices.Clone(g.Colors), l.TacticRowBackground) {
		if !hexColor.MatchString(col) {
			t.Errorf("colour %q", col)
		}
	}
	for _, li := range l.LegendItems {
		if li.Label == nil || li.Color == nil || !hexColor.MatchString(*li.Color) {
			t.Errorf("legend item %+v", li)
		}
	}
	for _, md := range l.Metadata {
		if _, ok := md["name"].(string); !ok {
			t.Errorf("layer metadata %v", md)
		}
	}
	if len(l.Techniques) == 0 {
		t.Fatal("no techniques")
	}
	for _, lt := range l.Techniques {
		if lt.TechniqueID == nil || !techniqueID.MatchString(*lt.TechniqueID) {
			t.Errorf("techniqueID %v", lt.TechniqueID)
			continue
		}
		tech := c.Technique(*lt.TechniqueID)
		if tech == nil {
			t.Errorf("%s is not in the catalogue", *lt.TechniqueID)
			continue
		}
		if lt.Tactic != "" && !slices.Contains(tech.Tactics, lt.Tactic) {
			t.Errorf("%s is not a technique of tactic %s", tech.ID, lt.Tactic)
		}
		if lt.Score == nil || *lt.Score < *g.MinValue || *lt.Score > *g.MaxValue {
			t.Errorf("%s score %v outside the gradient", tech.ID, lt.Score)
		}
		if lt.Color != "" && !hexColor.MatchString(lt.Color) {
			t.Errorf("%s colour %q", tech.ID, lt.Color)
		}
		if lt.Enabled == nil || !*lt.Enabled || lt.Comment == "" {
			t.Errorf("%s: enabled %v, comment %q", tech.ID, lt.Enabled, lt.Comment)
		}
		if lt.ShowSubtechniques && tech.Parent != "" {
			t.Errorf("%s is a sub-technique with showSubtechniques", tech.ID)
		}
		for _, md := range lt.Metadata {
			if _, ok := md["name"].(string); !ok {
				t.Errorf("%s metadata %v", tech.ID, md)
			} else if _, ok := md["value"].(string); !ok {
				t.Errorf("%s metadata %v", tech.ID, md)
			}
		}
		for _, ln := range lt.Links {
			if u, _ := ln["url"].(string); !strings.HasPrefix(u, "https://") || ln["label"] == nil {
				t.Errorf("%s link %v", tech.ID, ln)
			}
		}
	}
}

func TestNavigatorLeavesOutNonAttack(t *testing.T) {
	c := parse(t, bundle(group, obj("attack-pattern", "x", "CAPEC-1", `"name": "X"`), tech("t1", "T1001"),
		rel("uses", groupRef, "attack-pattern--x"), rel("uses", groupRef, "attack-pattern--t1")))
	cov, err := c.Cover(c.Actor("G0001"), sampleModel(), nil)
	if err != nil {
		t.Fatal(err)
	}
	l := cov.Layer()
	if len(l.Techniques) != 1 || l.Techniques[0].TechniqueID != "T1001" || l.Versions.Attack != "" || l.Domain != "enterprise-attack" {
		t.Errorf("layer %+v", l)
	}
}

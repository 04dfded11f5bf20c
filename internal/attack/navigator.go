package attack

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Navigator layer format and the versions it declares.
const (
	LayerFormat      = "4.5"
	NavigatorVersion = "5.1.0"
)

// Colours of the layer's gradient, at scores 0, 50 and 100 (the
// Navigator's default red-yellow-green).
const (
	colorUncovered = "#ff6666"
	colorProposed  = "#ffe766"
	colorMitigated = "#8ec843"
)

// Layer is an ATT&CK Navigator layer, file format 4.5
// (mitre-attack/attack-navigator layers/spec/v4.5/layerformat.md).
type Layer struct {
	Name                          string           `json:"name"`
	Versions                      LayerVersions    `json:"versions"`
	Domain                        string           `json:"domain"`
	Description                   string           `json:"description"`
	Sorting                       int              `json:"sorting"`
	Layout                        LayerLayout      `json:"layout"`
	HideDisabled                  bool             `json:"hideDisabled"`
	Techniques                    []LayerTechnique `json:"techniques"`
	Gradient                      LayerGradient    `json:"gradient"`
	LegendItems                   []LegendItem     `json:"legendItems"`
	Metadata                      []LayerMetadata  `json:"metadata"`
	Links                         []LayerLink      `json:"links"`
	ShowTacticRowBackground       bool             `json:"showTacticRowBackground"`
	TacticRowBackground           string           `json:"tacticRowBackground"`
	SelectTechniquesAcrossTactics bool             `json:"selectTechniquesAcrossTactics"`
	SelectSubtechniquesWithParent bool             `json:"selectSubtechniquesWithParent"`
	SelectVisibleTechniques       bool             `json:"selectVisibleTechniques"`
}

// LayerVersions are the versions a layer declares.
type LayerVersions struct {
	Attack    string `json:"attack,omitempty"` // ATT&CK major version, "18"
	Navigator string `json:"navigator"`
	Layer     string `json:"layer"`
}

// LayerLayout is how the Navigator shows the matrix.
type LayerLayout struct {
	Layout                string `json:"layout"` // side, flat or mini
	AggregateFunction     string `json:"aggregateFunction"`
	ShowID                bool   `json:"showID"`
	ShowName              bool   `json:"showName"`
	ShowAggregateScores   bool   `json:"showAggregateScores"`
	CountUnscored         bool   `json:"countUnscored"`
	ExpandedSubtechniques string `json:"expandedSubtechniques"` // none, all or annotated
}

// LayerTechnique annotates one technique under one tactic.
type LayerTechnique struct {
	TechniqueID       string          `json:"techniqueID"`
	Tactic            string          `json:"tactic,omitempty"`
	Score             int             `json:"score"`
	Color             string          `json:"color"` // "": the gradient's colour for the score
	Comment           string          `json:"comment"`
	Enabled           bool            `json:"enabled"`
	Metadata          []LayerMetadata `json:"metadata"`
	Links             []LayerLink     `json:"links"`
	ShowSubtechniques bool            `json:"showSubtechniques"`
}

// LayerGradient maps scores to colours.
type LayerGradient struct {
	Colors   []string `json:"colors"`
	MinValue float64  `json:"minValue"`
	MaxValue float64  `json:"maxValue"`
}

// LegendItem is one entry of the layer's legend.
type LegendItem struct {
	Label string `json:"label"`
	Color string `json:"color"`
}

// LayerMetadata is a name and value shown with a technique or the layer.
type LayerMetadata struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// LayerLink is a hyperlink of a technique or the layer.
type LayerLink struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// Layer returns the coverage as a Navigator layer: each of the actor's
// techniques, under each of its tactics, scored ScoreMitigated (100) when a
// control in force mitigates it, ScoreProposed (50) when only a control not
// in force would, ScoreUncovered (0) otherwise, coloured by the layer's
// red-yellow-green gradient, with a comment naming the controls.
// Techniques without an ATT&CK id (from other producers' bundles) are left
// out: the Navigator knows only ATT&CK's; so are those of another domain
// than the layer's (an actor's ATT&CK for ICS techniques in an Enterprise
// layer), which the metadata counts: a layer holds one domain.
func (cov *Coverage) Layer() *Layer {
	c := cov.cat
	a := cov.Actor
	l := &Layer{
		Name:     fmt.Sprintf("%s (%s): coverage by the model's controls", a.Name, a.ID),
		Versions: LayerVersions{Attack: majorVersion(c.Version), Navigator: NavigatorVersion, Layer: LayerFormat},
		Domain:   c.Domain,
		Description: fmt.Sprintf("Techniques of %s (%s) and the controls of the model %q that mitigate them. "+
			"Score %d: mitigated by a control in force; %d: only by a control not in force (proposed); %d: by no control of the model. "+
			"Made by scrutin from %s.", a.Name, a.ID, cov.Model, ScoreMitigated, ScoreProposed, ScoreUncovered, c.Name),
		Layout: LayerLayout{Layout: "side", AggregateFunction: "average", ShowID: true, ShowName: true,
			ExpandedSubtechniques: "annotated"},
		Techniques: []LayerTechnique{},
		Gradient:   LayerGradient{Colors: []string{colorUncovered, colorProposed, colorMitigated}, MinValue: 0, MaxValue: 100},
		LegendItems: []LegendItem{
			{Label: "mitigated by a control in force", Color: colorMitigated},
			{Label: "mitigated only by a proposed control", Color: colorProposed},
			{Label: "not mitigated by the model's controls", Color: colorUncovered},
		},
		Links:                         []LayerLink{},
		TacticRowBackground:           "#dddddd",
		SelectTechniquesAcrossTactics: true,
	}
	if l.Domain == "" || l.Domain == DomainDISARM {
		l.Domain = "enterprise-attack"
	}
	// An influence actor's layer is a DISARM layer, for the DISARM
	// Navigator: a fork of ATT&CK's whose configuration
	// (DISARMFoundation/disarm-navigator-17, nav-app/src/assets/config.json
	// at f91b7ab) has one domain, identifier "DISARM", of version "1", and
	// whose data names tactics by the short names used here
	// (develop-content …); bare DISARM ids.
	nDISARM := 0
	for _, t := range cov.Techniques {
		if IsDISARM(t.ID) {
			nDISARM++
		}
	}
	disarm := nDISARM > 0 && 2*nDISARM >= len(cov.Techniques)
	if disarm {
		l.Domain, l.Versions.Attack = DISARMLayerDomain, "1"
		l.Name = fmt.Sprintf("%s (%s): coverage by the model's controls (DISARM)", a.Name, a.ID)
	}
	l.Metadata = []LayerMetadata{
		{Name: "model", Value: cov.Model},
		{Name: "actor", Value: fmt.Sprintf("%s (%s)", a.Name, a.ID)},
		{Name: "mitigated", Value: fmt.Sprintf("%d of %d techniques (%s) by controls in force", cov.Mitigated, len(cov.Techniques), percent(cov.Fraction()))},
		{Name: "controls in force", Value: controlList(cov.InForce)},
		{Name: "catalogue", Value: c.Name},
	}
	parents := map[string]bool{}
	for _, t := range cov.Techniques {
		if tech := c.Technique(t.ID); tech != nil && tech.Parent != "" {
			parents[tech.Parent] = true
		}
	}
	other := map[string]int{}
	for _, t := range cov.Techniques {
		if IsDISARM(t.ID) != disarm {
			if IsDISARM(t.ID) {
				other[DomainDISARM]++
			} else if IsAttackID("T", t.ID) {
				other["ATT&CK"]++
			}
			continue
		}
		if disarm {
			lt := LayerTechnique{
				TechniqueID: BareID(t.ID), Score: t.Score, Comment: c.layerComment(&t), Enabled: true,
				Metadata: techniqueMetadata(&t), Links: []LayerLink{{Label: "DISARM", URL: DISARMTechniqueURL(t.ID)}},
				ShowSubtechniques: parents[t.ID],
			}
			for _, tac := range t.Tactics {
				lt.Tactic = strings.TrimPrefix(tac, disarmTacticPrefix)
				l.Techniques = append(l.Techniques, lt)
			}
			if len(t.Tactics) == 0 {
				l.Techniques = append(l.Techniques, lt)
			}
			continue
		}
		if !IsAttackID("T", t.ID) {
			continue
		}
		if tech := c.Technique(t.ID); tech != nil && !c.InDomain(tech.Domains, l.Domain) {
			for _, d := range tech.Domains {
				other[d]++
			}
			continue
		}
		lt := LayerTechnique{
			TechniqueID: t.ID, Score: t.Score, Comment: c.layerComment(&t), Enabled: true,
			Metadata: techniqueMetadata(&t), Links: []LayerLink{{Label: "ATT&CK", URL: techniqueURL(t.ID)}},
			ShowSubtechniques: parents[t.ID],
		}
		if len(t.Tactics) == 0 {
			l.Techniques = append(l.Techniques, lt)
		}
		for _, tac := range t.Tactics {
			lt.Tactic = tac
			if l.Domain == DomainICS { // the Navigator's own short names
				lt.Tactic = strings.TrimPrefix(tac, icsTacticPrefix)
			}
			l.Techniques = append(l.Techniques, lt)
		}
	}
	for _, d := range slices.Sorted(maps.Keys(other)) {
		l.Metadata = append(l.Metadata, LayerMetadata{Name: "left out",
			Value: fmt.Sprintf("%d %s techniques (a layer holds one domain: %s)", other[d], DomainName(d), l.Domain)})
	}
	return l
}

// DISARMLayerDomain is the domain of a layer for the DISARM Navigator.
const DISARMLayerDomain = "DISARM"

// DISARMTechniqueURL is the page of a DISARM technique in the DISARM
// Foundation's framework repository, as the DISARM bundle links it.
func DISARMTechniqueURL(id string) string {
	return "https://github.com/DISARMFoundation/DISARMframeworks/blob/main/generated_pages/techniques/" + BareID(id) + ".md"
}

// WriteLayer writes the coverage's Navigator layer as indented JSON.
func (cov *Coverage) WriteLayer(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(cov.Layer())
}

func majorVersion(v string) string {
	major, _, _ := strings.Cut(v, ".")
	if !digits(major) {
		return ""
	}
	return major
}

func controlList(list []ControlCoverage) string {
	if len(list) == 0 {
		return "none mapped to ATT&CK"
	}
	parts := make([]string, len(list))
	for i, ctl := range list {
		parts[i] = fmt.Sprintf("%s (%s)", ctl.ID, strings.Join(ctl.Mitigations, ", "))
	}
	return strings.Join(parts, ", ")
}

// techniqueURL is the technique's page on attack.mitre.org.
func techniqueURL(id string) string {
	return "https://attack.mitre.org/techniques/" + strings.Replace(id, ".", "/", 1) + "/"
}

func (c *Catalog) layerComment(t *TechniqueCoverage) string {
	var parts []string
	switch {
	case len(t.InForce) > 0:
		parts = append(parts, "Mitigated by "+strings.Join(t.InForce, ", ")+" (in force).")
		if len(t.Proposed) > 0 {
			parts = append(parts, "Also by "+strings.Join(t.Proposed, ", ")+" (proposed).")
		}
	case len(t.Proposed) > 0:
		parts = append(parts, "Not mitigated; "+strings.Join(t.Proposed, ", ")+" would (proposed).")
	case len(t.Mitigations) == 0 && IsDISARM(t.ID):
		parts = append(parts, "Not countered; DISARM lists no countermeasure.")
	case len(t.Mitigations) == 0:
		parts = append(parts, "Not mitigated; ATT&CK lists no mitigation.")
	case !t.Preventable():
		parts = append(parts, "Not mitigated; ATT&CK lists only M1056 Pre-compromise.")
	default:
		names := make([]string, len(t.Mitigations))
		for i, id := range t.Mitigations {
			names[i] = id
			if m := c.Mitigation(id); m != nil {
				names[i] += " " + m.Name
			}
		}
		parts = append(parts, "Not mitigated by any control of the model; ATT&CK mitigations: "+strings.Join(names, ", ")+".")
	}
	if !t.Direct && len(t.Campaigns) > 0 {
		parts = append(parts, "Known from campaign "+strings.Join(t.Campaigns, ", ")+".")
	}
	return strings.Join(parts, " ")
}

func techniqueMetadata(t *TechniqueCoverage) []LayerMetadata {
	md := []LayerMetadata{}
	add := func(name string, list []string) {
		if len(list) > 0 {
			md = append(md, LayerMetadata{Name: name, Value: strings.Join(list, ", ")})
		}
	}
	add("ATT&CK mitigations", t.Mitigations)
	add("controls in force", t.InForce)
	add("proposed controls", t.Proposed)
	add("campaigns", t.Campaigns)
	return md
}

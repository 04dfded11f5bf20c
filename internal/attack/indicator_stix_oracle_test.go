package attack

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/scrutin/scrutin/internal/model"
)

// oracleParseSTIXIndicators is ParseSTIXIndicators as it was before the
// streaming decoder: the whole bundle decoded by encoding/json into raw
// messages, then each object on its own. It is slow (the input is decoded
// about three times) but its semantics are encoding/json's, which the
// streaming decoder must keep: TestSTIXDecoderMatchesOracle and
// FuzzSTIXDecoderMatchesOracle compare the two.
func oracleParseSTIXIndicators(r io.Reader) (*IndicatorImport, error) {
	var bundle struct {
		Type    string            `json:"type"`
		Objects []json.RawMessage `json:"objects"`
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("stix bundle: %w", err)
	}
	if err := json.Unmarshal(data, &bundle); err != nil {
		return nil, model.Errorf(model.EINVALID, "stix bundle: %v", err)
	}
	if bundle.Type != "bundle" {
		return nil, model.Errorf(model.EINVALID, "stix bundle: not a bundle (type is not \"bundle\")")
	}
	imp := &IndicatorImport{}
	g := oracleGraph{
		objs: make(map[string]*oracleObject),
		out:  make(map[string][]*oracleObject),
		in:   make(map[string][]*oracleObject),
	}
	var indicators []*oracleObject
	for i, raw := range bundle.Objects {
		o := &oracleObject{}
		if err := json.Unmarshal(raw, o); err != nil {
			imp.skip("unreadable object", fmt.Sprintf("object %d: %v", i, err))
			continue
		}
		if o.Revoked {
			if o.Type == "indicator" {
				imp.skip("revoked", "")
			}
			continue
		}
		switch o.Type {
		case "indicator":
			indicators = append(indicators, o)
		case "relationship":
			g.out[o.SourceRef] = append(g.out[o.SourceRef], o)
			g.in[o.TargetRef] = append(g.in[o.TargetRef], o)
		}
		if o.ID != "" {
			g.objs[o.ID] = o
		}
	}
	for _, o := range indicators {
		oracleImportIndicator(imp, &g, o)
	}
	return imp, nil
}

type oracleObject struct {
	Type               string `json:"type"`
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Revoked            bool   `json:"revoked"`
	Pattern            string `json:"pattern"`
	PatternType        string `json:"pattern_type"`
	RelationshipType   string `json:"relationship_type"`
	SourceRef          string `json:"source_ref"`
	TargetRef          string `json:"target_ref"`
	ExternalReferences []struct {
		SourceName string `json:"source_name"`
		ExternalID string `json:"external_id"`
	} `json:"external_references"`
}

type oracleGraph struct {
	objs    map[string]*oracleObject
	out, in map[string][]*oracleObject
}

func (g *oracleGraph) actors(id string, seen map[string]bool) []string {
	if seen[id] {
		return nil
	}
	seen[id] = true
	o := g.objs[id]
	if o == nil {
		return nil
	}
	var out []string
	switch o.Type {
	case "intrusion-set", "threat-actor":
		for _, ref := range o.ExternalReferences {
			if ref.SourceName == "mitre-attack" && ref.ExternalID != "" {
				return []string{ref.ExternalID}
			}
		}
		if o.Name != "" {
			return []string{o.Name}
		}
		return []string{o.ID}
	case "campaign":
		for _, r := range g.out[id] {
			if r.RelationshipType == "attributed-to" {
				out = append(out, g.actors(r.TargetRef, seen)...)
			}
		}
	case "malware", "tool":
		for _, r := range g.out[id] {
			if r.RelationshipType == "attributed-to" || r.RelationshipType == "authored-by" {
				out = append(out, g.actors(r.TargetRef, seen)...)
			}
		}
		for _, r := range g.in[id] {
			if r.RelationshipType == "uses" {
				out = append(out, g.actors(r.SourceRef, seen)...)
			}
		}
	}
	return out
}

func oracleImportIndicator(imp *IndicatorImport, g *oracleGraph, o *oracleObject) {
	var actors []string
	seen := make(map[string]bool)
	for _, r := range g.out[o.ID] {
		if r.RelationshipType == "indicates" {
			actors = append(actors, g.actors(r.TargetRef, seen)...)
		}
	}
	iocImportSTIXPattern(imp, o.ID, o.Name, o.Pattern, o.PatternType, iocSortedUnique(actors))
}

package attack

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// Galaxy is what scrutin keeps of a MISP galaxy of threat actors: for each
// cluster (an actor as MISP knows it) its names and the ATT&CK group ids it
// corresponds to.
type Galaxy struct {
	Name     string    `json:"name"`
	Type     string    `json:"type"` // threat-actor
	Version  int       `json:"version,omitempty"`
	UUID     string    `json:"uuid,omitempty"`
	Clusters []Cluster `json:"clusters"`
	// Skipped counts the clusters that could not be read (no name, wrong
	// types); it is not stored.
	Skipped int `json:"-"`
}

// Cluster is one actor of a MISP galaxy.
type Cluster struct {
	Value    string   `json:"value"`              // the cluster's name: APT28
	Synonyms []string `json:"synonyms,omitempty"` // other names (Sofacy, Fancy Bear …), ATT&CK ids left out
	// AttackIDs are the ATT&CK group ids of the cluster: those among its
	// synonyms, or, when there are none, those its references link to
	// (attack.mitre.org/groups/G0007).
	AttackIDs []string `json:"attack,omitempty"`
	Country   string   `json:"country,omitempty"`
	UUID      string   `json:"uuid,omitempty"`
}

// Names returns the cluster's value and synonyms.
func (cl *Cluster) Names() []string {
	return append([]string{cl.Value}, cl.Synonyms...)
}

type galaxyDoc struct {
	Name    string          `json:"name"`
	Type    string          `json:"type"`
	UUID    string          `json:"uuid"`
	Version json.RawMessage `json:"version"`
	Values  json.RawMessage `json:"values"`
	Objects json.RawMessage `json:"objects"`
}

type galaxyValue struct {
	Value string `json:"value"`
	UUID  string `json:"uuid"`
	Meta  struct {
		Synonyms json.RawMessage `json:"synonyms"`
		Country  json.RawMessage `json:"country"`
		Refs     json.RawMessage `json:"refs"`
	} `json:"meta"`
}

var attackGroupRef = regexp.MustCompile(`attack\.mitre\.org/groups/(G[0-9]{4})\b`)

// ParseGalaxy reads a MISP galaxy cluster file (such as misp-galaxy's
// clusters/threat-actor.json). Clusters without a name or with fields of
// unexpected types are skipped and counted in Skipped; malformed JSON and a
// document that is not a galaxy are EINVALID errors giving the line and
// column.
func ParseGalaxy(r io.Reader) (*Galaxy, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "cannot read the galaxy: %v", err)
	}
	var doc galaxyDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field == "" {
			return nil, model.Errorf(model.EINVALID, "not a MISP galaxy: expected a JSON object (%s)", position(data, 0))
		}
		return nil, jsonError(data, err)
	}
	values := bytes.TrimSpace(doc.Values)
	if len(values) == 0 || string(values) == "null" {
		if doc.Objects != nil {
			return nil, model.Errorf(model.EINVALID, `not a MISP galaxy: no "values" (this looks like a STIX bundle)`)
		}
		return nil, model.Errorf(model.EINVALID, `not a MISP galaxy: no "values" array of clusters`)
	}
	if values[0] != '[' {
		return nil, model.Errorf(model.EINVALID, `not a MISP galaxy: "values" must be an array of clusters`)
	}
	g := &Galaxy{Name: doc.Name, Type: doc.Type, UUID: doc.UUID}
	var v int
	if json.Unmarshal(doc.Version, &v) == nil {
		g.Version = v
	}
	// All clusters at once when their fields have the expected types, one
	// by one otherwise, skipping those that do not.
	var list []galaxyValue
	if err := json.Unmarshal(values, &list); err != nil {
		list = list[:0]
		var raws []json.RawMessage
		_ = json.Unmarshal(values, &raws) // an array: checked above
		for _, raw := range raws {
			var gv galaxyValue
			if json.Unmarshal(raw, &gv) != nil {
				g.Skipped++
				continue
			}
			list = append(list, gv)
		}
	}
	for i := range list {
		if cl, ok := cluster(&list[i]); ok {
			g.Clusters = append(g.Clusters, cl)
		} else {
			g.Skipped++
		}
	}
	return g, nil
}

// cluster makes a Cluster of a galaxy value; ok is false for a value
// without a name.
func cluster(gv *galaxyValue) (Cluster, bool) {
	cl := Cluster{Value: strings.TrimSpace(gv.Value), UUID: gv.UUID, Country: firstString(gv.Meta.Country)}
	if cl.Value == "" {
		return cl, false
	}
	for _, s := range metaStrings(gv.Meta.Synonyms) {
		s = strings.TrimSpace(s)
		switch {
		case IsAttackID("G", s):
			if !slices.Contains(cl.AttackIDs, s) {
				cl.AttackIDs = append(cl.AttackIDs, s)
			}
		case s != "" && !strings.EqualFold(s, cl.Value) && !containsFold(cl.Synonyms, s):
			cl.Synonyms = append(cl.Synonyms, s)
		}
	}
	if len(cl.AttackIDs) == 0 && bytes.Contains(gv.Meta.Refs, []byte("attack.mitre.org/groups/")) {
		for _, ref := range metaStrings(gv.Meta.Refs) {
			for _, m := range attackGroupRef.FindAllStringSubmatch(ref, -1) {
				if !slices.Contains(cl.AttackIDs, m[1]) {
					cl.AttackIDs = append(cl.AttackIDs, m[1])
				}
			}
		}
	}
	return cl, true
}

// metaStrings reads a MISP meta value that should be a list of strings but is
// sometimes a single string; anything else gives nothing.
func metaStrings(raw json.RawMessage) []string {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var s string
	if json.Unmarshal(raw, &s) == nil && s != "" {
		return []string{s}
	}
	var mixed []any
	if json.Unmarshal(raw, &mixed) == nil {
		for _, x := range mixed {
			if s, ok := x.(string); ok {
				list = append(list, s)
			}
		}
	}
	return list
}

func firstString(raw json.RawMessage) string {
	if l := metaStrings(raw); len(l) > 0 {
		return strings.TrimSpace(l[0])
	}
	return ""
}

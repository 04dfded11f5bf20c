package model

import (
	"encoding/json"
	"math"

	"github.com/goccy/go-yaml"
)

// MarshalJSON writes the node with an infinite cost, time or skill as the
// string "Infinity" (JSON has no infinity; ADTool writes it so), which
// Decode reads back.
func (n TreeNode) MarshalJSON() ([]byte, error) {
	// The fields of TreeNode, in its order; a test checks that a model's
	// JSON reads back the same, so a field left out here shows.
	return json.Marshal(struct {
		ID              string     `json:"id"`
		Name            string     `json:"name,omitempty"`
		Description     string     `json:"description,omitempty"`
		Gate            string     `json:"gate,omitempty"`
		Children        []TreeNode `json:"children,omitempty"`
		Cost            any        `json:"cost,omitempty"`
		Probability     *float64   `json:"probability,omitempty"`
		Time            any        `json:"time,omitempty"`
		Skill           any        `json:"skill,omitempty"`
		Control         string     `json:"control,omitempty"`
		Countermeasures []TreeNode `json:"countermeasures,omitempty"`
	}{n.ID, n.Name, n.Description, n.Gate, n.Children, jsonNumber(n.Cost), n.Probability,
		jsonNumber(n.Time), jsonNumber(n.Skill), n.Control, n.Countermeasures})
}

// jsonNumber is *p for JSON: nil when absent, "Infinity" or "-Infinity"
// when infinite.
func jsonNumber(p *float64) any {
	switch {
	case p == nil:
		return nil
	case math.IsInf(*p, 1):
		return "Infinity"
	case math.IsInf(*p, -1):
		return "-Infinity"
	}
	return *p
}

// MarshalTrees writes trees as the trees: section of a model, which Decode
// reads back as the same trees: numbers as a person writes them (1000000,
// not 1e+06), an infinite cost, time or skill as YAML's .inf.
func MarshalTrees(trees []Tree) ([]byte, error) {
	return yaml.MarshalWithOptions(struct {
		Trees []Tree `json:"trees"`
	}{trees}, yaml.IndentSequence(true), yaml.CustomMarshaler(yamlNumber))
}

func yamlNumber(x float64) ([]byte, error) {
	switch {
	case math.IsInf(x, 1):
		return []byte(".inf"), nil
	case math.IsInf(x, -1):
		return []byte("-.inf"), nil
	case math.IsNaN(x):
		return []byte(".nan"), nil
	}
	return []byte(num(x)), nil
}

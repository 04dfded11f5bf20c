package adtree

import (
	"encoding/json"
	"math"
)

// jsonFigure is a figure as JSON writes it: null when absent, and, since
// JSON has no infinity, the string "Infinity" (as ADTool writes it, and
// as protocol buffers' JSON does) when infinite.
type jsonFigure struct{ p *float64 }

func (f jsonFigure) MarshalJSON() ([]byte, error) {
	switch {
	case f.p == nil || math.IsNaN(*f.p):
		return []byte("null"), nil
	case math.IsInf(*f.p, 1):
		return []byte(`"Infinity"`), nil
	case math.IsInf(*f.p, -1):
		return []byte(`"-Infinity"`), nil
	}
	return json.Marshal(*f.p)
}

// MarshalJSON writes the result with its infinite figures as "Infinity".
// The fields are Result's, in its order.
func (r Result) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID          string         `json:"id"`
		Goal        string         `json:"goal"`
		MinCost     jsonFigure     `json:"min_cost"`
		MinTime     jsonFigure     `json:"min_time"`
		MinSkill    jsonFigure     `json:"min_skill"`
		Probability jsonFigure     `json:"probability"`
		Exact       bool           `json:"exact"`
		Pareto      []ParetoPoint  `json:"pareto"`
		Cheapest    []AttackSet    `json:"cheapest"`
		Defences    []DefenceValue `json:"defences,omitempty"`
		Reachable   bool           `json:"reachable"`
		Shared      bool           `json:"shared"`
		Notes       []string       `json:"notes,omitempty"`
	}{r.ID, r.Goal, jsonFigure{r.MinCost}, jsonFigure{r.MinTime}, jsonFigure{r.MinSkill}, jsonFigure{r.Probability},
		r.Exact, r.Pareto, r.Cheapest, r.Defences, r.Reachable, r.Shared, r.Notes})
}

// MarshalJSON writes the attack with an infinite cost as "Infinity".
func (a AttackSet) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Cost   jsonFigure `json:"cost"`
		Leaves []string   `json:"leaves"`
	}{jsonFigure{a.Cost}, a.Leaves})
}

// MarshalJSON writes the defence's infinite figures as "Infinity".
func (d DefenceValue) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID                 string     `json:"id"`
		Name               string     `json:"name"`
		Control            string     `json:"control,omitempty"`
		InForce            bool       `json:"in_force"`
		MinCostWithout     jsonFigure `json:"min_cost_without"`
		MinCostWith        jsonFigure `json:"min_cost_with"`
		ProbabilityWithout jsonFigure `json:"probability_without"`
		ProbabilityWith    jsonFigure `json:"probability_with"`
	}{d.ID, d.Name, d.Control, d.InForce, jsonFigure{d.MinCostWithout}, jsonFigure{d.MinCostWith},
		jsonFigure{d.ProbabilityWithout}, jsonFigure{d.ProbabilityWith}})
}

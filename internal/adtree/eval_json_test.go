package adtree

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

// TestResultJSONInfinity: figures that are infinite (no attack reaches the
// goal at a finite cost) are the string "Infinity" in JSON, as ADTool
// writes them, and figures that are not given stay null; the JSON always
// encodes.
func TestResultJSONInfinity(t *testing.T) {
	leaf := func(id string, cost, p, time, skill float64) *Node {
		return &Node{ID: id, Name: id, Has: AttrCost | AttrProbability | AttrTime | AttrSkill, Cost: cost, Probability: p, Time: time, Skill: skill}
	}
	inf := math.Inf(1)
	huge := math.MaxFloat64
	guarded := leaf("guarded", 5, 0.5, 1, 1)
	guarded.Counters = []*Node{{ID: "wall", Name: "wall", Role: Defence, Has: AttrProbability, Probability: 0.9}}
	tests := []struct {
		name string
		root *Node
		want map[string]any // JSON values of the result's fields
	}{
		{"every step impossible", &Node{ID: "g", Name: "g", Gate: Or, Children: []*Node{leaf("a", inf, 0.5, 1, 1), leaf("b", 3, 0.5, inf, 1)}},
			map[string]any{"min_cost": "Infinity", "min_time": "Infinity", "min_skill": "Infinity", "probability": 0.0, "reachable": false}},
		{"costs beyond the largest number", &Node{ID: "g", Name: "g", Gate: And, Children: []*Node{leaf("a", huge, 0.5, huge, 1), leaf("b", huge, 0.5, huge, 2)}},
			map[string]any{"min_cost": "Infinity", "min_time": "Infinity", "min_skill": 2.0, "probability": 0.25, "reachable": true}},
		{"only if a defence fails at random", &Node{ID: "g", Name: "g", Gate: Or, Children: []*Node{guarded, leaf("x", 1, 0.5, inf, 1)}},
			map[string]any{"min_cost": "Infinity", "min_time": "Infinity", "min_skill": "Infinity", "probability": 0.05, "reachable": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &Tree{ID: "t", Name: "t", Root: tt.root, SequentialAnd: true}
			if err := tr.Check(); err != nil {
				t.Fatal(err)
			}
			for _, r := range []*Result{Evaluate(tr, Context{}), EvaluateFigures(tr, Context{})} {
				b, err := json.Marshal(r)
				if err != nil {
					t.Fatalf("JSON: %v", err)
				}
				var got map[string]any
				if err := json.Unmarshal(b, &got); err != nil {
					t.Fatal(err)
				}
				for k, v := range tt.want {
					if w, ok := v.(float64); ok {
						if g, ok := got[k].(float64); !ok || !close12(g, w) {
							t.Errorf("%s: %v, want %v", k, got[k], v)
						}
					} else if got[k] != v {
						t.Errorf("%s: %v, want %v", k, got[k], v)
					}
				}
				if strings.Contains(string(b), "Inf\"") && !strings.Contains(string(b), "Infinity") {
					t.Errorf("JSON: %s", b)
				}
				for _, c := range r.Cheapest {
					if c.Cost != nil && math.IsInf(*c.Cost, 0) {
						t.Errorf("a cheapest attack of infinite cost is listed: %+v", c)
					}
				}
			}
		})
	}
	// Not given stays null.
	noCost := &Tree{ID: "t", Root: &Node{ID: "g", Name: "g", Has: AttrProbability, Probability: 0.5}}
	b, err := json.Marshal(Evaluate(noCost, Context{}))
	if err != nil || !strings.Contains(string(b), `"min_cost":null`) {
		t.Errorf("%v %s", err, b)
	}
}

// TestResultJSONFields: the JSON of a result, an attack and a defence
// carries every field of theirs (their MarshalJSON lists them by hand).
func TestResultJSONFields(t *testing.T) {
	one := 1.0
	for _, v := range []any{
		Result{Defences: []DefenceValue{{}}, Notes: []string{"n"}, MinCost: &one},
		AttackSet{}, DefenceValue{Control: "c"},
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			if _, ok := got[name]; !ok {
				t.Errorf("%s: no %q in %s", rt.Name(), name, b)
			}
		}
		if len(got) != rt.NumField() {
			t.Errorf("%s: %d keys for %d fields: %s", rt.Name(), len(got), rt.NumField(), b)
		}
	}
}

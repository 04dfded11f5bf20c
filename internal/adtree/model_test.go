package adtree

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

const treeModel = `scrutin: 1
name: trees
currency: EUR
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: mail, org: o, name: Mail, kind: email}]
actors: [{id: a, name: A, skill: 2}]
controls:
  - {id: keys, name: Keys, status: implemented, effects: [{scenario: s, magnitude: 1}]}
scenarios:
  - {id: s, name: S, actor: a, assets: [mail], effect: confidentiality, frequency: 2, vulnerability: {tree: dag}, magnitude: 1000}
trees:
  - id: dag
    name: The DAG of DESIGN.md
    time: sequential
    root:
      id: root
      name: Root
      gate: and
      children:
        - id: o1
          name: O1
          gate: or
          children:
            - {id: a, name: a, cost: 10, probability: 0.5, time: 1, skill: 1}
            - {id: b, name: b, cost: 16, probability: 0.5, time: 2, skill: 3}
        - id: o2
          name: O2
          gate: or
          children:
            - id: a2
              name: A2
              gate: and
              children:
                - {id: d, name: d, cost: 5, probability: 0.5, time: 1, skill: 1}
                - {id: c, name: c, cost: 10, probability: 0.5, time: 1, skill: 1}
            - {id: b}
        - id: c
    `

func TestFromModelDAG(t *testing.T) {
	m, err := model.Decode("t.yaml", []byte(treeModel+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	tr := FromModel(&m.Trees[0])
	if err := tr.Check(); err != nil {
		t.Fatal(err)
	}
	if !tr.SequentialAnd || tr.Goal() != "Root" || len(tr.Nodes()) != 8 {
		t.Errorf("tree %+v, %d nodes", tr, len(tr.Nodes()))
	}
	r := Evaluate(tr, Context{})
	// c is shared below the root, whose and adds times (time: sequential):
	// the minimal time is not computed exactly, and the result says so.
	if val(r.MinCost) != 25 || r.Exact || !r.Shared || r.MinTime != nil || len(r.Notes) != 1 {
		t.Errorf("min cost %v exact %v shared %v time %v notes %v", val(r.MinCost), r.Exact, r.Shared, r.MinTime, r.Notes)
	}
	// The actor's skill 2 rules out b: only {a, c, d} is left.
	r2 := Evaluate(tr, Context{MaxSkill: 2})
	if val(r2.MinCost) != 25 || len(r2.Cheapest) != 1 || !near(val(r2.Probability), 0.125) {
		t.Errorf("skill 2: cost %v cheapest %v probability %v", val(r2.MinCost), r2.Cheapest, val(r2.Probability))
	}

	// Back to the model: the same tree, shared nodes written once.
	back := ToModel(tr)
	b1, _ := json.Marshal(m.Trees[0])
	b2, _ := json.Marshal(back)
	if string(b1) != string(b2) {
		t.Errorf("round trip:\n%s\n%s", b1, b2)
	}
	if !reflect.DeepEqual(FromModel(&back).Nodes()[5].ID, tr.Nodes()[5].ID) {
		t.Error("node order changed")
	}
}

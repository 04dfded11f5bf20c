package model

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// infinityModel has attack steps that cannot be done, written in each way
// the decoder takes an infinite cost, time or skill.
const infinityModel = `scrutin: 1
name: infinity
currency: EUR
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: mail, org: o, name: Mail, kind: email}]
actors: [{id: a, name: A}]
scenarios:
  - {id: s, name: S, actor: a, assets: [mail], effect: confidentiality, frequency: 2, vulnerability: {tree: t}, magnitude: 1000}
trees:
  - id: t
    name: T
    root:
      id: g
      name: G
      gate: or
      children:
        - {id: a1, name: A1, cost: .inf, probability: 0.5, time: 1, skill: 1}
        - {id: a2, name: A2, cost: 10, probability: 0.5, time: .Inf, skill: +.inf}
        - {id: a3, name: A3, cost: Infinity, probability: 0.5, time: "Infinity", skill: 2}
        - id: a4
          name: A4
          cost: 1
          probability: 0.5
          time: 1
          skill: 1
          countermeasures:
            - {id: d, name: D, probability: 0.9, cost: .inf}
`

// TestTreeInfinityDecodes: an infinite cost, time or skill (YAML's .inf, or
// Infinity as ADTool and scrutin's JSON write it) is a step that cannot be
// done; it is read as +Inf.
func TestTreeInfinityDecodes(t *testing.T) {
	m, err := Decode("inf.yaml", []byte(infinityModel))
	if err != nil {
		t.Fatal(err)
	}
	kids := m.Trees[0].Root.Children
	inf := func(p *float64) bool { return p != nil && math.IsInf(*p, 1) }
	if !inf(kids[0].Cost) || !inf(kids[1].Time) || !inf(kids[1].Skill) || !inf(kids[2].Cost) || !inf(kids[2].Time) {
		t.Errorf("infinities not read: %+v", kids[:3])
	}
	if *kids[0].Time != 1 || *kids[2].Skill != 2 || !inf(kids[3].Countermeasures[0].Cost) {
		t.Errorf("values: %+v", kids)
	}
}

// TestTreeInfinityRefused: a probability has no infinity, a cost no
// negative one, and other numbers of the model stay finite.
func TestTreeInfinityRefused(t *testing.T) {
	tests := []struct{ old, new, want string }{
		{"cost: .inf, probability: 0.5", "cost: 1, probability: .inf", "expected a finite number, got the number .inf"},
		{"cost: .inf, probability: 0.5", "cost: -.inf, probability: 0.5", "must be ≥ 0, got -Inf"},
		{"cost: .inf, probability: 0.5", "cost: -Infinity, probability: 0.5", "must be ≥ 0, got -Inf"},
		{"cost: .inf, probability: 0.5", "cost: .nan, probability: 0.5", "expected a finite number"},
		{"magnitude: 1000", "magnitude: .inf", "expected a finite number"},
		{"frequency: 2", "frequency: Infinity", `expected a number, got "Infinity"`},
	}
	for _, tt := range tests {
		t.Run(tt.new, func(t *testing.T) {
			src := strings.Replace(infinityModel, tt.old, tt.new, 1)
			if src == infinityModel {
				t.Fatalf("no %q in the model", tt.old)
			}
			_, err := Decode("inf.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// TestTreeInfinityJSON: JSON has no infinity; a model's JSON writes it as
// the string "Infinity", as ADTool does.
func TestTreeInfinityJSON(t *testing.T) {
	m, err := Decode("inf.yaml", []byte(infinityModel))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`{"id":"a1","name":"A1","cost":"Infinity","probability":0.5,"time":1,"skill":1}`,
		`"time":"Infinity","skill":"Infinity"`, `{"id":"d","name":"D","cost":"Infinity","probability":0.9}`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b)
		}
	}
	// The JSON reads back as the same model.
	back, err := Decode("inf.json", b)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(back)
	if string(b2) != string(b) {
		t.Errorf("JSON round trip:\n%s\n%s", b, b2)
	}
}

// TestMarshalTrees: trees written as YAML read back as the same trees,
// infinities included (as .inf), numbers as the model writes them.
func TestMarshalTrees(t *testing.T) {
	m, err := Decode("inf.yaml", []byte(infinityModel))
	if err != nil {
		t.Fatal(err)
	}
	m.Trees[0].Root.Children[1].Cost = ptrTo(1e6)
	m.Trees[0].Description = "Line one: with a colon\nline two # not a comment"
	y, err := MarshalTrees(m.Trees)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"cost: .inf", "cost: 1000000\n", "skill: .inf"} {
		if !strings.Contains(string(y), want) {
			t.Errorf("YAML lacks %q:\n%s", want, y)
		}
	}
	src := infinityModel[:strings.Index(infinityModel, "trees:")] + string(y)
	back, err := Decode("back.yaml", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	a, _ := json.Marshal(m.Trees)
	b, _ := json.Marshal(back.Trees)
	if string(a) != string(b) {
		t.Errorf("trees differ:\n%s\n%s", a, b)
	}
}

func ptrTo(x float64) *float64 { return &x }

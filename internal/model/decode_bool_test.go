package model

import (
	"strings"
	"testing"
)

// TestDecodeBool: a boolean field (an EBIOS risk origin's retained) reads
// true and false, is absent when not written, and anything else is a
// problem at its line and column, not a crash.
func TestDecodeBool(t *testing.T) {
	const head = `scrutin: 1
name: Bool
currency: EUR
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: a, org: o, name: A, kind: email}]
actors: [{id: x, name: X}]
scenarios: [{id: s, name: S, actor: x, assets: [a], effect: confidentiality, frequency: 1, vulnerability: 0.5, magnitude: 1000}]
ebios:
  sources:
`
	src := head + `    - {id: kept, actor: x, objective: O, motivation: 1, resources: 1, activity: 1, retained: true}
    - {id: dropped, actor: x, objective: O, motivation: 4, resources: 4, activity: 1, retained: false}
    - {id: default, actor: x, objective: O, motivation: 4, resources: 4, activity: 1}
`
	m, err := Decode("bool.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	s := m.Ebios.Sources
	if s[0].Retained == nil || !*s[0].Retained {
		t.Errorf("retained: true read as %v", s[0].Retained)
	}
	if s[1].Retained == nil || *s[1].Retained {
		t.Errorf("retained: false read as %v", s[1].Retained)
	}
	if s[2].Retained != nil {
		t.Errorf("absent retained read as %v", *s[2].Retained)
	}

	for _, bad := range []string{"1", `"true"`, "[true]"} {
		src := head + "    - {id: kept, actor: x, objective: O, motivation: 1, resources: 1, activity: 1, retained: " + bad + "}\n"
		ve := decodeError(t, "bool.yaml", []byte(src))
		checkProblems(t, ve.Problems)
		p := ve.Problems[0]
		if p.Path != "ebios.sources[0].retained" || p.Line != 10 || !strings.Contains(p.Message, "expected true or false") {
			t.Errorf("retained: %s: got %v", bad, p)
		}
	}
}

package model

import (
	"strings"
	"testing"
)

// The local level of an election (communes, prefectures), its suppliers
// and the press are organisations a model can name.
func TestOrganizationKindsLocal(t *testing.T) {
	for _, kind := range []string{"municipality", "prefecture", "vendor", "media"} {
		t.Run(kind, func(t *testing.T) {
			src := `scrutin: 1
name: Kinds
currency: EUR
organizations: [{id: o, name: O, kind: ` + kind + `}]
assets: [{id: a, org: o, name: A, kind: website}]
actors: [{id: x, name: X}]
scenarios:
  - {id: s, name: S, actor: x, assets: [a], effect: availability, frequency: 1, vulnerability: 0.5, magnitude: 100}
`
			m, err := Decode("kinds.yaml", []byte(src))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if m.Organizations[0].Kind != kind {
				t.Errorf("kind = %q", m.Organizations[0].Kind)
			}
		})
	}
	src := `scrutin: 1
name: Kinds
currency: EUR
organizations: [{id: o, name: O, kind: commune}]
assets: [{id: a, org: o, name: A, kind: website}]
actors: [{id: x, name: X}]
scenarios:
  - {id: s, name: S, actor: x, assets: [a], effect: availability, frequency: 1, vulnerability: 0.5, magnitude: 100}
`
	_, err := Decode("kinds.yaml", []byte(src))
	if err == nil {
		t.Fatal("kind commune accepted")
	}
	want := `kinds.yaml:4:40: organizations[0].kind: "commune" is not one of: "agency", "party", "campaign", "ministry", "election-authority", "operator", "municipality", "prefecture", "vendor", "media"`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error:\n%v\nwant it to contain:\n%s", err, want)
	}
}

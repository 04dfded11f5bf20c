package model

import (
	"errors"
	"strings"
	"testing"
)

// testAttackIDs is a small catalogue: two groups, two mitigations, three
// techniques.
func testAttackIDs() *AttackIDs {
	return &AttackIDs{
		Catalog:     "Test catalogue",
		Groups:      map[string]string{"G0007": "APT28", "G0016": "APT29"},
		Mitigations: map[string]string{"M1032": "Multi-factor Authentication", "M1017": "User Training"},
		Techniques:  map[string]string{"T1110": "Brute Force", "T1566": "Phishing", "T1566.001": "Spearphishing Attachment"},
	}
}

const attackModel = `scrutin: 1
name: ATT&CK ids
currency: EUR
organizations: [{id: o, name: O, kind: party}]
assets: [{id: mail, org: o, name: Mail, kind: email}]
actors:
  - {id: apt28, name: APT28, attack: G0070}
  - {id: cozy, name: Cozy, attack: G0016}
  - {id: other, name: Other, attack: G0999}
controls:
  - id: mfa
    name: Multi-factor authentication
    status: proposed
    attack: [M1032, M1023, M9999]
    effects: [{scenario: s, vulnerability: 0.5}]
  - id: training
    name: User training
    status: proposed
    attack: [M1071]
    effects: [{scenario: s, vulnerability: 0.5}]
scenarios:
  - {id: s, name: S, actor: apt28, assets: [mail], effect: integrity, frequency: {pert: [1, 2, 3]}, vulnerability: {beta: [2, 5]}, magnitude: 100}
evidence:
  - {id: e1, scenario: s, parameter: frequency, match: {technique: T1111}}
  - {id: e2, scenario: s, parameter: frequency, match: {technique: T1566.001}}
  - {id: e3, scenario: s, parameter: frequency, match: {technique: brute}}
`

// TestDecodeAttackIDs: the ATT&CK ids a model names are checked against
// the catalogue given, each unknown one a problem at its place with a
// suggestion: by the name of the actor or control when the catalogue has
// it, else the nearest id.
func TestDecodeAttackIDs(t *testing.T) {
	calls := 0
	opt := DecodeOptions{Attack: func() (*AttackIDs, error) { calls++; return testAttackIDs(), nil }}
	_, err := DecodeWith("m.yaml", []byte(attackModel), opt)
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("got %v, want problems", err)
	}
	var got []string
	for _, p := range verr.Problems {
		got = append(got, p.String())
	}
	want := []string{
		`m.yaml:7:38: actors[0].attack: unknown ATT&CK group "G0070" (did you mean "G0007", APT28?); the catalogue in use is Test catalogue`,
		`m.yaml:9:38: actors[2].attack: unknown ATT&CK group "G0999"; the catalogue in use is Test catalogue`,
		`m.yaml:14:21: controls[0].attack[1]: unknown ATT&CK mitigation "M1023" (did you mean "M1032", Multi-factor Authentication?); the catalogue in use is Test catalogue`,
		`m.yaml:14:28: controls[0].attack[2]: unknown ATT&CK mitigation "M9999" (did you mean "M1032", Multi-factor Authentication?); the catalogue in use is Test catalogue`,
		`m.yaml:19:14: controls[1].attack[0]: unknown ATT&CK mitigation "M1071" (did you mean "M1017", User Training?); the catalogue in use is Test catalogue`,
		`m.yaml:24:68: evidence[0].match.technique: unknown ATT&CK technique "T1111" (did you mean "T1110", Brute Force?); the catalogue in use is Test catalogue`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if calls != 1 {
		t.Errorf("the catalogue was asked %d times", calls)
	}
	// The problems are translatable texts.
	if f := verr.Problems[0].Text.Format; f != "unknown ATT&CK group %q%s; the catalogue in use is %s" {
		t.Errorf("text %q", f)
	}

	// Without a catalogue, or with one that cannot tell, nothing is checked.
	if _, err := Decode("m.yaml", []byte(attackModel)); err != nil {
		t.Errorf("without a catalogue: %v", err)
	}
	blind := DecodeOptions{Attack: func() (*AttackIDs, error) { return &AttackIDs{Catalog: "empty"}, nil }}
	if _, err := DecodeWith("m.yaml", []byte(attackModel), blind); err != nil {
		t.Errorf("with a catalogue that holds no ids: %v", err)
	}

	// A model that names no ATT&CK id does not need the catalogue; one
	// that does gets the error of a catalogue that cannot be read.
	plain := strings.NewReplacer(", attack: G0070", "", ", attack: G0016", "", ", attack: G0999", "",
		"    attack: [M1032, M1023, M9999]\n", "", "    attack: [M1071]\n", "", "technique: T1111", "category: scan",
		"technique: T1566.001", "category: scan", "technique: brute", "category: scan").Replace(attackModel)
	broken := DecodeOptions{Attack: func() (*AttackIDs, error) { return nil, errors.New("catalogue unreadable") }}
	if _, err := DecodeWith("m.yaml", []byte(plain), broken); err != nil {
		t.Errorf("a model without ATT&CK ids: %v", err)
	}
	if _, err := DecodeWith("m.yaml", []byte(attackModel), broken); err == nil || err.Error() != "catalogue unreadable" {
		t.Errorf("unreadable catalogue: %v", err)
	}
}

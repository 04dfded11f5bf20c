package model

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// built returns a valid model built in Go, as an API client would, without
// going through Decode.
func built() *Model {
	return &Model{
		Scrutin:       FormatVersion,
		Name:          "Built",
		Currency:      "EUR",
		Organizations: []Organization{{ID: "campaign", Name: "Campaign", Kind: KindCampaign}},
		Assets:        []Asset{{ID: "mail", Org: "campaign", Name: "Mail", Kind: "email"}},
		Actors:        []Actor{{ID: "apt28", Name: "APT28"}},
		Scenarios: []Scenario{{
			ID: "leak", Name: "Leak", Actor: "apt28", Assets: []string{"mail"}, Effect: EffectConfidentiality,
			Frequency:     Dist{Kind: Label, Label: "high"},
			Vulnerability: Vulnerability{Prob: &Dist{Kind: Label, Label: "medium"}},
			Magnitude:     Dist{Kind: Label, Label: "medium"},
		}},
	}
}

func TestValidateResolvesLabels(t *testing.T) {
	m := built()
	if ps := Validate(m); len(ps) != 0 {
		t.Fatalf("Validate = %v", ps)
	}
	def := DefaultLabels()
	s := m.Scenarios[0]
	checkDist(t, "frequency", s.Frequency, withLabel(def.Frequency["high"], "high"))
	checkDist(t, "vulnerability", *s.Vulnerability.Prob, withLabel(def.Vulnerability["medium"], "medium"))
	checkDist(t, "magnitude", s.Magnitude, withLabel(def.Magnitude["medium"], "medium"))

	// Validating again changes nothing: a resolved label is a PERT.
	before := *m
	if ps := Validate(m); len(ps) != 0 || !reflect.DeepEqual(*m, before) {
		t.Errorf("validating twice: %v", ps)
	}
}

// TestLabelsDoNotShareParams checks that two quantities resolved from the
// same label, or decoded from the same anchor, can be changed independently.
func TestLabelsDoNotShareParams(t *testing.T) {
	m, err := Decode("shared.yaml", []byte(head+`actors: [{id: apt28, name: APT28}]
scenarios:
  - {id: a, name: A, actor: apt28, assets: &as [mail], effect: integrity, frequency: {label: high}, vulnerability: 0.5, magnitude: &m {pert: [1, 2, 3]}}
  - {id: b, name: B, actor: apt28, assets: *as, effect: integrity, frequency: {label: high}, vulnerability: 0.5, magnitude: *m}
`))
	if err != nil {
		t.Fatal(err)
	}
	a, b := &m.Scenarios[0], &m.Scenarios[1]
	a.Frequency.Params[0] = -1
	a.Magnitude.Params[0] = -1
	a.Assets[0] = "changed"
	if b.Frequency.Params[0] == -1 || b.Magnitude.Params[0] == -1 || b.Assets[0] == "changed" {
		t.Error("two scenarios share the backing array of a list")
	}
	if DefaultLabels().Frequency["high"].Params[0] == -1 || m.LabelTable(TableFrequency)["high"].Params[0] == -1 {
		t.Error("a resolved label shares the label table's parameters")
	}
}

// TestValidateWithoutPositions checks the problems Validate finds in a model
// built in Go: paths, no positions, and the checks the decoder cannot make
// for it (non-finite numbers).
func TestValidateWithoutPositions(t *testing.T) {
	nan, inf, neg := math.NaN(), math.Inf(1), -0.5
	m := built()
	m.Scrutin = 2
	m.Tolerance = []TolerancePoint{{Loss: inf, Probability: nan}}
	m.Assets = append(m.Assets, Asset{ID: "mail", Org: "nobody"})
	m.Controls = []Control{{ID: "c", Status: StatusProposed, Cost: Cost{Once: -1, Yearly: -2},
		Effects: []Effect{{Scenario: "leak", Frequency: &nan, Magnitude: &neg}}}}
	m.Scenarios[0].Frequency = Dist{Kind: PERT, Params: []float64{1, nan, 3}}
	m.Scenarios[0].Magnitude = Dist{Kind: "weibull", Params: []float64{1, 2}}
	m.Scenarios[0].Vulnerability = Vulnerability{Prob: &Dist{Kind: Beta, Params: []float64{1}}}
	want := []string{
		`scrutin: unsupported format version 2 (this scrutin reads version 1)`,
		`assets[1].id: duplicate id "mail" (already used by assets[0])`,
		`assets[1].org: unknown organization "nobody"; expected one of: "campaign"`,
		`controls[0].effects[0].frequency: a multiplier must be a finite number ≥ 0, got NaN`,
		`controls[0].effects[0].magnitude: a multiplier must be a finite number ≥ 0, got -0.5`,
		`controls[0].cost.once: a cost must be ≥ 0, got -1`,
		`controls[0].cost.yearly: a cost must be ≥ 0, got -2`,
		`scenarios[0].frequency: parameters must be finite numbers, got [1, NaN, 3]`,
		`scenarios[0].vulnerability: beta needs 2 parameters, got 1`,
		`scenarios[0].magnitude: unknown distribution "weibull"`,
		`tolerance[0].loss: a loss must be a finite number ≥ 0, got +Inf`,
		`tolerance[0].probability: a probability must be within [0, 1], got NaN`,
	}
	var got []string
	for _, p := range Validate(m) {
		if p.Line != 0 || p.File != "" {
			t.Errorf("a problem with a position: %+v", p)
		}
		got = append(got, p.String())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Validate =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCheckParams(t *testing.T) {
	tests := []struct {
		d    Dist
		dom  Domain
		want string // "" when the parameters are fine
	}{
		{Const(0), Probability, ""},
		{Const(1), Probability, ""},
		{Const(0), NonNegative, ""},
		{pert(0, 0, 1), Probability, ""},
		{pert(0, 1, 1), Probability, ""},
		{Dist{Kind: Triangular, Params: []float64{2, 2, 2}}, NonNegative, "triangular needs min < max, got [2, 2, 2] (for a fixed value, write the number)"},
		{Dist{Kind: Uniform, Params: []float64{0, 1}}, Probability, ""},
		{Dist{Kind: Uniform, Params: []float64{2, 1}}, NonNegative, "uniform needs a < b, got [2, 1]"},
		{Dist{Kind: Lognormal90, Params: []float64{1, 2}}, NonNegative, ""},
		{Dist{Kind: Lognormal, Params: []float64{-3, 1}}, NonNegative, ""},
		{Dist{Kind: Lognormal, Params: []float64{0, -1}}, NonNegative, "lognormal needs sigma > 0, got -1"},
		{Dist{Kind: Beta, Params: []float64{0.5, 0.5}}, Probability, ""},
		{Dist{Kind: Beta, Params: []float64{1, -1}}, Probability, "beta needs alpha > 0 and beta > 0, got [1, -1]"},
		{Dist{Kind: Normal, Params: []float64{-3, 1}}, NonNegative, ""},    // little mass above 0, but some
		{Dist{Kind: Normal, Params: []float64{1.5, 0.1}}, Probability, ""}, // mass within [0, 1] about 3e-7
		{Dist{Kind: Normal, Params: []float64{-10, 1}}, NonNegative, "normal [-10, 1] has almost no probability within [0, ∞), where it is truncated"},
		{Dist{Kind: Normal, Params: []float64{2, 0.1}}, Probability, "normal [2, 0.1] has almost no probability within [0, 1], where it is truncated"},
	}
	for _, tt := range tests {
		if got := checkParams(tt.d, tt.dom).String(); got != tt.want {
			t.Errorf("checkParams(%s, %s) = %q, want %q", tt.d, tt.dom, got, tt.want)
		}
	}
}

func TestNum(t *testing.T) {
	for x, want := range map[float64]string{
		0: "0", 1: "1", -15000: "-15000", 1e6: "1000000", 0.05: "0.05", 1e-6: "0.000001",
		1e-7: "1e-07", 1e21: "1e+21", 123456789.5: "123456789.5", math.Inf(-1): "-Inf",
	} {
		if got := num(x); got != want {
			t.Errorf("num(%v) = %q, want %q", x, got, want)
		}
	}
}

func TestSuggest(t *testing.T) {
	valid := []string{"frequency", "vulnerability", "magnitude"}
	tests := []struct{ got, want string }{
		{"frequncy", ` (did you mean "frequency"?)`},
		{"Magnitude", ` (did you mean "magnitude"?)`},
		{"impact", `; expected one of: "frequency", "magnitude", "vulnerability"`},
		{"", `; expected one of: "frequency", "magnitude", "vulnerability"`},
	}
	for _, tt := range tests {
		if got := suggest(tt.got, valid).String(); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.got, got, tt.want)
		}
	}
	if got := suggest("x", nil).String(); got != "" {
		t.Errorf("suggest among nothing = %q", got)
	}
	// A short name is not "close" to a name it shares nothing with.
	if got := closest("ab", []string{"cd"}); got != "" {
		t.Errorf("closest(ab, [cd]) = %q", got)
	}
}

// TestErrorText: the Text of an error is what it says, ready to be
// translated, only when nothing was added around it.
func TestErrorText(t *testing.T) {
	e := Errorf(EINVALID, "unknown control %q%s", "mfa", didYouMean("mfa2"))
	if got := ErrorText(e); got.Format != "unknown control %q%s" || got.String() != e.Error() {
		t.Errorf("an *Error: %#v", got)
	}
	wrapped := fmt.Errorf("run 3: %w", e)
	if got := ErrorText(wrapped); got.Format != "%s" || got.String() != wrapped.Error() {
		t.Errorf("a wrapped *Error: %#v", got)
	}
	if pc := Errorf(EINVALID, "100%% sure"); pc.Error() != "100% sure" || ErrorText(pc).String() != "100% sure" {
		t.Errorf("a format without arguments is still a format: %q, %q", pc.Error(), ErrorText(pc).String())
	}
	if got := ErrorText(errors.New("plain")); got.Format != "%s" || got.String() != "plain" {
		t.Errorf("a plain error: %#v", got)
	}
	_, err := Decode("m.yaml", []byte("scrutin: 2\n"))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Decode: %v", err)
	}
	one := &ValidationError{Problems: ve.Problems[:1]}
	if got := ErrorText(one); got.String() != one.Error() || len(got.Args) != 2 {
		t.Errorf("a validation error: %#v, want %q", got, one.Error())
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"apt28", "apt29", 1}, {"défense", "defense", 1}, {"sandworm", "sandworm", 0}} {
		if got := EditDistance(c.a, c.b); got != c.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := EditDistance(c.b, c.a); got != c.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d (symmetric)", c.b, c.a, got, c.want)
		}
	}
}

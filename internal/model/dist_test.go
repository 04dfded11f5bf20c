package model

import (
	"encoding/json"
	"testing"
)

func TestDistFormats(t *testing.T) {
	tests := []struct {
		d          Dist
		str, json_ string
	}{
		{Const(0.3), "0.3", "0.3"},
		{Const(1e6), "1000000", "1000000"},
		{Const(1e-9), "1e-09", "1e-9"},
		{pert(0.5, 2, 10), "{pert: [0.5, 2, 10]}", `{"pert":[0.5,2,10]}`},
		{Dist{Kind: PERT, Params: []float64{1, 2, 3}, Lambda: 3}, "{pert: [1, 2, 3], lambda: 3}", `{"pert":[1,2,3],"lambda":3}`},
		{Dist{Kind: Lognormal90, Params: []float64{10000, 1000000}}, "{lognormal90: [10000, 1000000]}", `{"lognormal90":[10000,1000000]}`},
		{Dist{Kind: Lognormal, Params: []float64{9, 1.5}}, "{lognormal: {mu: 9, sigma: 1.5}}", `{"lognormal":{"mu":9,"sigma":1.5}}`},
		{Dist{Kind: Uniform, Params: []float64{-1, 1}}, "{uniform: [-1, 1]}", `{"uniform":[-1,1]}`},
		{Dist{Kind: Triangular, Params: []float64{0, 1, 2}}, "{triangular: [0, 1, 2]}", `{"triangular":[0,1,2]}`},
		{Dist{Kind: Beta, Params: []float64{2, 8}}, "{beta: [2, 8]}", `{"beta":[2,8]}`},
		{Dist{Kind: Normal, Params: []float64{100, 10}}, "{normal: [100, 10]}", `{"normal":[100,10]}`},
		{Dist{Kind: Label, Label: "high"}, "{label: high}", `{"label":"high"}`},
		// A resolved label is written as the label, so that the model's
		// labels table keeps deciding its range.
		{withLabel(pert(1, 4, 12), "high"), "{label: high}", `{"label":"high"}`},
		{Dist{}, "null", "null"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.str {
			t.Errorf("%#v.String() = %s, want %s", tt.d, got, tt.str)
		}
		b, err := json.Marshal(tt.d)
		if err != nil {
			t.Errorf("json.Marshal(%#v): %v", tt.d, err)
			continue
		}
		if string(b) != tt.json_ {
			t.Errorf("json.Marshal(%#v) = %s, want %s", tt.d, b, tt.json_)
		}
	}
}

func TestVulnerabilityMarshalJSON(t *testing.T) {
	c, r := Const(0.7), pert(0.3, 0.5, 0.7)
	tests := []struct {
		v    Vulnerability
		want string
	}{
		{Vulnerability{Prob: new(Const(0.3))}, `0.3`},
		{Vulnerability{Resistance: &r}, `{"resistance":{"pert":[0.3,0.5,0.7]}}`},
		{Vulnerability{Capability: &c, Resistance: &r}, `{"capability":0.7,"resistance":{"pert":[0.3,0.5,0.7]}}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.v)
		if err != nil || string(b) != tt.want {
			t.Errorf("json.Marshal(%+v) = %s, %v; want %s", tt.v, b, err, tt.want)
		}
	}
}

func TestDistHelpers(t *testing.T) {
	if !(Dist{}).IsZero() || Const(0).IsZero() {
		t.Error("IsZero is wrong")
	}
	if got := pert(1, 2, 3).PERTLambda(); got != DefaultPERTLambda {
		t.Errorf("default PERTLambda = %v", got)
	}
	if got := (Dist{Kind: PERT, Lambda: 2.5}).PERTLambda(); got != 2.5 {
		t.Errorf("PERTLambda = %v", got)
	}
	if Probability.String() != "[0, 1]" || NonNegative.String() != "[0, ∞)" {
		t.Errorf("domains print as %s and %s", Probability, NonNegative)
	}
}

func TestDefaultLabels(t *testing.T) {
	order := []string{"very-low", "low", "medium", "high", "very-high"}
	def := DefaultLabels()
	for _, tab := range []struct {
		name  string
		table map[string]Dist
		dom   Domain
	}{{TableFrequency, def.Frequency, NonNegative}, {TableVulnerability, def.Vulnerability, Probability}, {TableMagnitude, def.Magnitude, NonNegative}} {
		if len(tab.table) != len(order) {
			t.Errorf("%s table has %d labels, want %d", tab.name, len(tab.table), len(order))
		}
		prev := -1.0
		for _, name := range order {
			d, ok := tab.table[name]
			if !ok {
				t.Errorf("%s table has no %q", tab.name, name)
				continue
			}
			if d.Kind != PERT {
				t.Errorf("%s.%s is %s, want a PERT", tab.name, name, d)
				continue
			}
			if msg := checkParams(d, tab.dom); msg.Format != "" {
				t.Errorf("%s.%s: %s", tab.name, name, msg)
			}
			if d.Params[1] <= prev {
				t.Errorf("%s.%s: mode %v is not above the previous label's %v", tab.name, name, d.Params[1], prev)
			}
			prev = d.Params[1]
		}
	}
	// DefaultLabels returns a fresh table each time: changing one cannot
	// change the defaults of another model.
	def.Frequency["high"].Params[0] = -1
	delete(def.Magnitude, "low")
	again := DefaultLabels()
	if again.Frequency["high"].Params[0] != 1 || again.Magnitude["low"].IsZero() {
		t.Error("DefaultLabels shares its tables between calls")
	}
}

package model

import (
	"encoding/json"
	"fmt"
)

// DistKind names a family of probability distributions.
type DistKind string

// The distribution families of the model format (DESIGN.md section 2).
const (
	Constant     DistKind = "constant"    // Params: [value]
	PERT         DistKind = "pert"        // Params: [min, mode, max]; Lambda: shape (default 4)
	Lognormal90  DistKind = "lognormal90" // Params: [p5, p95]
	Lognormal    DistKind = "lognormal"   // Params: [mu, sigma] of the underlying normal
	Uniform      DistKind = "uniform"     // Params: [a, b]
	Triangular   DistKind = "triangular"  // Params: [min, mode, max]
	Beta         DistKind = "beta"        // Params: [alpha, beta]
	Normal       DistKind = "normal"      // Params: [mean, sd]; truncated to the quantity's domain
	Gamma        DistKind = "gamma"       // Params: [shape, rate] (mean shape/rate); what calibration gives frequencies
	Label        DistKind = "label"       // Label: a qualitative label, resolved to a PERT
	BaseRateKind DistKind = "baserate"    // BaseRate: a frequency from publicly reported incidents, resolved to a Gamma
)

// DefaultPERTLambda is the shape of a Beta-PERT when the model gives none.
const DefaultPERTLambda = 4

// distArity is the number of parameters of each family written as a list.
var distArity = map[DistKind]int{PERT: 3, Lognormal90: 2, Uniform: 2, Triangular: 3, Beta: 2, Normal: 2, Gamma: 2}

// distParamNames names the list parameters of each family, for messages.
var distParamNames = map[DistKind]string{
	PERT: "[min, mode, max]", Lognormal90: "[p5, p95]", Uniform: "[a, b]",
	Triangular: "[min, mode, max]", Beta: "[alpha, beta]", Normal: "[mean, sd]", Gamma: "[shape, rate]",
}

// Dist is an uncertain quantity as written in a model: a constant, a
// distribution family with its parameters, or a qualitative label.
//
// Once a model is decoded, a label has been resolved: Kind is PERT, Params
// hold the label's range and Label keeps the label's name.
type Dist struct {
	Kind   DistKind
	Params []float64
	Lambda float64 // PERT shape; 0 means DefaultPERTLambda
	Label  string  // the label this distribution was given as, if any
	// BaseRate is the query of publicly reported incidents this
	// distribution was given as, if any (a frequency resolved to the
	// Gamma posterior of its base rate; package baserate).
	BaseRate *BaseRateRef
}

// BaseRateRef asks for the base rate of one kind of incident against one
// kind of target, or any target (scrutin baserate): frequency: {baserate: {target: party,
// kind: hack-and-leak, countries: eu, orgs: 40}}.
type BaseRateRef struct {
	Target    string  `json:"target" jsonschema:"required,enum=any,enum=party,enum=campaign,enum=candidate,enum=election-authority,enum=ministry,enum=parliament,enum=municipality,enum=media,enum=vendor,enum=voter-roll"`
	Kind      string  `json:"kind" jsonschema:"required,enum=hack-and-leak,enum=ddos,enum=defacement,enum=voter-roll-breach,enum=voter-roll-tampering,enum=ransomware,enum=phishing,enum=influence-operation,enum=tabulation-attack"`
	Countries string  `json:"countries,omitempty" jsonschema_description:"eu, europe, north-america, all (default), or country codes separated by commas"`
	From      int     `json:"from,omitempty" jsonschema:"minimum=0"`
	To        int     `json:"to,omitempty" jsonschema:"minimum=0"`
	Orgs      float64 `json:"orgs,omitempty" jsonschema:"minimum=0" jsonschema_description:"Organisations of the target kind exposed each year (default: one per country)"`
}

// Const returns the constant distribution at v.
func Const(v float64) Dist { return Dist{Kind: Constant, Params: []float64{v}} }

// IsZero reports whether d is unset.
func (d Dist) IsZero() bool { return d.Kind == "" }

// PERTLambda returns the PERT shape in effect.
func (d Dist) PERTLambda() float64 {
	if d.Lambda == 0 {
		return DefaultPERTLambda
	}
	return d.Lambda
}

// String renders d in the model's YAML flow syntax, such as
// {pert: [1, 2, 10]}.
func (d Dist) String() string {
	switch {
	case d.Label != "":
		return "{label: " + d.Label + "}"
	case d.Kind == "":
		return "null"
	case d.Kind == Constant && len(d.Params) == 1:
		return num(d.Params[0])
	case d.Kind == Lognormal && len(d.Params) == 2:
		return fmt.Sprintf("{lognormal: {mu: %s, sigma: %s}}", num(d.Params[0]), num(d.Params[1]))
	case d.Kind == PERT && d.Lambda != 0:
		return fmt.Sprintf("{pert: %s, lambda: %s}", fmtList(d.Params), num(d.Lambda))
	}
	return fmt.Sprintf("{%s: %s}", d.Kind, fmtList(d.Params))
}

// MarshalJSON writes d in the model format: a number, or a one-key object.
func (d Dist) MarshalJSON() ([]byte, error) {
	switch {
	case d.BaseRate != nil:
		return json.Marshal(map[string]*BaseRateRef{"baserate": d.BaseRate})
	case d.Label != "":
		return json.Marshal(map[string]string{"label": d.Label})
	case d.Kind == Constant && len(d.Params) == 1:
		return json.Marshal(d.Params[0]) // as encoding/json writes the other numbers
	case d.Kind == Lognormal && len(d.Params) == 2:
		return json.Marshal(map[string]map[string]float64{"lognormal": {"mu": d.Params[0], "sigma": d.Params[1]}})
	case d.Kind == PERT && d.Lambda != 0:
		return json.Marshal(struct {
			P []float64 `json:"pert"`
			L float64   `json:"lambda"`
		}{d.Params, d.Lambda})
	case d.Kind == "":
		return []byte("null"), nil
	}
	return json.Marshal(map[string][]float64{string(d.Kind): d.Params})
}

// MarshalJSON writes v in the model format.
func (v Vulnerability) MarshalJSON() ([]byte, error) {
	if v.Prob != nil {
		return json.Marshal(v.Prob)
	}
	if v.Tree != "" {
		return json.Marshal(map[string]string{"tree": v.Tree})
	}
	return json.Marshal(struct {
		Capability *Dist `json:"capability,omitempty"`
		Resistance *Dist `json:"resistance,omitempty"`
	}{v.Capability, v.Resistance})
}

// Labels holds tables of qualitative labels, each mapped to a PERT range.
// A model's tables override and extend DefaultLabels.
type Labels struct {
	Frequency     map[string]Dist `json:"frequency,omitempty" jsonschema_description:"Labels for threat-event frequencies (per year)"`
	Vulnerability map[string]Dist `json:"vulnerability,omitempty" jsonschema_description:"Labels for probabilities: vulnerability and capability and resistance percentiles and secondary-loss probability"`
	Magnitude     map[string]Dist `json:"magnitude,omitempty" jsonschema_description:"Labels for losses in the model's currency"`
}

// Domain is the range a quantity lives in, which decides which
// distributions suit it and where a normal is truncated.
type Domain int

// Domains of the model's quantities.
const (
	NonNegative Domain = iota // frequencies, losses, multipliers: [0, ∞)
	Probability               // probabilities and percentiles: [0, 1]
)

func (dm Domain) String() string {
	if dm == Probability {
		return "[0, 1]"
	}
	return "[0, ∞)"
}

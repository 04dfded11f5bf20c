package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scrutin/scrutin/internal/dist"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

// sensKind says how an input enters the annual loss, which decides how its
// share of the variance is computed.
type sensKind int

const (
	// sensYearLinear: drawn once a year, and the mean annual loss is
	// exactly linear in it (see sensLinear): E[L | X = x] = α + βx is the
	// line through its values at P10 and P90.
	sensYearLinear sensKind = iota
	// sensYearCurve: drawn once a year, E[L | X = x] a curve simulated at
	// K values (FAIR resistance; a probability whose controls push it
	// over the cap of 1).
	sensYearCurve
	// sensEventLoss: a magnitude or secondary magnitude, drawn afresh for
	// every loss event.
	sensEventLoss
	// sensEventCapability: a FAIR capability, drawn afresh for every
	// threat event.
	sensEventCapability
	// sensEventHarm: a scenario's harm in one dimension, drawn afresh for
	// every loss event.
	sensEventHarm
)

// sensInput is one uncertain input of a model: where it lives, its
// distribution, and the scenarios whose losses it changes.
type sensInput struct {
	Scenario  string // the scenario it belongs to, or ""
	Actor     string // the actor it belongs to, or ""
	Parameter string // one of the sim.Param… constants
	d         dist.Dist
	scenarios []int // indices into the model's scenarios whose losses it changes
	kind      sensKind
	harm      int // the harm's dimension (index into the model's harms) of a sensEventHarm input
}

// id names the input for people: "hack-and-leak: frequency".
func (in *sensInput) id() string {
	owner := in.Scenario
	if owner == "" {
		owner = in.Actor
	}
	return owner + ": " + in.Parameter
}

func (in *sensInput) fix(v float64) sim.Fix {
	return sim.Fix{Scenario: in.Scenario, Actor: in.Actor, Param: in.Parameter, Value: v}
}

// sensInputs lists the uncertain inputs of m (valid, labels resolved) with
// the controls in force: per scenario, in model order, its frequency,
// vulnerability (or FAIR resistance and own capability), magnitude and
// secondary probability and magnitude, and its harm in each dimension it
// draws (model order); then per actor its activity and the capability its
// FAIR scenarios borrow. Constants are not uncertain, and a
// vulnerability from an attack tree is a constant probability: neither is
// listed.
func sensInputs(m *model.Model, inForce []string) ([]*sensInput, error) {
	var out []*sensInput
	var err error
	add := func(in *sensInput, d *model.Dist, dom model.Domain) {
		if err != nil || d == nil || d.Kind == model.Constant {
			return
		}
		in.d, err = dist.New(*d, dom)
		if err != nil {
			err = fmt.Errorf("%s: %w", in.id(), err)
			return
		}
		in.kind = sensKindOf(m, inForce, in)
		out = append(out, in)
	}
	for i := range m.Scenarios {
		s := &m.Scenarios[i]
		one := []int{i}
		in := func(param string) *sensInput {
			return &sensInput{Scenario: s.ID, Parameter: param, scenarios: one}
		}
		add(in(sim.ParamFrequency), &s.Frequency, model.NonNegative)
		switch v := s.Vulnerability; {
		case v.Prob != nil:
			add(in(sim.ParamVulnerability), v.Prob, model.Probability)
		case v.Resistance != nil:
			add(in(sim.ParamResistance), v.Resistance, model.Probability)
			add(in(sim.ParamCapability), v.Capability, model.Probability)
		}
		add(in(sim.ParamMagnitude), &s.Magnitude, model.NonNegative)
		if sec := s.Secondary; sec != nil {
			add(in(sim.ParamSecondaryProbability), &sec.Probability, model.Probability)
			add(in(sim.ParamSecondaryMagnitude), &sec.Magnitude, model.NonNegative)
		}
		for di, h := range m.Harms {
			if d, ok := s.Harm[h.ID]; ok {
				hi := in(sim.HarmParam(h.ID))
				hi.harm = di
				add(hi, &d, model.NonNegative)
			}
		}
	}
	for _, a := range m.Actors {
		var all, borrow []int
		for i, s := range m.Scenarios {
			if s.Actor != a.ID {
				continue
			}
			all = append(all, i)
			if s.Vulnerability.Resistance != nil && s.Vulnerability.Capability == nil {
				borrow = append(borrow, i)
			}
		}
		if len(all) > 0 {
			add(&sensInput{Actor: a.ID, Parameter: sim.ParamActivity, scenarios: all}, a.Activity, model.NonNegative)
		}
		if len(borrow) > 0 {
			add(&sensInput{Actor: a.ID, Parameter: sim.ParamCapability, scenarios: borrow}, a.Capability, model.Probability)
		}
	}
	return out, err
}

// sensKindOf classifies an input (DESIGN.md section 2, "What one simulated
// year means"). The loss events are Poisson with mean λ·activity·v, so
// their expected number is linear in a frequency, an activity or a
// vulnerability, and each event's expected loss is linear in a secondary
// probability; the other draws do not depend on the value held (common
// random numbers), so the mean annual loss is linear in these inputs.
// Vulnerabilities and secondary probabilities are capped at 1 after the
// controls' multipliers: linear while those multiply by at most 1.
func sensKindOf(m *model.Model, inForce []string, in *sensInput) sensKind {
	if strings.HasPrefix(in.Parameter, sim.ParamHarmPrefix) {
		return sensEventHarm
	}
	switch in.Parameter {
	case sim.ParamMagnitude, sim.ParamSecondaryMagnitude:
		return sensEventLoss
	case sim.ParamCapability:
		return sensEventCapability
	case sim.ParamFrequency, sim.ParamActivity:
		return sensYearLinear
	case sim.ParamVulnerability:
		if sensMultiplier(m, inForce, in.Scenario, func(e model.Effect) *float64 { return e.Vulnerability }) <= 1 {
			return sensYearLinear
		}
	case sim.ParamSecondaryProbability:
		if sensMultiplier(m, inForce, in.Scenario, func(e model.Effect) *float64 { return e.SecondaryProbability }) <= 1 {
			return sensYearLinear
		}
	}
	return sensYearCurve
}

// sensMultiplier is the product of the multipliers that the controls in
// force apply to one parameter (get) of a scenario.
func sensMultiplier(m *model.Model, inForce []string, scenario string, get func(model.Effect) *float64) float64 {
	f := 1.0
	for _, id := range inForce {
		if c := m.ControlByID(id); c != nil {
			for _, e := range c.Effects {
				if x := get(e); e.Scenario == scenario && x != nil {
					f *= *x
				}
			}
		}
	}
	return f
}

// sensHarmMultiplier is the product of the multipliers that the controls
// in force apply to the harm of a scenario in dimension id.
func sensHarmMultiplier(m *model.Model, inForce []string, scenario, id string) float64 {
	f := 1.0
	for _, cid := range inForce {
		if c := m.ControlByID(cid); c != nil {
			for _, e := range c.Effects {
				if x, ok := e.Harm[id]; e.Scenario == scenario && ok {
					f *= x
				}
			}
		}
	}
	return f
}

// sensTimingMean is the mean of the calendar multiplier that the timing of
// scenario s gives the harm in dimension id of an event at a uniform time
// in the season (1 without timing), and whether that multiplier differs
// from 1 anywhere. The multipliers of overlapping windows multiply, as in
// the simulation.
func sensTimingMean(m *model.Model, s *model.Scenario, id string) (mean float64, timed bool) {
	return sensTimingMeanOf(m, s, func(t model.Timing) (float64, bool) {
		x, ok := t.Harm[id]
		return x, ok
	})
}

// sensTimingMagnitude is sensTimingMean for the loss (primary and
// secondary) of an event.
func sensTimingMagnitude(m *model.Model, s *model.Scenario) (mean float64, timed bool) {
	return sensTimingMeanOf(m, s, func(t model.Timing) (float64, bool) {
		if t.Magnitude == nil {
			return 1, false
		}
		return *t.Magnitude, true
	})
}

// sensTimingMeanOf is the mean over the season of the product of the
// multipliers get finds in the timing of the windows that contain a day.
func sensTimingMeanOf(m *model.Model, s *model.Scenario, get func(model.Timing) (float64, bool)) (mean float64, timed bool) {
	cal := m.Calendar
	if cal == nil || len(cal.Windows) == 0 || len(s.Timing) == 0 {
		return 1, false
	}
	season := cal.Season()
	cuts := []float64{0, season}
	for _, w := range cal.Windows {
		if t, ok := s.Timing[w.ID]; ok {
			if x, ok := get(t); ok && x != 1 {
				timed = true
				cuts = append(cuts, min(max(w.StartDay, 0), season), min(max(w.StartDay+w.Days, 0), season))
			}
		}
	}
	if !timed || !(season > 0) {
		return 1, timed
	}
	slices.Sort(cuts)
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		if !(b > a) {
			continue
		}
		mid, f := (a+b)/2, 1.0
		for _, w := range cal.Windows {
			if t, ok := s.Timing[w.ID]; ok && w.Contains(mid) {
				if x, ok := get(t); ok {
					f *= x
				}
			}
		}
		mean += f * (b - a) / season
	}
	return mean, true
}

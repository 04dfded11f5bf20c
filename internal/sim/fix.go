package sim

import (
	"math/rand/v2"
	"strings"

	"github.com/scrutin/scrutin/internal/dist"
	"github.com/scrutin/scrutin/internal/model"
)

// fixed is a distribution held at a value. It still draws from the
// distribution it replaces, so that a run with an input held fixed sees the
// same random numbers everywhere else (common random numbers).
type fixed struct {
	d dist.Dist
	v float64
}

func (f fixed) Sample(r *rand.Rand) float64 { f.d.Sample(r); return f.v }
func (f fixed) Mean() float64               { return f.v }
func (f fixed) Variance() float64           { return 0 }
func (f fixed) CDF(x float64) float64 {
	if x < f.v {
		return 0
	}
	return 1
}
func (f fixed) Quantile(float64) float64 { return f.v }

// fix applies the fixes to the compiled engine.
func (e *engine) fix(m *model.Model, fixes []Fix) error {
	for _, f := range fixes {
		if f.Scenario == "" {
			if err := e.fixActor(m, f); err != nil {
				return err
			}
			continue
		}
		i := e.scenarioIndex(f.Scenario)
		if i < 0 {
			return model.Errorf(model.EINVALID, "fix: unknown scenario %q", f.Scenario)
		}
		s := &e.scenarios[i]
		if id, ok := strings.CutPrefix(f.Param, ParamHarmPrefix); ok {
			if err := s.fixHarm(m, id, f.Value); err != nil {
				return err
			}
			continue
		}
		var target *dist.Dist
		switch f.Param {
		case ParamFrequency:
			target = &s.freq
		case ParamVulnerability:
			target = &s.vuln
		case ParamResistance:
			target = &s.resistance
		case ParamCapability:
			target = &s.capability
		case ParamMagnitude:
			target = &s.magnitude
		case ParamSecondaryProbability:
			target = &s.secProb
		case ParamSecondaryMagnitude:
			target = &s.secMag
		default:
			return model.Errorf(model.EINVALID, "fix: scenario %q has no input %q", f.Scenario, f.Param)
		}
		if *target == nil {
			return model.Errorf(model.EINVALID, "fix: scenario %q has no %s", f.Scenario, f.Param)
		}
		*target = fixed{d: *target, v: f.Value}
	}
	return nil
}

// fixHarm holds the harm of s in dimension id at v for every loss event.
// The harm keeps its own stream, which it still consumes.
func (s *scenario) fixHarm(m *model.Model, id string, v float64) error {
	for j := range s.harms {
		if m.Harms[s.harms[j].dim].ID == id {
			s.harms[j].d = fixed{d: s.harms[j].d, v: v}
			return nil
		}
	}
	return model.Errorf(model.EINVALID, "fix: scenario %q draws no harm %q", s.id, id)
}

func (e *engine) fixActor(m *model.Model, f Fix) error {
	ai := -1
	for i, a := range m.Actors {
		if a.ID == f.Actor {
			ai = i
		}
	}
	if ai < 0 {
		return model.Errorf(model.EINVALID, "fix: unknown actor %q", f.Actor)
	}
	switch f.Param {
	case ParamActivity:
		a := &e.actors[ai]
		if a.activity == nil {
			a.activity = dist.Constant(1)
		}
		a.activity = fixed{d: a.activity, v: f.Value}
	case ParamCapability:
		// The actor's capability serves the FAIR scenarios that have none.
		n := 0
		for i := range e.scenarios {
			s := &e.scenarios[i]
			ms := m.ScenarioByID(s.id)
			if s.actor == ai && ms != nil && ms.Vulnerability.Resistance != nil && ms.Vulnerability.Capability == nil {
				s.capability = fixed{d: s.capability, v: f.Value}
				n++
			}
		}
		if n == 0 {
			return model.Errorf(model.EINVALID, "fix: no scenario uses the capability of actor %q", f.Actor)
		}
	default:
		return model.Errorf(model.EINVALID, "fix: actor %q has no input %q", f.Actor, f.Param)
	}
	return nil
}

func (e *engine) scenarioIndex(id string) int {
	for i := range e.scenarios {
		if e.scenarios[i].id == id {
			return i
		}
	}
	return -1
}

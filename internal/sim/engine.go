package sim

import (
	"fmt"
	"math"

	"github.com/scrutin/scrutin/internal/adtree"
	"github.com/scrutin/scrutin/internal/dist"
	"github.com/scrutin/scrutin/internal/model"
)

// engine is a model compiled for simulation with a given set of controls
// in force.
type engine struct {
	actors    []actor
	scenarios []scenario
	tolerance []float64 // losses of the tolerance curve, for exact exceedance counts
	layout    *layout   // nil: the model has no harms and no timing
	dense     bool      // workers' sketches use dense stores (partials)
}

type actor struct {
	key      uint64
	activity dist.Dist // nil: the constant 1
}

type scenario struct {
	id    string
	key   uint64
	actor int // index into engine.actors, or -1

	freq       dist.Dist
	vuln       dist.Dist // P(loss | threat event); nil for FAIR
	capability dist.Dist // FAIR: per-event capability
	resistance dist.Dist // FAIR: per-year resistance strength
	magnitude  dist.Dist
	secProb    dist.Dist // nil without secondary loss
	secMag     dist.Dist

	// products of the multipliers of the controls in force
	mFreq, mVuln, mMag, mSecProb, mSecMag float64

	// Harms and the calendar (DESIGN.md section 10): harm slots in the
	// order of the model's harms; with timing, the stream key of the
	// event times, the season's length, every calendar
	// window as [from, to) and those the timing multiplies.
	harms   []harmDraw
	timeKey uint64
	season  float64
	windows [][2]float64
	timed   []timedWindow
}

// compile builds the engine for m with the controls in inForce.
func compile(m *model.Model, seed uint64, inForce []string) (*engine, error) {
	e := &engine{}
	actorIndex := map[string]int{}
	for i, a := range m.Actors {
		actorIndex[a.ID] = i
		ca := actor{key: streamKey(seed, "actor", a.ActivityKey())}
		if a.Activity != nil && !(a.Activity.Kind == model.Constant && a.Activity.Params[0] == 1) {
			d, err := dist.New(*a.Activity, model.NonNegative)
			if err != nil {
				return nil, fmt.Errorf("actor %q: activity: %w", a.ID, err)
			}
			ca.activity = d
		}
		e.actors = append(e.actors, ca)
	}
	for _, t := range m.Tolerance {
		e.tolerance = append(e.tolerance, t.Loss)
	}
	trees := treeProbabilities{m: m, inForce: inForce, cache: map[string]float64{}}
	for i := range m.Scenarios {
		s, err := compileScenario(m, &m.Scenarios[i], seed, actorIndex, &trees)
		if err != nil {
			return nil, fmt.Errorf("scenario %q: %w", m.Scenarios[i].ID, err)
		}
		e.scenarios = append(e.scenarios, s)
	}
	e.layout = newLayout(m, e.scenarios)
	index := map[string]int{}
	for i, s := range e.scenarios {
		index[s.id] = i
	}
	for _, id := range inForce {
		c := m.ControlByID(id)
		if c == nil {
			return nil, model.Errorf(model.EINVALID, "unknown control %q", id)
		}
		for _, eff := range c.Effects {
			i, ok := index[eff.Scenario]
			if !ok {
				return nil, model.Errorf(model.EINVALID, "control %q: unknown scenario %q", id, eff.Scenario)
			}
			s := &e.scenarios[i]
			mul(&s.mFreq, eff.Frequency)
			mul(&s.mVuln, eff.Vulnerability)
			mul(&s.mMag, eff.Magnitude)
			mul(&s.mSecProb, eff.SecondaryProbability)
			mul(&s.mSecMag, eff.SecondaryMagnitude)
			s.applyHarmEffect(m, eff)
		}
		if c.IsAudit() {
			for i := range m.Scenarios {
				e.scenarios[i].mVuln *= m.AuditEscape(c, &m.Scenarios[i])
			}
		}
	}
	return e, nil
}

func mul(dst *float64, f *float64) {
	if f != nil {
		*dst *= *f
	}
}

// treeProbabilities computes, once per tree and attacker skill, the
// success probability of a tree's goal with the controls in force.
type treeProbabilities struct {
	m       *model.Model
	inForce []string
	cache   map[string]float64
}

func (tp *treeProbabilities) get(id string, skill *float64) (float64, error) {
	key := id
	var maxSkill float64
	if skill != nil {
		maxSkill = *skill
		key = fmt.Sprintf("%s@%g", id, maxSkill)
	}
	if p, ok := tp.cache[key]; ok {
		return p, nil
	}
	mt := tp.m.TreeByID(id)
	if mt == nil {
		return 0, fmt.Errorf("unknown tree %q", id)
	}
	on := map[string]bool{}
	for _, c := range tp.inForce {
		on[c] = true
	}
	p, err := adtree.SuccessProbability(adtree.FromModelIn(tp.m, mt), adtree.Context{
		InForce:  func(c string) bool { return on[c] },
		MaxSkill: maxSkill,
	})
	if err != nil {
		return 0, err
	}
	tp.cache[key] = p
	return p, nil
}

func compileScenario(m *model.Model, ms *model.Scenario, seed uint64, actorIndex map[string]int, trees *treeProbabilities) (scenario, error) {
	s := scenario{id: ms.ID, key: streamKey(seed, "scenario", ms.ID), actor: -1,
		mFreq: 1, mVuln: 1, mMag: 1, mSecProb: 1, mSecMag: 1}
	if i, ok := actorIndex[ms.Actor]; ok {
		s.actor = i
	}
	var err error
	build := func(what string, d *model.Dist, dom model.Domain) dist.Dist {
		if err != nil || d == nil {
			return nil
		}
		var out dist.Dist
		out, err = dist.New(*d, dom)
		if err != nil {
			err = fmt.Errorf("%s: %w", what, err)
		}
		return out
	}
	s.freq = build("frequency", &ms.Frequency, model.NonNegative)
	v := ms.Vulnerability
	switch {
	case v.Prob != nil:
		s.vuln = build("vulnerability", v.Prob, model.Probability)
	case v.Tree != "":
		var skill *float64
		if a := m.ActorByID(ms.Actor); a != nil {
			skill = a.Skill
		}
		p, err := trees.get(v.Tree, skill)
		if err != nil {
			return s, fmt.Errorf("vulnerability: %w", err)
		}
		s.vuln = dist.Constant(p)
	case v.Resistance != nil:
		s.resistance = build("vulnerability.resistance", v.Resistance, model.Probability)
		capability := v.Capability
		if capability == nil {
			if a := m.ActorByID(ms.Actor); a != nil {
				capability = a.Capability
			}
		}
		if capability == nil && err == nil {
			return s, fmt.Errorf("vulnerability: a resistance needs a capability")
		}
		s.capability = build("vulnerability.capability", capability, model.Probability)
	default:
		return s, fmt.Errorf("vulnerability is missing")
	}
	s.magnitude = build("magnitude", &ms.Magnitude, model.NonNegative)
	if ms.Secondary != nil {
		s.secProb = build("secondary.probability", &ms.Secondary.Probability, model.Probability)
		s.secMag = build("secondary.magnitude", &ms.Secondary.Magnitude, model.NonNegative)
	}
	if err != nil {
		return s, err
	}
	return s, compileHarms(m, ms, &s, seed)
}

// trial simulates one year of scenario s (DESIGN.md section 2, "What one
// simulated year means") from its stream st, already positioned at the
// trial; activity is the year's activity of the scenario's actor. It
// returns the year's loss and number of loss events.
func (s *scenario) trial(st stream, activity float64) (loss float64, events int64) {
	rate, secP := s.params(st, activity)
	n := dist.Poisson(st.Rand, rate)
	if n > MaxLossEvents {
		return math.Inf(1), n // refused by the caller
	}
	for range n {
		loss += s.magnitude.Sample(st.Rand) * s.mMag
		if secP > 0 && st.Float64() < secP {
			loss += s.secMag.Sample(st.Rand) * s.mSecMag
		}
	}
	return loss, n
}

// params draws the year's uncertain parameters from st and returns the
// rate of loss events and the probability of a secondary loss.
func (s *scenario) params(st stream, activity float64) (rate, secP float64) {
	// Uncertain parameters: drawn once per year, always in this order, so
	// that what-if runs see the same values.
	lambda := s.freq.Sample(st.Rand) * activity * s.mFreq
	var v float64
	if s.vuln != nil {
		v = s.vuln.Sample(st.Rand)
	} else {
		// Each threat event is a loss event when its capability exceeds the
		// year's resistance: a thinning of the Poisson threat events with
		// probability P(capability > resistance).
		v = 1 - s.capability.CDF(s.resistance.Sample(st.Rand))
	}
	v = math.Min(1, v*s.mVuln)
	if s.secProb != nil {
		secP = math.Min(1, s.secProb.Sample(st.Rand)*s.mSecProb)
	}
	return lambda * v, secP
}

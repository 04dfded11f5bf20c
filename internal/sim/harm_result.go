package sim

import "github.com/scrutin/scrutin/internal/model"

// HarmResult is the distribution of an annual harm in one dimension.
type HarmResult struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	// PAny is P(annual harm > 0).
	PAny       float64        `json:"p_any"`
	Quantiles  Quantiles      `json:"quantiles"`
	Exceedance []HarmPoint    `json:"exceedance"`
	Tolerance  *HarmTolerance `json:"tolerance,omitempty"`

	Stats Stats `json:"-"`
}

// HarmPoint is a point of a harm exceedance curve: P(annual harm > Above).
type HarmPoint struct {
	Above       float64 `json:"above"`
	Probability float64 `json:"probability"`
}

// HarmTolerance compares exceedance probabilities of a harm with the
// model's harm_tolerance of that dimension.
type HarmTolerance struct {
	Breached bool                 `json:"breached"`
	Points   []HarmTolerancePoint `json:"points"`
}

// HarmTolerancePoint is P(annual harm > Above) against the acceptable
// Limit.
type HarmTolerancePoint struct {
	Above       float64 `json:"above"`
	Probability float64 `json:"probability"`
	Limit       float64 `json:"limit"`
}

// WindowResult is how often a scenario's loss events fall in a window.
type WindowResult struct {
	// EventsPerYear is the mean number of loss events in the window in a
	// simulated period (one election).
	EventsPerYear float64 `json:"events_per_year"`
	// PAny is P(at least one loss event in the window).
	PAny float64 `json:"p_any"`
	// Multipliers are the model's timing multipliers of the scenario's
	// events in the window (on the loss, on each harm); absent when its
	// timing does not name the window.
	Multipliers *model.Timing `json:"multipliers,omitempty"`
}

// Verdict says which tolerances the run breaches: the money tolerance
// (false when the model has none), each harm dimension's (false when it
// has none), and whether the risk is significant: any breached.
type Verdict struct {
	Money       bool            `json:"money"`
	Harms       map[string]bool `json:"harms"`
	Significant bool            `json:"significant"`
}

// harmResult summarises the harm scope k, compared with tolerance (nil:
// the dimension has none).
func (a *accumulator) harmResult(k int, tolerance []model.HarmTolerancePoint) HarmResult {
	var r HarmResult
	var lec []Point
	r.Mean, r.SD, r.PAny, r.Quantiles, lec, r.Stats = summary(a.moments[k], a.sketches[k])
	// summary gives P(no harm); P(any) is counted, like the tolerance's
	// P(harm > 0), not 1 − P(no harm), which can differ in the last bit.
	if mo := a.moments[k]; mo.N > 0 {
		r.PAny = float64(mo.N-mo.Zeros) / float64(mo.N)
	}
	r.Exceedance = make([]HarmPoint, len(lec))
	for i, p := range lec {
		r.Exceedance[i] = HarmPoint{Above: p.Loss, Probability: p.Probability}
	}
	if len(tolerance) > 0 {
		r.Tolerance = &HarmTolerance{Points: []HarmTolerancePoint{}}
		for i, t := range tolerance {
			pr := r.Stats.ToleranceExceedance[i]
			r.Tolerance.Points = append(r.Tolerance.Points, HarmTolerancePoint{Above: t.Above, Probability: pr, Limit: t.Probability})
			if pr > t.Probability {
				r.Tolerance.Breached = true
			}
		}
	}
	return r
}

// harmResults adds the harms, windows and verdict of a run to res.
func (a *accumulator) harmResults(m *model.Model, res *Result) {
	if m.Calendar != nil {
		res.CycleYears = m.Calendar.Cycle()
	}
	l := a.layout
	if l == nil {
		return
	}
	tolerance := make([][]model.HarmTolerancePoint, len(m.Harms))
	for _, ht := range m.HarmTolerance {
		for d, h := range m.Harms {
			if h.ID == ht.Harm {
				tolerance[d] = ht.Points
			}
		}
	}
	n := float64(a.moments[0].N)
	for si := range res.Scenarios {
		ms := &m.Scenarios[si]
		r := &res.Scenarios[si]
		j := 0
		for d, h := range m.Harms {
			if _, ok := ms.Harm[h.ID]; !ok {
				continue
			}
			if r.Harms == nil {
				r.Harms = map[string]HarmResult{}
			}
			r.Harms[h.ID] = a.harmResult(l.harmBase[si]+j, tolerance[d])
			j++
		}
		if b := l.winBase[si]; b >= 0 && n > 0 {
			r.Windows = map[string]WindowResult{}
			for w, win := range m.Calendar.Windows {
				c := a.windows[b+w]
				wr := WindowResult{EventsPerYear: float64(c.Events) / n, PAny: float64(c.Trials) / n}
				if t, ok := ms.Timing[win.ID]; ok {
					wr.Multipliers = &t
				}
				r.Windows[win.ID] = wr
			}
		}
	}
	if len(m.Harms) == 0 {
		return
	}
	res.Portfolio.Harms = map[string]HarmResult{}
	v := &Verdict{Harms: map[string]bool{}}
	v.Money = res.Portfolio.Tolerance != nil && res.Portfolio.Tolerance.Breached
	v.Significant = v.Money
	for d, h := range m.Harms {
		hr := a.harmResult(l.portHarm+d, tolerance[d])
		res.Portfolio.Harms[h.ID] = hr
		breached := hr.Tolerance != nil && hr.Tolerance.Breached
		v.Harms[h.ID] = breached
		v.Significant = v.Significant || breached
	}
	res.Verdict = v
}

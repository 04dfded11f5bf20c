package sim

import (
	"fmt"

	"github.com/scrutin/scrutin/internal/dist"
	"github.com/scrutin/scrutin/internal/model"
)

// harmDraw is one harm dimension of a scenario: drawn per loss event on
// its own stream, so that a model's losses do not change when harms are
// added to it (DESIGN.md section 10).
type harmDraw struct {
	dim int    // index into the model's harms
	key uint64 // stream key of (seed, scenario, dimension)
	d   dist.Dist
	mul float64 // product of the multipliers of the controls in force
}

// timedWindow is a calendar window with the multipliers a scenario's
// timing gives the events that fall in it.
type timedWindow struct {
	window   int // index into the calendar's windows
	from, to float64
	mag      float64   // on the event's loss
	harm     []float64 // per harm slot of the scenario
}

// compileHarms adds the harms and timing of ms to s; dims indexes the
// model's harm dimensions.
func compileHarms(m *model.Model, ms *model.Scenario, s *scenario, seed uint64) error {
	for di, h := range m.Harms {
		md, ok := ms.Harm[h.ID]
		if !ok {
			continue
		}
		d, err := dist.New(md, model.NonNegative)
		if err != nil {
			return fmt.Errorf("harm %q: %w", h.ID, err)
		}
		s.harms = append(s.harms, harmDraw{dim: di, key: streamKey(seed, "harm", ms.ID+"\x00"+h.ID), d: d, mul: 1})
	}
	if len(ms.Timing) == 0 || m.Calendar == nil || len(m.Calendar.Windows) == 0 {
		return nil
	}
	s.timeKey = streamKey(seed, "time", ms.ID)
	s.season = m.Calendar.Season()
	for wi, w := range m.Calendar.Windows {
		s.windows = append(s.windows, [2]float64{w.StartDay, w.StartDay + w.Days})
		t, ok := ms.Timing[w.ID]
		if !ok {
			continue
		}
		tw := timedWindow{window: wi, from: w.StartDay, to: w.StartDay + w.Days, mag: 1, harm: make([]float64, len(s.harms))}
		if t.Magnitude != nil {
			tw.mag = *t.Magnitude
		}
		for j, h := range s.harms {
			tw.harm[j] = 1
			if x, ok := t.Harm[m.Harms[h.dim].ID]; ok {
				tw.harm[j] = x
			}
		}
		s.timed = append(s.timed, tw)
	}
	return nil
}

// applyHarmEffect multiplies the harms of s by a control's effect.
func (s *scenario) applyHarmEffect(m *model.Model, eff model.Effect) {
	for j := range s.harms {
		if x, ok := eff.Harm[m.Harms[s.harms[j].dim].ID]; ok {
			s.harms[j].mul *= x
		}
	}
}

// extended reports whether s draws more than the losses of DESIGN.md
// section 2: harms, or event times.
func (s *scenario) extended() bool { return len(s.harms) > 0 || len(s.timed) > 0 }

// aux holds the streams and scratch of the extended draws of one
// goroutine.
type aux struct {
	time    stream
	harm    []stream  // per harm slot
	mult    []float64 // per harm slot: the current event's timing multiplier
	inTrial []int64   // per calendar window: the current trial's events in it
}

func newAux() *aux { return &aux{time: newStream()} }

// fit makes room for the slots and windows of s.
func (a *aux) fit(s *scenario) {
	for len(a.harm) < len(s.harms) {
		a.harm = append(a.harm, newStream())
	}
	if len(a.mult) < len(s.harms) {
		a.mult = make([]float64, len(s.harms))
	}
	if len(a.inTrial) < len(s.windows) {
		a.inTrial = make([]int64, len(s.windows))
	}
}

// windowCount counts, for one scenario and window, the loss events that
// fell in the window and the trials with at least one. Integer counts
// merge in any order.
type windowCount struct {
	Events int64
	Trials int64
}

// year is trial for an extended scenario, at trial t: the same loss
// draws from st, in the same order; the event times from their own
// stream, and each harm from its own. The year's harm per slot is written
// to harm (nil: harms are not drawn), and its events per window added to
// win (nil: not counted). Without timing, the loss is trial's, bit for
// bit.
func (s *scenario) year(st stream, x *aux, t int64, activity float64, harm []float64, win []windowCount) (loss float64, n int64) {
	rate, secP := s.params(st, activity)
	n = dist.Poisson(st.Rand, rate)
	if n > MaxLossEvents {
		return loss, n // refused by the caller
	}
	timed := len(s.timed) > 0
	if timed {
		x.time.at(s.timeKey, t)
		clear(x.inTrial[:len(s.windows)])
	}
	if harm != nil {
		for j := range s.harms {
			x.harm[j].at(s.harms[j].key, t)
			harm[j] = 0
		}
	}
	for range n {
		pm := s.magnitude.Sample(st.Rand) * s.mMag
		var sm float64
		sec := secP > 0 && st.Float64() < secP
		if sec {
			sm = s.secMag.Sample(st.Rand) * s.mSecMag
		}
		if timed {
			day := x.time.Float64() * s.season
			for w, span := range s.windows {
				if day >= span[0] && day < span[1] {
					x.inTrial[w]++
				}
			}
			if harm != nil {
				for j := range s.harms {
					x.mult[j] = 1
				}
			}
			for _, tw := range s.timed {
				if day >= tw.from && day < tw.to {
					pm *= tw.mag
					sm *= tw.mag
					if harm != nil {
						for j, hm := range tw.harm {
							x.mult[j] *= hm
						}
					}
				}
			}
		}
		loss += pm
		if sec {
			loss += sm
		}
		if harm != nil {
			for j := range s.harms {
				h := s.harms[j].d.Sample(x.harm[j].Rand) * s.harms[j].mul
				if timed {
					h *= x.mult[j]
				}
				harm[j] += h
			}
		}
	}
	if timed && win != nil {
		for w, k := range x.inTrial[:len(s.windows)] {
			win[w].Events += k
			if k > 0 {
				win[w].Trials++
			}
		}
	}
	return loss, n
}

// newLayout places the harm and window statistics of m's scenarios, or
// returns nil when there are none (the run is then that of a model
// without harms, bit for bit).
func newLayout(m *model.Model, scenarios []scenario) *layout {
	ext := len(m.Harms) > 0
	for i := range scenarios {
		ext = ext || scenarios[i].extended()
	}
	if !ext {
		return nil
	}
	l := &layout{dims: len(m.Harms)}
	next := len(scenarios) + 1
	for i := range scenarios {
		s := &scenarios[i]
		l.harmBase = append(l.harmBase, next)
		next += len(s.harms)
		l.maxSlots = max(l.maxSlots, len(s.harms))
		if len(s.timed) > 0 {
			l.winBase = append(l.winBase, l.windows)
			l.windows += len(s.windows)
		} else {
			l.winBase = append(l.winBase, -1)
		}
	}
	l.portHarm = next
	l.harmTol = make([][]float64, len(m.Harms))
	for _, ht := range m.HarmTolerance {
		for d, h := range m.Harms {
			if h.ID == ht.Harm {
				for _, p := range ht.Points {
					l.harmTol[d] = append(l.harmTol[d], p.Above)
				}
			}
		}
	}
	return l
}

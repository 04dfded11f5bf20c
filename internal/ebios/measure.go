package ebios

import (
	"context"
	"slices"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

// measures are what the study needs of a simulation with some controls in
// force: for each scenario, which simulated periods have a loss event,
// and the 90th percentile of each dimension's harm over those periods.
type measures struct {
	scales []GravityScale
	lth    []float64
	trials int64
	// struck[s][t] says that scenario s has a loss in period t.
	struck [][]bool
	pAny   []float64
	p90    []map[string]float64
}

// measure simulates each scenario of m with controls in force, on the
// run's streams (sim.Losses, sim.HarmLosses: the same periods as the
// run), and keeps what the study needs.
func measure(ctx context.Context, m *model.Model, opt Options, controls []string) (*measures, error) {
	sopt := sim.Options{Trials: opt.Trials, Seed: opt.Seed, Controls: controls, Workers: opt.Workers}
	ms := &measures{lth: LikelihoodThresholds(m.Ebios), trials: opt.Trials}
	var total []float64
	losses := make([]*sim.ScenarioLosses, len(m.Scenarios))
	for i, s := range m.Scenarios {
		var err error
		if len(m.Harms) > 0 {
			losses[i], err = sim.HarmLosses(ctx, m, sopt, s.ID)
		} else {
			losses[i], err = sim.Losses(ctx, m, sopt, s.ID)
		}
		if err != nil {
			return nil, err
		}
		if total == nil {
			total = make([]float64, len(losses[i].Loss))
		}
		for t, x := range losses[i].Loss {
			total[t] += x
		}
	}
	ms.scales = gravityScales(m, total)
	for i := range m.Scenarios {
		l := losses[i]
		struck := make([]bool, len(l.Loss))
		var n int64
		for t, x := range l.Loss {
			if x > 0 {
				struck[t], n = true, n+1
			}
		}
		p90 := map[string]float64{}
		for _, g := range ms.scales {
			xs := l.Loss
			if g.Dimension != model.EbiosMoney {
				d := slices.IndexFunc(m.Harms, func(h model.Harm) bool { return h.ID == g.Dimension })
				if d < 0 || l.Harm == nil || l.Harm[d] == nil {
					continue // the scenario does not draw this harm
				}
				xs = l.Harm[d]
			}
			var in []float64
			for t, x := range xs {
				if struck[t] {
					in = append(in, x)
				}
			}
			if len(in) > 0 {
				p90[g.Dimension] = sim.Quantile(in, 0.9)
			} else {
				p90[g.Dimension] = 0
			}
		}
		ms.struck = append(ms.struck, struck)
		ms.pAny = append(ms.pAny, float64(n)/float64(len(l.Loss)))
		ms.p90 = append(ms.p90, p90)
	}
	return ms, nil
}

// gravityScales are the dimensions the gravity is judged on: money, and
// each harm with thresholds in the model. Money without thresholds gets
// R/100, R/10 and R, R the largest loss of the tolerance curve, else the
// portfolio's P99 (total: the per-period portfolio losses).
func gravityScales(m *model.Model, total []float64) []GravityScale {
	e := m.Ebios
	money := GravityScale{Dimension: model.EbiosMoney, Name: "money", Unit: m.Currency}
	if t, ok := e.Gravity[model.EbiosMoney]; ok {
		money.Thresholds = t
	} else {
		r := 0.0
		for _, p := range m.Tolerance {
			r = max(r, p.Loss)
		}
		if r == 0 && len(total) > 0 {
			r = sim.Quantile(total, 0.99)
		}
		if r <= 0 {
			r = 1
		}
		money.Thresholds, money.Default = []float64{r / 100, r / 10, r}, true
	}
	out := []GravityScale{money}
	for _, h := range m.Harms {
		if t, ok := e.Gravity[h.ID]; ok {
			out = append(out, GravityScale{Dimension: h.ID, Name: h.Name, Unit: h.Unit, Thresholds: t})
		}
	}
	return out
}

// place is scenario i's placement: likelihood from P(at least one loss
// event), gravity the highest over the dimensions of their P90 (the
// first dimension, in scale order, on a tie).
func (ms *measures) place(i int) (Placement, map[string]float64, string) {
	p := Placement{PAny: ms.pAny[i], Likelihood: LevelOf(ms.pAny[i], ms.lth), Gravity: 1}
	of := model.EbiosMoney
	for _, g := range ms.scales {
		x, ok := ms.p90[i][g.Dimension]
		if !ok {
			continue
		}
		if l := LevelOf(x, g.Thresholds); l > p.Gravity {
			p.Gravity, of = l, g.Dimension
		}
	}
	p.Risk = Level(p.Gravity, p.Likelihood)
	return p, ms.p90[i], of
}

// gravityOn is scenario i's gravity on one dimension (1 when the scenario
// does not draw it).
func (ms *measures) gravityOn(i int, dim string) int {
	for _, g := range ms.scales {
		if g.Dimension == dim {
			if x, ok := ms.p90[i][dim]; ok {
				return LevelOf(x, g.Thresholds)
			}
		}
	}
	return 1
}

// feared computes each feared event's gravity: the highest, on its
// dimension, of the operational scenarios of the strategic scenarios
// that reach it (1 when none does, or its dimension has no scale).
func feared(m *model.Model, ms *measures) map[string]int {
	out := map[string]int{}
	for _, f := range m.Ebios.FearedEvents {
		dim := f.Harm
		if dim == "" {
			dim = model.EbiosMoney
		}
		g := 1
		for _, s := range m.Ebios.Strategic {
			if !slices.Contains(s.FearedEvents, f.ID) {
				continue
			}
			for _, id := range s.Scenarios {
				if i := slices.IndexFunc(m.Scenarios, func(sc model.Scenario) bool { return sc.ID == id }); i >= 0 {
					g = max(g, ms.gravityOn(i, dim))
				}
			}
		}
		out[f.ID] = g
	}
	return out
}

// strategic places a strategic scenario: its gravity is the highest of
// its feared events', its likelihood that of at least one of its
// operational scenarios having a loss, counted period by period.
func (ms *measures) strategic(m *model.Model, s model.StrategicScenario, gravityOf map[string]int) Placement {
	var idx []int
	for _, id := range s.Scenarios {
		if i := slices.IndexFunc(m.Scenarios, func(sc model.Scenario) bool { return sc.ID == id }); i >= 0 {
			idx = append(idx, i)
		}
	}
	var n int64
	for t := range ms.trials {
		for _, i := range idx {
			if ms.struck[i][t] {
				n++
				break
			}
		}
	}
	p := Placement{PAny: float64(n) / float64(ms.trials), Gravity: 1}
	p.Likelihood = LevelOf(p.PAny, ms.lth)
	for _, f := range s.FearedEvents {
		p.Gravity = max(p.Gravity, gravityOf[f])
	}
	p.Risk = Level(p.Gravity, p.Likelihood)
	return p
}

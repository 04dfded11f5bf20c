package plan

import (
	"fmt"
	"slices"

	"github.com/scrutin/scrutin/internal/sim"
)

// result describes the outcome. Its figures are those `scrutin run` gives
// of the same portfolio on the same simulated years, bit for bit
// (sim.FromLosses, sim.Quantile), not the quantized sums the search
// compares.
func (s *solver) result(o outcome) (*Result, error) {
	p, opt := s.p, s.opt
	m := p.m
	n := len(p.cands)
	res := &Result{Model: m.Name, Currency: m.Currency, Trials: opt.Trials, Seed: opt.Seed, Horizon: opt.Horizon,
		Budget: opt.Budget, Objective: opt.Objective, Exact: o.exact, Nodes: o.nodes, Note: o.note,
		Implemented: []string{}, Candidates: []string{}, FrontierExact: o.frontierExact}
	if o.exact {
		res.Method = fmt.Sprintf("exact (branch and bound, %d nodes)", o.nodes)
	} else {
		res.Method = "heuristic (greedy + local search)"
	}
	for _, c := range m.Controls {
		if p.implemented[c.ID] {
			res.Implemented = append(res.Implemented, c.ID)
		}
	}
	for _, c := range p.cands {
		res.Candidates = append(res.Candidates, c.id)
	}
	chosen := o.chosen.sel
	res.Selected = p.ids(chosen)
	res.Cost = p.cost(chosen)
	cycle := 1.0 // a simulated trial is one year, unless the model has a calendar
	if m.Calendar != nil {
		cycle = m.Calendar.Cycle()
		res.CycleYears, res.CostPerElection = cycle, res.Cost*cycle
	}

	// The implemented-only and chosen portfolios need per-trial losses
	// (their quantiles and tolerance counts): everything about them is
	// computed from one request, before any other can evict them. Every
	// other portfolio is then described from a request of its own, so that
	// the memory limit holds.
	base := make([]bool, n)
	bm, cm := p.masks(base), p.masks(chosen)
	if err := s.c.need(append(s.configs(bm), s.configs(cm)...), true); err != nil {
		return nil, err
	}
	before, err := s.run(base)
	if err != nil {
		return nil, err
	}
	after, err := s.run(chosen)
	if err != nil {
		return nil, err
	}
	res.Baseline = riskOf(before.Portfolio.Mean, before.Portfolio.Quantiles)
	res.Residual = riskOf(after.Portfolio.Mean, after.Portfolio.Quantiles)
	res.Reduction = res.Baseline.Mean - res.Residual.Mean
	res.ObjectiveReduction = s.objectiveOf(res.Baseline) - s.objectiveOf(res.Residual)
	res.ROSI = rosi(res.Reduction, res.Cost*cycle)
	res.Significance = s.significance(before, after)
	if d := p.harm; d >= 0 {
		h := m.Harms[d]
		res.ObjectiveUnit = h.Unit
		res.ObjectiveReduction = s.harmObjectiveOf(harmRiskOf(before.Portfolio.Harms[h.ID])) -
			s.harmObjectiveOf(harmRiskOf(after.Portfolio.Harms[h.ID]))
	}

	for ci, c := range p.cands {
		rc := Control{ID: c.id, Name: c.name, Selected: chosen[ci], Cost: c.cost, Once: c.once, Yearly: c.yearly, Scenarios: []string{}}
		for _, si := range c.scen {
			rc.Scenarios = append(rc.Scenarios, p.scens[si].id)
		}
		toggled := slices.Clone(chosen)
		toggled[ci] = !chosen[ci]
		var err error
		if rc.Objective, rc.Mean, err = s.describe(toggled); err != nil {
			return nil, err
		}
		if rc.Selected {
			rc.Reduction = rc.Mean - res.Residual.Mean
		} else {
			rc.Reduction = res.Residual.Mean - rc.Mean
		}
		if m.Calendar != nil {
			rc.CostPerElection = rc.Cost * cycle
		}
		rc.ROSI = rosi(rc.Reduction, rc.Cost*cycle)
		res.Controls = append(res.Controls, rc)
	}

	res.Frontier = []FrontierPoint{}
	for _, f := range o.frontier {
		obj, mean, err := s.describe(f.sel)
		if err != nil {
			return nil, err
		}
		res.Frontier = append(res.Frontier, FrontierPoint{Cost: f.cost, Objective: obj, Mean: mean,
			Controls: p.ids(f.sel), Chosen: slices.Equal(f.sel, chosen)})
	}
	res.Simulations = s.c.sims
	return res, nil
}

// cost is what the controls cost against the loss reduced: per year, or
// per election (annualised cost × cycle_years) for a model with a
// calendar.
func rosi(reduction, cost float64) *float64 {
	if cost <= 0 {
		return nil
	}
	r := (reduction - cost) / cost
	return &r
}

// totals are the per-trial portfolio losses under masks, summed in
// float64 in model order, as sim.Run sums them.
func (s *solver) totals(masks []uint64) []float64 {
	out := make([]float64, s.p.trials)
	for si, m := range masks {
		for t, x := range s.c.entries[si][m].vec {
			out[t] += x
		}
	}
	return out
}

// run is the result of sim.Run with the portfolio sel in force, computed
// from the cache's per-trial losses (which it asks for); for a model with
// harm dimensions, by sim.Run itself, which gives the harms too (the
// cache keeps at most one dimension's per-trial harms).
func (s *solver) run(sel []bool) (*sim.Result, error) {
	p := s.p
	if p.harms {
		return sim.Run(s.ctx, p.m, sim.Options{Trials: p.trials, Seed: s.opt.Seed, Controls: p.inForce(sel), Workers: s.workers})
	}
	masks := p.masks(sel)
	if err := s.c.need(s.configs(masks), true); err != nil {
		return nil, err
	}
	losses := make([][]float64, len(masks))
	events := make([]int64, len(masks))
	for si, m := range masks {
		e := s.c.entries[si][m]
		losses[si], events[si] = e.vec, e.events
	}
	return sim.FromLosses(p.m, sim.Options{Trials: p.trials, Seed: s.opt.Seed, Controls: p.inForce(sel)}, losses, events)
}

// mean is the exact mean annual loss under masks: the sum of the
// scenarios' exact means, in model order.
func (s *solver) mean(masks []uint64) float64 {
	var v float64
	for si, m := range masks {
		v += s.c.entries[si][m].money
	}
	return v
}

// riskOf sums up a run's figures of one scope.
func riskOf(mean float64, q sim.Quantiles) Risk {
	return Risk{Mean: mean, P90: q.P90, P95: q.P95, P99: q.P99}
}

// describe returns the objective of sel in the model's currency (or the
// harm's unit) and its mean annual loss, as a run with sel in force gives
// them.
func (s *solver) describe(sel []bool) (objective, mean float64, err error) {
	masks := s.p.masks(sel)
	harm := s.p.harm >= 0
	if err := s.c.need(s.configs(masks), s.p.q > 0 || harm); err != nil {
		return 0, 0, err
	}
	mean = s.mean(masks)
	switch {
	case s.p.q > 0:
		return sim.Quantile(s.totals(masks), s.p.q), mean, nil
	case harm:
		return runMean(s.totals(masks)), mean, nil
	}
	return mean, mean, nil
}

// runMean is the mean of the per-trial portfolio values xs as a run
// computes a portfolio harm's: block sums (sim.BlockSize trials) added in
// trial order, over the trials; the same bits.
func runMean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var sum float64
	for first := 0; first < len(xs); first += sim.BlockSize {
		var b float64
		for _, x := range xs[first:min(first+sim.BlockSize, len(xs))] {
			b += x
		}
		sum += b
	}
	return sum / float64(len(xs))
}

// harmObjectiveOf is the objective's statistic of a harm.
func (s *solver) harmObjectiveOf(r HarmRisk) float64 {
	return s.objectiveOf(Risk{Mean: r.Mean, P90: r.P90, P95: r.P95, P99: r.P99})
}

func (s *solver) objectiveOf(r Risk) float64 {
	switch quantileOf(s.opt.Objective) {
	case 0.90:
		return r.P90
	case 0.95:
		return r.P95
	case 0.99:
		return r.P99
	}
	return r.Mean
}

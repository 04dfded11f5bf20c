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
	res.ROSI = rosi(res.Reduction, res.Cost)
	res.Significance = s.significance(before, after)

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
		rc.ROSI = rosi(rc.Reduction, rc.Cost)
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
// from the cache's per-trial losses (which it asks for).
func (s *solver) run(sel []bool) (*sim.Result, error) {
	p := s.p
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
		v += s.c.entries[si][m].mean
	}
	return v
}

// riskOf sums up a run's figures of one scope.
func riskOf(mean float64, q sim.Quantiles) Risk {
	return Risk{Mean: mean, P90: q.P90, P95: q.P95, P99: q.P99}
}

// describe returns the objective of sel in the model's currency and its
// mean annual loss, as a run with sel in force gives them.
func (s *solver) describe(sel []bool) (objective, mean float64, err error) {
	masks := s.p.masks(sel)
	if err := s.c.need(s.configs(masks), s.p.q > 0); err != nil {
		return 0, 0, err
	}
	mean = s.mean(masks)
	if s.p.q == 0 {
		return mean, mean, nil
	}
	return sim.Quantile(s.totals(masks), s.p.q), mean, nil
}

func (s *solver) objectiveOf(r Risk) float64 {
	switch s.opt.Objective {
	case ObjectiveP90:
		return r.P90
	case ObjectiveP95:
		return r.P95
	case ObjectiveP99:
		return r.P99
	}
	return r.Mean
}

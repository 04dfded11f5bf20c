package plan

import (
	"fmt"
	"slices"
)

// result describes the outcome: figures are recomputed exactly from the
// simulated years (per-trial sums in float64, in model order), not from
// the quantized sums the search compares.
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
	baseTotals, chosenTotals := s.totals(bm), s.totals(cm)
	res.Baseline = s.risk(bm, baseTotals)
	res.Residual = s.risk(cm, chosenTotals)
	res.Reduction = res.Baseline.Mean - res.Residual.Mean
	res.ObjectiveReduction = s.objectiveOf(res.Baseline) - s.objectiveOf(res.Residual)
	res.ROSI = rosi(res.Reduction, res.Cost)
	res.Significance = s.significance(bm, cm, baseTotals, chosenTotals, res.Baseline, res.Residual)

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
// float64 in model order.
func (s *solver) totals(masks []uint64) []float64 {
	out := make([]float64, s.p.trials)
	for si, m := range masks {
		for t, x := range s.c.entries[si][m].vec {
			out[t] += float64(x)
		}
	}
	return out
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

// risk sums up the portfolio's annual loss under masks.
func (s *solver) risk(masks []uint64, totals []float64) Risk {
	r := Risk{Mean: s.mean(masks)}
	r.P90, r.P95, r.P99 = quantiles(totals)
	return r
}

// quantiles returns the order statistics P90, P95 and P99 of xs, which it
// reorders.
func quantiles[T float32 | float64](xs []T) (p90, p95, p99 float64) {
	n := len(xs)
	// Largest rank first: each selection leaves the smaller ones in front.
	k99, k95, k90 := rank(0.99, n), rank(0.95, n), rank(0.90, n)
	p99 = float64(kth(xs, k99))
	p95 = float64(kth(xs[:k99], k95))
	p90 = float64(kth(xs[:k95], k90))
	return
}

// describe returns the objective of sel in the model's currency, exact,
// and its mean annual loss.
func (s *solver) describe(sel []bool) (objective, mean float64, err error) {
	masks := s.p.masks(sel)
	if err := s.c.need(s.configs(masks), s.p.q > 0); err != nil {
		return 0, 0, err
	}
	mean = s.mean(masks)
	if s.p.q == 0 {
		return mean, mean, nil
	}
	t := s.totals(masks)
	return float64(kth(t, rank(s.p.q, len(t)))), mean, nil
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

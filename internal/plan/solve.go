package plan

import (
	"context"
	"fmt"
	"math"
	"runtime"

	"github.com/scrutin/scrutin/internal/model"
)

// solver runs one Optimize.
type solver struct {
	ctx     context.Context
	p       *problem
	opt     Options
	c       *cache
	z       quantizer
	workers int
}

func newSolver(ctx context.Context, p *problem, opt Options) *solver {
	w := opt.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return &solver{ctx: ctx, p: p, opt: opt, c: newCache(ctx, p, opt), workers: w}
}

// outcome is what the search found.
type outcome struct {
	chosen        portfolio
	exact         bool
	nodes         int64
	note          string
	frontier      []portfolio
	frontierExact bool
}

func (s *solver) solve() (*Result, error) {
	p := s.p
	if err := s.fits(); err != nil {
		return nil, err
	}
	// The implemented-only portfolio, with its per-trial losses: reported,
	// and the quantizer's scale.
	if err := s.c.need(s.configs(make([]uint64, len(p.scens))), true); err != nil {
		return nil, err
	}
	maxLoss := 0.0
	for si := range p.scens {
		for _, x := range s.c.entries[si][0].vec {
			maxLoss = max(maxLoss, float64(x))
		}
	}
	s.z = newQuantizer(maxLoss, len(p.scens))

	out, err := s.search()
	if err != nil {
		return nil, err
	}
	return s.result(out)
}

// fits refuses a run whose per-trial losses for one portfolio (what a
// report needs at the least) exceed the memory limit.
func (s *solver) fits() error {
	need := int64(len(s.p.scens)) * s.p.trials * 4
	if need > s.opt.MemoryLimit {
		return model.Errorf(model.EINVALID, "planning keeps every simulated year: %d scenarios × %d trials need %s, more than the %s allowed; use fewer trials",
			len(s.p.scens), s.p.trials, mib(need), mib(s.opt.MemoryLimit))
	}
	return nil
}

// exactPossible says whether an exact plan is within the limits, and why
// not.
func (s *solver) exactPossible() (bool, string) {
	p, opt := s.p, s.opt
	n := len(p.cands)
	if n > opt.ExactLimit {
		return false, fmt.Sprintf("%d candidate controls: more than the %d solved exactly", n, opt.ExactLimit)
	}
	configs := p.configs(opt.ExactConfigs)
	if configs > opt.ExactConfigs {
		return false, fmt.Sprintf("an exact plan would simulate more than %d scenario configurations", opt.ExactConfigs)
	}
	if p.q > 0 {
		if bytes := int64(configs) * p.trials * 4; bytes > opt.MemoryLimit {
			return false, fmt.Sprintf("an exact plan would keep %s of simulated losses, more than the %s allowed",
				mib(bytes), mib(opt.MemoryLimit))
		}
	}
	return true, ""
}

// configs lists the configuration of every scenario under masks.
func (s *solver) configs(masks []uint64) []config {
	out := make([]config, len(masks))
	for si, m := range masks {
		out[si] = config{si, m}
	}
	return out
}

// allConfigs lists every configuration of every scenario.
func (s *solver) allConfigs() []config {
	var out []config
	for si, sc := range s.p.scens {
		for m := uint64(0); m < 1<<len(sc.ctrl); m++ {
			out = append(out, config{si, m})
		}
	}
	return out
}

func (s *solver) search() (outcome, error) {
	p, opt := s.p, s.opt
	var o outcome
	exact, note := s.exactPossible()
	o.exact, o.note = exact, note
	if exact {
		// Everything an exact plan may look at, simulated at once on all
		// cores.
		if err := s.c.need(s.allConfigs(), p.q > 0); err != nil {
			return o, err
		}
	}
	var inner objective
	if p.q == 0 {
		inner = &meanObjective{p: p, c: s.c}
	} else {
		inner = newQuantileObjective(p, s.c, s.z, s.workers, opt.MemoryLimit)
	}
	obj := &memoObjective{objective: inner, p: p, memo: map[string]float64{}}

	switch {
	case exact && p.q == 0:
		tables := s.tables()
		front, err := p.enumerate(s.ctx, tables)
		if err != nil {
			return o, err
		}
		o.frontier, o.frontierExact = front, true
		inc, err := p.heuristic(obj, opt.Budget)
		if err != nil {
			return o, err
		}
		order, err := s.order(obj)
		if err != nil {
			return o, err
		}
		o.chosen, o.nodes, err = p.branchAndBound(s.ctx, newMeanBounder(tables), opt.Budget, order, inc)
		if err != nil {
			return o, err
		}
	case exact:
		order, err := s.order(obj)
		if err != nil {
			return o, err
		}
		memo := opt.MemoryLimit - s.c.vecBytes
		b := newQuantileBounder(s.c, s.z, rank(p.q, int(p.trials)), int(p.trials), max(memo, opt.MemoryLimit/4))
		var sols []portfolio
		var prev []bool
		for _, budget := range p.ladder(opt.Levels, opt.Budget) {
			inc, err := p.heuristic(obj, budget, prev)
			if err != nil {
				return o, err
			}
			sol, nodes, err := p.branchAndBound(s.ctx, b, budget, order, inc)
			if err != nil {
				return o, err
			}
			if budget == opt.Budget {
				o.chosen, o.nodes = sol, nodes
			}
			sols = append(sols, sol)
			prev = sol.sel
		}
		o.frontier = p.nonDominated(sols)
	default:
		var sols []portfolio
		var prev []bool
		for _, budget := range p.ladder(opt.Levels, opt.Budget) {
			sol, err := p.heuristic(obj, budget, prev)
			if err != nil {
				return o, err
			}
			sols = append(sols, sol)
			prev = sol.sel
		}
		// A lower budget's solution may beat the heuristic at the user's.
		o.chosen = p.bestWithin(sols, opt.Budget)
		o.frontier = p.nonDominated(sols)
	}
	return o, nil
}

// bestWithin is the best of ps (problem.compare order) that costs at most
// budget; ps holds at least one such portfolio.
func (p *problem) bestWithin(ps []portfolio, budget float64) portfolio {
	var best *portfolio
	for i := range ps {
		q := &ps[i]
		if q.cost <= budget && (best == nil || p.compare(q, best) < 0) {
			best = q
		}
	}
	return *best
}

// tables returns each scenario's mean in each configuration, which must
// all be in the cache.
func (s *solver) tables() [][]float64 {
	out := make([][]float64, len(s.p.scens))
	for si, sc := range s.p.scens {
		t := make([]float64, 1<<len(sc.ctrl))
		for m := range t {
			t[m] = s.c.entries[si][uint64(m)].mean
		}
		out[si] = t
	}
	return out
}

// order is the branching order: by the objective's reduction with each
// candidate alone.
func (s *solver) order(obj objective) ([]int, error) {
	n := len(s.p.cands)
	if err := obj.set(make([]bool, n)); err != nil {
		return nil, err
	}
	moves := make([]move, n)
	for ci := range moves {
		moves[ci] = move{ci, -1}
	}
	vals, err := obj.evaluate(moves, math.Inf(1))
	if err != nil {
		return nil, err
	}
	gains := make([]float64, n)
	for ci, v := range vals {
		gains[ci] = obj.value() - v
		if math.IsNaN(gains[ci]) {
			gains[ci] = 0
		}
	}
	return s.p.branchOrder(gains), nil
}

// mib formats a number of bytes in MiB.
func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

package plan

import (
	"context"
	"slices"

	"github.com/scrutin/scrutin/internal/model"
)

// Evaluator evaluates portfolios of a model's proposed controls on common
// random numbers: every portfolio sees the same simulated years, and each
// (scenario, configuration) is simulated once and remembered (per-trial
// losses within opt.MemoryLimit), so evaluating many portfolios costs
// little more than simulating the configurations they use.
type Evaluator struct {
	s *solver
}

// NewEvaluator prepares the evaluation of portfolios of m (valid, as
// model.Decode returns it) under opt: Trials, Seed, Horizon, Workers,
// MemoryLimit and Progress apply; the budget and objective do not.
func NewEvaluator(ctx context.Context, m *model.Model, opt Options) (*Evaluator, error) {
	opt.Objective = ObjectiveMean
	opt, err := normalise(opt)
	if err != nil {
		return nil, err
	}
	p, err := newProblem(m, opt)
	if err != nil {
		return nil, err
	}
	s := newSolver(ctx, p, opt)
	if err := s.fits(); err != nil {
		return nil, err
	}
	return &Evaluator{s: s}, nil
}

// Evaluate returns the annual loss with the implemented controls and the
// proposed controls selected in force, and the selection's annualised
// cost: the figures sim.Run gives with those controls, bit for bit.
func (e *Evaluator) Evaluate(selected []string) (Risk, float64, error) {
	sel, err := e.selection(selected)
	if err != nil {
		return Risk{}, 0, err
	}
	res, err := e.s.run(sel)
	if err != nil {
		return Risk{}, 0, err
	}
	return riskOf(res.Portfolio.Mean, res.Portfolio.Quantiles), e.s.p.cost(sel), nil
}

// Mean returns the mean annual loss of a portfolio; it keeps no per-trial
// losses.
func (e *Evaluator) Mean(selected []string) (float64, error) {
	sel, err := e.selection(selected)
	if err != nil {
		return 0, err
	}
	masks := e.s.p.masks(sel)
	if err := e.s.c.need(e.s.configs(masks), false); err != nil {
		return 0, err
	}
	return e.s.mean(masks), nil
}

// Simulations is the number of (scenario, configuration) pairs simulated
// so far.
func (e *Evaluator) Simulations() int { return e.s.c.sims }

func (e *Evaluator) selection(ids []string) ([]bool, error) {
	p := e.s.p
	sel := make([]bool, len(p.cands))
	for _, id := range ids {
		i := slices.IndexFunc(p.cands, func(c candidate) bool { return c.id == id })
		switch {
		case i >= 0:
			sel[i] = true
		case p.implemented[id]:
			// In force anyway.
		default:
			return nil, model.Errorf(model.EINVALID, "unknown control %q", id)
		}
	}
	return sel, nil
}

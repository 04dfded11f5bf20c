// Package plan chooses mitigation: which of a model's proposed controls to
// put in force for a yearly budget, the efficient frontier of cost against
// residual risk, each control's return on security investment, and whether
// the risk that remains is significant (DESIGN.md section 5).
//
// Portfolios are compared on common random numbers: every (seed, scenario,
// trial) has its own random stream (package sim), so a scenario's annual
// loss in a trial depends only on the controls that act on that scenario,
// and a portfolio's loss in a trial is the sum of its scenarios' losses in
// that trial. A scenario s is acted on by the candidate controls C_s (those
// whose effects name it, plus those linked to defences of its attack tree
// when its vulnerability comes from one); a portfolio P puts scenario s in
// configuration P ∩ C_s. Each distinct (scenario, configuration) is
// simulated once, with sim.Losses, and portfolios are evaluated by
// combining them; see Optimize for the algorithms.
//
// Memory. A simulated configuration costs a few dozen bytes for its exact
// mean; its per-trial losses, 4 bytes a trial, are kept only when needed —
// for a quantile objective, and for the portfolios a report describes —
// and within Options.MemoryLimit (least recently used ones dropped and
// simulated again if needed). For the mean, a plan thus keeps two
// portfolios' losses (2 × scenarios × 4 bytes a trial) plus those in
// flight (workers × 4 bytes a trial); the exact frontier enumerates 2ⁿ
// portfolios at 24 bytes each (24 MiB for 20 candidates). For a quantile,
// the search adds 16 bytes a trial for the current portfolio's totals, the
// difference vectors of the candidates (8 bytes a trial each, only within
// a quarter of the limit), and, when exact, per-scenario minima for the
// bounds (within what the limit leaves, at least a quarter of it). A plan
// whose one portfolio's losses exceed the limit is refused.
package plan

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/scrutin/scrutin/internal/model"
)

// Objectives: what the plan minimises.
const (
	ObjectiveMean = "mean" // mean annual loss
	ObjectiveP90  = "p90"  // 90th percentile of the annual loss
	ObjectiveP95  = "p95"
	ObjectiveP99  = "p99"
)

// Objectives lists the valid objectives.
var Objectives = []string{ObjectiveMean, ObjectiveP90, ObjectiveP95, ObjectiveP99}

// Defaults of Options.
const (
	DefaultHorizon      = 3.0     // years over which one-off costs are spread
	DefaultExactLimit   = 20      // most candidate controls solved exactly
	DefaultExactConfigs = 1 << 12 // most (scenario, configuration) pairs simulated for an exact solution
	DefaultLevels       = 16      // budgets on the ladder of a heuristic frontier, besides the user's
	DefaultMemoryLimit  = 1 << 30 // bytes of per-trial loss vectors kept in memory

	// maxExactLimit bounds ExactLimit: the exact frontier of the mean
	// enumerates 2ⁿ portfolios at 24 bytes each (384 MiB for 24).
	maxExactLimit = 24
)

// Options control Optimize.
type Options struct {
	// Budget is the most that the chosen controls may cost per year
	// (annualised: yearly cost plus one-off cost / Horizon), in the model's
	// currency.
	Budget float64
	// Objective is one of the Objective… constants (default mean), a
	// statistic of the annual loss, or harm:ID:STAT (STAT one of them), the
	// statistic of the annual harm of the model's dimension ID (see
	// ParseObjective).
	Objective string
	// Horizon is the number of years over which one-off costs are spread
	// (default DefaultHorizon).
	Horizon float64
	// Trials is the number of simulated years (≥ 1); Seed selects the
	// random streams.
	Trials int64
	Seed   uint64
	// Workers is the number of goroutines (0: GOMAXPROCS). It never
	// changes the result.
	Workers int
	// ExactLimit is the most candidate controls solved exactly, by branch
	// and bound (0: DefaultExactLimit; at most 24). ExactConfigs is
	// the most (scenario, configuration) pairs that an exact solution may
	// simulate (0: DefaultExactConfigs). Beyond either, the plan is
	// heuristic.
	ExactLimit   int
	ExactConfigs int
	// Levels is the number of budget steps, from 0 to the cost of every
	// candidate, at which a frontier is solved when it is not enumerated
	// (0: DefaultLevels).
	Levels int
	// MemoryLimit bounds the bytes of per-trial loss vectors kept (0:
	// DefaultMemoryLimit); least recently used ones are dropped and
	// simulated again if needed, which never changes the result.
	MemoryLimit int64
	// Progress, if set, is called with the scenario-years simulated so
	// far and the total known so far (it grows as the search asks for
	// more); calls are serialised.
	Progress func(done, total int64)
}

// Result is a plan. Money is in Currency; costs are annualised.
type Result struct {
	Model    string  `json:"model"`
	Currency string  `json:"currency"`
	Trials   int64   `json:"trials"`
	Seed     uint64  `json:"seed"`
	Horizon  float64 `json:"horizon"`
	Budget   float64 `json:"budget"`
	// Objective is what was minimised; Method says how:
	// "exact (branch and bound, N nodes)" or "heuristic (greedy + local search)".
	Objective string `json:"objective"`
	Method    string `json:"method"`
	// ObjectiveUnit is the unit of a harm objective's figures (the
	// dimension's unit: ObjectiveReduction, Controls' and Frontier's
	// Objective); empty when the objective is of the money.
	ObjectiveUnit string `json:"objective_unit,omitempty"`
	// Exact says whether the plan is proven optimal; Nodes is the number of
	// branch-and-bound nodes (0 for a heuristic plan); Note says why a plan
	// with few candidates is heuristic.
	Exact bool   `json:"exact"`
	Nodes int64  `json:"nodes"`
	Note  string `json:"note,omitempty"`
	// Implemented are the controls in force in every portfolio; Candidates
	// the proposed ones, among which Selected were chosen.
	Implemented []string `json:"implemented"`
	Candidates  []string `json:"candidates"`
	Selected    []string `json:"selected"`
	// Cost is the annualised cost of Selected (what the budget bounds).
	Cost float64 `json:"cost"`
	// CycleYears is the model's calendar's years between two elections,
	// and CostPerElection = Cost × CycleYears what the plan costs against
	// the risk of one election (one simulated trial); both absent when the
	// model has no calendar (a trial is one year: the cost is Cost).
	CycleYears      float64 `json:"cycle_years,omitempty"`
	CostPerElection float64 `json:"cost_per_election,omitempty"`
	// Baseline is the annual loss with the implemented controls only;
	// Residual with the plan.
	Baseline Risk `json:"baseline"`
	Residual Risk `json:"residual"`
	// Reduction is the mean annual loss the plan avoids (Baseline.Mean −
	// Residual.Mean); ObjectiveReduction the same for the objective.
	Reduction          float64 `json:"reduction"`
	ObjectiveReduction float64 `json:"objective_reduction"`
	// ROSI is the plan's return on security investment, (Reduction −
	// Cost) / Cost, with Cost per election (CostPerElection) when the model
	// has a calendar; nil when the plan costs nothing.
	ROSI *float64 `json:"rosi"`
	// Controls are the candidates, in model order, with their marginal
	// contribution to the plan.
	Controls []Control `json:"controls"`
	// Frontier are the non-dominated (cost, objective) portfolios, by
	// increasing cost.
	Frontier []FrontierPoint `json:"frontier"`
	// FrontierExact says whether the frontier is complete (every portfolio
	// enumerated) or made of solutions at a ladder of budgets.
	FrontierExact bool `json:"frontier_exact"`
	// Verdict is the portfolio's significance in one sentence (filled in by
	// the report); Significance has the figures behind it, for the
	// portfolio and each scenario.
	Verdict      string       `json:"verdict"`
	Significance Significance `json:"significance"`
	// Simulations is the number of (scenario, configuration) pairs
	// simulated.
	Simulations int `json:"simulations"`
}

// Risk sums up an annual loss distribution: its mean and order statistics
// of the simulated years (quantile q: the ⌈q·N⌉-th smallest of N years).
type Risk struct {
	Mean float64 `json:"mean"`
	P90  float64 `json:"p90"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
}

// Control is a candidate control's place in the plan.
type Control struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	Selected bool    `json:"selected"`
	Cost     float64 `json:"cost"` // annualised
	// CostPerElection is Cost × the calendar's cycle_years (absent
	// without a calendar).
	CostPerElection float64 `json:"cost_per_election,omitempty"`
	Once            float64 `json:"once"`
	Yearly          float64 `json:"yearly"`
	// Scenarios are those it acts on.
	Scenarios []string `json:"scenarios"`
	// Objective and Mean are the portfolio's objective and mean annual loss
	// with this control toggled: removed from the plan if selected, added to
	// it otherwise.
	Objective float64 `json:"objective"`
	Mean      float64 `json:"mean"`
	// Reduction is the mean annual loss this control avoids within the
	// plan (the plan without it minus the plan, or the plan minus the plan
	// with it); ROSI = (Reduction − Cost) / Cost, nil when Cost is 0,
	// with Cost per election when the model has a calendar.
	Reduction float64  `json:"reduction"`
	ROSI      *float64 `json:"rosi"`
}

// FrontierPoint is a non-dominated portfolio: no other costs no more and
// has a lower objective, or costs less with the same objective.
type FrontierPoint struct {
	Cost      float64  `json:"cost"`
	Objective float64  `json:"objective"`
	Mean      float64  `json:"mean"`
	Controls  []string `json:"controls"`
	Chosen    bool     `json:"chosen"`
}

// Significance compares the annual loss with the model's tolerance curve,
// before (implemented controls only) and after the plan.
type Significance struct {
	// Tolerance says whether the model has a tolerance curve.
	Tolerance bool           `json:"tolerance"`
	Portfolio ScopeVerdict   `json:"portfolio"`
	Scenarios []ScopeVerdict `json:"scenarios"`
	// Harms are the model's harm dimensions, in model order, before and
	// after the plan; absent when the model has none.
	Harms []HarmVerdict `json:"harms,omitempty"`
	// SignificantBefore and SignificantAfter say whether any tolerance,
	// of the money or of a harm, is breached (the run's verdict); absent
	// when the model has no harm dimensions (Portfolio then says it).
	SignificantBefore *bool `json:"significant_before,omitempty"`
	SignificantAfter  *bool `json:"significant_after,omitempty"`
	// Overall says in one sentence whether the plan brings every
	// tolerance (money and harms) within bounds (filled in by the
	// report); absent when the model has no harm dimensions.
	Overall string `json:"overall,omitempty"`
}

// HarmVerdict is one harm dimension's annual harm for the portfolio,
// before (implemented controls only) and after the plan, against the
// dimension's harm_tolerance.
type HarmVerdict struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Unit   string   `json:"unit"`
	Before HarmRisk `json:"before"`
	After  HarmRisk `json:"after"`
	// Tolerance says whether the model has a harm_tolerance for the
	// dimension; BreachedBefore and BreachedAfter whether one of its
	// points is exceeded (false without one).
	Tolerance      bool                 `json:"tolerance"`
	BreachedBefore bool                 `json:"breached_before"`
	BreachedAfter  bool                 `json:"breached_after"`
	Points         []HarmToleranceCheck `json:"points"`
	// Verdict is one sentence (filled in by the report).
	Verdict string `json:"verdict"`
}

// HarmRisk sums up an annual harm distribution as a run gives it: its
// mean, P(annual harm > 0) and quantiles.
type HarmRisk struct {
	Mean float64 `json:"mean"`
	PAny float64 `json:"p_any"`
	P90  float64 `json:"p90"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
}

// HarmToleranceCheck is P(annual harm > Above), counted exactly over the
// simulated years, before and after the plan, against the acceptable
// Limit.
type HarmToleranceCheck struct {
	Above  float64 `json:"above"`
	Limit  float64 `json:"limit"`
	Before float64 `json:"before"`
	After  float64 `json:"after"`
}

// ScopeVerdict is the significance of the portfolio's annual loss, or of one
// scenario's.
type ScopeVerdict struct {
	ID     string `json:"id,omitempty"`
	Before Risk   `json:"before"`
	After  Risk   `json:"after"`
	// SignificantBefore and SignificantAfter say whether some tolerance
	// point is exceeded (false without a tolerance curve).
	SignificantBefore bool             `json:"significant_before"`
	SignificantAfter  bool             `json:"significant_after"`
	Points            []ToleranceCheck `json:"points"`
	// Verdict is one sentence (filled in by the report).
	Verdict string `json:"verdict"`
}

// ToleranceCheck is P(annual loss > Loss), counted exactly over the
// simulated years, before and after the plan, against the acceptable Limit.
type ToleranceCheck struct {
	Loss   float64 `json:"loss"`
	Limit  float64 `json:"limit"`
	Before float64 `json:"before"`
	After  float64 `json:"after"`
}

// quantileOf is the level of a quantile objective (0 for the mean), of
// the money or of a harm.
func quantileOf(objective string) float64 {
	if o, err := ParseObjective(objective); err == nil {
		objective = o.Stat
	}
	switch objective {
	case ObjectiveP90:
		return 0.90
	case ObjectiveP95:
		return 0.95
	case ObjectiveP99:
		return 0.99
	}
	return 0
}

// normalise checks opt and fills in its defaults.
func normalise(opt Options) (Options, error) {
	if opt.Objective == "" {
		opt.Objective = ObjectiveMean
	}
	if !slices.Contains(Objectives, opt.Objective) {
		if _, err := ParseObjective(opt.Objective); err != nil {
			return opt, err
		}
	}
	if math.IsNaN(opt.Budget) || math.IsInf(opt.Budget, 0) || opt.Budget < 0 {
		return opt, model.Errorf(model.EINVALID, "the budget must be a finite amount ≥ 0, got %g", opt.Budget)
	}
	if opt.Horizon == 0 {
		opt.Horizon = DefaultHorizon
	}
	if math.IsNaN(opt.Horizon) || math.IsInf(opt.Horizon, 0) || opt.Horizon <= 0 {
		return opt, model.Errorf(model.EINVALID, "the horizon must be a positive number of years, got %g", opt.Horizon)
	}
	if opt.Trials < 1 {
		return opt, model.Errorf(model.EINVALID, "the number of trials must be at least 1, got %d", opt.Trials)
	}
	if opt.Trials > math.MaxInt32 {
		return opt, model.Errorf(model.EINVALID, "planning keeps every simulated year in memory: at most %d trials, got %d", math.MaxInt32, opt.Trials)
	}
	if opt.Workers < 0 {
		return opt, model.Errorf(model.EINVALID, "the number of workers must be ≥ 0, got %d", opt.Workers)
	}
	if opt.ExactLimit == 0 {
		opt.ExactLimit = DefaultExactLimit
	}
	if opt.ExactLimit < 0 || opt.ExactLimit > maxExactLimit {
		return opt, fmt.Errorf("plan: ExactLimit must lie within [0, %d], got %d", maxExactLimit, opt.ExactLimit)
	}
	if opt.ExactConfigs <= 0 {
		opt.ExactConfigs = DefaultExactConfigs
	}
	if opt.Levels <= 0 {
		opt.Levels = DefaultLevels
	}
	if opt.MemoryLimit <= 0 {
		opt.MemoryLimit = DefaultMemoryLimit
	}
	return opt, nil
}

// Optimize chooses, among m's proposed controls, the portfolio whose
// residual annual loss (the objective: mean or a quantile) is lowest with
// an annualised cost within opt.Budget; implemented controls stay in force
// in every portfolio. m must be valid (as model.Decode returns it). The
// result is the same, bit for bit, for the same model and options whatever
// opt.Workers.
//
// Up to opt.ExactLimit candidates (and opt.ExactConfigs configurations),
// the plan is exact: branch and bound over the candidates, with the best
// heuristic portfolio as first incumbent, and a lower bound that relaxes
// the budget — for the mean, the sum over scenarios of each scenario's
// lowest mean over the configurations still open; for a quantile, the
// quantile of the per-trial sum of each scenario's lowest loss in that
// trial over the configurations still open (a valid bound because a
// quantile can only fall when every trial's loss falls). Beyond, the plan
// is heuristic: greedy by objective reduction per unit of cost, then local
// search (add, drop and swap moves) until no move improves. Ties are broken
// by fewer controls, then lower cost, then the ids.
//
// The frontier is exact for the mean up to opt.ExactLimit candidates (all
// portfolios enumerated in Gray-code order); otherwise it is made of the
// solutions at a ladder of budgets, the non-dominated ones kept.
func Optimize(ctx context.Context, m *model.Model, opt Options) (*Result, error) {
	opt, err := normalise(opt)
	if err != nil {
		return nil, err
	}
	p, err := newProblem(m, opt)
	if err != nil {
		return nil, err
	}
	s := newSolver(ctx, p, opt)
	return s.solve()
}

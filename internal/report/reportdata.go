package report

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/scrutin/scrutin/internal/ebios"
	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/sim"
)

// Options say what a report covers. Trials and Seed must be resolved by
// the caller (the command line's and the server's defaults differ from
// nothing but their source).
type Options struct {
	// Trials and Seed are those of the run and of the plan (the plan is
	// computed on the same simulated years).
	Trials int64
	Seed   uint64
	// Controls are the ids of the controls in force; nil means the model's
	// implemented controls.
	Controls []string
	// Evidence are the evidence files the model's evidence: section counts
	// from; the report simulates and plans with the posteriors.
	Evidence []*evidence.EvidenceFile
	// Budget, when set, is the plan's yearly budget (annualised, in the
	// model's currency): the plan is plan.Optimize at that budget. When nil,
	// the recommended plan is the portfolio of the efficient frontier with
	// the largest expected net benefit: the mean annual loss it avoids
	// minus its annualised cost.
	Budget *float64
	// Objective and Horizon are plan.Options' (defaults: mean, 3 years).
	Objective string
	Horizon   float64
	// Plan, when set, is the recommended plan, already computed (a plan
	// the server stored for this run, Origin.Plan its id): it must be a
	// plan of the model calibrated with Evidence, with Trials and Seed,
	// whose implemented controls are Controls. Budget and Objective are
	// then not used.
	Plan *plan.Result
	// Workers is the number of goroutines (0: GOMAXPROCS); it never
	// changes the report.
	Workers int
	// Result, when set, is the run to report (a stored run's result,
	// decoded from its JSON), which must be that of the model calibrated
	// with Evidence, with Controls, Trials and Seed: it is then not
	// simulated again.
	Result *sim.Result
	// Origin says where the model and run come from; Generated, when not
	// zero, is printed as the report's date. Neither changes a figure.
	Origin    Origin
	Generated time.Time
	// Progress, if set, is called with the work done and the total known
	// so far (the total grows as the planner learns what it needs); calls
	// are serialised.
	Progress func(done, total int64)
}

// Origin says where a report's model and run come from, for its header.
// Every field is optional.
type Origin struct {
	File     string    // the model's file
	Run      int64     // a stored run's id
	Plan     int64     // the stored plan recommended, when Options.Plan is one
	Model    string    // a stored model's name
	Revision int       // its revision
	At       time.Time // when the stored run was made
}

// Plan bases: how the recommended plan was chosen.
const (
	BasisBudget     = "budget"      // the lowest objective within the budget
	BasisNetBenefit = "net-benefit" // the frontier portfolio with the largest mean loss avoided minus cost
	BasisStored     = "stored"      // a plan stored for the run (Origin.Plan): the lowest objective within its budget
)

// Report is everything a report says, computed once; render it with HTML,
// Markdown or the text functions. Money is in Result.Currency.
type Report struct {
	// Model is the model as written (its priors); Calibrated the model the
	// figures come from (the same without evidence).
	Model      *model.Model
	Calibrated *model.Model
	// Controls are the ids of the controls in force, in model order.
	Controls []string
	// Result is the run with Controls in force; Residual the same simulated
	// years with the recommended plan's controls added (Result itself when
	// the plan adds nothing).
	Result   *sim.Result
	Residual *sim.Result
	// Plan is the recommended plan; Basis says how it was chosen
	// (BasisBudget, BasisNetBenefit or BasisStored). Its verdict sentences
	// are filled in.
	Plan  *plan.Result
	Basis string
	// Updates are the calibration's: which evidence moved which parameter.
	Updates []evidence.Update
	// Ebios is the model's EBIOS RM study, computed on the same simulated
	// periods, with the recommended plan as its treatment; nil when the
	// model carries none.
	Ebios *ebios.Study
	// Origin and Generated are Options'.
	Origin    Origin
	Generated time.Time
}

// Build computes a report of m: the run (unless opt.Result gives it), the
// recommended plan, and the run with the plan's controls in force, all on
// the same simulated years. m must be valid (as model.Decode returns it).
// The same model and options give the same report, whatever opt.Workers.
func Build(ctx context.Context, m *model.Model, opt Options) (*Report, error) {
	if opt.Trials < 1 {
		return nil, model.Errorf(model.EINVALID, "the number of trials must be at least 1, got %d", opt.Trials)
	}
	inForce := opt.Controls
	if inForce == nil {
		inForce = m.Implemented()
	}
	inForce, err := m.InForce(inForce, nil)
	if err != nil {
		return nil, err
	}
	cm, updates, err := evidence.Calibrate(m, opt.Evidence)
	if err != nil {
		return nil, err
	}
	prog := &stages{f: opt.Progress}
	r := &Report{Model: m, Calibrated: cm, Controls: inForce, Updates: updates, Origin: opt.Origin, Generated: opt.Generated}

	// The plan chooses among the controls not in force; those in force
	// stay, as implemented ones do in `scrutin plan`.
	pm := withStatuses(cm, inForce)
	popt := plan.Options{Objective: opt.Objective, Horizon: opt.Horizon, Trials: opt.Trials, Seed: opt.Seed,
		Workers: opt.Workers, Progress: prog.next()}
	switch {
	case opt.Plan != nil:
		if err := planOfRun(opt.Plan, opt, inForce); err != nil {
			return nil, err
		}
		r.Basis, r.Plan = BasisStored, opt.Plan
	case opt.Budget != nil:
		r.Basis = BasisBudget
		popt.Budget = *opt.Budget
		if r.Plan, err = plan.Optimize(ctx, pm, popt); err != nil {
			return nil, err
		}
	default:
		r.Basis = BasisNetBenefit
		if r.Plan, err = netBenefitPlan(ctx, pm, popt, prog); err != nil {
			return nil, err
		}
	}
	PlanVerdicts(r.Plan)

	r.Result = opt.Result
	if r.Result != nil && (r.Result.Trials != opt.Trials || r.Result.Seed != opt.Seed || len(r.Result.Scenarios) != len(cm.Scenarios)) {
		return nil, model.Errorf(model.EINVALID, "the result given (%d trials, seed %d, %d scenarios) is not a run of this model with %d trials and seed %d",
			r.Result.Trials, r.Result.Seed, len(r.Result.Scenarios), opt.Trials, opt.Seed)
	}
	if r.Result == nil {
		if r.Result, err = sim.Run(ctx, cm, sim.Options{Trials: opt.Trials, Seed: opt.Seed, Controls: inForce,
			Workers: opt.Workers, Progress: prog.next()}); err != nil {
			return nil, err
		}
	}
	r.Result.Controls = inForce
	r.Residual = r.Result
	if len(r.Plan.Selected) > 0 {
		with := slices.Concat(inForce, r.Plan.Selected)
		after, err := cm.InForce(with, nil)
		if err != nil {
			return nil, err
		}
		if r.Residual, err = sim.Run(ctx, cm, sim.Options{Trials: opt.Trials, Seed: opt.Seed, Controls: after,
			Workers: opt.Workers, Progress: prog.next()}); err != nil {
			return nil, err
		}
	}
	if cm.Ebios != nil {
		after := slices.Concat(inForce, r.Plan.Selected)
		if r.Ebios, err = ebios.Compute(ctx, cm, ebios.Options{Trials: opt.Trials, Seed: opt.Seed, Controls: inForce,
			After: after, Workers: opt.Workers}); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// planOfRun checks that p plans for the run opt describes: the same
// trials and seed, and the controls in force as its implemented ones.
func planOfRun(p *plan.Result, opt Options, inForce []string) error {
	same := len(p.Implemented) == len(inForce)
	for _, id := range inForce {
		same = same && slices.Contains(p.Implemented, id)
	}
	if p.Trials != opt.Trials || p.Seed != opt.Seed || !same {
		return model.Errorf(model.EINVALID, "the plan given (%d trials, seed %d, controls in force %v) is not a plan of this run (%d trials, seed %d, controls in force %v)",
			p.Trials, p.Seed, p.Implemented, opt.Trials, opt.Seed, inForce)
	}
	return nil
}

// hasBudget says whether the plan was chosen within a budget given to it
// (rather than for its net benefit).
func (r *Report) hasBudget() bool { return r.Basis == BasisBudget || r.Basis == BasisStored }

// withStatuses returns a copy of m whose implemented controls are exactly
// those in force.
func withStatuses(m *model.Model, inForce []string) *model.Model {
	out := *m
	out.Controls = slices.Clone(m.Controls)
	for i := range out.Controls {
		c := &out.Controls[i]
		c.Status = model.StatusProposed
		if slices.Contains(inForce, c.ID) {
			c.Status = model.StatusImplemented
		}
	}
	return &out
}

// netBenefitPlan finds the frontier (planning with a budget that buys
// every candidate), picks the portfolio with the largest mean annual loss
// avoided minus annualised cost (per election: loss one election avoids
// minus cycle_years of annualised cost; the cheapest of equals), and plans again
// at exactly its cost, which describes it in full.
func netBenefitPlan(ctx context.Context, m *model.Model, opt plan.Options, prog *stages) (*plan.Result, error) {
	horizon := opt.Horizon
	if horizon == 0 {
		horizon = plan.DefaultHorizon
	}
	var all float64
	for _, c := range m.Controls {
		if c.Status == model.StatusProposed {
			all += m.ControlCost(&c).Annualised(horizon)
		}
	}
	if math.IsInf(all, 0) || math.IsNaN(all) {
		return nil, model.Errorf(model.EINVALID, "the proposed controls' costs add up to more than can be planned")
	}
	opt.Budget = all
	full, err := plan.Optimize(ctx, m, opt)
	if err != nil {
		return nil, err
	}
	// A trial is one election for a model with a calendar: it carries
	// cycle_years of each year's costs.
	cycle := 1.0
	if full.CycleYears != 0 {
		cycle = full.CycleYears
	}
	best := -1
	bestNet := 0.0
	for i, p := range full.Frontier {
		net := full.Baseline.Mean - p.Mean - p.Cost*cycle
		if best < 0 || net > bestNet {
			best, bestNet = i, net
		}
	}
	if best < 0 {
		return full, nil
	}
	opt.Budget = full.Frontier[best].Cost
	if opt.Budget == all {
		return full, nil
	}
	opt.Progress = prog.next()
	return plan.Optimize(ctx, m, opt)
}

// stages turns the progress of successive computations into one count
// that only grows.
type stages struct {
	f           func(done, total int64)
	offset      int64
	last        int64
	initialized bool
}

// next returns the progress function of the next computation (nil when
// there is no progress to report).
func (s *stages) next() func(done, total int64) {
	if s.f == nil {
		return nil
	}
	if s.initialized {
		s.offset += s.last
		s.last = 0
	}
	s.initialized = true
	return func(done, total int64) {
		s.last = total
		s.f(s.offset+done, s.offset+total)
	}
}

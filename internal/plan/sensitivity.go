package plan

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

// SensitivityOptions control a sensitivity analysis.
type SensitivityOptions struct {
	// Trials is the number of simulated years (≥ 1).
	Trials int64
	// Seed selects the random streams.
	Seed uint64
	// Controls lists the controls in force; nil means the model's
	// implemented controls, an empty non-nil slice none.
	Controls []string
	// Measure is what the tornado reports: "mean" (the default) for the
	// mean annual loss, or "p90", "p95", "p99" for a quantile of it.
	Measure string
	// Levels is the number K of values an input in which the mean annual
	// loss is not linear (a FAIR resistance) is held at to estimate its
	// share of the variance (0: DefaultSensitivityLevels).
	Levels int
	// Workers is the number of goroutines (0: GOMAXPROCS). It never
	// changes the result.
	Workers int
	// Progress, if set, is called as the work advances with the number of
	// scenario-years simulated so far and in all; calls are serialised.
	Progress func(done, total int64)
}

// SensitivityMeasures lists the measures a tornado can report.
func SensitivityMeasures() []string { return []string{"mean", "p90", "p95", "p99"} }

// DefaultSensitivityLevels is the number of values a non-linear input is
// held at for its share of the variance, when the options do not say. With
// 15, the levels (k − 0.5)/15 include 0.1 and 0.9: the tornado's values
// are two of them, so such an input costs 15 simulations of its scenarios
// (a linear one costs two).
const DefaultSensitivityLevels = 15

// SensitivityResult says which uncertain inputs drive the annual loss. Its
// JSON is what `scrutin sensitivity --format json` prints.
type SensitivityResult struct {
	Model    string   `json:"model"`
	Trials   int64    `json:"trials"`
	Seed     uint64   `json:"seed"`
	Currency string   `json:"currency"`
	Controls []string `json:"controls"`
	// Measure is the measure of the annual loss the tornado reports.
	Measure string `json:"measure"`
	// Base is the measure in the run with every input random.
	Base float64 `json:"base"`
	// Variance is the variance of the annual loss in that run.
	Variance float64 `json:"variance"`
	// Inputs are the uncertain inputs, by decreasing swing.
	Inputs []SensitivityInput `json:"inputs"`
}

// SensitivityInput is what one uncertain input does to the annual loss.
type SensitivityInput struct {
	// ID names the input: "hack-and-leak: frequency", "apt28: activity".
	ID string `json:"id"`
	// Scenario or Actor is the element the input belongs to.
	Scenario string `json:"scenario,omitempty"`
	Actor    string `json:"actor,omitempty"`
	// Parameter is one of the sim.Param… names: frequency, vulnerability,
	// resistance, capability, magnitude, secondary.probability,
	// secondary.magnitude, activity.
	Parameter string `json:"parameter"`
	// P10 and P90 are the input's 10th and 90th percentiles.
	P10 float64 `json:"p10"`
	P90 float64 `json:"p90"`
	// Low and High are the measure with the input held at P10 and at P90,
	// everything else random on the same random numbers; Swing is
	// |High − Low|.
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
	Swing float64 `json:"swing"`
	// VarianceShare is the input's first-order (main-effect) sensitivity
	// index Var(E[L | input]) / Var(L), a fraction, corrected for Monte
	// Carlo noise; VarianceShareSE is its standard error.
	VarianceShare   float64 `json:"variance_share"`
	VarianceShareSE float64 `json:"-"`
}

// Explained is the sum of the inputs' variance shares: the part of the
// variance of the annual loss the inputs explain one at a time. The rest
// comes from their interactions and from chance (which years have loss
// events, and how large each one is).
func (r *SensitivityResult) Explained() float64 {
	var s float64
	for _, in := range r.Inputs {
		s += in.VarianceShare
	}
	return s
}

// ByShare returns the inputs by decreasing variance share.
func (r *SensitivityResult) ByShare() []SensitivityInput {
	out := slices.Clone(r.Inputs)
	slices.SortStableFunc(out, func(a, b SensitivityInput) int {
		return cmp.Or(cmp.Compare(b.VarianceShare, a.VarianceShare), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// Sensitivity finds which uncertain inputs of m (valid, as model.Decode
// returns it) drive its annual loss.
//
// Tornado: each input is held at its 10th and at its 90th percentile while
// everything else stays random, on the same random numbers (sim.Fix), and
// the measure of the annual loss is reported at both.
//
// Variance shares: the first-order sensitivity index of input X is
// S = Var(E[L | X]) / Var(L). The mean annual loss is exactly linear in
// most inputs drawn once a year (frequency, activity, vulnerability,
// secondary probability: see sensKindOf), so E[L | X = x] is the line
// through its values at P10 and P90 and Var(E[L | X]) = slope² · Var(X).
// For a FAIR resistance E[L | X = x] is simulated at K = opt.Levels values
// of X (its quantiles at (k − 0.5)/K) and the variance over X integrated
// on the piecewise-linear curve through them. Both ways, the Monte Carlo
// noise of the conditional means is estimated and subtracted (see
// sensMainEffect). Magnitudes and capabilities are drawn for every event:
// their main effect is that of all the year's draws (see
// sensitivity_event.go).
//
// An input changes only the losses of its scenario (an actor's: of its
// scenarios), so each scenario's losses are simulated once (sim.Losses) and
// only the touched ones again for each value; a loss in a trial is then
// recombined as the base loss less the old and plus the new losses of the
// touched scenarios. The result does not depend on opt.Workers.
func Sensitivity(ctx context.Context, m *model.Model, opt SensitivityOptions) (*SensitivityResult, error) {
	if opt.Trials < 1 {
		return nil, model.Errorf(model.EINVALID, "the number of trials must be at least 1, got %d", opt.Trials)
	}
	if opt.Measure == "" {
		opt.Measure = "mean"
	}
	if !slices.Contains(SensitivityMeasures(), opt.Measure) {
		return nil, model.Errorf(model.EINVALID, "the measure must be mean, p90, p95 or p99, got %q", opt.Measure)
	}
	if opt.Levels == 0 {
		opt.Levels = DefaultSensitivityLevels
	}
	if opt.Levels < 2 {
		return nil, model.Errorf(model.EINVALID, "each input needs at least 2 levels, got %d", opt.Levels)
	}
	if opt.Controls == nil {
		opt.Controls = m.Implemented()
	}
	inputs, err := sensInputs(m, opt.Controls)
	if err != nil {
		return nil, err
	}
	a := &sensAnalysis{m: m, opt: opt, p: sensMeasureLevel(opt.Measure)}
	for _, in := range inputs {
		a.states = append(a.states, a.newState(in))
	}
	if err := a.run(ctx); err != nil {
		return nil, err
	}
	res := &SensitivityResult{Model: m.Name, Trials: opt.Trials, Seed: opt.Seed, Currency: m.Currency,
		Controls: slices.Clone(opt.Controls), Measure: opt.Measure, Base: a.baseMeasure, Variance: a.variance,
		Inputs: []SensitivityInput{}}
	for _, st := range a.states {
		res.Inputs = append(res.Inputs, st.out)
	}
	slices.SortStableFunc(res.Inputs, func(a, b SensitivityInput) int {
		return cmp.Or(cmp.Compare(b.Swing, a.Swing), cmp.Compare(a.ID, b.ID))
	})
	return res, nil
}

// sensMeasureLevel is the quantile level of a measure, 0 for the mean.
func sensMeasureLevel(measure string) float64 {
	switch measure {
	case "p90":
		return 0.9
	case "p95":
		return 0.95
	case "p99":
		return 0.99
	}
	return 0
}

// sensAnalysis is one sensitivity analysis under way.
type sensAnalysis struct {
	m      *model.Model
	opt    SensitivityOptions
	p      float64 // quantile level of the measure; 0: the mean
	states []*sensState
	// allLevels holds the inputs in which the mean is linear at K values
	// too (to check the shortcut).
	allLevels bool

	base        []*sim.ScenarioLosses // per scenario, every input random
	total       []float64             // the portfolio's loss per trial
	baseMeasure float64
	variance    float64

	progressMu sync.Mutex
	done, all  int64
}

// sensState is one input's simulations and result.
type sensState struct {
	in     *sensInput
	xs     []float64 // values it is held at, by increasing quantile level
	nodes  []int     // indices into xs of the nodes of E[L | X = x]
	form   sensForm  // Var(E[L | X]) from the conditional means at the nodes
	p10    int       // index into xs of its 10th percentile
	p90    int       // and of its 90th
	ys     [][]float32
	mus    []float64 // per value: the touched scenarios' losses per trial, and their exact mean
	remain atomic.Int32
	out    SensitivityInput
	effect sensEffect
}

func (a *sensAnalysis) newState(in *sensInput) *sensState {
	st := &sensState{in: in}
	// A curve's nodes are at (k − 0.5)/K, with the 10th and 90th
	// percentiles added unless they are nodes already (K = 5, 15, 25, …);
	// other inputs are held at their P10 and P90 only.
	type level struct {
		p    float64
		node bool
	}
	levels := []level{{0.1, true}, {0.9, true}}
	if in.kind == sensYearCurve || in.kind == sensYearLinear && a.allLevels {
		k := a.opt.Levels
		levels = levels[:0]
		for i := range k {
			levels = append(levels, level{(float64(i) + 0.5) / float64(k), true})
		}
	}
	near := func(p float64) func(level) bool {
		return func(l level) bool { return math.Abs(l.p-p) < 1e-12 }
	}
	for _, p := range []float64{0.1, 0.9} {
		if !slices.ContainsFunc(levels, near(p)) {
			levels = append(levels, level{p, false})
		}
	}
	slices.SortFunc(levels, func(a, b level) int { return cmp.Compare(a.p, b.p) })
	st.p10 = slices.IndexFunc(levels, near(0.1))
	st.p90 = slices.IndexFunc(levels, near(0.9))
	var nodeX []float64
	for i, l := range levels {
		st.xs = append(st.xs, in.d.Quantile(l.p))
		if l.node {
			st.nodes = append(st.nodes, i)
			nodeX = append(nodeX, st.xs[i])
		}
	}
	switch {
	case in.kind == sensYearCurve || a.allLevels && in.kind == sensYearLinear:
		st.form = sensQuadrature(in.d, nodeX)
	case in.kind == sensYearLinear:
		st.form = sensLine(in.d, nodeX[0], nodeX[1])
	}
	st.ys = make([][]float32, len(st.xs))
	st.mus = make([]float64, len(st.xs))
	st.remain.Store(int32(len(st.xs)))
	st.out = SensitivityInput{ID: in.id(), Scenario: in.Scenario, Actor: in.Actor, Parameter: in.Parameter,
		P10: st.xs[st.p10], P90: st.xs[st.p90]}
	return st
}

// sensJob is one unit of work: a scenario's base losses (state nil), or
// an input held at one value.
type sensJob struct {
	state    *sensState
	value    int // index into state.xs
	scenario int // base job: index of the scenario
}

func (a *sensAnalysis) run(ctx context.Context) error {
	n := a.opt.Trials
	var baseJobs, inputJobs []sensJob
	for i := range a.m.Scenarios {
		baseJobs = append(baseJobs, sensJob{scenario: i})
	}
	a.all = int64(len(baseJobs)) * n
	for _, st := range a.states {
		for j := range st.xs {
			inputJobs = append(inputJobs, sensJob{state: st, value: j})
		}
		a.all += int64(len(st.xs)*len(st.in.scenarios)) * n
	}

	a.base = make([]*sim.ScenarioLosses, len(a.m.Scenarios))
	if err := a.parallel(ctx, baseJobs); err != nil {
		return err
	}
	a.total = make([]float64, n)
	var mean float64
	for _, b := range a.base {
		mean += b.Mean
		for t, x := range b.Loss {
			a.total[t] += x
		}
	}
	a.variance = sensVariance(a.total)
	a.baseMeasure = mean
	if a.p > 0 {
		a.baseMeasure = sim.Quantile(a.total, a.p)
	}
	return a.parallel(ctx, inputJobs)
}

// parallel runs the jobs on the workers, in order of the list, and returns
// the error of the earliest failed job.
func (a *sensAnalysis) parallel(ctx context.Context, jobs []sensJob) error {
	workers := a.opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, len(jobs)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var mu sync.Mutex
	failed, failure := len(jobs), error(nil)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				if err := a.do(ctx, jobs[i]); err != nil {
					mu.Lock()
					if i < failed {
						failed, failure = i, err
					}
					mu.Unlock()
					cancel()
					return
				}
			}
		}()
	}
	wg.Wait()
	if failure != nil {
		return failure
	}
	return ctx.Err()
}

func (a *sensAnalysis) progress(n int64) {
	if a.opt.Progress == nil {
		return
	}
	a.progressMu.Lock()
	defer a.progressMu.Unlock()
	a.done += n
	a.opt.Progress(a.done, a.all)
}

func (a *sensAnalysis) losses(ctx context.Context, scenario int, fix []sim.Fix) (*sim.ScenarioLosses, error) {
	opt := sim.Options{Trials: a.opt.Trials, Seed: a.opt.Seed, Controls: a.opt.Controls, Workers: 1, Fix: fix}
	l, err := sim.Losses(ctx, a.m, opt, a.m.Scenarios[scenario].ID)
	if err == nil {
		a.progress(a.opt.Trials)
	}
	return l, err
}

func (a *sensAnalysis) do(ctx context.Context, j sensJob) error {
	st := j.state
	if st == nil {
		l, err := a.losses(ctx, j.scenario, nil)
		if err != nil {
			return err
		}
		a.base[j.scenario] = l
		return nil
	}
	x := st.xs[j.value]
	fix := []sim.Fix{st.in.fix(x)}
	var sum []float32
	var mu float64
	for i, s := range st.in.scenarios {
		l, err := a.losses(ctx, s, fix)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("%s held at %g: %w", st.out.ID, x, err)
		}
		mu += l.Mean
		if i == 0 {
			sum = make([]float32, len(l.Loss))
			for t, v := range l.Loss {
				sum[t] = float32(v)
			}
			continue
		}
		for t, v := range l.Loss {
			sum[t] = float32(float64(sum[t]) + v)
		}
	}
	st.ys[j.value], st.mus[j.value] = sum, mu
	if st.remain.Add(-1) == 0 {
		a.finish(st)
	}
	return nil
}

// finish computes an input's figures once all its simulations are done.
func (a *sensAnalysis) finish(st *sensState) {
	n := int(a.opt.Trials)
	ys, mus := st.ys, st.mus
	// What the input does not touch: its mean, and (for a quantile) its
	// losses per trial.
	touched := make([]bool, len(a.base))
	for _, s := range st.in.scenarios {
		touched[s] = true
	}
	var restMean float64
	for s, b := range a.base {
		if !touched[s] {
			restMean += b.Mean
		}
	}
	measure := func(i int) float64 { return restMean + mus[i] }
	if a.p > 0 {
		rest := slices.Clone(a.total)
		for _, s := range st.in.scenarios {
			for t, x := range a.base[s].Loss {
				rest[t] -= x
			}
		}
		buf := make([]float64, n)
		measure = func(i int) float64 {
			for t, x := range ys[i] {
				buf[t] = rest[t] + float64(x)
			}
			return sim.Quantile(buf, a.p)
		}
	}
	st.out.Low, st.out.High = measure(st.p10), measure(st.p90)
	st.out.Swing = math.Abs(st.out.High - st.out.Low)

	switch st.in.kind {
	case sensYearLinear, sensYearCurve:
		means := make([]float64, len(st.nodes))
		vecs := make([][]float32, len(st.nodes))
		for k, i := range st.nodes {
			means[k], vecs[k] = restMean+mus[i], ys[i]
		}
		st.effect = sensMainEffect(st.form, means, vecs, a.total, a.variance)
	case sensEventLoss:
		st.effect = a.eventLossEffect(st)
	case sensEventCapability:
		st.effect = a.capabilityEffect(st)
	}
	st.out.VarianceShare, st.out.VarianceShareSE = st.effect.share, st.effect.se
	st.ys, st.mus = nil, nil
}

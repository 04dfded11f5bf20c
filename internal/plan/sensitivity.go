package plan

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
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
	// Harm, if set, is the id of a harm dimension of the model: the
	// analysis is then of the annual harm in that dimension instead of
	// the annual loss. Unset, a model with harms gets the analysis of the
	// annual loss and one of each dimension (SensitivityResult.Harms).
	Harm string
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
	// Harm and Unit are set when the analysis is of the annual harm in
	// one dimension (SensitivityOptions.Harm): Base, Variance and Inputs
	// are then in the dimension's unit, not in Currency.
	Harm string `json:"harm,omitempty"`
	Unit string `json:"unit,omitempty"`
	// Harms holds, when the analysis is of the annual loss of a model
	// with harm dimensions, the analysis of each dimension's annual harm,
	// in model order.
	Harms []HarmSensitivity `json:"harms,omitempty"`
}

// HarmSensitivity says which uncertain inputs drive the annual harm in one
// dimension: those of the scenarios that draw it (frequency,
// vulnerability, the harm itself) and of their actors. Magnitudes and
// secondary losses do not change a harm and are not listed.
type HarmSensitivity struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Unit string `json:"unit"`
	// Measure, Base, Variance and Inputs are as in SensitivityResult, in
	// the dimension's unit.
	Measure  string             `json:"measure"`
	Base     float64            `json:"base"`
	Variance float64            `json:"variance"`
	Inputs   []SensitivityInput `json:"inputs"`
}

// Explained is the sum of the inputs' variance shares (see
// SensitivityResult.Explained).
func (h *HarmSensitivity) Explained() float64 { return sensExplained(h.Inputs) }

// ByShare returns the inputs by decreasing variance share.
func (h *HarmSensitivity) ByShare() []SensitivityInput { return sensByShare(h.Inputs) }

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
func (r *SensitivityResult) Explained() float64 { return sensExplained(r.Inputs) }

func sensExplained(inputs []SensitivityInput) float64 {
	var s float64
	for _, in := range inputs {
		s += in.VarianceShare
	}
	return s
}

// ByShare returns the inputs by decreasing variance share.
func (r *SensitivityResult) ByShare() []SensitivityInput { return sensByShare(r.Inputs) }

func sensByShare(inputs []SensitivityInput) []SensitivityInput {
	out := slices.Clone(inputs)
	slices.SortStableFunc(out, func(a, b SensitivityInput) int {
		return cmp.Or(cmp.Compare(b.VarianceShare, a.VarianceShare), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// Sensitivity finds which uncertain inputs of m (valid, as model.Decode
// returns it) drive its annual loss, or with opt.Harm the annual harm in
// that dimension; without opt.Harm, a model with harms gets both: the
// loss's analysis and each dimension's (SensitivityResult.Harms), from
// the same simulations.
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
// sensMainEffect). Magnitudes, harms and capabilities are drawn for every
// event: their main effect is that of all the year's draws (see
// sensitivity_event.go). A harm is the same: a year-level input's mean
// annual harm is linear in it where its mean annual loss is.
//
// An input changes only the losses of its scenario (an actor's: of its
// scenarios), so each scenario's losses are simulated once (sim.Losses) and
// only the touched ones again for each value; a loss in a trial is then
// recombined as the base loss less the old and plus the new losses of the
// touched scenarios. Harms are recombined the same way. The result does
// not depend on opt.Workers.
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
	if err := CheckSensitivityHarm(m, opt.Harm); err != nil {
		return nil, err
	}
	if opt.Controls == nil {
		opt.Controls = m.Implemented()
	}
	inputs, err := sensInputs(m, opt.Controls)
	if err != nil {
		return nil, err
	}
	a := &sensAnalysis{m: m, opt: opt, p: sensMeasureLevel(opt.Measure), harms: len(m.Harms) > 0}
	if opt.Harm == "" {
		a.targets = append(a.targets, &sensTarget{dim: -1})
	}
	for d, h := range m.Harms {
		if opt.Harm == "" || opt.Harm == h.ID {
			a.targets = append(a.targets, &sensTarget{dim: d})
		}
	}
	for _, in := range inputs {
		if st := a.newState(in); len(st.targets) > 0 {
			a.states = append(a.states, st)
		}
	}
	if err := a.run(ctx); err != nil {
		return nil, err
	}
	res := &SensitivityResult{Model: m.Name, Trials: opt.Trials, Seed: opt.Seed, Currency: m.Currency,
		Controls: slices.Clone(opt.Controls), Measure: opt.Measure}
	for k, tg := range a.targets {
		ins := []SensitivityInput{}
		for _, st := range a.states {
			if j := slices.Index(st.targets, k); j >= 0 {
				ins = append(ins, st.outs[j])
			}
		}
		slices.SortStableFunc(ins, func(a, b SensitivityInput) int {
			return cmp.Or(cmp.Compare(b.Swing, a.Swing), cmp.Compare(a.ID, b.ID))
		})
		switch h := (model.Harm{}); {
		case tg.dim < 0:
			res.Base, res.Variance, res.Inputs = tg.baseMeasure, tg.variance, ins
		case opt.Harm != "":
			h = m.Harms[tg.dim]
			res.Base, res.Variance, res.Inputs, res.Harm, res.Unit = tg.baseMeasure, tg.variance, ins, h.ID, h.Unit
		default:
			h = m.Harms[tg.dim]
			res.Harms = append(res.Harms, HarmSensitivity{ID: h.ID, Name: h.Name, Unit: h.Unit, Measure: opt.Measure,
				Base: tg.baseMeasure, Variance: tg.variance, Inputs: ins})
		}
	}
	return res, nil
}

// CheckSensitivityHarm checks that id, if not empty, is one of m's harm
// dimensions; the error lists them, with the closest when the id looks
// misspelt.
func CheckSensitivityHarm(m *model.Model, id string) error {
	if id == "" || m.HarmByID(id) != nil {
		return nil
	}
	if len(m.Harms) == 0 {
		return model.Errorf(model.EINVALID, "harm dimension %q: the model declares no harm dimensions (harms:), so only the annual loss can be analysed", id)
	}
	var ids []string
	hint, bestD := "", 3
	for _, h := range m.Harms {
		ids = append(ids, h.ID)
		if d := model.EditDistance(id, h.ID); d < bestD && d < len(h.ID) {
			hint, bestD = fmt.Sprintf(" (did you mean %q?)", h.ID), d
		}
	}
	return model.Errorf(model.EINVALID, "unknown harm dimension %q%s; the model's dimensions: %s", id, hint, strings.Join(ids, ", "))
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

// sensTarget is what an analysis explains: the annual loss (dim < 0) or
// the annual harm in dimension dim.
type sensTarget struct {
	dim         int
	total       []float64 // per trial, every input random
	baseMeasure float64
	variance    float64
}

// of returns a scenario's annual figures for the target, trial by trial
// (nil: none drawn), and their mean.
func (tg *sensTarget) of(l *sim.ScenarioLosses) ([]float64, float64) {
	if tg.dim < 0 {
		return l.Loss, l.Mean
	}
	var v []float64
	if l.Harm != nil {
		v = l.Harm[tg.dim]
	}
	return v, l.HarmMean[tg.dim]
}

// sensAnalysis is one sensitivity analysis under way.
type sensAnalysis struct {
	m       *model.Model
	opt     SensitivityOptions
	p       float64 // quantile level of the measure; 0: the mean
	harms   bool    // the model has harms: simulate them too
	targets []*sensTarget
	states  []*sensState
	// allLevels holds the inputs in which the mean is linear at K values
	// too (to check the shortcut).
	allLevels bool

	base []*sim.ScenarioLosses // per scenario, every input random
	// variance is the first target's variance (the annual loss's, unless
	// opt.Harm).
	variance float64

	progressMu sync.Mutex
	done, all  int64
}

// sensState is one input's simulations and result.
type sensState struct {
	in      *sensInput
	targets []int     // indices into the analysis's targets the input can change
	xs      []float64 // values it is held at, by increasing quantile level
	nodes   []int     // indices into xs of the nodes of E[L | X = x]
	form    sensForm  // Var(E[L | X]) from the conditional means at the nodes
	p10     int       // index into xs of its 10th percentile
	p90     int       // and of its 90th
	// count, if ≥ 0, is the index into xs of a run that counts the events
	// of an input drawn per event whose scenario's timing multiplies it
	// in some windows: the scenario without its timing (countModel) and
	// the input held at 1 (countFix), so that its figure in a trial is
	// the controls' multiplier times the events.
	count      int
	countModel *model.Model
	countFix   []sim.Fix
	ys         [][][]float32 // per target, per value: the touched scenarios' figures per trial
	mus        [][]float64   // per target, per value: their exact mean
	remain     atomic.Int32
	outs       []SensitivityInput // per target
	effects    []sensEffect       // per target
	// out and effect are those of the input's first target.
	out    SensitivityInput
	effect sensEffect
}

// sensTouches reports whether an input can change target tg: every input
// changes the annual loss but a harm; a harm changes its own dimension;
// magnitudes and secondary losses change no harm, the other inputs the
// harms their scenarios draw.
func (a *sensAnalysis) sensTouches(in *sensInput, tg *sensTarget) bool {
	if in.kind == sensEventHarm {
		return tg.dim == in.harm
	}
	if tg.dim < 0 {
		return true
	}
	switch in.Parameter {
	case sim.ParamMagnitude, sim.ParamSecondaryMagnitude, sim.ParamSecondaryProbability:
		return false
	}
	id := a.m.Harms[tg.dim].ID
	return slices.ContainsFunc(in.scenarios, func(s int) bool {
		_, ok := a.m.Scenarios[s].Harm[id]
		return ok
	})
}

func (a *sensAnalysis) newState(in *sensInput) *sensState {
	st := &sensState{in: in, count: -1}
	if len(a.targets) == 0 {
		a.targets = []*sensTarget{{dim: -1}}
	}
	for k, tg := range a.targets {
		if a.sensTouches(in, tg) {
			st.targets = append(st.targets, k)
		}
	}
	if len(st.targets) == 0 {
		return st
	}
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
	case in.kind == sensEventHarm || in.kind == sensEventLoss:
		// The count run holds the input at 1 and, for a loss, the other
		// loss of an event (primary or secondary) at 0.
		si := in.scenarios[0]
		s := &a.m.Scenarios[si]
		var timed bool
		if in.kind == sensEventHarm {
			_, timed = sensTimingMean(a.m, s, a.m.Harms[in.harm].ID)
			st.countFix = []sim.Fix{in.fix(1)}
		} else {
			_, timed = sensTimingMagnitude(a.m, s)
			other := sim.ParamSecondaryMagnitude
			if in.Parameter == sim.ParamSecondaryMagnitude {
				other = sim.ParamMagnitude
			}
			st.countFix = []sim.Fix{in.fix(1)}
			if s.Secondary != nil {
				st.countFix = append(st.countFix, sim.Fix{Scenario: s.ID, Param: other, Value: 0})
			}
		}
		if timed {
			mc := *a.m
			mc.Scenarios = slices.Clone(a.m.Scenarios)
			mc.Scenarios[si].Timing = nil
			st.count, st.countModel = len(st.xs), &mc
			st.xs = append(st.xs, 1)
		}
	}
	st.ys = make([][][]float32, len(st.targets))
	st.mus = make([][]float64, len(st.targets))
	for j := range st.targets {
		st.ys[j] = make([][]float32, len(st.xs))
		st.mus[j] = make([]float64, len(st.xs))
	}
	st.remain.Store(int32(len(st.xs)))
	out := SensitivityInput{ID: in.id(), Scenario: in.Scenario, Actor: in.Actor, Parameter: in.Parameter,
		P10: st.xs[st.p10], P90: st.xs[st.p90]}
	for range st.targets {
		st.outs = append(st.outs, out)
	}
	st.effects = make([]sensEffect, len(st.targets))
	st.out = out
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
	for _, tg := range a.targets {
		tg.total = make([]float64, n)
		var mean float64
		for _, b := range a.base {
			v, mu := tg.of(b)
			mean += mu
			for t, x := range v {
				tg.total[t] += x
			}
		}
		tg.variance = sensVariance(tg.total)
		if tg == a.targets[0] {
			a.variance = tg.variance
		}
		tg.baseMeasure = mean
		if a.p > 0 {
			tg.baseMeasure = sim.Quantile(tg.total, a.p)
		}
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

// losses simulates one scenario of m (the analysed model, or a copy of it
// for a count run), with its harms when the model has some.
func (a *sensAnalysis) losses(ctx context.Context, m *model.Model, scenario int, fix []sim.Fix) (*sim.ScenarioLosses, error) {
	opt := sim.Options{Trials: a.opt.Trials, Seed: a.opt.Seed, Controls: a.opt.Controls, Workers: 1, Fix: fix}
	simulate := sim.Losses
	if a.harms {
		simulate = sim.HarmLosses
	}
	l, err := simulate(ctx, m, opt, m.Scenarios[scenario].ID)
	if err == nil {
		a.progress(a.opt.Trials)
	}
	return l, err
}

func (a *sensAnalysis) do(ctx context.Context, j sensJob) error {
	st := j.state
	if st == nil {
		l, err := a.losses(ctx, a.m, j.scenario, nil)
		if err != nil {
			return err
		}
		a.base[j.scenario] = l
		return nil
	}
	x := st.xs[j.value]
	fix := []sim.Fix{st.in.fix(x)}
	m := a.m
	if j.value == st.count {
		m, fix = st.countModel, st.countFix
	}
	for i, s := range st.in.scenarios {
		l, err := a.losses(ctx, m, s, fix)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("%s held at %g: %w", st.outs[0].ID, x, err)
		}
		for k, tk := range st.targets {
			v, mu := a.targets[tk].of(l)
			st.mus[k][j.value] += mu
			if i == 0 {
				sum := make([]float32, a.opt.Trials)
				for t, y := range v {
					sum[t] = float32(y)
				}
				st.ys[k][j.value] = sum
				continue
			}
			sum := st.ys[k][j.value]
			for t, y := range v {
				sum[t] = float32(float64(sum[t]) + y)
			}
		}
	}
	if st.remain.Add(-1) == 0 {
		for k := range st.targets {
			a.finish(st, k)
		}
		st.out, st.effect = st.outs[0], st.effects[0]
		st.ys, st.mus = nil, nil
	}
	return nil
}

// finish computes an input's figures for its k-th target once all its
// simulations are done.
func (a *sensAnalysis) finish(st *sensState, k int) {
	n := int(a.opt.Trials)
	tg := a.targets[st.targets[k]]
	ys, mus := st.ys[k], st.mus[k]
	// What the input does not touch: its mean, and (for a quantile) its
	// losses per trial.
	touched := make([]bool, len(a.base))
	for _, s := range st.in.scenarios {
		touched[s] = true
	}
	var restMean float64
	for s, b := range a.base {
		if !touched[s] {
			_, mu := tg.of(b)
			restMean += mu
		}
	}
	measure := func(i int) float64 { return restMean + mus[i] }
	if a.p > 0 {
		rest := slices.Clone(tg.total)
		for _, s := range st.in.scenarios {
			v, _ := tg.of(a.base[s])
			for t, x := range v {
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
	out := &st.outs[k]
	out.Low, out.High = measure(st.p10), measure(st.p90)
	out.Swing = math.Abs(out.High - out.Low)

	var effect sensEffect
	switch st.in.kind {
	case sensYearLinear, sensYearCurve:
		means := make([]float64, len(st.nodes))
		vecs := make([][]float32, len(st.nodes))
		for j, i := range st.nodes {
			means[j], vecs[j] = restMean+mus[i], ys[i]
		}
		effect = sensMainEffect(st.form, means, vecs, tg.total, tg.variance)
	case sensEventLoss:
		effect = a.eventLossEffect(st, tg, ys)
	case sensEventCapability:
		effect = a.capabilityEffect(st, tg)
	case sensEventHarm:
		effect = a.harmEffect(st, tg, ys)
	}
	out.VarianceShare, out.VarianceShareSE = effect.share, effect.se
	st.effects[k] = effect
}

// Package sim is the Monte Carlo engine: it simulates years of a risk model
// (DESIGN.md section 2) and summarises the annual losses of each scenario
// and of the portfolio with exact moments and relative-error quantiles.
package sim

import (
	"context"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/scrutin/scrutin/internal/model"
)

// BlockSize is the number of trials in a block, the unit of work and of
// merging. Every trial has its own random streams, so blocks can run in any
// order, on any core or machine.
const BlockSize = 4096

// MaxLossEvents is the most loss events one scenario may have in one
// simulated year: each is drawn on its own, so more would take for ever.
const MaxLossEvents = 1_000_000

// Options control a run.
type Options struct {
	// Trials is the number of simulated years (≥ 1).
	Trials int64
	// Seed selects the random streams.
	Seed uint64
	// Controls lists the ids of the controls in force. Nil means the
	// model's implemented controls; an empty non-nil slice means none.
	Controls []string
	// Workers is the number of goroutines (0: GOMAXPROCS). It never
	// changes the result.
	Workers int
	// Progress, if set, is called after each block with the number of
	// trials done; calls are serialised.
	Progress func(done, total int64)
	// Fix holds uncertain inputs at given values (sensitivity analysis).
	// A fixed input still consumes its random numbers, so the other draws
	// stay those of the run without it.
	Fix []Fix
}

// Fix holds one uncertain input at Value: a parameter of a scenario, or of
// an actor (Scenario empty).
type Fix struct {
	Scenario string
	Actor    string
	// Param is one of the Param… constants.
	Param string
	Value float64
}

// Uncertain inputs that Fix can hold.
const (
	ParamFrequency            = "frequency"
	ParamVulnerability        = "vulnerability"
	ParamResistance           = "resistance" // FAIR vulnerability
	ParamCapability           = "capability" // FAIR vulnerability; of an actor: for its scenarios without their own
	ParamMagnitude            = "magnitude"
	ParamSecondaryProbability = "secondary.probability"
	ParamSecondaryMagnitude   = "secondary.magnitude"
	ParamActivity             = "activity" // of an actor
	// ParamHarmPrefix starts the parameter of a scenario's harm in one
	// dimension, drawn per loss event: "harm.votes-altered" (HarmParam).
	ParamHarmPrefix = "harm."
)

// HarmParam is the Fix parameter of a scenario's harm in dimension id.
func HarmParam(id string) string { return ParamHarmPrefix + id }

// Run simulates opt.Trials years of m, which must be valid (as
// model.Decode returns it). The result is the same, bit for bit, for the
// same model, seed, trials and controls, whatever the number of workers.
func Run(ctx context.Context, m *model.Model, opt Options) (*Result, error) {
	if opt.Trials < 1 {
		return nil, model.Errorf(model.EINVALID, "the number of trials must be at least 1, got %d", opt.Trials)
	}
	inForce := opt.Controls
	if inForce == nil {
		inForce = m.Implemented()
	}
	e, err := compile(m, opt.Seed, inForce)
	if err != nil {
		return nil, err
	}
	if err := e.fix(m, opt.Fix); err != nil {
		return nil, err
	}
	acc, err := e.run(ctx, opt)
	if err != nil {
		return nil, err
	}
	res := acc.result(m, opt)
	res.Controls = append([]string{}, inForce...)
	return res, nil
}

// accumulator holds the statistics of a run: exact moments merged in trial
// order, and one sketch per scope.
type accumulator struct {
	moments  []moments // per scenario, then the portfolio, then the harm scopes
	sketches []*ddsketch.DDSketch
	tol      []float64
	layout   *layout       // nil: losses only
	windows  []windowCount // per scenario window (layout.winBase)
}

// layout places the statistics of harms and windows after the money
// scopes (scenarios, then the portfolio): each scenario's harm slots,
// then the portfolio's harm per dimension; each timed scenario's windows.
type layout struct {
	harmBase []int       // per scenario: the scope of its first harm slot
	portHarm int         // the scope of the portfolio's first dimension
	dims     int         // harm dimensions of the model
	harmTol  [][]float64 // per dimension: the levels of its tolerance
	winBase  []int       // per scenario: its first window count, or -1
	windows  int         // window counts in all
	maxSlots int
}

func (e *engine) scopes() int {
	if e.layout == nil {
		return len(e.scenarios) + 1
	}
	return e.layout.portHarm + e.layout.dims
}

func (e *engine) newAccumulator() *accumulator {
	acc := &accumulator{moments: make([]moments, e.scopes()), tol: e.tolerance, layout: e.layout}
	if e.layout != nil {
		acc.windows = make([]windowCount, e.layout.windows)
	}
	return acc
}

// add merges the statistics of the block that follows those already in.
func (a *accumulator) add(p blockStats) {
	for i := range a.moments {
		a.moments[i].merge(p.moments[i])
	}
	for i, c := range p.windows {
		a.windows[i].Events += c.Events
		a.windows[i].Trials += c.Trials
	}
}

func (e *engine) run(ctx context.Context, opt Options) (*accumulator, error) {
	acc := e.newAccumulator()
	// Block results are merged strictly in block order: floating-point sums
	// then do not depend on which worker finished first.
	var (
		pending = map[int64]blockStats{}
		next    int64
	)
	sketches, err := e.runBlocks(ctx, opt, 0, Blocks(opt.Trials), func(b int64, ms blockStats) {
		pending[b] = ms
		for {
			p, ok := pending[next]
			if !ok {
				break
			}
			acc.add(p)
			delete(pending, next)
			next++
		}
	})
	if err != nil {
		return nil, err
	}
	acc.sketches = sketches
	return acc, nil
}

// Blocks is the number of blocks of a run of that many trials.
func Blocks(trials int64) int64 { return (trials + BlockSize - 1) / BlockSize }

// runBlocks simulates blocks [first, last) of a run of opt.Trials trials
// on opt.Workers goroutines, passing each block's statistics to deliver
// (calls are serialised, in any block order), and returns the sketches of
// all the blocks' losses, one per scope.
func (e *engine) runBlocks(ctx context.Context, opt Options, first, last int64, deliver func(b int64, ms blockStats)) ([]*ddsketch.DDSketch, error) {
	workers := opt.Workers
	if workers <= 0 {
		workers = defaultWorkers()
	}
	workers = int(max(1, min(int64(workers), last-first)))
	var total int64
	for b := first; b < last; b++ {
		total += min(BlockSize, opt.Trials-b*BlockSize)
	}
	var (
		mu   sync.Mutex
		done int64
	)
	nextBlock := atomic.Int64{}
	nextBlock.Store(first)
	ws := make([]*worker, workers)
	var wg sync.WaitGroup
	work, stop := context.WithCancel(ctx)
	defer stop()
	var failOnce sync.Once
	var failure error
	for i := range ws {
		ws[i] = e.newWorker()
		wg.Add(1)
		go func(w *worker) {
			defer wg.Done()
			for work.Err() == nil {
				b := nextBlock.Add(1) - 1
				if b >= last {
					return
				}
				from := b * BlockSize
				n := min(BlockSize, opt.Trials-from)
				ms, err := w.block(e, from, n)
				if err != nil {
					failOnce.Do(func() { failure = err; stop() })
					return
				}
				mu.Lock()
				deliver(b, ms)
				done += n
				if opt.Progress != nil {
					opt.Progress(done, total)
				}
				mu.Unlock()
			}
		}(ws[i])
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if failure != nil {
		return nil, failure
	}
	sketches := ws[0].sketches
	for _, w := range ws[1:] {
		for i, sk := range w.sketches {
			if err := sketches[i].MergeWith(sk); err != nil {
				return nil, err
			}
		}
	}
	return sketches, nil
}

// worker holds one goroutine's buffers and sketches.
type worker struct {
	st       stream
	activity [][]float64 // per actor, per trial of the block
	loss     []float64   // one scenario's losses over the block
	total    []float64   // portfolio losses over the block
	sketches []*ddsketch.DDSketch

	aux      *aux
	harm     []float64   // one trial's harm per slot of a scenario
	slot     [][]float64 // per harm slot of a scenario: its harms over the block
	portHarm [][]float64 // per dimension: the portfolio's harms over the block
}

// blockStats are the statistics of one block: moments per scope, and
// the window counts.
type blockStats struct {
	moments []moments
	windows []windowCount
}

func (e *engine) newWorker() *worker {
	w := &worker{st: newStream(), loss: make([]float64, BlockSize), total: make([]float64, BlockSize)}
	if l := e.layout; l != nil {
		w.aux = newAux()
		w.harm = make([]float64, l.maxSlots)
		for range l.maxSlots {
			w.slot = append(w.slot, make([]float64, BlockSize))
		}
		for range l.dims {
			w.portHarm = append(w.portHarm, make([]float64, BlockSize))
		}
	}
	w.activity = make([][]float64, len(e.actors))
	for i, a := range e.actors {
		if a.activity != nil {
			w.activity[i] = make([]float64, BlockSize)
		}
	}
	for range e.scopes() {
		if e.dense {
			w.sketches = append(w.sketches, newDenseSketch())
		} else {
			w.sketches = append(w.sketches, newSketch())
		}
	}
	return w
}

// block simulates trials [first, first+n) scenario by scenario and returns
// the block's moments per scope (and window counts).
func (w *worker) block(e *engine, first, n int64) (blockStats, error) {
	for i, a := range e.actors {
		if a.activity == nil {
			continue
		}
		act := w.activity[i][:n]
		for t := range act {
			w.st.at(a.key, first+int64(t))
			act[t] = a.activity.Sample(w.st.Rand)
		}
	}
	total := w.total[:n]
	clear(total)
	out := make([]moments, e.scopes())
	var wins []windowCount
	if l := e.layout; l != nil {
		wins = make([]windowCount, l.windows)
		for d := range w.portHarm {
			clear(w.portHarm[d][:n])
		}
	}
	var totalEvents int64
	for si := range e.scenarios {
		s := &e.scenarios[si]
		var act []float64
		if s.actor >= 0 {
			act = w.activity[s.actor]
		}
		loss := w.loss[:n]
		var events int64
		ext := s.extended()
		var win []windowCount
		if ext {
			w.aux.fit(s)
			if b := e.layout.winBase[si]; b >= 0 {
				win = wins[b : b+len(s.windows)]
			}
		}
		for t := range loss {
			w.st.at(s.key, first+int64(t))
			a := 1.0
			if act != nil {
				a = act[t]
			}
			var x float64
			var k int64
			if ext {
				harm := w.harm[:len(s.harms)]
				x, k = s.year(w.st, w.aux, first+int64(t), a, harm, win)
				for j, h := range harm {
					w.slot[j][t] = h
					w.portHarm[s.harms[j].dim][t] += h
				}
			} else {
				x, k = s.trial(w.st, a)
			}
			if k > MaxLossEvents {
				return blockStats{}, model.Errorf(model.EINVALID, "scenario %q: %d loss events in one simulated year (more than %d): "+
					"frequency × vulnerability is too large to simulate event by event; model fewer, larger events", s.id, k, MaxLossEvents)
			}
			loss[t] = x
			total[t] += x
			events += k
		}
		totalEvents += events
		out[si] = summarize(loss, events, e.tolerance, w.sketches[si])
		if !out[si].finite() {
			return blockStats{}, model.Errorf(model.EINVALID, "scenario %q: annual losses overflow (beyond %g): its magnitudes or frequency are far too large", s.id, math.MaxFloat64)
		}
		for j, h := range s.harms {
			k := e.layout.harmBase[si] + j
			out[k] = summarize(w.slot[j][:n], 0, e.layout.harmTol[h.dim], w.sketches[k])
			if !out[k].finite() {
				return blockStats{}, model.Errorf(model.EINVALID, "scenario %q: annual harms overflow (beyond %g): its harms or frequency are far too large", s.id, math.MaxFloat64)
			}
		}
	}
	out[len(e.scenarios)] = summarize(total, totalEvents, e.tolerance, w.sketches[len(e.scenarios)])
	if !out[len(e.scenarios)].finite() {
		return blockStats{}, model.Errorf(model.EINVALID, "the portfolio's annual losses overflow (beyond %g): magnitudes or frequencies are far too large", math.MaxFloat64)
	}
	if l := e.layout; l != nil {
		for d := range l.dims {
			k := l.portHarm + d
			out[k] = summarize(w.portHarm[d][:n], 0, l.harmTol[d], w.sketches[k])
			if !out[k].finite() {
				return blockStats{}, model.Errorf(model.EINVALID, "the portfolio's annual harms overflow (beyond %g): harms or frequencies are far too large", math.MaxFloat64)
			}
		}
	}
	return blockStats{moments: out, windows: wins}, nil
}

// result assembles the Result of a finished run.
func (a *accumulator) result(m *model.Model, opt Options) *Result {
	res := &Result{Model: m.Name, Trials: opt.Trials, Seed: opt.Seed, Currency: m.Currency}
	ns := len(m.Scenarios)
	for i := range ns {
		r := ScenarioResult{ID: m.Scenarios[i].ID}
		r.Mean, r.SD, r.PNoLoss, r.Quantiles, r.Exceedance, r.Stats = summary(a.moments[i], a.sketches[i])
		r.LossEventsPerYear = r.Stats.LossEventsPerYear
		res.Scenarios = append(res.Scenarios, r)
	}
	p := &res.Portfolio
	p.Mean, p.SD, p.PNoLoss, p.Quantiles, p.Exceedance, p.Stats = summary(a.moments[ns], a.sketches[ns])
	// The portfolio's mean is the sum of its scenarios' means, in model
	// order: the same number, to rounding, as the mean of the per-trial
	// totals, and what a plan adds up for any portfolio without
	// simulating it in full.
	p.Mean = 0
	for _, r := range res.Scenarios {
		p.Mean += r.Mean
	}
	if len(m.Tolerance) > 0 {
		p.Tolerance = &Tolerance{Points: []TolerancePoint{}}
		for i, t := range m.Tolerance {
			pr := p.Stats.ToleranceExceedance[i]
			p.Tolerance.Points = append(p.Tolerance.Points, TolerancePoint{Loss: t.Loss, Probability: pr, Limit: t.Probability})
			if pr > t.Probability {
				p.Tolerance.Breached = true
			}
		}
	}
	a.harmResults(m, res)
	return res
}

func defaultWorkers() int { return runtime.GOMAXPROCS(0) }

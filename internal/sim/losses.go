package sim

import (
	"context"
	"math"
	"sync"
	"sync/atomic"

	"github.com/scrutin/scrutin/internal/model"
)

// ScenarioLosses are one scenario's annual losses, trial by trial, from the
// same random streams as Run: the sum over scenarios of their losses in a
// trial is the portfolio's loss in that trial. Planning combines them to
// compare portfolios of controls on common random numbers without
// simulating every portfolio in full.
type ScenarioLosses struct {
	Loss   []float64 // per trial
	Mean   float64   // mean annual loss, computed as Run computes a scenario's
	Events int64     // loss events over all trials
	// Harm holds, per harm dimension of the model (in model order), the
	// scenario's annual harm per trial, nil for a dimension it does not
	// draw; HarmMean the means, computed as Run computes a scenario's
	// harm mean. Both are nil unless harms were asked for (HarmLosses,
	// HarmLossSummary); Harm is nil, too, in a summary.
	Harm     [][]float64
	HarmMean []float64
}

// Losses simulates the annual losses of one scenario of m under opt (its
// Controls and Fix apply). The result does not depend on opt.Workers.
func Losses(ctx context.Context, m *model.Model, opt Options, scenario string) (*ScenarioLosses, error) {
	return losses(ctx, m, opt, scenario, true, false)
}

// HarmLosses is Losses with the scenario's annual harms in every
// dimension, trial by trial, from the same random streams as Run: the
// sum over scenarios of their harms in a dimension in a trial is the
// portfolio's harm in that trial.
func HarmLosses(ctx context.Context, m *model.Model, opt Options, scenario string) (*ScenarioLosses, error) {
	return losses(ctx, m, opt, scenario, true, true)
}

// HarmLossSummary is HarmLosses without the per-trial losses and harms:
// the means and the loss events.
func HarmLossSummary(ctx context.Context, m *model.Model, opt Options, scenario string) (*ScenarioLosses, error) {
	return losses(ctx, m, opt, scenario, false, true)
}

// LossSummary is Losses without the per-trial losses (Loss is nil): the
// mean and the loss events, in memory that does not grow with the trials.
func LossSummary(ctx context.Context, m *model.Model, opt Options, scenario string) (*ScenarioLosses, error) {
	return losses(ctx, m, opt, scenario, false, false)
}

func losses(ctx context.Context, m *model.Model, opt Options, scenario string, keep, harms bool) (*ScenarioLosses, error) {
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
	si := e.scenarioIndex(scenario)
	if si < 0 {
		return nil, model.Errorf(model.EINVALID, "unknown scenario %q", scenario)
	}
	return e.losses(ctx, opt, si, keep, harms, len(m.Harms))
}

// losses simulates scenario si; with harms, its harms too, in each of the
// model's dims dimensions.
func (e *engine) losses(ctx context.Context, opt Options, si int, keep, harms bool, dims int) (*ScenarioLosses, error) {
	s := &e.scenarios[si]
	want := harms // the caller wants harms, which s may not have
	harms = harms && len(s.harms) > 0
	slots := len(s.harms)
	blocks := (opt.Trials + BlockSize - 1) / BlockSize
	workers := opt.Workers
	if workers <= 0 {
		workers = defaultWorkers()
	}
	workers = int(min(int64(workers), blocks))
	out := &ScenarioLosses{}
	if keep {
		out.Loss = make([]float64, opt.Trials)
	}
	if harms {
		out.HarmMean = make([]float64, dims)
		if keep {
			out.Harm = make([][]float64, dims)
			for _, h := range s.harms {
				out.Harm[h.dim] = make([]float64, opt.Trials)
			}
		}
	} else if want {
		out.HarmMean = make([]float64, dims)
		if keep {
			out.Harm = make([][]float64, dims)
		}
	}
	sums := make([]float64, blocks)
	events := make([]int64, blocks)
	var harmSums [][]float64 // per block, per slot
	if harms {
		harmSums = make([][]float64, blocks)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var tooMany atomic.Bool
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := newStream()
			x := newAux()
			x.fit(s)
			var act []float64
			var harm []float64
			if harms {
				harm = make([]float64, slots)
			}
			var a actor
			if s.actor >= 0 {
				a = e.actors[s.actor]
				if a.activity != nil {
					act = make([]float64, BlockSize)
				}
			}
			for ctx.Err() == nil && !tooMany.Load() {
				b := next.Add(1) - 1
				if b >= blocks {
					return
				}
				first := b * BlockSize
				n := min(BlockSize, opt.Trials-first)
				if act != nil {
					for t := range n {
						st.at(a.key, first+t)
						act[t] = a.activity.Sample(st.Rand)
					}
				}
				var sum float64
				var ev int64
				var hs []float64
				if harms {
					hs = make([]float64, slots)
				}
				for t := range n {
					st.at(s.key, first+t)
					a := 1.0
					if act != nil {
						a = act[t]
					}
					var loss float64
					var k int64
					if harms || len(s.timed) > 0 {
						// Timing changes the losses; harm is nil when harms
						// are not asked for.
						loss, k = s.year(st, x, first+t, a, harm, nil)
					} else {
						loss, k = s.trial(st, a)
					}
					if k > MaxLossEvents {
						tooMany.Store(true)
						return
					}
					if keep {
						out.Loss[first+t] = loss
					}
					sum += loss
					ev += k
					for j, h := range harm {
						if keep {
							out.Harm[s.harms[j].dim][first+t] = h
						}
						hs[j] += h
					}
				}
				sums[b], events[b] = sum, ev
				if harms {
					harmSums[b] = hs
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if tooMany.Load() {
		return nil, model.Errorf(model.EINVALID, "scenario %q: more than %d loss events in one simulated year: "+
			"frequency × vulnerability is too large to simulate event by event; model fewer, larger events", s.id, MaxLossEvents)
	}
	var total float64
	for b := range blocks {
		total += sums[b]
		out.Events += events[b]
	}
	out.Mean = total / float64(opt.Trials)
	if harms {
		// Block sums added in block order, as Run merges a harm scope's
		// moments, for the same bits.
		for j, h := range s.harms {
			var t float64
			for b := range blocks {
				t += harmSums[b][j]
			}
			if !finite(t) {
				return nil, model.Errorf(model.EINVALID, "scenario %q: annual harms overflow (beyond %g): its harms or frequency are far too large", s.id, math.MaxFloat64)
			}
			out.HarmMean[h.dim] = t / float64(opt.Trials)
		}
	}
	return out, nil
}

func finite(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) }

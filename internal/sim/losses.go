package sim

import (
	"context"
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
}

// Losses simulates the annual losses of one scenario of m under opt (its
// Controls and Fix apply). The result does not depend on opt.Workers.
func Losses(ctx context.Context, m *model.Model, opt Options, scenario string) (*ScenarioLosses, error) {
	return losses(ctx, m, opt, scenario, true)
}

// LossSummary is Losses without the per-trial losses (Loss is nil): the
// mean and the loss events, in memory that does not grow with the trials.
func LossSummary(ctx context.Context, m *model.Model, opt Options, scenario string) (*ScenarioLosses, error) {
	return losses(ctx, m, opt, scenario, false)
}

func losses(ctx context.Context, m *model.Model, opt Options, scenario string, keep bool) (*ScenarioLosses, error) {
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
	return e.losses(ctx, opt, si, keep)
}

func (e *engine) losses(ctx context.Context, opt Options, si int, keep bool) (*ScenarioLosses, error) {
	s := &e.scenarios[si]
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
	sums := make([]float64, blocks)
	events := make([]int64, blocks)
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
				for t := range n {
					st.at(s.key, first+t)
					a := 1.0
					if act != nil {
						a = act[t]
					}
					var loss float64
					var k int64
					if len(s.timed) > 0 {
						// Timing changes the losses; harms are not needed here.
						loss, k = s.year(st, x, first+t, a, nil, nil)
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
				}
				sums[b], events[b] = sum, ev
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
	return out, nil
}

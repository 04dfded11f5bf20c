package sim

import (
	"math"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/scrutin/scrutin/internal/model"
)

// FromLosses is the result Run gives when its scenarios' annual losses are
// losses (per scenario in model order, one per trial, as Losses returns
// them with the same options) and their loss events number events: the
// same figures, bit for bit. A plan describes the portfolios it
// compares with it, so that its figures are those of `scrutin run` with
// the same controls.
func FromLosses(m *model.Model, opt Options, losses [][]float64, events []int64) (*Result, error) {
	ns := len(m.Scenarios)
	if len(losses) != ns || len(events) != ns {
		return nil, model.Errorf(model.EINVALID, "losses of %d scenarios given for a model of %d", len(losses), ns)
	}
	for i, l := range losses {
		if int64(len(l)) != opt.Trials {
			return nil, model.Errorf(model.EINVALID, "scenario %q: %d annual losses given for %d trials", m.Scenarios[i].ID, len(l), opt.Trials)
		}
	}
	if opt.Trials < 1 {
		return nil, model.Errorf(model.EINVALID, "the number of trials must be at least 1, got %d", opt.Trials)
	}
	var tol []float64
	for _, t := range m.Tolerance {
		tol = append(tol, t.Loss)
	}
	acc := &accumulator{moments: make([]moments, ns+1), tol: tol}
	for range ns + 1 {
		acc.sketches = append(acc.sketches, newSketch())
	}
	total := make([]float64, BlockSize)
	for first := int64(0); first < opt.Trials; first += BlockSize {
		n := min(BlockSize, opt.Trials-first)
		total := total[:n]
		clear(total)
		var totalEvents int64
		for si := range ns {
			block := losses[si][first : first+n]
			for t, x := range block {
				total[t] += x
			}
			var ev int64
			if first == 0 {
				ev = events[si] // only the sums of events matter
			}
			totalEvents += ev
			b := summarize(block, ev, tol, acc.sketches[si])
			if !b.finite() {
				return nil, model.Errorf(model.EINVALID, "scenario %q: annual losses overflow (beyond %g): its magnitudes or frequency are far too large", m.Scenarios[si].ID, math.MaxFloat64)
			}
			acc.moments[si].merge(b)
		}
		b := summarize(total, totalEvents, tol, acc.sketches[ns])
		if !b.finite() {
			return nil, model.Errorf(model.EINVALID, "the portfolio's annual losses overflow (beyond %g): magnitudes or frequencies are far too large", math.MaxFloat64)
		}
		acc.moments[ns].merge(b)
	}
	res := acc.result(m, opt)
	inForce := opt.Controls
	if inForce == nil {
		inForce = m.Implemented()
	}
	res.Controls = append([]string{}, inForce...)
	return res, nil
}

// Quantile is the q-quantile (0 ≤ q ≤ 1) of annual losses xs as a run
// gives it: the value of the sketch bin that holds the ⌊q·(N−1)⌋-th
// smallest of the N losses (from 0), at most the largest loss. It is
// the same number as the run's P90, P95 or P99 of a scope with these
// losses.
func Quantile(xs []float64, q float64) float64 {
	sk := newSketch()
	var m moments
	for first := 0; first < len(xs); first += BlockSize {
		m.merge(summarize(xs[first:min(first+BlockSize, len(xs))], 0, nil, sk))
	}
	return quantileAt(sk, q, m.Max)
}

// quantileAt reads the q-quantile off sk, capped at the largest loss (a
// bin's value may overshoot it).
func quantileAt(sk *ddsketch.DDSketch, q, max float64) float64 {
	v, err := sk.GetValueAtQuantile(q)
	if err != nil || math.IsNaN(v) {
		return 0
	}
	return math.Min(v, max)
}

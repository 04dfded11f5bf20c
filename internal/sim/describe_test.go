package sim

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/model"
)

// moneyOnly is r without its harms, windows and verdict.
func moneyOnly(r *Result) *Result {
	r.Verdict, r.Portfolio.Harms = nil, nil
	for i := range r.Scenarios {
		r.Scenarios[i].Harms, r.Scenarios[i].Windows = nil, nil
	}
	return r
}

// TestFromLossesIsRun: a result assembled from the scenarios' per-trial
// losses is Run's, bit for bit, statistics beyond the JSON included, for
// several trial counts (a partial last block, one trial) and controls.
// FromLosses gives the money only: the run's harms, windows and verdict
// (the example declares harms and a calendar) are left out of the
// comparison, the money must not move because of them.
func TestFromLossesIsRun(t *testing.T) {
	m, err := model.Decode("election.yaml", examples.Election())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		trials   int64
		controls []string
	}{{1, nil}, {BlockSize - 1, nil}, {3*BlockSize + 101, nil}, {5000, []string{"security-keys", "staff-training"}}} {
		opt := Options{Trials: c.trials, Seed: 9, Controls: c.controls}
		if opt.Controls != nil {
			if opt.Controls, err = m.InForce(c.controls, nil); err != nil {
				t.Fatal(err)
			}
		}
		run := moneyOnly(mustRun(t, m, opt))
		var losses [][]float64
		var events []int64
		for _, s := range m.Scenarios {
			l, err := Losses(context.Background(), m, opt, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			losses, events = append(losses, l.Loss), append(events, l.Events)
		}
		got, err := FromLosses(m, opt, losses, events)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, run) {
			t.Errorf("%d trials, controls %v: FromLosses differs from Run\n%s\n%s", c.trials, c.controls, resultJSON(t, got), resultJSON(t, run))
		}
		// Quantile is the run's quantile of the same losses.
		total := make([]float64, c.trials)
		for _, l := range losses {
			for i, x := range l {
				total[i] += x
			}
		}
		q := run.Portfolio.Quantiles
		for _, w := range []struct{ q, want float64 }{{0.1, q.P10}, {0.5, q.P50}, {0.9, q.P90}, {0.95, q.P95}, {0.99, q.P99}, {0.999, q.P999}} {
			if got := Quantile(total, w.q); got != w.want {
				t.Errorf("%d trials: Quantile(%v) = %v, the run's %v", c.trials, w.q, got, w.want)
			}
		}
	}
	if _, err := FromLosses(m, Options{Trials: 10, Seed: 1}, nil, nil); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("losses of no scenario: %v", err)
	}
}

// TestQuantileDefinition: the quantile is the sketch's value of the
// ⌊q·(N−1)⌋-th smallest loss (from 0), within the sketch's accuracy of
// it, at most the largest loss, and 0 when that year has no loss.
func TestQuantileDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 10, 999, 5000} {
		xs := make([]float64, n)
		for i := range xs {
			if r.IntN(3) > 0 {
				xs[i] = math.Exp(r.NormFloat64()*2 + 10)
			}
		}
		sorted := slices.Sorted(slices.Values(xs))
		for _, q := range []float64{0, 0.1, 0.5, 0.9, 0.95, 0.99, 1} {
			exact := sorted[int(math.Floor(q*float64(n-1)))]
			got := Quantile(xs, q)
			if math.Abs(got-exact) > RelativeAccuracy*exact || got > sorted[n-1] || (exact == 0) != (got == 0) {
				t.Errorf("n %d, q %v: %v, the order statistic %v", n, q, got, exact)
			}
		}
	}
	// An atom: every year the same loss, which the sketch gives within its
	// accuracy, not exactly.
	if got := Quantile([]float64{400_000, 400_000, 400_000}, 0.9); got > 400_000 || got < 400_000*(1-RelativeAccuracy) {
		t.Errorf("atom: %v", got)
	}
}

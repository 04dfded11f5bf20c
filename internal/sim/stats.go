package sim

import (
	"math"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/mapping"
	"github.com/DataDog/sketches-go/ddsketch/store"
)

// RelativeAccuracy is the relative accuracy of quantiles and of the loss
// exceedance curve (0.1 %).
const RelativeAccuracy = 0.001

// moments are the exact statistics of one scope (a scenario or the
// portfolio) over a run of consecutive trials. Merging them in trial order
// gives the same bits whatever the number of cores.
type moments struct {
	N      int64   // trials
	Sum    float64 // sum of the annual losses, block sums added in trial order
	Mean   float64 // mean annual loss (for the pairwise update of M2)
	M2     float64 // sum of squared deviations from the mean
	Zeros  int64   // trials without loss
	Events int64   // loss events
	Max    float64 // largest annual loss
	Exceed []int64 // trials whose loss exceeds each tolerance loss
}

// summarize computes the moments of the annual losses xs (two-pass: exact
// mean, then squared deviations), and adds the losses to sk.
func summarize(xs []float64, events int64, tolerance []float64, sk *ddsketch.DDSketch) moments {
	m := moments{N: int64(len(xs)), Events: events, Exceed: make([]int64, len(tolerance))}
	if len(xs) == 0 {
		return m
	}
	var sum float64
	for _, x := range xs {
		sum += x
		if x > m.Max {
			m.Max = x
		}
		if x == 0 {
			m.Zeros++
		} else {
			sk.Add(x)
		}
		for i, t := range tolerance {
			if x > t {
				m.Exceed[i]++
			}
		}
	}
	if m.Zeros > 0 {
		sk.AddWithCount(0, float64(m.Zeros))
	}
	m.Sum = sum
	m.Mean = sum / float64(len(xs))
	for _, x := range xs {
		d := x - m.Mean
		m.M2 += d * d
	}
	return m
}

// merge adds the moments of the trials that follow (Chan, Golub and
// LeVeque's pairwise update).
func (a *moments) merge(b moments) {
	if b.N == 0 {
		return
	}
	if a.N == 0 {
		*a = b
		a.Exceed = append([]int64(nil), b.Exceed...)
		return
	}
	n := a.N + b.N
	delta := b.Mean - a.Mean
	a.Mean += delta * float64(b.N) / float64(n)
	a.M2 += b.M2 + delta*delta*float64(a.N)*float64(b.N)/float64(n)
	a.N = n
	a.Sum += b.Sum
	a.Zeros += b.Zeros
	a.Events += b.Events
	a.Max = math.Max(a.Max, b.Max)
	for i := range a.Exceed {
		a.Exceed[i] += b.Exceed[i]
	}
}

// finite reports whether the moments are finite numbers. Their square
// sums overflow first, so a finite M2 vouches for the rest.
func (a moments) finite() bool {
	return !math.IsInf(a.M2, 0) && !math.IsNaN(a.M2) && !math.IsInf(a.Mean, 0) && !math.IsNaN(a.Mean) &&
		!math.IsInf(a.Sum, 0) && !math.IsNaN(a.Sum)
}

// mean is the mean annual loss: the sum of the losses (block sums added
// in trial order) over the number of trials. Losses computes a scenario's
// mean the same way, so that a plan's means are a run's, bit for bit.
func (a moments) mean() float64 {
	if a.N == 0 {
		return 0
	}
	return a.Sum / float64(a.N)
}

// sd is the sample standard deviation.
func (a moments) sd() float64 {
	if a.N < 2 {
		return 0
	}
	return math.Sqrt(a.M2 / float64(a.N-1))
}

// newSketch returns an empty relative-error sketch. Its bins count whole
// trials, so merging sketches in any order gives the same sketch.
func newSketch() *ddsketch.DDSketch {
	m, err := mapping.NewLogarithmicMapping(RelativeAccuracy)
	if err != nil {
		panic(err) // RelativeAccuracy is a valid constant
	}
	return ddsketch.NewDDSketch(m, store.NewBufferedPaginatedStore(), store.NewBufferedPaginatedStore())
}

// newDenseSketch is newSketch with dense stores: faster to fill from
// empty (no buffer to sort), for the short-lived sketches of a partial.
// The bins hold the same counts, so results do not change.
func newDenseSketch() *ddsketch.DDSketch {
	m, err := mapping.NewLogarithmicMapping(RelativeAccuracy)
	if err != nil {
		panic(err)
	}
	return ddsketch.NewDDSketch(m, store.NewDenseStore(), store.NewDenseStore())
}

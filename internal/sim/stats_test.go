package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMomentsMerge: moments merged block by block equal the moments of the
// whole, and quantiles from merged sketches stay within the relative
// accuracy of the exact order statistics.
func TestMomentsMergeAndSketch(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	xs := make([]float64, 100_000)
	for i := range xs {
		if r.Float64() < 0.3 {
			continue // a year without loss
		}
		xs[i] = math.Exp(10 + 2*r.NormFloat64())
	}
	tol := []float64{1e4, 1e6}
	whole := summarize(xs, 7, tol, newSketch())

	var merged moments
	sk := newSketch()
	for i := 0; i < len(xs); i += 3000 {
		part := newSketch()
		merged.merge(summarize(xs[i:min(i+3000, len(xs))], 0, tol, part))
		if err := sk.MergeWith(part); err != nil {
			t.Fatal(err)
		}
	}
	if merged.N != whole.N || merged.Zeros != whole.Zeros || merged.Max != whole.Max || !slices.Equal(merged.Exceed, whole.Exceed) {
		t.Errorf("merged %+v, whole %+v", merged, whole)
	}
	if math.Abs(merged.Mean-whole.Mean) > 1e-12*whole.Mean || math.Abs(merged.M2-whole.M2) > 1e-9*whole.M2 {
		t.Errorf("merged mean/M2 %v/%v, whole %v/%v", merged.Mean, merged.M2, whole.Mean, whole.M2)
	}

	// Exact mean and sd.
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	if math.Abs(whole.Mean-mean) > 1e-12*mean || math.Abs(whole.sd()-math.Sqrt(ss/float64(len(xs)-1))) > 1e-9*whole.sd() {
		t.Errorf("mean %v sd %v, want %v %v", whole.Mean, whole.sd(), mean, math.Sqrt(ss/float64(len(xs)-1)))
	}

	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	for _, q := range []float64{0.1, 0.29, 0.31, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1} {
		want := sorted[int(q*float64(len(sorted)-1))]
		got, err := sk.GetValueAtQuantile(q)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > RelativeAccuracy*want*1.000001 {
			t.Errorf("q%.3f = %v, exact %v: relative error %.2g > %g", q, got, want, math.Abs(got-want)/want, RelativeAccuracy)
		}
	}
	for i, lim := range tol {
		n := int64(0)
		for _, x := range xs {
			if x > lim {
				n++
			}
		}
		if whole.Exceed[i] != n {
			t.Errorf("exceed[%d] = %d, want %d", i, whole.Exceed[i], n)
		}
	}
}

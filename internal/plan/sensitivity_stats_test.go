package plan

import (
	"math"
	"testing"

	"github.com/scrutin/scrutin/internal/dist"
)

// TestSensQuadrature: for a response linear in the input, yᵀAy is the
// input's variance times the slope squared, tails included; a constant
// response has none.
func TestSensQuadrature(t *testing.T) {
	u, _ := dist.NewUniform(2, 6)
	ln, _ := dist.NewLognormal(0, 1.4)
	pert, _ := dist.NewPERT(0.5, 2, 10, 4)
	for _, c := range []struct {
		name string
		d    dist.Dist
		tol  float64
	}{{"uniform", u, 1e-4}, {"lognormal", ln, 1e-3}, {"pert", pert, 1e-4}} {
		var xs, y, flat []float64
		for k := range 15 {
			x := c.d.Quantile((float64(k) + 0.5) / 15)
			xs = append(xs, x)
			y = append(y, 3*x+7)
			flat = append(flat, 7)
		}
		f := sensQuadrature(c.d, xs)
		want := 9 * c.d.Variance()
		if got := f.value(y); math.Abs(got-want) > c.tol*want {
			t.Errorf("%s: %g, want %g", c.name, got, want)
		}
		if got := f.value(flat); math.Abs(got) > 1e-9 {
			t.Errorf("%s: constant response gives %g", c.name, got)
		}
		// The gradient: Ay, with yᵀAy = yᵀ(Ay).
		var dot float64
		for i, g := range f.grad(y) {
			dot += g * y[i]
		}
		if math.Abs(dot-f.value(y)) > 1e-9*want {
			t.Errorf("%s: yᵀAy %g, y·grad %g", c.name, f.value(y), dot)
		}
	}
	// The plain variance of the 15 node values misses most of a heavy
	// tail: that is why the form integrates over the whole distribution.
	var xs []float64
	for k := range 15 {
		xs = append(xs, ln.Quantile((float64(k)+0.5)/15))
	}
	var mean, v float64
	for _, x := range xs {
		mean += x / 15
	}
	for _, x := range xs {
		v += (x - mean) * (x - mean) / 15
	}
	if v > 0.5*ln.Variance() {
		t.Errorf("the node values' variance %g is not far below the lognormal's %g", v, ln.Variance())
	}
	// Tied nodes (a flat stretch) and a single distinct value.
	f := sensQuadrature(u, []float64{2, 3, 3, 5})
	if got, want := f.value([]float64{6, 9, 9, 15}), 9*u.Variance(); math.Abs(got-want) > 1e-4*want {
		t.Errorf("tied nodes: %g, want %g", got, want)
	}
	if got := sensQuadrature(u, []float64{4, 4}).value([]float64{1, 2}); got != 0 {
		t.Errorf("one distinct node: %g", got)
	}
}

// TestSensitivityStandardError: the reported standard error of a share
// matches the spread of the share over seeds.
func TestSensitivityStandardError(t *testing.T) {
	if testing.Short() {
		t.Skip("30 analyses")
	}
	m := sensModel(t, sensLinearModel)
	const seeds = 30
	var shares []float64
	var se float64
	for seed := range uint64(seeds) {
		r := sensRun(t, m, SensitivityOptions{Trials: 5000, Seed: seed + 1})
		in := sensFind(t, r, "s1: frequency")
		shares = append(shares, in.VarianceShare)
		se += in.VarianceShareSE / seeds
	}
	var mean, sd float64
	for _, s := range shares {
		mean += s / seeds
	}
	for _, s := range shares {
		sd += (s - mean) * (s - mean) / (seeds - 1)
	}
	sd = math.Sqrt(sd)
	t.Logf("share %.4f: spread over seeds %.4f, mean standard error %.4f", mean, sd, se)
	if se < sd/1.6 || se > sd*1.6 {
		t.Errorf("standard error %.4f, spread over seeds %.4f", se, sd)
	}
}

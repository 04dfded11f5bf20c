package plan

import (
	"math"

	"github.com/scrutin/scrutin/internal/dist"
)

// Var(E[L | X]) is computed from the conditional mean annual losses
// y_1 … y_K at nodes x_1 ≤ … ≤ x_K of the input X, as a quadratic form
// yᵀAy: ĝ, the piecewise-linear curve through the (x_k, y_k), extended
// linearly beyond the end nodes, is integrated against the input's whole
// distribution. ĝ is linear in y, so Var(ĝ(X)) = yᵀAy with A = B − aaᵀ,
// a_k = E[c_k(X)] and B_kl = E[c_k(X)c_l(X)], c(x) the interpolation
// weights (at most two non-zero, so B is tridiagonal). The weights sum to
// 1, so A annihilates constants: adding the same amount to every node mean
// changes nothing.
//
// Integrating over the whole distribution matters: the plain variance of
// K conditional means at the quantiles (k − 0.5)/K misses the tails beyond
// the end nodes, which for a lognormal is most of its variance (71 % at
// σ = 1.4 with K = 20).

// sensForm is the quadratic form yᵀAy = Σ diag_k y_k² + 2 Σ off_k y_k y_k+1 − (aᵀy)².
type sensForm struct {
	a, diag, off []float64
}

const (
	sensZMax  = 7.5  // quadrature over the normal score z of the input, |z| ≤ 7.5
	sensZStep = 0.02 // trapezoid step; the integrand is smooth but for ĝ's kinks
)

// sensQuadrature returns the form for nodes xs (non-decreasing) of an input
// distributed as d. The expectations over X are taken on the normal score
// z = Φ⁻¹(F(X)) with the trapezoid rule, so heavy tails are covered to
// 7.5 standard scores (beyond lies 6e-14 of the probability).
func sensQuadrature(d dist.Dist, xs []float64) sensForm {
	k := len(xs)
	f := sensForm{a: make([]float64, k), diag: make([]float64, k), off: make([]float64, max(k-1, 0))}
	var segs []int // k with xs[k] < xs[k+1]: the pieces of ĝ
	for i := 0; i+1 < k; i++ {
		if xs[i] < xs[i+1] {
			segs = append(segs, i)
		}
	}
	if len(segs) == 0 {
		return f // a constant input: ĝ is flat, the form is zero
	}
	steps := int(math.Round(2 * sensZMax / sensZStep))
	var total float64
	for j := 0; j <= steps; j++ {
		z := -sensZMax + float64(j)*sensZStep
		x := d.Quantile(0.5 * math.Erfc(-z/math.Sqrt2))
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		w := math.Exp(-z * z / 2)
		if j == 0 || j == steps {
			w /= 2
		}
		// The piece holding x; below the first or above the last node,
		// the end piece extended.
		lo, hi := 0, len(segs)-1
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if xs[segs[mid]] <= x {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		i := segs[lo]
		t := (x - xs[i]) / (xs[i+1] - xs[i])
		c0, c1 := 1-t, t
		f.a[i] += w * c0
		f.a[i+1] += w * c1
		f.diag[i] += w * c0 * c0
		f.diag[i+1] += w * c1 * c1
		f.off[i] += w * c0 * c1
		total += w
	}
	for i := range f.a {
		f.a[i] /= total
		f.diag[i] /= total
	}
	for i := range f.off {
		f.off[i] /= total
	}
	return f
}

// sensLine is the form for a response known to be linear in X, through
// nodes x1 < x2: Var(E[L | X]) = ((y2 − y1)/(x2 − x1))² · Var(X), with the
// distribution's exact variance (heavy tails included).
func sensLine(d dist.Dist, x1, x2 float64) sensForm {
	f := sensForm{a: make([]float64, 2), diag: make([]float64, 2), off: make([]float64, 1)}
	v := d.Variance()
	if !(x2 > x1) || math.IsNaN(v) || math.IsInf(v, 0) {
		return f
	}
	c := v / ((x2 - x1) * (x2 - x1))
	f.diag[0], f.diag[1], f.off[0] = c, c, -c
	return f
}

// value is yᵀAy.
func (f sensForm) value(y []float64) float64 {
	var q, ay float64
	for i, v := range y {
		q += f.diag[i] * v * v
		if i+1 < len(y) {
			q += 2 * f.off[i] * v * y[i+1]
		}
		ay += f.a[i] * v
	}
	return q - ay*ay
}

// grad is Ay (half the gradient of yᵀAy).
func (f sensForm) grad(y []float64) []float64 {
	var ay float64
	for i, v := range y {
		ay += f.a[i] * v
	}
	g := make([]float64, len(y))
	for i, v := range y {
		g[i] = f.diag[i]*v - f.a[i]*ay
		if i > 0 {
			g[i] += f.off[i-1] * y[i-1]
		}
		if i+1 < len(y) {
			g[i] += f.off[i] * y[i+1]
		}
	}
	return g
}

// sensEffect is an input's main effect on the annual loss.
type sensEffect struct {
	v     float64 // Var_X(E[L | X]) estimated, noise subtracted (may be < 0)
	noise float64 // the Monte Carlo noise subtracted: tr(AĈ)/N
	share float64 // max(0, v) / Var(L)
	se    float64 // standard error of share
}

// sensMainEffect estimates V = Var_X(E[L | X]) and the share S = V/D of the
// annual loss's variance D, with the standard error of S.
//
// means are the conditional mean annual losses at the nodes and nodes[k][t]
// the losses in trial t with the input at node k, less any amount that is
// the same at every node (only the scenarios the input touches), so that
// means[k] − mean_t nodes[k][t] is the same for every k. total is the
// annual loss of the base run, trial by trial, with variance d.
//
// The conditional means come from N trials, so each carries Monte Carlo
// noise ε with covariance C/N, C the covariance across trials of the vector
// of a trial's losses at the K nodes. That noise inflates the estimate:
// E[m̂ᵀAm̂] = mᵀAm + tr(AC)/N. The same random numbers at every node make
// ε strongly correlated across nodes, and A ignores what the nodes have in
// common, so tr(AC) is much smaller than Var(L) (what independent runs would
// add); it is estimated from the trials themselves and subtracted, which
// makes V unbiased. A V below zero (an input without effect, plus noise) is
// reported as 0.
//
// The standard error is the delta method's, from the trials' influence on
// V and on d, plus the spread of the noise term itself (at most √2 times
// its mean).
func sensMainEffect(f sensForm, means []float64, nodes [][]float32, total []float64, d float64) sensEffect {
	n := len(total)
	if n < 2 || !(d > 0) {
		return sensEffect{}
	}
	k := len(means)
	// tr(AĈ): Ĉ is the sample covariance of the trials' node vectors.
	ybar := make([]float64, k)
	for i, v := range nodes {
		var s float64
		for _, x := range v {
			s += float64(x)
		}
		ybar[i] = s / float64(n)
	}
	y := make([]float64, k)
	var sumQ float64
	for t := range n {
		for i := range k {
			y[i] = float64(nodes[i][t]) - ybar[i]
		}
		sumQ += f.value(y)
	}
	noise := sumQ / float64(n-1) / float64(n)
	v := f.value(means) - noise
	share := math.Max(0, v) / d

	// Influence of trial t on S: (2 gᵀ(y_t − ȳ) − S((L_t − L̄)² − d)) / d.
	g := f.grad(means)
	var lbar float64
	for _, x := range total {
		lbar += x
	}
	lbar /= float64(n)
	var mean, m2 float64
	for t := range n {
		var gy float64
		for i := range k {
			gy += g[i] * (float64(nodes[i][t]) - ybar[i])
		}
		dl := total[t] - lbar
		phi := (2*gy - share*(dl*dl-d)) / d
		// Welford: phi has a large spread and a mean near zero.
		delta := phi - mean
		mean += delta / float64(t+1)
		m2 += delta * (phi - mean)
	}
	first := m2 / float64(n-1) / float64(n)
	second := 2 * (noise / d) * (noise / d)
	return sensEffect{v: v, noise: noise, share: share, se: math.Sqrt(first + second)}
}

// sensVariance is the sample variance of xs (N − 1 in the denominator).
func sensVariance(xs []float64) float64 {
	n := len(xs)
	if n < 2 {
		return 0
	}
	var mean float64
	for _, x := range xs {
		mean += x
	}
	mean /= float64(n)
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return ss / float64(n-1)
}

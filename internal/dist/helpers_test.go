package dist

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Shared statistical helpers of the tests of this package. Every check is
// done with a seeded generator, so a test either always passes or always
// fails; the thresholds are chosen so that a correct implementation would
// fail them only with a tiny probability for any seed.

const (
	// nSamples is the Monte Carlo sample size of the sampling tests.
	nSamples = 200_000
	// nSE is the number of standard errors a Monte Carlo estimate may
	// stray from its exact value.
	nSE = 5
	// ks999 is the asymptotic 0.1 % critical value of √n·D for the
	// one-sample Kolmogorov–Smirnov statistic D (Kolmogorov's K_{0.999}).
	ks999 = 1.94947
)

// newRand returns the seeded generator of the tests.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 2)) }

// moments returns the sample mean, the unbiased sample variance and the
// sample fourth central moment of xs.
func moments(xs []float64) (mean, variance, mu4 float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	var s2, s4 float64
	for _, x := range xs {
		d := (x - mean) * (x - mean)
		s2 += d
		s4 += d * d
	}
	return mean, s2 / (n - 1), s4 / n
}

// varianceSE is the standard error of the sample variance of n draws of a
// distribution with variance v and fourth central moment mu4.
func varianceSE(v, mu4 float64, n int) float64 {
	fn := float64(n)
	return math.Sqrt(math.Max(mu4-v*v*(fn-3)/(fn-1), 0) / fn)
}

// ksStatistic is sup |F_n − F| of the sorted sample xs against cdf. Ties
// (a continuous distribution rounded to float64 can put an atom on a
// float, e.g. Beta(0.05, 0.05) at exactly 1) are compared with the left
// limit F(x−) = cdf(previous float) below them and F(x) at them.
func ksStatistic(sorted []float64, cdf func(float64) float64) float64 {
	n := float64(len(sorted))
	d := 0.0
	for i := 0; i < len(sorted); {
		j := i
		for j < len(sorted) && sorted[j] == sorted[i] {
			j++
		}
		x := sorted[i]
		before, after := float64(i)/n, float64(j)/n
		d = math.Max(d, math.Abs(after-cdf(x)))
		d = math.Max(d, math.Abs(before-cdf(math.Nextafter(x, math.Inf(-1)))))
		i = j
	}
	return d
}

// chi2Critical999 is the 0.999 quantile of the chi-square distribution
// with df degrees of freedom: tabulated up to 10, the Wilson–Hilferty
// approximation above (relative error well under 1 % there).
func chi2Critical999(df int) float64 {
	table := []float64{0, 10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124, 27.877, 29.588}
	if df < len(table) {
		return table[df]
	}
	k := float64(df)
	const z = 3.090232306167813 // Φ⁻¹(0.999)
	c := 1 - 2/(9*k) + z*math.Sqrt(2/(9*k))
	return k * c * c * c
}

// simpson integrates f over [a, b] with the composite Simpson rule on n
// (even) intervals.
func simpson(f func(float64) float64, a, b float64, n int) float64 {
	if n%2 == 1 {
		n++
	}
	h := (b - a) / float64(n)
	s := f(a) + f(b)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(a+float64(i)*h)
	}
	return s * h / 3
}

// sortedCopy returns xs sorted.
func sortedCopy(xs []float64) []float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s
}

// prevFloat and nextFloat are the neighbouring float64 values.
func prevFloat(x float64) float64 { return math.Nextafter(x, math.Inf(-1)) }
func nextFloat(x float64) float64 { return math.Nextafter(x, math.Inf(1)) }

// checkQuantileInverts reports whether x is the quantile at p of cdf to
// within tol and the resolution of float64: x is at most one float away
// from the smallest float with cdf ≥ p (cdf(next float) ≥ p − tol and
// cdf(previous float) ≤ p + tol), and, where cdf moves by no more than tol
// across x's neighbouring floats, |cdf(x) − p| ≤ tol. It returns cdf(x) for
// messages.
func checkQuantileInverts(cdf func(float64) float64, x, p, tol float64) (float64, bool) {
	c := cdf(x)
	if math.IsNaN(c) || math.IsNaN(x) || math.IsInf(x, 0) {
		return c, false
	}
	cPrev, cNext := cdf(prevFloat(x)), cdf(nextFloat(x))
	if cNext < p-tol || cPrev > p+tol {
		return c, false
	}
	if cNext-cPrev <= tol && math.Abs(c-p) > tol {
		return c, false
	}
	return c, true
}

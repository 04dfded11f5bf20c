package dist

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// distCase is one distribution built through New, with its moments
// computed independently of the package (closed forms written differently,
// or numerical integration of a density written here).
type distCase struct {
	name     string
	d        model.Dist
	dom      model.Domain
	mean     float64
	variance float64
	mu4      float64                 // fourth central moment; NaN: estimate it from the sample
	lo, hi   float64                 // support
	pdf      func(x float64) float64 // a bounded density on [lo, hi], or nil
	pdfHi    float64                 // where to stop integrating pdf when hi is +Inf
}

// rawToCentral4 is the fourth central moment from the raw moments m1..m4.
func rawToCentral4(m1, m2, m3, m4 float64) float64 {
	return m4 - 4*m1*m3 + 6*m1*m1*m2 - 3*m1*m1*m1*m1
}

// betaRaw is E[X^k] of Beta(a, b): ∏_{j<k} (a+j)/(a+b+j).
func betaRaw(a, b float64, k int) float64 {
	m := 1.0
	for j := range k {
		m *= (a + float64(j)) / (a + b + float64(j))
	}
	return m
}

func betaDensity(a, b, lo, hi float64) func(float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	r := hi - lo
	logNorm := la + lb - lab + math.Log(r)
	return func(x float64) float64 {
		t := (x - lo) / r
		if t < 0 || t > 1 {
			return 0
		}
		return math.Exp((a-1)*math.Log(t) + (b-1)*math.Log1p(-t) - logNorm)
	}
}

// betaCase is Beta(a, b) on [lo, hi] (a PERT when built from one).
func betaCase(name string, d model.Dist, dom model.Domain, a, b, lo, hi float64) distCase {
	r := hi - lo
	m1, m2, m3, m4 := betaRaw(a, b, 1), betaRaw(a, b, 2), betaRaw(a, b, 3), betaRaw(a, b, 4)
	c := distCase{name: name, d: d, dom: dom,
		mean:     lo + r*m1,
		variance: r * r * (m2 - m1*m1),
		mu4:      r * r * r * r * rawToCentral4(m1, m2, m3, m4),
		lo:       lo, hi: hi}
	if a >= 1 && b >= 1 {
		c.pdf = betaDensity(a, b, lo, hi)
	}
	return c
}

// pertCase is the Vose Beta-PERT, with the textbook mean and variance
// (min + λ·mode + max)/(λ+2) and (μ−min)(max−μ)/(λ+3).
func pertCase(min, mode, max, lambda float64, dom model.Domain) distCase {
	d := model.Dist{Kind: model.PERT, Params: []float64{min, mode, max}}
	l := lambda
	if lambda == 0 {
		l = 4
	} else {
		d.Lambda = lambda
	}
	r := max - min
	a, b := 1+l*(mode-min)/r, 1+l*(max-mode)/r
	c := betaCase(fmt.Sprintf("pert[%g,%g,%g]λ%g", min, mode, max, l), d, dom, a, b, min, max)
	mean := (min + l*mode + max) / (l + 2)
	c.mean = mean
	c.variance = (mean - min) * (max - mean) / (l + 3)
	return c
}

func triangularCase(a, c, b float64, dom model.Domain) distCase {
	mean := (a + b + c) / 3
	ex2 := (a*a + b*b + c*c + a*b + a*c + b*c) / 6
	return distCase{
		name: fmt.Sprintf("triangular[%g,%g,%g]", a, c, b),
		d:    model.Dist{Kind: model.Triangular, Params: []float64{a, c, b}}, dom: dom,
		mean: mean, variance: ex2 - mean*mean, mu4: math.NaN(), lo: a, hi: b,
		pdf: func(x float64) float64 {
			switch {
			case x < a || x > b:
				return 0
			case x < c:
				return 2 * (x - a) / ((b - a) * (c - a))
			case x == c:
				return 2 / (b - a)
			}
			return 2 * (b - x) / ((b - a) * (b - c))
		}}
}

func uniformCase(a, b float64, dom model.Domain) distCase {
	return distCase{
		name: fmt.Sprintf("uniform[%g,%g]", a, b),
		d:    model.Dist{Kind: model.Uniform, Params: []float64{a, b}}, dom: dom,
		mean: (a + b) / 2, variance: (b - a) * (b - a) / 12, mu4: math.Pow(b-a, 4) / 80,
		lo: a, hi: b,
		pdf: func(x float64) float64 {
			if x < a || x > b {
				return 0
			}
			return 1 / (b - a)
		}}
}

func lognormalMoments(c *distCase, mu, sigma float64) {
	raw := func(k float64) float64 { return math.Exp(k*mu + k*k*sigma*sigma/2) }
	m1, m2, m3, m4 := raw(1), raw(2), raw(3), raw(4)
	c.mean, c.variance, c.mu4 = m1, m2-m1*m1, rawToCentral4(m1, m2, m3, m4)
	c.lo, c.hi = 0, math.Inf(1)
}

func lognormalCase(mu, sigma float64) distCase {
	c := distCase{name: fmt.Sprintf("lognormal{%g,%g}", mu, sigma),
		d: model.Dist{Kind: model.Lognormal, Params: []float64{mu, sigma}}, dom: model.NonNegative}
	lognormalMoments(&c, mu, sigma)
	return c
}

// z95Table is Φ⁻¹(0.95) = 1.64485362695147271…, rounded to float64.
const z95Table = 1.6448536269514726

func lognormal90Case(p5, p95 float64) distCase {
	c := distCase{name: fmt.Sprintf("lognormal90[%g,%g]", p5, p95),
		d: model.Dist{Kind: model.Lognormal90, Params: []float64{p5, p95}}, dom: model.NonNegative}
	lognormalMoments(&c, (math.Log(p5)+math.Log(p95))/2, (math.Log(p95)-math.Log(p5))/(2*z95Table))
	return c
}

// truncNormalCase computes the moments of N(mu, sd²) truncated to the
// domain by Simpson integration of its density.
func truncNormalCase(mu, sd float64, dom model.Domain) distCase {
	lo, hi := 0.0, math.Inf(1)
	if dom == model.Probability {
		hi = 1
	}
	// The density relative to its value at x0, the point of [lo, hi]
	// nearest mu, so that far truncations do not underflow.
	x0 := math.Min(math.Max(mu, lo), hi)
	w := func(x float64) float64 {
		if x < lo || x > hi {
			return 0
		}
		return math.Exp(-((x-mu)*(x-mu) - (x0-mu)*(x0-mu)) / (2 * sd * sd))
	}
	top := math.Min(hi, x0+40*sd)
	const n = 200_000
	m0 := simpson(w, lo, top, n)
	m1 := simpson(func(x float64) float64 { return x * w(x) }, lo, top, n) / m0
	v := simpson(func(x float64) float64 { return (x - m1) * (x - m1) * w(x) }, lo, top, n) / m0
	m4 := simpson(func(x float64) float64 { d := (x - m1) * (x - m1); return d * d * w(x) }, lo, top, n) / m0
	return distCase{name: fmt.Sprintf("normal[%g,%g]%s", mu, sd, dom),
		d: model.Dist{Kind: model.Normal, Params: []float64{mu, sd}}, dom: dom,
		mean: m1, variance: v, mu4: m4, lo: lo, hi: hi,
		pdf: func(x float64) float64 { return w(x) / m0 }, pdfHi: top}
}

// gammaCase is Gamma(shape k, rate r): mean k/r, variance k/r², fourth
// central moment 3k(k+2)/r⁴.
func gammaCase(k, r float64) distCase {
	c := distCase{name: fmt.Sprintf("gamma[%g,%g]", k, r),
		d: model.Dist{Kind: model.Gamma, Params: []float64{k, r}}, dom: model.NonNegative,
		mean: k / r, variance: k / (r * r), mu4: 3 * k * (k + 2) / (r * r * r * r),
		lo: 0, hi: math.Inf(1)}
	if k >= 1 {
		lg, _ := math.Lgamma(k)
		c.pdf = func(x float64) float64 {
			if x <= 0 {
				if k == 1 {
					return r
				}
				return 0
			}
			return math.Exp(k*math.Log(r) + (k-1)*math.Log(x) - r*x - lg)
		}
		c.pdfHi = (k + 40*math.Sqrt(k) + 40) / r
	}
	return c
}

func betaFamilyCase(a, b float64) distCase {
	return betaCase(fmt.Sprintf("beta[%g,%g]", a, b),
		model.Dist{Kind: model.Beta, Params: []float64{a, b}}, model.Probability, a, b, 0, 1)
}

// familyCases lists every family the model format has, with the parameter
// regimes that take different code paths.
func familyCases() []distCase {
	nn, pr := model.NonNegative, model.Probability
	return []distCase{
		pertCase(1, 3, 10, 0, nn), // default λ = 4
		pertCase(1, 3, 10, 2, nn),
		pertCase(0.5, 2, 10, 0, nn), // the frequency of DESIGN.md's example
		pertCase(0, 0, 5, 0, nn),    // mode at the minimum
		pertCase(100, 900, 1000, 8, nn),
		pertCase(0.1, 0.3, 0.6, 0, pr),
		pertCase(0, 1, 1, 0.5, pr), // mode at the maximum, λ < 1
		triangularCase(1, 3, 10, nn),
		triangularCase(0, 0, 1, pr),
		triangularCase(0, 1, 1, pr),
		uniformCase(2, 5, nn),
		uniformCase(0.2, 0.4, pr),
		lognormal90Case(10000, 1000000), // the magnitude of DESIGN.md's example
		lognormal90Case(0.3, 3),
		lognormalCase(1, 0.5),
		lognormalCase(-2, 1),
		betaFamilyCase(2, 3),
		betaFamilyCase(1, 1),
		betaFamilyCase(0.5, 0.5),
		betaFamilyCase(0.05, 0.05),
		betaFamilyCase(0.05, 5),
		betaFamilyCase(5, 0.5),
		betaFamilyCase(300, 20),
		truncNormalCase(5, 2, nn),      // almost no mass cut: rejection
		truncNormalCase(1, 1, nn),      // 16 % cut: rejection
		truncNormalCase(-3, 1, nn),     // 0.13 % kept: inversion in the upper tail
		truncNormalCase(-10, 1, nn),    // 7.6e-24 kept
		truncNormalCase(0.3, 0.1, pr),  // rejection within [0, 1]
		truncNormalCase(0.5, 2, pr),    // 20 % kept, around the mean: inversion
		truncNormalCase(1.5, 0.2, pr),  // lower tail of the normal, both bounds
		truncNormalCase(-0.2, 0.1, pr), // upper tail of the normal, both bounds
		gammaCase(3.3, 1.1),            // a calibrated frequency
		gammaCase(1, 2),                // exponential
		gammaCase(0.4, 0.5),            // shape below 1: boosted sampling
		gammaCase(250, 40),             // much evidence: near normal
	}
}

func mustNew(t testing.TB, d model.Dist, dom model.Domain) Dist {
	t.Helper()
	dd, err := New(d, dom)
	if err != nil {
		t.Fatalf("New(%v, %v): %v", d, dom, err)
	}
	return dd
}

func relDiff(got, want float64) float64 {
	if got == want {
		return 0
	}
	return math.Abs(got-want) / math.Max(math.Abs(want), 1e-300)
}

// TestAnalyticMoments checks Mean and Variance against the independent
// closed forms and integrals of familyCases.
func TestAnalyticMoments(t *testing.T) {
	for _, c := range familyCases() {
		t.Run(c.name, func(t *testing.T) {
			d := mustNew(t, c.d, c.dom)
			tol := 1e-12
			if c.d.Kind == model.Normal {
				tol = 1e-8 // against Simpson integration
			}
			if e := relDiff(d.Mean(), c.mean); e > tol {
				t.Errorf("Mean = %.17g, want %.17g (rel. error %.2g)", d.Mean(), c.mean, e)
			}
			if e := relDiff(d.Variance(), c.variance); e > tol {
				t.Errorf("Variance = %.17g, want %.17g (rel. error %.2g)", d.Variance(), c.variance, e)
			}
			if !(d.Variance() > 0) {
				t.Errorf("Variance = %g, want > 0", d.Variance())
			}
		})
	}
}

// TestDensityIntegrals checks CDF and Quantile against the integral of an
// independently written density, where the density is bounded.
func TestDensityIntegrals(t *testing.T) {
	for _, c := range familyCases() {
		if c.pdf == nil {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := mustNew(t, c.d, c.dom)
			top := c.hi
			if math.IsInf(top, 1) {
				top = c.pdfHi
			}
			if total := simpson(c.pdf, c.lo, top, 100_000); math.Abs(total-1) > 1e-6 {
				t.Fatalf("test density integrates to %.9g", total)
			}
			for _, p := range []float64{0.05, 0.25, 0.5, 0.75, 0.95} {
				x := d.Quantile(p)
				if got := simpson(c.pdf, c.lo, x, 100_000); math.Abs(got-p) > 1e-6 {
					t.Errorf("∫ density to Quantile(%g) = %g is %.9g", p, x, got)
				}
				if got := simpson(c.pdf, c.lo, x, 100_000); math.Abs(got-d.CDF(x)) > 1e-6 {
					t.Errorf("∫ density to %g = %.9g, CDF = %.9g", x, got, d.CDF(x))
				}
			}
		})
	}
}

// TestSampling draws from every family and holds the sample to the exact
// distribution: mean and variance within nSE standard errors, quantiles
// within binomial error, a Kolmogorov–Smirnov test at 0.1 %, and the
// support.
func TestSampling(t *testing.T) {
	for i, c := range familyCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := mustNew(t, c.d, c.dom)
			r := newRand(uint64(1000 + i))
			xs := make([]float64, nSamples)
			for j := range xs {
				xs[j] = d.Sample(r)
			}
			// Support, and the domain of the quantity.
			for _, x := range xs {
				if !(x >= c.lo && x <= c.hi) {
					t.Fatalf("sample %g outside the support [%g, %g]", x, c.lo, c.hi)
				}
				if c.dom == model.Probability && !(x >= 0 && x <= 1) || !(x >= 0) {
					t.Fatalf("sample %g outside the domain %v", x, c.dom)
				}
			}

			mean, variance, mu4 := moments(xs)
			if !math.IsNaN(c.mu4) {
				mu4 = c.mu4
			}
			seMean := math.Sqrt(c.variance / nSamples)
			if math.Abs(mean-c.mean) > nSE*seMean {
				t.Errorf("sample mean %.8g, want %.8g ± %d×%.3g", mean, c.mean, nSE, seMean)
			}
			seVar := varianceSE(c.variance, mu4, nSamples)
			if math.Abs(variance-c.variance) > nSE*seVar {
				t.Errorf("sample variance %.8g, want %.8g ± %d×%.3g", variance, c.variance, nSE, seVar)
			}

			sorted := sortedCopy(xs)
			for _, p := range []float64{0.05, 0.25, 0.5, 0.75, 0.95} {
				x := sorted[int(p*nSamples)]
				delta := nSE*math.Sqrt(p*(1-p)/nSamples) + 1.0/nSamples
				lo, hi := d.Quantile(p-delta), d.Quantile(p+delta)
				if !(x >= lo && x <= hi) {
					t.Errorf("sample %g-quantile %.8g outside [Quantile(%g), Quantile(%g)] = [%.8g, %.8g] (Quantile(p) = %.8g)",
						p, x, p-delta, p+delta, lo, hi, d.Quantile(p))
				}
			}

			ks := ksStatistic(sorted, d.CDF)
			if crit := ks999 / math.Sqrt(nSamples); ks > crit {
				t.Errorf("Kolmogorov–Smirnov D = %.5f above the 0.1 %% critical value %.5f", ks, crit)
			}
		})
	}
}

// quantileGrid is the grid of probabilities of the CDF/Quantile tests.
var quantileGrid = []float64{1e-300, 1e-100, 1e-12, 1e-9, 1e-6, 0.001, 0.01, 0.05, 0.1, 0.25, 0.3, 0.5, 0.7,
	0.75, 0.9, 0.95, 0.99, 0.999, 1 - 1e-6, 1 - 1e-9}

// TestCDFQuantile checks that Quantile inverts CDF: CDF(Quantile(p)) = p to
// 1e-9 (and to max(1e-7·p, 1e-13) in the lower tail; the floor because a
// far-truncated normal forms x = mu + sd·z, whose rounding near the bound
// is |mu|/sd times an ulp), or, where a float64
// step in x moves CDF by more than that, that Quantile(p) is within a float
// of the smallest float with CDF ≥ p; that Quantile and CDF are monotone; and that both respect the
// support.
func TestCDFQuantile(t *testing.T) {
	for _, c := range familyCases() {
		t.Run(c.name, func(t *testing.T) {
			d := mustNew(t, c.d, c.dom)
			for _, p := range quantileGrid {
				x := d.Quantile(p)
				tol := math.Min(1e-9, math.Max(1e-7*p, 1e-13))
				if got, ok := checkQuantileInverts(d.CDF, x, p, tol); !ok {
					t.Errorf("Quantile(%g) = %.17g: CDF there %.17g (error %.3g), CDF at the previous float %.17g",
						p, x, got, got-p, d.CDF(prevFloat(x)))
				}
				if !(x >= c.lo && x <= c.hi) {
					t.Errorf("Quantile(%g) = %g outside [%g, %g]", p, x, c.lo, c.hi)
				}
			}
			if q := d.Quantile(0); math.Abs(q-c.lo) > 1e-12*math.Max(1, math.Abs(c.lo)) {
				t.Errorf("Quantile(0) = %.17g, want %g", q, c.lo)
			}
			if q := d.Quantile(1); q != c.hi && math.Abs(q-c.hi) > 1e-12*math.Max(1, math.Abs(c.hi)) {
				t.Errorf("Quantile(1) = %.17g, want %g", q, c.hi)
			}
			if got := d.CDF(prevFloat(c.lo)); got != 0 {
				t.Errorf("CDF below the support = %g", got)
			}
			if got := d.CDF(c.hi); got != 1 {
				t.Errorf("CDF(%g) = %g, want 1", c.hi, got)
			}
			if got := d.CDF(math.Inf(1)); got != 1 {
				t.Errorf("CDF(+Inf) = %g", got)
			}
			// Monotone on a fine grid, and between 0 and 1.
			prevQ, prevC := math.Inf(-1), 0.0
			for k := 0; k <= 4000; k++ {
				p := float64(k) / 4000
				q := d.Quantile(p)
				if q < prevQ {
					t.Fatalf("Quantile decreases: Quantile(%g) = %.17g < %.17g", p, q, prevQ)
				}
				prevQ = q
				if math.IsInf(q, 0) {
					continue
				}
				cq := d.CDF(q)
				if cq < prevC || cq < 0 || cq > 1 {
					t.Fatalf("CDF not monotone in [0, 1]: CDF(%.17g) = %.17g after %.17g", q, cq, prevC)
				}
				prevC = cq
			}
		})
	}
}

// TestLognormal90Percentiles checks that a lognormal90's 5th and 95th
// percentiles are the ones it was given.
func TestLognormal90Percentiles(t *testing.T) {
	for _, pp := range [][2]float64{{10000, 1000000}, {0.3, 3}, {1, 1.0001}, {1e-6, 1e9}} {
		d := mustNew(t, model.Dist{Kind: model.Lognormal90, Params: pp[:]}, model.NonNegative)
		if got := d.Quantile(0.05); relDiff(got, pp[0]) > 1e-12 {
			t.Errorf("lognormal90%v: Quantile(0.05) = %.17g", pp, got)
		}
		if got := d.Quantile(0.95); relDiff(got, pp[1]) > 1e-12 {
			t.Errorf("lognormal90%v: Quantile(0.95) = %.17g", pp, got)
		}
		if got := d.CDF(pp[0]); math.Abs(got-0.05) > 1e-12 {
			t.Errorf("lognormal90%v: CDF(p5) = %.17g", pp, got)
		}
		if got := d.CDF(pp[1]); math.Abs(got-0.95) > 1e-12 {
			t.Errorf("lognormal90%v: CDF(p95) = %.17g", pp, got)
		}
		// The median is the geometric mean of p5 and p95.
		if got, want := d.Quantile(0.5), math.Sqrt(pp[0]*pp[1]); relDiff(got, want) > 1e-12 {
			t.Errorf("lognormal90%v: median %.17g, want %.17g", pp, got, want)
		}
	}
	// The constant z95 is Φ⁻¹(0.95).
	if relDiff(z95, z95Table) > 1e-15 || relDiff(-normQuantile(0.05), z95) > 1e-14 {
		t.Errorf("z95 = %.17g, −Φ⁻¹(0.05) = %.17g, want %.17g", z95, -normQuantile(0.05), z95Table)
	}
}

// TestDesignExample holds the scenario of DESIGN.md section 2 to the
// numbers it quotes: E[λ] = 3.0833, E[magnitude] = 266,398.
func TestDesignExample(t *testing.T) {
	f := mustNew(t, model.Dist{Kind: model.PERT, Params: []float64{0.5, 2, 10}}, model.NonNegative)
	if got := f.Mean(); math.Abs(got-3.0833) > 5e-5 {
		t.Errorf("E[frequency] = %g, want 3.0833", got)
	}
	m := mustNew(t, model.Dist{Kind: model.Lognormal90, Params: []float64{10000, 1000000}}, model.NonNegative)
	if got := m.Mean(); math.Abs(got-266398) > 0.5 {
		t.Errorf("E[magnitude] = %.2f, want 266,398", got)
	}
	if got := f.Mean() * 0.3 * m.Mean(); math.Abs(got-246418) > 1 {
		t.Errorf("mean annual loss %.1f, want 246,418", got)
	}
}

func TestConstant(t *testing.T) {
	for _, dom := range []model.Domain{model.NonNegative, model.Probability} {
		d := mustNew(t, model.Const(0.25), dom)
		r := newRand(7)
		for range 100 {
			if x := d.Sample(r); x != 0.25 {
				t.Fatalf("Sample = %g", x)
			}
		}
		if d.Mean() != 0.25 || d.Variance() != 0 {
			t.Errorf("Mean %g Variance %g", d.Mean(), d.Variance())
		}
		for _, p := range []float64{0, 0.05, 0.5, 1} {
			if q := d.Quantile(p); q != 0.25 {
				t.Errorf("Quantile(%g) = %g", p, q)
			}
		}
		if d.CDF(prevFloat(0.25)) != 0 || d.CDF(0.25) != 1 || d.CDF(3) != 1 {
			t.Errorf("CDF is not the step at 0.25")
		}
	}
	// Constant consumes no randomness.
	r1, r2 := newRand(9), newRand(9)
	Constant(3).Sample(r1)
	if r1.Uint64() != r2.Uint64() {
		t.Errorf("Constant.Sample consumed random numbers")
	}
}

// TestDeterminism: the same seed gives the same draws, another seed others.
func TestDeterminism(t *testing.T) {
	for i, c := range familyCases() {
		t.Run(c.name, func(t *testing.T) {
			d1, d2 := mustNew(t, c.d, c.dom), mustNew(t, c.d, c.dom)
			r1, r2, r3 := newRand(uint64(i)), newRand(uint64(i)), newRand(uint64(i)+1)
			same := 0
			for k := range 1000 {
				a, b, o := d1.Sample(r1), d2.Sample(r2), d1.Sample(r3)
				if math.Float64bits(a) != math.Float64bits(b) {
					t.Fatalf("draw %d: %v then %v from the same seed", k, a, b)
				}
				if a == o {
					same++
				}
			}
			if same > 100 {
				t.Errorf("%d of 1000 draws equal under different seeds", same)
			}
			if r1.Uint64() != r2.Uint64() {
				t.Errorf("the generators are out of step after the same draws")
			}
		})
	}
	// Poisson too, across both methods.
	for _, mu := range []float64{0.3, 5, 12, 30, 1e6} {
		r1, r2 := newRand(42), newRand(42)
		for k := range 1000 {
			if a, b := Poisson(r1, mu), Poisson(r2, mu); a != b {
				t.Fatalf("Poisson(%g) draw %d: %d then %d", mu, k, a, b)
			}
		}
	}
}

func TestNewErrors(t *testing.T) {
	nn, pr := model.NonNegative, model.Probability
	for _, c := range []struct {
		d    model.Dist
		dom  model.Domain
		want string
	}{
		{model.Dist{Kind: model.PERT, Params: []float64{1, 2}}, nn, "needs 3 parameters"},
		{model.Dist{Kind: model.Constant}, nn, "needs 1 parameters"},
		{model.Dist{Kind: model.Lognormal90, Params: []float64{1, 2, 3}}, nn, "needs 2 parameters"},
		{model.Dist{Kind: model.PERT, Params: []float64{3, 2, 1}}, nn, "min ≤ mode ≤ max"},
		{model.Dist{Kind: model.PERT, Params: []float64{1, 1, 1}}, nn, "min < max"},
		{model.Dist{Kind: model.PERT, Params: []float64{1, 2, 3}, Lambda: -1}, nn, "lambda > 0"},
		{model.Dist{Kind: model.Triangular, Params: []float64{1, 4, 3}}, nn, "min ≤ mode ≤ max"},
		{model.Dist{Kind: model.Uniform, Params: []float64{2, 2}}, nn, "a < b"},
		{model.Dist{Kind: model.Lognormal90, Params: []float64{0, 2}}, nn, "0 < p5 < p95"},
		{model.Dist{Kind: model.Lognormal90, Params: []float64{3, 2}}, nn, "0 < p5 < p95"},
		{model.Dist{Kind: model.Lognormal, Params: []float64{0, 0}}, nn, "sigma > 0"},
		{model.Dist{Kind: model.Lognormal, Params: []float64{math.Inf(1), 1}}, nn, "finite mu"},
		{model.Dist{Kind: model.Beta, Params: []float64{0, 1}}, pr, "alpha > 0"},
		{model.Dist{Kind: model.Beta, Params: []float64{1, math.NaN()}}, pr, "alpha > 0"},
		{model.Dist{Kind: model.Normal, Params: []float64{1, 0}}, nn, "sd > 0"},
		{model.Dist{Kind: model.Normal, Params: []float64{-1000, 1}}, nn, "no probability"},
		{model.Dist{Kind: model.Normal, Params: []float64{1000, 1}}, pr, "no probability"},
		{model.Dist{Kind: model.Label, Label: "high"}, nn, "not resolved"},
		{model.Dist{Kind: "cauchy", Params: []float64{1}}, nn, "unknown distribution"},
	} {
		_, err := New(c.d, c.dom)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%v): error %v, want one saying %q", c.d, err, c.want)
		}
	}
}

// TestNormalDomain checks that the normal is truncated where the quantity's
// domain says.
func TestNormalDomain(t *testing.T) {
	d := model.Dist{Kind: model.Normal, Params: []float64{0.9, 0.5}}
	nn, pr := mustNew(t, d, model.NonNegative), mustNew(t, d, model.Probability)
	if got := nn.Quantile(1); !math.IsInf(got, 1) {
		t.Errorf("non-negative normal: Quantile(1) = %g, want +Inf", got)
	}
	if got := pr.Quantile(1); got != 1 {
		t.Errorf("probability normal: Quantile(1) = %g, want 1", got)
	}
	if !(pr.Mean() < nn.Mean()) {
		t.Errorf("cutting at 1 should lower the mean: %g vs %g", pr.Mean(), nn.Mean())
	}
}

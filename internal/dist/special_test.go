package dist

import (
	"fmt"
	"math"
	"testing"
)

// binomialTail is I_x(a, b) for integer shapes: the probability of at least
// a successes in a+b−1 Bernoulli(x) trials, summed exactly.
func binomialTail(x float64, a, b int) float64 {
	n := a + b - 1
	s := 0.0
	for j := a; j <= n; j++ {
		c := 1.0
		for i := 1; i <= j; i++ {
			c = c * float64(n-j+i) / float64(i)
		}
		s += c * math.Pow(x, float64(j)) * math.Pow(1-x, float64(n-j))
	}
	return s
}

var xGrid = []float64{1e-10, 1e-4, 0.01, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99, 0.9999}

func TestRegIncBetaExact(t *testing.T) {
	t.Run("tabulated", func(t *testing.T) {
		for _, c := range []struct{ x, a, b, want float64 }{
			{0.4, 2, 3, 0.5248}, // 1 − 0.6⁴ − 4·0.4·0.6³
			{0.5, 2, 3, 0.6875}, // 11/16
			{0.2, 1, 1, 0.2},
			{0.3, 3, 1, 0.027},
			{0.25, 0.5, 0.5, 1.0 / 3}, // (2/π) asin(1/2)
			{0.75, 0.5, 0.5, 2.0 / 3},
			{0.5, 0.05, 0.05, 0.5},
			{0, 2, 3, 0},
			{1, 2, 3, 1},
			{-1, 2, 3, 0},
			{2, 2, 3, 1},
		} {
			if got := regIncBeta(c.x, c.a, c.b); math.Abs(got-c.want) > 1e-14 {
				t.Errorf("I_%g(%g, %g) = %.17g, want %.17g", c.x, c.a, c.b, got, c.want)
			}
		}
	})
	t.Run("integer shapes", func(t *testing.T) {
		for a := 1; a <= 9; a++ {
			for b := 1; b <= 9; b++ {
				for _, x := range xGrid {
					want := binomialTail(x, a, b)
					got := regIncBeta(x, float64(a), float64(b))
					if math.Abs(got-want) > 1e-13*math.Max(want, 1e-3) {
						t.Errorf("I_%g(%d, %d) = %.17g, want %.17g", x, a, b, got, want)
					}
				}
			}
		}
	})
	shapes := []float64{0.01, 0.05, 0.1, 0.5, 1, 1.5, 2.5, 10, 100, 1000}
	t.Run("b=1: x^a", func(t *testing.T) {
		for _, a := range shapes {
			for _, x := range xGrid {
				want := math.Pow(x, a)
				if got := regIncBeta(x, a, 1); relDiff(got, want) > 1e-12 {
					t.Errorf("I_%g(%g, 1) = %.17g, want %.17g", x, a, got, want)
				}
			}
		}
	})
	t.Run("a=1: 1-(1-x)^b", func(t *testing.T) {
		for _, b := range shapes {
			for _, x := range xGrid {
				want := -math.Expm1(b * math.Log1p(-x))
				if got := regIncBeta(x, 1, b); relDiff(got, want) > 1e-12 {
					t.Errorf("I_%g(1, %g) = %.17g, want %.17g", x, b, got, want)
				}
			}
		}
	})
	t.Run("arcsine", func(t *testing.T) {
		for _, x := range xGrid {
			want := 2 / math.Pi * math.Asin(math.Sqrt(x))
			if got := regIncBeta(x, 0.5, 0.5); relDiff(got, want) > 1e-12 {
				t.Errorf("I_%g(1/2, 1/2) = %.17g, want %.17g", x, got, want)
			}
		}
	})
	t.Run("half at the median of symmetric shapes", func(t *testing.T) {
		for _, a := range shapes {
			if got := regIncBeta(0.5, a, a); math.Abs(got-0.5) > 1e-12 {
				t.Errorf("I_0.5(%g, %g) = %.17g", a, a, got)
			}
		}
	})
	t.Run("symmetry", func(t *testing.T) {
		for _, a := range shapes {
			for _, b := range shapes {
				for _, x := range xGrid {
					y := 1 - x
					x := 1 - y // so that x and y add up to 1 exactly
					p, q := regIncBeta(x, a, b), regIncBeta(y, b, a)
					tol := 1e-13
					if a >= 100 || b >= 100 {
						tol = 1e-12 // log B(a, b) from lgammas of several hundreds
					}
					if math.Abs(p+q-1) > tol {
						t.Errorf("I_%g(%g, %g) + I_%g(%g, %g) = %.17g", x, a, b, 1-x, b, a, p+q)
					}
					if !(p >= 0 && p <= 1) {
						t.Errorf("I_%g(%g, %g) = %g outside [0, 1]", x, a, b, p)
					}
				}
			}
		}
	})
	t.Run("monotone", func(t *testing.T) {
		for _, a := range shapes {
			for _, b := range shapes {
				prev := 0.0
				for k := 0; k <= 1000; k++ {
					x := float64(k) / 1000
					p := regIncBeta(x, a, b)
					if p < prev-1e-15 {
						t.Fatalf("I_x(%g, %g) decreases at x = %g: %.17g < %.17g", a, b, x, p, prev)
					}
					prev = p
				}
			}
		}
	})
}

// TestBetaQuantile checks that betaQuantile inverts regIncBeta across
// shapes from 0.01 to 1000 and probabilities from 1e-12 to 1 − 1e-9, to
// 1e-9 (1e-7 relative below 0.01), or to the nearest float where the
// distribution function jumps more than that between neighbouring floats.
func TestBetaQuantile(t *testing.T) {
	shapes := []float64{0.01, 0.05, 0.1, 0.5, 1, 2, 5, 30, 200, 1000}
	ps := []float64{1e-12, 1e-6, 0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999, 1 - 1e-6, 1 - 1e-9}
	for _, a := range shapes {
		for _, b := range shapes {
			t.Run(fmt.Sprintf("%g,%g", a, b), func(t *testing.T) {
				cdf := func(x float64) float64 { return regIncBeta(x, a, b) }
				prev := 0.0
				for _, p := range ps {
					x := betaQuantile(p, a, b)
					if !(x >= prev && x <= 1) {
						t.Errorf("betaQuantile(%g) = %.17g, after %.17g", p, x, prev)
					}
					prev = x
					tol := math.Min(1e-9, 1e-7*p)
					if got, ok := checkQuantileInverts(cdf, x, p, tol); !ok {
						t.Errorf("betaQuantile(%g) = %.17g: I_x = %.17g (error %.3g), at the previous float %.17g",
							p, x, got, got-p, cdf(prevFloat(x)))
					}
				}
				if betaQuantile(0, a, b) != 0 || betaQuantile(1, a, b) != 1 {
					t.Errorf("betaQuantile(0) = %g, betaQuantile(1) = %g", betaQuantile(0, a, b), betaQuantile(1, a, b))
				}
			})
		}
	}
	// Closed forms: Beta(a, 1) has quantile p^(1/a), Beta(1/2, 1/2) sin²(πp/2).
	for _, p := range []float64{1e-6, 0.05, 0.3, 0.5, 0.95} {
		if got, want := betaQuantile(p, 3, 1), math.Cbrt(p); relDiff(got, want) > 1e-12 {
			t.Errorf("Beta(3,1) quantile at %g = %.17g, want %.17g", p, got, want)
		}
		s := math.Sin(math.Pi * p / 2)
		if got, want := betaQuantile(p, 0.5, 0.5), s*s; relDiff(got, want) > 1e-10 {
			t.Errorf("Beta(1/2,1/2) quantile at %g = %.17g, want %.17g", p, got, want)
		}
	}
}

func TestNormQuantile(t *testing.T) {
	// Reference values from mpmath at 40 digits, rounded to float64.
	for _, c := range []struct{ p, z float64 }{
		{0.5, 0},
		{0.975, 1.9599639845400543},
		{0.025, -1.9599639845400543},
		{0.95, 1.6448536269514726},
		{0.05, -1.6448536269514726},
		{0.99, 2.326347874040841},
		{0.999, 3.0902323061678136},
		{0.001, -3.0902323061678136},
		{1e-10, -6.361340902404057},
		{1e-20, -9.262340089798407},
		{0.8413447460685429, 1},       // Φ(1)
		{0.15865525393145705, -1},     // Φ(−1)
		{0.9772498680518208, 2},       // Φ(2)
		{0.02275013194817921, -2},     // Φ(−2)
		{0.0013498980316300946, -3},   // Φ(−3)
		{3.1671241833119924e-05, -4},  // Φ(−4)
		{0.9999683287581669, 4},       // Φ(4)
		{2.866515718791939e-07, -5},   // Φ(−5)
		{7.619853024160525e-24, -10},  // Φ(−10)
		{5.725571222524577e-300, -37}, // Φ(−37)
	} {
		got := normQuantile(c.p)
		if math.Abs(got-c.z) > 1e-13*math.Max(1, math.Abs(c.z)) {
			t.Errorf("normQuantile(%g) = %.17g, want %.17g", c.p, got, c.z)
		}
	}
	if !math.IsInf(normQuantile(0), -1) || !math.IsInf(normQuantile(1), 1) {
		t.Errorf("normQuantile(0), (1) = %g, %g", normQuantile(0), normQuantile(1))
	}
	// Round trip through Φ, relative in the lower tail, down to 1e-300.
	for e := -300.0; e <= -0.31; e += 0.1 {
		p := math.Pow(10, e)
		z := normQuantile(p)
		if got := normCDF(z); relDiff(got, p) > 1e-12 {
			t.Errorf("Φ(normQuantile(%g)) = %.17g (z = %.17g)", p, got, z)
		}
	}
	// Symmetry, where 1 − p is exact.
	for k := 1; k < 1024; k++ {
		p := float64(k) / 1024
		if a, b := normQuantile(p), normQuantile(1-p); math.Abs(a+b) > 1e-14*math.Max(1, math.Abs(a)) {
			t.Errorf("normQuantile(%g) = %.17g but normQuantile(%g) = %.17g", p, a, 1-p, b)
		}
	}
	// Monotone.
	prev := math.Inf(-1)
	for k := 1; k < 100000; k++ {
		p := float64(k) / 100000
		z := normQuantile(p)
		if z < prev {
			t.Fatalf("normQuantile decreases at %g", p)
		}
		prev = z
	}
}

func TestNormCDF(t *testing.T) {
	for _, c := range []struct{ x, p float64 }{
		{0, 0.5},
		{1.959963984540054, 0.975},
		{-3, 0.0013498980316300946},
		{-1, 0.15865525393145705},
		{-4, 3.1671241833119924e-05},
		{-10, 7.619853024160525e-24},
		{-37, 5.725571222524577e-300},
	} {
		if got := normCDF(c.x); relDiff(got, c.p) > 1e-12 {
			t.Errorf("normCDF(%g) = %.17g, want %.17g", c.x, got, c.p)
		}
	}
	if got, want := normPDF(0), 1/math.Sqrt(2*math.Pi); relDiff(got, want) > 1e-15 {
		t.Errorf("normPDF(0) = %.17g", got)
	}
	if got, want := lbeta(2, 3), math.Log(1.0/12); relDiff(got, want) > 1e-14 {
		t.Errorf("lbeta(2, 3) = %.17g, want %.17g", got, want)
	}
}

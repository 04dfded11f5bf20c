package dist

import (
	"math"
	"testing"
)

// TestRegIncGammaP checks P(a, x) against the closed form for whole a:
// P(n, x) = 1 − e^{−x} Σ_{k<n} x^k/k!, on both sides of x = a+1 (series
// and continued fraction), and P(1/2, x) = erf(√x).
func TestRegIncGammaP(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5, 10, 30} {
		for _, x := range []float64{0.01, 0.5, 1, 2.9, 3.1, 7, 15, 40, 80} {
			sum, term := 0.0, 1.0
			for k := 0; k < n; k++ {
				if k > 0 {
					term *= x / float64(k)
				}
				sum += term
			}
			want := 1 - math.Exp(-x)*sum
			if got := regIncGammaP(float64(n), x); math.Abs(got-want) > 1e-13 {
				t.Errorf("P(%d, %g) = %.16g, want %.16g", n, x, got, want)
			}
		}
	}
	for _, x := range []float64{1e-6, 0.3, 1, 4, 20} {
		if got, want := regIncGammaP(0.5, x), math.Erf(math.Sqrt(x)); math.Abs(got-want) > 1e-13 {
			t.Errorf("P(0.5, %g) = %.16g, want %.16g", x, got, want)
		}
	}
	if regIncGammaP(2, 0) != 0 || regIncGammaP(2, math.Inf(1)) != 1 {
		t.Error("P at the ends of the support")
	}
}

package evidence

import (
	"fmt"
	"math"
	"math/big"
	"testing"
)

// exactProbFell computes P(p2 < p1) for p1 ~ Beta(1+k1, 1+n1−k1) and
// p2 ~ Beta(1+k2, 1+n2−k2) in exact rational arithmetic, by another route
// than probBetaGreater: for integer shapes the CDF of p2 is a binomial
// tail, F2(x) = Σ_{j=a2}^{m} C(m, j) x^j (1−x)^{m−j} with m = a2+b2−1, and
// E[p1^j (1−p1)^{m−j}] = B(a1+j, b1+m−j) / B(a1, b1), a ratio of
// factorials.
func exactProbFell(k1, n1, k2, n2 int64) *big.Rat {
	a1, b1 := 1+k1, 1+n1-k1
	a2, b2 := 1+k2, 1+n2-k2
	m := a2 + b2 - 1
	fact := func(n int64) *big.Int { return new(big.Int).MulRange(1, max(n, 1)) }
	// beta(p, q) = (p−1)! (q−1)! / (p+q−1)!
	beta := func(p, q int64) *big.Rat {
		num := new(big.Int).Mul(fact(p-1), fact(q-1))
		return new(big.Rat).SetFrac(num, fact(p+q-1))
	}
	sum := new(big.Rat)
	b11 := beta(a1, b1)
	for j := a2; j <= m; j++ {
		c := new(big.Rat).SetInt(new(big.Int).Binomial(m, j))
		t := new(big.Rat).Mul(c, beta(a1+j, b1+m-j))
		sum.Add(sum, t.Quo(t, b11))
	}
	return sum
}

func TestProbFellExact(t *testing.T) {
	tests := []struct {
		k1, n1, k2, n2 int64
		want           string // a hand-derived value, where there is one
	}{
		{0, 0, 0, 0, "1/2"},   // two uniform priors
		{1, 1, 0, 0, "2/3"},   // E[p1] for p1 ~ Beta(2, 1)
		{0, 0, 1, 1, "1/3"},   // the mirror image
		{5, 10, 5, 10, "1/2"}, // the same posterior twice
		{0, 1, 0, 0, "1/3"},   // E[p1] for p1 ~ Beta(1, 2)
		{7, 19, 1, 20, ""},    // the submissions of q1 and q3 in testdata
		{3, 10, 1, 30, ""},
		{0, 50, 0, 5, ""},
		{40, 60, 10, 80, ""},
		{1, 20, 9, 20, ""},
		{120, 400, 90, 420, ""},
		{0, 300, 2, 3, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d/%d-vs-%d/%d", tt.k1, tt.n1, tt.k2, tt.n2), func(t *testing.T) {
			exact := exactProbFell(tt.k1, tt.n1, tt.k2, tt.n2)
			if tt.want != "" {
				w, _ := new(big.Rat).SetString(tt.want)
				if exact.Cmp(w) != 0 {
					t.Fatalf("the reference computation gives %s, by hand %s", exact.RatString(), tt.want)
				}
			}
			want, _ := exact.Float64()
			got := probFell(tt.k1, tt.n1, tt.k2, tt.n2)
			if math.Abs(got-want) > 1e-12 {
				t.Errorf("probFell = %.15g, exact %.15g", got, want)
			}
			// P(p2 < p1) + P(p1 < p2) = 1 for continuous posteriors.
			if back := probFell(tt.k2, tt.n2, tt.k1, tt.n1); math.Abs(got+back-1) > 1e-12 {
				t.Errorf("P(fell) + P(rose) = %.15g", got+back)
			}
		})
	}
}

// TestProbFellLarge checks a large campaign against the normal
// approximation, which is close for posteriors this narrow.
func TestProbFellLarge(t *testing.T) {
	k1, n1, k2, n2 := int64(3000), int64(20000), int64(2850), int64(20000)
	got := probFell(k1, n1, k2, n2)
	m := func(k, n int64) (float64, float64) {
		a, b := float64(1+k), float64(1+n-k)
		return a / (a + b), a * b / ((a + b) * (a + b) * (a + b + 1))
	}
	m1, v1 := m(k1, n1)
	m2, v2 := m(k2, n2)
	want := 0.5 * math.Erfc(-(m1-m2)/math.Sqrt(v1+v2)/math.Sqrt2)
	if math.Abs(got-want) > 1e-3 || math.IsNaN(got) {
		t.Errorf("probFell = %.6f, normal approximation %.6f", got, want)
	}
}

func TestRatePosteriorInterval(t *testing.T) {
	tests := []struct {
		k, n   int64
		lo, hi float64
	}{
		{0, 0, 0.05, 0.95}, // the uniform prior itself
		// k = 0: Beta(1, n+1) has the quantile 1 − (1−q)^(1/(n+1)).
		{0, 9, 1 - math.Pow(0.95, 0.1), 1 - math.Pow(0.05, 0.1)},
		// k = n: Beta(n+1, 1) has the quantile q^(1/(n+1)).
		{19, 19, math.Pow(0.05, 0.05), math.Pow(0.95, 0.05)},
		// Beta(2, 2): the CDF is 3x² − 2x³; its 5 % point is the root of 3x² − 2x³ = 0.05 in [0, 1/2].
		{1, 2, 0.1353503621715838, 0.8646496378284162},
	}
	for _, tt := range tests {
		iv := ratePosterior(tt.k, tt.n).interval(0.9)
		if math.Abs(iv[0]-tt.lo) > 1e-9 || math.Abs(iv[1]-tt.hi) > 1e-9 {
			t.Errorf("%d of %d: interval %v, want [%v %v]", tt.k, tt.n, iv, tt.lo, tt.hi)
		}
	}
}

// TestRateBetaCDF checks the continued fraction against the binomial tail
// for integer shapes, including large ones.
func TestRateBetaCDF(t *testing.T) {
	binomTail := func(a, b int, x float64) float64 {
		// I_x(a, b) = P(Binomial(a+b−1, x) ≥ a), summed in logarithms.
		m := a + b - 1
		s := 0.0
		for j := a; j <= m; j++ {
			lc, _ := math.Lgamma(float64(m + 1))
			l1, _ := math.Lgamma(float64(j + 1))
			l2, _ := math.Lgamma(float64(m - j + 1))
			s += math.Exp(lc - l1 - l2 + float64(j)*math.Log(x) + float64(m-j)*math.Log1p(-x))
		}
		return s
	}
	for _, ab := range [][2]int{{1, 1}, {2, 5}, {8, 3}, {30, 70}, {300, 700}, {1, 500}, {2000, 3}} {
		for _, x := range []float64{0.001, 0.05, 0.2, 0.3, 0.5, 0.7, 0.9, 0.999} {
			got := rateBeta{float64(ab[0]), float64(ab[1])}.cdf(x)
			want := binomTail(ab[0], ab[1], x)
			if math.Abs(got-want) > 1e-10 {
				t.Errorf("I_%g(%d, %d) = %.14g, want %.14g", x, ab[0], ab[1], got, want)
			}
		}
	}
}

func TestRateTrend(t *testing.T) {
	// Two groups: the slope is the difference of the rates and the
	// Cochran–Armitage test is the pooled two-proportion z test.
	k, n := []int64{12, 5}, []int64{40, 50}
	slope, p := rateTrend(k, n)
	p1, p2, pbar := 12.0/40, 5.0/50, 17.0/90
	z := (p2 - p1) / math.Sqrt(pbar*(1-pbar)*(1.0/40+1.0/50))
	if math.Abs(slope-(p2-p1)) > 1e-12 || p == nil || math.Abs(*p-math.Erfc(math.Abs(z)/math.Sqrt2)) > 1e-12 {
		t.Errorf("two groups: slope %v p %v, want %v and %v", slope, p, p2-p1, math.Erfc(math.Abs(z)/math.Sqrt2))
	}
	// Three groups, the submissions of q1, q2 and q3 in testdata, by hand:
	// p̄ = 11/59, T = Σ t·k − p̄ Σ t·n = 5 − (11/59)·60 = −365/59,
	// Var T = p̄(1−p̄)(Σ n t² − (Σ n t)²/N) = 1214400/205379, z = −2.54412,
	// slope = T / Σ n (t − t̄)² = −73/460.
	slope, p = rateTrend([]int64{7, 3, 1}, []int64{19, 20, 20})
	wantZ := (-365.0 / 59) / math.Sqrt(1214400.0/205379)
	if math.Abs(slope-(-73.0/460)) > 1e-12 || p == nil || math.Abs(*p-math.Erfc(-wantZ/math.Sqrt2)) > 1e-12 || math.Abs(*p-0.010955270796) > 1e-9 {
		t.Errorf("three groups: slope %v p %v", slope, *p)
	}
	// Undefined tests.
	if _, p := rateTrend([]int64{0, 0}, []int64{10, 10}); p != nil {
		t.Errorf("no successes: p = %v, want nil", *p)
	}
	if _, p := rateTrend([]int64{3}, []int64{10}); p != nil {
		t.Errorf("one group: p = %v, want nil", *p)
	}
}

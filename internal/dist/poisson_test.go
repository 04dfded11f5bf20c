package dist

import (
	"fmt"
	"math"
	"testing"
)

// poissonPMF is P(N = k) for N ~ Poisson(mu), mu > 0.
func poissonPMF(k int64, mu float64) float64 {
	lg, _ := math.Lgamma(float64(k) + 1)
	return math.Exp(float64(k)*math.Log(mu) - mu - lg)
}

// poissonChi2 is Pearson's statistic of the counts of draws against the
// Poisson(mu) probabilities, on cells of consecutive values pooled from the
// left until each expects at least 5 draws (the open upper tail joins the
// last cell), with its degrees of freedom.
func poissonChi2(draws []int64, mu float64) (chi2 float64, df int) {
	n := float64(len(draws))
	kmax := int64(mu + 20*math.Sqrt(mu) + 30)
	cellOf := make([]int, kmax+1)
	var expected []float64
	acc, total := 0.0, 0.0
	for k := int64(0); k <= kmax; k++ {
		e := n * poissonPMF(k, mu)
		total += e
		acc += e
		cellOf[k] = len(expected)
		if acc >= 5 {
			expected = append(expected, acc)
			acc = 0
		}
	}
	acc += n - total // the tail above kmax
	if len(expected) == 0 {
		return 0, 0
	}
	last := len(expected) - 1
	expected[last] += acc
	for k := range cellOf {
		cellOf[k] = min(cellOf[k], last)
	}
	observed := make([]float64, len(expected))
	for _, k := range draws {
		if k < 0 {
			return math.Inf(1), len(expected) - 1
		}
		if k > kmax {
			observed[last]++
			continue
		}
		observed[cellOf[k]]++
	}
	for i, e := range expected {
		d := observed[i] - e
		chi2 += d * d / e
	}
	return chi2, len(expected) - 1
}

var poissonMeans = []float64{0, 1e-6, 0.3, 1, 5, 11.9, 12, 12.1, 30, 1000, 1e6}

// TestPoissonDistribution holds Poisson draws to the exact distribution:
// mean and variance within nSE standard errors, P(N = 0) within binomial
// error of exp(−mu), and a chi-square goodness-of-fit test at 0.1 %
// against the exact probabilities.
func TestPoissonDistribution(t *testing.T) {
	for i, mu := range poissonMeans {
		t.Run(fmt.Sprint(mu), func(t *testing.T) {
			t.Parallel()
			r := newRand(uint64(500 + i))
			draws := make([]int64, nSamples)
			xs := make([]float64, nSamples)
			for j := range draws {
				draws[j] = Poisson(r, mu)
				xs[j] = float64(draws[j])
			}
			if mu == 0 {
				for _, k := range draws {
					if k != 0 {
						t.Fatalf("Poisson(0) = %d", k)
					}
				}
				return
			}
			mean, variance, _ := moments(xs)
			if mu*nSamples >= 100 { // the normal approximation holds
				se := math.Sqrt(mu / nSamples)
				if math.Abs(mean-mu) > nSE*se {
					t.Errorf("sample mean %.8g, want %g ± %d×%.3g", mean, mu, nSE, se)
				}
				// The fourth central moment of a Poisson is mu + 3mu².
				seVar := varianceSE(mu, mu+3*mu*mu, nSamples)
				if math.Abs(variance-mu) > nSE*seVar {
					t.Errorf("sample variance %.8g, want %g ± %d×%.3g", variance, mu, nSE, seVar)
				}
			} else {
				// mu = 1e-6: 0.2 non-zero draws expected; P(≥ 5) ≈ 2.6e-6.
				nonzero := 0
				for _, k := range draws {
					if k != 0 {
						nonzero++
					}
				}
				if nonzero >= 5 {
					t.Errorf("%d non-zero draws of Poisson(%g) in %d", nonzero, mu, nSamples)
				}
			}

			zeros := 0
			for _, k := range draws {
				if k == 0 {
					zeros++
				}
				if k < 0 {
					t.Fatalf("negative count %d", k)
				}
			}
			p0 := math.Exp(-mu)
			if got, se := float64(zeros)/nSamples, math.Sqrt(p0*(1-p0)/nSamples); math.Abs(got-p0) > nSE*se+1.0/nSamples {
				t.Errorf("P(N = 0) = %.6g, want exp(−mu) = %.6g ± %d×%.3g", got, p0, nSE, se)
			}

			chi2, df := poissonChi2(draws, mu)
			if df > 0 {
				if crit := chi2Critical999(df); chi2 > crit {
					t.Errorf("chi-square %.1f on %d degrees of freedom, above the 0.1 %% critical value %.1f", chi2, df, crit)
				}
			}
		})
	}
}

// TestPoissonInversionSingleUniform checks what the engine relies on for
// common random numbers: a mean up to 12 is drawn by inversion of exactly
// one uniform, Float64, of the generator.
func TestPoissonInversionSingleUniform(t *testing.T) {
	for i, mu := range []float64{1e-300, 1e-6, 0.3, 1, 5, 11.9, 12} {
		r1, r2 := newRand(uint64(i)), newRand(uint64(i))
		for j := range 50_000 {
			got := Poisson(r1, mu)
			if want := poissonInversion(r2.Float64(), mu); got != want {
				t.Fatalf("mu %g, draw %d: Poisson = %d, inversion of the next uniform = %d", mu, j, got, want)
			}
		}
		if r1.Uint64() != r2.Uint64() {
			t.Errorf("mu %g: Poisson consumed other than one uniform per draw", mu)
		}
	}
	// A zero mean draws nothing and uses no random number; PTRS above 12
	// uses at least two.
	r1, r2 := newRand(3), newRand(3)
	if Poisson(r1, 0) != 0 || Poisson(r1, -1) != 0 || Poisson(r1, math.NaN()) != 0 {
		t.Errorf("a mean ≤ 0 or NaN should give 0")
	}
	if r1.Uint64() != r2.Uint64() {
		t.Errorf("Poisson(0) consumed random numbers")
	}
	r1, r2 = newRand(4), newRand(4)
	Poisson(r1, 12.1)
	r2.Float64()
	if r1.Uint64() == r2.Uint64() {
		t.Errorf("Poisson(12.1) consumed a single uniform: PTRS should take at least two")
	}
}

// TestPoissonInversionExact checks inversion at the exact thresholds of the
// distribution function, and at the largest uniform Float64 returns.
func TestPoissonInversionExact(t *testing.T) {
	for _, mu := range []float64{1e-6, 0.3, 1, 5, 11.9, 12} {
		// P(N ≤ k) for k = 0, 1, 2, …: u just below it gives ≤ k, u just
		// above it more than k.
		cum := 0.0
		for k := int64(0); k <= 20; k++ {
			cum += poissonPMF(k, mu)
			if cum > 1-1e-9 {
				break
			}
			if got := poissonInversion(cum*(1-1e-12), mu); got != k {
				t.Errorf("mu %g: inversion of P(N ≤ %d)·(1 − 1e-12) = %d, want %d", mu, k, got, k)
			}
			if got := poissonInversion(cum*(1+1e-12), mu); got != k+1 {
				t.Errorf("mu %g: inversion of P(N ≤ %d)·(1 + 1e-12) = %d, want %d", mu, k, got, k+1)
			}
		}
		// P(N = 0) = exp(−mu) exactly at the first threshold.
		p0 := math.Exp(-mu)
		if poissonInversion(prevFloat(p0), mu) != 0 || poissonInversion(p0, mu) != 1 {
			t.Errorf("mu %g: N = 0 exactly when u < exp(−mu)", mu)
		}
		if poissonInversion(0, mu) != 0 {
			t.Errorf("mu %g: u = 0 gives %d", mu, poissonInversion(0, mu))
		}
		// The largest uniforms give a count in the far tail, not an
		// absurd one: at most the first k with P(N = k) < 1e-20.
		bound := int64(0)
		for poissonPMF(bound, mu) >= 1e-20 || float64(bound) < mu {
			bound++
		}
		for _, u := range []float64{1 - 0x1p-53, 1 - 0x1p-52, 1 - 0x1p-50, 1 - 1e-12} {
			if got := poissonInversion(u, mu); got > bound {
				t.Errorf("mu %g: inversion of u = 1 − %.3g gives %d, beyond %d where P(N = k) < 1e-20", mu, 1-u, got, bound)
			}
		}
	}
}

// TestPoissonInversionMonotone: with a common uniform, a larger mean never
// gives fewer events (what makes what-if runs comparable).
func TestPoissonInversionMonotone(t *testing.T) {
	for k := 0; k < 2000; k++ {
		u := (float64(k) + 0.5) / 2000
		prev := int64(0)
		for m := 0; m <= 1200; m++ {
			mu := float64(m) / 100
			got := poissonInversion(u, mu)
			if got < prev {
				t.Fatalf("u %g: %d events at mean %g, %d at a smaller mean", u, got, mu, prev)
			}
			prev = got
		}
	}
}

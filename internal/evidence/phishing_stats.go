package evidence

import (
	"math"

	"github.com/scrutin/scrutin/internal/dist"
)

// The statistics of phishing rates. A rate seen as k successes out of n
// emails has, from a uniform prior, the posterior Beta(1+k, 1+n−k); its
// credible interval is equal-tailed. Everything is exact or a converged
// series: no randomness.

// rateBeta is the Beta(a, b) distribution of a rate.
type rateBeta struct{ a, b float64 }

// ratePosterior is the posterior of a rate after k successes in n trials
// from a uniform prior.
func ratePosterior(k, n int64) rateBeta { return rateBeta{1 + float64(k), 1 + float64(n-k)} }

// logBeta is log B(a, b).
func logBeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

// beta is the distribution of the rate, from package dist.
func (d rateBeta) beta() dist.Dist {
	b, err := dist.NewBeta(d.a, d.b, 0, 1)
	if err != nil {
		panic(err) // shapes are 1 + counts, always > 0
	}
	return b
}

// cdf is the regularised incomplete beta function I_x(a, b).
func (d rateBeta) cdf(x float64) float64 { return d.beta().CDF(x) }

// quantile inverts cdf.
func (d rateBeta) quantile(p float64) float64 { return d.beta().Quantile(p) }

// interval is the equal-tailed credible interval holding level of the mass.
func (d rateBeta) interval(level float64) [2]float64 {
	t := (1 - level) / 2
	return [2]float64{d.quantile(t), d.quantile(1 - t)}
}

// probBetaGreater returns P(Y > X) for independent X ~ Beta(a, b) and
// Y ~ Beta(c, d), whose shapes are whole numbers ≥ 1 (as posteriors of
// counts from a uniform prior are). It is the finite sum
//
//	P(Y > X) = Σ_{i=0}^{c−1} B(a+i, b+d) / ((d+i) · B(1+i, d) · B(a, b))
//
// (exact for integer c), whose terms have the ratio
// (a+i)(d+i) / ((a+b+d+i)(1+i)) and are accumulated in logarithms so that
// none underflows. By symmetry (1−Y > 1−X) it sums over b terms instead
// when b < c.
func probBetaGreater(a, b, c, d int64) float64 {
	if b < c {
		a, b, c, d = d, c, b, a
	}
	fa, fb, fd := float64(a), float64(b), float64(d)
	logT := logBeta(fa, fb+fd) - logBeta(fa, fb)
	sum := 0.0
	for i := range c {
		fi := float64(i)
		sum += math.Exp(logT)
		logT += math.Log((fa + fi) * (fd + fi) / ((fa + fb + fd + fi) * (1 + fi)))
	}
	return math.Max(0, math.Min(1, sum))
}

// probFell is the probability that the rate behind k2 of n2 is lower than
// the rate behind k1 of n1, under independent uniform-prior posteriors.
func probFell(k1, n1, k2, n2 int64) float64 {
	// P(p2 < p1) = P(Y > X) with X = p2 ~ Beta(1+k2, 1+n2−k2), Y = p1.
	return probBetaGreater(1+k2, 1+n2-k2, 1+k1, 1+n1-k1)
}

// rateTrend fits the change of a rate across ordered groups (scores 0, 1,
// 2 …): the least-squares slope of the observed rates weighted by the
// group sizes, and the two-sided p-value of the Cochran–Armitage test for
// trend (nil when the test is undefined: fewer than two groups, or a
// pooled rate of 0 or 1).
func rateTrend(k, n []int64) (slope float64, p *float64) {
	var N, K, sumT float64
	for i := range n {
		N += float64(n[i])
		K += float64(k[i])
		sumT += float64(n[i]) * float64(i)
	}
	if N == 0 {
		return 0, nil
	}
	tbar, pbar := sumT/N, K/N
	var sxy, sxx float64
	for i := range n {
		dt := float64(i) - tbar
		sxx += float64(n[i]) * dt * dt
		sxy += dt * (float64(k[i]) - float64(n[i])*pbar)
	}
	if sxx == 0 {
		return 0, nil
	}
	slope = sxy / sxx
	if pbar == 0 || pbar == 1 {
		return slope, nil
	}
	z := sxy / math.Sqrt(pbar*(1-pbar)*sxx)
	pv := math.Erfc(math.Abs(z) / math.Sqrt2)
	return slope, &pv
}

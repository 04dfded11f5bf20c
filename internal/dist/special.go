package dist

import "math"

// normCDF is Φ(x), the standard normal distribution function.
func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// normQuantile is Φ⁻¹(p).
//
// Below 0.075 it evaluates the tail approximation on p itself: math.Erfcinv
// works from 1 − 2p, which keeps only about 1e-16 of p in absolute terms, so
// it would lose p's relative precision in the lower tail (1e-6 at p = 1e-10)
// and return −Inf below about 1e-17, where a truncated normal still has
// probability to invert.
func normQuantile(p float64) float64 {
	switch {
	case p <= 0:
		return math.Inf(-1)
	case p >= 1:
		return math.Inf(1)
	case p < 0.075:
		return -normTailQuantile(p)
	}
	return -math.Sqrt2 * math.Erfcinv(2*p)
}

// normTailQuantile is −Φ⁻¹(p) for 0 < p < 0.075. It refines a first guess
// by Newton's method on ln Φ(z) = ln p, whose derivative φ(z)/Φ(z) is
// computed from logarithms, so it keeps p's relative precision down to the
// smallest normal floats. The first guess is the inverse of math.Erfcinv
// where that still carries p (p > 1e-12), else the asymptotic
// z ≈ −√(t − ln t − ln 2π) with t = −2 ln p.
func normTailQuantile(p float64) float64 {
	lp := math.Log(p)
	var z float64
	if p > 1e-12 {
		z = -math.Sqrt2 * math.Erfcinv(2*p)
	} else {
		t := -2 * lp
		z = -math.Sqrt(t - math.Log(t) - math.Log(2*math.Pi))
	}
	const lnSqrt2Pi = 0.91893853320467274178 // ln √(2π)
	for range 50 {
		cdf := normCDF(z)
		if cdf <= 0 {
			break
		}
		lcdf := math.Log(cdf)
		lpdf := -0.5*z*z - lnSqrt2Pi
		step := (lcdf - lp) * math.Exp(lcdf-lpdf)
		z -= step
		if math.Abs(step) <= 1e-15*math.Abs(z) {
			break
		}
	}
	return -z
}

// normPDF is φ(x), the standard normal density.
func normPDF(x float64) float64 { return math.Exp(-0.5*x*x) / math.Sqrt(2*math.Pi) }

// lbeta is log B(a, b).
func lbeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

// regIncBeta is the regularized incomplete beta function I_x(a, b), the
// distribution function of Beta(a, b) at x. It evaluates the continued
// fraction of DLMF 8.17.22 by the modified Lentz method, on whichever of
// I_x(a, b) and 1 − I_{1−x}(b, a) converges fast.
func regIncBeta(x, a, b float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	if x > (a+1)/(a+b+2) {
		return 1 - regIncBeta(1-x, b, a)
	}
	front := math.Exp(a*math.Log(x)+b*math.Log1p(-x)-lbeta(a, b)) / a
	return front * betaContinuedFraction(x, a, b)
}

// betaContinuedFraction evaluates 1/(1+ d1/(1+ d2/(1+ …))) with
// d_{2m+1} = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)) and
// d_{2m} = m(b−m)x / ((a+2m−1)(a+2m)).
func betaContinuedFraction(x, a, b float64) float64 {
	const tiny = 1e-300
	const eps = 1e-15
	f, c, d := 1.0, 1.0, 0.0
	for i := 0; i <= 1000; i++ {
		m := float64(i / 2)
		var num float64
		switch {
		case i == 0:
			num = 1
		case i%2 == 0:
			num = m * (b - m) * x / ((a + 2*m - 1) * (a + 2*m))
		default:
			num = -(a + m) * (a + b + m) * x / ((a + 2*m) * (a + 2*m + 1))
		}
		d = 1 + num*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		d = 1 / d
		c = 1 + num/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		cd := c * d
		f *= cd
		if math.Abs(1-cd) < eps {
			return f - 1
		}
	}
	return f - 1
}

// betaQuantile inverts I_x(a, b) = p by Newton steps, safeguarded by
// bisection of a bracket [lo, hi] that shrinks until it holds two
// neighbouring floats. The bisection halves the bracket in the float64
// representation (the mean of the bit patterns), which across magnitudes is
// a geometric midpoint: with shapes below 1 quantiles far below 1e-16 are
// common (Beta(0.05, 0.05) has its 5th percentile near 1e-20), and halving
// [0, 1] arithmetically would neither reach them in time nor tell them from
// 0 with an absolute tolerance.
func betaQuantile(p, a, b float64) float64 {
	switch {
	case p <= 0:
		return 0
	case p >= 1:
		return 1
	}
	lo, hi := 0.0, 1.0
	x := a / (a + b)
	lb := lbeta(a, b)
	for range 400 {
		f := regIncBeta(x, a, b) - p
		if f == 0 {
			return x
		}
		if f < 0 {
			lo = x
		} else {
			hi = x
		}
		if math.Float64bits(hi)-math.Float64bits(lo) <= 1 {
			return hi // the smallest float with I ≥ p
		}
		dens := math.Exp((a-1)*math.Log(x) + (b-1)*math.Log1p(-x) - lb)
		next := x - f/dens
		if !(next > lo && next < hi) { // also when NaN
			next = math.Float64frombits((math.Float64bits(lo) + math.Float64bits(hi)) / 2)
		}
		x = next
	}
	return x
}

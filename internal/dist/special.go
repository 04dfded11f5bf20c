package dist

import "math"

// normCDF is Φ(x), the standard normal distribution function.
func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// normSF is 1 − Φ(x), accurate in the upper tail.
func normSF(x float64) float64 { return 0.5 * math.Erfc(x/math.Sqrt2) }

// normQuantile is Φ⁻¹(p).
func normQuantile(p float64) float64 {
	switch {
	case p <= 0:
		return math.Inf(-1)
	case p >= 1:
		return math.Inf(1)
	}
	return -math.Sqrt2 * math.Erfcinv(2*p)
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
	front := math.Exp(a*math.Log(x) + b*math.Log1p(-x) - lbeta(a, b)) / a
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

// betaQuantile inverts I_x(a, b) = p by safeguarded Newton steps.
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
	for range 200 {
		f := regIncBeta(x, a, b) - p
		if math.Abs(f) < 1e-15 {
			return x
		}
		if f < 0 {
			lo = x
		} else {
			hi = x
		}
		dens := math.Exp((a-1)*math.Log(x) + (b-1)*math.Log1p(-x) - lb)
		next := x - f/dens
		if !(next > lo && next < hi) || dens == 0 || math.IsNaN(next) {
			next = (lo + hi) / 2
		}
		if math.Abs(next-x) < 1e-16*math.Max(1, x) || hi-lo < 1e-16 {
			return next
		}
		x = next
	}
	return x
}

package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Gamma is the gamma distribution with shape Shape and rate Rate (mean
// Shape/Rate): the conjugate prior of a Poisson rate, which calibration
// gives threat-event frequencies.
type Gamma struct {
	Shape, Rate float64
	g           gamma
}

// NewGamma returns Gamma(shape, rate), both > 0.
func NewGamma(shape, rate float64) (*Gamma, error) {
	if !(shape > 0 && rate > 0) || math.IsInf(shape, 0) || math.IsInf(rate, 0) {
		return nil, fmt.Errorf("gamma needs shape > 0 and rate > 0, got [%g, %g]", shape, rate)
	}
	return &Gamma{Shape: shape, Rate: rate, g: newGamma(shape)}, nil
}

func (d *Gamma) Sample(r *rand.Rand) float64 { return d.g.sample(r) / d.Rate }
func (d *Gamma) Mean() float64               { return d.Shape / d.Rate }
func (d *Gamma) Variance() float64           { return d.Shape / (d.Rate * d.Rate) }
func (d *Gamma) CDF(x float64) float64       { return regIncGammaP(d.Shape, x*d.Rate) }

// Quantile inverts the distribution function by Newton steps kept inside
// a shrinking bracket, as betaQuantile does.
func (d *Gamma) Quantile(p float64) float64 {
	switch {
	case p <= 0:
		return 0
	case p >= 1:
		return math.Inf(1)
	}
	a := d.Shape
	lg, _ := math.Lgamma(a)
	// Bracket [lo, hi] in units of the standard gamma (rate 1).
	lo, hi := 0.0, math.Max(1, a)
	for regIncGammaP(a, hi) < p {
		lo, hi = hi, 2*hi
		if math.IsInf(hi, 1) {
			return math.Inf(1)
		}
	}
	x := (lo + hi) / 2
	for range 400 {
		f := regIncGammaP(a, x) - p
		if f == 0 {
			break
		}
		if f < 0 {
			lo = x
		} else {
			hi = x
		}
		dens := math.Exp((a-1)*math.Log(x) - x - lg)
		next := x - f/dens
		if !(next > lo && next < hi) || dens == 0 || math.IsNaN(next) {
			next = midpoint(lo, hi)
		}
		if next == x || hi <= math.Nextafter(lo, math.Inf(1)) {
			break
		}
		x = next
	}
	return x / d.Rate
}

// midpoint halves [lo, hi] geometrically when it spans magnitudes, so that
// tiny quantiles of small shapes are reached.
func midpoint(lo, hi float64) float64 {
	if lo > 0 && hi/lo > 4 {
		return math.Sqrt(lo * hi)
	}
	if lo == 0 && hi > 1e-300 {
		return hi * 1e-3
	}
	return (lo + hi) / 2
}

// regIncGammaP is the regularized lower incomplete gamma function P(a, x):
// a series for x < a+1 (DLMF 8.11.4), else 1 − Q(a, x) with Q from its
// continued fraction (DLMF 8.9.2) evaluated by the modified Lentz method.
func regIncGammaP(a, x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case math.IsInf(x, 1):
		return 1
	}
	lg, _ := math.Lgamma(a)
	front := a*math.Log(x) - x - lg
	if x < a+1 {
		sum, term := 1/a, 1/a
		for n := 1; n < 10000; n++ {
			term *= x / (a + float64(n))
			sum += term
			if math.Abs(term) < math.Abs(sum)*1e-16 {
				break
			}
		}
		return math.Min(1, sum*math.Exp(front))
	}
	// Q(a, x) = e^{-x} x^a / Γ(a) · 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …)))
	const tiny = 1e-300
	b := x + 1 - a
	c := 1 / tiny
	d := 1 / b
	h := d
	for i := 1; i < 10000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		delta := d * c
		h *= delta
		if math.Abs(delta-1) < 1e-16 {
			break
		}
	}
	return math.Max(0, 1-math.Exp(front)*h)
}

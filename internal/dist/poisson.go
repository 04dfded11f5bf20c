package dist

import (
	"math"
	"math/rand/v2"
)

// poissonInversionMax is the largest mean drawn by inversion; above it the
// transformed rejection method is faster.
const poissonInversionMax = 12

// Poisson draws a Poisson count with mean mu ≥ 0. Means up to 12 are drawn
// by inversion from a single uniform (so that nearby means give nearby
// counts from the same random numbers); larger means by Hörmann's
// transformed rejection with squeeze (PTRS, 1993).
func Poisson(r *rand.Rand, mu float64) int64 {
	switch {
	case !(mu > 0):
		return 0
	case mu <= poissonInversionMax:
		return poissonInversion(r.Float64(), mu)
	}
	return poissonPTRS(r, mu)
}

// poissonInversion returns the smallest k with P(N ≤ k) > u.
func poissonInversion(u, mu float64) int64 {
	p := math.Exp(-mu)
	cum := p
	var k int64
	for u >= cum && k < 1000 {
		k++
		p *= mu / float64(k)
		if cum+p == cum {
			// The rest of the tail is below the rounding of cum: u is
			// within rounding of 1. Going on would only stop where p
			// underflows, at an absurd count (319 for a mean of 11.9).
			break
		}
		cum += p
	}
	return k
}

// poissonPTRS is the PTRS algorithm of W. Hörmann, "The transformed
// rejection method for generating Poisson random variables", Insurance:
// Mathematics and Economics 12 (1993), for mu ≥ 10.
func poissonPTRS(r *rand.Rand, mu float64) int64 {
	smu := math.Sqrt(mu)
	b := 0.931 + 2.53*smu
	a := -0.059 + 0.02483*b
	invAlpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	logMu := math.Log(mu)
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + mu + 0.43)
		if us >= 0.07 && v <= vr {
			return int64(k)
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+math.Log(invAlpha)-math.Log(a/(us*us)+b) <= -mu+k*logMu-lg {
			return int64(k)
		}
	}
}

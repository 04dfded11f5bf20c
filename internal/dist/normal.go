package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// TruncNormal is N(Mu, SD²) conditioned on [Lo, Hi] (Hi may be +Inf).
type TruncNormal struct {
	Mu, SD, Lo, Hi float64
	alpha, beta    float64 // standardized bounds
	flip           bool    // the range lies in the upper tail: work on −X
	pa, pb         float64 // Φ of the (possibly flipped) standardized bounds
	mass           float64 // P(Lo ≤ X ≤ Hi) before truncation
}

// NewTruncNormal returns the normal N(mu, sd²) truncated to [lo, hi].
func NewTruncNormal(mu, sd, lo, hi float64) (*TruncNormal, error) {
	if !(sd > 0) || math.IsInf(mu, 0) || math.IsNaN(mu) || math.IsInf(sd, 0) {
		return nil, fmt.Errorf("normal needs a finite mean and sd > 0, got [%g, %g]", mu, sd)
	}
	if !(lo < hi) {
		return nil, fmt.Errorf("normal truncation needs lo < hi, got [%g, %g]", lo, hi)
	}
	t := &TruncNormal{Mu: mu, SD: sd, Lo: lo, Hi: hi, alpha: (lo - mu) / sd, beta: (hi - mu) / sd}
	a, b := t.alpha, t.beta
	if a > 0 {
		t.flip = true
		a, b = -b, -a
	}
	t.pa, t.pb = normCDF(a), normCDF(b)
	t.mass = t.pb - t.pa
	if !(t.mass > 1e-300) {
		return nil, fmt.Errorf("normal [%g, %g] has no probability within [%g, %g]", mu, sd, lo, hi)
	}
	return t, nil
}

// Sample draws by rejection when the truncation keeps most of the mass, and
// by inversion of the distribution function otherwise.
func (t *TruncNormal) Sample(r *rand.Rand) float64 {
	if t.mass > 0.25 {
		for {
			z := r.NormFloat64()
			if z >= t.alpha && z <= t.beta {
				return t.Mu + t.SD*z
			}
		}
	}
	z := normQuantile(t.pa + r.Float64()*t.mass)
	if t.flip {
		z = -z
	}
	z = math.Min(math.Max(z, t.alpha), t.beta)
	return t.Mu + t.SD*z
}

func (t *TruncNormal) z() float64 { return (pdfOrZero(t.alpha) - pdfOrZero(t.beta)) / t.mass }

func pdfOrZero(x float64) float64 {
	if math.IsInf(x, 0) {
		return 0
	}
	return normPDF(x)
}

func (t *TruncNormal) Mean() float64 { return t.Mu + t.SD*t.z() }

func (t *TruncNormal) Variance() float64 {
	bt, at := 0.0, 0.0
	if !math.IsInf(t.beta, 0) {
		bt = t.beta * normPDF(t.beta)
	}
	if !math.IsInf(t.alpha, 0) {
		at = t.alpha * normPDF(t.alpha)
	}
	z := t.z()
	return t.SD * t.SD * (1 + (at-bt)/t.mass - z*z)
}

func (t *TruncNormal) CDF(x float64) float64 {
	switch {
	case x <= t.Lo:
		return 0
	case x >= t.Hi:
		return 1
	}
	xi := (x - t.Mu) / t.SD
	if t.flip {
		return (t.pb - normCDF(-xi)) / t.mass
	}
	return (normCDF(xi) - t.pa) / t.mass
}

func (t *TruncNormal) Quantile(p float64) float64 {
	switch {
	case p <= 0:
		return t.Lo
	case p >= 1:
		return t.Hi
	}
	var z float64
	if t.flip {
		z = -normQuantile(t.pb - p*t.mass)
	} else {
		z = normQuantile(t.pa + p*t.mass)
	}
	return t.Mu + t.SD*math.Min(math.Max(z, t.alpha), t.beta)
}

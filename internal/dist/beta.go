package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Beta is the beta distribution with shapes Alpha and Beta, stretched to
// [Lo, Lo+Scale]. A Beta-PERT is one of these.
type Beta struct {
	Alpha, Beta float64
	Lo, Scale   float64
	ga, gb      gamma
}

// NewBeta returns Beta(alpha, beta) on [lo, hi].
func NewBeta(alpha, beta, lo, hi float64) (*Beta, error) {
	if !(alpha > 0 && beta > 0) || math.IsInf(alpha, 0) || math.IsInf(beta, 0) {
		return nil, fmt.Errorf("beta needs alpha > 0 and beta > 0, got [%g, %g]", alpha, beta)
	}
	if !(lo < hi) {
		return nil, fmt.Errorf("beta needs lo < hi, got [%g, %g]", lo, hi)
	}
	return &Beta{Alpha: alpha, Beta: beta, Lo: lo, Scale: hi - lo, ga: newGamma(alpha), gb: newGamma(beta)}, nil
}

// NewPERT returns the Beta-PERT (Vose) on [min, max] with the given mode
// and shape lambda: Beta(1 + λ(mode−min)/(max−min), 1 + λ(max−mode)/(max−min))
// stretched to [min, max], whose mean is (min + λ·mode + max)/(λ + 2).
func NewPERT(min, mode, max, lambda float64) (*Beta, error) {
	if !(min <= mode && mode <= max && min < max) {
		return nil, fmt.Errorf("pert needs min ≤ mode ≤ max and min < max, got [%g, %g, %g]", min, mode, max)
	}
	if !(lambda > 0) {
		return nil, fmt.Errorf("pert needs lambda > 0, got %g", lambda)
	}
	r := max - min
	return NewBeta(1+lambda*(mode-min)/r, 1+lambda*(max-mode)/r, min, max)
}

// Sample draws X/(X+Y) with X ~ Gamma(α), Y ~ Gamma(β). When a shape is
// below 1 the ratio is formed from logarithms, which do not underflow.
func (b *Beta) Sample(r *rand.Rand) float64 {
	var x float64
	if b.ga.boost || b.gb.boost {
		lx, ly := b.ga.logSample(r), b.gb.logSample(r)
		x = 1 / (1 + math.Exp(ly-lx))
	} else {
		gx, gy := b.ga.sample(r), b.gb.sample(r)
		x = gx / (gx + gy)
	}
	return b.Lo + b.Scale*x
}

func (b *Beta) Mean() float64 { return b.Lo + b.Scale*b.Alpha/(b.Alpha+b.Beta) }

func (b *Beta) Variance() float64 {
	s := b.Alpha + b.Beta
	return b.Scale * b.Scale * b.Alpha * b.Beta / (s * s * (s + 1))
}

func (b *Beta) CDF(x float64) float64 { return regIncBeta((x-b.Lo)/b.Scale, b.Alpha, b.Beta) }

func (b *Beta) Quantile(p float64) float64 { return b.Lo + b.Scale*betaQuantile(p, b.Alpha, b.Beta) }

// gamma samples Gamma(shape, 1) by Marsaglia and Tsang's method (2000);
// shapes below 1 are boosted: Gamma(a) = Gamma(a+1)·U^(1/a).
type gamma struct {
	shape float64
	d, c  float64 // Marsaglia–Tsang constants for shape (or shape+1)
	boost bool
}

func newGamma(shape float64) gamma {
	g := gamma{shape: shape}
	a := shape
	if a < 1 {
		g.boost = true
		a++
	}
	g.d = a - 1.0/3
	g.c = 1 / math.Sqrt(9*g.d)
	return g
}

// core draws Gamma(a) for the (possibly boosted) shape a ≥ 1.
func (g gamma) core(r *rand.Rand) float64 {
	for {
		x := r.NormFloat64()
		v := 1 + g.c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		x2 := x * x
		if u < 1-0.0331*x2*x2 {
			return g.d * v
		}
		if math.Log(u) < 0.5*x2+g.d*(1-v+math.Log(v)) {
			return g.d * v
		}
	}
}

func (g gamma) sample(r *rand.Rand) float64 {
	if g.boost {
		return math.Exp(g.logSample(r))
	}
	return g.core(r)
}

// logSample draws log Gamma(shape).
func (g gamma) logSample(r *rand.Rand) float64 {
	x := math.Log(g.core(r))
	if g.boost {
		u := r.Float64()
		for u == 0 {
			u = r.Float64()
		}
		x += math.Log(u) / g.shape
	}
	return x
}

// Package dist implements the probability distributions of the model format
// (DESIGN.md section 2): sampling, moments, distribution and quantile
// functions, and Poisson counts. Randomness always comes in as a *rand.Rand.
package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/scrutin/scrutin/internal/model"
)

// Dist is a univariate distribution.
type Dist interface {
	// Sample draws one value.
	Sample(r *rand.Rand) float64
	// Mean is the expected value.
	Mean() float64
	// Variance is the variance.
	Variance() float64
	// CDF is P(X ≤ x).
	CDF(x float64) float64
	// Quantile is the smallest x with CDF(x) ≥ p, for p in [0, 1].
	Quantile(p float64) float64
}

// z95 is Φ⁻¹(0.95): a lognormal90's p5 and p95 sit this many sigmas from mu.
const z95 = 1.6448536269514722

// New builds the distribution d describes, for a quantity living in dom
// (which decides where a normal is truncated). d must be valid, as
// model.Validate leaves it (labels resolved).
func New(d model.Dist, dom model.Domain) (Dist, error) {
	p := d.Params
	need := func(n int) error {
		if len(p) != n {
			return fmt.Errorf("%s needs %d parameters, got %d", d.Kind, n, len(p))
		}
		return nil
	}
	switch d.Kind {
	case model.Constant:
		if err := need(1); err != nil {
			return nil, err
		}
		return Constant(p[0]), nil
	case model.PERT:
		if err := need(3); err != nil {
			return nil, err
		}
		return NewPERT(p[0], p[1], p[2], d.PERTLambda())
	case model.Triangular:
		if err := need(3); err != nil {
			return nil, err
		}
		return NewTriangular(p[0], p[1], p[2])
	case model.Uniform:
		if err := need(2); err != nil {
			return nil, err
		}
		return NewUniform(p[0], p[1])
	case model.Lognormal90:
		if err := need(2); err != nil {
			return nil, err
		}
		return NewLognormal90(p[0], p[1])
	case model.Lognormal:
		if err := need(2); err != nil {
			return nil, err
		}
		return NewLognormal(p[0], p[1])
	case model.Beta:
		if err := need(2); err != nil {
			return nil, err
		}
		return NewBeta(p[0], p[1], 0, 1)
	case model.Gamma:
		if err := need(2); err != nil {
			return nil, err
		}
		return NewGamma(p[0], p[1])
	case model.Normal:
		if err := need(2); err != nil {
			return nil, err
		}
		hi := math.Inf(1)
		if dom == model.Probability {
			hi = 1
		}
		return NewTruncNormal(p[0], p[1], 0, hi)
	case model.Label:
		return nil, fmt.Errorf("label %q is not resolved (validate the model first)", d.Label)
	}
	return nil, fmt.Errorf("unknown distribution %q", d.Kind)
}

// Constant is a fixed value.
type Constant float64

func (c Constant) Sample(*rand.Rand) float64 { return float64(c) }
func (c Constant) Mean() float64             { return float64(c) }
func (c Constant) Variance() float64         { return 0 }
func (c Constant) CDF(x float64) float64 {
	if x < float64(c) {
		return 0
	}
	return 1
}
func (c Constant) Quantile(float64) float64 { return float64(c) }

// Uniform is the uniform distribution on [A, B].
type Uniform struct{ A, B float64 }

// NewUniform returns the uniform distribution on [a, b], a < b.
func NewUniform(a, b float64) (Uniform, error) {
	if !(a < b) {
		return Uniform{}, fmt.Errorf("uniform needs a < b, got [%g, %g]", a, b)
	}
	return Uniform{a, b}, nil
}

func (u Uniform) Sample(r *rand.Rand) float64 { return u.A + (u.B-u.A)*r.Float64() }
func (u Uniform) Mean() float64               { return (u.A + u.B) / 2 }
func (u Uniform) Variance() float64           { return (u.B - u.A) * (u.B - u.A) / 12 }
func (u Uniform) CDF(x float64) float64       { return clamp01((x - u.A) / (u.B - u.A)) }
func (u Uniform) Quantile(p float64) float64  { return u.A + (u.B-u.A)*clamp01(p) }

// Triangular is the triangular distribution on [Min, Max] with mode Mode.
type Triangular struct{ Min, Mode, Max float64 }

// NewTriangular returns the triangular distribution, min ≤ mode ≤ max, min < max.
func NewTriangular(min, mode, max float64) (Triangular, error) {
	if !(min <= mode && mode <= max && min < max) {
		return Triangular{}, fmt.Errorf("triangular needs min ≤ mode ≤ max and min < max, got [%g, %g, %g]", min, mode, max)
	}
	return Triangular{min, mode, max}, nil
}

func (t Triangular) Sample(r *rand.Rand) float64 { return t.Quantile(r.Float64()) }
func (t Triangular) Mean() float64               { return (t.Min + t.Mode + t.Max) / 3 }
func (t Triangular) Variance() float64 {
	a, c, b := t.Min, t.Mode, t.Max
	return (a*a + b*b + c*c - a*b - a*c - b*c) / 18
}
func (t Triangular) CDF(x float64) float64 {
	a, c, b := t.Min, t.Mode, t.Max
	switch {
	case x <= a:
		return 0
	case x >= b:
		return 1
	case x <= c:
		return (x - a) * (x - a) / ((b - a) * (c - a))
	}
	return 1 - (b-x)*(b-x)/((b-a)*(b-c))
}
func (t Triangular) Quantile(p float64) float64 {
	a, c, b := t.Min, t.Mode, t.Max
	p = clamp01(p)
	if fc := (c - a) / (b - a); p < fc {
		return a + math.Sqrt(p*(b-a)*(c-a))
	}
	return b - math.Sqrt((1-p)*(b-a)*(b-c))
}

// Lognormal is exp(N(Mu, Sigma²)).
type Lognormal struct{ Mu, Sigma float64 }

// NewLognormal returns the lognormal of the underlying normal N(mu, sigma²).
func NewLognormal(mu, sigma float64) (Lognormal, error) {
	if !(sigma > 0) || math.IsInf(mu, 0) || math.IsNaN(mu) {
		return Lognormal{}, fmt.Errorf("lognormal needs a finite mu and sigma > 0, got mu %g sigma %g", mu, sigma)
	}
	return Lognormal{mu, sigma}, nil
}

// NewLognormal90 returns the lognormal whose 5th and 95th percentiles are
// p5 and p95.
func NewLognormal90(p5, p95 float64) (Lognormal, error) {
	if !(p5 > 0 && p5 < p95) {
		return Lognormal{}, fmt.Errorf("lognormal90 needs 0 < p5 < p95, got [%g, %g]", p5, p95)
	}
	lo, hi := math.Log(p5), math.Log(p95)
	return Lognormal{Mu: (lo + hi) / 2, Sigma: (hi - lo) / (2 * z95)}, nil
}

func (l Lognormal) Sample(r *rand.Rand) float64 { return math.Exp(l.Mu + l.Sigma*r.NormFloat64()) }
func (l Lognormal) Mean() float64               { return math.Exp(l.Mu + l.Sigma*l.Sigma/2) }
func (l Lognormal) Variance() float64 {
	s2 := l.Sigma * l.Sigma
	return math.Expm1(s2) * math.Exp(2*l.Mu+s2)
}
func (l Lognormal) CDF(x float64) float64 {
	if x <= 0 {
		return 0
	}
	return normCDF((math.Log(x) - l.Mu) / l.Sigma)
}
func (l Lognormal) Quantile(p float64) float64 {
	return math.Exp(l.Mu + l.Sigma*normQuantile(clamp01(p)))
}

func clamp01(x float64) float64 {
	switch {
	case x < 0:
		return 0
	case x > 1:
		return 1
	}
	return x
}

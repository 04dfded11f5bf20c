package dist

import (
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// sink keeps the compiler from discarding benchmarked draws.
var sink float64

// BenchmarkSample draws from one member of each family, and from the
// regimes that take different code paths.
func BenchmarkSample(b *testing.B) {
	nn, pr := model.NonNegative, model.Probability
	for _, c := range []struct {
		name string
		d    model.Dist
		dom  model.Domain
	}{
		{"constant", model.Const(3), nn},
		{"pert", model.Dist{Kind: model.PERT, Params: []float64{0.5, 2, 10}}, nn},
		{"pert-lambda2", model.Dist{Kind: model.PERT, Params: []float64{0.5, 2, 10}, Lambda: 2}, nn},
		{"triangular", model.Dist{Kind: model.Triangular, Params: []float64{1, 3, 10}}, nn},
		{"uniform", model.Dist{Kind: model.Uniform, Params: []float64{2, 5}}, nn},
		{"lognormal90", model.Dist{Kind: model.Lognormal90, Params: []float64{10000, 1000000}}, nn},
		{"lognormal", model.Dist{Kind: model.Lognormal, Params: []float64{1, 0.5}}, nn},
		{"beta-2-3", model.Dist{Kind: model.Beta, Params: []float64{2, 3}}, pr},
		{"beta-0.5-0.5", model.Dist{Kind: model.Beta, Params: []float64{0.5, 0.5}}, pr},
		{"normal-rejection", model.Dist{Kind: model.Normal, Params: []float64{5, 2}}, nn},
		{"normal-inversion", model.Dist{Kind: model.Normal, Params: []float64{-3, 1}}, nn},
		{"normal-01", model.Dist{Kind: model.Normal, Params: []float64{0.3, 0.1}}, pr},
	} {
		b.Run(c.name, func(b *testing.B) {
			d := mustNew(b, c.d, c.dom)
			r := newRand(1)
			s := 0.0
			for b.Loop() {
				s += d.Sample(r)
			}
			sink = s
		})
	}
}

func BenchmarkPoisson(b *testing.B) {
	for _, c := range []struct {
		name string
		mu   float64
	}{{"small-0.3", 0.3}, {"small-5", 5}, {"inversion-12", 12}, {"large-30", 30}, {"large-1000", 1000}} {
		b.Run(c.name, func(b *testing.B) {
			r := newRand(1)
			var s int64
			for b.Loop() {
				s += Poisson(r, c.mu)
			}
			sink = float64(s)
		})
	}
}

func BenchmarkQuantile(b *testing.B) {
	for _, c := range []struct {
		name string
		d    model.Dist
		dom  model.Domain
	}{
		{"pert", model.Dist{Kind: model.PERT, Params: []float64{0.5, 2, 10}}, model.NonNegative},
		{"beta-0.05-0.05", model.Dist{Kind: model.Beta, Params: []float64{0.05, 0.05}}, model.Probability},
		{"normal-inversion", model.Dist{Kind: model.Normal, Params: []float64{-3, 1}}, model.NonNegative},
	} {
		b.Run(c.name, func(b *testing.B) {
			d := mustNew(b, c.d, c.dom)
			i := 0
			for b.Loop() {
				i++
				sink += d.Quantile(float64(i%999+1) / 1000)
			}
		})
	}
}

package plan

import (
	"context"
	"math/rand/v2"
	"testing"
)

// BenchmarkFrontier30x20 plans for a generated model of 30 proposed
// controls (each acting on 1 to 4 scenarios, multipliers 0.2 to 0.9) over
// 20 scenarios (constant, PERT, lognormal and beta inputs, some secondary
// losses, two actors, one with a yearly activity) at 100,000 trials, frontier
// included, on all cores: the figure is ≤ 15 s on 2 cores.
//
//	go test -run XXX -bench Frontier30x20 -benchtime 1x ./internal/plan/
func BenchmarkFrontier30x20(b *testing.B) {
	m := mustModel(b, genModel(rand.New(rand.NewPCG(30, 20)),
		genOptions{controls: 30, scenarios: 20, perControl: 4, lo: 0.2, hi: 0.9, implemented: true}))
	for _, obj := range []string{ObjectiveMean, ObjectiveP95} {
		b.Run(obj, func(b *testing.B) {
			var res *Result
			for b.Loop() {
				var err error
				res, err = Optimize(context.Background(), m, Options{Budget: 150000, Objective: obj, Trials: 100000, Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/plan")
			b.ReportMetric(float64(res.Simulations), "simulations")
			b.ReportMetric(float64(len(res.Frontier)), "frontier-points")
			b.ReportMetric(0, "ns/op")
		})
	}
}

package sim

import (
	"context"
	"testing"
)

// TestHarmLossesMatchRun: HarmLosses gives each scenario's harms of the
// run, trial by trial: their means are the run's scenario harm means bit
// for bit, the losses are Losses', and the per-trial sums over scenarios,
// added block by block as Run adds them, give the run's portfolio harm
// mean bit for bit; controls' harm multipliers and timing apply; the
// worker count changes nothing.
func TestHarmLossesMatchRun(t *testing.T) {
	m := mustModel(t, header+`actors: [{id: a, name: A}]
harms: [{id: votes, name: Votes altered, unit: votes}, {id: voters, name: Voters, unit: voters}]
calendar: {season_days: 30, windows: [{id: silence, name: Silence, start_day: 28, days: 2}]}
scenarios:
  - {id: s1, name: S1, actor: a, assets: [x], effect: integrity, frequency: 1.5, vulnerability: 0.5,
     magnitude: 100, harm: {votes: {lognormal90: [10, 1000]}}, timing: {silence: {harm: {votes: 4}}}}
  - {id: s2, name: S2, actor: a, assets: [x], effect: availability, frequency: 2, vulnerability: 1,
     magnitude: 50, harm: {votes: 7, voters: {uniform: [0, 100]}}}
  - {id: s3, name: S3, actor: a, assets: [x], effect: availability, frequency: 1, vulnerability: 1, magnitude: 10}
controls:
  - {id: c, name: C, status: implemented, effects: [{scenario: s2, harm: {votes: 0.5}}]}
`)
	const trials = 3*BlockSize + 17
	for _, workers := range []int{1, 3} {
		opt := Options{Trials: trials, Seed: 9, Workers: workers}
		res := mustRun(t, m, opt)
		ctx := context.Background()
		total := make([][]float64, len(m.Harms))
		for d := range total {
			total[d] = make([]float64, trials)
		}
		for si, s := range m.Scenarios {
			hl, err := HarmLosses(ctx, m, opt, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			sum, err := HarmLossSummary(ctx, m, opt, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := Losses(ctx, m, opt, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if hl.Mean != res.Scenarios[si].Mean || hl.Mean != plain.Mean || sum.Mean != hl.Mean {
				t.Errorf("%s: mean loss %v, run %v, Losses %v, summary %v", s.ID, hl.Mean, res.Scenarios[si].Mean, plain.Mean, sum.Mean)
			}
			if plain.Harm != nil || plain.HarmMean != nil {
				t.Errorf("%s: Losses gave harms", s.ID)
			}
			for d, h := range m.Harms {
				want := res.Scenarios[si].Harms[h.ID].Mean // 0 when the scenario has none
				if hl.HarmMean[d] != want || sum.HarmMean[d] != want {
					t.Errorf("%s/%s: harm mean %v, summary %v, run %v", s.ID, h.ID, hl.HarmMean[d], sum.HarmMean[d], want)
				}
				if _, has := s.Harm[h.ID]; has != (hl.Harm[d] != nil) {
					t.Errorf("%s/%s: per-trial harms given: %v", s.ID, h.ID, hl.Harm[d] != nil)
				}
				for tr, x := range hl.Harm[d] {
					total[d][tr] += x
				}
			}
			if sum.Harm != nil {
				t.Errorf("%s: a summary kept per-trial harms", s.ID)
			}
		}
		for d, h := range m.Harms {
			var s float64
			for first := 0; first < trials; first += BlockSize {
				var b float64
				for _, x := range total[d][first:min(first+BlockSize, trials)] {
					b += x
				}
				s += b
			}
			if got, want := s/trials, res.Portfolio.Harms[h.ID].Mean; got != want {
				t.Errorf("workers %d, %s: portfolio harm mean from HarmLosses %v, run %v", workers, h.ID, got, want)
			}
		}
	}
}

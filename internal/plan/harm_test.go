package plan

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

// harmYAML has one scenario with 2 loss events a year and a constant
// harm of 1,000 votes altered and 10 voters affected per event. Control
// half (10,000 a year) halves the votes altered per event; control cheap
// (5,000 a year) cuts the money loss tenfold and no harm. Votes altered
// have a tolerance of P(any) ≤ 1 in 1,000, breached before and after
// (P(any) = 1 − e^(−2) whatever the controls); voters affected one of
// P(> 1,000,000) ≤ 1 %, never breached.
const harmYAML = `scrutin: 1
name: harms
currency: EUR
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: a, org: o, name: A, kind: email}]
actors: [{id: x, name: X}]
harms:
  - {id: votes-altered, name: Votes altered, unit: votes}
  - {id: voters-affected, name: Voters affected, unit: voters}
harm_tolerance:
  - {harm: votes-altered, points: [{above: 0, probability: 0.001}]}
  - {harm: voters-affected, points: [{above: 1000000, probability: 0.01}]}
controls:
  - {id: half, name: Half, status: proposed, cost: {yearly: 10000}, effects: [{scenario: s, harm: {votes-altered: 0.5}}]}
  - {id: cheap, name: Cheap, status: proposed, cost: {yearly: 5000}, effects: [{scenario: s, magnitude: 0.1}]}
scenarios:
  - {id: s, name: S, actor: x, assets: [a], effect: integrity, frequency: 2, vulnerability: 1,
     magnitude: 100000, harm: {votes-altered: 1000, voters-affected: 10}}
`

func TestHarmObjectiveHalves(t *testing.T) {
	m := mustModel(t, harmYAML)
	ctx := context.Background()
	const trials = 20_000
	res, err := Optimize(ctx, m, Options{Budget: 10_000, Objective: "harm:votes-altered:mean", Trials: trials, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Selected, []string{"half"}) {
		t.Fatalf("selected %v, want [half]", res.Selected)
	}
	if res.ObjectiveUnit != "votes" {
		t.Errorf("objective unit %q", res.ObjectiveUnit)
	}
	sig := res.Significance
	if len(sig.Harms) != 2 || sig.Harms[0].ID != "votes-altered" || sig.Harms[1].ID != "voters-affected" {
		t.Fatalf("harm verdicts %+v", sig.Harms)
	}
	v := sig.Harms[0]
	// The same loss events before and after, each with 1,000 then 500
	// votes: every year's harm is halved, exactly, and so is the mean.
	if v.After.Mean != v.Before.Mean/2 {
		t.Errorf("residual mean votes altered %v, want exactly half of %v", v.After.Mean, v.Before.Mean)
	}
	se := 1000 * math.Sqrt(2.0/trials)
	if math.Abs(v.Before.Mean-2000) > 4*se {
		t.Errorf("baseline mean votes altered %v, want 2,000 ± %v", v.Before.Mean, 4*se)
	}
	if res.ObjectiveReduction != v.Before.Mean-v.After.Mean {
		t.Errorf("objective reduction %v, want %v", res.ObjectiveReduction, v.Before.Mean-v.After.Mean)
	}
	p := 1 - math.Exp(-2)
	if math.Abs(v.Before.PAny-p) > 4*math.Sqrt(p*(1-p)/trials) || v.After.PAny != v.Before.PAny {
		t.Errorf("P(any votes altered) %v before, %v after; want %v both", v.Before.PAny, v.After.PAny, p)
	}
	if !v.Tolerance || !v.BreachedBefore || !v.BreachedAfter || len(v.Points) != 1 || v.Points[0].After != v.After.PAny {
		t.Errorf("votes-altered verdict %+v: its tolerance is breached before and after", v)
	}
	if w := sig.Harms[1]; !w.Tolerance || w.BreachedBefore || w.BreachedAfter || w.After.Mean != w.Before.Mean {
		t.Errorf("voters-affected verdict %+v: unchanged, within tolerance", w)
	}
	if sig.SignificantBefore == nil || !*sig.SignificantBefore || sig.SignificantAfter == nil || !*sig.SignificantAfter {
		t.Errorf("significant before/after %v/%v, want true/true", sig.SignificantBefore, sig.SignificantAfter)
	}
	// The plan's harms are a run's, bit for bit.
	for _, c := range []struct {
		controls []string
		got      []HarmRisk
	}{{[]string{}, []HarmRisk{sig.Harms[0].Before, sig.Harms[1].Before}}, {[]string{"half"}, []HarmRisk{sig.Harms[0].After, sig.Harms[1].After}}} {
		run, err := sim.Run(ctx, m, sim.Options{Trials: trials, Seed: 5, Controls: c.controls})
		if err != nil {
			t.Fatal(err)
		}
		for d, h := range m.Harms {
			if want := harmRiskOf(run.Portfolio.Harms[h.ID]); c.got[d] != want {
				t.Errorf("controls %v, %s: plan %+v, run %+v", c.controls, h.ID, c.got[d], want)
			}
		}
	}
	// A budget below half's cost buys nothing that cuts votes altered:
	// cheap ties with nothing, and fewer controls win.
	low, err := Optimize(ctx, m, Options{Budget: 9_999, Objective: "harm:votes-altered:mean", Trials: trials, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(low.Selected) != 0 || low.Significance.Harms[0].After != low.Significance.Harms[0].Before || low.ObjectiveReduction != 0 {
		t.Errorf("budget 9,999: selected %v, harms %+v", low.Selected, low.Significance.Harms[0])
	}
	// The money objective picks cheap and half is useless to it.
	money, err := Optimize(ctx, m, Options{Budget: 10_000, Trials: trials, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(money.Selected, []string{"cheap"}) || money.ObjectiveUnit != "" {
		t.Errorf("money objective: selected %v, unit %q", money.Selected, money.ObjectiveUnit)
	}
	if h := money.Significance.Harms[0]; h.After != h.Before {
		t.Errorf("cheap changed the votes altered: %+v", h)
	}
}

// TestHarmQuantileObjective: the P99 of the votes altered is halved by
// half (to the sketch's relative accuracy), and the quantile search
// agrees with the mean search on the choice.
func TestHarmQuantileObjective(t *testing.T) {
	m := mustModel(t, harmYAML)
	res, err := Optimize(context.Background(), m, Options{Budget: 20_000, Objective: "harm:votes-altered:p99", Trials: 20_000, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	// Both fit the budget, but cheap does not cut the P99: fewer controls.
	if !slices.Equal(res.Selected, []string{"half"}) {
		t.Fatalf("selected %v, want [half]", res.Selected)
	}
	v := res.Significance.Harms[0]
	if math.Abs(v.After.P99-v.Before.P99/2) > 2*sim.RelativeAccuracy*v.Before.P99 {
		t.Errorf("P99 votes altered %v after, want half of %v", v.After.P99, v.Before.P99)
	}
	if res.ObjectiveReduction != v.Before.P99-v.After.P99 {
		t.Errorf("objective reduction %v", res.ObjectiveReduction)
	}
	for _, f := range res.Frontier {
		if f.Chosen && f.Objective != v.After.P99 {
			t.Errorf("the chosen frontier point's objective %v, the residual P99 %v", f.Objective, v.After.P99)
		}
	}
}

// harmGenYAML has uncertain harms in two scenarios out of three, timing,
// and controls acting on harms, money and both.
const harmGenYAML = `scrutin: 1
name: harms
currency: EUR
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: a, org: o, name: A, kind: email}]
actors: [{id: x, name: X, activity: {lognormal90: [0.5, 2]}}]
harms:
  - {id: votes, name: Votes altered, unit: votes}
  - {id: trust, name: Confidence, unit: points}
harm_tolerance:
  - {harm: trust, points: [{above: 5, probability: 0.05}]}
calendar: {season_days: 60, windows: [{id: silence, name: Silence, start_day: 58, days: 2}]}
controls:
  - {id: c1, name: C1, status: proposed, cost: {yearly: 10000}, effects: [{scenario: s1, harm: {votes: 0.3}}, {scenario: s2, frequency: 0.8}]}
  - {id: c2, name: C2, status: proposed, cost: {once: 30000}, effects: [{scenario: s2, harm: {votes: 0.5}}, {scenario: s1, harm: {trust: 0.5}}]}
  - {id: c3, name: C3, status: proposed, cost: {yearly: 4000}, effects: [{scenario: s3, magnitude: 0.5}, {scenario: s1, vulnerability: 0.7}]}
  - {id: base, name: Base, status: implemented, effects: [{scenario: s1, harm: {trust: 0.9}}]}
scenarios:
  - {id: s1, name: S1, actor: x, assets: [a], effect: integrity, frequency: {pert: [0.5, 1, 3]}, vulnerability: 0.5,
     magnitude: {lognormal90: [1000, 100000]}, harm: {votes: {lognormal90: [10, 5000]}, trust: {uniform: [0, 3]}},
     timing: {silence: {harm: {trust: 3}}}}
  - {id: s2, name: S2, actor: x, assets: [a], effect: integrity, frequency: 2, vulnerability: 0.3,
     magnitude: 20000, harm: {votes: {pert: [0, 100, 1000]}}}
  - {id: s3, name: S3, actor: x, assets: [a], effect: availability, frequency: 1, vulnerability: 1, magnitude: 5000}
`

// TestHarmPlanMatchesRun: for every harm objective, the plan's figures
// are those of a run of the same portfolio, bit for bit — its baseline
// and residual harms, and the objective of the chosen frontier point —
// and the plan is the same whatever the number of workers.
func TestHarmPlanMatchesRun(t *testing.T) {
	m := mustModel(t, harmGenYAML)
	ctx := context.Background()
	const trials = sim.BlockSize + 999
	for _, obj := range []string{"harm:votes:mean", "harm:votes:p95", "harm:trust:mean", "harm:trust:p90", "mean"} {
		t.Run(obj, func(t *testing.T) {
			var jsons []string
			for _, workers := range []int{1, 3} {
				res, err := Optimize(ctx, m, Options{Budget: 15000, Objective: obj, Trials: trials, Seed: 11, Workers: workers})
				if err != nil {
					t.Fatal(err)
				}
				b, _ := json.Marshal(res)
				jsons = append(jsons, string(b))
				base, err := sim.Run(ctx, m, sim.Options{Trials: trials, Seed: 11})
				if err != nil {
					t.Fatal(err)
				}
				after, err := sim.Run(ctx, m, sim.Options{Trials: trials, Seed: 11, Controls: append([]string{"base"}, res.Selected...)})
				if err != nil {
					t.Fatal(err)
				}
				for d, h := range m.Harms {
					hv := res.Significance.Harms[d]
					if hv.Before != harmRiskOf(base.Portfolio.Harms[h.ID]) || hv.After != harmRiskOf(after.Portfolio.Harms[h.ID]) {
						t.Errorf("%s: plan %+v → %+v, runs %+v → %+v", h.ID, hv.Before, hv.After,
							base.Portfolio.Harms[h.ID], after.Portfolio.Harms[h.ID])
					}
				}
				if res.Baseline != riskOf(base.Portfolio.Mean, base.Portfolio.Quantiles) ||
					res.Residual != riskOf(after.Portfolio.Mean, after.Portfolio.Quantiles) {
					t.Errorf("money: plan %+v → %+v, runs %v → %v", res.Baseline, res.Residual, base.Portfolio.Mean, after.Portfolio.Mean)
				}
				if o, _ := ParseObjective(obj); o.Harm != "" {
					r := harmRiskOf(after.Portfolio.Harms[o.Harm])
					want := map[string]float64{"mean": r.Mean, "p90": r.P90, "p95": r.P95, "p99": r.P99}[o.Stat]
					found := false
					for _, f := range res.Frontier {
						if f.Chosen {
							found = true
							if f.Objective != want {
								t.Errorf("chosen frontier point's objective %v, the run's %v", f.Objective, want)
							}
						}
					}
					if !found && res.FrontierExact {
						t.Errorf("the chosen portfolio is not on the exact frontier")
					}
				}
			}
			if jsons[0] != jsons[1] {
				t.Errorf("1 and 3 workers give different plans")
			}
		})
	}
}

// TestHarmPlanBruteForce: the exact plan for a harm objective is the
// best of every portfolio within the budget, each evaluated by a run.
func TestHarmPlanBruteForce(t *testing.T) {
	m := mustModel(t, harmGenYAML)
	ctx := context.Background()
	const trials = 3000
	cands := []string{"c1", "c2", "c3"}
	cost := map[string]float64{"c1": 10000, "c2": 10000, "c3": 4000}
	for _, obj := range []string{"harm:votes:mean", "harm:trust:p90"} {
		for _, budget := range []float64{0, 5000, 10000, 14000, 20000, 30000} {
			res, err := Optimize(ctx, m, Options{Budget: budget, Objective: obj, Trials: trials, Seed: 2})
			if err != nil {
				t.Fatal(err)
			}
			o, _ := ParseObjective(obj)
			best := math.Inf(1)
			for mask := range 1 << len(cands) {
				var sel []string
				c := 0.0
				for i, id := range cands {
					if mask&(1<<i) != 0 {
						sel, c = append(sel, id), c+cost[id]
					}
				}
				if c > budget {
					continue
				}
				run, err := sim.Run(ctx, m, sim.Options{Trials: trials, Seed: 2, Controls: append([]string{"base"}, sel...)})
				if err != nil {
					t.Fatal(err)
				}
				r := harmRiskOf(run.Portfolio.Harms[o.Harm])
				best = math.Min(best, map[string]float64{"mean": r.Mean, "p90": r.P90}[o.Stat])
			}
			a := res.Significance.Harms[slices.IndexFunc(m.Harms, func(h model.Harm) bool { return h.ID == o.Harm })].After
			got := map[string]float64{"mean": a.Mean, "p90": a.P90}[o.Stat]
			// The search compares exact sums of scenario means (or quantized
			// per-trial sums); the run's portfolio figure may differ in the
			// last bits.
			if math.Abs(got-best) > 1e-9*math.Max(1, best) {
				t.Errorf("%s within %v: plan %v (%v), best portfolio %v", obj, budget, got, res.Selected, best)
			}
		}
	}
}

func TestParseObjective(t *testing.T) {
	for _, c := range []struct{ in, harm, stat, err string }{
		{"mean", "", "mean", ""},
		{"p99", "", "p99", ""},
		{"harm:votes-altered:p99", "votes-altered", "p99", ""},
		{"harm:a:b:mean", "a:b", "mean", ""},
		{"harm:votes:mean", "votes", "mean", ""},
		{"p50", "", "", "unknown objective"},
		{"harm:votes", "", "", "expected harm:ID:STAT"},
		{"harm::mean", "", "", "names no harm dimension"},
		{"harm:votes:p50", "", "", `statistic "p50" is not one of mean, p90, p95, p99`},
		{"harm:votes:", "", "", "statistic"},
		{"HARM:votes:mean", "", "", "unknown objective"},
		{strings.Repeat("x", 300), "", "", "300 characters"},
	} {
		o, err := ParseObjective(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want one with %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || o.Harm != c.harm || o.Stat != c.stat || o.String() != c.in {
			t.Errorf("%q: %+v, %v", c.in, o, err)
		}
	}
}

func TestCheckObjective(t *testing.T) {
	m := mustModel(t, harmYAML)
	for _, c := range []struct{ in, err string }{
		{"harm:votes-altered:mean", ""},
		{"p95", ""},
		{"harm:vote-altered:p99", `unknown harm dimension "vote-altered" (did you mean "votes-altered"?); the model's dimensions: votes-altered, voters-affected`},
		{"harm:records:mean", `unknown harm dimension "records"; the model's dimensions: votes-altered, voters-affected`},
	} {
		_, err := CheckObjective(m, c.in)
		if (err == nil) != (c.err == "") || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%q: error %v, want %q", c.in, err, c.err)
		}
		_, err = Optimize(context.Background(), m, Options{Budget: 1, Objective: c.in, Trials: 10})
		if (err == nil) != (c.err == "") {
			t.Errorf("Optimize with %q: error %v", c.in, err)
		}
	}
	_, err := CheckObjective(mustModel(t, knapsackYAML), "harm:votes:mean")
	if err == nil || !strings.Contains(err.Error(), "declares no harm dimensions") {
		t.Errorf("a model without harms: %v", err)
	}
}

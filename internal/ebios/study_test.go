package ebios

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

// handYAML: two scenarios whose placement can be computed by hand.
//   - rare: 0.1 loss event a year of 1,000 EUR. P(any) = 1 − e^(−0.1) =
//     0.0952: V2. In a year with an event, P(two or more) = 0.049 < 0.1,
//     so the P90 is 1,000: G3 on money [100, 500, 10000]. Risk medium.
//   - often: 2 events a year of 10 EUR and 5 votes altered each. P(any) =
//     1 − e^(−2) = 0.865: V4. Given at least one event the count's P90 is
//     4 (P(N ≤ 3 | N ≥ 1) = 0.835, P(N ≤ 4 | N ≥ 1) = 0.939): 40 EUR, G1,
//     and 20 votes, G3 on votes [1, 10, 100]. Gravity G3 (votes), risk high.
//
// The strategic scenario made of both strikes with P = 1 − e^(−2.1) =
// 0.878: V4; its gravity is its feared events' highest.
const handYAML = `scrutin: 1
name: hand
currency: EUR
harms: [{id: votes, name: Votes altered, unit: votes}]
organizations: [{id: o, name: O, kind: election-authority}]
assets: [{id: a, org: o, name: A, kind: server}]
actors: [{id: x, name: X}]
controls:
  - {id: fix, name: Fix, status: proposed, cost: {yearly: 1}, effects: [{scenario: often, frequency: 0.01}]}
scenarios:
  - {id: rare, name: Rare, actor: x, assets: [a], effect: integrity, frequency: 0.1, vulnerability: 1, magnitude: 1000}
  - {id: often, name: Often, actor: x, assets: [a], effect: integrity, frequency: 2, vulnerability: 1, magnitude: 10, harm: {votes: 5}}
ebios:
  gravity: {money: [100, 500, 10000], votes: [1, 10, 100]}
  values: [{id: v, name: Sincerity}]
  feared_events:
    - {id: fe-votes, name: Votes altered, value: v, harm: votes}
    - {id: fe-money, name: Costs, value: v, gravity: 4}
  sources: [{id: src, actor: x, objective: Change the result, motivation: 3, resources: 2, activity: 2}]
  stakeholders:
    - {id: vendor, name: Vendor, dependence: 3, penetration: 4, maturity: 2, trust: 2, residual: {dependence: 3, penetration: 3, maturity: 3, trust: 2}, controls: [fix]}
  strategic:
    - {id: both, name: Both, source: src, stakeholders: [vendor], feared_events: [fe-votes, fe-money], scenarios: [rare, often]}
    - {id: only-rare, name: Rare only, source: src, feared_events: [fe-votes], scenarios: [rare]}
`

func mustModel(t *testing.T, src string) *model.Model {
	t.Helper()
	m, err := model.Decode("hand.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// near checks p against an exact probability within 4 Monte Carlo
// standard errors.
func near(t *testing.T, what string, p, exact float64, n int64) {
	t.Helper()
	if se := math.Sqrt(exact * (1 - exact) / float64(n)); math.Abs(p-exact) > 4*se {
		t.Errorf("%s: %.5f, exact %.5f (± %.5f)", what, p, exact, se)
	}
}

func TestPlacementByHand(t *testing.T) {
	m := mustModel(t, handYAML)
	const n = 100_000
	st, err := Compute(context.Background(), m, Options{Trials: n, Seed: 7, After: []string{"fix"}})
	if err != nil {
		t.Fatal(err)
	}
	op := map[string]OperationalRow{}
	for _, o := range st.Operational {
		op[o.ID] = o
	}
	rare, often := op["rare"], op["often"]
	near(t, "rare P(any)", rare.PAny, 1-math.Exp(-0.1), n)
	near(t, "often P(any)", often.PAny, 1-math.Exp(-2), n)
	if rare.Likelihood != 2 || rare.Gravity != 3 || rare.GravityOf != "money" || rare.Risk != Medium {
		t.Errorf("rare: %+v", rare)
	}
	if math.Abs(rare.P90["money"]-1000) > 20 {
		t.Errorf("rare's P90 %g, want 1,000", rare.P90["money"])
	}
	if often.Likelihood != 4 || often.Gravity != 3 || often.GravityOf != "votes" || often.Risk != High {
		t.Errorf("often: %+v", often)
	}
	if math.Abs(often.P90["money"]-40) > 1 || math.Abs(often.P90["votes"]-20) > 0.5 {
		t.Errorf("often's P90s %v, want 40 EUR and 20 votes", often.P90)
	}
	if _, ok := rare.P90["votes"]; ok {
		t.Errorf("rare draws no votes but has a P90 of them: %v", rare.P90)
	}
	// After the treatment, often strikes 100 times less: 1 − e^(−0.02),
	// V1; its P90 given an event is one event (P(N ≥ 2 | N ≥ 1) ≈ 0.01).
	r := often.Residual
	if r == nil {
		t.Fatal("no residual placement")
	}
	near(t, "often P(any) after", r.PAny, 1-math.Exp(-0.02), n)
	if r.Likelihood != 1 || r.Gravity != 2 || r.Risk != Low {
		t.Errorf("often after: %+v", r)
	}
	if len(st.Added) != 1 || st.Added[0] != "fix" {
		t.Errorf("added %v", st.Added)
	}

	fe := map[string]FearedRow{}
	for _, f := range st.FearedEvents {
		fe[f.ID] = f
	}
	if f := fe["fe-votes"]; f.Gravity != 3 || f.Judged || f.Measured != 3 || f.Dimension != "votes" {
		t.Errorf("fe-votes: %+v", f)
	}
	if f := fe["fe-money"]; f.Gravity != 4 || !f.Judged || f.Measured != 3 || f.Dimension != "money" {
		t.Errorf("fe-money: %+v", f)
	}
	sc := map[string]StrategicRow{}
	for _, s := range st.Strategic {
		sc[s.ID] = s
	}
	both, only := sc["both"], sc["only-rare"]
	near(t, "both P(any)", both.PAny, 1-math.Exp(-2.1), n)
	if both.Likelihood != 4 || both.Gravity != 4 || both.Risk != High {
		t.Errorf("both: %+v", both.Placement)
	}
	if only.PAny != rare.PAny || only.Likelihood != 2 || only.Gravity != 3 || only.Risk != Medium {
		t.Errorf("only-rare: %+v (rare %v)", only.Placement, rare.PAny)
	}
	if both.Residual == nil {
		t.Fatal("no residual strategic placement")
	}
	near(t, "both P(any) after", both.Residual.PAny, 1-math.Exp(-0.12), n)

	if len(st.Sources) != 1 || st.Sources[0].Pertinence != 3 || !st.Sources[0].Retained || st.Sources[0].ActorName != "X" {
		t.Errorf("sources %+v", st.Sources)
	}
	v := st.Stakeholders[0]
	if v.Threat != 3 || v.Zone != "danger" || v.ResidualThreat != 1.5 || v.ResidualZone != "control" {
		t.Errorf("stakeholder %+v", v)
	}
	// Same seed, same study, whatever the workers.
	one, err := Compute(context.Background(), m, Options{Trials: 20_000, Seed: 3, Workers: 1, After: []string{"fix"}})
	if err != nil {
		t.Fatal(err)
	}
	many, err := Compute(context.Background(), m, Options{Trials: 20_000, Seed: 3, Workers: 3, After: []string{"fix"}})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(one)
	b, _ := json.Marshal(many)
	if string(a) != string(b) {
		t.Error("the study depends on the number of workers")
	}
}

// TestLikelihoodIsTheRuns: an operational scenario's P(any) is the
// run's 1 − P(no loss) on the same periods (same seed, same controls).
func TestLikelihoodIsTheRuns(t *testing.T) {
	m := mustModel(t, handYAML)
	res, err := sim.Run(context.Background(), m, sim.Options{Trials: 30_000, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	st, err := Compute(context.Background(), m, Options{Trials: 30_000, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range st.Operational {
		if s := res.Scenarios[i]; s.ID != o.ID || math.Abs(o.PAny-(1-s.PNoLoss)) > 1e-12 {
			t.Errorf("%s: P(any) %v, the run's 1 − P(no loss) %v", o.ID, o.PAny, 1-s.PNoLoss)
		}
	}
}

// TestNoEbios: a model without an ebios: block is not a study.
func TestNoEbios(t *testing.T) {
	m := mustModel(t, handYAML)
	m.Ebios = nil
	if _, err := Compute(context.Background(), m, Options{Trials: 10, Seed: 1}); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("a model without ebios: %v", err)
	}
}

// FuzzStudy: any model that decodes and carries a study is computed
// without a panic, on a few trials, with its levels within 1–4.
func FuzzStudy(f *testing.F) {
	f.Add([]byte(handYAML))
	f.Add([]byte(strings.Replace(handYAML, "gravity: {money: [100, 500, 10000], votes: [1, 10, 100]}", "likelihood: [0.01, 0.02, 0.03]", 1)))
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 1<<14 {
			return
		}
		m, err := model.Decode("fuzz.yaml", src)
		if err != nil || m.Ebios == nil {
			return
		}
		st, err := Compute(context.Background(), m, Options{Trials: 50, Seed: 1, After: []string{}})
		if err != nil {
			return
		}
		for _, o := range st.Operational {
			if o.Likelihood < 1 || o.Likelihood > 4 || o.Gravity < 1 || o.Gravity > 4 || o.Risk == 0 {
				t.Errorf("%s: %+v", o.ID, o.Placement)
			}
		}
	})
}

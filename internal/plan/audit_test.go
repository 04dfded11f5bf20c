package plan

import (
	"context"
	"slices"
	"testing"
)

// TestAuditControlInPlan: the plan weighs a risk-limiting audit at its
// computed cost (fixed 500 a year + 27 ballots × 10, ballot comparison of
// 600 to 400 at 10 %) and knows it acts on the scenario that targets its
// contest, and its reduction is the scenario's loss × (1 − risk limit).
func TestAuditControlInPlan(t *testing.T) {
	m := mustModel(t, `scrutin: 1
name: test
currency: EUR
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: x, org: o, name: X, kind: email}]
actors: [{id: a, name: A}]
contests:
  - {id: c, name: C, ballots: 1000, voting: paper-scanned, candidates: {A: 600, B: 400}}
controls:
  - id: rla
    name: RLA
    kind: risk-limiting-audit
    status: proposed
    audit: {contest: c, risk_limit: 0.1, method: comparison, cost_per_ballot: 10}
    cost: {yearly: 500}
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: integrity, contest: c, frequency: 2, vulnerability: 0.5, magnitude: 100000}
`)
	res, err := Optimize(context.Background(), m, Options{Budget: 10000, Trials: 20000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Controls) != 1 {
		t.Fatalf("%d controls", len(res.Controls))
	}
	c := res.Controls[0]
	if c.Yearly != 770 || c.Cost != 770 || !c.Selected || !slices.Equal(c.Scenarios, []string{"s"}) {
		t.Errorf("%+v", c)
	}
	// Mean loss 2 × 0.5 × 100,000 = 100,000 a year; the audit leaves 10 %.
	if r := c.Reduction / 100000; r < 0.85 || r > 0.95 {
		t.Errorf("reduction %v, want about 90,000", c.Reduction)
	}
}

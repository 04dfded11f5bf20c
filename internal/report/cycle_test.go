package report

import (
	"context"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// cycleModel: one control that costs 5,000 a year and avoids about 5,400
// of loss per simulated trial (2 events of 3,000, cut by 90 %). With one
// election a year it pays; with one every 5 years, 25,000 of costs for
// 5,400 avoided does not.
const cycleModel = `scrutin: 1
name: cycle
currency: EUR
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: a, org: o, name: A, kind: email}]
actors: [{id: x, name: X}]
controls:
  - {id: cheap, name: Cheap, status: proposed, cost: {once: 3000, yearly: 4000}, effects: [{scenario: s, magnitude: 0.1}]}
scenarios:
  - {id: s, name: S, actor: x, assets: [a], effect: integrity, frequency: 2, vulnerability: 1, magnitude: 3000}
`

// TestNetBenefitPerElection: with no budget, the recommended plan is the
// one with the largest net benefit; for a model with a calendar, the loss
// one election avoids less cycle_years of the plan's annualised cost.
func TestNetBenefitPerElection(t *testing.T) {
	for _, c := range []struct {
		calendar string
		want     []string
	}{
		{"", []string{"cheap"}},
		{"calendar: {cycle_years: 1}\n", []string{"cheap"}},
		{"calendar: {cycle_years: 5}\n", nil},
	} {
		m, err := model.Decode("cycle.yaml", []byte(strings.Replace(cycleModel, "organizations:", c.calendar+"organizations:", 1)))
		if err != nil {
			t.Fatal(err)
		}
		r, err := Build(context.Background(), m, Options{Trials: 20_000, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if r.Basis != BasisNetBenefit || strings.Join(r.Plan.Selected, ",") != strings.Join(c.want, ",") {
			t.Errorf("calendar %q: basis %s, selected %v, want %v (reduction %g, cost %g)",
				c.calendar, r.Basis, r.Plan.Selected, c.want, r.Plan.Reduction, r.Plan.Cost)
		}
	}
}

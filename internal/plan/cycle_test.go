package plan

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// cycleYAML is harmYAML's money side with a calendar: one simulated trial
// is one election, held every cycle_years years.
const cycleYAML = `scrutin: 1
name: cycle
currency: EUR
calendar: {cycle_years: 5}
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: a, org: o, name: A, kind: email}]
actors: [{id: x, name: X}]
controls:
  - {id: cheap, name: Cheap, status: proposed, cost: {once: 3000, yearly: 4000}, effects: [{scenario: s, magnitude: 0.1}]}
scenarios:
  - {id: s, name: S, actor: x, assets: [a], effect: integrity, frequency: 2, vulnerability: 1, magnitude: 100000}
`

// TestCycleYearsCosts: with cycle_years Y, a control costs its annualised
// cost × Y against the risk of one election: the ROSI of the plan and of
// each control uses it, while the budget (and Cost) stay per year, so
// the choice is the same as with one election a year.
func TestCycleYearsCosts(t *testing.T) {
	ctx := context.Background()
	five := mustModel(t, cycleYAML)
	one := mustModel(t, strings.Replace(cycleYAML, "calendar: {cycle_years: 5}\n", "", 1))
	opt := Options{Budget: 5000, Trials: 4000, Seed: 3, Horizon: 3}
	r5, err := Optimize(ctx, five, opt)
	if err != nil {
		t.Fatal(err)
	}
	r1, err := Optimize(ctx, one, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r5.Selected, []string{"cheap"}) || !slices.Equal(r1.Selected, r5.Selected) {
		t.Fatalf("selected %v and %v, want [cheap] for both", r5.Selected, r1.Selected)
	}
	const annual = 4000 + 3000.0/3
	if r5.Cost != annual || r1.Cost != annual {
		t.Errorf("cost %v and %v, want %v a year", r5.Cost, r1.Cost, annual)
	}
	if r5.CycleYears != 5 || r5.CostPerElection != 5*annual {
		t.Errorf("cycle %v, cost per election %v, want 5 and %v", r5.CycleYears, r5.CostPerElection, 5*annual)
	}
	if r5.Reduction != r1.Reduction {
		t.Fatalf("reductions differ: %v and %v (the money does not depend on the cycle)", r5.Reduction, r1.Reduction)
	}
	want5 := (r5.Reduction - 5*annual) / (5 * annual)
	want1 := (r1.Reduction - annual) / annual
	if r5.ROSI == nil || *r5.ROSI != want5 || r1.ROSI == nil || *r1.ROSI != want1 {
		t.Errorf("ROSI %v and %v, want %v and %v", r5.ROSI, r1.ROSI, want5, want1)
	}
	c := r5.Controls[0]
	if c.CostPerElection != 5*annual || c.ROSI == nil || *c.ROSI != (c.Reduction-5*annual)/(5*annual) {
		t.Errorf("control %+v: want cost per election %v and ROSI on it", c, 5*annual)
	}
	// Without a calendar the JSON is as before: no cycle, no cost per election.
	b, err := json.Marshal(r1)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"cycle_years", "cost_per_election"} {
		if strings.Contains(string(b), k) {
			t.Errorf("plan JSON of a model without calendar has %q", k)
		}
	}
	b, _ = json.Marshal(r5)
	for _, k := range []string{`"cycle_years":5`, `"cost_per_election":25000`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("plan JSON of a model with a calendar lacks %s", k)
		}
	}
}

// FuzzParseObjective: any text is accepted or refused without a panic; an
// accepted objective reads back as itself, and a harm objective's parts
// are non-empty.
func FuzzParseObjective(f *testing.F) {
	for _, s := range []string{"mean", "p99", "harm:votes-altered:p99", "harm::mean", "harm:a:b:p90", "harm:x", "harm:", "median", strings.Repeat("harm:", 60)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseObjective(s)
		if err != nil {
			return
		}
		if o.String() != s {
			t.Errorf("%q reads back as %q", s, o.String())
		}
		if o.Stat == "" || (strings.HasPrefix(s, HarmObjectivePrefix) && o.Harm == "") {
			t.Errorf("%q: %+v", s, o)
		}
	})
}

package report

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/i18n"
)

// TestElectionKeys: every message the report says per election instead
// of per year has both forms, in every language.
func TestElectionKeys(t *testing.T) {
	for _, l := range i18n.Languages() {
		keys := i18n.Keys(l)
		for k := range electionKeys {
			if !slices.Contains(keys, k) || !slices.Contains(keys, k+".election") {
				t.Errorf("%s: %s lacks its form or its .election form", l, k)
			}
		}
	}
}

// TestElectionWords: the report of a model with a calendar says
// "election", never "annual", where it means one simulated trial; a model
// without keeps its years (its golden files say so).
func TestElectionWords(t *testing.T) {
	r := buildCase(t, reportCase{name: "harms-small", file: "cmd/scrutin/testdata/harms-small.yaml"})
	md := string(render(t, r, "md", i18n.English))
	for _, line := range strings.Split(md, "\n") {
		// The sentences on costs are left to the plan's cycle_years
		// costing (costs per election cycle), which words them.
		if strings.Contains(line, "annualised cost") {
			continue
		}
		if strings.Contains(line, "annual loss") || strings.Contains(line, "simulated year") {
			t.Errorf("a report per election says: %.200s", line)
		}
	}
	for _, want := range []string{"20,000 simulated elections", "Mean loss per election", "In 1 election in 100, more than"} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

// TestHarmsWithPlan: when the plan adds a control that acts on a harm, the
// report gives each dimension before and with the plan, from the run with
// the plan's controls, and the plan's verdict per dimension agrees with it.
func TestHarmsWithPlan(t *testing.T) {
	m := loadModel(t, "cmd/scrutin/testdata/harms-small.yaml")
	budget := 20000.0 // the CDN, which divides the voters affected by 5
	r, err := Build(context.Background(), m, Options{Trials: goldenTrials, Seed: 1, Budget: &budget,
		Objective: "harm:voters-affected:mean"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Plan.Selected) != 1 || r.Plan.Selected[0] != "cdn" || r.Residual == r.Result {
		t.Fatalf("the plan selects %v", r.Plan.Selected)
	}
	for _, hv := range r.Plan.Significance.Harms {
		b, a := r.Result.Portfolio.Harms[hv.ID], r.Residual.Portfolio.Harms[hv.ID]
		if hv.Before.PAny != b.PAny || hv.After.PAny != a.PAny || hv.After.Mean != a.Mean {
			t.Errorf("%s: the plan's verdict (%+v → %+v) is not the runs' (%g → %g)", hv.ID, hv.Before, hv.After, b.PAny, a.PAny)
		}
		if a.Tolerance == nil || hv.BreachedAfter != a.Tolerance.Breached {
			t.Errorf("%s: breached with the plan %v, the run says %+v", hv.ID, hv.BreachedAfter, a.Tolerance)
		}
	}
	va, vaAfter := r.Result.Portfolio.Harms["voters-affected"], r.Residual.Portfolio.Harms["voters-affected"]
	if vaAfter.Mean >= va.Mean/2 {
		t.Fatalf("the CDN does not reduce the voters affected: %g → %g", va.Mean, vaAfter.Mean)
	}
	w := newWords(i18n.English, "EUR")
	md := string(render(t, r, "md", i18n.English))
	for _, want := range []string{
		"| Mean | " + w.sig(va.Mean) + " | " + w.sig(vaAfter.Mean) + " |",
		"| P(any) | " + w.pct(va.PAny) + " | " + w.pct(vaAfter.PAny) + " |",
		"The plan does not bring every harm dimension within tolerance: still exceeded for votes altered.",
		"> **Yes, even with the recommended plan**",
		"tolerance exceeded for votes altered before the plan, and for votes altered with it.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

// TestCalendarWithoutHarms: a model with calendar windows but no harm
// dimension gets the calendar, under its own title, and no verdict over
// harms.
func TestCalendarWithoutHarms(t *testing.T) {
	m := loadModel(t, "cmd/scrutin/testdata/harms-small.yaml")
	m.Harms, m.HarmTolerance = nil, nil
	for i := range m.Scenarios {
		m.Scenarios[i].Harm = nil
	}
	for i := range m.Controls {
		for j := range m.Controls[i].Effects {
			m.Controls[i].Effects[j].Harm = nil
		}
	}
	r, err := Build(context.Background(), m, Options{Trials: 2000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	md := string(render(t, r, "md", i18n.English))
	for _, want := range []string{"## 2. Election calendar", "| Mailbox theft and leak | Silence before the vote |", "each event costs 3 times as much", "2,000 simulated elections"} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	for _, not := range []string{"Harm beyond money", "### Election calendar"} {
		if strings.Contains(md, not) {
			t.Errorf("the report says %q", not)
		}
	}
}

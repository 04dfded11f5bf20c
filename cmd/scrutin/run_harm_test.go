package main

import (
	"strings"
	"testing"
)

const harmsSmall = "testdata/harms-small.yaml"

// TestRunTextHarms: a model with harms prints, after the money section, a
// section per harm dimension, the windows of its timed scenario and the
// overall verdict naming the breached tolerance.
func TestRunTextHarms(t *testing.T) {
	code, out, errs := scrutin(t, "", "run", harmsSmall, "--trials", "20000", "--seed", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden(t, "run-harms-small.txt", out)
	for _, want := range []string{
		"20,000 simulated elections (one every 5 years)",
		"Loss per election, all scenarios\n",
		"Harm beyond money (per election)\n",
		"hack-and-leak: a loss event in silence before the vote costs 3 times as much.\n",
		"Votes altered (votes): mean ",
		"in 1 election in 100, more than ",
		"Tolerance exceeded: P(any) = ",
		"Voters affected (voters): mean ",
		"Within tolerance at every point (1 point); closest: P(harm > 100,000 voters)",
		"hack-and-leak  Silence before the vote",
		"Significant: tolerance exceeded for votes altered.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The money section comes first, then the harms, then the chart.
	if i, j, k := strings.Index(out, "Scenarios (loss per election"), strings.Index(out, "Harm beyond money"), strings.Index(out, "Loss exceedance curve"); !(i < j && j < k) {
		t.Errorf("sections out of order: scenarios %d, harms %d, chart %d", i, j, k)
	}
}

// TestRunTextMinimalHasNoHarms: a model without harms prints no harm
// section and no overall verdict (its golden files are unchanged too).
func TestRunTextMinimalHasNoHarms(t *testing.T) {
	_, out, _ := scrutin(t, "", "run", minimal, "--trials", "2000")
	for _, no := range []string{"Harm beyond money", "Significant", "Calendar windows"} {
		if strings.Contains(out, no) {
			t.Errorf("a model without harms prints %q", no)
		}
	}
}

// TestPlanTextHarms: a plan of a model with harms and a calendar, with a
// harm objective, names the objective in words with its unit, costs the
// controls per election (cycle_years 5), gives each dimension's verdict
// before and after and says whether every tolerance is met.
func TestPlanTextHarms(t *testing.T) {
	code, out, errs := scrutin(t, "", "plan", harmsSmall, "--budget", "20000", "--objective", "harm:voters-affected:p90",
		"--trials", "5000", "--seed", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden(t, "plan-harms-small.txt", out)
	for _, want := range []string{
		"5,000 simulated elections (one every 5 years)",
		"Objective: P90 of voters affected per election (voters; 1 election in 10 is worse)",
		"Plan: cdn (1 of 1 proposed control)",
		"cost per election  100,000  EUR: 5 years of costs between two elections",
		"voters affected (voters)  implemented only",
		"Harm beyond money (per election), before and after the plan\n",
		"Votes altered: beyond tolerance, and still beyond it with the plan: P(any) is ",
		"The plan does not bring every tolerance within bounds: still exceeded with it for votes altered.",
		"ROSI = (reduction − cost per election) / cost per election",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestReportHarmObjective: scrutin report plans on a harm when asked and
// names the objective in its dimension's words and unit, in English and
// French; an unknown dimension is refused.
func TestReportHarmObjective(t *testing.T) {
	for lang, want := range map[string]string{
		"en": "minimises the 90th percentile of voters affected (voters)",
		"fr": "le 90e centile de «\u00a0voters affected\u00a0» (voters)",
	} {
		code, out, errs := scrutin(t, "", "report", harmsSmall, "--budget", "20000", "--objective", "harm:voters-affected:p90",
			"--trials", "5000", "--format", "md", "--lang", lang)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", lang, code, errs)
		}
		if !strings.Contains(out, want) {
			t.Errorf("%s: the report lacks %q", lang, want)
		}
	}
	code, _, errs := scrutin(t, "", "report", harmsSmall, "--objective", "harm:voters:p90", "--format", "md")
	if code != 2 || !strings.Contains(errs, `unknown harm dimension "voters"`) {
		t.Errorf("exit %d: %s", code, errs)
	}
}

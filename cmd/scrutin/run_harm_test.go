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
		"Harm beyond money (per election)\n",
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
	if i, j, k := strings.Index(out, "Scenarios (annual loss"), strings.Index(out, "Harm beyond money"), strings.Index(out, "Loss exceedance curve"); !(i < j && j < k) {
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

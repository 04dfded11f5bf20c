package report

import (
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

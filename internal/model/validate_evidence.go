package model

import (
	"fmt"
	"math"
)

// evidence checks the evidence section: references, the numbers each
// parameter needs, and priors that evidence can update.
func (c *checker) evidence(scenarios map[string]bool) {
	c.ids("evidence", len(c.m.Evidence), func(i int) string { return c.m.Evidence[i].ID })
	for i := range c.m.Evidence {
		e := &c.m.Evidence[i]
		p := fmt.Sprintf("evidence[%d]", i)
		c.ref(p+".scenario", "unknown scenario %q%s", e.Scenario, scenarios)
		whole := func(field string, x *float64) {
			if x != nil && (*x != math.Trunc(*x) || *x < 0) {
				c.add(p+"."+field, "a count must be a whole number ≥ 0, got %s", num(*x))
			}
		}
		whole("events", e.Events)
		whole("successes", e.Successes)
		whole("attempts", e.Attempts)
		m := e.Match
		if m != nil && m.Phishing == "" && m.Campaign != "" {
			c.add(p+".match.campaign", "campaign selects phishing results: give phishing too")
		}
		telemetry := m != nil && m.Phishing == ""
		switch e.Parameter {
		case ParamFrequency:
			if e.Successes != nil || e.Attempts != nil {
				c.add(p, "successes and attempts are vulnerability evidence; frequency evidence gives events and exposure")
			}
			if m != nil && m.Phishing != "" {
				c.add(p+".match.phishing", "phishing results are vulnerability evidence (successes out of e-mails sent)")
			}
			if m == nil && (e.Events == nil || e.Exposure == nil) {
				c.add(p, "frequency evidence needs events and exposure (years), or a match to count them from evidence files")
			}
			if m != nil && e.Events != nil {
				c.add(p+".events", "give events or a match to count them, not both")
			}
			if e.Exposure != nil && !(*e.Exposure > 0) {
				c.add(p+".exposure", "the exposure must be more than 0 years")
			}
		case ParamVulnerability:
			if e.Events != nil || e.Exposure != nil {
				c.add(p, "events and exposure are frequency evidence; vulnerability evidence gives successes and attempts")
			}
			if m == nil && (e.Successes == nil || e.Attempts == nil) {
				c.add(p, "vulnerability evidence needs successes and attempts, or a match to count them from evidence files")
			}
			if m != nil && (e.Successes != nil || e.Attempts != nil) {
				c.add(p, "give successes and attempts or a match to count them, not both")
			}
			if e.Successes != nil && e.Attempts != nil && *e.Successes > *e.Attempts {
				c.add(p+".successes", "successes (%s) cannot exceed attempts (%s)", num(*e.Successes), num(*e.Attempts))
			}
			if telemetry && m.Outcome != "" {
				c.add(p+".match.outcome", "vulnerability evidence counts every outcome (successes are those that succeeded); drop outcome")
			}
		}
		s := c.m.ScenarioByID(e.Scenario)
		if s == nil || !scenarios[e.Scenario] {
			continue
		}
		switch e.Parameter {
		case ParamFrequency:
			if s.Frequency.Kind == Constant {
				c.add(p+".scenario", "scenario %q has a constant frequency, which no evidence can move: give it a distribution", e.Scenario)
			}
		case ParamVulnerability:
			switch {
			case s.Vulnerability.Prob == nil:
				c.add(p+".scenario", "scenario %q does not give its vulnerability as a probability (it uses a tree or capability and resistance), so evidence cannot update it", e.Scenario)
			case s.Vulnerability.Prob.Kind == Constant:
				c.add(p+".scenario", "scenario %q has a constant vulnerability, which no evidence can move: give it a distribution", e.Scenario)
			}
		}
	}
}

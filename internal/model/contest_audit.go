package model

import (
	"fmt"

	"github.com/scrutin/scrutin/internal/audit"
)

// DefaultRiskLimit is the risk limit of a contest's assessment when no
// risk-limiting-audit control names one: 10 %, that of Arlo's tests and
// of the worked examples of Lindeman and Stark's introduction to RLAs.
const DefaultRiskLimit = 0.10

// Tally is the contest as the audit mathematics takes it.
func (c *Contest) Tally() audit.Tally {
	return audit.Tally{Votes: c.Candidates, Winners: c.WinnerCount(), Ballots: c.Ballots}
}

// Assess computes what changing the contest's reported outcome takes, and
// the sizes of a risk-limiting audit at risk limit alpha (package audit).
func (c *Contest) Assess(alpha float64) (*audit.Assessment, error) {
	var units []int64
	if len(c.Units) > 0 {
		units = make([]int64, len(c.Units))
		for i, u := range c.Units {
			units[i] = u.Ballots
		}
	}
	return audit.Assess(c.Tally(), units, alpha)
}

// UnitKind is the kind of counting unit all of the contest's units share
// ("department"), "" when they are of several kinds or say none.
func (c *Contest) UnitKind() string {
	kind := ""
	for i, u := range c.Units {
		if i > 0 && u.Counting != kind {
			return ""
		}
		kind = u.Counting
	}
	return kind
}

// RiskLimitOf is the risk limit at which the contest of the given id is
// audited: that of its first risk-limiting-audit control, else
// DefaultRiskLimit.
func (m *Model) RiskLimitOf(contest string) float64 {
	if cs := m.AuditControls(contest); len(cs) > 0 {
		return cs[0].Audit.RiskLimit
	}
	return DefaultRiskLimit
}

// AuditSample is the number of ballots a risk-limiting-audit control
// plans to check in one election: the expected sample of ballot polling
// (BRAVO's ASN) or the ballot-comparison sample, at the control's risk
// limit, capped at the ballots cast.
func (m *Model) AuditSample(ctl *Control) (int64, error) {
	if !ctl.IsAudit() {
		return 0, fmt.Errorf("control %q is not a risk-limiting audit", ctl.ID)
	}
	c := m.Contest(ctl.Audit.Contest)
	if c == nil {
		return 0, fmt.Errorf("control %q audits contest %q, which the model lacks", ctl.ID, ctl.Audit.Contest)
	}
	a, err := c.Assess(ctl.Audit.RiskLimit)
	if err != nil {
		return 0, fmt.Errorf("contest %q: %w", c.ID, err)
	}
	return a.Size(ctl.Audit.MethodOrDefault())
}

// ControlCost is what the control costs: its cost, and for a
// risk-limiting audit the ballots it checks in one election times its
// cost per ballot, spread over the years between two elections (the
// calendar's cycle_years) to count as yearly. A validated model's audits
// always have a sample; one that has none costs its fixed part.
func (m *Model) ControlCost(ctl *Control) Cost {
	cost := ctl.Cost
	if ctl.IsAudit() && ctl.Audit.CostPerBallot > 0 {
		if n, err := m.AuditSample(ctl); err == nil {
			cost.Yearly += float64(n) * ctl.Audit.CostPerBallot / m.Calendar.Cycle()
		}
	}
	return cost
}

// DefenceProbability is the probability that the defence leaf n stops the
// attack when in force: its own, or, for a defence that a
// risk-limiting-audit control puts in force, 1 − the audit's risk limit
// (the audit catches an outcome-changing manipulation with at least that
// probability); nil when neither gives one (the default, 1, then holds).
func (m *Model) DefenceProbability(n *TreeNode) *float64 {
	if n.Probability != nil {
		return n.Probability
	}
	if ctl := m.ControlByID(n.Control); ctl != nil && ctl.IsAudit() {
		p := 1 - ctl.Audit.RiskLimit
		return &p
	}
	return nil
}

// UsesControl reports whether a node of the tree is put in force by the
// control of the given id.
func (t *Tree) UsesControl(id string) bool {
	var walk func(n *TreeNode) bool
	walk = func(n *TreeNode) bool {
		if n.Control == id {
			return true
		}
		for i := range n.Children {
			if walk(&n.Children[i]) {
				return true
			}
		}
		for i := range n.Countermeasures {
			if walk(&n.Countermeasures[i]) {
				return true
			}
		}
		return false
	}
	return walk(&t.Root)
}

// AuditEscape is the factor by which the risk-limiting-audit control ctl,
// in force, multiplies the vulnerability of scenario s: the audit's risk
// limit, the highest chance that an outcome-changing manipulation of its
// contest escapes it, for a scenario that tries to change that contest's
// outcome; 1 for any other scenario, and for one whose attack tree has a
// defence that ctl puts in force (the tree counts the audit there, with
// DefenceProbability).
func (m *Model) AuditEscape(ctl *Control, s *Scenario) float64 {
	if !ctl.IsAudit() || s.Contest == "" || s.Contest != ctl.Audit.Contest {
		return 1
	}
	if s.Vulnerability.Tree != "" {
		if t := m.TreeByID(s.Vulnerability.Tree); t != nil && t.UsesControl(ctl.ID) {
			return 1
		}
	}
	return ctl.Audit.RiskLimit
}

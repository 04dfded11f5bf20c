package audit

import "github.com/scrutin/scrutin/internal/model"

// OfContest assesses a model's contest at risk limit alpha.
func OfContest(c *model.Contest, alpha float64) (*Assessment, error) {
	var units []int64
	if len(c.Units) > 0 {
		units = make([]int64, len(c.Units))
		for i, u := range c.Units {
			units[i] = u.Ballots
		}
	}
	return Assess(Tally{Votes: c.Candidates, Winners: c.WinnerCount(), Ballots: c.Ballots}, units, alpha)
}

// RiskLimitOf is the risk limit at which the model's contest id is
// audited: that of the first risk-limiting-audit control on it, else
// DefaultRiskLimit.
func RiskLimitOf(m *model.Model, id string) float64 {
	for i := range m.Controls {
		if a := m.Controls[i].Audit; a != nil && a.Contest == id {
			return a.RiskLimit
		}
	}
	return DefaultRiskLimit
}

// DefaultRiskLimit is the risk limit of an assessment that names none:
// 10 %, the limit of the examples in Lindeman and Stark's gentle
// introduction and Arlo's tests.
const DefaultRiskLimit = 0.10

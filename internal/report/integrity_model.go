package report

import (
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/internal/audit"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
)

// A model's contests as the model page and the report show them: each
// contest's assessment (the sentences of IntegritySentences and a table
// of the same figures as IntegrityDoc), its risk-limiting-audit controls
// with their computed sample and cost, and what each result-tampering
// scenario that names a contest needs.

// ContestIntegrity is one contest of a model, assessed; Err says why it
// could not be (Audit.Assessment is then nil).
type ContestIntegrity struct {
	Audit ContestAudit
	Err   error
}

// AssessContests assesses every contest of m, in the model's order, at
// risk limit alpha, or, for alpha 0, at each contest's own
// (m.RiskLimitOf).
func AssessContests(m *model.Model, alpha float64) []ContestIntegrity {
	out := make([]ContestIntegrity, 0, len(m.Contests))
	for i := range m.Contests {
		c := &m.Contests[i]
		a := alpha
		if a == 0 {
			a = m.RiskLimitOf(c.ID)
		}
		ci := ContestIntegrity{Audit: ContestAudit{ID: c.ID, Name: c.Name, Voting: c.Voting, UnitKind: c.UnitKind()}}
		ci.Audit.Assessment, ci.Err = c.Assess(a)
		if ci.Err != nil {
			ci.Audit.Assessment = nil
		}
		out = append(out, ci)
	}
	return out
}

// IntegrityFigure is one row of a contest's table of figures: a label
// and the value, in the printer's language.
type IntegrityFigure struct{ Label, Value string }

// IntegrityFigures are the figures of c's assessment as a table, the
// numbers of IntegrityDoc (the JSON of `scrutin audit`): ballots,
// winners, diluted margin, votes to flip, units to flip, the BRAVO ASN
// and one-round sizes, the comparison size, and the risk limit.
func IntegrityFigures(p *i18n.Printer, c ContestAudit) []IntegrityFigure {
	a := c.Assessment
	num := func(n int64) string { return p.Number(float64(n), 0) }
	capped := func(n int64) string {
		v, full := a.Capped(n)
		if full {
			return p.T("integrity.full", num(v))
		}
		return num(v)
	}
	units := p.T("integrity.fig.none")
	switch {
	case a.Units > 0 && a.UnitsToFlip >= 0:
		units = p.T("integrity.fig.unitsof", num(int64(a.UnitsToFlip)), num(int64(a.Units)))
	case a.Units > 0:
		units = p.T("integrity.fig.unitsshort", num(int64(a.Units)))
	}
	rows := []IntegrityFigure{
		{p.T("integrity.fig.ballots"), num(a.Ballots)},
		{p.T("integrity.fig.winners"), strings.Join(a.Winners, ", ")},
		{p.T("integrity.fig.margin"), Share(p, a.VoteMargin)},
		{p.T("integrity.fig.diluted"), Share(p, a.DilutedMargin)},
		{p.T("integrity.fig.flip"), num(a.VotesToFlip)},
		{p.T("integrity.fig.units"), units},
		{p.T("integrity.fig.risk"), Share(p, a.RiskLimit)},
		{p.T("integrity.fig.asn"), capped(a.Bravo.ASN)},
	}
	for i, q := range audit.Quantiles {
		v := p.T("integrity.fig.notcomputed")
		if a.Bravo.OneRound != nil {
			v = capped(a.Bravo.OneRound[i])
		}
		rows = append(rows, IntegrityFigure{p.T("integrity.fig.oneround", Share(p, q)), v})
	}
	comp := capped(a.Comparison)
	if c.Voting == "paper-hand-count" {
		comp = p.T("integrity.fig.nocvr", comp)
	}
	return append(rows, IntegrityFigure{p.T("integrity.fig.comparison"), comp})
}

// AuditControl is a risk-limiting-audit control of a model with what it
// checks and costs: Sample ballots per election at its risk limit by its
// method, and Yearly, its yearly cost with the sample (model.ControlCost).
// Err says why the sample could not be computed.
type AuditControl struct {
	ID, Name, Contest string
	RiskLimit         float64
	Method            string
	CostPerBallot     float64
	Sample            int64
	Cost              model.Cost
	Err               error
}

// AuditControls lists m's risk-limiting-audit controls in the model's
// order.
func AuditControls(m *model.Model) []AuditControl {
	var out []AuditControl
	for i := range m.Controls {
		ctl := &m.Controls[i]
		if !ctl.IsAudit() {
			continue
		}
		ac := AuditControl{ID: ctl.ID, Name: ctl.Name, Contest: ctl.Audit.Contest, RiskLimit: ctl.Audit.RiskLimit,
			Method: ctl.Audit.MethodOrDefault(), CostPerBallot: ctl.Audit.CostPerBallot, Cost: m.ControlCost(ctl)}
		ac.Sample, ac.Err = m.AuditSample(ctl)
		out = append(out, ac)
	}
	return out
}

// ScenarioIntegritySentence says what the result-tampering scenario s,
// which names a contest, needs to change that contest's outcome, from
// the contest's assessment a: the ballots (and the share of those cast)
// and, with units, how many of them; a scenario whose manipulation is
// "units" leads with the units. "" when s names no contest.
func ScenarioIntegritySentence(p *i18n.Printer, s *model.Scenario, c ContestAudit) string {
	if s.Contest == "" || c.Assessment == nil {
		return ""
	}
	a := c.Assessment
	n := func(x int64) i18n.Count { return p.Count(float64(x), 0) }
	name := s.Name
	if name == "" {
		name = s.ID
	}
	ballots, share := n(a.VotesToFlip), Share(p, float64(a.VotesToFlip)/float64(a.Ballots))
	if a.Units == 0 || a.UnitsToFlip < 0 {
		return p.T("integrity.scenario.votes", name, c.Title(), ballots, share)
	}
	kind := c.UnitKind
	if kind == "" {
		kind = p.T("integrity.scenario.unitkind")
	}
	units, all := n(int64(a.UnitsToFlip)), n(int64(a.Units))
	if s.Manipulation == "units" {
		return p.T("integrity.scenario.units", name, c.Title(), units, all, kind, ballots, share)
	}
	return p.T("integrity.scenario.both", name, c.Title(), ballots, share, units, all, kind)
}

// ParseRiskLimit reads a risk limit typed by a user: a number above 0 and
// below 1 (0.05, or 0,05 as French writes it), at most 32 characters. The
// error says what is wrong, in p's language.
func ParseRiskLimit(p *i18n.Printer, s string) (float64, error) {
	if len(s) > 32 {
		return 0, riskError(p.T("integrity.risk.invalid", s[:32]+"…"))
	}
	x, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || !(x > 0 && x < 1) {
		return 0, riskError(p.T("integrity.risk.invalid", s))
	}
	return x, nil
}

type riskError string

func (e riskError) Error() string { return string(e) }

package web

import (
	"html/template"
	"net/url"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/report"
)

// Outcome integrity on the model page (issue 15): for a model with
// contests, each contest's figures as `scrutin audit` says them (the
// sentences and figures of package report, so that the command, the page
// and the report agree), its risk-limiting-audit controls with their
// computed sample and cost, and the chart of audit sample size against
// margin at the chosen risk limit (?risk=, else each contest's own). A
// model without contests shows none of it.

// integrityView is the section's data.
type integrityView struct {
	Contests []integrityContest
	Controls []integrityControl
	// Risk is the risk limit typed in the form (?risk=), "" for each
	// contest's own; RiskError says why it was refused.
	Risk, RiskError string
	// Chosen is the risk limit every contest is assessed at ("" when each
	// has its own); Intro says which.
	Intro string
	Chart template.HTML
	// ChartError says why the chart could not be drawn.
	ChartError string
	// Rev is the revision to keep in the form (0: the latest).
	Rev int
}

// integrityContest is a contest's sentences and table, or Error.
type integrityContest struct {
	ID, Title string
	Sentences []string
	Figures   []report.IntegrityFigure
	Error     string
}

// integrityControl is a risk-limiting-audit control's row.
type integrityControl struct {
	ID, Name, Contest, RiskLimit, Method, Sample, PerBallot, Yearly string
}

// maxRiskParam bounds the ?risk= parameter before it is parsed.
const maxRiskParam = 32

// integrityOf builds the section of model m in p's language, at the risk
// limit of query q's "risk" (each contest's own when absent or invalid,
// with RiskError set). nil for a model without contests.
func integrityOf(p *i18n.Printer, m *model.Model, q url.Values, currency string) *integrityView {
	if m == nil || len(m.Contests) == 0 {
		return nil
	}
	iv := &integrityView{Risk: q.Get("risk")}
	alpha := 0.0
	if iv.Risk != "" {
		a, err := report.ParseRiskLimit(p, iv.Risk)
		if err != nil {
			iv.RiskError = err.Error()
		} else {
			alpha = a
		}
	}
	if len(iv.Risk) > maxRiskParam {
		iv.Risk = iv.Risk[:maxRiskParam]
	}
	iv.Intro = p.T("integrity.intro.own", report.Share(p, model.DefaultRiskLimit))
	if alpha != 0 {
		iv.Intro = p.T("integrity.intro.chosen", report.Share(p, alpha))
	}
	var assessed []report.ContestAudit
	for _, ci := range report.AssessContests(m, alpha) {
		c := integrityContest{ID: ci.Audit.ID, Title: ci.Audit.Title()}
		if ci.Err != nil {
			c.Error = p.T("integrity.failed", c.Title, ci.Err.Error())
		} else {
			c.Sentences = report.IntegritySentences(p, ci.Audit)
			c.Figures = report.IntegrityFigures(p, ci.Audit)
			assessed = append(assessed, ci.Audit)
		}
		iv.Contests = append(iv.Contests, c)
	}
	// The chart is drawn at the chosen risk limit, else at the first
	// contest's, where the markers of the contests assessed at it lie.
	chartAlpha := alpha
	if chartAlpha == 0 {
		chartAlpha = m.RiskLimitOf(m.Contests[0].ID)
		var at []report.ContestAudit
		for _, ci := range report.AssessContests(m, chartAlpha) {
			if ci.Err == nil {
				at = append(at, ci.Audit)
			}
		}
		assessed = at
	}
	svg, err := report.MarginChartSVG(p, "integrity-chart", chartAlpha, assessed)
	if err != nil {
		iv.ChartError = err.Error()
	} else {
		iv.Chart = template.HTML(svg) // drawn by package report, every text escaped there
	}
	for _, ac := range report.AuditControls(m) {
		row := integrityControl{ID: ac.ID, Name: ac.Name, Contest: ac.Contest, RiskLimit: report.Share(p, ac.RiskLimit),
			Method: p.T("integrity.method." + ac.Method), PerBallot: p.Money(ac.CostPerBallot, currency),
			Yearly: p.Money(ac.Cost.Yearly, currency), Sample: p.Number(float64(ac.Sample), 0)}
		if c := m.Contest(ac.Contest); c != nil && c.Name != "" {
			row.Contest = c.Name
		}
		if ac.Err != nil {
			row.Sample = ac.Err.Error()
		}
		iv.Controls = append(iv.Controls, row)
	}
	return iv
}

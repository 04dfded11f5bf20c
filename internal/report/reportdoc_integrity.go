package report

import "github.com/scrutin/scrutin/internal/model"

// Outcome integrity in the report (issue 15): for a model with contests, a
// section after the risk sections with, per contest, the sentences of
// IntegritySentences (those of `scrutin audit` and the model page) and
// the table of IntegrityFigures, at the contest's risk limit; the chart
// of audit sample size against margin; the risk-limiting-audit controls
// with their computed sample and cost; and, for each result-tampering
// scenario that names a contest, what changing that contest's result
// takes. A model without contests gets none of it, and its report is
// byte for byte what it was.

// hasContests says whether the report has contests to show.
func (r *Report) hasContests() bool { return len(r.Model.Contests) > 0 }

// integritySection is the report's outcome integrity section.
func (r *Report) integritySection(w words) section {
	s := section{id: "integrity", title: w.t("integrity.title"), newPage: true}
	s.blocks = append(s.blocks, para{text: w.t("integrity.intro") + " " + w.t("integrity.intro.own", Share(w.p, model.DefaultRiskLimit))})
	byID := map[string]ContestAudit{}
	for _, ci := range AssessContests(r.Model, 0) {
		s.blocks = append(s.blocks, subheading{level: 3, id: slug("contest-", ci.Audit.ID), text: ci.Audit.Title()})
		if ci.Err != nil {
			s.blocks = append(s.blocks, para{text: w.t("integrity.failed", ci.Audit.Title(), ci.Err.Error())})
			continue
		}
		byID[ci.Audit.ID] = ci.Audit
		for _, sentence := range IntegritySentences(w.p, ci.Audit) {
			s.blocks = append(s.blocks, para{text: sentence})
		}
		t := docTable{caption: w.t("integrity.fig.caption", ci.Audit.Title()), align: "lr",
			head: []string{w.t("integrity.fig.col.figure"), w.t("integrity.fig.col.value")}}
		for _, f := range IntegrityFigures(w.p, ci.Audit) {
			t.rows = append(t.rows, []string{f.Label, f.Value})
		}
		s.blocks = append(s.blocks, t)
	}
	if sentences := r.scenarioIntegrity(w, byID); len(sentences) > 0 {
		s.blocks = append(s.blocks, subheading{level: 3, id: "integrity-scenarios", text: w.t("integrity.scenarios")}, bullets{items: sentences})
	}
	if rows := r.auditControlRows(w); len(rows) > 0 {
		s.blocks = append(s.blocks, subheading{level: 3, id: "integrity-audits", text: w.t("integrity.controls")},
			docTable{caption: w.t("integrity.controls.caption"), align: "llrlrrr", rows: rows,
				head: []string{w.t("integrity.col.control"), w.t("integrity.col.contest"), w.t("integrity.col.risk"), w.t("integrity.col.method"),
					w.t("integrity.col.sample"), w.t("integrity.col.perballot"), w.t("integrity.col.yearly")}})
	}
	if f, ok := r.marginFigure(w); ok {
		s.blocks = append(s.blocks, f)
	}
	return s
}

// scenarioIntegrity says, for each scenario that names a contest, what
// changing that contest's result takes.
func (r *Report) scenarioIntegrity(w words, byID map[string]ContestAudit) []string {
	var out []string
	for i := range r.Model.Scenarios {
		sc := &r.Model.Scenarios[i]
		if c, ok := byID[sc.Contest]; ok {
			if s := ScenarioIntegritySentence(w.p, sc, c); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// auditControlRows are the model's risk-limiting-audit controls as table
// rows.
func (r *Report) auditControlRows(w words) [][]string {
	var rows [][]string
	for _, ac := range AuditControls(r.Model) {
		contest := ac.Contest
		if c := r.Model.Contest(ac.Contest); c != nil && c.Name != "" {
			contest = c.Name
		}
		sample := w.p.Number(float64(ac.Sample), 0)
		if ac.Err != nil {
			sample = ac.Err.Error()
		}
		rows = append(rows, []string{r.controlName(ac.ID), contest, Share(w.p, ac.RiskLimit), w.t("integrity.method." + ac.Method),
			sample, w.money(ac.CostPerBallot), w.money(ac.Cost.Yearly)})
	}
	return rows
}

// marginFigure is the chart of sample size against margin at the first
// contest's risk limit, with its points as a table for the Markdown
// report and readers without images.
func (r *Report) marginFigure(w words) (figure, bool) {
	alpha := r.Model.RiskLimitOf(r.Model.Contests[0].ID)
	var cs []ContestAudit
	for _, ci := range AssessContests(r.Model, alpha) {
		if ci.Err == nil {
			cs = append(cs, ci.Audit)
		}
	}
	svg, err := MarginChartSVG(w.p, "fig-integrity-svg", alpha, cs)
	if err != nil {
		return figure{}, false
	}
	f := figure{id: "fig-integrity", caption: w.t("integrity.chart.title", Share(w.p, alpha)), svg: svg}
	pts, err := MarginCurve(alpha, 0.005, 0.5, 7)
	if err != nil {
		return figure{}, false
	}
	t := docTable{caption: w.t("integrity.chart.note"), align: "lrr",
		head: []string{w.t("integrity.fig.diluted"), w.t("integrity.chart.polling"), w.t("integrity.chart.comparison")}}
	for _, pt := range pts {
		t.rows = append(t.rows, []string{Share(w.p, pt.Margin), w.p.Number(float64(pt.ASN), 0), w.p.Number(float64(pt.Comparison), 0)})
	}
	f.tables = append(f.tables, t)
	return f, true
}

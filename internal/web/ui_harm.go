package web

import (
	"math"
	"slices"
	"strings"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/sim"
)

// Harm beyond money on the pages (issue 13): a panel per harm dimension
// on the run page, the windows of timed scenarios, the overall verdict,
// and the breached dimensions in the dashboard's headline. A result
// without harms shows none of it.

// harmRow is a harm dimension of a run, with its figures.
type harmRow struct {
	ID, Name, Unit, Description string
	R                           sim.HarmResult
	// Election says that one simulated trial is one election (the model
	// has a calendar), else one year.
	Election bool
}

// windowRow is how often a timed scenario's loss events fall in a window.
type windowRow struct {
	Scenario, ScenarioName string
	Window, WindowName     string
	W                      sim.WindowResult
}

// harmRows lists the run's harm dimensions in the model's order (by id
// when the revision's model is not at hand).
func harmRows(res *sim.Result, m *model.Model) []harmRow {
	if len(res.Portfolio.Harms) == 0 {
		return nil
	}
	var rows []harmRow
	if m != nil {
		for _, h := range m.Harms {
			if r, ok := res.Portfolio.Harms[h.ID]; ok {
				rows = append(rows, harmRow{ID: h.ID, Name: h.Name, Unit: h.Unit, Description: h.Description, R: r, Election: m.Calendar != nil})
			}
		}
	}
	if len(rows) == len(res.Portfolio.Harms) {
		return rows
	}
	rows = rows[:0]
	for id, r := range res.Portfolio.Harms {
		rows = append(rows, harmRow{ID: id, Name: id, R: r, Election: res.CycleYears != 0})
	}
	slices.SortFunc(rows, func(a, b harmRow) int { return strings.Compare(a.ID, b.ID) })
	return rows
}

// windowRows lists the windows of the run's timed scenarios, in the
// result's scenario order and the calendar's window order.
func windowRows(res *sim.Result, m *model.Model, names map[string]string) []windowRow {
	var rows []windowRow
	for _, s := range res.Scenarios {
		if len(s.Windows) == 0 {
			continue
		}
		var ids []string
		wname := map[string]string{}
		if m != nil && m.Calendar != nil {
			for _, w := range m.Calendar.Windows {
				ids = append(ids, w.ID)
				wname[w.ID] = w.Name
			}
		} else {
			for id := range s.Windows {
				ids = append(ids, id)
			}
			slices.Sort(ids)
		}
		for _, id := range ids {
			if w, ok := s.Windows[id]; ok {
				rows = append(rows, windowRow{Scenario: s.ID, ScenarioName: names[s.ID], Window: id, WindowName: wname[id], W: w})
			}
		}
	}
	return rows
}

// harmAmount formats a harm: whole numbers from 100 on, one decimal from
// 1 to 100, two below.
func harmAmount(p *i18n.Printer, x float64) string {
	switch ax := math.Abs(x); {
	case ax >= 100 || x == 0:
		return p.Number(math.Round(x), 0)
	case ax >= 1:
		return p.Number(x, 1)
	}
	return p.Number(x, 2)
}

// Breached says whether the dimension's tolerance is breached.
func (h *harmRow) Breached() bool { return h.R.Tolerance != nil && h.R.Tolerance.Breached }

// State is "exceeds", "within" or "none" (no tolerance).
func (h *harmRow) State() string {
	switch {
	case h.R.Tolerance == nil || len(h.R.Tolerance.Points) == 0:
		return "none"
	case h.R.Tolerance.Breached:
		return "exceeds"
	}
	return "within"
}

func (h *harmRow) period() string {
	if h.Election {
		return "election"
	}
	return "year"
}

// Amount formats x, a harm of this dimension.
func (h *harmRow) Amount(p *i18n.Printer, x float64) string { return harmAmount(p, x) }

// Plain says the dimension's key figures in one sentence: "In 1 year in
// 100, more than 40,000 voters; …".
func (h *harmRow) Plain(p *i18n.Printer) string {
	q := h.R.Quantiles
	return p.T("harm.plain."+h.period(), harmAmount(p, q.P99), h.Unit, harmAmount(p, q.P90), h.Unit,
		harmAmount(p, h.R.Mean), h.Unit, p.Percent(h.R.PAny))
}

// MeanLabel names the mean of the dimension per year or per election.
func (h *harmRow) MeanLabel(p *i18n.Printer) string { return p.T("harm.mean." + h.period()) }

// ProbLabel names P(harm > above): P(any) for above 0.
func (h *harmRow) ProbLabel(p *i18n.Printer, above float64) string {
	if above == 0 {
		return p.T("harm.p.any")
	}
	return p.T("harm.p.above", harmAmount(p, above), h.Unit)
}

// Verdict says in one sentence whether the dimension is within its
// tolerance, with the point that tells most (report.HarmKeyPoint).
func (h *harmRow) Verdict(p *i18n.Printer) string {
	t := h.R.Tolerance
	if t == nil || len(t.Points) == 0 {
		return p.T("harm.verdict.none")
	}
	key, exceeded := report.HarmKeyPoint(t)
	label := h.ProbLabel(p, key.Above)
	if exceeded == 0 {
		return p.T("harm.verdict.within", label, p.Percent(key.Probability), p.Percent(key.Limit))
	}
	return p.T("harm.verdict.exceeds", label, p.Percent(key.Probability), p.Percent(key.Limit), exceeded, len(t.Points))
}

// breachClause is the headline's words for a breached dimension:
// "tolerance exceeded for votes altered (P(any) 0.3 % against 0.1 %)".
func (h *harmRow) breachClause(p *i18n.Printer) string {
	key, _ := report.HarmKeyPoint(h.R.Tolerance)
	return p.T("answer.harm", report.Lower(h.Name), h.ProbLabel(p, key.Above), p.Percent(key.Probability), p.Percent(key.Limit))
}

// harmDetail adds to a headline's detail (one sentence ending with a
// full stop) the clauses of the breached harm dimensions.
func harmDetail(p *i18n.Printer, detail string, rows []harmRow) string {
	var clauses []string
	for i := range rows {
		if rows[i].Breached() {
			clauses = append(clauses, rows[i].breachClause(p))
		}
	}
	if len(clauses) == 0 {
		return detail
	}
	return p.T("answer.harm.join", strings.TrimSuffix(detail, "."), strings.Join(clauses, p.T("answer.harm.sep")))
}

// overallVerdict says whether the run's risk is significant and which
// tolerances (money, each harm) it breaches; "" without a verdict (a
// model without harms).
func overallVerdict(p *i18n.Printer, res *sim.Result, rows []harmRow) string {
	v := res.Verdict
	if v == nil {
		return ""
	}
	var names []string
	if v.Money {
		names = append(names, p.T("harm.overall.money"))
	}
	for _, h := range rows {
		if v.Harms[h.ID] {
			names = append(names, report.Lower(h.Name))
		}
	}
	if !v.Significant || len(names) == 0 {
		return p.T("harm.overall.within")
	}
	list := names[0]
	if len(names) > 1 {
		list = strings.Join(names[:len(names)-1], ", ") + p.T("harm.and") + names[len(names)-1]
	}
	return p.T("harm.overall.significant", list)
}

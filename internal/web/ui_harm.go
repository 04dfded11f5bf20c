package web

import (
	"math"
	"slices"
	"strings"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
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

// harmAmount formats a harm as every output does (report.Sig: three
// significant digits, whole from 100 on).
func harmAmount(p *i18n.Printer, x float64) string { return report.Sig(p, x) }

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
// "votes altered (0.3 % against 0.1 % acceptable)": the probability of
// the tolerance point that tells most (P(any) for an above-0 point, as
// the run page says), against its limit.
func (h *harmRow) breachClause(p *i18n.Printer) string {
	key, _ := report.HarmKeyPoint(h.R.Tolerance)
	return p.T("answer.harm", report.Lower(h.Name), p.Percent(key.Probability), p.Percent(key.Limit))
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
	return p.T("answer.harm.join", strings.TrimSuffix(detail, "."), joinAnd(p, clauses))
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
	return p.T("harm.overall.significant", joinAnd(p, names))
}

// timingRow is one multiplier of a timed scenario's events in a calendar
// window, as the model's timing: gives it.
type timingRow struct {
	Scenario, ScenarioName string
	Window, WindowName     string
	// Harm is the dimension multiplied ("" for the loss in money: the
	// timing's magnitude), HarmName its name.
	Harm, HarmName string
	Factor         float64
}

// timingRows lists the multipliers of the model's timed scenarios, in
// the model's order of scenarios, the calendar's of windows, the loss
// first, then the dimensions in the model's order. nil without a model
// or a calendar.
func timingRows(m *model.Model) []timingRow {
	if m == nil || m.Calendar == nil {
		return nil
	}
	var rows []timingRow
	for _, s := range m.Scenarios {
		if len(s.Timing) == 0 {
			continue
		}
		for _, w := range m.Calendar.Windows {
			t, ok := s.Timing[w.ID]
			if !ok {
				continue
			}
			row := timingRow{Scenario: s.ID, ScenarioName: s.Name, Window: w.ID, WindowName: w.Name}
			if t.Magnitude != nil {
				r := row
				r.Factor = *t.Magnitude
				rows = append(rows, r)
			}
			for _, h := range m.Harms {
				if f, ok := t.Harm[h.ID]; ok {
					r := row
					r.Harm, r.HarmName, r.Factor = h.ID, h.Name, f
					rows = append(rows, r)
				}
			}
		}
	}
	return rows
}

// factor formats a multiplier with as few decimals as it needs (up to 2).
func factor(p *i18n.Printer, f float64) i18n.Count {
	switch {
	case f == math.Trunc(f):
		return p.Count(f, 0)
	case f*10 == math.Trunc(f*10):
		return p.Count(f, 1)
	}
	return p.Count(f, 2)
}

// Plain says the multiplier in one sentence: "In the window “Silence
// before the first round”, an event of “Hack and leak” is 3 times as
// harmful for “Public trust lost” as at another time."
func (t *timingRow) Plain(p *i18n.Printer) string {
	win, scen := cmpOr(t.WindowName, t.Window), cmpOr(t.ScenarioName, t.Scenario)
	if t.Harm == "" {
		return p.T("harm.timing.money", win, scen, factor(p, t.Factor))
	}
	return p.T("harm.timing.harm", win, scen, factor(p, t.Factor), cmpOr(t.HarmName, t.Harm))
}

// Period is "election" when one simulated trial is one election, else
// "year": the suffix of the catalogue's keys that say per what.
func (rr *runResult) Period() string {
	if rr.Election {
		return "election"
	}
	return "year"
}

// Overall is the run's overall verdict over the money and every harm
// dimension; "" for a run without one (a model without harms).
func (rr *runResult) Overall(p *i18n.Printer) string { return overallVerdict(p, rr.Result, rr.Harms) }

// OverallState is "exceeds" when the run's verdict is significant, else
// "within".
func (rr *runResult) OverallState() string {
	if v := rr.Result.Verdict; v != nil && v.Significant {
		return "exceeds"
	}
	return "within"
}

// P90Label and P99Label name the dimension's P90 and P99 per year or per
// election.
func (h *harmRow) P90Label(p *i18n.Printer) string { return p.T("harm.p90." + h.period()) }
func (h *harmRow) P99Label(p *i18n.Printer) string { return p.T("harm.p99." + h.period()) }

// harmState is the headline's state of a run with a verdict (a model
// with harms): "exceeds" when the verdict is significant, "none" when
// the model sets no tolerance at all (money or harm), else "within".
func harmState(rr *runResult) string {
	switch {
	case rr.Result.Verdict.Significant:
		return "exceeds"
	case toleranceState(rr.Result.Portfolio.Tolerance) != "none":
		return "within"
	}
	for i := range rr.Harms {
		if rr.Harms[i].State() != "none" {
			return "within"
		}
	}
	return "none"
}

// harmAnswerDetail is the headline's detail for a run with a verdict:
// the bad year or election against the money tolerance, the breached
// harm dimensions, and whether the plan pl (nil: none stored) brings
// every dimension within tolerance (plan.Result.Significance.Harms and
// SignificantAfter).
func harmAnswerDetail(p *i18n.Printer, rr *runResult, state string, pl *plan.Result) string {
	res := rr.Result
	detail := p.T("answer.h.bad."+toleranceState(res.Portfolio.Tolerance)+"."+rr.Period(), p.Money(res.Portfolio.Quantiles.P90, res.Currency))
	detail = harmDetail(p, detail, rr.Harms)
	if pl == nil {
		return detail
	}
	cost := p.Money(pl.Cost, res.Currency)
	sig := &pl.Significance
	if state == "none" {
		return detail + " " + p.T("answer.h.plan.none", cost)
	}
	var still []string
	if sig.Portfolio.SignificantAfter {
		still = append(still, p.T("harm.overall.money"))
	}
	for _, hv := range sig.Harms {
		if hv.BreachedAfter {
			still = append(still, report.Lower(hv.Name))
		}
	}
	before := sig.Portfolio.SignificantBefore
	if sig.SignificantBefore != nil {
		before = *sig.SignificantBefore
	}
	switch {
	case len(still) > 0:
		return detail + " " + p.T("answer.h.plan.still", cost, joinAnd(p, still))
	case before:
		return detail + " " + p.T("answer.h.plan.fixed", cost)
	}
	return detail + " " + p.T("answer.h.plan.kept", cost)
}

// joinAnd joins names as a list in the reader's language: "a, b and c".
func joinAnd(p *i18n.Printer, names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + p.T("harm.and") + names[len(names)-1]
}

// Threshold formats a tolerance point's level of this dimension.
func (h *harmRow) Threshold(p *i18n.Printer, x float64) string { return harmAmount(p, x) }

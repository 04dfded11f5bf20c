package web

import (
	"math"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/report"
)

// Harm beyond money on the plan's pages (issue 13): the plan form offers
// the model's harm dimensions as objectives (harm:ID:STAT), and the plan's
// page gives each dimension's verdict before and after the plan. A model
// without harms shows none of it.

// objectiveChoice is an objective the plan form offers: a statistic of
// the annual loss (Harm empty) or of a harm dimension's annual harm.
type objectiveChoice struct {
	Value          string // as plan.ParseObjective reads it
	Stat           string // mean, p90, p95 or p99
	Harm, HarmName string
}

// Label names the objective in the form's list.
func (o objectiveChoice) Label(p *i18n.Printer) string {
	if o.Harm == "" {
		return p.T("plan.objective." + o.Stat)
	}
	return p.T("planform.objective.harm."+o.Stat, o.HarmName)
}

// objectiveChoices are plan.Objectives, then the same statistics of each
// of the model's harm dimensions, in the model's order.
func objectiveChoices(m *model.Model) []objectiveChoice {
	var out []objectiveChoice
	for _, s := range plan.Objectives {
		out = append(out, objectiveChoice{Value: s, Stat: s})
	}
	for _, h := range m.Harms {
		for _, s := range plan.Objectives {
			o := plan.Objective{Harm: h.ID, Stat: s}
			out = append(out, objectiveChoice{Value: o.String(), Stat: s, Harm: h.ID, HarmName: h.Name})
		}
	}
	return out
}

// harmObjective is the harm dimension the plan minimised, nil when its
// objective is of the money.
func (p *planPage) harmObjective() (*plan.HarmVerdict, string) {
	o, err := plan.ParseObjective(p.Spec.Objective)
	if err != nil || o.Harm == "" {
		return nil, o.Stat
	}
	if p.Result != nil {
		for i := range p.Result.Significance.Harms {
			if hv := &p.Result.Significance.Harms[i]; hv.ID == o.Harm {
				return hv, o.Stat
			}
		}
	}
	return &plan.HarmVerdict{ID: o.Harm, Name: o.Harm}, o.Stat
}

// ObjectiveLabel names the plan's objective briefly: "P90", or "P99 of
// votes altered in the count".
func (p *planPage) ObjectiveLabel(pr *i18n.Printer) string {
	hv, _ := p.harmObjective()
	if hv == nil {
		return objectiveLabel(pr, p.Spec.Objective, "")
	}
	return objectiveLabel(pr, p.Spec.Objective, hv.Name)
}

// ObjectiveLabel names the plan's objective in the list of plans (a harm
// dimension by its id: the list does not read the revisions' models).
func (r planRow) ObjectiveLabel(pr *i18n.Printer) string {
	return objectiveLabel(pr, r.Spec.Objective, "")
}

// objectiveLabel names an objective briefly: "P90", or "P99 of Votes
// altered in the count" (name, else the dimension's id); one that does
// not read is shown as it is.
func objectiveLabel(pr *i18n.Printer, objective, name string) string {
	o, err := plan.ParseObjective(objective)
	if err != nil {
		return tOr(pr, "plan.short."+objective, objective)
	}
	if o.Harm == "" {
		return pr.T("plan.short." + o.Stat)
	}
	return pr.T("plan.short.harm", pr.T("plan.short."+o.Stat), cmpOr(name, o.Harm))
}

// ObjectiveUnit is the unit of the objective's figures: the currency, or
// the harm dimension's unit.
func (p *planPage) ObjectiveUnit(pr *i18n.Printer) string {
	if hv, _ := p.harmObjective(); hv != nil {
		return cmpOr(p.Result.ObjectiveUnit, hv.Unit)
	}
	return pr.Currency(p.Currency)
}

// FormatObjective formats a figure of the objective: money, or a harm.
func (p *planPage) FormatObjective(pr *i18n.Printer, x float64) string {
	if hv, _ := p.harmObjective(); hv != nil {
		return harmAmount(pr, x)
	}
	return pr.Money(x, pr.Currency(p.Currency))
}

// ObjectiveFigure names the objective's figure with the plan.
func (p *planPage) ObjectiveFigure(pr *i18n.Printer) string {
	if hv, _ := p.harmObjective(); hv != nil {
		return pr.T("plan.fig.objective.harm", p.ObjectiveLabel(pr))
	}
	return pr.T("plan.fig.objective", pr.T("plan.short."+p.Result.Objective))
}

// CycleCount is the years between two elections, for a plural message:
// whole, or with the decimals a fractional cycle needs.
func (p *planPage) CycleCount(pr *i18n.Printer) i18n.Count {
	y := p.Result.CycleYears
	d := 0
	for d < 3 && y*math.Pow(10, float64(d)) != math.Round(y*math.Pow(10, float64(d))) {
		d++
	}
	return pr.Count(y, d)
}

// ObjectiveAfter is the objective's figure with the plan, formatted.
func (p *planPage) ObjectiveAfter(pr *i18n.Printer) string {
	hv, stat := p.harmObjective()
	if hv == nil {
		return pr.Money(p.Objective(p.Result.Residual), pr.Currency(p.Currency))
	}
	return harmAmount(pr, harmStat(hv.After, stat)) + " " + hv.Unit
}

func harmStat(r plan.HarmRisk, stat string) float64 { return r.Stat(stat) }

// Harms are the plan's verdicts per harm dimension (nil for a model
// without harms).
func (p *planPage) Harms() []plan.HarmVerdict {
	if p.Result == nil {
		return nil
	}
	return p.Result.Significance.Harms
}

// HarmState is a dimension's state before or after the plan: "within",
// "exceeds" or "none" (no tolerance for it).
func (p *planPage) HarmState(hv plan.HarmVerdict, after bool) string {
	switch {
	case !hv.Tolerance || len(hv.Points) == 0:
		return "none"
	case after && hv.BreachedAfter, !after && hv.BreachedBefore:
		return "exceeds"
	}
	return "within"
}

// HarmKey says the dimension's tolerance point that tells most after the
// plan (the one exceeded by the widest margin, else the closest to its
// limit): "P(more than 700 voters): 25.2 % before, 3.10 % after, 5.00 %
// acceptable".
func (p *planPage) HarmKey(pr *i18n.Printer, hv plan.HarmVerdict) string {
	if len(hv.Points) == 0 {
		return pr.T("harm.verdict.none")
	}
	key, best := hv.Points[0], math.Inf(-1)
	for _, pt := range hv.Points {
		r := pt.After / pt.Limit
		if pt.Limit == 0 {
			r = math.Inf(1)
		}
		if r > best {
			key, best = pt, r
		}
	}
	label := pr.T("harm.p.any")
	if key.Above != 0 {
		label = pr.T("harm.p.above", harmAmount(pr, key.Above), hv.Unit)
	}
	return pr.T("plan.harm.key", label, pr.Percent(key.Before), pr.Percent(key.After), pr.Percent(key.Limit))
}

// HarmOverall says whether the plan brings every dimension (the money
// and each harm) within tolerance, naming those still exceeded; "" for a
// model without harms.
func (p *planPage) HarmOverall(pr *i18n.Printer) string {
	sig := &p.Result.Significance
	if sig.SignificantAfter == nil {
		return ""
	}
	var still []string
	if sig.Portfolio.SignificantAfter {
		still = append(still, pr.T("harm.overall.money"))
	}
	for _, hv := range sig.Harms {
		if hv.BreachedAfter {
			still = append(still, report.Lower(hv.Name))
		}
	}
	switch {
	case len(still) > 0:
		return pr.T("plan.harm.still", joinAnd(pr, still))
	case *sig.SignificantBefore:
		return pr.T("plan.harm.fixed")
	}
	return pr.T("plan.harm.kept")
}

// HarmOverallState is "exceeds" when a tolerance is still exceeded with
// the plan, else "within".
func (p *planPage) HarmOverallState() string {
	if a := p.Result.Significance.SignificantAfter; a != nil && *a {
		return "exceeds"
	}
	return "within"
}

// Amount formats a harm.
func (p *planPage) Amount(pr *i18n.Printer, x float64) string { return harmAmount(pr, x) }

package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/sim"
)

// PlanVerdicts fills in the plan's verdict sentences: the portfolio's and
// each scenario's.
func PlanVerdicts(r *plan.Result) {
	sig := &r.Significance
	loss := planPeriod(r).Loss()
	sig.Portfolio.Verdict = scopeVerdict(sig.Tolerance, &sig.Portfolio, "the "+loss, r.Currency)
	r.Verdict = sig.Portfolio.Verdict
	for i := range sig.Scenarios {
		s := &sig.Scenarios[i]
		s.Verdict = scopeVerdict(sig.Tolerance, s, s.ID+"'s "+loss, r.Currency)
	}
	for i := range sig.Harms {
		sig.Harms[i].Verdict = harmPlanVerdict(&sig.Harms[i])
	}
	sig.Overall = PlanOverall(r)
}

// planPeriod is what one simulated trial of the plan is: a year, or an
// election for a model with a calendar.
func planPeriod(r *plan.Result) Period { return RunPeriod(r.CycleYears) }

// harmPlanVerdict says in one sentence whether a harm dimension is within
// its tolerance before and after the plan, with its most telling point.
func harmPlanVerdict(h *plan.HarmVerdict) string {
	if !h.Tolerance || len(h.Points) == 0 {
		return fmt.Sprintf("%s: no tolerance is set (mean %s %s before the plan, %s after).",
			h.Name, Amount(h.Before.Mean), h.Unit, Amount(h.After.Mean))
	}
	key := harmPlanKey(h)
	figures := fmt.Sprintf("%s is %s before the plan and %s after, against %s acceptable",
		harmProb(key.Above, h.Unit), Percent(key.Before), Percent(key.After), Percent(key.Limit))
	switch {
	case h.BreachedBefore && h.BreachedAfter:
		return fmt.Sprintf("%s: beyond tolerance, and still beyond it with the plan: %s.", h.Name, figures)
	case h.BreachedBefore:
		return fmt.Sprintf("%s: beyond tolerance without the plan, within it with the plan: %s.", h.Name, figures)
	case h.BreachedAfter:
		return fmt.Sprintf("%s: within tolerance without the plan, beyond it with the plan: %s.", h.Name, figures)
	}
	return fmt.Sprintf("%s: within tolerance before and after the plan; closest, %s.", h.Name, figures)
}

// harmPlanKey is the tolerance point a harm's plan verdict quotes: the
// one exceeded by the widest margin after the plan when it is breached
// then, else before.
func harmPlanKey(h *plan.HarmVerdict) *plan.HarmToleranceCheck {
	var key *plan.HarmToleranceCheck
	prob := func(pt *plan.HarmToleranceCheck) float64 {
		if h.BreachedAfter {
			return pt.After
		}
		return pt.Before
	}
	for i := range h.Points {
		pt := &h.Points[i]
		if key == nil || exceedRatio(prob(pt), pt.Limit) > exceedRatio(prob(key), key.Limit) {
			key = pt
		}
	}
	return key
}

// PlanOverall says whether the plan brings every tolerance (the money's
// and each harm dimension's) within bounds; empty for a model without
// harm dimensions (the portfolio's verdict says it).
func PlanOverall(r *plan.Result) string {
	sig := r.Significance
	if sig.SignificantAfter == nil {
		return ""
	}
	var still []string
	if sig.Portfolio.SignificantAfter {
		still = append(still, "money")
	}
	dims := 0
	for _, h := range sig.Harms {
		if h.Tolerance {
			dims++
		}
		if h.BreachedAfter {
			still = append(still, Lower(h.Name))
		}
	}
	if !*sig.SignificantAfter && len(still) == 0 {
		if sig.SignificantBefore != nil && !*sig.SignificantBefore {
			return "Every tolerance, of the money and of each harm dimension, is met without the plan and with it."
		}
		return "The plan brings every tolerance within bounds: the money's and each harm dimension's."
	}
	return fmt.Sprintf("The plan does not bring every tolerance within bounds: still exceeded with it for %s.", joinAnd(still))
}

// scopeVerdict says in one sentence whether a scope's risk is significant
// (some point of the tolerance curve exceeded) before and after the plan,
// with the figures of its most telling point.
func scopeVerdict(tolerance bool, v *plan.ScopeVerdict, what, cur string) string {
	if !tolerance || len(v.Points) == 0 {
		return fmt.Sprintf("No risk tolerance is set in the model, so whether the risk is significant cannot be said "+
			"(mean annual loss %s %s before the plan, %s after); add a tolerance curve to get a verdict.",
			Money(v.Before.Mean), cur, Money(v.After.Mean))
	}
	exceeded := func(after bool) int {
		n := 0
		for _, pt := range v.Points {
			p := pt.Before
			if after {
				p = pt.After
			}
			if p > pt.Limit {
				n++
			}
		}
		return n
	}
	key := PlanKeyPoint(v)
	prob := fmt.Sprintf("P(%s > %s %s)", strings.TrimPrefix(what, "the "), Money(key.Loss), cur)
	figures := fmt.Sprintf("%s is %s before the plan and %s after, against %s acceptable",
		prob, Percent(key.Before), Percent(key.After), Percent(key.Limit))
	points := fmt.Sprintf("%d tolerance point%s", len(v.Points), plural(len(v.Points)))
	switch {
	case v.SignificantBefore && v.SignificantAfter:
		return fmt.Sprintf("Significant, and still significant with the plan: %s (%d of %s exceeded before, %d after).",
			figures, exceeded(false), points, exceeded(true))
	case v.SignificantBefore:
		return fmt.Sprintf("Significant without the plan, within tolerance with it: %s (%d of %s exceeded before, none after).",
			figures, exceeded(false), points)
	case v.SignificantAfter:
		return fmt.Sprintf("Not significant without the plan, but significant with it: %s (%d of %s exceeded after).",
			figures, exceeded(true), points)
	}
	return fmt.Sprintf("Not significant: within tolerance at every point before and after the plan; closest, %s.", figures)
}

// PlanKeyPoint is the tolerance point that a scope's verdict quotes: the
// one exceeded by the widest margin (probability over limit) after the
// plan when the risk is significant with it, else before the plan. v must
// have points.
func PlanKeyPoint(v *plan.ScopeVerdict) *plan.ToleranceCheck {
	prob := func(pt *plan.ToleranceCheck) float64 {
		if v.SignificantAfter {
			return pt.After
		}
		return pt.Before
	}
	var key *plan.ToleranceCheck
	for i := range v.Points {
		pt := &v.Points[i]
		if key == nil || exceedRatio(prob(pt), pt.Limit) > exceedRatio(prob(key), key.Limit) {
			key = pt
		}
	}
	return key
}

// KeyPoint is the tolerance point of a result that tells most: the one
// exceeded by the widest margin, or else the one closest to being
// exceeded (nil without a tolerance curve). It also counts the points
// exceeded.
func KeyPoint(t *sim.Tolerance) (key *sim.TolerancePoint, exceeded int) {
	if t == nil {
		return nil, 0
	}
	return mostTelling(t.Points, func(pt *sim.TolerancePoint) (float64, float64) { return pt.Probability, pt.Limit })
}

// exceedRatio is a probability over its acceptable limit (infinite over
// a zero limit, unless the probability is zero too).
func exceedRatio(p, limit float64) float64 {
	if limit == 0 {
		if p > 0 {
			return math.Inf(1)
		}
		return 0
	}
	return p / limit
}

// PlanJSON writes the plan as JSON, verdicts filled in.
func PlanJSON(w io.Writer, r *plan.Result) error {
	PlanVerdicts(r)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// objectiveName names an objective for people.
func objectiveName(r *plan.Result) string {
	o, per := r.Objective, planPeriod(r)
	if h := harmObjective(r); h != nil {
		q := quantileWords(strings.TrimPrefix(o, plan.HarmObjectivePrefix+h.ID+":"), per)
		if q == "" {
			return fmt.Sprintf("mean %s %s (%s)", Lower(h.Name), per.Per(), h.Unit)
		}
		return fmt.Sprintf("%s of %s %s (%s; %s)", strings.ToUpper(strings.TrimPrefix(o, plan.HarmObjectivePrefix+h.ID+":")), Lower(h.Name), per.Per(), h.Unit, q)
	}
	if per.Election {
		if q := quantileWords(o, per); q != "" {
			return fmt.Sprintf("%s of the loss per election (%s)", strings.ToUpper(o), q)
		}
		return "mean loss per election"
	}
	switch o {
	case plan.ObjectiveMean:
		return "mean annual loss"
	case plan.ObjectiveP90:
		return "P90 of the annual loss (1 year in 10 is worse)"
	case plan.ObjectiveP95:
		return "P95 of the annual loss (1 year in 20 is worse)"
	case plan.ObjectiveP99:
		return "P99 of the annual loss (1 year in 100 is worse)"
	}
	return o
}

// quantileWords says what a quantile objective means: "1 election in
// 100 is worse"; empty for the mean.
func quantileWords(stat string, per Period) string {
	switch stat {
	case plan.ObjectiveP90:
		return "1 " + per.Unit() + " in 10 is worse"
	case plan.ObjectiveP95:
		return "1 " + per.Unit() + " in 20 is worse"
	case plan.ObjectiveP99:
		return "1 " + per.Unit() + " in 100 is worse"
	}
	return ""
}

// harmObjective is the harm dimension a harm objective minimises (its
// verdict, with its name and unit); nil for an objective of the money.
func harmObjective(r *plan.Result) *plan.HarmVerdict {
	o, err := plan.ParseObjective(r.Objective)
	if err != nil || o.Harm == "" {
		return nil
	}
	for i := range r.Significance.Harms {
		if h := &r.Significance.Harms[i]; h.ID == o.Harm {
			return h
		}
	}
	return &plan.HarmVerdict{ID: o.Harm, Name: o.Harm, Unit: r.ObjectiveUnit}
}

// objectiveAmount formats a figure of the objective: money, or a harm.
func objectiveAmount(r *plan.Result, x float64) string {
	if harmObjective(r) != nil {
		return Amount(x)
	}
	return Money(x)
}

// shortObjective is an objective's column header.
func shortObjective(o string) string {
	if h, ok := strings.CutPrefix(o, plan.HarmObjectivePrefix); ok {
		if i := strings.LastIndexByte(h, ':'); i >= 0 {
			stat := h[i+1:]
			if stat != plan.ObjectiveMean {
				stat = strings.ToUpper(stat)
			}
			return stat + " " + h[:i]
		}
	}
	if o == plan.ObjectiveMean {
		return "mean"
	}
	return strings.ToUpper(o)
}

// PlanText writes the readable report of a plan.
func PlanText(w io.Writer, r *plan.Result) error {
	PlanVerdicts(r)
	bw := bufio.NewWriter(w)
	cur := r.Currency
	fmt.Fprintf(bw, "Mitigation plan — %s\n", r.Model)
	per := planPeriod(r)
	fmt.Fprintf(bw, "%s · seed %d · money in %s · one-off costs spread over %s\n",
		per.Trials(r.Trials), r.Seed, cur, years(r.Horizon))
	fmt.Fprintf(bw, "Objective: %s · budget %s %s a year · %s\n", objectiveName(r), Money(r.Budget), cur, r.Method)
	if r.Note != "" {
		fmt.Fprintf(bw, "Not solved exactly: %s.\n", r.Note)
	}
	fmt.Fprintf(bw, "Implemented, kept in force: %s\n\n", idList(r.Implemented, "none"))

	n := len(r.Candidates)
	fmt.Fprintf(bw, "Plan: %s (%d of %d proposed control%s)\n", idList(r.Selected, "nothing more"), len(r.Selected), n, plural(n))
	t := Table{Align: "lrl"}
	t.Add("annualised cost", Money(r.Cost), fmt.Sprintf("%s a year, of a budget of %s", cur, Money(r.Budget)))
	if per.Election {
		t.Add("cost per election", Money(r.CostPerElection), fmt.Sprintf("%s: %s of costs between two elections", cur, years(r.CycleYears)))
	}
	t.Write(bw, "  ")
	fmt.Fprintln(bw)
	if h := harmObjective(r); h != nil {
		t = Table{Align: "lrrrl"}
		t.Add(Lower(h.Name)+" ("+h.Unit+")", "implemented only", "with the plan", "reduction", "")
		before, after := harmStat(r, h.Before), harmStat(r, h.After)
		stat, _ := plan.ParseObjective(r.Objective)
		name := strings.ToUpper(stat.Stat)
		if stat.Stat == plan.ObjectiveMean {
			name = "mean"
		}
		t.Add(name, Amount(before), Amount(after), Amount(before-after)+" ("+signedPercent(before, after)+")", "← objective")
		t.Write(bw, "  ")
		fmt.Fprintln(bw)
	}
	t = Table{Align: "lrrrl"}
	t.Add(per.Loss()+" ("+cur+")", "implemented only", "with the plan", "reduction", "")
	row := func(name string, before, after float64, objective bool) {
		mark := ""
		if objective {
			mark = "← objective"
		}
		t.Add(name, Money(before), Money(after), Money(before-after)+" ("+signedPercent(before, after)+")", mark)
	}
	row("mean", r.Baseline.Mean, r.Residual.Mean, r.Objective == plan.ObjectiveMean)
	row("P90", r.Baseline.P90, r.Residual.P90, r.Objective == plan.ObjectiveP90)
	row("P95", r.Baseline.P95, r.Residual.P95, r.Objective == plan.ObjectiveP95)
	row("P99", r.Baseline.P99, r.Residual.P99, r.Objective == plan.ObjectiveP99)
	t.Write(bw, "  ")
	switch {
	case r.ROSI != nil && per.Election:
		fmt.Fprintf(bw, "  Return on security investment per election: %s (each %s spent over the %s between two elections avoids %s %s of mean loss per election)\n",
			rosiText(r.ROSI), cur, years(r.CycleYears), strconv.FormatFloat(r.Reduction/r.CostPerElection, 'f', 2, 64), cur)
	case r.ROSI != nil:
		fmt.Fprintf(bw, "  Return on security investment: %s (each %s a year avoids %s %s of mean annual loss)\n",
			rosiText(r.ROSI), cur, strconv.FormatFloat(r.Reduction/r.Cost, 'f', 2, 64), cur)
	}
	fmt.Fprintln(bw)

	writeSignificance(bw, r)
	writeControls(bw, r)
	if err := writeFrontier(bw, r); err != nil {
		return err
	}
	return bw.Flush()
}

func writeSignificance(w io.Writer, r *plan.Result) {
	sig := r.Significance
	fmt.Fprintf(w, "Is the risk significant?\n  %s\n", sig.Portfolio.Verdict)
	if sig.Tolerance {
		t := Table{Align: "rrrlrl"}
		t.Add("loss ("+r.Currency+")", "acceptable", "implemented only", "", "with the plan", "")
		for _, pt := range sig.Portfolio.Points {
			t.Add(Money(pt.Loss), Percent(pt.Limit), Percent(pt.Before), state(pt.Before, pt.Limit), Percent(pt.After), state(pt.After, pt.Limit))
		}
		t.Write(w, "  ")
	}
	writeHarmSignificance(w, r)
	fmt.Fprintf(w, "\nScenarios (mean %s in %s)\n", planPeriod(r).Loss(), r.Currency)
	t := Table{Align: "lrrl"}
	head := []string{"scenario", "implemented only", "with the plan"}
	if sig.Tolerance {
		head = append(head, "significant (before → after)")
	}
	t.Add(head...)
	for _, s := range sig.Scenarios {
		cells := []string{s.ID, Money(s.Before.Mean), Money(s.After.Mean)}
		if sig.Tolerance {
			cells = append(cells, yesNo(s.SignificantBefore)+" → "+yesNo(s.SignificantAfter))
		}
		t.Add(cells...)
	}
	t.Write(w, "  ")
	if sig.Tolerance {
		for _, s := range sig.Scenarios {
			if s.SignificantBefore || s.SignificantAfter {
				fmt.Fprintf(w, "  %s: %s\n", s.ID, s.Verdict)
			}
		}
	}
	fmt.Fprintln(w)
}

// harmStat is the objective's statistic of a harm.
func harmStat(r *plan.Result, h plan.HarmRisk) float64 {
	o, _ := plan.ParseObjective(r.Objective)
	return h.Stat(o.Stat)
}

// writeHarmSignificance writes, for a model with harm dimensions, each
// one's verdict before and after the plan and whether the plan brings
// every tolerance within bounds.
func writeHarmSignificance(w io.Writer, r *plan.Result) {
	sig := r.Significance
	if len(sig.Harms) == 0 {
		return
	}
	per := planPeriod(r)
	fmt.Fprintf(w, "\nHarm beyond money (per %s), before and after the plan\n", per.Unit())
	t := Table{Align: "lrrrrl"}
	t.Add("dimension", "mean before", "mean after", "P(any) before", "P(any) after", "tolerance (before → after)")
	for _, h := range sig.Harms {
		state := "none set"
		if h.Tolerance {
			state = breachWord(h.BreachedBefore) + " → " + breachWord(h.BreachedAfter)
		}
		t.Add(h.ID+" ("+h.Unit+")", Amount(h.Before.Mean), Amount(h.After.Mean), Percent(h.Before.PAny), Percent(h.After.PAny), state)
	}
	t.Write(w, "  ")
	for _, h := range sig.Harms {
		fmt.Fprintf(w, "  %s\n", h.Verdict)
	}
	if sig.Overall != "" {
		fmt.Fprintf(w, "  %s\n", sig.Overall)
	}
}

func breachWord(b bool) string {
	if b {
		return "EXCEEDS"
	}
	return "within"
}

func writeControls(w io.Writer, r *plan.Result) {
	if len(r.Controls) == 0 {
		fmt.Fprintf(w, "No proposed controls: nothing to choose from.\n\n")
		return
	}
	unit := r.Currency
	if h := harmObjective(r); h != nil {
		unit = r.Currency + "; " + shortObjective(r.Objective) + " in " + h.Unit
	}
	fmt.Fprintf(w, "Proposed controls: each one's marginal contribution to the plan (%s)\n", unit)
	quantile := r.Objective != plan.ObjectiveMean
	t := Table{Align: "llrlrrr"}
	head := []string{"control", "in plan", "cost/year", "portfolio"}
	if quantile {
		t.Align += "r"
		head = append(head, shortObjective(r.Objective))
	}
	head = append(head, "mean", "reduction", "ROSI")
	t.Add(head...)
	for _, c := range r.Controls {
		in, with := "no", "with it"
		if c.Selected {
			in, with = "yes", "without it"
		}
		cells := []string{c.ID, in, Money(c.Cost), with}
		if quantile {
			cells = append(cells, objectiveAmount(r, c.Objective))
		}
		cells = append(cells, Money(c.Mean), Money(c.Reduction), rosiText(c.ROSI))
		t.Add(cells...)
	}
	t.Write(w, "  ")
	if planPeriod(r).Election {
		fmt.Fprintf(w, "  reduction: mean loss per election the control avoids within the plan; ROSI = (reduction − cost per election) / cost per election, where cost per election = cost/year × %s\n\n", years(r.CycleYears))
	} else {
		fmt.Fprintf(w, "  reduction: mean annual loss the control avoids within the plan; ROSI = (reduction − cost) / cost\n\n")
	}
}

// maxFrontierRows is the most frontier points listed in the text report
// (the JSON has them all).
const maxFrontierRows = 16

func writeFrontier(w io.Writer, r *plan.Result) error {
	how := "solutions at a ladder of budgets"
	if r.FrontierExact {
		how = "exact: every portfolio evaluated"
	}
	name := shortObjective(r.Objective)
	if r.Objective == plan.ObjectiveMean {
		name = "mean " + planPeriod(r).Loss()
	}
	fmt.Fprintf(w, "Efficient frontier: annualised cost against residual %s (%s)\n", name, how)
	pts := r.Frontier
	shown := frontierRows(pts)
	quantile := r.Objective != plan.ObjectiveMean
	t := Table{Align: "rlr"}
	head := []string{"cost/year", "", shortObjective(r.Objective)}
	if quantile {
		t.Align += "r"
		head = append(head, "mean")
	}
	t.Align += "l"
	head = append(head, "controls")
	t.Add(head...)
	for _, i := range shown {
		p := pts[i]
		mark := ""
		if p.Chosen {
			mark = "◆"
		}
		cells := []string{Money(p.Cost), mark, objectiveAmount(r, p.Objective)}
		if quantile {
			cells = append(cells, Money(p.Mean))
		}
		cells = append(cells, idList(p.Controls, "(implemented only)"))
		t.Add(cells...)
	}
	t.Write(w, "  ")
	if len(shown) < len(pts) {
		fmt.Fprintf(w, "  (%d of %d non-dominated portfolios shown; --format json lists them all)\n", len(shown), len(pts))
	}
	fmt.Fprintln(w)
	return FrontierChart(w, r)
}

// frontierRows picks at most maxFrontierRows points, evenly spread, with
// the first, the last and the chosen one.
func frontierRows(pts []plan.FrontierPoint) []int {
	if len(pts) <= maxFrontierRows {
		out := make([]int, len(pts))
		for i := range out {
			out[i] = i
		}
		return out
	}
	keep := map[int]bool{0: true, len(pts) - 1: true}
	for i, p := range pts {
		if p.Chosen {
			keep[i] = true
		}
	}
	for i := 0; len(keep) < maxFrontierRows; i++ {
		keep[int(math.Round(float64(i)*float64(len(pts)-1)/float64(maxFrontierRows-1)))] = true
	}
	var out []int
	for i := range pts {
		if keep[i] {
			out = append(out, i)
		}
	}
	return out
}

const frontierRowsHigh = 10 // chart height in characters

// FrontierChart draws the efficient frontier as a staircase with Unicode
// braille dots: annualised cost across, residual risk up (linear scales
// from 0); the best residual risk that each budget buys, ◆ the chosen
// portfolio.
func FrontierChart(w io.Writer, r *plan.Result) error {
	pts := r.Frontier
	if len(pts) == 0 {
		return nil
	}
	xmax, ymax := pts[len(pts)-1].Cost, 0.0
	for _, p := range pts {
		ymax = max(ymax, p.Objective)
	}
	if xmax <= 0 {
		xmax = 1
	}
	if ymax <= 0 {
		ymax = 1
	}
	rows, cols := frontierRowsHigh, chartCols
	pw, ph := cols*2, rows*4
	grid := make([][]rune, rows)
	for i := range grid {
		grid[i] = []rune(strings.Repeat(" ", cols))
	}
	set := func(px, py int) {
		if px < 0 || py < 0 || px >= pw || py >= ph {
			return
		}
		cell := &grid[py/4][px/2]
		if *cell == ' ' {
			*cell = 0x2800
		}
		if *cell >= 0x2800 && *cell <= 0x28ff {
			*cell |= brailleBit[py%4][px%2]
		}
	}
	xOf := func(c float64) int { return int(math.Round(c / xmax * float64(pw-1))) }
	yOf := func(v float64) int { return int(math.Round((1 - v/ymax) * float64(ph-1))) }
	// The staircase: from each point, flat to the next point's cost, then
	// down to its objective.
	for i, p := range pts {
		x0, y0 := xOf(p.Cost), yOf(p.Objective)
		x1 := pw - 1
		if i+1 < len(pts) {
			x1 = xOf(pts[i+1].Cost)
		}
		for x := x0; x <= x1; x++ {
			set(x, y0)
		}
		if i+1 < len(pts) {
			y1 := yOf(pts[i+1].Objective)
			for y := y0; y <= y1; y++ {
				set(x1, y)
			}
		}
	}
	for _, p := range pts {
		if p.Chosen {
			grid[yOf(p.Objective)/4][xOf(p.Cost)/2] = '◆'
		}
	}
	for i := range rows {
		label := ""
		switch i {
		case 0:
			label = Compact(ymax)
		case rows / 2:
			label = Compact(ymax * (1 - float64(rows/2)*4/float64(ph-1)))
		case rows - 1:
			label = "0"
		}
		if _, err := fmt.Fprintf(w, "  %8s ┤%s\n", label, string(grid[i])); err != nil {
			return err
		}
	}
	axis := []rune(strings.Repeat("─", cols))
	labels := []rune(strings.Repeat(" ", cols+8))
	for _, f := range []float64{0, 0.25, 0.5, 0.75, 1} {
		col := int(math.Round(f * float64(cols-1)))
		axis[col] = '┬'
		txt := []rune(Compact(f * xmax))
		start := min(max(col-len(txt)/2, 0), len(labels)-len(txt))
		copy(labels[start:], txt)
	}
	fmt.Fprintf(w, "  %8s └%s\n", "", string(axis))
	fmt.Fprintf(w, "  %8s  %s\n", "", strings.TrimRight(string(labels), " "))
	legend := fmt.Sprintf("residual %s against annualised cost (%s a year)", shortObjective(r.Objective), r.Currency)
	if h := harmObjective(r); h != nil {
		legend = fmt.Sprintf("residual %s (%s) against annualised cost (%s a year)", shortObjective(r.Objective), h.Unit, r.Currency)
	}
	if r.Objective == plan.ObjectiveMean {
		legend = fmt.Sprintf("residual mean %s against annualised cost (%s a year)", planPeriod(r).Loss(), r.Currency)
	}
	for _, p := range pts {
		if p.Chosen {
			legend += "; ◆ the plan"
			break
		}
	}
	_, err := fmt.Fprintf(w, "  %8s  %s\n", "", legend)
	return err
}

func idList(ids []string, none string) string {
	if len(ids) == 0 {
		return none
	}
	return strings.Join(ids, ", ")
}

func years(h float64) string {
	s := strconv.FormatFloat(h, 'f', -1, 64)
	if h == 1 {
		return s + " year"
	}
	return s + " years"
}

func signedPercent(before, after float64) string {
	if before == 0 {
		return "n/a"
	}
	if after > before {
		return "−" + Percent((after-before)/before)
	}
	return Percent((before - after) / before)
}

func rosiText(r *float64) string {
	if r == nil {
		return "n/a (free)"
	}
	return group(strconv.FormatFloat(math.Round(100**r), 'f', 0, 64)) + " %"
}

func state(p, limit float64) string {
	if p > limit {
		return "EXCEEDS"
	}
	return "within"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

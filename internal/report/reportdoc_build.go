package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/sim"
)

// layout lays the report out in language l.
func (r *Report) layout(l i18n.Lang) *document {
	w := newWords(l, r.Result.Currency)
	w.election = r.election()
	d := &document{lang: l, kicker: w.t("report.kicker"), title: r.Model.Name, intro: r.Model.Description,
		contents: w.t("report.contents"), footer: w.t("report.footer")}
	d.meta = append(d.meta, w.t("common.trials", w.p.Count(float64(r.Result.Trials), 0), r.Result.Seed, w.cur))
	d.meta = append(d.meta, w.t("common.controls", r.inForce(w)))
	if o := r.Origin; o.Run != 0 {
		s := w.t("report.origin.run", o.Run, o.Model, o.Revision)
		if !o.At.IsZero() {
			s = w.t("report.origin.at", s, w.p.Date(o.At))
		}
		d.meta = append(d.meta, s)
	} else if o.File != "" {
		d.meta = append(d.meta, w.t("report.origin.file", o.File))
	}
	if !r.Generated.IsZero() {
		d.meta = append(d.meta, w.t("report.date", w.p.Date(r.Generated)))
	}
	d.sections = []section{r.verdictSection(w)}
	if r.hasHarms() || r.hasWindows() {
		d.sections = append(d.sections, r.harmSection(w))
	}
	d.sections = append(d.sections,
		r.planSection(w),
		r.scenarioSection(w))
	if r.hasContests() {
		d.sections = append(d.sections, r.integritySection(w))
	}
	if r.Ebios != nil {
		// The EBIOS RM study, on the same periods, the plan its treatment.
		d.sections = append(d.sections, ebiosLayout(r.Ebios, l).sections...)
	}
	d.sections = append(d.sections,
		r.evidenceSection(w),
		r.assumptionSection(w),
		r.methodSection(w),
	)
	return d
}

// controlNames lists controls by name.
func (r *Report) controlNames(ids []string) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id
		if c := r.Model.ControlByID(id); c != nil {
			names[i] = c.Name
		}
	}
	return strings.Join(names, "; ")
}

// inForce lists the controls in force by id, out of the model's.
func (r *Report) inForce(w words) string {
	if len(r.Controls) == 0 {
		return w.t("common.none")
	}
	return w.t("report.list", strings.Join(r.Controls, ", "), len(r.Controls), len(r.Model.Controls))
}

// maxNamed is the most controls a sentence names; beyond, it counts them.
const maxNamed = 3

// planSentence says what the plan adds, in the verdict section, and which
// plan it is: its budget and objective, and its id when it is stored.
func (r *Report) planSentence(w words) string {
	p := r.Plan
	s := w.t("report.verdict.plan.count", len(p.Selected), len(p.Candidates), w.money(p.Cost))
	if len(p.Selected) <= maxNamed {
		s = w.t("report.verdict.plan", w.t("report.list.proposed", r.controlNames(p.Selected), len(p.Selected), len(p.Candidates)), w.money(p.Cost))
	}
	basis := w.t("report.verdict.plan.computed", w.money(p.Budget), r.objWords(w))
	if r.Basis == BasisStored {
		basis = w.t("report.verdict.plan.stored", r.Origin.Plan, w.money(p.Budget), r.objWords(w))
	}
	return s + " " + basis
}

func (r *Report) controlName(id string) string {
	if c := r.Model.ControlByID(id); c != nil && c.Name != id {
		return c.Name + " (" + id + ")"
	}
	return id
}

func (r *Report) scenarioName(id string) string {
	if s := r.Model.ScenarioByID(id); s != nil {
		return s.Name
	}
	return id
}

// changed says whether the plan adds controls.
// planCost is what the plan costs against the loss it avoids: its
// annualised cost, or its cost per election for a model with a calendar.
func planCost(p *plan.Result) float64 {
	if p.CycleYears != 0 {
		return p.CostPerElection
	}
	return p.Cost
}

func (r *Report) changed() bool { return len(r.Plan.Selected) > 0 }

// beforeLabel names the figures before the plan: "before the plan", or,
// when the plan adds nothing, "with the controls in force".
func (r *Report) beforeLabel(w words) string {
	if r.changed() {
		return w.t("report.col.before")
	}
	return w.t("report.col.current")
}

// keyPoint is the tolerance point that tells most: where the plan leaves
// the risk furthest above its limit if it does, else where the risk
// before the plan is (or comes) closest to it. It also counts the points
// exceeded before and after.
func keyPoint(v *plan.ScopeVerdict) (key *plan.ToleranceCheck, before, after int) {
	for _, pt := range v.Points {
		if pt.Before > pt.Limit {
			before++
		}
		if pt.After > pt.Limit {
			after++
		}
	}
	return PlanKeyPoint(v), before, after
}

// verdict is the answer, the sentence and the state of the opening box.
func (r *Report) verdict(w words) (state, answer, sentence string) {
	sig := &r.Plan.Significance
	v := &sig.Portfolio
	if !sig.Tolerance || len(v.Points) == 0 {
		if r.changed() {
			return "none", w.t("report.answer.none"), w.t("report.verdict.none", w.money(v.Before.Mean), w.money(v.After.Mean))
		}
		return "none", w.t("report.answer.none"), w.t("report.verdict.none.same", w.money(v.Before.Mean))
	}
	k, nb, na := keyPoint(v)
	loss, before, after, limit := w.money(k.Loss), w.pct(k.Before), w.pct(k.After), w.pct(k.Limit)
	n := len(v.Points)
	if !r.changed() {
		if v.SignificantBefore {
			return "significant", w.t("report.answer.yes"), w.t("report.verdict.same.significant", loss, before, limit, nb, n)
		}
		return "within", w.t("report.answer.no"), w.t("report.verdict.same.within", loss, before, limit)
	}
	switch {
	case v.SignificantBefore && v.SignificantAfter:
		return "significant", w.t("report.answer.both"), w.t("report.verdict.both", loss, before, after, limit, nb, n, na)
	case v.SignificantBefore:
		return "reduced", w.t("report.answer.reduced"), w.t("report.verdict.reduced", loss, before, after, limit, nb, n)
	case v.SignificantAfter:
		return "significant", w.t("report.answer.worse"), w.t("report.verdict.worse", loss, before, after, limit, na, n)
	}
	return "within", w.t("report.answer.no"), w.t("report.verdict.within", loss, before, after, limit)
}

// arrow writes "before → after", or one figure when the plan changes
// nothing.
func (r *Report) arrow(before, after string) string {
	if !r.changed() {
		return before
	}
	return before + " → " + after
}

// moneyArrow writes "before → after CUR", or one amount when the plan
// changes nothing.
func (r *Report) moneyArrow(w words, before, after float64) string {
	if !r.changed() {
		return w.money(before)
	}
	return w.amount(before) + " → " + w.money(after)
}

func (r *Report) verdictSection(w words) section {
	s := section{id: "verdict", title: w.t("report.verdict.title")}
	state, answer, sentence := r.verdict(w)
	_, _, harms := r.overallSignificance()
	var money string
	if harms {
		// The answer covers every tolerance; the money's own verdict
		// follows the box.
		money = sentence
		state, answer, sentence = r.harmVerdictBox(w)
	}
	box := verdictBox{state: state, answer: answer, sentence: sentence}
	v := r.Plan.Significance.Portfolio
	detail := ""
	if r.changed() {
		detail = w.t("report.tile.beforeafter")
	}
	box.tiles = append(box.tiles, tile{w.t("report.tile.mean"), r.moneyArrow(w, v.Before.Mean, v.After.Mean), detail})
	if k, _, _ := keyPoint(&v); k != nil && r.Plan.Significance.Tolerance {
		box.tiles = append(box.tiles, tile{w.t("report.tile.prob", w.money(k.Loss)), r.arrow(w.pct(k.Before), w.pct(k.After)),
			w.t("report.tile.limit", w.pct(k.Limit))})
	}
	box.tiles = append(box.tiles, tile{w.t("report.tile.p99"), r.moneyArrow(w, v.Before.P99, v.After.P99), detail})
	if harms {
		box.tiles = append(box.tiles, r.harmTiles(w)...)
	}
	if r.changed() {
		box.tiles = append(box.tiles, tile{w.t("report.tile.cost"), w.money(r.Plan.Cost), w.t("report.tile.peryear")})
		if r.Plan.ROSI != nil {
			box.tiles = append(box.tiles, tile{w.t("report.tile.rosi"), w.pctWhole(*r.Plan.ROSI), w.t("report.tile.rosidef")})
		}
	}
	s.blocks = append(s.blocks, box)
	if harms {
		s.blocks = append(s.blocks, para{lead: w.t("report.harm.money.lead"), text: money})
	}
	if r.changed() {
		s.blocks = append(s.blocks, para{text: r.planSentence(w)})
	}
	s.blocks = append(s.blocks, r.exceedanceFigure(w))
	if r.Plan.Significance.Tolerance {
		s.blocks = append(s.blocks, r.toleranceTable(w))
	}
	return s
}

// exceedanceFigure is the loss exceedance curve before and with the plan,
// with the tolerance curve.
func (r *Report) exceedanceFigure(w words) figure {
	f := figure{id: "fig-exceedance", caption: w.t("report.lec.caption")}
	f.svg = exceedanceSVG(w, r)
	t := docTable{caption: w.t("report.lec.table", w.cur), align: "lr",
		head: []string{w.t("report.col.worse"), r.beforeLabel(w)}}
	if r.changed() {
		t.align += "r"
		t.head = append(t.head, w.t("report.col.after"))
	}
	// The runs' quantiles, which the plan's figures are (one definition
	// everywhere: the sketch's).
	qb, qa := r.Result.Portfolio.Quantiles, r.Residual.Portfolio.Quantiles
	for _, q := range []struct {
		p      float64
		b, a   float64
		period float64
	}{{0.5, qb.P50, qa.P50, 2}, {0.25, qb.P75, qa.P75, 4}, {0.1, qb.P90, qa.P90, 10},
		{0.05, qb.P95, qa.P95, 20}, {0.01, qb.P99, qa.P99, 100}, {0.001, qb.P999, qa.P999, 1000}} {
		if q.p*float64(r.Result.Trials) < 1 {
			continue
		}
		row := []string{w.t("report.lec.row", w.pct(q.p), w.p.Number(q.period, 0)), w.amount(q.b)}
		if r.changed() {
			row = append(row, w.amount(q.a))
		}
		t.rows = append(t.rows, row)
	}
	f.tables = append(f.tables, t)
	return f
}

// toleranceTable gives P(annual loss > loss) at each tolerance point,
// before and with the plan, against its limit.
func (r *Report) toleranceTable(w words) docTable {
	t := docTable{caption: w.t("report.tol.table", w.cur), align: "rrr",
		head: []string{w.t("report.col.lossabove"), w.t("report.col.acceptable"), r.beforeLabel(w)}}
	if r.changed() {
		t.align += "r"
		t.head = append(t.head, w.t("report.col.after"))
	}
	state := func(p, limit float64) string {
		if p > limit {
			return w.t("report.state.exceeds", w.pct(p))
		}
		return w.t("report.state.within", w.pct(p))
	}
	for _, pt := range r.Plan.Significance.Portfolio.Points {
		row := []string{w.amount(pt.Loss), w.pct(pt.Limit), state(pt.Before, pt.Limit)}
		if r.changed() {
			row = append(row, state(pt.After, pt.Limit))
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// objectiveWords names the plan's objective in a sentence; objectiveShortWords
// in a column header. A harm objective (harm:ID:STAT) is named by its
// dimension and unit (r.harmObjective).
func objectiveWords(w words, o string) string {
	switch o {
	case plan.ObjectiveP90, plan.ObjectiveP95, plan.ObjectiveP99:
		return w.t("report.obj." + o)
	}
	return w.t("report.obj.mean")
}

func objectiveShortWords(w words, o string) string {
	switch o {
	case plan.ObjectiveP90, plan.ObjectiveP95, plan.ObjectiveP99:
		return w.t("report.objshort." + o)
	}
	return w.t("report.objshort.mean")
}

// harmObjective is the dimension a harm objective minimises and its
// statistic; nil for an objective of the money.
func (r *Report) harmObjective() (*model.Harm, string) {
	o, err := plan.ParseObjective(r.Plan.Objective)
	if err != nil || o.Harm == "" {
		return nil, ""
	}
	if h := r.Model.HarmByID(o.Harm); h != nil {
		return h, o.Stat
	}
	return &model.Harm{ID: o.Harm, Name: o.Harm, Unit: r.Plan.ObjectiveUnit}, o.Stat
}

// objWords is the plan's objective in a sentence, a harm's included.
func (r *Report) objWords(w words) string {
	if h, stat := r.harmObjective(); h != nil {
		return w.t("report.obj.harm."+stat, Lower(h.Name), h.Unit)
	}
	return objectiveWords(w, r.Plan.Objective)
}

// objShortWords is the plan's objective in a column header.
func (r *Report) objShortWords(w words) string {
	if h, stat := r.harmObjective(); h != nil {
		return w.t("report.objshort.harm."+stat, Lower(h.Name))
	}
	return objectiveShortWords(w, r.Plan.Objective)
}

// objUnit is the unit of the objective's figures: the currency or the
// harm's unit.
func (r *Report) objUnit(w words) string {
	if h, _ := r.harmObjective(); h != nil {
		return h.Unit
	}
	return w.cur
}

// objAmount writes a figure of the objective with its unit.
func (r *Report) objAmount(w words, x float64) string {
	if h, _ := r.harmObjective(); h != nil {
		return w.amount(x) + "\u00a0" + h.Unit
	}
	return w.money(x)
}

func (r *Report) planSection(w words) section {
	s := section{id: "plan", title: w.t("report.plan.title"), newPage: true}
	p := r.Plan
	if len(p.Candidates) == 0 {
		s.blocks = append(s.blocks, para{text: w.t("report.plan.nocandidates")})
		s.blocks = append(s.blocks, r.planHarmBlocks(w)...)
		return s
	}
	switch r.Basis {
	case BasisStored:
		s.blocks = append(s.blocks, para{text: w.t("report.plan.basis.stored", r.Origin.Plan, r.objWords(w), w.money(p.Budget))})
	case BasisBudget:
		s.blocks = append(s.blocks, para{text: w.t("report.plan.basis.budget", r.objWords(w), w.money(p.Budget))})
	default:
		s.blocks = append(s.blocks, para{text: w.t("report.plan.basis.net", w.money(p.Reduction-planCost(p)), w.money(p.Budget), r.objWords(w))})
	}
	horizon := w.t("report.plan.horizon", w.sigCount(p.Horizon))
	if p.Horizon == 1 {
		horizon = w.t("report.plan.horizon1")
	}
	if r.changed() {
		s.blocks = append(s.blocks, para{lead: w.t("report.plan.lead"),
			text: w.t("report.plan.selected", len(p.Selected), len(p.Candidates), w.money(p.Cost))})
		var items []string
		for _, c := range p.Controls {
			if c.Selected {
				items = append(items, w.t("report.plan.item", r.controlName(c.ID), w.money(c.Cost)))
			}
		}
		s.blocks = append(s.blocks, bullets{items: items}, para{class: "note", text: horizon})
		if p.CycleYears != 0 {
			s.blocks = append(s.blocks, para{class: "note", text: w.t("report.plan.cycle", w.sigCount(p.CycleYears), w.money(p.CostPerElection))})
		}
	} else {
		key := "report.plan.nothing.net"
		if r.hasBudget() {
			key = "report.plan.nothing.budget"
		}
		s.blocks = append(s.blocks, para{lead: w.t("report.plan.lead"), text: w.t(key)})
	}
	if r.changed() {
		t := docTable{caption: w.t("report.plan.risk", w.cur), align: "lrrr",
			head: []string{w.t("report.col.measure"), w.t("report.col.before"), w.t("report.col.after"), w.t("report.col.reduction")}}
		row := func(key string, before, after float64, objective bool) {
			name := w.t(key)
			if objective {
				name = w.t("report.objective.mark", name)
			}
			t.rows = append(t.rows, []string{name, w.amount(before), w.amount(after),
				w.t("report.reduction", w.amount(before-after), reductionPct(w, before, after))})
			t.mark = append(t.mark, objective)
		}
		row("report.row.mean", p.Baseline.Mean, p.Residual.Mean, p.Objective == plan.ObjectiveMean || p.Objective == "")
		row("report.row.p90", p.Baseline.P90, p.Residual.P90, p.Objective == plan.ObjectiveP90)
		row("report.row.p95", p.Baseline.P95, p.Residual.P95, p.Objective == plan.ObjectiveP95)
		row("report.row.p99", p.Baseline.P99, p.Residual.P99, p.Objective == plan.ObjectiveP99)
		s.blocks = append(s.blocks, t)
		if p.ROSI != nil {
			s.blocks = append(s.blocks, para{text: w.t("report.plan.rosi", w.pctWhole(*p.ROSI), "1\u00a0"+w.cur, w.money(p.Reduction/planCost(p)))})
		}
	}
	s.blocks = append(s.blocks, r.planHarmBlocks(w)...)
	s.blocks = append(s.blocks, r.controlTable(w))
	if len(p.Frontier) >= 2 {
		s.blocks = append(s.blocks, r.frontierFigure(w))
	}
	how := w.t("report.plan.heuristic")
	if p.Exact {
		how = w.t("report.plan.exact", w.p.Count(float64(p.Nodes), 0))
	}
	front := w.t("report.frontier.ladder")
	if p.FrontierExact {
		front = w.t("report.frontier.exact")
	}
	s.blocks = append(s.blocks, para{class: "note", text: how + " " + front})
	return s
}

func reductionPct(w words, before, after float64) string {
	if before == 0 {
		return "—"
	}
	return w.pct((before - after) / before)
}

func (r *Report) controlTable(w words) docTable {
	t := docTable{caption: w.t("report.controls.caption", w.cur), align: "llrrrrr",
		head: []string{w.t("report.col.control"), w.t("report.col.inplan"), w.t("report.col.once"), w.t("report.col.yearly"),
			w.t("report.col.annualised"), w.t("report.col.avoided"), w.t("report.col.rosi")},
		note: w.t("report.controls.note")}
	for _, c := range r.Plan.Controls {
		in := w.t("report.no")
		if c.Selected {
			in = w.t("report.yes")
		}
		rosi := w.t("report.rosi.free")
		if c.ROSI != nil {
			rosi = w.pctWhole(*c.ROSI)
		}
		t.rows = append(t.rows, []string{r.controlName(c.ID), in, w.amount(c.Once), w.amount(c.Yearly), w.amount(c.Cost),
			w.amount(c.Reduction), rosi})
		t.mark = append(t.mark, c.Selected)
	}
	return t
}

func (r *Report) frontierFigure(w words) figure {
	p := r.Plan
	obj := r.objShortWords(w)
	f := figure{id: "fig-frontier", caption: w.t("report.frontier.caption", obj)}
	f.svg = frontierSVG(w, r)
	quantile := p.Objective != plan.ObjectiveMean && p.Objective != ""
	if h, _ := r.harmObjective(); h != nil {
		obj += " (" + h.Unit + ")"
	}
	t := docTable{caption: w.t("report.frontier.table", w.cur), align: "rr",
		head: []string{w.t("report.col.annualised"), w.t("report.col.residual", obj)}}
	if quantile {
		t.align += "r"
		t.head = append(t.head, w.t("report.col.mean"))
	}
	t.align += "l"
	t.head = append(t.head, w.t("report.col.controls"))
	shown := frontierRows(p.Frontier)
	for _, i := range shown {
		fp := p.Frontier[i]
		row := []string{w.amount(fp.Cost), w.amount(fp.Objective)}
		if quantile {
			row = append(row, w.amount(fp.Mean))
		}
		ctl := strings.Join(fp.Controls, ", ")
		if len(fp.Controls) == 0 {
			ctl = w.t("report.frontier.none")
		}
		if fp.Chosen {
			ctl = w.t("report.frontier.chosen", ctl)
		}
		row = append(row, ctl)
		t.rows = append(t.rows, row)
		t.mark = append(t.mark, fp.Chosen)
	}
	if len(shown) < len(p.Frontier) {
		t.note = w.t("report.frontier.shown", len(shown), len(p.Frontier))
	}
	f.tables = append(f.tables, t)
	return f
}

// scenarioMeans pairs each scenario's result before and with the plan,
// the largest mean annual loss first (model order among equals).
func (r *Report) scenarioMeans() (ids []string, before, after []sim.ScenarioResult) {
	order := make([]int, len(r.Result.Scenarios))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(r.Result.Scenarios[b].Mean, r.Result.Scenarios[a].Mean)
	})
	for _, i := range order {
		s := r.Result.Scenarios[i]
		ids = append(ids, s.ID)
		before = append(before, s)
		a := s
		if i < len(r.Residual.Scenarios) {
			a = r.Residual.Scenarios[i]
		}
		after = append(after, a)
	}
	return ids, before, after
}

func effectName(w words, e string) string {
	switch e {
	case model.EffectConfidentiality, model.EffectIntegrity, model.EffectAvailability:
		return w.t("report.effect." + e)
	}
	return e
}

package report

import (
	"strings"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/sim"
)

// Harm beyond money in the report (issue 13): the overall verdict, which
// covers every tolerance (money and each harm dimension); a section with
// a subsection per harm dimension, in plain words, with its figures and
// tolerance before and with the plan; the calendar's windows and the
// timing multipliers of the model; and, in the plan section, whether the
// plan brings every dimension within tolerance. A model without harm
// dimensions and without a calendar gets none of it, and its report is
// byte for byte what it was.

// hasHarms says whether the report has harm dimensions to show.
func (r *Report) hasHarms() bool { return len(HarmDims(r.Model, r.Result)) > 0 }

// hasWindows says whether the model has calendar windows.
func (r *Report) hasWindows() bool {
	return r.Model.Calendar != nil && len(r.Model.Calendar.Windows) > 0
}

// election says that one simulated trial is one election: the model has a
// calendar.
func (r *Report) election() bool { return r.Model.Calendar != nil }

// per is the suffix of the keys that differ by period: ".election" or
// ".year".
func (r *Report) per() string {
	if r.election() {
		return ".election"
	}
	return ".year"
}

// harmResults are a dimension's figures before and with the plan (the
// same when the plan adds nothing).
func (r *Report) harmResults(id string) (before, after sim.HarmResult) {
	before = r.Result.Portfolio.Harms[id]
	after = before
	if r.Residual != nil {
		if a, ok := r.Residual.Portfolio.Harms[id]; ok {
			after = a
		}
	}
	return before, after
}

// harmVerdict is the plan's verdict of dimension id, or nil.
func (r *Report) harmVerdict(id string) *plan.HarmVerdict {
	for i := range r.Plan.Significance.Harms {
		if r.Plan.Significance.Harms[i].ID == id {
			return &r.Plan.Significance.Harms[i]
		}
	}
	return nil
}

// overallSignificance is whether any tolerance (money or harm) is
// breached before and with the plan; ok is false when the model has no
// harm dimensions (the money verdict then says it all).
func (r *Report) overallSignificance() (before, after, ok bool) {
	sig := &r.Plan.Significance
	if sig.SignificantBefore == nil || sig.SignificantAfter == nil {
		return false, false, false
	}
	return *sig.SignificantBefore, *sig.SignificantAfter, true
}

// breachedNames lists the tolerances breached before (after false) or with
// the plan: "money" first, then the harm dimensions in model order.
func (r *Report) breachedNames(w words, after bool) []string {
	var names []string
	v := &r.Plan.Significance.Portfolio
	if r.Plan.Significance.Tolerance && ((!after && v.SignificantBefore) || (after && v.SignificantAfter)) {
		names = append(names, w.t("report.harm.money"))
	}
	for _, hv := range r.Plan.Significance.Harms {
		if hv.Tolerance && ((!after && hv.BreachedBefore) || (after && hv.BreachedAfter)) {
			names = append(names, Lower(hv.Name))
		}
	}
	return names
}

// joinWords joins names with commas and "and".
func joinWords(w words, names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + w.t("report.harm.and") + names[len(names)-1]
}

// harmVerdictBox is the opening box of a model with harm dimensions: the
// answer and the sentence say whether any tolerance, of the money or of a
// harm, is breached, and name them.
func (r *Report) harmVerdictBox(w words) (state, answer, sentence string) {
	sb, sa, _ := r.overallSignificance()
	before, after := joinWords(w, r.breachedNames(w, false)), joinWords(w, r.breachedNames(w, true))
	if !r.changed() {
		if sb {
			return "significant", w.t("report.answer.yes"), w.t("report.harm.verdict.same.significant", before)
		}
		return "within", w.t("report.answer.no"), w.t("report.harm.verdict.same.within")
	}
	switch {
	case sb && sa:
		return "significant", w.t("report.answer.both"), w.t("report.harm.verdict.both", before, after)
	case sb:
		return "reduced", w.t("report.answer.reduced"), w.t("report.harm.verdict.reduced", before)
	case sa:
		return "significant", w.t("report.answer.worse"), w.t("report.harm.verdict.worse", after)
	}
	return "within", w.t("report.answer.no"), w.t("report.harm.verdict.within")
}

// pointProb is P(harm > pt.Above): for above 0, the dimension's P(any)
// as the run's JSON gives it (p_any), which is the same count as the
// tolerance point's but may differ from it in the last bit of its
// division, and so in the last digit shown.
func pointProb(r sim.HarmResult, pt sim.HarmTolerancePoint) float64 {
	if pt.Above == 0 {
		return r.PAny
	}
	return pt.Probability
}

// harmKeyIndex is the index of the tolerance point of a harm that tells
// most (HarmKeyPoint's), or -1.
func harmKeyIndex(t *sim.HarmTolerance) int {
	key, _ := HarmKeyPoint(t)
	if key == nil {
		return -1
	}
	for i := range t.Points {
		if &t.Points[i] == key {
			return i
		}
	}
	return -1
}

// probLabel names P(harm > above): "P(any votes altered)" for above 0.
func probLabel(w words, h model.Harm, above float64) string {
	if above == 0 {
		return w.t("report.harm.p.any", Lower(h.Name))
	}
	return w.t("report.harm.p.above", Lower(h.Name), w.sig(above), h.Unit)
}

// harmTiles are the opening box's tiles of the harm dimensions that have a
// tolerance: the probability at the point that tells most, before and
// with the plan, against its limit.
func (r *Report) harmTiles(w words) []tile {
	var out []tile
	for _, h := range HarmDims(r.Model, r.Result) {
		b, a := r.harmResults(h.ID)
		i := harmKeyIndex(b.Tolerance)
		if i < 0 {
			continue
		}
		pb := b.Tolerance.Points[i]
		pa := pb
		if a.Tolerance != nil && i < len(a.Tolerance.Points) {
			pa = a.Tolerance.Points[i]
		}
		out = append(out, tile{probLabel(w, h, pb.Above), r.arrow(w.pct(pointProb(b, pb)), w.pct(pointProb(a, pa))),
			w.t("report.tile.limit", w.pct(pb.Limit))})
	}
	return out
}

// oneIn says a probability as "1 election in 1,000" (or year).
func (r *Report) oneIn(w words, p float64) string {
	return w.t("report.harm.onein"+r.per(), w.sig(1/p))
}

// harmSection has a subsection per harm dimension, then the calendar.
func (r *Report) harmSection(w words) section {
	s := section{id: "harms", title: w.t("report.harm.title"), newPage: true}
	dims := HarmDims(r.Model, r.Result)
	if len(dims) == 0 {
		// Only the calendar: the section is named after it.
		s.title = w.t("report.cal.heading")
	}
	if len(dims) > 0 {
		s.blocks = append(s.blocks, para{text: w.t("report.harm.intro" + r.per())})
	}
	for _, h := range dims {
		s.blocks = append(s.blocks, r.harmBlocks(w, h)...)
	}
	if r.hasWindows() {
		s.blocks = append(s.blocks, r.calendarBlocks(w)...)
	}
	return s
}

// harmBlocks is a dimension's subsection: plain words, the chance of any
// harm against its tolerance, the figures and the tolerance table.
func (r *Report) harmBlocks(w words, h model.Harm) []block {
	b, a := r.harmResults(h.ID)
	out := []block{subheading{level: 3, id: slug("harm-", h.ID), text: w.t("report.harm.heading", h.Name, h.Unit)}}
	if h.Description != "" {
		out = append(out, para{class: "note", text: h.Description})
	}
	q := b.Quantiles
	out = append(out, para{text: w.t("report.harm.plain"+r.per(), w.sig(q.P99), h.Unit, w.sig(q.P90), h.Unit, w.sig(b.Mean), h.Unit)})
	// The chance of any harm, against the tolerance's "any" point when
	// there is one: "the chance of votes altered in an election is X
	// (tolerance 1 election in 1,000)".
	chance := w.t("report.harm.chance"+r.per(), Lower(h.Name), w.pct(b.PAny))
	if b.Tolerance != nil {
		for _, pt := range b.Tolerance.Points {
			if pt.Above == 0 && pt.Limit > 0 {
				chance = w.t("report.harm.chance.tol"+r.per(), Lower(h.Name), w.pct(b.PAny), r.oneIn(w, pt.Limit), w.pct(pt.Limit))
				break
			}
		}
	}
	if r.changed() {
		chance += " " + w.t("report.harm.chance.after", w.pct(a.PAny))
	}
	out = append(out, para{text: chance})

	t := docTable{caption: w.t("report.harm.figures"+r.per(), h.Name, h.Unit), align: "lr",
		head: []string{w.t("report.harm.col.measure"), r.beforeLabel(w)}}
	if r.changed() {
		t.align += "r"
		t.head = append(t.head, w.t("report.col.after"))
	}
	row := func(key string, vb, va string) {
		cells := []string{w.t(key), vb}
		if r.changed() {
			cells = append(cells, va)
		}
		t.rows = append(t.rows, cells)
	}
	row("report.harm.row.mean", w.sig(b.Mean), w.sig(a.Mean))
	row("report.harm.row.p90"+r.per(), w.sig(b.Quantiles.P90), w.sig(a.Quantiles.P90))
	row("report.harm.row.p99"+r.per(), w.sig(b.Quantiles.P99), w.sig(a.Quantiles.P99))
	row("report.harm.row.pany", w.pct(b.PAny), w.pct(a.PAny))
	out = append(out, t)

	if b.Tolerance == nil || len(b.Tolerance.Points) == 0 {
		return append(out, para{text: w.t("report.harm.tol.none")})
	}
	tt := docTable{caption: w.t("report.harm.tol.table"+r.per(), h.Name, h.Unit), align: "rrr",
		head: []string{w.t("report.harm.col.above", h.Unit), w.t("report.col.acceptable"), r.beforeLabel(w)}}
	if r.changed() {
		tt.align += "r"
		tt.head = append(tt.head, w.t("report.col.after"))
	}
	state := func(p, limit float64) string {
		if p > limit {
			return w.t("report.state.exceeds", w.pct(p))
		}
		return w.t("report.state.within", w.pct(p))
	}
	for i, pt := range b.Tolerance.Points {
		cells := []string{w.sig(pt.Above), w.pct(pt.Limit), state(pointProb(b, pt), pt.Limit)}
		if r.changed() {
			pa := pt
			if a.Tolerance != nil && i < len(a.Tolerance.Points) {
				pa = a.Tolerance.Points[i]
			}
			cells = append(cells, state(pointProb(a, pa), pa.Limit))
		}
		tt.rows = append(tt.rows, cells)
	}
	out = append(out, tt)
	out = append(out, para{text: r.harmVerdictSentence(w, h, b, a)})
	return out
}

// harmVerdictSentence says whether the dimension is within its tolerance,
// at the point that tells most, and with the plan.
func (r *Report) harmVerdictSentence(w words, h model.Harm, b, a sim.HarmResult) string {
	key, exceeded := HarmKeyPoint(b.Tolerance)
	label := probLabel(w, h, key.Above)
	n := len(b.Tolerance.Points)
	p := pointProb(b, *key)
	var s string
	if exceeded == 0 {
		s = w.t("report.harm.dim.within", label, w.pct(p), w.pct(key.Limit), n)
	} else {
		s = w.t("report.harm.dim.exceeds", label, w.pct(p), w.pct(key.Limit), exceeded, n)
	}
	if r.changed() && a.Tolerance != nil {
		if a.Tolerance.Breached {
			s += " " + w.t("report.harm.dim.after.exceeds")
		} else {
			s += " " + w.t("report.harm.dim.after.within")
		}
	}
	return s
}

// calendarBlocks describe the calendar, how often the timed scenarios'
// events fall in each window, and the model's timing multipliers in plain
// words ("a leak in the silence period is 3 times as harmful to public
// trust"), read from the model.
func (r *Report) calendarBlocks(w words) []block {
	c := r.Model.Calendar
	var out []block
	if r.hasHarms() {
		out = append(out, subheading{level: 3, id: "harms-calendar", text: w.t("report.cal.heading")})
	}
	out = append(out, para{text: w.t("report.cal.intro", w.sigCount(c.Season()), w.sigCount(c.Cycle()))})
	wt := docTable{caption: w.t("report.cal.windows"), align: "lrr",
		head: []string{w.t("report.cal.col.window"), w.t("report.cal.col.start"), w.t("report.cal.col.days")}}
	for _, win := range c.Windows {
		wt.rows = append(wt.rows, []string{win.Name, w.sig(win.StartDay), w.sig(win.Days)})
	}
	out = append(out, wt)

	et := docTable{caption: w.t("report.cal.events"), align: "llrr",
		head: []string{w.t("report.col.scenario"), w.t("report.cal.col.window"), w.t("report.cal.col.events"), w.t("report.cal.col.pany")}}
	for _, s := range r.Result.Scenarios {
		for _, win := range c.Windows {
			if wr, ok := s.Windows[win.ID]; ok {
				et.rows = append(et.rows, []string{r.scenarioName(s.ID), win.Name, w.sig(wr.EventsPerYear), w.pct(wr.PAny)})
			}
		}
	}
	if len(et.rows) > 0 {
		out = append(out, et)
	} else {
		out = append(out, para{text: w.t("report.cal.untimed")})
	}

	var items []string
	for _, sc := range r.Model.Scenarios {
		for _, win := range c.Windows {
			tm, ok := sc.Timing[win.ID]
			if !ok {
				continue
			}
			if tm.Magnitude != nil {
				items = append(items, w.t("report.cal.mult.loss", sc.Name, Lower(win.Name), w.sigCount(*tm.Magnitude)))
			}
			for _, h := range r.Model.Harms {
				if m, ok := tm.Harm[h.ID]; ok {
					items = append(items, w.t("report.cal.mult.harm", sc.Name, Lower(win.Name), w.sigCount(m), Lower(h.Name)))
				}
			}
		}
	}
	if len(items) > 0 {
		out = append(out, para{text: w.t("report.cal.mult.intro")}, bullets{items: items})
	}
	return out
}

// planHarmBlocks say, in the plan section, whether the plan brings every
// harm dimension within tolerance, with a row per dimension.
func (r *Report) planHarmBlocks(w words) []block {
	hs := r.Plan.Significance.Harms
	if len(hs) == 0 {
		return nil
	}
	t := docTable{caption: w.t("report.harm.plan.table"), align: "lrr",
		head: []string{w.t("report.harm.col.dimension"), w.t("report.harm.col.point"), r.beforeLabel(w)}}
	if r.changed() {
		t.align += "r"
		t.head = append(t.head, w.t("report.col.after"))
	}
	var still, none []string
	for _, hv := range hs {
		h := model.Harm{ID: hv.ID, Name: hv.Name, Unit: hv.Unit}
		if !hv.Tolerance || len(hv.Points) == 0 {
			none = append(none, Lower(hv.Name))
			continue
		}
		if hv.BreachedAfter {
			still = append(still, Lower(hv.Name))
		}
		k := harmPlanKey(&hv)
		kb, ka := k.Before, k.After
		if k.Above == 0 {
			// P(any), as in the figures (pointProb).
			kb, ka = hv.Before.PAny, hv.After.PAny
		}
		state := func(p float64, breached bool) string {
			if breached {
				return w.t("report.state.exceeds", w.pct(p))
			}
			return w.t("report.state.within", w.pct(p))
		}
		cells := []string{hv.Name, w.t("report.harm.point", probLabel(w, h, k.Above), w.pct(k.Limit)), state(kb, hv.BreachedBefore)}
		if r.changed() {
			cells = append(cells, state(ka, hv.BreachedAfter))
		}
		t.rows = append(t.rows, cells)
		t.mark = append(t.mark, hv.BreachedAfter)
	}
	var s string
	switch {
	case len(t.rows) == 0:
		s = w.t("report.harm.plan.notol")
	case len(still) == 0:
		s = w.t("report.harm.plan.all")
	default:
		s = w.t("report.harm.plan.notall", joinWords(w, still))
	}
	if len(none) > 0 && len(t.rows) > 0 {
		s += " " + w.t("report.harm.plan.untolerated", joinWords(w, none))
	}
	out := []block{subheading{level: 3, id: "plan-harms", text: w.t("report.harm.plan.heading")}, para{text: s}}
	if len(t.rows) > 0 {
		out = append(out, t)
	}
	return out
}

package report

import (
	"math"
	"slices"
	"strings"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
)

func (r *Report) scenarioSection(w words) section {
	s := section{id: "scenarios", title: w.t("report.scen.title"), newPage: true}
	intro := w.t("report.scen.intro")
	if !r.changed() {
		intro = w.t("report.scen.intro.same")
	}
	s.blocks = append(s.blocks, para{text: intro})
	f := figure{id: "fig-scenarios", caption: w.t("report.scen.chart")}
	f.svg = scenarioSVG(w, r)
	t := docTable{caption: w.t("report.scen.table", w.cur), align: "lr", head: []string{w.t("report.col.scenario"), w.t("report.col.mean")}}
	if r.changed() {
		t.align += "r"
		t.head = append(t.head, w.t("report.col.meanafter"))
	}
	t.align += "rrrr"
	t.head = append(t.head, w.t("report.col.p90"), w.t("report.col.p99"), w.t("report.col.noloss"), w.t("report.col.events"))
	ids, before, after := r.scenarioMeans()
	exact := map[string]plan.Risk{}
	for _, sv := range r.Plan.Significance.Scenarios {
		exact[sv.ID] = sv.Before
	}
	var events float64
	for i, id := range ids {
		b := before[i]
		row := []string{r.scenarioName(id), w.amount(b.Mean)}
		if r.changed() {
			row = append(row, w.amount(after[i].Mean))
		}
		p90, p99 := b.Quantiles.P90, b.Quantiles.P99
		if e, ok := exact[id]; ok {
			p90, p99 = e.P90, e.P99
		}
		row = append(row, w.amount(p90), w.amount(p99), w.pct(b.PNoLoss), w.sig(b.LossEventsPerYear))
		t.rows = append(t.rows, row)
		t.mark = append(t.mark, false)
		events += b.LossEventsPerYear
	}
	pb := r.Result.Portfolio
	row := []string{w.t("report.scen.total"), w.amount(pb.Mean)}
	if r.changed() {
		row = append(row, w.amount(r.Residual.Portfolio.Mean))
	}
	row = append(row, w.amount(r.Plan.Baseline.P90), w.amount(r.Plan.Baseline.P99), w.pct(pb.PNoLoss), w.sig(events))
	t.rows = append(t.rows, row)
	t.mark = append(t.mark, true)
	f.tables = append(f.tables, t)
	s.blocks = append(s.blocks, f)
	return s
}

func paramName(w words, p string) string {
	if p == model.ParamVulnerability {
		return w.t("report.param.vulnerability")
	}
	return w.t("report.param.frequency")
}

func (w words) belief(param string, b evidence.Belief) string {
	q := qFrequency
	f := w.sig
	if param == model.ParamVulnerability {
		q, f = qProbability, w.sigPct
	}
	return w.t("report.ev.belief", w.unit(q, f(b.Mean)), f(b.P5), f(b.P95))
}

func (r *Report) evidenceSection(w words) section {
	s := section{id: "evidence", title: w.t("report.ev.title")}
	if len(r.Updates) == 0 {
		s.blocks = append(s.blocks, para{text: w.t("report.ev.none")})
		return s
	}
	s.blocks = append(s.blocks, para{text: w.t("report.ev.intro")})
	t := docTable{caption: w.t("report.ev.table", w.sigPct(0.9)), align: "llrrl",
		head: []string{w.t("report.col.scenario"), w.t("report.col.parameter"), w.t("report.col.prior"),
			w.t("report.col.posterior"), w.t("report.col.evidence")}}
	for _, u := range r.Updates {
		var ev []string
		for _, o := range u.Evidence {
			var e string
			switch {
			case o.Events != nil && o.Exposure != nil:
				e = w.t("report.ev.events", o.ID, w.sigCount(*o.Events), w.sigCount(*o.Exposure))
			case o.Successes != nil && o.Attempts != nil:
				e = w.t("report.ev.successes", o.ID, w.sig(*o.Successes), w.sig(*o.Attempts))
			default:
				e = o.ID
			}
			if o.Source != "" {
				e = w.t("report.ev.source", e, o.Source)
			}
			ev = append(ev, e)
		}
		t.rows = append(t.rows, []string{r.scenarioName(u.Scenario), paramName(w, u.Parameter),
			w.belief(u.Parameter, u.Prior), w.belief(u.Parameter, u.Posterior), strings.Join(ev, "; ")})
	}
	s.blocks = append(s.blocks, t)
	var moved []string
	for _, u := range r.Updates {
		q := qFrequency
		f := w.sig
		if u.Parameter == model.ParamVulnerability {
			q, f = qProbability, w.sigPct
		}
		moved = append(moved, w.t("report.ev.moved", paramName(w, u.Parameter), r.scenarioName(u.Scenario),
			w.unit(q, f(u.Prior.Mean)), w.unit(q, f(u.Posterior.Mean)), w.describe(u.Posterior.Dist, q)))
	}
	s.blocks = append(s.blocks, bullets{items: moved})
	return s
}

func (r *Report) assumptionSection(w words) section {
	m := r.Model
	s := section{id: "assumptions", title: w.t("report.asm.title"), newPage: true}
	s.blocks = append(s.blocks, para{text: w.t("report.asm.intro")})

	s.blocks = append(s.blocks, subheading{level: 3, id: "assumptions-tolerance", text: w.t("report.asm.tolerance")})
	if len(m.Tolerance) == 0 {
		s.blocks = append(s.blocks, para{text: w.t("report.asm.tolerance.none")})
	} else {
		s.blocks = append(s.blocks, para{text: w.t("report.asm.tolerance.intro")})
		t := docTable{caption: w.t("report.asm.tolerance.table", w.cur), align: "rrr",
			head: []string{w.t("report.col.lossabove"), w.t("report.col.acceptable"), w.t("report.col.atmost")}}
		for _, tp := range m.Tolerance {
			often := "—"
			if tp.Probability > 0 {
				often = w.t("report.oneyearin", w.sig(1/tp.Probability))
			}
			t.rows = append(t.rows, []string{w.amount(tp.Loss), w.pct(tp.Probability), often})
		}
		s.blocks = append(s.blocks, t)
	}

	s.blocks = append(s.blocks, subheading{level: 3, id: "assumptions-actors", text: w.t("report.asm.actors")})
	t := docTable{caption: w.t("report.asm.actors.table"), align: "llll",
		head: []string{w.t("report.col.actor"), w.t("report.col.attack"), w.t("report.col.activity"), w.t("report.col.capability")}}
	for _, a := range m.Actors {
		act := w.t("report.asm.activity.default")
		if a.Activity != nil {
			act = w.describe(*a.Activity, qFactor)
		}
		capability := "—"
		if a.Capability != nil {
			capability = w.describe(*a.Capability, qProbability)
		}
		attack := a.Attack
		if attack == "" {
			attack = "—"
		}
		name := a.Name
		if a.Description != "" {
			name += " — " + a.Description
		}
		t.rows = append(t.rows, []string{name, attack, act, capability})
	}
	s.blocks = append(s.blocks, t)

	s.blocks = append(s.blocks, subheading{level: 3, id: "assumptions-assets", text: w.t("report.asm.assets")})
	t = docTable{caption: w.t("report.asm.assets.table"), align: "lll",
		head: []string{w.t("report.col.asset"), w.t("report.col.org"), w.t("report.col.kind")}}
	for _, a := range m.Assets {
		org := a.Org
		for _, o := range m.Organizations {
			if o.ID == a.Org {
				org = o.Name
			}
		}
		t.rows = append(t.rows, []string{a.Name, org, a.Kind})
	}
	s.blocks = append(s.blocks, t)

	s.blocks = append(s.blocks, subheading{level: 3, id: "assumptions-scenarios", text: w.t("report.asm.scenarios")})
	for _, sc := range m.Scenarios {
		s.blocks = append(s.blocks, subheading{level: 4, id: slug("scenario-", sc.ID), text: w.t("report.asm.scenario", sc.Name, sc.ID)})
		s.blocks = append(s.blocks, r.scenarioDefinitions(w, &sc))
	}

	s.blocks = append(s.blocks, subheading{level: 3, id: "assumptions-controls", text: w.t("report.asm.controls")})
	if len(m.Controls) == 0 {
		s.blocks = append(s.blocks, para{text: w.t("report.asm.controls.none")})
	} else {
		t = docTable{caption: w.t("report.asm.controls.table", w.cur), align: "llrrl",
			head: []string{w.t("report.col.control"), w.t("report.col.status"), w.t("report.col.once"), w.t("report.col.yearly"), w.t("report.col.effects")}}
		for _, c := range m.Controls {
			status := w.t("report.status.proposed")
			if slices.Contains(r.Controls, c.ID) {
				status = w.t("report.status.inforce")
			}
			cost := m.ControlCost(&c)
			t.rows = append(t.rows, []string{r.controlName(c.ID), status, w.amount(cost.Once), w.amount(cost.Yearly), r.effects(w, c.Effects)})
		}
		s.blocks = append(s.blocks, t)
	}

	s.blocks = append(s.blocks, subheading{level: 3, id: "assumptions-labels", text: w.t("report.asm.labels")})
	if t, ok := r.labelTable(w); ok {
		s.blocks = append(s.blocks, para{text: w.t("report.asm.labels.intro")}, t)
	} else {
		s.blocks = append(s.blocks, para{text: w.t("report.asm.labels.none")})
	}
	return s
}

func (r *Report) scenarioDefinitions(w words, sc *model.Scenario) definitions {
	var d definitions
	add := func(key, value string) { d.items = append(d.items, [2]string{w.t(key), value}) }
	if sc.Description != "" {
		add("report.def.description", sc.Description)
	}
	actor := sc.Actor
	if a := r.Model.ActorByID(sc.Actor); a != nil {
		actor = a.Name
	}
	add("report.def.actor", actor)
	var assets []string
	for _, id := range sc.Assets {
		name := id
		for _, a := range r.Model.Assets {
			if a.ID == id {
				name = a.Name
			}
		}
		assets = append(assets, name)
	}
	add("report.def.assets", strings.Join(assets, ", "))
	add("report.def.effect", effectName(w, sc.Effect))
	add("report.def.frequency", w.describe(sc.Frequency, qFrequency))
	add("report.def.vulnerability", w.vulnerability(sc.Vulnerability))
	add("report.def.magnitude", w.describe(sc.Magnitude, qMoney))
	if sc.Secondary != nil {
		add("report.def.secondary", w.t("report.def.secondary.value", w.describe(sc.Secondary.Probability, qProbability),
			w.describe(sc.Secondary.Magnitude, qMoney)))
	}
	for _, u := range r.Updates {
		if u.Scenario == sc.ID {
			q := qFrequency
			if u.Parameter == model.ParamVulnerability {
				q = qProbability
			}
			add("report.def.posterior."+u.Parameter, w.describe(u.Posterior.Dist, q))
		}
	}
	return d
}

// effects describes a control's effects: "scenario: frequency × 0.5".
func (r *Report) effects(w words, es []model.Effect) string {
	if len(es) == 0 {
		return "—"
	}
	var out []string
	for _, e := range es {
		var parts []string
		for _, f := range []struct {
			key string
			v   *float64
		}{{"report.eff.frequency", e.Frequency}, {"report.eff.vulnerability", e.Vulnerability}, {"report.eff.magnitude", e.Magnitude},
			{"report.eff.secprob", e.SecondaryProbability}, {"report.eff.secmag", e.SecondaryMagnitude}} {
			if f.v != nil {
				parts = append(parts, w.t(f.key)+" × "+w.sig(*f.v))
			}
		}
		out = append(out, w.t("report.eff.on", r.scenarioName(e.Scenario), strings.Join(parts, ", ")))
	}
	return strings.Join(out, "; ")
}

// labelTable lists the qualitative labels the model uses, by table.
func (r *Report) labelTable(w words) (docTable, bool) {
	type use struct {
		table, label string
		d            model.Dist
		q            quantity
	}
	var uses []use
	seen := map[[2]string]bool{}
	add := func(tab string, d *model.Dist, q quantity) {
		if d == nil || d.Label == "" || seen[[2]string{tab, d.Label}] {
			return
		}
		seen[[2]string{tab, d.Label}] = true
		plain := *d
		plain.Label = ""
		uses = append(uses, use{tab, d.Label, plain, q})
	}
	m := r.Model
	for i := range m.Actors {
		add(model.TableVulnerability, m.Actors[i].Capability, qProbability)
	}
	for i := range m.Scenarios {
		sc := &m.Scenarios[i]
		add(model.TableFrequency, &sc.Frequency, qFrequency)
		add(model.TableVulnerability, sc.Vulnerability.Prob, qProbability)
		add(model.TableVulnerability, sc.Vulnerability.Capability, qProbability)
		add(model.TableVulnerability, sc.Vulnerability.Resistance, qProbability)
		add(model.TableMagnitude, &sc.Magnitude, qMoney)
		if sc.Secondary != nil {
			add(model.TableVulnerability, &sc.Secondary.Probability, qProbability)
			add(model.TableMagnitude, &sc.Secondary.Magnitude, qMoney)
		}
	}
	if len(uses) == 0 {
		return docTable{}, false
	}
	order := map[string]int{model.TableFrequency: 0, model.TableVulnerability: 1, model.TableMagnitude: 2}
	slices.SortStableFunc(uses, func(a, b use) int {
		if c := order[a.table] - order[b.table]; c != 0 {
			return c
		}
		return strings.Compare(a.label, b.label)
	})
	t := docTable{caption: w.t("report.asm.labels.table"), align: "lll",
		head: []string{w.t("report.col.label"), w.t("report.col.usedfor"), w.t("report.col.distribution")}}
	for _, u := range uses {
		t.rows = append(t.rows, []string{u.label, w.t("report.table." + u.table), w.describe(u.d, u.q)})
	}
	return t, true
}

func (r *Report) methodSection(w words) section {
	s := section{id: "method", title: w.t("report.method.title")}
	res := r.Result
	n := float64(res.Trials)
	s.blocks = append(s.blocks, para{lead: w.t("report.method.year.lead"), text: w.t("report.method.year", w.p.Count(n, 0))})
	s.blocks = append(s.blocks, para{lead: w.t("report.method.repro.lead"), text: w.t("report.method.repro", res.Seed, w.p.Count(n, 0))})
	se := res.Portfolio.SD / math.Sqrt(n)
	rel := "—"
	if res.Portfolio.Mean > 0 {
		rel = w.pct(se / res.Portfolio.Mean)
	}
	s.blocks = append(s.blocks, para{lead: w.t("report.method.accuracy.lead"),
		text: w.t("report.method.accuracy", w.money(se), rel, w.pct(0.5/math.Sqrt(n)), w.sigPct(0.001))})
	if len(r.Plan.Candidates) > 0 {
		how := w.t("report.method.plan.heuristic")
		if r.Plan.Exact {
			how = w.t("report.method.plan.exact")
		}
		s.blocks = append(s.blocks, para{lead: w.t("report.method.plan.lead"),
			text: w.t("report.method.plan", how, r.objWords(w), w.sigCount(r.Plan.Horizon))})
	}
	if len(r.Updates) > 0 {
		s.blocks = append(s.blocks, para{lead: w.t("report.method.evidence.lead"), text: w.t("report.method.evidence")})
	}
	s.blocks = append(s.blocks, para{lead: w.t("report.method.limits.lead"), text: w.t("report.method.limits")})
	var limits []string
	for _, k := range []string{"scope", "adaptive", "dependence", "harm", "estimates", "time"} {
		switch {
		case k == "harm" && r.hasHarms():
			k = "harm.dims"
		case k == "time" && r.election():
			k = "time.election"
		}
		limits = append(limits, w.t("report.limit."+k))
	}
	s.blocks = append(s.blocks, bullets{items: limits})
	return s
}

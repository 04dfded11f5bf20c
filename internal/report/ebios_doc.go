package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/scrutin/scrutin/internal/ebios"
	"github.com/scrutin/scrutin/internal/i18n"
)

// EbiosHTML writes an EBIOS RM study's deliverables as one self-contained
// HTML document (the report's style; the ecosystem radar as inline SVG,
// followed by its data).
func EbiosHTML(w io.Writer, st *ebios.Study, l i18n.Lang) error {
	bw := bufio.NewWriter(w)
	h := &htmlWriter{w: bw}
	h.document(ebiosLayout(st, l))
	return bw.Flush()
}

// EbiosMarkdown writes the same deliverables as Markdown.
func EbiosMarkdown(w io.Writer, st *ebios.Study, l i18n.Lang) error {
	bw := bufio.NewWriter(w)
	m := &mdWriter{w: bw, p: i18n.New(l)}
	m.document(ebiosLayout(st, l))
	return bw.Flush()
}

// ebiosLayout lays the study out as a document: the scales, then a
// section per workshop with its deliverables.
func ebiosLayout(st *ebios.Study, l i18n.Lang) *document {
	p := i18n.New(l)
	per := "year"
	if st.Election {
		per = "election"
	}
	d := &document{lang: l, kicker: p.T("ebios.kicker"), title: st.Name, intro: st.Scope, contents: p.T("ebios.contents"),
		footer: p.T("ebios.footer")}
	d.meta = append(d.meta, p.T("ebios.params", st.Model, p.T("ebios.trials."+per, p.Count(float64(st.Trials), 0)), st.Seed))
	e := ebiosWords{p: p, st: st}
	d.sections = append(d.sections, e.scales(per), e.workshop1(), e.workshop2(), e.workshop3(), e.workshop4(), e.workshop5())
	return d
}

// ebiosWords formats a study's figures in one language.
type ebiosWords struct {
	p  *i18n.Printer
	st *ebios.Study
}

func (e ebiosWords) level(pl ebios.Placement) string {
	return fmt.Sprintf("V%d G%d %s", pl.Likelihood, pl.Gravity, e.p.T("ebios.risk."+pl.Risk.String()))
}

func (e ebiosWords) dim(dim string) string {
	if dim == "money" {
		return e.p.T("ebios.money")
	}
	for _, g := range e.st.Scales.Gravity {
		if g.Dimension == dim {
			return g.Name
		}
	}
	return dim
}

func (e ebiosWords) list(ids []string) string {
	if len(ids) == 0 {
		return "—"
	}
	return strings.Join(ids, ", ")
}

func (e ebiosWords) yesNo(b bool) string {
	if b {
		return e.p.T("ebios.yes")
	}
	return e.p.T("ebios.no")
}

func (e ebiosWords) scales(per string) section {
	p, st := e.p, e.st
	l := st.Scales.Likelihood
	s := section{id: "scales", title: p.T("ebios.scales")}
	s.blocks = append(s.blocks, para{text: p.T("ebios.scale.likelihood", p.T("ebios.per."+per), p.Percent(l[0]), p.Percent(l[0]), p.Percent(l[1]), p.Percent(l[2]))})
	for _, g := range st.Scales.Gravity {
		def := ""
		if g.Default {
			def = p.T("ebios.scale.default")
		}
		amount := func(x float64) string {
			if g.Dimension == "money" {
				return p.Money(x, st.Currency)
			}
			return Sig(p, x)
		}
		s.blocks = append(s.blocks, para{text: p.T("ebios.scale.gravity", e.dim(g.Dimension), g.Unit, amount(g.Thresholds[0]), amount(g.Thresholds[1]), amount(g.Thresholds[2]), def)})
	}
	z := st.Scales.Zones
	s.blocks = append(s.blocks, para{text: p.T("ebios.scale.zones", p.Number(z.Control, 1), p.Number(z.Control, 1), p.Number(z.Danger, 1))})
	s.blocks = append(s.blocks, para{text: levelNames(p)})
	head := []string{""}
	for g := 1; g <= 4; g++ {
		head = append(head, fmt.Sprintf("G%d %s", g, p.T(fmt.Sprintf("ebios.g%d", g))))
	}
	t := docTable{caption: p.T("ebios.matrix.caption"), align: "lllll", head: head}
	for v := 4; v >= 1; v-- {
		row := []string{fmt.Sprintf("V%d %s", v, p.T(fmt.Sprintf("ebios.v%d", v)))}
		for g := 1; g <= 4; g++ {
			row = append(row, p.T("ebios.risk."+ebios.Level(g, v).String()))
		}
		t.rows = append(t.rows, row)
	}
	s.blocks = append(s.blocks, t)
	return s
}

func (e ebiosWords) workshop1() section {
	p, st := e.p, e.st
	s := section{id: "workshop-1", title: p.T("ebios.w1"), newPage: true}
	if len(st.Missions) > 0 {
		t := docTable{caption: p.T("ebios.w1.missions"), align: "ll", head: []string{p.T("ebios.col.id"), p.T("ebios.col.name")}}
		for _, m := range st.Missions {
			t.rows = append(t.rows, []string{m.ID, m.Name})
		}
		s.blocks = append(s.blocks, t)
	}
	t := docTable{caption: p.T("ebios.w1.values"), align: "lllll", head: []string{p.T("ebios.col.id"), p.T("ebios.col.name"),
		p.T("ebios.col.nature"), p.T("ebios.col.mission"), p.T("ebios.col.assets")}}
	for _, v := range st.Values {
		nature := ""
		if v.Nature != "" {
			nature = p.T("ebios.nature." + v.Nature)
		}
		t.rows = append(t.rows, []string{v.ID, v.Name, nature, v.Mission, e.list(v.Assets)})
	}
	s.blocks = append(s.blocks, t)
	t = docTable{caption: p.T("ebios.w1.feared"), align: "llllll", head: []string{p.T("ebios.col.id"), p.T("ebios.col.name"),
		p.T("ebios.col.value"), p.T("ebios.col.dimension"), p.T("ebios.col.gravity"), p.T("ebios.col.impacts")}}
	for _, f := range st.FearedEvents {
		g := fmt.Sprintf("G%d", f.Gravity)
		if f.Judged {
			g = p.T("ebios.judged", g, fmt.Sprintf("G%d", f.Measured))
		}
		t.rows = append(t.rows, []string{f.ID, f.Name, f.Value, e.dim(f.Dimension), g, strings.Join(f.Impacts, "; ")})
	}
	s.blocks = append(s.blocks, t)
	s.blocks = append(s.blocks, subheading{level: 3, id: "baseline", text: p.T("ebios.w1.baseline")})
	if b := st.Baseline; b.Framework != "" {
		fw := b.Framework
		if b.Reference != "" {
			fw += " (" + b.Reference + ")"
		}
		s.blocks = append(s.blocks, para{text: p.T("ebios.w1.framework", fw)})
	}
	s.blocks = append(s.blocks, para{text: p.T("ebios.w1.inforce", e.list(st.Baseline.Controls))})
	if st.Baseline.Gaps != "" {
		s.blocks = append(s.blocks, para{text: p.T("ebios.w1.gaps", st.Baseline.Gaps)})
	}
	return s
}

func (e ebiosWords) workshop2() section {
	p, st := e.p, e.st
	s := section{id: "workshop-2", title: p.T("ebios.w2"), newPage: true}
	t := docTable{caption: p.T("ebios.w2.caption"), align: "lllrrrrl", head: []string{p.T("ebios.col.id"), p.T("ebios.col.origin"),
		p.T("ebios.col.objective"), p.T("ebios.col.motivation"), p.T("ebios.col.resources"), p.T("ebios.col.activity"),
		p.T("ebios.col.pertinence"), p.T("ebios.col.retained")}}
	for _, r := range st.Sources {
		t.rows = append(t.rows, []string{r.ID, r.ActorName, r.Objective, fmt.Sprint(r.Motivation), fmt.Sprint(r.Resources),
			fmt.Sprint(r.Activity), fmt.Sprint(r.Pertinence), e.yesNo(r.Retained)})
	}
	s.blocks = append(s.blocks, t)
	return s
}

func (e ebiosWords) workshop3() section {
	p, st := e.p, e.st
	s := section{id: "workshop-3", title: p.T("ebios.w3"), newPage: true}
	t := docTable{caption: p.T("ebios.w3.stakeholders"), align: "llllrlrl", head: []string{p.T("ebios.col.id"), p.T("ebios.col.name"),
		p.T("ebios.col.category"), p.T("ebios.col.ratings"), p.T("ebios.col.threat"), p.T("ebios.col.zone"),
		p.T("ebios.col.residual"), p.T("ebios.col.zone")}}
	for _, k := range st.Stakeholders {
		r := k.Ratings
		res, rzone := "", ""
		if k.Residual != nil {
			res, rzone = p.Number(k.ResidualThreat, 2), p.T("ebios.zone."+k.ResidualZone)
		}
		t.rows = append(t.rows, []string{k.ID, k.Name, k.Category, fmt.Sprintf("%d %d %d %d", r.Dependence, r.Penetration, r.Maturity, r.Trust),
			p.Number(k.Threat, 2), p.T("ebios.zone." + k.Zone), res, rzone})
	}
	if len(st.Stakeholders) > 0 {
		s.blocks = append(s.blocks, figure{id: "fig-ecosystem", caption: p.T("ebios.radar.caption"), svg: ecosystemRadar(p, st), tables: []docTable{t}})
	} else {
		s.blocks = append(s.blocks, t)
	}
	t = docTable{caption: p.T("ebios.w3.strategic"), align: "lllllrll", head: []string{p.T("ebios.col.id"), p.T("ebios.col.name"),
		p.T("ebios.col.via"), p.T("ebios.col.feared"), p.T("ebios.col.operational"), p.T("ebios.col.pany"), p.T("ebios.col.level"),
		p.T("ebios.col.after")}}
	for _, r := range st.Strategic {
		after := ""
		if r.Residual != nil {
			after = e.level(*r.Residual)
		}
		via := e.list(r.Stakeholders)
		if len(r.Stakeholders) == 0 {
			via = p.T("ebios.direct")
		}
		t.rows = append(t.rows, []string{r.ID, r.Name, via, strings.Join(r.FearedEvents, ", "), strings.Join(r.Scenarios, ", "),
			p.Percent(r.PAny), e.level(r.Placement), after})
	}
	s.blocks = append(s.blocks, t)
	return s
}

func (e ebiosWords) workshop4() section {
	p, st := e.p, e.st
	s := section{id: "workshop-4", title: p.T("ebios.w4"), newPage: true}
	s.blocks = append(s.blocks, para{text: p.T("ebios.w4.note")})
	t := docTable{caption: p.T("ebios.w4.caption"), align: "lllrlll", head: []string{p.T("ebios.col.id"), p.T("ebios.col.name"),
		p.T("ebios.col.tree"), p.T("ebios.col.pany"), p.T("ebios.col.level"), p.T("ebios.col.dimension"), p.T("ebios.col.after")}}
	for _, o := range st.Operational {
		after := ""
		if o.Residual != nil {
			after = e.level(o.Residual.Placement)
		}
		t.rows = append(t.rows, []string{o.ID, o.Name, o.Tree, p.Percent(o.PAny), e.level(o.Placement), e.dim(o.GravityOf), after})
	}
	s.blocks = append(s.blocks, t)
	return s
}

func (e ebiosWords) workshop5() section {
	p, st := e.p, e.st
	s := section{id: "workshop-5", title: p.T("ebios.w5"), newPage: true}
	caption := p.T("ebios.w5.mapnow")
	if st.Added != nil {
		s.blocks = append(s.blocks, para{text: p.T("ebios.w5.added", e.list(st.Added))})
		caption = p.T("ebios.w5.map")
	} else {
		s.blocks = append(s.blocks, para{text: p.T("ebios.w5.none")})
	}
	var before, after [5][5]int
	for _, o := range st.Operational {
		before[o.Likelihood][o.Gravity]++
		if o.Residual != nil {
			after[o.Residual.Likelihood][o.Residual.Gravity]++
		}
	}
	t := docTable{caption: caption, align: "lllll", head: []string{"", "G1", "G2", "G3", "G4"}}
	for v := 4; v >= 1; v-- {
		row := []string{fmt.Sprintf("V%d", v)}
		for g := 1; g <= 4; g++ {
			cell := fmt.Sprintf("%s: %d", p.T("ebios.risk."+ebios.Level(g, v).String()), before[v][g])
			if st.Added != nil {
				cell += fmt.Sprintf(" → %d", after[v][g])
			}
			row = append(row, cell)
		}
		t.rows = append(t.rows, row)
	}
	s.blocks = append(s.blocks, t)
	if st.Treatment != "" {
		s.blocks = append(s.blocks, para{text: p.T("ebios.w5.statement", st.Treatment)})
	}
	return s
}

// Zone colours of the ecosystem radar.
const (
	colourDanger  = "#b3261e"
	colourControl = "#d9480f"
	colourWatch   = "#2a9d8f"
)

// ecosystemRadar draws the stakeholders around the organisation: three
// rings, danger inside, control, watch outside; each stakeholder on its
// own ray, the nearer the centre the higher its threat level (a filled
// dot now, a ring after its measures, joined by a line).
func ecosystemRadar(p *i18n.Printer, st *ebios.Study) string {
	const size, r = 520.0, 200.0
	cx, cy := size/2, size/2
	z := st.Scales.Zones
	radius := func(threat float64) float64 {
		switch {
		case threat > z.Danger:
			return r / 3 * math.Max(0.15, z.Danger/threat)
		case threat >= z.Control:
			return r/3 + r/3*(z.Danger-threat)/(z.Danger-z.Control)
		}
		return 2*r/3 + r/3*(z.Control-math.Max(threat, 0))/z.Control*0.9
	}
	s := &svg{w: size, h: size}
	s.open("ecosystem", p.T("ebios.radar.caption"), p.T("ebios.radar.desc"))
	for i, ring := range []struct {
		zone   string
		radius float64
		colour string
	}{{"watch", r, colourWatch}, {"control", 2 * r / 3, colourControl}, {"danger", r / 3, colourDanger}} {
		fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="%s" fill="%s" fill-opacity="%s" stroke="%s"/>`,
			f1(cx), f1(cy), f1(ring.radius), ring.colour, f1(0.08+0.04*float64(i)), ring.colour)
		s.text(cx, cy-ring.radius+14, "middle", "axis", p.T("ebios.zone."+ring.zone), "")
	}
	n := len(st.Stakeholders)
	for i, k := range st.Stakeholders {
		// Half a step off the vertical: the zones' names are on it.
		a := 2*math.Pi*(float64(i)+0.5)/float64(n) - math.Pi/2
		colour := map[string]string{"danger": colourDanger, "control": colourControl, "watch": colourWatch}[k.Zone]
		x, y := cx+radius(k.Threat)*math.Cos(a), cy+radius(k.Threat)*math.Sin(a)
		if k.Residual != nil {
			rx, ry := cx+radius(k.ResidualThreat)*math.Cos(a), cy+radius(k.ResidualThreat)*math.Sin(a)
			s.line(x, y, rx, ry, colourAxis, 1, ` stroke-dasharray="3 3"`)
			fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="6" fill="#fff" stroke="%s" stroke-width="2"/>`, f1(rx), f1(ry), colourAxis)
		}
		fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="6" fill="%s"/>`, f1(x), f1(y), colour)
		lx, ly := cx+(r+12)*math.Cos(a), cy+(r+12)*math.Sin(a)
		anchor := "start"
		if math.Cos(a) < -0.2 {
			anchor = "end"
		} else if math.Abs(math.Cos(a)) <= 0.2 {
			anchor = "middle"
		}
		s.text(lx, ly+4, anchor, "label", k.ID, "")
	}
	fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="4" fill="%s"/>`, f1(cx), f1(cy), colourAxis)
	// A map, not a plot: it keeps its own size rather than the page's width.
	// (A class, not a style attribute: the server's pages forbid inline
	// styles.)
	return strings.Replace(s.close(), `<svg class="chart"`, `<svg class="chart map"`, 1)
}

// EbiosSections are the titles of the study's sections (the scales, then
// the five workshops), for the server's page per workshop.
func EbiosSections(st *ebios.Study, l i18n.Lang) []string {
	var out []string
	for _, s := range ebiosLayout(st, l).sections {
		out = append(out, s.title)
	}
	return out
}

// EbiosSectionHTML writes section i of the study (0: the scales, 1–5:
// the workshops) as an HTML fragment: its tables and figures, as the
// HTML deliverable has them.
func EbiosSectionHTML(w io.Writer, st *ebios.Study, l i18n.Lang, i int) error {
	secs := ebiosLayout(st, l).sections
	if i < 0 || i >= len(secs) {
		return fmt.Errorf("no section %d in the study", i)
	}
	bw := bufio.NewWriter(w)
	h := &htmlWriter{w: bw}
	for _, b := range secs[i].blocks {
		h.block(b)
	}
	return bw.Flush()
}

// levelNames gives the method's names of the gravity and likelihood
// levels, as CISO Assistant's risk-matrix-4x4-ebios-rm library has them.
func levelNames(p *i18n.Printer) string {
	var a []any
	for _, k := range []string{"g1", "g2", "g3", "g4", "v1", "v2", "v3", "v4"} {
		a = append(a, p.T("ebios."+k))
	}
	return p.T("ebios.levels", a...)
}

package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/scrutin/scrutin/internal/ebios"
	"github.com/scrutin/scrutin/internal/i18n"
)

// EbiosJSON writes an EBIOS RM study as indented JSON.
func EbiosJSON(w io.Writer, st *ebios.Study) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(st)
}

// EbiosText writes the deliverables of an EBIOS RM study's five
// workshops as text, in lang: the method's vocabulary in French.
func EbiosText(w io.Writer, st *ebios.Study, lang i18n.Lang) error {
	p := i18n.New(lang)
	bw := bufio.NewWriter(w)
	per := "year"
	if st.Election {
		per = "election"
	}
	yesNo := func(b bool) string {
		if b {
			return p.T("ebios.yes")
		}
		return p.T("ebios.no")
	}
	list := func(ids []string, none string) string {
		if len(ids) == 0 {
			if none == "" {
				return "—"
			}
			return p.T(none)
		}
		return strings.Join(ids, ", ")
	}
	level := func(pl ebios.Placement) string {
		return fmt.Sprintf("V%d G%d %s", pl.Likelihood, pl.Gravity, p.T("ebios.risk."+pl.Risk.String()))
	}
	dimName := func(dim string) string {
		if dim == "money" {
			return p.T("ebios.money")
		}
		for _, g := range st.Scales.Gravity {
			if g.Dimension == dim {
				return g.Name
			}
		}
		return dim
	}
	heading := func(s string) { fmt.Fprintf(bw, "%s\n%s\n", s, strings.Repeat("=", len([]rune(s)))) }
	sub := func(s string) { fmt.Fprintf(bw, "\n%s\n", s) }

	fmt.Fprintf(bw, "%s\n%s\n", p.T("ebios.kicker"), st.Name)
	fmt.Fprintf(bw, "%s\n", p.T("ebios.params", st.Model, p.T("ebios.trials."+per, p.Count(float64(st.Trials), 0)), st.Seed))
	if st.Scope != "" {
		fmt.Fprintf(bw, "%s\n", st.Scope)
	}
	fmt.Fprintln(bw)

	heading(p.T("ebios.scales"))
	l := st.Scales.Likelihood
	fmt.Fprintf(bw, "%s\n", p.T("ebios.scale.likelihood", p.T("ebios.per."+per), p.Percent(l[0]), p.Percent(l[0]), p.Percent(l[1]), p.Percent(l[2])))
	for _, g := range st.Scales.Gravity {
		def := ""
		if g.Default {
			def = p.T("ebios.scale.default")
		}
		amount := func(x float64) string {
			if g.Dimension == "money" {
				return p.Money(x, st.Currency)
			}
			return harmNumber(p, x)
		}
		fmt.Fprintf(bw, "%s\n", p.T("ebios.scale.gravity", dimName(g.Dimension), g.Unit, amount(g.Thresholds[0]), amount(g.Thresholds[1]), amount(g.Thresholds[2]), def))
	}
	fmt.Fprintf(bw, "%s\n", levelNames(p))
	z := st.Scales.Zones
	fmt.Fprintf(bw, "%s\n\n", p.T("ebios.scale.zones", p.Number(z.Control, 1), p.Number(z.Control, 1), p.Number(z.Danger, 1)))

	heading(p.T("ebios.w1"))
	if len(st.Missions) > 0 {
		sub(p.T("ebios.w1.missions"))
		t := Table{Align: "ll"}
		for _, m := range st.Missions {
			t.Add(m.ID, m.Name)
		}
		t.Write(bw, "  ")
	}
	sub(p.T("ebios.w1.values"))
	t := Table{Align: "lllll"}
	t.Add(p.T("ebios.col.id"), p.T("ebios.col.name"), p.T("ebios.col.nature"), p.T("ebios.col.mission"), p.T("ebios.col.assets"))
	for _, v := range st.Values {
		nature := ""
		if v.Nature != "" {
			nature = p.T("ebios.nature." + v.Nature)
		}
		t.Add(v.ID, v.Name, nature, v.Mission, list(v.Assets, ""))
	}
	t.Write(bw, "  ")
	sub(p.T("ebios.w1.feared"))
	t = Table{Align: "lllll"}
	t.Add(p.T("ebios.col.id"), p.T("ebios.col.value"), p.T("ebios.col.dimension"), p.T("ebios.col.gravity"), p.T("ebios.col.name"))
	for _, f := range st.FearedEvents {
		g := fmt.Sprintf("G%d", f.Gravity)
		if f.Judged {
			g = p.T("ebios.judged", g, fmt.Sprintf("G%d", f.Measured))
		}
		t.Add(f.ID, f.Value, dimName(f.Dimension), g, f.Name)
	}
	t.Write(bw, "  ")
	for _, f := range st.FearedEvents {
		if len(f.Impacts) > 0 {
			fmt.Fprintf(bw, "  %s — %s: %s\n", f.ID, p.T("ebios.col.impacts"), strings.Join(f.Impacts, "; "))
		}
	}
	sub(p.T("ebios.w1.baseline"))
	if b := st.Baseline; b.Framework != "" {
		fw := b.Framework
		if b.Reference != "" {
			fw += " (" + b.Reference + ")"
		}
		fmt.Fprintf(bw, "  %s\n", p.T("ebios.w1.framework", fw))
	}
	fmt.Fprintf(bw, "  %s\n", p.T("ebios.w1.inforce", list(st.Baseline.Controls, "ebios.none")))
	if st.Baseline.Gaps != "" {
		fmt.Fprintf(bw, "  %s\n", p.T("ebios.w1.gaps", st.Baseline.Gaps))
	}
	fmt.Fprintln(bw)

	heading(p.T("ebios.w2"))
	t = Table{Align: "lllrrrrl"}
	t.Add(p.T("ebios.col.id"), p.T("ebios.col.origin"), p.T("ebios.col.objective"), p.T("ebios.col.motivation"), p.T("ebios.col.resources"),
		p.T("ebios.col.activity"), p.T("ebios.col.pertinence"), p.T("ebios.col.retained"))
	for _, s := range st.Sources {
		t.Add(s.ID, s.ActorName, s.Objective, fmt.Sprint(s.Motivation), fmt.Sprint(s.Resources), fmt.Sprint(s.Activity),
			fmt.Sprint(s.Pertinence), yesNo(s.Retained))
	}
	t.Write(bw, "  ")
	fmt.Fprintln(bw)

	heading(p.T("ebios.w3"))
	sub(p.T("ebios.w3.stakeholders"))
	t = Table{Align: "lllrlrl"}
	t.Add(p.T("ebios.col.id"), p.T("ebios.col.category"), p.T("ebios.col.ratings"), p.T("ebios.col.threat"), p.T("ebios.col.zone"),
		p.T("ebios.col.residual"), p.T("ebios.col.zone"))
	for _, s := range st.Stakeholders {
		r := s.Ratings
		res, rzone := "", ""
		if s.Residual != nil {
			res, rzone = p.Number(s.ResidualThreat, 2), p.T("ebios.zone."+s.ResidualZone)
		}
		t.Add(s.ID, s.Category, fmt.Sprintf("%d %d %d %d", r.Dependence, r.Penetration, r.Maturity, r.Trust),
			p.Number(s.Threat, 2), p.T("ebios.zone."+s.Zone), res, rzone)
	}
	t.Write(bw, "  ")
	sub(p.T("ebios.w3.strategic"))
	t = Table{Align: "llllrll"}
	t.Add(p.T("ebios.col.id"), p.T("ebios.col.via"), p.T("ebios.col.feared"), p.T("ebios.col.operational"), p.T("ebios.col.pany"),
		p.T("ebios.col.level"), p.T("ebios.col.after"))
	for _, s := range st.Strategic {
		after := ""
		if s.Residual != nil {
			after = level(*s.Residual)
		}
		t.Add(s.ID, list(s.Stakeholders, "ebios.direct"), strings.Join(s.FearedEvents, ", "), strings.Join(s.Scenarios, ", "),
			p.Percent(s.PAny), level(s.Placement), after)
	}
	t.Write(bw, "  ")
	fmt.Fprintln(bw)

	heading(p.T("ebios.w4"))
	fmt.Fprintf(bw, "%s\n", p.T("ebios.w4.note"))
	t = Table{Align: "llrlll"}
	t.Add(p.T("ebios.col.id"), p.T("ebios.col.tree"), p.T("ebios.col.pany"), p.T("ebios.col.level"), p.T("ebios.col.dimension"), p.T("ebios.col.after"))
	for _, o := range st.Operational {
		after := ""
		if o.Residual != nil {
			after = level(o.Residual.Placement)
		}
		t.Add(o.ID, o.Tree, p.Percent(o.PAny), level(o.Placement), dimName(o.GravityOf), after)
	}
	t.Write(bw, "  ")
	fmt.Fprintln(bw)

	heading(p.T("ebios.w5"))
	if st.Added != nil {
		fmt.Fprintf(bw, "%s\n", p.T("ebios.w5.added", list(st.Added, "ebios.none")))
		fmt.Fprintf(bw, "\n%s\n", p.T("ebios.w5.map"))
	} else {
		fmt.Fprintf(bw, "%s\n", p.T("ebios.w5.none"))
		fmt.Fprintf(bw, "\n%s\n", p.T("ebios.w5.mapnow"))
	}
	writeRiskMap(bw, st)
	if st.Treatment != "" {
		fmt.Fprintf(bw, "\n%s\n", p.T("ebios.w5.statement", st.Treatment))
	}
	return bw.Flush()
}

// writeRiskMap draws the 4×4 map, V4 on top, G1 to G4 across: in each
// cell the number of operational scenarios before (and after) the
// treatment, with the cell's risk level initial.
func writeRiskMap(w io.Writer, st *ebios.Study) {
	var before, after [5][5]int
	residual := false
	for _, o := range st.Operational {
		before[o.Likelihood][o.Gravity]++
		if o.Residual != nil {
			after[o.Residual.Likelihood][o.Residual.Gravity]++
			residual = true
		}
	}
	t := Table{Align: "lllll"}
	t.Add("", "G1", "G2", "G3", "G4")
	for v := 4; v >= 1; v-- {
		row := []string{fmt.Sprintf("V%d", v)}
		for g := 1; g <= 4; g++ {
			cell := fmt.Sprintf("%s %d", strings.ToUpper(ebios.Level(g, v).String()[:1]), before[v][g])
			if residual {
				cell += fmt.Sprintf(" → %d", after[v][g])
			}
			row = append(row, cell)
		}
		t.Add(row...)
	}
	t.Write(w, "  ")
}

// harmNumber formats a harm: whole numbers without decimals, others
// with up to two.
func harmNumber(p *i18n.Printer, x float64) string {
	switch {
	case x == math.Trunc(x) || x >= 100:
		return p.Number(x, 0)
	case x*10 == math.Trunc(x*10):
		return p.Number(x, 1)
	}
	return p.Number(x, 2)
}

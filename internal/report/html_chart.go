package report

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/sim"
)

// The charts are inline SVG drawn here: no script, no external resource.
// Each has a title and a description for screen readers, and the report
// follows each with the tables of its data.

// Chart colours (also in the stylesheet's legend swatches).
const (
	colourBefore    = "#1f4e79"
	colourAfter     = "#2a9d8f"
	colourTolerance = "#b3261e"
	colourPlan      = "#d9480f"
	colourGrid      = "#d9dde3"
	colourAxis      = "#5b6470"
)

// svg accumulates an SVG drawing.
type svg struct {
	b    strings.Builder
	w, h float64
}

func f1(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) }

func esc(s string) string { return html.EscapeString(s) }

func (s *svg) open(id, title, desc string) {
	fmt.Fprintf(&s.b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-title %s-desc">`,
		f1(s.w), f1(s.h), id, id)
	fmt.Fprintf(&s.b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(title), id, esc(desc))
}

func (s *svg) close() string {
	s.b.WriteString(`</svg>`)
	return s.b.String()
}

func (s *svg) line(x1, y1, x2, y2 float64, stroke string, width float64, extra string) {
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"%s/>`,
		f1(x1), f1(y1), f1(x2), f1(y2), stroke, f1(width), extra)
}

// text writes a label; anchor is start, middle or end.
func (s *svg) text(x, y float64, anchor, class, txt string, extra string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" text-anchor="%s" class="%s"%s>%s</text>`, f1(x), f1(y), anchor, class, extra, esc(txt))
}

func (s *svg) polyline(pts [][2]float64, stroke string, width float64, extra string) {
	if len(pts) == 0 {
		return
	}
	var b strings.Builder
	for i, p := range pts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f1(p[0]) + "," + f1(p[1]))
	}
	fmt.Fprintf(&s.b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="%s" stroke-linejoin="round"%s/>`, b.String(), stroke, f1(width), extra)
}

// legend draws a row of swatches and labels from x at y; kinds are line,
// dash, cross, diamond and bar.
func (s *svg) legend(x, y float64, items [][3]string) {
	for _, it := range items {
		kind, colour, label := it[0], it[1], it[2]
		switch kind {
		case "line":
			s.line(x, y-4, x+24, y-4, colour, 2.5, "")
		case "dash":
			s.line(x, y-4, x+24, y-4, colour, 2.5, ` stroke-dasharray="6 4"`)
		case "cross":
			s.cross(x+12, y-4, colour)
		case "diamond":
			s.diamond(x+12, y-4, 6, colour)
		case "bar":
			fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="24" height="10" fill="%s"/>`, f1(x), f1(y-9), colour)
		}
		s.text(x+30, y, "start", "legend", label, "")
		x += 30 + float64(utf8.RuneCountInString(label))*6.6 + 24
	}
}

func (s *svg) cross(x, y float64, colour string) {
	const d = 5
	s.line(x-d, y-d, x+d, y+d, colour, 2.5, "")
	s.line(x-d, y+d, x+d, y-d, colour, 2.5, "")
}

func (s *svg) diamond(x, y, r float64, colour string) {
	fmt.Fprintf(&s.b, `<polygon points="%s,%s %s,%s %s,%s %s,%s" fill="%s" stroke="#ffffff" stroke-width="1.5"/>`,
		f1(x), f1(y-r), f1(x+r), f1(y), f1(x), f1(y+r), f1(x-r), f1(y), colour)
}

// exceedanceSVG draws the loss exceedance curves before and with the plan
// on log-log axes, with the tolerance limits as crosses.
func exceedanceSVG(w words, r *Report) string {
	before, after := r.Result.Portfolio.Exceedance, r.Residual.Portfolio.Exceedance
	var limits []sim.TolerancePoint
	if t := r.Result.Portfolio.Tolerance; t != nil {
		limits = t.Points
	} else {
		for _, tp := range r.Model.Tolerance {
			limits = append(limits, sim.TolerancePoint{Loss: tp.Loss, Limit: tp.Probability})
		}
	}
	s := &svg{w: 760, h: 400}
	desc := w.t("report.lec.desc.same", w.money(r.Result.Portfolio.Quantiles.P90), w.money(r.Result.Portfolio.Quantiles.P99))
	if r.changed() {
		desc = w.t("report.lec.desc", w.money(r.Result.Portfolio.Quantiles.P90), w.money(r.Result.Portfolio.Quantiles.P99),
			w.money(r.Residual.Portfolio.Quantiles.P90), w.money(r.Residual.Portfolio.Quantiles.P99))
	}
	s.open("fig-exceedance-svg", w.t("report.lec.caption"), desc)
	if len(before) == 0 {
		s.text(s.w/2, s.h/2, "middle", "axis-title", w.t("report.lec.empty"), "")
		return s.close()
	}
	// Axes: whole decades around the data and the limits.
	lo, hi := math.Inf(1), math.Inf(-1)
	pmin := 1.0
	for _, c := range [][]sim.Point{before, after} {
		for _, p := range c {
			lo, hi = math.Min(lo, p.Loss), math.Max(hi, p.Loss)
			pmin = math.Min(pmin, p.Probability)
		}
	}
	for _, l := range limits {
		if l.Loss > 0 && l.Limit > 0 {
			lo, hi = math.Min(lo, l.Loss), math.Max(hi, l.Loss)
			pmin = math.Min(pmin, l.Limit)
		}
	}
	x0, x1 := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi*1.0001))
	if x1 <= x0 {
		x1 = x0 + 1
	}
	y1 := math.Floor(math.Log10(pmin) + 1e-9) // the lowest decade shown
	y1 = math.Max(y1, -8)
	if y1 >= 0 {
		y1 = -1
	}
	left, right, top, bottom := 78.0, 20.0, 44.0, 56.0
	pw, ph := s.w-left-right, s.h-top-bottom
	X := func(loss float64) float64 { return left + (math.Log10(loss)-x0)/(x1-x0)*pw }
	Y := func(p float64) float64 { return top + (-math.Log10(p))/(-y1)*ph }

	// Grid and axes.
	for d := x0; d <= x1; d++ {
		x := X(math.Pow(10, d))
		s.line(x, top, x, top+ph, colourGrid, 1, "")
		s.text(x, top+ph+18, "middle", "tick", w.p.Compact(math.Pow(10, d)), "")
	}
	for d := 0.0; d >= y1; d-- {
		y := Y(math.Pow(10, d))
		s.line(left, y, left+pw, y, colourGrid, 1, "")
		s.text(left-8, y+4, "end", "tick", w.sigPct(math.Pow(10, d)), "")
	}
	s.line(left, top+ph, left+pw, top+ph, colourAxis, 1, "")
	s.line(left, top, left, top+ph, colourAxis, 1, "")
	s.text(left+pw/2, s.h-12, "middle", "axis-title", w.t("report.lec.x", w.cur), "")
	s.text(16, top+ph/2, "middle", "axis-title", w.t("report.lec.y"), fmt.Sprintf(` transform="rotate(-90 16 %s)"`, f1(top+ph/2)))

	curve := func(c []sim.Point) [][2]float64 {
		var pts [][2]float64
		for _, p := range c {
			if p.Loss > 0 && p.Probability > 0 {
				pts = append(pts, [2]float64{X(p.Loss), Y(p.Probability)})
			}
		}
		return pts
	}
	var tol [][2]float64
	for _, l := range limits {
		if l.Loss > 0 && l.Limit > 0 {
			tol = append(tol, [2]float64{X(l.Loss), Y(l.Limit)})
		}
	}
	if len(tol) > 1 {
		s.polyline(tol, colourTolerance, 1.2, ` stroke-dasharray="3 3" opacity="0.7"`)
	}
	if r.changed() {
		s.polyline(curve(after), colourAfter, 2.5, ` stroke-dasharray="7 4"`)
	}
	s.polyline(curve(before), colourBefore, 2.5, "")
	for _, t := range tol {
		s.cross(t[0], t[1], colourTolerance)
	}
	items := [][3]string{{"line", colourBefore, r.beforeLabel(w)}}
	if r.changed() {
		items = append(items, [3]string{"dash", colourAfter, w.t("report.legend.after")})
	}
	if len(tol) > 0 {
		items = append(items, [3]string{"cross", colourTolerance, w.t("report.legend.tolerance")})
	}
	s.legend(left, 22, items)
	return s.close()
}

// niceStep is a round step (1, 2 or 5 times a power of ten) that cuts
// span into about n intervals.
func niceStep(span float64, n int) float64 {
	if span <= 0 {
		return 1
	}
	raw := span / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// truncate shortens s to n characters with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " ,;:-–—") + "…"
}

// scenarioSVG draws each scenario's mean annual loss as horizontal bars,
// before and with the plan, largest first.
func scenarioSVG(w words, r *Report) string {
	ids, before, after := r.scenarioMeans()
	rowH := 26.0
	if r.changed() {
		rowH = 38
	}
	left, right, top, bottom := 300.0, 70.0, 40.0, 40.0
	s := &svg{w: 760, h: top + bottom + rowH*float64(len(ids))}
	desc := ""
	if len(ids) > 0 {
		desc = w.t("report.scen.desc", r.scenarioName(ids[0]), w.money(before[0].Mean))
	}
	s.open("fig-scenarios-svg", w.t("report.scen.chart"), desc)
	vmax := 0.0
	for i := range ids {
		vmax = math.Max(vmax, math.Max(before[i].Mean, after[i].Mean))
	}
	step := niceStep(vmax, 4)
	xmax := math.Max(step, math.Ceil(vmax/step)*step)
	pw := s.w - left - right
	X := func(v float64) float64 { return left + v/xmax*pw }
	base := top + rowH*float64(len(ids))
	for v := 0.0; v <= xmax*1.0001; v += step {
		s.line(X(v), top-4, X(v), base, colourGrid, 1, "")
		s.text(X(v), base+18, "middle", "tick", w.p.Compact(v), "")
	}
	s.text(left+pw/2, s.h-6, "middle", "axis-title", w.t("report.scen.x", w.cur), "")
	barH := rowH - 10
	if r.changed() {
		barH = (rowH - 10) / 2
	}
	for i, id := range ids {
		y := top + rowH*float64(i) + 5
		name := r.scenarioName(id)
		fmt.Fprintf(&s.b, `<g><title>%s</title>`, esc(name))
		s.text(left-10, y+(rowH-10)/2+4, "end", "label", truncate(name, 46), "")
		fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, f1(left), f1(y), f1(math.Max(X(before[i].Mean)-left, 0.5)), f1(barH), colourBefore)
		s.text(X(before[i].Mean)+6, y+barH/2+4, "start", "value", w.p.Compact(before[i].Mean), "")
		if r.changed() {
			ya := y + barH
			fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, f1(left), f1(ya), f1(math.Max(X(after[i].Mean)-left, 0.5)), f1(barH), colourAfter)
			s.text(X(after[i].Mean)+6, ya+barH/2+4, "start", "value", w.p.Compact(after[i].Mean), "")
		}
		s.b.WriteString(`</g>`)
	}
	s.line(left, top-4, left, base, colourAxis, 1, "")
	items := [][3]string{{"bar", colourBefore, r.beforeLabel(w)}}
	if r.changed() {
		items = append(items, [3]string{"bar", colourAfter, w.t("report.legend.after")})
	}
	s.legend(left, 20, items)
	return s.close()
}

// frontierSVG draws the efficient frontier: residual risk against
// annualised cost, the best each budget buys as a staircase, the
// portfolios as dots and the recommended plan as a diamond.
func frontierSVG(w words, r *Report) string {
	p := r.Plan
	pts := p.Frontier
	obj := r.objShortWords(w)
	s := &svg{w: 760, h: 380}
	var chosen *plan.FrontierPoint
	for i := range pts {
		if pts[i].Chosen {
			chosen = &pts[i]
		}
	}
	desc := w.t("report.frontier.desc", len(pts), w.money(pts[0].Cost), r.objAmount(w, pts[0].Objective),
		w.money(pts[len(pts)-1].Cost), r.objAmount(w, pts[len(pts)-1].Objective))
	s.open("fig-frontier-svg", w.t("report.frontier.caption", obj), desc)
	xmaxRaw, ymaxRaw := pts[len(pts)-1].Cost, 0.0
	if r.hasBudget() {
		xmaxRaw = math.Max(xmaxRaw, p.Budget)
	}
	for _, fp := range pts {
		ymaxRaw = math.Max(ymaxRaw, fp.Objective)
	}
	xmaxRaw *= 1.06 // room right of the last portfolio
	xs, ys := niceStep(xmaxRaw, 5), niceStep(ymaxRaw, 5)
	xmax, ymax := math.Max(xs, math.Ceil(xmaxRaw/xs)*xs), math.Max(ys, math.Ceil(ymaxRaw/ys)*ys)
	left, right, top, bottom := 78.0, 24.0, 44.0, 56.0
	pw, ph := s.w-left-right, s.h-top-bottom
	X := func(c float64) float64 { return left + c/xmax*pw }
	Y := func(v float64) float64 { return top + (1-v/ymax)*ph }
	for v := 0.0; v <= xmax*1.0001; v += xs {
		s.line(X(v), top, X(v), top+ph, colourGrid, 1, "")
		s.text(X(v), top+ph+18, "middle", "tick", w.p.Compact(v), "")
	}
	for v := 0.0; v <= ymax*1.0001; v += ys {
		s.line(left, Y(v), left+pw, Y(v), colourGrid, 1, "")
		s.text(left-8, Y(v)+4, "end", "tick", w.p.Compact(v), "")
	}
	s.line(left, top+ph, left+pw, top+ph, colourAxis, 1, "")
	s.line(left, top, left, top+ph, colourAxis, 1, "")
	s.text(left+pw/2, s.h-12, "middle", "axis-title", w.t("report.frontier.x", w.cur), "")
	s.text(16, top+ph/2, "middle", "axis-title", w.t("report.frontier.y", obj, r.objUnit(w)), fmt.Sprintf(` transform="rotate(-90 16 %s)"`, f1(top+ph/2)))
	if r.hasBudget() {
		s.line(X(p.Budget), top, X(p.Budget), top+ph, colourAxis, 1.2, ` stroke-dasharray="4 4"`)
		s.text(X(p.Budget)-4, top+12, "end", "note", w.t("report.frontier.budget", w.p.Compact(p.Budget)), "")
	}
	var stair [][2]float64
	for i, fp := range pts {
		stair = append(stair, [2]float64{X(fp.Cost), Y(fp.Objective)})
		next := xmax
		if i+1 < len(pts) {
			next = pts[i+1].Cost
		}
		stair = append(stair, [2]float64{X(next), Y(fp.Objective)})
	}
	s.polyline(stair, colourBefore, 2, ` opacity="0.55"`)
	for _, fp := range pts {
		fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="3.5" fill="%s"/>`, f1(X(fp.Cost)), f1(Y(fp.Objective)), colourBefore)
	}
	items := [][3]string{{"line", colourBefore, w.t("report.legend.frontier")}}
	if chosen != nil {
		cx, cy := X(chosen.Cost), Y(chosen.Objective)
		s.diamond(cx, cy, 9, colourPlan)
		anchor, dx := "start", 14.0
		if cx > left+pw*0.6 {
			anchor, dx = "end", -14
		}
		s.text(cx+dx, cy-12, anchor, "plan-label", w.t("report.legend.plan"), "")
		items = append(items, [3]string{"diamond", colourPlan, w.t("report.legend.plan")})
	}
	s.legend(left, 22, items)
	return s.close()
}

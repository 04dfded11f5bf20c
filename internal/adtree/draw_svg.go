package adtree

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sizes in the SVG drawing, in user units (pixels).
const (
	svgMargin       = 24.0
	svgTitleSize    = 16.0
	svgHeader       = 68.0 // title and legend above the tree
	svgNameSize     = 12.0
	svgNameLead     = 15.0
	svgTagSize      = 12.0 // every text of a node is at least 12 px at scale 1
	svgTagLead      = 15.0
	svgAttrSize     = 12.0
	svgAttrLead     = 15.0
	svgPadX         = 12.0
	svgPadTop       = 8.0
	svgPadBottom    = 8.0
	svgMinWidth     = 56.0
	svgMaxNameLines = 4
	svgMaxNameRunes = 400 // of a name drawn in a box; the tooltip has all
	svgLegendSize   = 11.0
	svgBadgeRadius  = 7.0
	svgCharPx       = 6.6 // a character of a name, on average, for MaxLabelWidth
)

// WriteSVG writes a drawing of t as a self-contained SVG document: inline
// presentation attributes only, no fonts, style sheets, scripts, images or
// links; a title and a description for accessibility and a title on each
// node, which viewers show on hovering, with its full name and attributes.
// The layout is layered top-down from the goal (see layoutDrawing): attack
// nodes are red rounded boxes, defences green square ones, with the gate
// (AND, OR, SAND), the name wrapped to opt.MaxLabelWidth and a leaf's
// attributes; the children of a sequential gate are numbered 1, 2, 3...
// along their edges; countermeasure edges are dashed; defences out of force
// are grey and dashed; the highlighted attack is orange and bold; a legend
// explains what appears. The output is the same bytes for the same input.
// It returns an error if t fails Check or w fails.
func WriteSVG(w io.Writer, t *Tree, opt DrawOptions) error {
	d, err := newDrawing(t, opt)
	if err != nil {
		return err
	}
	boxes := d.svgBoxes()
	ws := make([]float64, len(boxes))
	hs := make([]float64, len(boxes))
	for i, b := range boxes {
		ws[i], hs[i] = b.w, b.h
	}
	L := layoutDrawing(d, ws, hs)
	bw := bufio.NewWriter(w)
	s := &svgWriter{d: d, L: L, boxes: boxes, w: bw}
	s.write()
	return bw.Flush()
}

// svgBox is the text of a node's box and its size.
type svgBox struct {
	tag   string
	name  []string
	attrs []string
	w, h  float64
}

func (d *drawing) svgBoxes() []svgBox {
	maxName := float64(d.opt.labelWidth()) * svgCharPx
	nameWidth := func(s string) float64 { return svgTextWidth(s, svgNameSize) }
	attrWidth := func(s string) float64 { return svgTextWidth(s, svgAttrSize) }
	out := make([]svgBox, len(d.nodes))
	for i, n := range d.nodes {
		name := d.name(n)
		if utf8.RuneCountInString(name) > svgMaxNameRunes {
			name = string([]rune(name)[:svgMaxNameRunes])
		}
		b := svgBox{tag: d.tag(n), name: drawWrap(name, maxName, nameWidth, svgMaxNameLines)}
		b.attrs = drawPack(d.attrs(i), math.Max(maxName, 120), attrWidth)
		text := 0.0
		b.h = svgPadTop + svgPadBottom
		if b.tag != "" {
			text = svgTextWidth(b.tag, svgTagSize) + float64(len(b.tag))
			b.h += svgTagLead
		}
		for _, l := range b.name {
			text = math.Max(text, nameWidth(l))
			b.h += svgNameLead
		}
		for _, l := range b.attrs {
			text = math.Max(text, attrWidth(l))
			b.h += svgAttrLead
		}
		pad := svgPadX
		if n.Role == Attack {
			pad += 4 // round ends
		}
		b.w = math.Max(svgMinWidth, math.Ceil(text+2*pad))
		out[i] = b
	}
	return out
}

// svgWidths are the advance widths of Helvetica (and Arial) for ASCII
// 32..126, in thousandths of an em.
var svgWidths = [95]uint16{
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556,
	278, 278, 584, 584, 584, 556, 1015,
	667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,
	278, 278, 278, 469, 556, 333,
	556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500,
	334, 260, 334, 584,
}

// svgTextWidth estimates the width of s at a font size: Helvetica's widths
// for ASCII, a full em for wide (East Asian) characters, 0.6 em for the
// rest, all 10% wider to allow for broader fallback fonts.
func svgTextWidth(s string, size float64) float64 {
	total := 0
	for _, r := range s {
		switch {
		case r >= 32 && r <= 126:
			total += int(svgWidths[r-32])
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
			(r >= 0xFF00 && r <= 0xFFEF) || r == '…' || r == '→':
			total += 1000
		default:
			total += 600
		}
	}
	return float64(total) / 1000 * size * 1.1
}

type svgWriter struct {
	d     *drawing
	L     *drawLayout
	boxes []svgBox
	w     *bufio.Writer
	dx    float64 // where the layout's x = 0 is
	dy    float64 // where the layout's y = 0 is
}

type svgLegendItem struct {
	label string
	draw  func(x, y float64) // sample 28 wide, centred on y
}

func (s *svgWriter) legend() []svgLegendItem {
	d := s.d
	// Only what the drawing has: a tree without defences has no defence
	// in its legend.
	var items []svgLegendItem
	if d.anyAttack {
		items = append(items, svgLegendItem{d.w.Attack, func(x, y float64) {
			s.sampleBox(x, y, 8, drawAttackFill, drawAttackStroke, "1.2", "")
		}})
	}
	if d.anyDefence {
		items = append(items, svgLegendItem{d.w.Defence, func(x, y float64) {
			s.sampleBox(x, y, 2, drawDefenceFill, drawDefenceLine, "1.2", "")
		}})
	}
	if d.anyHi {
		label := drawClean(d.opt.HighlightLabel)
		if label == "" {
			label = "Cheapest attack"
		}
		items = append(items, svgLegendItem{label, func(x, y float64) {
			s.sampleBox(x, y, 8, drawHiAttack, drawHiColour, "2.5", "")
		}})
	}
	if d.anyOff {
		items = append(items, svgLegendItem{d.w.DefenceOff, func(x, y float64) {
			s.sampleBox(x, y, 2, drawOffFill, drawOffStroke, "1.2", "4 3")
		}})
	}
	if d.anyCtr {
		items = append(items, svgLegendItem{d.w.Countermeasure, func(x, y float64) {
			fmt.Fprintf(s.w, `<path d="M%s %sH%s" stroke="%s" stroke-width="1.3" stroke-dasharray="5 4"/>`+"\n",
				f1(x), f1(y), f1(x+28), drawEdgeColour)
		}})
	}
	if d.anySand {
		items = append(items, svgLegendItem{d.w.Sequence, func(x, y float64) {
			s.badge(x+14, y, 1, false)
		}})
	}
	return items
}

func (s *svgWriter) legendWidth(items []svgLegendItem) float64 {
	w := 0.0
	for i, it := range items {
		if i > 0 {
			w += 18
		}
		w += 28 + 6 + svgTextWidth(it.label, svgLegendSize)
	}
	return w
}

func (s *svgWriter) sampleBox(x, y, rx float64, fill, stroke, width, dash string) {
	fmt.Fprintf(s.w, `<rect x="%s" y="%s" width="28" height="16" rx="%s" fill="%s" stroke="%s" stroke-width="%s"%s/>`+"\n",
		f1(x), f1(y-8), f1(rx), fill, stroke, width, svgDash(dash))
}

func svgDash(dash string) string {
	if dash == "" {
		return ""
	}
	return ` stroke-dasharray="` + dash + `"`
}

func (s *svgWriter) write() {
	d, L, w := s.d, s.L, s.w
	title := d.opt.title(d.t)
	items := s.legend()
	content := math.Max(L.width, math.Max(s.legendWidth(items), svgTextWidth(title, svgTitleSize)*1.05))
	width := math.Ceil(content + 2*svgMargin)
	height := math.Ceil(svgMargin + svgHeader + L.bottom + svgMargin)
	s.dx = svgMargin + (content-L.width)/2
	s.dy = svgMargin + svgHeader

	w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-labelledby="adtree-title adtree-desc" font-family="%s">`+"\n",
		f1(width), f1(height), f1(width), f1(height), drawFont)
	fmt.Fprintf(w, "<title id=\"adtree-title\">%s</title>\n", svgEsc(title))
	fmt.Fprintf(w, "<desc id=\"adtree-desc\">%s</desc>\n", svgEsc(s.description()))
	fmt.Fprintf(w, `<rect width="%s" height="%s" fill="#ffffff"/>`+"\n", f1(width), f1(height))
	fmt.Fprintf(w, `<text x="%s" y="%s" font-size="%s" font-weight="bold" fill="%s">%s</text>`+"\n",
		f1(svgMargin), f1(svgMargin+svgTitleSize-2), f1(svgTitleSize), drawText, svgEsc(title))

	w.WriteString("<g>\n")
	x, y := svgMargin, svgMargin+svgTitleSize+20
	for _, it := range items {
		it.draw(x, y)
		fmt.Fprintf(w, `<text x="%s" y="%s" font-size="%s" fill="%s">%s</text>`+"\n",
			f1(x+34), f1(y+4), f1(svgLegendSize), drawMuted, svgEsc(it.label))
		x += 28 + 6 + svgTextWidth(it.label, svgLegendSize) + 18
	}
	w.WriteString("</g>\n")

	// Highlighted edges go last so that they lie on top of the others.
	w.WriteString("<g fill=\"none\">\n")
	for _, hi := range []bool{false, true} {
		for k, e := range d.edges {
			if d.edgeHi(e) == hi {
				s.edge(k, e)
			}
		}
	}
	for _, hi := range []bool{false, true} {
		for k, e := range d.edges {
			if e.seq > 0 && d.edgeHi(e) == hi {
				x, y := s.badgeAt(k)
				s.badge(x, y, e.seq, hi)
			}
		}
	}
	w.WriteString("</g>\n<g>\n")
	for i := range d.nodes {
		s.node(i)
	}
	w.WriteString("</g>\n</svg>\n")
}

// description is the drawing's <desc>: what it shows, in words.
func (s *svgWriter) description() string {
	d := s.d
	var attack, defence, shared int
	parents := make([]int, len(d.nodes))
	for _, e := range d.edges {
		parents[e.to]++
	}
	for i, n := range d.nodes {
		if n.Role == Attack {
			attack++
		} else {
			defence++
		}
		if parents[i] > 1 {
			shared++
		}
	}
	var b strings.Builder
	b.WriteString(d.w.Sprintf(d.w.Describe, drawClean(d.t.ID), drawClean(d.t.Goal()), len(d.nodes), attack, defence))
	if shared > 0 {
		b.WriteString(d.w.Sprintf(d.w.Shared, shared))
	}
	b.WriteString(d.w.Boxes)
	if d.anyOff {
		var off []string
		for i, o := range d.off {
			if o {
				off = append(off, d.name(d.nodes[i]))
			}
		}
		b.WriteString(d.w.Sprintf(d.w.Off, d.list(off)))
	}
	if d.anyHi {
		b.WriteString(d.w.Sprintf(d.w.Highlighted, d.list(drawSorted(d.opt.Highlight))))
	}
	return b.String()
}

func (d *drawing) list(xs []string) string {
	const most = 20
	if len(xs) > most {
		return strings.Join(xs[:most], ", ") + d.w.Sprintf(d.w.More, len(xs)-most)
	}
	return strings.Join(xs, ", ")
}

// edge draws edge k: from the bottom of the parent's box to the top of the
// child's, a cubic curve between layers and straight down through the
// layers a long edge crosses.
func (s *svgWriter) edge(k int, e drawEdge) {
	L := s.L
	chain := L.chains[k]
	var p strings.Builder
	u := chain[0]
	cx, cy := s.dx+L.x[u], s.dy+L.top[L.layer[u]]+L.h[u]
	fmt.Fprintf(&p, "M%s %s", f1(cx), f1(cy))
	for _, v := range chain[1:] {
		nx, ny := s.dx+L.x[v], s.dy+L.top[L.layer[v]]
		my := (cy + ny) / 2
		fmt.Fprintf(&p, "C%s %s %s %s %s %s", f1(cx), f1(my), f1(nx), f1(my), f1(nx), f1(ny))
		cx, cy = nx, ny
		if v >= L.n { // a dummy: straight down through its layer
			cy = ny + L.height[L.layer[v]]
			fmt.Fprintf(&p, "V%s", f1(cy))
		}
	}
	colour, width, dash := drawEdgeColour, "1.3", ""
	if e.counter {
		dash = "5 4"
	}
	if s.d.edgeHi(e) {
		colour, width = drawHiColour, "2.6"
	}
	fmt.Fprintf(s.w, `<path d="%s" stroke="%s" stroke-width="%s"%s/>`+"\n", p.String(), colour, width, svgDash(dash))
}

// badgeAt is where the order of a sequential child is written: on the
// last curve of its edge, a little above the child.
func (s *svgWriter) badgeAt(k int) (float64, float64) {
	L := s.L
	chain := L.chains[k]
	u, v := chain[len(chain)-2], chain[len(chain)-1]
	x0, y0 := s.dx+L.x[u], s.dy+L.top[L.layer[u]]+L.height[L.layer[u]]
	if u < L.n {
		y0 = s.dy + L.top[L.layer[u]] + L.h[u]
	}
	x1, y1 := s.dx+L.x[v], s.dy+L.top[L.layer[v]]
	target := y1 - svgBadgeRadius - 5
	// On the curve, y(t) = y0 + (y1-y0)(3t²-2t³) and x likewise: find t.
	lo, hi := 0.0, 1.0
	for range 40 {
		t := (lo + hi) / 2
		if y0+(y1-y0)*(3*t*t-2*t*t*t) < target {
			lo = t
		} else {
			hi = t
		}
	}
	f := 3*lo*lo - 2*lo*lo*lo
	return x0 + (x1-x0)*f, y0 + (y1-y0)*f
}

func (s *svgWriter) badge(x, y float64, n int, hi bool) {
	stroke := drawEdgeColour
	if hi {
		stroke = drawHiColour
	}
	fmt.Fprintf(s.w, `<circle cx="%s" cy="%s" r="%s" fill="#ffffff" stroke="%s" stroke-width="1.2"/>`+"\n",
		f1(x), f1(y), f1(svgBadgeRadius), stroke)
	fmt.Fprintf(s.w, `<text x="%s" y="%s" font-size="9" font-weight="bold" text-anchor="middle" fill="%s">%d</text>`+"\n",
		f1(x), f1(y+3.2), drawText, n)
}

func (s *svgWriter) node(i int) {
	d, L, b, w := s.d, s.L, s.boxes[i], s.w
	n := d.nodes[i]
	x, y, bw, bh := L.box(i)
	x += s.dx
	y += s.dy
	rx, fill, stroke, width, dash, text := math.Min(16, bh/2), drawAttackFill, drawAttackStroke, "1.2", "", drawText
	if n.Role == Defence {
		rx, fill, stroke = 2, drawDefenceFill, drawDefenceLine
	}
	if d.off[i] {
		fill, stroke, dash, text = drawOffFill, drawOffStroke, "4 3", drawOffText
	}
	if d.hi[i] {
		stroke, width = drawHiColour, "2.8"
		if !d.off[i] {
			fill = drawHiAttack
			if n.Role == Defence {
				fill = drawHiDefence
			}
		}
	}
	fmt.Fprintf(w, "<g>\n<title>%s</title>\n", svgEsc(d.tooltip(i)))
	fmt.Fprintf(w, `<rect x="%s" y="%s" width="%s" height="%s" rx="%s" fill="%s" stroke="%s" stroke-width="%s"%s/>`+"\n",
		f1(x), f1(y), f1(bw), f1(bh), f1(rx), fill, stroke, width, svgDash(dash))
	cx := f1(x + bw/2)
	ty := y + svgPadTop
	line := func(size, lead float64, colour, extra, s string) {
		fmt.Fprintf(w, `<text x="%s" y="%s" font-size="%s" text-anchor="middle" fill="%s"%s>%s</text>`+"\n",
			cx, f1(ty+lead*0.5+size*0.36), f1(size), colour, extra, svgEsc(s))
		ty += lead
	}
	if b.tag != "" {
		muted := drawMuted
		if d.off[i] {
			muted = drawOffText
		}
		line(svgTagSize, svgTagLead, muted, ` font-weight="bold" letter-spacing="1"`, b.tag)
	}
	for _, l := range b.name {
		line(svgNameSize, svgNameLead, text, "", l)
	}
	for _, l := range b.attrs {
		muted := drawMuted
		if d.off[i] {
			muted = drawOffText
		}
		line(svgAttrSize, svgAttrLead, muted, "", l)
	}
	w.WriteString("</g>\n")
}

// f1 formats a coordinate with one decimal at most.
func f1(x float64) string {
	x = math.Round(x*10) / 10
	if x == 0 {
		return "0"
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// svgEsc escapes text for XML content and attributes, dropping characters
// XML cannot hold.
func svgEsc(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\'':
			b.WriteString("&#39;")
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

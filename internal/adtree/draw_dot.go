package adtree

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Colours shared by the DOT and SVG drawings.
const (
	drawAttackFill   = "#fdecea"
	drawAttackStroke = "#c0392b"
	drawDefenceFill  = "#e8f5e9"
	drawDefenceLine  = "#2e7d32"
	drawOffFill      = "#f1f1f1"
	drawOffStroke    = "#9e9e9e"
	drawOffText      = "#757575"
	drawText         = "#222222"
	drawMuted        = "#666666"
	drawEdgeColour   = "#7a7a7a"
	drawHiColour     = "#e07000"
	drawHiAttack     = "#f9c9c1"
	drawHiDefence    = "#c8e6c9"
	drawFont         = "Helvetica, Arial, sans-serif"
)

// WriteDOT writes t as a Graphviz digraph: one graph node per distinct tree
// node (a shared node once, with an edge from each parent), attack nodes as
// red ellipses, defences as green boxes, each label giving the gate (AND,
// OR, SAND), the name and a leaf's attributes. The children of a sequential
// gate are in order left to right and their edges numbered 1, 2, 3...;
// countermeasure edges are dashed; defences out of force are grey and
// dashed; the highlighted attack (opt.Highlight) is drawn in bold orange.
// Every string from the tree is quoted and escaped: it cannot change the
// graph's structure. It returns an error if t fails Check or w fails.
func WriteDOT(w io.Writer, t *Tree, opt DrawOptions) error {
	d, err := newDrawing(t, opt)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	d.writeDOT(bw)
	return bw.Flush()
}

func (d *drawing) writeDOT(w *bufio.Writer) {
	font := dotQuote(drawFont)
	fmt.Fprintf(w, "digraph %s {\n", dotQuote(d.t.ID))
	fmt.Fprintf(w, "\tgraph [label=%s, labelloc=\"t\", fontname=%s, fontsize=\"14\", ordering=\"out\", nodesep=\"0.3\", ranksep=\"0.5\"];\n",
		dotQuote(d.opt.title(d.t)), font)
	fmt.Fprintf(w, "\tnode [fontname=%s, fontsize=\"10\", fontcolor=%s, style=\"filled\", penwidth=\"1.2\", margin=\"0.12,0.06\"];\n",
		font, dotQuote(drawText))
	fmt.Fprintf(w, "\tedge [color=%s, arrowhead=\"none\", fontname=%s, fontsize=\"9\", labelfontname=%s, labelfontsize=\"9\", labeldistance=\"1.6\", labelangle=\"-40\"];\n",
		dotQuote(drawEdgeColour), font, font)
	for i, n := range d.nodes {
		fmt.Fprintf(w, "\tn%d [%s];\n", i, d.dotNodeAttrs(i, n))
	}
	for _, e := range d.edges {
		var attrs []string
		if e.counter {
			attrs = append(attrs, `style="dashed"`)
		}
		if e.seq > 0 {
			attrs = append(attrs, fmt.Sprintf(`headlabel="%d"`, e.seq))
		}
		if d.edgeHi(e) {
			attrs = append(attrs, `color=`+dotQuote(drawHiColour), `penwidth="2.5"`)
		}
		if len(attrs) == 0 {
			fmt.Fprintf(w, "\tn%d -> n%d;\n", e.from, e.to)
		} else {
			fmt.Fprintf(w, "\tn%d -> n%d [%s];\n", e.from, e.to, strings.Join(attrs, ", "))
		}
	}
	w.WriteString("}\n")
}

func (d *drawing) dotNodeAttrs(i int, n *Node) string {
	var lines []string
	if tag := d.tag(n); tag != "" {
		lines = append(lines, tag)
	}
	lines = append(lines, drawWrap(d.name(n), float64(d.opt.labelWidth()), drawRunes, 0)...)
	if attrs := d.attrs(i); len(attrs) > 0 {
		lines = append(lines, drawPack(attrs, float64(d.opt.labelWidth()+6), drawRunes)...)
	}
	shape, fill, stroke := "ellipse", drawAttackFill, drawAttackStroke
	if n.Role == Defence {
		shape, fill, stroke = "box", drawDefenceFill, drawDefenceLine
	}
	style := ""
	font := ""
	if d.off[i] {
		fill, stroke, style, font = drawOffFill, drawOffStroke, "filled,dashed", drawOffText
	}
	width := ""
	if d.hi[i] {
		stroke, width = drawHiColour, "3"
		if !d.off[i] {
			fill = drawHiAttack
			if n.Role == Defence {
				fill = drawHiDefence
			}
		}
	}
	attrs := []string{
		"label=" + dotQuote(strings.Join(lines, "\n")),
		"shape=" + dotQuote(shape),
		"fillcolor=" + dotQuote(fill),
		"color=" + dotQuote(stroke),
	}
	if style != "" {
		attrs = append(attrs, "style="+dotQuote(style))
	}
	if font != "" {
		attrs = append(attrs, "fontcolor="+dotQuote(font))
	}
	if width != "" {
		attrs = append(attrs, "penwidth="+dotQuote(width))
	}
	attrs = append(attrs, "tooltip="+dotQuote(d.tooltip(i)))
	return strings.Join(attrs, ", ")
}

// dotQuote makes s a DOT quoted string whose text Graphviz shows as s. A
// newline becomes the line break \n; a quote is escaped; a backslash and
// an ampersand become HTML entities, which Graphviz decodes in labels, so
// that no character of s can end the string or start an escape sequence
// (\N, \G, \l...), whatever version of the lexer reads it.
func dotQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString("&#92;")
		case r == '&':
			b.WriteString("&amp;")
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

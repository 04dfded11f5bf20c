package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/scrutin/scrutin/internal/i18n"
)

// HTML writes the report in language l as one self-contained HTML
// document: styles inline, charts as inline SVG each followed by the
// tables of its data, no script and no reference to anything outside the
// file but its own anchors. It is also well-formed XML, prints well (A4,
// page breaks between sections) and reads with the keyboard and a screen
// reader. The same report and language give the same bytes.
func (r *Report) HTML(w io.Writer, l i18n.Lang) error {
	d := r.layout(l)
	bw := bufio.NewWriter(w)
	h := &htmlWriter{w: bw}
	h.document(d)
	return bw.Flush()
}

type htmlWriter struct {
	w      *bufio.Writer
	tables int // tables written, for their ids
}

func (h *htmlWriter) printf(format string, args ...any) { fmt.Fprintf(h.w, format, args...) }

func (h *htmlWriter) document(d *document) {
	h.printf("<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n", esc(string(d.lang)))
	h.printf("<meta charset=\"utf-8\" />\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n")
	h.printf("<meta name=\"generator\" content=\"scrutin\" />\n")
	h.printf("<title>%s — %s</title>\n<style>\n%s</style>\n</head>\n<body>\n", esc(d.title), esc(d.kicker), stylesheet)
	if len(d.sections) > 0 {
		h.printf("<a class=\"skip\" href=\"#%s\">%s</a>\n", d.sections[0].id, esc(d.sections[0].title))
	}
	h.printf("<header class=\"cover\">\n<p class=\"kicker\">%s</p>\n<h1>%s</h1>\n", esc(d.kicker), esc(d.title))
	if d.intro != "" {
		h.printf("<p class=\"intro\">%s</p>\n", esc(d.intro))
	}
	h.printf("<ul class=\"meta\">\n")
	for _, m := range d.meta {
		h.printf("<li>%s</li>\n", esc(m))
	}
	h.printf("</ul>\n</header>\n")
	h.printf("<nav class=\"toc\" aria-labelledby=\"toc-title\">\n<h2 id=\"toc-title\">%s</h2>\n<ol>\n", esc(d.contents))
	for _, s := range d.sections {
		h.printf("<li><a href=\"#%s\">%s</a></li>\n", s.id, esc(s.title))
	}
	h.printf("</ol>\n</nav>\n<main>\n")
	for i, s := range d.sections {
		class := ""
		if s.newPage {
			class = ` class="new-page"`
		}
		h.printf("<section id=\"%s\"%s aria-labelledby=\"%s-title\">\n<h2 id=\"%s-title\"><span class=\"num\">%d</span> %s</h2>\n",
			s.id, class, s.id, s.id, i+1, esc(s.title))
		for _, b := range s.blocks {
			h.block(b)
		}
		h.printf("</section>\n")
	}
	h.printf("</main>\n<footer>\n<p>%s</p>\n</footer>\n</body>\n</html>\n", esc(d.footer))
}

func (h *htmlWriter) block(b block) {
	switch b := b.(type) {
	case para:
		class := ""
		if b.class != "" {
			class = ` class="` + esc(b.class) + `"`
		}
		h.printf("<p%s>", class)
		if b.lead != "" {
			h.printf("<strong>%s</strong> ", esc(b.lead))
		}
		h.printf("%s</p>\n", esc(b.text))
	case subheading:
		h.printf("<h%d id=\"%s\">%s</h%d>\n", b.level, esc(b.id), esc(b.text), b.level)
	case bullets:
		h.printf("<ul>\n")
		for _, it := range b.items {
			h.printf("<li>%s</li>\n", esc(it))
		}
		h.printf("</ul>\n")
	case docTable:
		h.table(b)
	case figure:
		// The figure holds the caption and the chart, which print on one
		// page; the tables of its data follow it.
		h.printf("<div class=\"figure\" id=\"%s\">\n<figure>\n<figcaption>%s</figcaption>\n<div class=\"chart-wrap\">%s</div>\n</figure>\n",
			esc(b.id), esc(b.caption), b.svg)
		for _, t := range b.tables {
			h.table(t)
		}
		h.printf("</div>\n")
	case verdictBox:
		h.printf("<div class=\"verdict verdict-%s\">\n<p class=\"answer\">%s</p>\n<p class=\"sentence\">%s</p>\n", esc(b.state), esc(b.answer), esc(b.sentence))
		if len(b.tiles) > 0 {
			h.printf("<dl class=\"tiles\">\n")
			for _, t := range b.tiles {
				h.printf("<div class=\"tile\"><dt>%s</dt><dd><span class=\"value\">%s</span>", esc(t.label), esc(t.value))
				if t.detail != "" {
					h.printf("<span class=\"detail\">%s</span>", esc(t.detail))
				}
				h.printf("</dd></div>\n")
			}
			h.printf("</dl>\n")
		}
		h.printf("</div>\n")
	case definitions:
		h.printf("<dl class=\"defs\">\n")
		for _, it := range b.items {
			h.printf("<dt>%s</dt><dd>%s</dd>\n", esc(it[0]), esc(it[1]))
		}
		h.printf("</dl>\n")
	}
}

func (h *htmlWriter) table(t docTable) {
	h.tables++
	id := "table-" + strconv.Itoa(h.tables)
	h.printf("<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"%s\" tabindex=\"0\">\n<table>\n<caption id=\"%s\">%s</caption>\n", id, id, esc(t.caption))
	align := func(i int) string {
		if i < len(t.align) && t.align[i] == 'r' {
			return "r"
		}
		return "l"
	}
	h.printf("<thead><tr>")
	for i, c := range t.head {
		h.printf("<th scope=\"col\" class=\"%s\">%s</th>", align(i), esc(c))
	}
	h.printf("</tr></thead>\n<tbody>\n")
	for ri, row := range t.rows {
		if ri < len(t.mark) && t.mark[ri] {
			h.printf("<tr class=\"mark\">")
		} else {
			h.printf("<tr>")
		}
		for i, c := range row {
			if i == 0 {
				h.printf("<th scope=\"row\" class=\"%s\">%s</th>", align(i), esc(c))
			} else {
				h.printf("<td class=\"%s\">%s</td>", align(i), esc(c))
			}
		}
		h.printf("</tr>\n")
	}
	h.printf("</tbody>\n</table>\n")
	if t.note != "" {
		h.printf("<p class=\"table-note\">%s</p>\n", esc(t.note))
	}
	h.printf("</div>\n")
}

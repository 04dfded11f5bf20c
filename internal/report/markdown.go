package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/scrutin/scrutin/internal/i18n"
)

// Markdown writes the report in language l as GitHub-flavoured Markdown:
// the same content as HTML, each chart given by the tables of its data.
// The same report and language give the same bytes.
func (r *Report) Markdown(w io.Writer, l i18n.Lang) error {
	d := r.layout(l)
	bw := bufio.NewWriter(w)
	m := &mdWriter{w: bw, p: i18n.New(l)}
	m.document(d)
	return bw.Flush()
}

type mdWriter struct {
	w *bufio.Writer
	p *i18n.Printer
}

func (m *mdWriter) printf(format string, args ...any) { fmt.Fprintf(m.w, format, args...) }

// mdEscape escapes the characters Markdown would read as markup, and
// folds line breaks.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '#':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdAnchor is the anchor GitHub gives a heading: lower case, punctuation
// dropped, spaces as hyphens.
func mdAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (m *mdWriter) document(d *document) {
	m.printf("# %s\n\n*%s*\n\n", mdEscape(d.title), mdEscape(d.kicker))
	if d.intro != "" {
		m.printf("%s\n\n", mdEscape(d.intro))
	}
	for _, line := range d.meta {
		m.printf("- %s\n", mdEscape(line))
	}
	m.printf("\n## %s\n\n", mdEscape(d.contents))
	for i, s := range d.sections {
		title := fmt.Sprintf("%d. %s", i+1, s.title)
		m.printf("%d. [%s](#%s)\n", i+1, mdEscape(s.title), mdAnchor(title))
	}
	m.printf("\n")
	for i, s := range d.sections {
		m.printf("## %d. %s\n\n", i+1, mdEscape(s.title))
		for _, b := range s.blocks {
			m.block(b)
		}
	}
	m.printf("---\n\n%s\n", mdEscape(d.footer))
}

func (m *mdWriter) block(b block) {
	switch b := b.(type) {
	case para:
		text := mdEscape(b.text)
		if b.lead != "" {
			text = "**" + mdEscape(b.lead) + "** " + text
		}
		if b.class == "note" {
			text = "*" + text + "*"
		}
		m.printf("%s\n\n", text)
	case subheading:
		m.printf("%s %s\n\n", strings.Repeat("#", b.level), mdEscape(b.text))
	case bullets:
		for _, it := range b.items {
			m.printf("- %s\n", mdEscape(it))
		}
		m.printf("\n")
	case docTable:
		m.table(b)
	case figure:
		m.printf("**%s**\n\n", mdEscape(b.caption))
		for _, t := range b.tables {
			m.table(t)
		}
	case verdictBox:
		m.printf("> **%s**\n>\n> %s\n", mdEscape(b.answer), mdEscape(b.sentence))
		if len(b.tiles) > 0 {
			m.printf(">\n")
			for _, t := range b.tiles {
				v := mdEscape(t.value)
				if t.detail != "" {
					v += " (" + mdEscape(t.detail) + ")"
				}
				m.printf("> - %s\n", m.p.T("report.md.def", mdEscape(t.label), v))
			}
		}
		m.printf("\n")
	case definitions:
		for _, it := range b.items {
			m.printf("- %s\n", m.p.T("report.md.def", mdEscape(it[0]), mdEscape(it[1])))
		}
		m.printf("\n")
	}
}

func (m *mdWriter) table(t docTable) {
	m.printf("*%s*\n\n", mdEscape(t.caption))
	row := func(cells []string, bold bool) {
		m.printf("|")
		for _, c := range cells {
			c = mdEscape(c)
			if bold && c != "" {
				c = "**" + c + "**"
			}
			m.printf(" %s |", c)
		}
		m.printf("\n")
	}
	row(t.head, false)
	m.printf("|")
	for i := range t.head {
		if i < len(t.align) && t.align[i] == 'r' {
			m.printf(" ---: |")
		} else {
			m.printf(" --- |")
		}
	}
	m.printf("\n")
	for i, r := range t.rows {
		row(r, i < len(t.mark) && t.mark[i])
	}
	m.printf("\n")
	if t.note != "" {
		m.printf("*%s*\n\n", mdEscape(t.note))
	}
}

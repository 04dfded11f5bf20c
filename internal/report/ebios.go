package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

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
// workshops as text, in lang (the method's vocabulary in French): the
// same document as the HTML and Markdown deliverables, its figures given
// by their tables.
func EbiosText(w io.Writer, st *ebios.Study, lang i18n.Lang) error {
	bw := bufio.NewWriter(w)
	textDocument(bw, ebiosLayout(st, lang))
	return bw.Flush()
}

// textDocument writes a document as plain text: headings underlined,
// paragraphs on a line each, tables aligned in columns under their
// caption.
func textDocument(w io.Writer, d *document) {
	fmt.Fprintf(w, "%s\n%s\n", d.kicker, d.title)
	for _, m := range d.meta {
		fmt.Fprintf(w, "%s\n", m)
	}
	if d.intro != "" {
		fmt.Fprintf(w, "%s\n", d.intro)
	}
	for _, s := range d.sections {
		fmt.Fprintf(w, "\n%s\n%s\n", s.title, strings.Repeat("=", utf8.RuneCountInString(s.title)))
		for _, b := range s.blocks {
			textBlock(w, b)
		}
	}
}

func textBlock(w io.Writer, b block) {
	switch b := b.(type) {
	case para:
		if b.lead != "" {
			fmt.Fprintf(w, "%s %s\n", b.lead, b.text)
		} else {
			fmt.Fprintf(w, "%s\n", b.text)
		}
	case subheading:
		fmt.Fprintf(w, "\n%s\n", b.text)
	case bullets:
		for _, it := range b.items {
			fmt.Fprintf(w, "  - %s\n", it)
		}
	case docTable:
		fmt.Fprintf(w, "\n%s\n", b.caption)
		t := Table{Align: b.align}
		t.Add(b.head...)
		for _, r := range b.rows {
			t.Add(r...)
		}
		t.Write(w, "  ")
		if b.note != "" {
			fmt.Fprintf(w, "  %s\n", b.note)
		}
	case figure:
		for _, t := range b.tables {
			textBlock(w, t)
		}
	}
}

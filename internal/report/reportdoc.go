package report

import (
	"strings"

	"github.com/scrutin/scrutin/internal/i18n"
)

// A document is a report laid out for one language, which the HTML and
// Markdown renderers both write: the same words, tables and figures.
type document struct {
	lang     i18n.Lang
	kicker   string   // what the document is
	title    string   // the model's name
	meta     []string // lines under the title
	intro    string   // the model's description
	contents string   // the table of contents' heading
	sections []section
	footer   string
}

type section struct {
	id, title string
	// newPage starts the section on a new page in print.
	newPage bool
	blocks  []block
}

// block is one of para, subheading, bullets, docTable, figure, verdictBox,
// definitions.
type block any

// para is a paragraph; lead, when set, opens it in bold. class "note"
// marks small print.
type para struct {
	lead, text, class string
}

// subheading is a heading below the section's: level 3 or 4.
type subheading struct {
	level    int
	id, text string
}

type bullets struct{ items []string }

// table is a data table: its caption, column headers, rows. align holds
// 'l' or 'r' per column; the first cell of each row heads its row.
type docTable struct {
	caption string
	head    []string
	align   string
	rows    [][]string
	// mark, when set, says which rows to highlight (the recommended plan).
	mark []bool
	// note is small print under the table.
	note string
}

// figure is a chart with its data: the SVG for the HTML report, and the
// tables that say the same in words and numbers (the Markdown report and
// readers without images read those).
type figure struct {
	id      string
	caption string
	svg     string
	tables  []docTable
}

// verdictBox opens the report: the answer to "is the risk significant?".
type verdictBox struct {
	state    string // significant, reduced, within, none (CSS classes)
	answer   string
	sentence string
	tiles    []tile
}

type tile struct{ label, value, detail string }

// definitions is a list of terms and their descriptions.
type definitions struct {
	items [][2]string
}

// slug makes an id usable in an anchor from a model id.
func slug(prefix, id string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

package adtree

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DrawOptions says what a drawing (WriteDOT, WriteSVG) shows. The zero
// value draws the tree with every defence in force and nothing highlighted.
type DrawOptions struct {
	// Context says which defences are in force, as for Evaluate. Defence
	// leaves out of force are drawn greyed, and the highlighted attack is
	// read under it.
	Context Context
	// Highlight is an attack to highlight, as the ids of the leaves it
	// performs and "bypass:ID" for a defence it pays to get round: typically
	// Result.Cheapest[0].Leaves. Its leaves, the nodes it achieves on its
	// way to the goal (see Achieved; for an attack that does not reach the
	// goal, those it achieves above its leaves) and the edges between them
	// are drawn bold. Empty: nothing is highlighted.
	Highlight []string
	// HighlightLabel names the highlighted attack in the SVG legend
	// ("" means "Cheapest attack").
	HighlightLabel string
	// Title heads the drawing; "" means the tree's name, else its goal.
	Title string
	// Currency is written after costs ("EUR"); "" writes bare numbers.
	Currency string
	// Words are the drawing's words in another language (nil: English).
	Words *DrawWords
	// MaxLabelWidth is roughly how many characters of a name fit on one
	// line before it wraps (0 means 24; at least 8). In SVG a box shows at
	// most four lines of a name and the rest is in its tooltip.
	MaxLabelWidth int
}

const (
	drawDefaultLabelWidth = 24
	drawMinLabelWidth     = 8
)

func (o DrawOptions) labelWidth() int {
	switch {
	case o.MaxLabelWidth == 0:
		return drawDefaultLabelWidth
	case o.MaxLabelWidth < drawMinLabelWidth:
		return drawMinLabelWidth
	}
	return o.MaxLabelWidth
}

func (o DrawOptions) title(t *Tree) string {
	if o.Title != "" {
		return drawClean(o.Title)
	}
	if t.Name != "" {
		return drawClean(t.Name)
	}
	return drawClean(t.Goal())
}

// drawing is what both writers draw: the distinct nodes in depth-first
// order and, per node, whether it is highlighted or out of force.
type drawing struct {
	t      *Tree
	opt    DrawOptions
	nodes  []*Node
	index  map[*Node]int
	edges  []drawEdge
	hi     []bool // highlighted
	off    []bool // a defence leaf whose control is not in force
	anyHi  bool
	anyOff bool
	// anyAttack and anyDefence say that an attack node, or a defence in
	// force, is drawn in its plain colours (not highlighted), for a legend
	// that shows only what the drawing has.
	anyAttack  bool
	anyDefence bool
	anySand    bool
	anyCtr     bool
	w          DrawWords // opt.Words with the English defaults
}

// drawEdge is an edge of the tree: a child (Seq > 0 gives its place in a
// sequence) or a countermeasure.
type drawEdge struct {
	from, to int
	counter  bool
	seq      int
}

func newDrawing(t *Tree, opt DrawOptions) (*drawing, error) {
	if t == nil {
		return nil, errors.New("adtree: no tree to draw")
	}
	if err := t.Check(); err != nil {
		return nil, err
	}
	d := &drawing{t: t, opt: opt, nodes: t.Nodes(), index: map[*Node]int{}, w: opt.Words.withDefaults()}
	for i, n := range d.nodes {
		d.index[n] = i
	}
	d.off = make([]bool, len(d.nodes))
	for i, n := range d.nodes {
		for k, c := range n.Children {
			e := drawEdge{from: i, to: d.index[c]}
			if n.Gate == Sand {
				e.seq = k + 1
				d.anySand = true
			}
			d.edges = append(d.edges, e)
		}
		for _, c := range n.Counters {
			d.edges = append(d.edges, drawEdge{from: i, to: d.index[c], counter: true})
			d.anyCtr = true
		}
		if n.Role == Defence && n.Gate == Leaf && !opt.Context.inForce(n) {
			d.off[i] = true
			d.anyOff = true
		}
	}
	d.hi = d.highlight()
	for i, h := range d.hi {
		d.anyHi = d.anyHi || h
		if !h && !d.off[i] {
			if d.nodes[i].Role == Defence {
				d.anyDefence = true
			} else {
				d.anyAttack = true
			}
		}
	}
	return d, nil
}

// highlight marks the leaves of opt.Highlight and the nodes the attack
// achieves: those on a path of achieved nodes down from the goal when it
// reaches the goal, else those on a path of achieved nodes up from its
// leaves. Achieved nodes elsewhere (a defence out of force beside the
// attack, say) are not marked, because they play no part in it.
func (d *drawing) highlight() []bool {
	hi := make([]bool, len(d.nodes))
	if len(d.opt.Highlight) == 0 {
		return hi
	}
	want := map[string]bool{}
	for _, l := range d.opt.Highlight {
		want[l] = true
	}
	ach := Achieved(d.t, d.opt.Context, d.opt.Highlight)
	var queue []int
	for i, n := range d.nodes {
		if n.Gate != Leaf {
			continue
		}
		if (n.Role == Attack && want[n.ID]) || (n.Role == Defence && want["bypass:"+n.ID]) {
			hi[i] = true
			queue = append(queue, i)
		}
	}
	if ach[d.t.Root] {
		// A named leaf is marked already but its countermeasures are not:
		// walk with a set of its own.
		seen := make([]bool, len(d.nodes))
		queue = append(queue[:0], 0)
		seen[0], hi[0] = true, true
		for len(queue) > 0 {
			u := d.nodes[queue[0]]
			queue = queue[1:]
			for _, list := range [][]*Node{u.Children, u.Counters} {
				for _, c := range list {
					if j := d.index[c]; ach[c] && !seen[j] {
						seen[j], hi[j] = true, true
						queue = append(queue, j)
					}
				}
			}
		}
		return hi
	}
	parents := make([][]int, len(d.nodes))
	for _, e := range d.edges {
		parents[e.to] = append(parents[e.to], e.from)
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, p := range parents[v] {
			if ach[d.nodes[p]] && !hi[p] {
				hi[p] = true
				queue = append(queue, p)
			}
		}
	}
	return hi
}

// edgeHi reports whether an edge joins two highlighted nodes.
func (d *drawing) edgeHi(e drawEdge) bool { return d.hi[e.from] && d.hi[e.to] }

// name is what a node is called in a drawing.
func (d *drawing) name(n *Node) string {
	if s := drawClean(n.Name); s != "" {
		return s
	}
	return drawClean(n.ID)
}

// tag is the gate written in a node's label, in the drawing's words
// ("AND", "OR", "SAND" in English); "" for leaves.
func (d *drawing) tag(n *Node) string {
	switch n.Gate {
	case And:
		return d.w.GateAnd
	case Or:
		return d.w.GateOr
	case Sand:
		return d.w.GateSand
	}
	return ""
}

// attrs lists a leaf's attributes as short items for its label.
func (d *drawing) attrs(i int) []string {
	n, w := d.nodes[i], &d.w
	if n.Gate != Leaf {
		return nil
	}
	var out []string
	if n.Role == Defence {
		if n.Control != "" {
			out = append(out, w.Control+" "+drawClean(n.Control))
		}
		if d.off[i] {
			out = append(out, w.NotInForce)
		}
		if n.Has&AttrProbability != 0 {
			out = append(out, w.P+" "+w.Num(n.Probability))
		}
		if n.Has&AttrCost != 0 {
			out = append(out, w.Bypass+" "+d.money(n.Cost))
		}
		return out
	}
	if n.Has&AttrCost != 0 {
		out = append(out, w.Cost+" "+d.money(n.Cost))
	}
	if n.Has&AttrProbability != 0 {
		out = append(out, w.P+" "+w.Num(n.Probability))
	}
	if n.Has&AttrTime != 0 {
		out = append(out, w.Time+" "+w.Num(n.Time))
	}
	if n.Has&AttrSkill != 0 {
		out = append(out, w.Skill+" "+w.Num(n.Skill))
	}
	return out
}

func (d *drawing) money(x float64) string {
	if c := drawClean(d.opt.Currency); c != "" {
		return d.w.Num(x) + " " + c
	}
	return d.w.Num(x)
}

// role is the word of a node's role.
func (d *drawing) role(n *Node) string {
	if n.Role == Defence {
		return d.w.RoleDefence
	}
	return d.w.RoleAttack
}

// tooltip is the full description of a node, one fact a line.
func (d *drawing) tooltip(i int) string {
	n, w := d.nodes[i], &d.w
	kind := fmt.Sprintf(w.LeafKind, d.role(n))
	if n.Gate != Leaf {
		kind = fmt.Sprintf(w.GateKind, d.role(n), d.tag(n))
	}
	lines := []string{d.name(n), "id " + drawClean(n.ID) + ", " + kind}
	if n.Gate == Leaf {
		var facts []string
		if n.Role == Attack {
			if n.Has&AttrCost != 0 {
				facts = append(facts, w.Cost+" "+d.money(n.Cost))
			}
			if n.Has&AttrProbability != 0 {
				facts = append(facts, w.ProbSuccess+" "+w.Num(n.Probability))
			}
			if n.Has&AttrTime != 0 {
				facts = append(facts, w.Time+" "+w.Num(n.Time))
			}
			if n.Has&AttrSkill != 0 {
				facts = append(facts, w.Skill+" "+w.Num(n.Skill))
			}
		} else {
			if n.Control != "" {
				c := w.Control + " " + drawClean(n.Control)
				if d.off[i] {
					c += " (" + w.NotInForce + ")"
				} else {
					c += " (" + w.InForce + ")"
				}
				facts = append(facts, c)
			}
			if n.Has&AttrProbability != 0 {
				facts = append(facts, w.ProbStop+" "+w.Num(n.Probability))
			}
			if n.Has&AttrCost != 0 {
				facts = append(facts, w.BypassCost+" "+d.money(n.Cost))
			}
		}
		if len(facts) > 0 {
			lines = append(lines, strings.Join(facts, ", "))
		}
	}
	if d.hi[i] {
		lines = append(lines, w.PartOfHighlight)
	}
	return strings.Join(lines, "\n")
}

// drawClean makes a string safe to draw: valid UTF-8, runs of white space
// and control characters as single spaces, no leading or trailing space.
func drawClean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '\uFFFE' || r == '\uFFFF' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// drawNum formats a figure for a label: integers with thousands
// separators, other numbers with up to four significant digits.
func drawNum(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "∞"
	case math.IsInf(x, -1):
		return "-∞"
	}
	neg := x < 0
	a := math.Abs(x)
	var s string
	switch {
	case a == math.Trunc(a) && a < 1e15:
		s = drawGroup(strconv.FormatFloat(a, 'f', 0, 64))
	case a >= 1e15 || a < 1e-4:
		s = strconv.FormatFloat(a, 'g', 4, 64)
	case a >= 1:
		s = strconv.FormatFloat(a, 'f', 2, 64)
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		ip, fp, _ := strings.Cut(s, ".")
		s = drawGroup(ip)
		if fp != "" {
			s += "." + fp
		}
	default:
		s = strconv.FormatFloat(a, 'g', 4, 64)
	}
	if neg && s != "0" {
		s = "-" + s
	}
	return s
}

func drawGroup(digits string) string {
	if len(digits) <= 4 {
		return digits
	}
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// drawWrap breaks s into lines no wider than max by width, at spaces where
// it can; a word too long for a line is cut. With maxLines > 0, lines past
// it are dropped and the last kept one ends in an ellipsis.
func drawWrap(s string, max float64, width func(string) float64, maxLines int) []string {
	if s == "" {
		return nil
	}
	var lines []string
	line := ""
	for _, word := range strings.Split(s, " ") {
		for word != "" {
			cand := word
			if line != "" {
				cand = line + " " + word
			}
			if width(cand) <= max {
				line, word = cand, ""
				continue
			}
			if line != "" {
				lines = append(lines, line)
				line = ""
				continue
			}
			cut := drawFit(word, max, width)
			lines = append(lines, word[:cut])
			word = word[cut:]
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	if maxLines > 0 && len(lines) > maxLines {
		lines = lines[:maxLines]
		last := lines[maxLines-1]
		for last != "" && width(last+"…") > max {
			_, size := utf8.DecodeLastRuneInString(last)
			last = last[:len(last)-size]
		}
		lines[maxLines-1] = strings.TrimRight(last, " ") + "…"
	}
	return lines
}

// drawPack puts items on lines no wider than max, separated by a dot.
func drawPack(items []string, max float64, width func(string) float64) []string {
	var lines []string
	line := ""
	for _, it := range items {
		if line != "" && width(line+" · "+it) <= max {
			line += " · " + it
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = ""
		if width(it) <= max {
			line = it
			continue
		}
		parts := drawWrap(it, max, width, 0)
		lines = append(lines, parts[:len(parts)-1]...)
		line = parts[len(parts)-1]
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// drawFit is the length in bytes of the longest prefix of word (at least
// one rune) no wider than max.
func drawFit(word string, max float64, width func(string) float64) int {
	cut := 0
	for i, r := range word {
		next := i + utf8.RuneLen(r)
		if cut > 0 && width(word[:next]) > max {
			break
		}
		cut = next
	}
	return cut
}

// drawRunes is the width of a string in characters, for DOT labels.
func drawRunes(s string) float64 { return float64(utf8.RuneCountInString(s)) }

// drawSorted returns the ids of a leaf set in order, for descriptions.
func drawSorted(ids []string) []string {
	out := append([]string(nil), ids...)
	sort.Strings(out)
	return out
}

package adtree

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"
)

// ADToolFormat is the root element a tree is written as.
type ADToolFormat uint8

// Formats. ADTool's <adtree> has defences and no sequential refinement;
// its <sandtree> has sequential refinement and no defences.
const (
	// ADToolAuto writes a <sandtree> for a tree with sand gates and no
	// defences, an <adtree> otherwise.
	ADToolAuto ADToolFormat = iota
	// ADToolADTree writes an <adtree>: sand gates are written conjunctive,
	// with the comment "scrutin-gate: sand" by which ParseADTool reads them
	// back as sand gates (ADTool reads them as and gates).
	ADToolADTree
	// ADToolSandTree writes a <sandtree>: countermeasures, which it cannot
	// hold, are left out with everything only they lead to.
	ADToolSandTree
)

// ADToolOptions say how WriteADToolAs writes a tree.
type ADToolOptions struct {
	Format ADToolFormat
	// RootSwitchRole writes switchRole="yes" on the root of an <adtree>
	// (the file's proponent is then the defender, as ADTool has it).
	RootSwitchRole bool
}

// WriteADTool writes t as ADTool 2 XML in the format ADToolAuto chooses
// (see WriteADToolAs).
func WriteADTool(w io.Writer, t *Tree) error {
	_, err := WriteADToolAs(w, t, ADToolOptions{})
	return err
}

// Write writes the tree back as ADTool XML (see WriteADToolAs), in the
// file's format and with the root's switchRole as the file had it.
func (x *ADToolTree) Write(w io.Writer) error {
	opt := ADToolOptions{Format: ADToolADTree, RootSwitchRole: x.RootSwitchRole}
	if x.Sand {
		opt.Format = ADToolSandTree
	}
	_, err := WriteADToolAs(w, x.Tree, opt)
	return err
}

// WriteADToolAs writes t as ADTool 2 XML, a file ADTool opens and
// ParseADTool reads back as the same tree (ids, names, descriptions,
// gates, controls, values), but for what the format cannot hold. The
// warnings say exactly that: the countermeasures a <sandtree> leaves out
// (and how scrutin's figures change without them), the sequential nodes
// an <adtree> holds as conjunctive only for ADTool, the skills ADTool's
// MinSkill domain does not read (it takes whole numbers).
//
// How the tree is written:
//   - one <domain> per leaf attribute present. In an <adtree>: MinCost1,
//     ProbSucc1, MinTimePar1 (MinTimeSeq1 with SequentialAnd) and
//     MinSkill1 (with the <range> ADTool requires). A <sandtree> takes
//     sandtree domains only: the time is sandpredefined MinTime, the cost,
//     probability and skill custom real domains whose operations say what
//     they compute (min, + and + for a cost; x + y − x·y, x·y and x·y for a
//     probability; min, max and max for a skill), which ParseADTool reads
//     back. In a sandtree, whose conjunctive refinement takes the longest
//     time, and gates of a tree with SequentialAnd and times are written
//     sequential, which means the same;
//   - basic parameters on leaves only: an attack leaf's attributes where it
//     has them, and on every defence leaf its probability (1 when absent) and
//     its bypass cost (Infinity when absent: only counter-attacks get round
//     it), so that ADTool's defaults do not change the meaning; an infinite
//     value is written "Infinity", as ADTool does;
//   - labels are the nodes' names (their ids when they have none); distinct
//     nodes with the same name get "Name (ID)", since ADTool takes equal
//     labels for one node;
//   - a shared node is written in full at each occurrence, as ADTool does;
//     a tree whose full form would exceed MaxADToolNodes nodes is refused;
//   - a node with several countermeasures (ADTool allows one) gets a single
//     countermeasure of the other role, labelled "Label (countermeasures)",
//     refined disjunctively by them. That is exact for both roles: an
//     attack node is stopped when any of its defences is active, that is
//     when their disjunction is; a defence is got round when any of its
//     counter-attacks succeeds, that is when their disjunction does. The
//     group carries the comment scrutin-countermeasures, by which
//     ParseADTool reads it back as the countermeasures it groups;
//   - a node's one <comment> (ADTool keeps the first only) holds its
//     description, then scrutin's directives, a line each, for what ADTool
//     has no place for: "scrutin-id: ID" where the label would give another
//     id, "scrutin-name: "…"" where the label is not the name (two nodes
//     of one name), on the root "scrutin-tree: ID", "scrutin-tree-name: "…"" and
//     "scrutin-tree-description: "…"" (quoted as Go quotes strings) where
//     the tree's differ from the root's, "scrutin-gate: sand" on a
//     sequential node of an <adtree>, "scrutin-control: ID" on a defence
//     leaf linked to a control.
//
// Nothing is written when t cannot be: the error comes first.
func WriteADToolAs(w io.Writer, t *Tree, opt ADToolOptions) (warnings []string, err error) {
	if t == nil || t.Root == nil {
		return nil, fmt.Errorf("adtool: no tree to write")
	}
	if err := t.Check(); err != nil {
		return nil, fmt.Errorf("adtool: %w", err)
	}
	var hasSand, hasDefence bool
	for _, n := range t.Nodes() {
		hasSand = hasSand || n.Gate == Sand
		hasDefence = hasDefence || n.Role == Defence
	}
	sand := opt.Format == ADToolSandTree || opt.Format == ADToolAuto && hasSand && !hasDefence
	if sand && hasDefence {
		pruned := withoutDefences(t)
		warnings = append(warnings, droppedDefences(t, pruned))
		t = pruned
	}
	x := &adtWriter{t: t, sand: sand, label: map[*Node]string{}, group: map[*Node]string{}}
	nodes := t.Nodes()
	var attrs Attr
	var seqNodes, oddSkills []string
	for _, n := range nodes {
		if n.Gate == Sand && !sand {
			seqNodes = append(seqNodes, strconv.Quote(n.ID))
		}
		if n.Gate != Leaf {
			continue
		}
		if err := checkValues(n); err != nil {
			return nil, err
		}
		if n.Role == Defence {
			attrs |= n.Has & (AttrCost | AttrProbability)
		} else {
			attrs |= n.Has
		}
		if !sand && n.Role == Attack && n.Has&AttrSkill != 0 && !(n.Skill == math.Trunc(n.Skill) && n.Skill <= math.MaxInt32) {
			oddSkills = append(oddSkills, fmt.Sprintf("%q (%s)", n.ID, formatNumber(n.Skill)))
		}
	}
	if len(seqNodes) > 0 {
		timing := ""
		if attrs&AttrTime != 0 && !t.SequentialAnd {
			timing = ", and its time domain takes their longest child rather than the sum"
		}
		warnings = append(warnings, fmt.Sprintf("tree %q: an <adtree> has no sequential refinement: %d sequential nodes are written as conjunctive, with the comment \"scrutin-gate: sand\" by which scrutin reads them back as sequential; ADTool reads them as conjunctive (the order of the steps is lost to it%s): %s",
			t.ID, len(seqNodes), timing, listSome(seqNodes)))
	}
	if len(oddSkills) > 0 {
		warnings = append(warnings, fmt.Sprintf("tree %q: ADTool's MinSkill domain reads whole numbers only; it will take its default for these skills (scrutin reads them back as written): %s",
			t.ID, listSome(oddSkills)))
	}
	x.seqAnd = x.sand && t.SequentialAnd && attrs&AttrTime != 0
	if total := occurrences(t.Root); total > MaxADToolNodes {
		return nil, fmt.Errorf("adtool: tree %q written in full (ADTool repeats a shared node at each occurrence) would have more than %d nodes", t.ID, MaxADToolNodes)
	}
	if err := x.labels(nodes); err != nil {
		return nil, err
	}
	x.pickDomains(attrs)

	bw := bufio.NewWriterSize(w, 64<<10)
	root := "adtree"
	rootSwitch := opt.RootSwitchRole
	if x.sand {
		root = "sandtree"
		rootSwitch = false
	}
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<" + root + ">\n")
	x.nodes(bw, rootSwitch)
	for _, d := range x.domains {
		x.buf = x.domain(x.buf[:0], d)
		bw.Write(x.buf)
	}
	bw.WriteString("</" + root + ">\n")
	return warnings, bw.Flush()
}

// adtWriter holds what writing a tree needs.
type adtWriter struct {
	t       *Tree
	sand    bool
	seqAnd  bool // and gates written sequential
	domains []wDomain
	label   map[*Node]string
	group   map[*Node]string // label of the group of a node's countermeasures
	buf     []byte
}

// wDomain is a domain written: its id, class and attribute, and for a
// custom domain its name, operations and default value.
type wDomain struct {
	id, class string
	attr      Attr
	name      string
	ops       [3]string
	def       string
}

// checkValues refuses leaf values that ADTool, and ParseADTool, cannot read.
func checkValues(n *Node) error {
	for _, a := range []Attr{AttrCost, AttrProbability, AttrTime, AttrSkill} {
		if n.Has&a == 0 {
			continue
		}
		v := attrValue(n, a)
		switch {
		case math.IsNaN(v):
			return fmt.Errorf("adtool: node %q: its %s is NaN", n.ID, attrName(a))
		case a == AttrProbability && (v < 0 || v > 1):
			return fmt.Errorf("adtool: node %q: probability %v lies outside [0, 1]", n.ID, v)
		case v < 0:
			return fmt.Errorf("adtool: node %q: negative %s %v", n.ID, attrName(a), v)
		}
	}
	return nil
}

// occurrences counts the nodes of the tree written in full, group nodes
// included, up to a little over MaxADToolNodes.
func occurrences(root *Node) int {
	const limit = MaxADToolNodes + 1
	count := map[*Node]int{}
	type frame struct {
		n        *Node
		expanded bool
	}
	stack := []frame{{n: root}}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if _, ok := count[f.n]; ok {
			stack = stack[:len(stack)-1]
			continue
		}
		if !f.expanded {
			f.expanded = true
			n := f.n
			for _, c := range n.Counters {
				if _, ok := count[c]; !ok {
					stack = append(stack, frame{n: c})
				}
			}
			for _, c := range n.Children {
				if _, ok := count[c]; !ok {
					stack = append(stack, frame{n: c})
				}
			}
			continue
		}
		n := f.n
		stack = stack[:len(stack)-1]
		k := 1
		if len(n.Counters) > 1 {
			k++
		}
		for _, c := range n.Children {
			k = min(k+count[c], limit)
		}
		for _, c := range n.Counters {
			k = min(k+count[c], limit)
		}
		count[n] = k
	}
	return count[root]
}

// labels gives every node a distinct label, and every group of
// countermeasures one too.
func (x *adtWriter) labels(nodes []*Node) error {
	names := map[string]int{}
	for _, n := range nodes {
		name := n.Name
		if name == "" {
			name = n.ID
		}
		if name == "" {
			name = "node"
		}
		if err := xmlSafe(name); err != nil {
			return fmt.Errorf("adtool: node %q: its name %v", n.ID, err)
		}
		if err := xmlSafe(n.Control); err != nil {
			return fmt.Errorf("adtool: node %q: its control %v", n.ID, err)
		}
		if err := xmlSafe(n.Description); err != nil {
			return fmt.Errorf("adtool: node %q: its description %v", n.ID, err)
		}
		x.label[n] = name
		names[name]++
	}
	used := map[string]bool{}
	unique := func(base string) string {
		l := base
		for i := 2; used[l] || (l != base && names[l] > 0); i++ {
			l = base + " #" + strconv.Itoa(i)
		}
		used[l] = true
		return l
	}
	for _, n := range nodes {
		l := x.label[n]
		if names[l] > 1 && n.ID != "" && n.ID != l {
			l += " (" + n.ID + ")"
		}
		x.label[n] = unique(l)
	}
	for _, n := range nodes {
		if len(n.Counters) > 1 {
			x.group[n] = unique(x.label[n] + " (countermeasures)")
		}
	}
	return nil
}

// xmlSafe says why s cannot be written as XML text, or nil.
func xmlSafe(s string) error {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !isRuneErrorAt(s, i):
			return fmt.Errorf("is not valid UTF-8")
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
			return fmt.Errorf("holds %U, which XML cannot carry", r)
		}
	}
	return nil
}

func isRuneErrorAt(s string, i int) bool {
	r, size := utf8.DecodeRuneInString(s[i:])
	return r == utf8.RuneError && size == 3
}

// maxSkillRange is the <range> (upper bound) written for ADTool's MinSkill
// domain: Java's largest int, ADTool's own default.
const maxSkillRange = "2147483647"

func (x *adtWriter) pickDomains(attrs Attr) {
	custom := func(id string, a Attr, name, or, and, def string) wDomain {
		return wDomain{id: id, class: ClassSandReal, attr: a, name: name, ops: [3]string{or, and, and}, def: def}
	}
	if attrs&AttrCost != 0 {
		if x.sand {
			x.domains = append(x.domains, custom("MinCost1", AttrCost, "Minimal cost", "min(x, y)", "x + y", "Infinity"))
		} else {
			x.domains = append(x.domains, wDomain{id: "MinCost1", class: ClassMinCost, attr: AttrCost})
		}
	}
	if attrs&AttrProbability != 0 {
		if x.sand {
			x.domains = append(x.domains, custom("ProbSucc1", AttrProbability, "Probability of success", "x + y - x * y", "x * y", "0"))
		} else {
			x.domains = append(x.domains, wDomain{id: "ProbSucc1", class: ClassProbSucc, attr: AttrProbability})
		}
	}
	if attrs&AttrTime != 0 {
		switch {
		case x.sand:
			x.domains = append(x.domains, wDomain{id: "MinTime1", class: ClassSandMinTime, attr: AttrTime})
		case x.t.SequentialAnd:
			x.domains = append(x.domains, wDomain{id: "MinTimeSeq1", class: ClassMinTimeSeq, attr: AttrTime})
		default:
			x.domains = append(x.domains, wDomain{id: "MinTimePar1", class: ClassMinTimePar, attr: AttrTime})
		}
	}
	if attrs&AttrSkill != 0 {
		if x.sand {
			x.domains = append(x.domains, custom("MinSkill1", AttrSkill, "Minimal skill", "min(x, y)", "max(x, y)", "Infinity"))
		} else {
			x.domains = append(x.domains, wDomain{id: "MinSkill1", class: ClassMinSkill, attr: AttrSkill})
		}
	}
}

// domain writes a <domain>: a custom one with its name, description,
// operations and default value, MinSkill with its range, as ADTool
// requires.
func (x *adtWriter) domain(b []byte, d wDomain) []byte {
	b = append(b, "\t<domain id=\""...)
	b = append(b, d.id...)
	b = append(b, "\">\n"...)
	b = x.element(b, 2, "class", d.class)
	b = x.element(b, 2, "tool", "ADTool2")
	switch {
	case d.class == ClassSandReal:
		b = x.element(b, 2, "name", d.name)
		b = x.element(b, 2, "description", d.name+" (written by scrutin)")
		for i, op := range []string{"or", "and", "sand"} {
			b = x.element(b, 2, op, d.ops[i])
		}
		b = x.element(b, 2, "defaultValue", d.def)
	case d.class == ClassMinSkill:
		b = x.element(b, 2, "range", maxSkillRange)
	}
	return append(b, "\t</domain>\n"...)
}

// nodes writes the root node and everything below it, without recursion.
func (x *adtWriter) nodes(bw *bufio.Writer, rootSwitch bool) {
	type item struct {
		n       *Node
		group   bool // the group of n's countermeasures
		counter bool // written with switchRole
		close   bool
		depth   int
	}
	stack := []item{{n: x.t.Root, counter: rootSwitch, depth: 1}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		b := x.buf[:0]
		if it.close {
			b = indent(b, it.depth)
			b = append(b, "</node>\n"...)
			bw.Write(b)
			x.buf = b
			continue
		}
		n := it.n
		ref := "disjunctive"
		if !it.group {
			switch n.Gate {
			case And:
				ref = "conjunctive"
				if x.seqAnd {
					ref = "sequential"
				}
			case Sand:
				ref = "sequential"
				if !x.sand {
					ref = "conjunctive" // with scrutin-gate: sand
				}
			}
		}
		b = indent(b, it.depth)
		b = append(b, `<node refinement="`...)
		b = append(b, ref...)
		b = append(b, '"')
		if it.counter {
			b = append(b, ` switchRole="yes"`...)
		}
		b = append(b, ">\n"...)
		label := x.label[n]
		if it.group {
			label = x.group[n]
		}
		b = x.element(b, it.depth+1, "label", label)
		stack = append(stack, item{n: n, close: true, depth: it.depth})
		if it.group {
			b = x.element(b, it.depth+1, "comment", adtoolCommentP+"countermeasures")
			bw.Write(b)
			x.buf = b
			for i := len(n.Counters) - 1; i >= 0; i-- {
				stack = append(stack, item{n: n.Counters[i], depth: it.depth + 1})
			}
			continue
		}
		if c := x.comment(n); c != "" {
			b = x.element(b, it.depth+1, "comment", c)
		}
		if n.Gate == Leaf {
			b = x.params(b, n, it.depth+1)
		}
		bw.Write(b)
		x.buf = b
		switch len(n.Counters) {
		case 0:
		case 1:
			stack = append(stack, item{n: n.Counters[0], counter: true, depth: it.depth + 1})
		default:
			stack = append(stack, item{n: n, group: true, counter: true, depth: it.depth + 1})
		}
		for i := len(n.Children) - 1; i >= 0; i-- {
			stack = append(stack, item{n: n.Children[i], depth: it.depth + 1})
		}
	}
}

// params writes a leaf's basic parameters.
func (x *adtWriter) params(b []byte, n *Node, depth int) []byte {
	for _, d := range x.domains {
		var v float64
		switch {
		case n.Role == Attack && n.Has&d.attr != 0:
			v = attrValue(n, d.attr)
		case n.Role == Defence && d.attr == AttrProbability:
			v = 1
			if n.Has&AttrProbability != 0 {
				v = n.Probability
			}
		case n.Role == Defence && d.attr == AttrCost:
			v = math.Inf(1)
			if n.Has&AttrCost != 0 {
				v = n.Cost
			}
		default:
			continue
		}
		b = indent(b, depth)
		b = append(b, `<parameter domainId="`...)
		b = append(b, d.id...)
		b = append(b, `" category="basic">`...)
		b = appendNumber(b, v)
		b = append(b, "</parameter>\n"...)
	}
	return b
}

func (x *adtWriter) element(b []byte, depth int, name, text string) []byte {
	b = indent(b, depth)
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	b = appendEscaped(b, text)
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, ">\n"...)
}

func indent(b []byte, depth int) []byte {
	for range depth {
		b = append(b, '\t')
	}
	return b
}

// appendEscaped escapes XML text; a carriage return is written as a
// reference, which the reader's line-end normalisation leaves alone.
func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '\r':
			b = append(b, "&#13;"...)
		default:
			b = append(b, c)
		}
	}
	return b
}

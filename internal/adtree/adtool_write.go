package adtree

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"
)

// WriteADTool writes t as ADTool 2 XML:
//   - a <sandtree> when t has a sand gate (it cannot then have defences:
//     ADTool has no format for both), an <adtree> otherwise;
//   - one <domain> per leaf attribute present: MinCost1, ProbSucc1,
//     MinTimePar1 (MinTimeSeq1 with SequentialAnd; MinTime1, of the
//     sandtree domain, in a sandtree) and MinSkill1. ADTool 2 has no cost,
//     probability or skill domain for sandtrees: in a sandtree they are
//     written with the adtree domains' classes, which ParseADTool reads back
//     but ADTool itself may refuse. In a sandtree, whose conjunctive
//     refinement takes the longest time, and gates of a tree with
//     SequentialAnd and times are written sequential, which means the same;
//   - basic parameters on leaves only: an attack leaf's attributes where it
//     has them, and on every defence leaf its probability (1 when absent) and
//     its bypass cost (Infinity when absent: only counter-attacks get round
//     it), so that ADTool's defaults do not change the meaning;
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
//   - a defence leaf's control is written as the comment
//     "scrutin-control: ID";
//   - Tree.ID and Tree.Name have no place in the format and are not written.
//
// Nothing is written when t cannot be: the error comes first.
func WriteADTool(w io.Writer, t *Tree) error {
	return writeADTool(w, t, false)
}

// Write writes the tree back as ADTool XML (see WriteADTool), with the
// root's switchRole as the file had it.
func (x *ADToolTree) Write(w io.Writer) error {
	return writeADTool(w, x.Tree, x.RootSwitchRole)
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

type wDomain struct {
	id, class string
	attr      Attr
}

func writeADTool(w io.Writer, t *Tree, rootSwitch bool) error {
	if t == nil || t.Root == nil {
		return fmt.Errorf("adtool: no tree to write")
	}
	if err := t.Check(); err != nil {
		return fmt.Errorf("adtool: %w", err)
	}
	x := &adtWriter{t: t, label: map[*Node]string{}, group: map[*Node]string{}}
	nodes := t.Nodes()
	var attrs Attr
	var hasSand, hasDefence bool
	for _, n := range nodes {
		hasSand = hasSand || n.Gate == Sand
		hasDefence = hasDefence || n.Role == Defence
		if n.Gate != Leaf {
			continue
		}
		if err := checkValues(n); err != nil {
			return err
		}
		if n.Role == Defence {
			attrs |= n.Has & (AttrCost | AttrProbability)
		} else {
			attrs |= n.Has
		}
	}
	if hasSand && hasDefence {
		return fmt.Errorf("adtool: tree %q has sequential steps and defences; ADTool writes the first as a sandtree and the second as an adtree, and has no format for both", t.ID)
	}
	x.sand = hasSand
	x.seqAnd = x.sand && t.SequentialAnd && attrs&AttrTime != 0
	if total := occurrences(t.Root); total > MaxADToolNodes {
		return fmt.Errorf("adtool: tree %q written in full (ADTool repeats a shared node at each occurrence) would have more than %d nodes", t.ID, MaxADToolNodes)
	}
	if err := x.labels(nodes); err != nil {
		return err
	}
	x.pickDomains(attrs)

	bw := bufio.NewWriterSize(w, 64<<10)
	root := "adtree"
	if x.sand {
		root = "sandtree"
		rootSwitch = false
	}
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<" + root + ">\n")
	x.nodes(bw, rootSwitch)
	for _, d := range x.domains {
		fmt.Fprintf(bw, "\t<domain id=\"%s\">\n\t\t<class>%s</class>\n\t\t<tool>ADTool2</tool>\n\t</domain>\n", d.id, d.class)
	}
	bw.WriteString("</" + root + ">\n")
	return bw.Flush()
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

func (x *adtWriter) pickDomains(attrs Attr) {
	if attrs&AttrCost != 0 {
		x.domains = append(x.domains, wDomain{"MinCost1", ClassMinCost, AttrCost})
	}
	if attrs&AttrProbability != 0 {
		x.domains = append(x.domains, wDomain{"ProbSucc1", ClassProbSucc, AttrProbability})
	}
	if attrs&AttrTime != 0 {
		switch {
		case x.sand:
			x.domains = append(x.domains, wDomain{"MinTime1", ClassSandMinTime, AttrTime})
		case x.t.SequentialAnd:
			x.domains = append(x.domains, wDomain{"MinTimeSeq1", ClassMinTimeSeq, AttrTime})
		default:
			x.domains = append(x.domains, wDomain{"MinTimePar1", ClassMinTimePar, AttrTime})
		}
	}
	if attrs&AttrSkill != 0 {
		x.domains = append(x.domains, wDomain{"MinSkill1", ClassMinSkill, AttrSkill})
	}
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
		if n.Gate == Leaf {
			if n.Role == Defence && n.Control != "" {
				b = x.element(b, it.depth+1, "comment", adtoolCommentP+"control: "+n.Control)
			}
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

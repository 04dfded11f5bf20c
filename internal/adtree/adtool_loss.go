package adtree

// What an ADTool format cannot hold of a tree, and the warnings that say
// so.

import (
	"fmt"
	"strconv"
	"strings"
)

// listSome joins up to 100 items, and says how many more there are.
func listSome(items []string) string {
	const most = 100
	if len(items) <= most {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:most], ", ") + fmt.Sprintf(" and %d more", len(items)-most)
}

// withoutDefences is t without its countermeasures and what only they lead
// to: what a <sandtree> can hold of it.
func withoutDefences(t *Tree) *Tree {
	copies := map[*Node]*Node{}
	var cp func(n *Node) *Node
	cp = func(n *Node) *Node {
		if c, ok := copies[n]; ok {
			return c
		}
		c := *n
		c.Counters, c.Children = nil, nil
		copies[n] = &c
		for _, k := range n.Children {
			c.Children = append(c.Children, cp(k))
		}
		return &c
	}
	out := *t
	out.Root = cp(t.Root)
	return &out
}

// droppedDefences says which countermeasures a sandtree leaves out, and how
// scrutin's figures (every defence in force) change without them.
func droppedDefences(t, pruned *Tree) string {
	var dropped []string
	for _, n := range t.Nodes() {
		for _, c := range n.Counters {
			d := strconv.Quote(c.ID)
			if c.Control != "" {
				d += " (control " + c.Control + ")"
			}
			dropped = append(dropped, d+" on "+strconv.Quote(n.ID))
		}
	}
	msg := fmt.Sprintf("tree %q: a <sandtree> has no defences: %d countermeasures are left out, with everything below them: %s",
		t.ID, len(dropped), listSome(dropped))
	before, after := EvaluateFigures(t, Context{}), EvaluateFigures(pruned, Context{})
	var change []string
	for _, f := range []struct {
		name string
		a, b *float64
		pct  bool
	}{{"min cost", before.MinCost, after.MinCost, false}, {"min time", before.MinTime, after.MinTime, false},
		{"min skill", before.MinSkill, after.MinSkill, false}, {"P(success)", before.Probability, after.Probability, true}} {
		if f.a == nil || f.b == nil || *f.a == *f.b {
			continue
		}
		show := func(v float64) string {
			if f.pct {
				return strconv.FormatFloat(100*v, 'g', 3, 64) + " %"
			}
			return formatNumber(v)
		}
		change = append(change, fmt.Sprintf("%s %s → %s", f.name, show(*f.a), show(*f.b)))
	}
	if len(change) > 0 {
		msg += "; scrutin's figures, every defence in force, change: " + strings.Join(change, ", ")
	}
	return msg
}

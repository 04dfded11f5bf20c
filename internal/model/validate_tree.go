package model

import (
	"fmt"
	"strings"
)

// treeRole is the role of a node in an attack-defence tree.
type treeRole bool

const (
	roleAttack  treeRole = false
	roleDefence treeRole = true
)

func (r treeRole) String() string {
	if r == roleDefence {
		return "defence"
	}
	return "attack"
}

// node names a node of role r for a message.
func (r treeRole) node() Text {
	if r == roleDefence {
		return text("a defence node")
	}
	return text("an attack node")
}

// treeDef is where a tree node is defined.
type treeDef struct {
	node *TreeNode
	path string
	role treeRole
}

// treeRef is a use of a node by its id alone.
type treeRef struct {
	id   string
	path string
	role treeRole
}

// treeCheck validates one tree: definitions, references, roles, gates,
// attributes and cycles.
type treeCheck struct {
	c        *checker
	tree     *Tree
	defs     map[string]treeDef
	order    []string // ids in order of definition
	refs     []treeRef
	controls map[string]bool
}

func (c *checker) tree(i int, controls map[string]bool) {
	t := &c.m.Trees[i]
	tc := &treeCheck{c: c, tree: t, defs: map[string]treeDef{}, controls: controls}
	p := fmt.Sprintf("trees[%d].root", i)
	if t.Root.IsRef() {
		c.add(p, "the root must be defined here (with a name), not referred to")
		return
	}
	tc.walk(&t.Root, p, roleAttack)
	for _, r := range tc.refs {
		d, ok := tc.defs[r.id]
		switch {
		case !ok:
			c.add(r.path+".id", "unknown node %q in tree %q%s", r.id, t.ID, suggest(r.id, tc.order))
		case d.role != r.role:
			c.add(r.path+".id", "node %q is %s (defined at %s); here %s is expected",
				r.id, d.role.node(), c.where(d.path), r.role.node())
		}
	}
	tc.cycles()
	tc.attributes()
}

func (tc *treeCheck) walk(n *TreeNode, path string, role treeRole) {
	c := tc.c
	if n.IsRef() {
		tc.refs = append(tc.refs, treeRef{n.ID, path, role})
		return
	}
	if first, dup := tc.defs[n.ID]; dup {
		c.add(path+".id", "node %q is defined twice (first at %s); to use it again, write its id alone: {id: %s}", n.ID, c.where(first.path), n.ID)
		return
	}
	tc.defs[n.ID] = treeDef{n, path, role}
	tc.order = append(tc.order, n.ID)
	if n.Name == "" {
		c.add(path, "node %q needs a name where it is defined (a node given by its id alone refers to one defined elsewhere)", n.ID)
	}
	hasAttr := n.Cost != nil || n.Probability != nil || n.Time != nil || n.Skill != nil
	gateUnread := c.unread != nil && c.unread(path+".gate")
	switch {
	case gateUnread: // reported by the decoder
	case n.Gate != "" && len(n.Children) == 0:
		c.add(path+".gate", "an %s gate needs children", n.Gate)
	case n.Gate == "" && len(n.Children) > 0:
		c.add(path+".children", "children need a gate: and, or or sand")
	case n.Gate != "" && hasAttr:
		c.add(path, "the cost, probability, time and skill of a gate are computed from its children; give them to the leaves")
	}
	if role == roleDefence {
		if n.Gate == GateSand {
			c.add(path+".gate", "a defence cannot be sequential; use and or or")
		}
		if n.Time != nil || n.Skill != nil {
			c.add(path, "a defence has no time or skill; they describe attack steps")
		}
		if n.Control != "" {
			if tc.controls != nil && !tc.controls[n.Control] {
				c.add(path+".control", "unknown control %q%s", n.Control, suggest(n.Control, sortedKeys(tc.controls)))
			}
			if n.Gate != "" {
				c.add(path+".control", "a control links a defence leaf; this defence is a gate (link its leaves)")
			}
			if !tc.tree.Library {
				c.auditProbability(n, path)
			}
		}
	} else if n.Control != "" {
		c.add(path+".control", "a control links a defence; an attack node has none")
	}
	for j := range n.Children {
		tc.walk(&n.Children[j], fmt.Sprintf("%s.children[%d]", path, j), role)
	}
	for j := range n.Countermeasures {
		tc.walk(&n.Countermeasures[j], fmt.Sprintf("%s.countermeasures[%d]", path, j), !role)
	}
}

// edges lists the ids below a defined node, with the path of each use.
func (tc *treeCheck) edges(d treeDef) (ids, paths []string) {
	collect := func(list []TreeNode, field string) {
		for j := range list {
			ids = append(ids, list[j].ID)
			paths = append(paths, fmt.Sprintf("%s.%s[%d]", d.path, field, j))
		}
	}
	collect(d.node.Children, "children")
	collect(d.node.Countermeasures, "countermeasures")
	return ids, paths
}

// cycles reports a node that is its own descendant through references.
func (tc *treeCheck) cycles() {
	const (
		white = iota
		grey
		black
	)
	colour := map[string]int{}
	var visit func(id string, stack []string)
	visit = func(id string, stack []string) {
		d, ok := tc.defs[id]
		if !ok {
			return
		}
		colour[id] = grey
		stack = append(stack, id)
		ids, paths := tc.edges(d)
		for k, next := range ids {
			switch colour[next] {
			case grey:
				i := 0
				for stack[i] != next {
					i++
				}
				loop := append(append([]string{}, stack[i:]...), next)
				tc.c.add(paths[k]+".id", "cycle: node %q is its own descendant (%s)", next, strings.Join(loop, " → "))
			case white:
				visit(next, stack)
			}
		}
		colour[id] = black
	}
	visit(tc.tree.Root.ID, nil)
}

// attributes requires each leaf attribute on every attack leaf or on none,
// so that no figure is computed from part of the attack steps.
func (tc *treeCheck) attributes() {
	type attr struct {
		name string
		get  func(*TreeNode) *float64
	}
	for _, a := range []attr{
		{"cost", func(n *TreeNode) *float64 { return n.Cost }},
		{"probability", func(n *TreeNode) *float64 { return n.Probability }},
		{"time", func(n *TreeNode) *float64 { return n.Time }},
		{"skill", func(n *TreeNode) *float64 { return n.Skill }},
	} {
		var with int
		var without []treeDef
		for _, id := range tc.order {
			d := tc.defs[id]
			if d.role != roleAttack || d.node.Gate != "" {
				continue
			}
			if a.get(d.node) != nil {
				with++
			} else {
				without = append(without, d)
			}
		}
		if with > 0 && len(without) > 0 {
			tc.c.add(without[0].path, "attack leaf %q has no %s, while %d of the tree's %d attack leaves have one; give every attack leaf a %s, or none",
				without[0].node.ID, a.name, with, with+len(without), a.name)
		}
	}
}

// treeHasProbabilities reports whether the tree's attack leaves carry
// probabilities of success (all do when one does, once validated).
func treeHasProbabilities(t *Tree) bool {
	found := false
	var walk func(n *TreeNode, role treeRole)
	walk = func(n *TreeNode, role treeRole) {
		if found {
			return
		}
		if role == roleAttack && n.Gate == "" && n.Probability != nil {
			found = true
		}
		for j := range n.Children {
			walk(&n.Children[j], role)
		}
		for j := range n.Countermeasures {
			walk(&n.Countermeasures[j], !role)
		}
	}
	walk(&t.Root, roleAttack)
	return found
}

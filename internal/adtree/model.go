package adtree

import (
	"github.com/scrutin/scrutin/internal/model"
)

// FromModel builds the tree that a validated model tree describes: nodes
// given by their id alone become the node of that id.
func FromModel(mt *model.Tree) *Tree { return FromModelIn(nil, mt) }

// FromModelIn is FromModel for a tree of model m, whose controls may give
// a defence its probability (model.DefenceProbability: a risk-limiting
// audit's 1 − risk limit); m nil is FromModel.
func FromModelIn(m *model.Model, mt *model.Tree) *Tree {
	defs := map[string]*model.TreeNode{}
	var collect func(n *model.TreeNode)
	collect = func(n *model.TreeNode) {
		if !n.IsRef() {
			if _, dup := defs[n.ID]; !dup {
				defs[n.ID] = n
			}
		}
		for i := range n.Children {
			collect(&n.Children[i])
		}
		for i := range n.Countermeasures {
			collect(&n.Countermeasures[i])
		}
	}
	collect(&mt.Root)
	built := map[string]*Node{}
	var build func(id string, role Role) *Node
	build = func(id string, role Role) *Node {
		if n, ok := built[id]; ok {
			return n
		}
		d := defs[id]
		n := &Node{ID: d.ID, Name: d.Name, Role: role, Control: d.Control, Description: d.Description}
		built[id] = n // before the children: a validated tree has no cycle
		switch d.Gate {
		case model.GateAnd:
			n.Gate = And
		case model.GateOr:
			n.Gate = Or
		case model.GateSand:
			n.Gate = Sand
		}
		set := func(a Attr, dst *float64, src *float64) {
			if src != nil {
				n.Has |= a
				*dst = *src
			}
		}
		set(AttrCost, &n.Cost, d.Cost)
		prob := d.Probability
		if m != nil && role == Defence {
			prob = m.DefenceProbability(d)
		}
		set(AttrProbability, &n.Probability, prob)
		set(AttrTime, &n.Time, d.Time)
		set(AttrSkill, &n.Skill, d.Skill)
		for i := range d.Children {
			n.Children = append(n.Children, build(d.Children[i].ID, role))
		}
		for i := range d.Countermeasures {
			n.Counters = append(n.Counters, build(d.Countermeasures[i].ID, role.Opposite()))
		}
		return n
	}
	return &Tree{ID: mt.ID, Name: mt.Name, Description: mt.Description, Root: build(mt.Root.ID, Attack), SequentialAnd: mt.Time == "sequential"}
}

// ToModel writes t as a model tree: each node is defined where a
// depth-first walk first meets it and referred to by its id afterwards.
func ToModel(t *Tree) model.Tree {
	mt := model.Tree{ID: t.ID, Name: t.Name, Description: t.Description}
	if t.SequentialAnd {
		mt.Time = "sequential"
	}
	written := map[*Node]bool{}
	var write func(n *Node) model.TreeNode
	write = func(n *Node) model.TreeNode {
		if written[n] {
			return model.TreeNode{ID: n.ID}
		}
		written[n] = true
		out := model.TreeNode{ID: n.ID, Name: n.Name, Control: n.Control, Description: n.Description}
		if out.Name == "" {
			out.Name = n.ID
		}
		switch n.Gate {
		case And:
			out.Gate = model.GateAnd
		case Or:
			out.Gate = model.GateOr
		case Sand:
			out.Gate = model.GateSand
		}
		get := func(a Attr, v float64) *float64 {
			if n.Has&a == 0 {
				return nil
			}
			return &v
		}
		out.Cost = get(AttrCost, n.Cost)
		out.Probability = get(AttrProbability, n.Probability)
		out.Time = get(AttrTime, n.Time)
		out.Skill = get(AttrSkill, n.Skill)
		for _, c := range n.Children {
			out.Children = append(out.Children, write(c))
		}
		for _, c := range n.Counters {
			out.Countermeasures = append(out.Countermeasures, write(c))
		}
		return out
	}
	if t.Root != nil {
		mt.Root = write(t.Root)
	}
	return mt
}

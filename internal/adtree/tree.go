// Package adtree evaluates attack-defence trees (DESIGN.md section 3): could
// an attacker reach a goal, by which attack, at what cost, time, skill and
// probability, and which defences cut the most. Nodes may be shared, so a
// tree is really a DAG; answers on DAGs are exact (binary decision diagrams
// for probability and cost), and a result says when an exact answer is out
// of reach instead of returning a wrong one.
//
// Semantics. Attack leaves are basic attack steps with a cost, a probability
// of success, a time and a required skill. Attack gates are and, or and sand
// (sequential and). Any node may carry countermeasures of the other role: an
// attack node is achieved when its refinement is achieved and none of its
// countermeasures is active; a defence is active when its refinement is
// active and none of its own counter-attacks succeeds. A defence leaf is in
// force when its control is (a defence without a control is always in
// force); in force, it stops the attack with its probability (default 1)
// and, for cost, it can only be got round by its counter-attacks or by
// paying its bypass cost if it has one. Defence gates are and (active when
// all children are) and or (active when any is).
package adtree

import "fmt"

// Role says whose node it is.
type Role uint8

// Roles.
const (
	Attack Role = iota
	Defence
)

func (r Role) String() string {
	if r == Defence {
		return "defence"
	}
	return "attack"
}

// Opposite returns the other role.
func (r Role) Opposite() Role { return 1 - r }

// Gate is how a node's children combine.
type Gate uint8

// Gates. A node without children is a Leaf.
const (
	Leaf Gate = iota
	And
	Or
	Sand // sequential and: children in order (attack nodes only)
)

func (g Gate) String() string {
	switch g {
	case And:
		return "and"
	case Or:
		return "or"
	case Sand:
		return "sand"
	}
	return "leaf"
}

// Attr is a set of leaf attributes.
type Attr uint8

// Leaf attributes.
const (
	AttrCost Attr = 1 << iota
	AttrProbability
	AttrTime
	AttrSkill
)

// Node is a node of an attack-defence tree. Nodes with the same ID are one
// node: a Node may have several parents.
type Node struct {
	ID   string
	Name string
	Role Role
	Gate Gate
	// Children refine the node (same role); Counters are its
	// countermeasures (the other role).
	Children []*Node
	Counters []*Node

	// Leaf attributes, valid where Has says so. On attack leaves: cost,
	// probability of success, time, required skill. On defence leaves:
	// Probability is the chance the defence stops the attack when in force
	// (default 1), Cost what it costs the attacker to get round it (absent:
	// only counter-attacks get round it).
	Has         Attr
	Cost        float64
	Probability float64
	Time        float64
	Skill       float64

	// Control links a defence to the model control that puts it in force.
	Control string

	// Description is free text about the node (ADTool's comment).
	Description string
}

// Tree is a rooted attack-defence tree (a DAG when nodes are shared).
type Tree struct {
	ID   string
	Name string
	Root *Node // an attack node: the attacker's goal
	// SequentialAnd makes and gates add times rather than take their
	// maximum (the attacker does the steps one after another).
	SequentialAnd bool
	// Description is free text about the tree.
	Description string
}

// Goal is the name of the tree's goal.
func (t *Tree) Goal() string {
	if t.Root == nil {
		return ""
	}
	if t.Root.Name != "" {
		return t.Root.Name
	}
	return t.Root.ID
}

// Nodes returns the tree's distinct nodes in depth-first order (children
// before countermeasures), each once.
func (t *Tree) Nodes() []*Node {
	var out []*Node
	seen := map[*Node]bool{}
	var stack []*Node
	if t.Root != nil {
		stack = append(stack, t.Root)
	}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
		for i := len(n.Counters) - 1; i >= 0; i-- {
			stack = append(stack, n.Counters[i])
		}
		for i := len(n.Children) - 1; i >= 0; i-- {
			stack = append(stack, n.Children[i])
		}
	}
	return out
}

// Check verifies the structure: an attack root, no cycles, roles that
// alternate through countermeasures, gates that suit their role, leaves
// without children. It returns the first problem found.
func (t *Tree) Check() error {
	if t.Root == nil {
		return fmt.Errorf("tree %q has no root", t.ID)
	}
	if t.Root.Role != Attack {
		return fmt.Errorf("tree %q: the root %q must be an attack node", t.ID, t.Root.ID)
	}
	const (
		white = iota
		grey
		black
	)
	colour := map[*Node]int{}
	byID := map[string]*Node{}
	var visit func(n *Node) error
	visit = func(n *Node) error {
		if other, ok := byID[n.ID]; ok && other != n {
			return fmt.Errorf("tree %q: two different nodes have the id %q", t.ID, n.ID)
		}
		byID[n.ID] = n
		switch colour[n] {
		case grey:
			return fmt.Errorf("tree %q: node %q is its own descendant (a cycle)", t.ID, n.ID)
		case black:
			return nil
		}
		colour[n] = grey
		if n.Gate == Leaf && len(n.Children) > 0 {
			return fmt.Errorf("tree %q: leaf %q has children", t.ID, n.ID)
		}
		if n.Gate != Leaf && len(n.Children) == 0 {
			return fmt.Errorf("tree %q: %s gate %q has no children", t.ID, n.Gate, n.ID)
		}
		if n.Role == Defence && n.Gate == Sand {
			return fmt.Errorf("tree %q: defence %q cannot be sequential", t.ID, n.ID)
		}
		for _, c := range n.Children {
			if c.Role != n.Role {
				return fmt.Errorf("tree %q: %s node %q refines %s node %q; a node of the other role is a countermeasure", t.ID, c.Role, c.ID, n.Role, n.ID)
			}
			if err := visit(c); err != nil {
				return err
			}
		}
		for _, c := range n.Counters {
			if c.Role == n.Role {
				return fmt.Errorf("tree %q: countermeasure %q of %q must be of the other role", t.ID, c.ID, n.ID)
			}
			if err := visit(c); err != nil {
				return err
			}
		}
		colour[n] = black
		return nil
	}
	return visit(t.Root)
}

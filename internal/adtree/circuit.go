package adtree

import "math"

// Context is what an evaluation assumes about the world.
type Context struct {
	// InForce says whether a control is in force; nil means every defence
	// is in force.
	InForce func(control string) bool
	// MaxSkill, if positive, is the attacker's skill: leaves that need more
	// are out of its reach.
	MaxSkill float64
	// Cheapest is how many cheapest attacks to list (0: 5).
	Cheapest int
	// Force switches single defence leaves on (true) or off (false)
	// whatever their control says; used to weigh each defence.
	Force map[*Node]bool
}

func (c Context) inForce(n *Node) bool {
	if on, ok := c.Force[n]; ok {
		return on
	}
	if n.Control == "" || c.InForce == nil {
		return true
	}
	return c.InForce(n.Control)
}

// literal kinds: the circuit is a monotone function of these.
type litKind uint8

const (
	litAttack litKind = iota // an attack leaf succeeds
	litFails                 // a defence leaf in force fails to stop the attack
	litBypass                // the attacker pays to get round a defence leaf
)

type literal struct {
	kind litKind
	node *Node
}

// op is a circuit gate.
type op uint8

const (
	opFalse op = iota
	opTrue
	opLit
	opAnd
	opSand
	opOr
)

type gate struct {
	op   op
	lit  int32   // opLit: index into circuit.lits
	kids []int32 // gates, in order
}

// circuit is the attacker's success as a monotone Boolean function of the
// literals: one gate per tree node (an attack node's gate is "achieved", a
// defence node's is "not active"), in an order where children come first.
type circuit struct {
	gates []gate
	lits  []literal
	root  int32
	// origin[g] is the tree node of gate g, nil for literals and constants.
	origin []*Node
	// nodes counts the tree's distinct nodes; defences lists its defence
	// leaves in the order compiled.
	nodes    int
	defences []*Node
	reach    []int32 // cache of reachable()
}

const (
	gFalse int32 = 0
	gTrue  int32 = 1
)

// compile builds the circuit of t under ctx. Constants are folded, so a
// defence out of force or an out-of-reach leaf disappears.
func compile(t *Tree, ctx Context) *circuit {
	c := &circuit{gates: []gate{{op: opFalse}, {op: opTrue}}, origin: []*Node{nil, nil}}
	// Each node is compiled once, so each literal is made once.
	lit := func(kind litKind, n *Node) int32 {
		c.lits = append(c.lits, literal{kind, n})
		c.gates = append(c.gates, gate{op: opLit, lit: int32(len(c.lits) - 1)})
		c.origin = append(c.origin, nil)
		return int32(len(c.gates) - 1)
	}
	add := func(o op, kids []int32, n *Node) int32 {
		// Fold constants: and/sand drop trues and die on a false; or drops
		// falses and lives on a true.
		neutral, absorbing := gTrue, gFalse
		if o == opOr {
			neutral, absorbing = gFalse, gTrue
		}
		out := kids[:0:0]
		for _, k := range kids {
			switch k {
			case absorbing:
				return absorbing
			case neutral:
				continue
			}
			out = append(out, k)
		}
		switch len(out) {
		case 0:
			return neutral
		case 1:
			return out[0]
		}
		c.gates = append(c.gates, gate{op: o, kids: out})
		c.origin = append(c.origin, n)
		return int32(len(c.gates) - 1)
	}
	done := make(map[*Node]int32, 1024)
	// Post-order without recursion, so that deep trees cannot overflow.
	type frame struct {
		n        *Node
		expanded bool
	}
	stack := []frame{{n: t.Root}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		if _, ok := done[f.n]; ok {
			stack = stack[:len(stack)-1]
			continue
		}
		if !f.expanded {
			stack[len(stack)-1].expanded = true
			for i := len(f.n.Counters) - 1; i >= 0; i-- {
				if _, ok := done[f.n.Counters[i]]; !ok {
					stack = append(stack, frame{n: f.n.Counters[i]})
				}
			}
			for i := len(f.n.Children) - 1; i >= 0; i-- {
				if _, ok := done[f.n.Children[i]]; !ok {
					stack = append(stack, frame{n: f.n.Children[i]})
				}
			}
			continue
		}
		stack = stack[:len(stack)-1]
		done[f.n] = c.node(f.n, ctx, done, lit, add)
		if f.n.Role == Defence && f.n.Gate == Leaf {
			c.defences = append(c.defences, f.n)
		}
	}
	c.root = done[t.Root]
	c.nodes = len(done)
	return c
}

// node builds the gate of n from its children's gates.
func (c *circuit) node(n *Node, ctx Context, done map[*Node]int32,
	lit func(litKind, *Node) int32, add func(op, []int32, *Node) int32) int32 {
	kids := make([]int32, len(n.Children))
	for i, ch := range n.Children {
		kids[i] = done[ch]
	}
	var ref int32
	if n.Role == Attack {
		switch n.Gate {
		case Leaf:
			if impossible(n) || ctx.MaxSkill > 0 && n.Has&AttrSkill != 0 && n.Skill > ctx.MaxSkill {
				ref = gFalse // out of reach, or beyond this attacker
			} else {
				ref = lit(litAttack, n)
			}
		case And:
			ref = add(opAnd, kids, n)
		case Sand:
			ref = add(opSand, kids, n)
		default:
			ref = add(opOr, kids, n)
		}
		if len(n.Counters) == 0 {
			return ref
		}
		// Achieved: the refinement, and every countermeasure not active.
		all := []int32{ref}
		for _, d := range n.Counters {
			all = append(all, done[d])
		}
		return add(opAnd, all, n)
	}
	// A defence node's gate is "not active".
	switch n.Gate {
	case Leaf:
		if !ctx.inForce(n) {
			ref = gTrue
		} else {
			var ways []int32
			// The probability of stopping defaults to 1: such a defence
			// never fails.
			if n.Has&AttrProbability != 0 && n.Probability < 1 {
				ways = append(ways, lit(litFails, n))
			}
			if n.Has&AttrCost != 0 && !math.IsInf(n.Cost, 1) {
				ways = append(ways, lit(litBypass, n))
			}
			ref = add(opOr, ways, n)
		}
	case And: // active when all are: not active when any is not
		ref = add(opOr, kids, n)
	default: // or: active when any is: not active when none is
		ref = add(opAnd, kids, n)
	}
	if len(n.Counters) == 0 {
		return ref
	}
	all := []int32{ref}
	for _, a := range n.Counters {
		all = append(all, done[a])
	}
	return add(opOr, all, n)
}

// readOnce reports whether every gate below the root feeds at most one
// gate, so that the circuit is a tree over distinct literals and bottom-up
// evaluation is exact.
func (c *circuit) readOnce() bool {
	parents := make([]uint8, len(c.gates))
	for _, g := range c.reachable() {
		for _, k := range c.gates[g].kids {
			if parents[k]++; parents[k] > 1 {
				return false
			}
		}
	}
	return true
}

// impossible reports whether an attack step cannot be done at all: an
// infinite cost, time or skill (as ADTool writes "Infinity").
func impossible(n *Node) bool {
	return n.Has&AttrCost != 0 && math.IsInf(n.Cost, 1) ||
		n.Has&AttrTime != 0 && math.IsInf(n.Time, 1) ||
		n.Has&AttrSkill != 0 && math.IsInf(n.Skill, 1)
}

// reachable lists the gates reachable from the root, children first (the
// list is computed once and shared: do not modify it).
func (c *circuit) reachable() []int32 {
	if c.reach == nil {
		c.reach = c.walk()
	}
	return c.reach
}

func (c *circuit) walk() []int32 {
	seen := make([]bool, len(c.gates))
	var out []int32
	type frame struct {
		g        int32
		expanded bool
	}
	stack := []frame{{g: c.root}}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if seen[f.g] {
			stack = stack[:len(stack)-1]
			continue
		}
		if !f.expanded {
			f.expanded = true
			kids := c.gates[f.g].kids
			for i := len(kids) - 1; i >= 0; i-- {
				if !seen[kids[i]] {
					stack = append(stack, frame{g: kids[i]})
				}
			}
			continue
		}
		seen[f.g] = true
		out = append(out, f.g)
		stack = stack[:len(stack)-1]
	}
	return out
}

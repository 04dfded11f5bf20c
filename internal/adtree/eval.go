package adtree

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Result is what an evaluation finds; its JSON is the shape that
// `scrutin tree eval --format json` prints for each tree. Absent or
// uncomputable figures are nil; a figure that no attack achieves with a
// finite value (no attack reaches the goal, every way needs a defence to
// fail at random, or the values add up beyond the largest float64) is
// +Inf, which the JSON writes as the string "Infinity".
type Result struct {
	ID          string   `json:"id"`
	Goal        string   `json:"goal"`
	MinCost     *float64 `json:"min_cost"`
	MinTime     *float64 `json:"min_time"`
	MinSkill    *float64 `json:"min_skill"`
	Probability *float64 `json:"probability"`
	// Exact is true when every figure given is exact and none was left out
	// for being out of reach.
	Exact    bool           `json:"exact"`
	Pareto   []ParetoPoint  `json:"pareto"`
	Cheapest []AttackSet    `json:"cheapest"`
	Defences []DefenceValue `json:"defences,omitempty"`
	// Reachable is false when no attack reaches the goal.
	Reachable bool `json:"reachable"`
	// Shared is true when the tree shares nodes (a DAG).
	Shared bool     `json:"shared"`
	Notes  []string `json:"notes,omitempty"`
}

// ParetoPoint is an attack no other attack beats on both cost and
// probability of success.
type ParetoPoint struct {
	Cost        float64 `json:"cost"`
	Probability float64 `json:"probability"`
}

// AttackSet is a minimal set of leaves that reaches the goal.
type AttackSet struct {
	Cost   *float64 `json:"cost"`
	Leaves []string `json:"leaves"`
}

// DefenceValue says what one defence leaf does to the attacker: the
// minimal cost and the probability of success without it and with it (all
// other defences as the context has them).
type DefenceValue struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Control            string   `json:"control,omitempty"`
	InForce            bool     `json:"in_force"`
	MinCostWithout     *float64 `json:"min_cost_without"`
	MinCostWith        *float64 `json:"min_cost_with"`
	ProbabilityWithout *float64 `json:"probability_without"`
	ProbabilityWith    *float64 `json:"probability_with"`
}

// Limits of the exact methods on shared nodes.
const (
	maxParetoLeaves     = 20      // Pareto front by enumeration of attack sets
	maxParetoTreeLeaves = 100_000 // Pareto front bottom-up on trees
	maxParetoPoints     = 20000   // Pareto points kept at one gate
	maxDefenceNodes     = 200_000 // weigh defences only on trees this size
	maxDefenceLeaves    = 200
	maxCheapestExpand   = 200_000 // search steps for the k cheapest attacks
)

func ptr(x float64) *float64 { return &x }

// Evaluate answers every query on t under ctx.
func Evaluate(t *Tree, ctx Context) *Result {
	return evaluate(t, ctx, false)
}

// evaluate is Evaluate; forceShared makes it use the methods for shared
// nodes even on a tree (for tests that compare both).
func evaluate(t *Tree, ctx Context, forceShared bool) *Result {
	e := newEvaluation(t, ctx)
	shared := e.shared
	e.shared = e.shared || forceShared
	res := &Result{ID: t.ID, Goal: t.Goal(), Exact: true, Shared: shared, Pareto: []ParetoPoint{}, Cheapest: []AttackSet{}}
	res.Reachable = e.c.root != gFalse
	e.figures(res)
	e.pareto(res)
	e.cheapest(res)
	e.defences(res)
	if !res.Reachable {
		res.Notes = append(res.Notes, "no attack reaches the goal: every way to it is out of reach or stopped by a defence in force")
	}
	return res
}

// evaluation holds a compiled circuit and what is known of its literals.
type evaluation struct {
	t        *Tree
	ctx      Context
	c        *circuit
	missing  map[Attr][]string // the first attack leaves lacking each attribute
	nMissing map[Attr]int      // how many lack it
	nAttack  int               // attack leaves in play
	attack   []int32           // their literals
	shared   bool

	attrs      Attr // what every attack leaf of the tree has (treeAttrs)
	attrsKnown bool
}

func newEvaluation(t *Tree, ctx Context) *evaluation {
	e := &evaluation{t: t, ctx: ctx, c: compile(t, ctx), missing: map[Attr][]string{}, nMissing: map[Attr]int{}}
	e.shared = !e.c.readOnce()
	for _, g := range e.c.reachable() {
		gt := e.c.gates[g]
		if gt.op != opLit {
			continue
		}
		l := e.c.lits[gt.lit]
		if l.kind != litAttack {
			continue
		}
		e.nAttack++
		e.attack = append(e.attack, gt.lit)
		for _, a := range []Attr{AttrCost, AttrProbability, AttrTime, AttrSkill} {
			if l.node.Has&a == 0 {
				if e.nMissing[a] < 5 {
					e.missing[a] = append(e.missing[a], l.node.ID)
				}
				e.nMissing[a]++
			}
		}
	}
	return e
}

func attrName(a Attr) string {
	switch a {
	case AttrCost:
		return "cost"
	case AttrProbability:
		return "probability"
	case AttrTime:
		return "time"
	}
	return "skill"
}

// has reports whether every attack leaf in play has attribute a; the
// figure is left out (with a note) otherwise. With no attack leaf in play
// (the goal is out of reach), the figure is given, infinite, when the
// tree's attack leaves have the attribute.
func (e *evaluation) has(a Attr, res *Result) bool {
	n := e.nMissing[a]
	if e.nAttack == 0 {
		return !e.lacks(a)
	}
	if n == 0 {
		return true
	}
	if res != nil && n < e.nAttack {
		list := e.missing[a]
		if n > len(list) {
			list = append(list[:len(list):len(list)], fmt.Sprintf("and %d more", n-len(list)))
		}
		res.Notes = append(res.Notes, fmt.Sprintf("no %s: attack leaves without one: %s", attrName(a), strings.Join(list, ", ")))
	}
	return false
}

// treeAttrs returns the attributes every attack leaf of the tree has (none
// when it has no attack leaf), computed once.
func (e *evaluation) treeAttrs() Attr {
	if !e.attrsKnown {
		e.attrs, e.attrsKnown = AttrCost|AttrProbability|AttrTime|AttrSkill, true
		found := false
		for _, n := range e.t.Nodes() {
			if n.Role == Attack && n.Gate == Leaf {
				e.attrs &= n.Has
				found = true
			}
		}
		if !found {
			e.attrs = 0
		}
	}
	return e.attrs
}

// lacks reports whether some attack leaf in play lacks attribute a; with
// none in play, whether some attack leaf of the tree does.
func (e *evaluation) lacks(a Attr) bool {
	if e.nAttack == 0 {
		return e.treeAttrs()&a == 0
	}
	return e.nMissing[a] > 0
}

// weights returns, per literal, the value of attribute a in the
// deterministic (attacker's choice) reading: defences in force work, and
// only counter-attacks or a bypass get round them (a bypass costs its
// cost, and takes no time or skill of the attacker's).
func (e *evaluation) weights(a Attr) []float64 {
	w := make([]float64, len(e.c.lits))
	for i, l := range e.c.lits {
		switch {
		case l.kind == litAttack:
			w[i] = attrValue(l.node, a)
		case l.kind == litBypass && a == AttrCost:
			w[i] = l.node.Cost
		case l.kind == litBypass:
			w[i] = 0 // a bought way round: no time or skill of the attacker's
		default:
			w[i] = math.Inf(1) // not available to the attacker
		}
	}
	return w
}

// probabilities returns, per literal, its probability of being true.
func (e *evaluation) probabilities() []float64 {
	p := make([]float64, len(e.c.lits))
	for i, l := range e.c.lits {
		switch l.kind {
		case litAttack:
			p[i] = l.node.Probability
		case litFails:
			q := 1.0
			if l.node.Has&AttrProbability != 0 {
				q = l.node.Probability
			}
			p[i] = 1 - q
		}
	}
	return p
}

func attrValue(n *Node, a Attr) float64 {
	switch a {
	case AttrCost:
		return n.Cost
	case AttrProbability:
		return n.Probability
	case AttrTime:
		return n.Time
	}
	return n.Skill
}

// figures computes min cost, time, skill and the probability of success.
func (e *evaluation) figures(res *Result) {
	if e.has(AttrCost, res) {
		if v, err := e.minCost(); err != nil {
			e.outOfReach(res, "min_cost", err)
		} else {
			res.MinCost = figureOf(v)
		}
	}
	if e.has(AttrSkill, res) {
		if v, err := e.minSkill(); err != nil {
			e.outOfReach(res, "min_skill", err)
		} else {
			res.MinSkill = figureOf(v)
		}
	}
	if e.has(AttrTime, res) {
		if v, ok := e.minTime(); !ok {
			res.Exact = false
			res.Notes = append(res.Notes, "min_time: a node shared below a sequential step would have its time counted twice; the exact minimal time of such schedules is not computed")
		} else {
			res.MinTime = figureOf(v)
		}
	}
	if res.Reachable {
		var unbounded []string
		for _, f := range []struct {
			name string
			v    *float64
		}{{"min_cost", res.MinCost}, {"min_time", res.MinTime}, {"min_skill", res.MinSkill}} {
			if f.v != nil && math.IsInf(*f.v, 1) {
				unbounded = append(unbounded, f.name)
			}
		}
		if len(unbounded) > 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("%s infinite: the goal can be reached only if a defence in force fails at random (none can be got round), or the values add up beyond the largest number", strings.Join(unbounded, ", ")))
		}
	}
	if e.has(AttrProbability, res) {
		if v, err := e.probability(); err != nil {
			e.outOfReach(res, "probability", err)
		} else {
			res.Probability = ptr(v)
			if e.hasBypass() {
				res.Notes = append(res.Notes, "probability: defences fail only at random here; paying to get round one (its bypass cost) counts for cost, time and skill — model a way round that may succeed as a counter-attack")
			}
		}
	}
}

func (e *evaluation) outOfReach(res *Result, what string, err error) {
	res.Exact = false
	res.Notes = append(res.Notes, fmt.Sprintf("%s: no exact answer within limits (%v)", what, err))
}

// figureOf is v as a figure of a Result: nil for NaN (no answer), +Inf kept
// (no finite answer).
func figureOf(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return ptr(v)
}

// semiring evaluates the circuit bottom-up with the given operations.
func (e *evaluation) semiring(lit []float64, zero, one float64, and, sand, or func(a, b float64) float64) float64 {
	c := e.c
	val := make([]float64, len(c.gates))
	for _, g := range c.reachable() {
		gt := c.gates[g]
		switch gt.op {
		case opFalse:
			val[g] = zero
		case opTrue:
			val[g] = one
		case opLit:
			val[g] = lit[gt.lit]
		default:
			f := and
			switch gt.op {
			case opSand:
				f = sand
			case opOr:
				f = or
			}
			v := val[gt.kids[0]]
			for _, k := range gt.kids[1:] {
				v = f(v, val[k])
			}
			val[g] = v
		}
	}
	return val[c.root]
}

func sum(a, b float64) float64 { return a + b }

func (e *evaluation) minCost() (float64, error) {
	w := e.weights(AttrCost)
	if !e.shared {
		return e.semiring(w, math.Inf(1), 0, sum, sum, math.Min), nil
	}
	b, root, err := e.costBDD()
	if err != nil {
		return 0, err
	}
	return b.minCost(b.reach(root), w)[root], nil
}

// costBDD is the diagram of the deterministic reading: defences in force
// work; attack leaves and bypasses are the attacker's choices.
func (e *evaluation) costBDD() (*bdd, int32, error) {
	return buildBDD(e.c, func(l int32) (bool, bool) {
		return e.c.lits[l].kind == litFails, false
	})
}

func (e *evaluation) minSkill() (float64, error) {
	w := e.weights(AttrSkill)
	if !e.shared {
		return e.semiring(w, math.Inf(1), math.Inf(-1), math.Max, math.Max, math.Min), nil
	}
	b, root, err := e.costBDD()
	if err != nil {
		return 0, err
	}
	return b.minMax(b.reach(root), w), nil
}

// minTime is exact bottom-up (min, max and + over the circuit) unless a
// literal is shared below two children of an adding gate.
func (e *evaluation) minTime() (float64, bool) {
	w := e.weights(AttrTime)
	and := math.Max
	if e.t.SequentialAnd {
		and = sum
	}
	if e.shared && !e.sumsDisjoint() {
		return 0, false
	}
	return e.semiring(w, math.Inf(1), 0, and, sum, math.Min), true
}

// sumsDisjoint reports whether, below every gate that adds times, the
// children use disjoint literals.
func (e *evaluation) sumsDisjoint() bool {
	c := e.c
	const maxLits = 1 << 14
	if len(c.lits) > maxLits {
		return false
	}
	words := (len(c.lits) + 63) / 64
	support := make([][]uint64, len(c.gates))
	for _, g := range c.reachable() {
		gt := c.gates[g]
		s := make([]uint64, words)
		if gt.op == opLit {
			s[gt.lit/64] |= 1 << (gt.lit % 64)
		}
		adds := gt.op == opSand || (gt.op == opAnd && e.t.SequentialAnd)
		for _, k := range gt.kids {
			for i, x := range support[k] {
				if adds && s[i]&x != 0 {
					return false
				}
				s[i] |= x
			}
		}
		support[g] = s
	}
	return true
}

func (e *evaluation) probability() (float64, error) {
	p := e.probabilities()
	if !e.shared {
		return e.semiring(p, 0, 1, mul, mul, orProb), nil
	}
	b, root, err := e.probBDD()
	if err != nil {
		return 0, err
	}
	nodes := b.reach(root)
	return b.probability(nodes, p, make([]float64, len(b.level))), nil
}

// probBDD is the diagram of the random reading: attack leaves succeed and
// defences fail at random; nobody pays to bypass.
func (e *evaluation) probBDD() (*bdd, int32, error) {
	return buildBDD(e.c, func(l int32) (bool, bool) {
		return e.c.lits[l].kind == litBypass, false
	})
}

func mul(a, b float64) float64    { return a * b }
func orProb(a, b float64) float64 { return 1 - (1-a)*(1-b) }

// leafNames returns the ids of the attack and bypass literals in a set.
func (e *evaluation) leafNames(lits []int32) []string {
	out := make([]string, 0, len(lits))
	for _, l := range lits {
		lit := e.c.lits[l]
		if lit.kind == litBypass {
			out = append(out, "bypass:"+lit.node.ID)
		} else {
			out = append(out, lit.node.ID)
		}
	}
	sort.Strings(out)
	return out
}

// hasBypass reports whether a defence in play can be got round for a price.
func (e *evaluation) hasBypass() bool {
	for _, g := range e.c.reachable() {
		if gt := e.c.gates[g]; gt.op == opLit && e.c.lits[gt.lit].kind == litBypass {
			return true
		}
	}
	return false
}

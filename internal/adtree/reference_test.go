package adtree

import (
	"math"
	"math/bits"
	"sort"
	"strings"
)

// This file is a brute-force reference for the evaluation. It reads the
// semantics of the package comment directly off the Node structure and
// shares no code with circuit.go, bdd.go or eval.go:
//
//   - an attack leaf is achieved when it is performed (and succeeds); a leaf
//     that needs more skill than Context.MaxSkill is never performed;
//   - a defence leaf is active when it is in force and neither fails nor is
//     bypassed; in the deterministic reading (cost, skill, time) defences in
//     force never fail but those with a finite cost can be bypassed (the
//     bypass costs that, and no skill or time); in the random reading
//     (probability, Pareto) they fail with probability 1 − Probability
//     (Probability defaults to 1) and nobody bypasses them;
//   - and/sand gates need all their children, or gates any, for both roles;
//   - a node of either role is true when its refinement is and none of its
//     countermeasures is.
//
// Every figure is computed by enumerating all assignments of the relevant
// variables, 64 assignments per machine word.

const (
	refPerform = iota // an attack leaf is performed and succeeds
	refFail           // a defence leaf in force fails
	refBypass         // the attacker pays a defence leaf's bypass cost
)

type refVar struct {
	node *Node
	kind int
}

// refModel is a tree under a context, ready for enumeration.
type refModel struct {
	t     *Tree
	ctx   Context
	order []*Node // every node reachable from the root, parts before wholes
	index map[*Node]int
	root  int
	kids  [][]int // by order index: the children's order indices
	ctrs  [][]int // the countermeasures'
	force []bool  // defence leaves: in force

	attack []*Node // attack leaves within the attacker's skill
	bypass []*Node // defence leaves in force with a finite bypass cost
	fails  []*Node // defence leaves in force that fail with positive probability
}

func refInForce(ctx Context, n *Node) bool {
	if on, ok := ctx.Force[n]; ok {
		return on
	}
	if n.Control == "" || ctx.InForce == nil {
		return true
	}
	return ctx.InForce(n.Control)
}

// refStop is the probability that a defence leaf in force stops the attack.
func refStop(n *Node) float64 {
	if n.Has&AttrProbability != 0 {
		return n.Probability
	}
	return 1
}

// refInReach: a step is out of reach when it needs more skill than the
// attacker has, or when its cost, time or skill is infinite (cannot be done).
func refInReach(ctx Context, n *Node) bool {
	inf := func(a Attr, v float64) bool { return n.Has&a != 0 && math.IsInf(v, 1) }
	if inf(AttrCost, n.Cost) || inf(AttrTime, n.Time) || inf(AttrSkill, n.Skill) {
		return false
	}
	return !(ctx.MaxSkill > 0 && n.Has&AttrSkill != 0 && n.Skill > ctx.MaxSkill)
}

func newRefModel(t *Tree, ctx Context) *refModel {
	r := &refModel{t: t, ctx: ctx, index: map[*Node]int{}}
	var visit func(n *Node)
	visit = func(n *Node) {
		if _, ok := r.index[n]; ok {
			return
		}
		r.index[n] = -1 // in progress; the trees tested have no cycles
		for _, c := range n.Children {
			visit(c)
		}
		for _, c := range n.Counters {
			visit(c)
		}
		r.index[n] = len(r.order)
		r.order = append(r.order, n)
		if n.Gate != Leaf {
			return
		}
		if n.Role == Attack {
			if refInReach(ctx, n) {
				r.attack = append(r.attack, n)
			}
			return
		}
		if !refInForce(ctx, n) {
			return
		}
		if n.Has&AttrCost != 0 && !math.IsInf(n.Cost, 1) {
			r.bypass = append(r.bypass, n)
		}
		if refStop(n) < 1 {
			r.fails = append(r.fails, n)
		}
	}
	visit(t.Root)
	r.root = r.index[t.Root]
	for _, n := range r.order {
		var ks, cs []int
		for _, c := range n.Children {
			ks = append(ks, r.index[c])
		}
		for _, c := range n.Counters {
			cs = append(cs, r.index[c])
		}
		r.kids = append(r.kids, ks)
		r.ctrs = append(r.ctrs, cs)
		r.force = append(r.force, n.Role == Defence && refInForce(ctx, n))
	}
	return r
}

var refPatterns = [6]uint64{
	0xAAAAAAAAAAAAAAAA, 0xCCCCCCCCCCCCCCCC, 0xF0F0F0F0F0F0F0F0,
	0xFF00FF00FF00FF00, 0xFFFF0000FFFF0000, 0xFFFFFFFF00000000,
}

// table is the goal as a bitset over the 2^len(vars) assignments, where
// assignment x sets vars[i] when bit i of x is set.
func (r *refModel) table(vars []refVar) []uint64 {
	n := len(vars)
	words := 1
	if n > 6 {
		words = 1 << (n - 6)
	}
	perform := make([]uint64, len(r.order))
	fail := make([]uint64, len(r.order))
	byp := make([]uint64, len(r.order))
	val := make([]uint64, len(r.order))
	out := make([]uint64, words)
	for w := range words {
		clear(perform)
		clear(fail)
		clear(byp)
		for i, v := range vars {
			var pat uint64
			if i < 6 {
				pat = refPatterns[i]
			} else if w>>(i-6)&1 == 1 {
				pat = ^uint64(0)
			}
			k := r.index[v.node]
			switch v.kind {
			case refPerform:
				perform[k] |= pat
			case refFail:
				fail[k] |= pat
			default:
				byp[k] |= pat
			}
		}
		out[w] = r.goal(perform, fail, byp, val)
	}
	if n < 6 {
		out[0] &= 1<<(1<<n) - 1
	}
	return out
}

// goal evaluates the tree on 64 assignments at once, given which attack
// leaves are performed and which defence leaves fail or are bypassed in
// each; val is scratch space.
func (r *refModel) goal(perform, fail, byp, val []uint64) uint64 {
	for i, nd := range r.order {
		var x uint64
		switch {
		case nd.Gate == Leaf && nd.Role == Attack:
			x = perform[i]
		case nd.Gate == Leaf:
			if r.force[i] {
				x = ^(fail[i] | byp[i])
			}
		case nd.Gate == Or:
			for _, c := range r.kids[i] {
				x |= val[c]
			}
		default:
			x = ^uint64(0)
			for _, c := range r.kids[i] {
				x &= val[c]
			}
		}
		for _, c := range r.ctrs[i] {
			x &^= val[c]
		}
		val[i] = x
	}
	return val[r.root]
}

func refBit(t []uint64, x int) bool { return t[x>>6]>>(x&63)&1 == 1 }

// refMinimal marks the assignments of t that are true while every
// assignment with one variable fewer is false.
func refMinimal(t []uint64, n int) []uint64 {
	m := append([]uint64(nil), t...)
	for w := range m {
		for i := range n {
			if i < 6 {
				m[w] &^= (t[w] << (1 << i)) & refPatterns[i]
			} else if w>>(i-6)&1 == 1 {
				m[w] &^= t[w^(1<<(i-6))]
			}
		}
	}
	return m
}

// refSum adds with Neumaier's compensation, so that sums of millions of
// terms stay accurate to about one rounding.
type refSum struct{ s, c float64 }

func (k *refSum) add(x float64) {
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

func (k *refSum) value() float64 { return k.s + k.c }

// refAttack is a minimal attack of the deterministic reading.
type refAttack struct {
	mask uint64 // over refModel.costVars
	cost float64
}

// refResult is what brute force finds.
type refResult struct {
	reachable   bool
	minCost     float64 // +Inf when no attack of finite cost reaches the goal
	minSkill    float64 // +Inf when none reaches it without bypasses, NaN when leaves have no skill
	probability float64
	pareto      []ParetoPoint
	attacks     []refAttack // minimal attacks of finite cost, by cost
	costVars    []refVar
	costTable   []uint64
	minimal     []uint64
	names       map[string]int // leaf name as Evaluate lists it -> cost variable
}

// solve enumerates everything. pareto says whether to compute the front
// (exponential in the attack leaves).
func (r *refModel) solve(pareto bool) *refResult {
	res := &refResult{names: map[string]int{}}
	// Deterministic reading: attack leaves first, then bypasses.
	for _, n := range r.attack {
		res.names[n.ID] = len(res.costVars)
		res.costVars = append(res.costVars, refVar{n, refPerform})
	}
	for _, n := range r.bypass {
		res.names["bypass:"+n.ID] = len(res.costVars)
		res.costVars = append(res.costVars, refVar{n, refBypass})
	}
	nc := len(res.costVars)
	res.costTable = r.table(res.costVars)
	res.minimal = refMinimal(res.costTable, nc)
	weight := make([]float64, nc)
	for i, v := range res.costVars {
		weight[i] = v.node.Cost
	}
	res.minCost = math.Inf(1)
	for w, word := range res.minimal {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &= word - 1
			x := uint64(w<<6 | b)
			c := 0.0
			for y := x; y != 0; y &= y - 1 {
				c += weight[bits.TrailingZeros64(y)]
			}
			if math.IsInf(c, 1) {
				continue
			}
			res.attacks = append(res.attacks, refAttack{x, c})
			res.minCost = math.Min(res.minCost, c)
		}
	}
	sort.SliceStable(res.attacks, func(i, j int) bool { return res.attacks[i].cost < res.attacks[j].cost })

	// Skill: the least, over the attacks of the deterministic reading, of
	// the largest skill of their attack leaves (a bypass is bought: it
	// needs no skill). The attack leaves are the low bits. A leaf without
	// a skill leaves the figure out.
	na := len(r.attack)
	maxSkill := make([]float64, 1<<na)
	maxSkill[0] = math.Inf(-1)
	for x := 1; x < 1<<na; x++ {
		maxSkill[x] = math.Max(maxSkill[x&(x-1)], r.attack[bits.TrailingZeros(uint(x))].Skill)
	}
	res.minSkill = math.Inf(1)
	for x := range 1 << nc {
		if refBit(res.costTable, x) {
			res.minSkill = math.Min(res.minSkill, maxSkill[x&(1<<na-1)])
		}
	}
	for _, n := range r.attack {
		if n.Has&AttrSkill == 0 {
			res.minSkill = math.NaN()
		}
	}

	// Random reading: failing defences first, then attack leaves.
	var pvars []refVar
	for _, n := range r.fails {
		pvars = append(pvars, refVar{n, refFail})
	}
	nf := len(pvars)
	for _, n := range r.attack {
		pvars = append(pvars, refVar{n, refPerform})
	}
	pt := r.table(pvars)
	wDef := refWeights(len(r.fails), func(i int) float64 { return 1 - refStop(r.fails[i]) })
	wAtt := refWeights(na, func(i int) float64 { return r.attack[i].Probability })
	// g[s]: the probability of the goal when exactly the attack leaves in s
	// succeed, over the failures of the defences.
	g := make([]float64, 1<<na)
	var total refSum
	for s := range g {
		var k refSum
		for f := range 1 << nf {
			if refBit(pt, s<<nf|f) {
				k.add(wDef[f])
			}
		}
		g[s] = k.value()
		total.add(g[s] * wAtt[s])
	}
	res.probability = total.value()

	res.reachable = r.everything()

	if pareto && res.reachable {
		res.pareto = r.pareto(g)
	}
	return res
}

// everything says whether the goal is reached when every literal of either
// reading is true at once: all attack leaves succeed, and every defence in
// force both fails (if it can) and is bypassed (if it can).
func (r *refModel) everything() bool {
	n := len(r.order)
	perform, fail, byp := make([]uint64, n), make([]uint64, n), make([]uint64, n)
	for _, l := range r.attack {
		perform[r.index[l]] = 1
	}
	for _, l := range r.fails {
		fail[r.index[l]] = 1
	}
	for _, l := range r.bypass {
		byp[r.index[l]] = 1
	}
	return r.goal(perform, fail, byp, make([]uint64, n))&1 == 1
}

// refWeights gives, for every subset s of n independent events, the
// probability that exactly the events of s happen.
func refWeights(n int, p func(i int) float64) []float64 {
	w := make([]float64, 1<<n)
	w[0] = 1
	for i := range n {
		pi := p(i)
		half := 1 << i
		for s := range half {
			w[s|half] = w[s] * pi
			w[s] *= 1 - pi
		}
	}
	return w
}

// pareto computes, for every set S of attack leaves attempted, the
// probability of the goal when only those are attempted, by folding the
// leaves in one at a time: A[S] = p·A[S as success] + (1−p)·A[S \ {i}].
func (r *refModel) pareto(g []float64) []ParetoPoint {
	na := len(r.attack)
	a := append([]float64(nil), g...)
	for i := range na {
		p := r.attack[i].Probability
		bit := 1 << i
		for m := range a {
			if m&bit != 0 {
				a[m] = p*a[m] + (1-p)*a[m^bit]
			}
		}
	}
	cost := make([]float64, len(a))
	pts := make([]ParetoPoint, 0, len(a))
	for m := range a {
		if m > 0 {
			cost[m] = cost[m&(m-1)] + r.attack[bits.TrailingZeros(uint(m))].Cost
		}
		if !math.IsInf(cost[m], 1) {
			pts = append(pts, ParetoPoint{cost[m], a[m]})
		}
	}
	front := refFront(pts)
	if len(front) > 1 && front[0].Cost == 0 && front[0].Probability == 0 {
		front = front[1:]
	}
	return front
}

// refTol is how far apart two probabilities may be and still count as one.
const refTol = 1e-12

// refFront keeps the points that no other beats on both cost and
// probability by more than refTol.
func refFront(ps []ParetoPoint) []ParetoPoint {
	ps = append([]ParetoPoint(nil), ps...)
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Cost != ps[j].Cost {
			return ps[i].Cost < ps[j].Cost
		}
		return ps[i].Probability > ps[j].Probability
	})
	var out []ParetoPoint
	best := math.Inf(-1)
	for _, p := range ps {
		if p.Probability > best+refTol {
			out = append(out, p)
			best = p.Probability
		}
	}
	return out
}

// achieving says whether a list of leaves (as Evaluate names them) reaches
// the goal in the deterministic reading, whether it is minimal, and its
// cost; ok is false when a name is unknown.
func (res *refResult) lookup(leaves []string) (mask uint64, ok bool) {
	for _, l := range leaves {
		i, found := res.names[l]
		if !found {
			return 0, false
		}
		mask |= 1 << i
	}
	return mask, true
}

func (res *refResult) achieves(mask uint64) bool { return refBit(res.costTable, int(mask)) }
func (res *refResult) isMinimal(mask uint64) bool {
	return refBit(res.minimal, int(mask))
}

func (res *refResult) cost(mask uint64) float64 {
	c := 0.0
	for y := mask; y != 0; y &= y - 1 {
		c += res.costVars[bits.TrailingZeros64(y)].node.Cost
	}
	return c
}

func (res *refResult) describe(mask uint64) string {
	var names []string
	for y := mask; y != 0; y &= y - 1 {
		v := res.costVars[bits.TrailingZeros64(y)]
		if v.kind == refBypass {
			names = append(names, "bypass:"+v.node.ID)
		} else {
			names = append(names, v.node.ID)
		}
	}
	sort.Strings(names)
	return "{" + strings.Join(names, ",") + "}"
}

// minTime is the bottom-up minimal time of the package's semantics, on the
// Node structure: or takes the least, sand adds, and takes the largest (or
// adds when the tree says and is sequential); a node's countermeasures
// combine with its refinement as an and. Defences: one out of force is got
// round at once, and so is one in force that can be bypassed (a bypass is
// bought: it takes none of the attacker's time); otherwise only its
// counter-attacks get round it. It is the exact minimal time on a tree; on
// a DAG it is what bottom-up evaluation gives.
func (r *refModel) minTime() float64 {
	and := math.Max
	if r.t.SequentialAnd {
		and = func(a, b float64) float64 { return a + b }
	}
	val := make([]float64, len(r.order))
	for i, n := range r.order {
		var v float64
		if n.Role == Attack {
			switch n.Gate {
			case Leaf:
				v = math.Inf(1)
				if refInReach(r.ctx, n) {
					v = n.Time
				}
			case Or:
				v = math.Inf(1)
				for _, c := range n.Children {
					v = math.Min(v, val[r.index[c]])
				}
			case Sand:
				for _, c := range n.Children {
					v += val[r.index[c]]
				}
			default:
				v = val[r.index[n.Children[0]]]
				for _, c := range n.Children[1:] {
					v = and(v, val[r.index[c]])
				}
			}
			// Achieved: the refinement and every countermeasure got round.
			for _, c := range n.Counters {
				v = and(v, val[r.index[c]])
			}
		} else { // the time to get round the defence
			switch n.Gate {
			case Leaf:
				v = math.Inf(1)
				if !refInForce(r.ctx, n) || n.Has&AttrCost != 0 && !math.IsInf(n.Cost, 1) {
					v = 0
				}
			case And: // active when all are: got round when any is
				v = math.Inf(1)
				for _, c := range n.Children {
					v = math.Min(v, val[r.index[c]])
				}
			default: // or: got round when all are
				v = val[r.index[n.Children[0]]]
				for _, c := range n.Children[1:] {
					v = and(v, val[r.index[c]])
				}
			}
			for _, c := range n.Counters {
				v = math.Min(v, val[r.index[c]])
			}
		}
		val[i] = v
	}
	return val[r.root]
}

// timeSumsDisjoint says whether every combination that adds times joins
// parts without a leaf in common (leaves being attack leaves within reach
// and defence leaves in force), so that bottom-up is also right on a DAG.
func (r *refModel) timeSumsDisjoint() bool {
	support := make([]map[*Node]bool, len(r.order))
	ok := true
	join := func(adds bool, dst map[*Node]bool, src map[*Node]bool) {
		for n := range src {
			if adds && dst[n] {
				ok = false
			}
			dst[n] = true
		}
	}
	for i, n := range r.order {
		s := map[*Node]bool{}
		switch {
		case n.Gate == Leaf && n.Role == Attack:
			if refInReach(r.ctx, n) {
				s[n] = true
			}
		case n.Gate == Leaf:
			if refInForce(r.ctx, n) {
				s[n] = true
			}
		default:
			adds := n.Role == Attack && (n.Gate == Sand || n.Gate == And && r.t.SequentialAnd) ||
				n.Role == Defence && n.Gate == Or && r.t.SequentialAnd
			for _, c := range n.Children {
				join(adds, s, support[r.index[c]])
			}
		}
		adds := n.Role == Attack && r.t.SequentialAnd
		for _, c := range n.Counters {
			join(adds, s, support[r.index[c]])
		}
		support[i] = s
	}
	return ok
}

// naive is the textbook bottom-up reading that ignores sharing (the wrong
// answer on DAGs): it exists to show that the DAG tests can tell.
func (r *refModel) naiveMinCost() float64 {
	val := make([]float64, len(r.order))
	for i, n := range r.order {
		var v float64
		switch {
		case n.Gate == Leaf && n.Role == Attack:
			v = n.Cost
		case n.Gate == Leaf:
			v = math.Inf(1)
			if !refInForce(r.ctx, n) {
				v = 0
			} else if n.Has&AttrCost != 0 {
				v = n.Cost
			}
		case (n.Gate == Or) == (n.Role == Attack):
			v = math.Inf(1)
			for _, c := range n.Children {
				v = math.Min(v, val[r.index[c]])
			}
		default:
			for _, c := range n.Children {
				v += val[r.index[c]]
			}
		}
		for _, c := range n.Counters {
			if n.Role == Attack {
				v += val[r.index[c]]
			} else {
				v = math.Min(v, val[r.index[c]])
			}
		}
		val[i] = v
	}
	return val[r.root]
}

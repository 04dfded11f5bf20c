package adtree

import (
	"container/heap"
	"fmt"
	"math"
	"sort"
)

// DefaultCheapest is how many cheapest attacks are listed by default.
const DefaultCheapest = 5

// cheapest lists the k cheapest minimal attacks: sets of leaves (and
// bypasses) that reach the goal, none of whose subsets does. Without costs,
// attacks are ranked by their number of leaves.
func (e *evaluation) cheapest(res *Result) {
	k := e.ctx.Cheapest
	if k <= 0 {
		k = DefaultCheapest
	}
	if !res.Reachable {
		return
	}
	withCost := !e.lacks(AttrCost)
	w := e.weights(AttrCost)
	if !withCost {
		for i, l := range e.c.lits {
			if l.kind != litFails {
				w[i] = 1
			}
		}
	}
	var sets [][]int32
	var costs []float64
	if e.shared {
		var complete bool
		var err error
		sets, costs, complete, err = e.cheapestBDD(w, k)
		if err != nil {
			res.Exact = false
			res.Notes = append(res.Notes, fmt.Sprintf("cheapest: no exact answer within limits (%v)", err))
			return
		}
		if !complete {
			res.Notes = append(res.Notes, fmt.Sprintf("cheapest: the search stopped after %d steps with %d attacks listed", maxCheapestExpand, len(sets)))
		}
	} else {
		sets, costs = e.cheapestTree(w, k)
	}
	dropped := 0
	for i, s := range sets {
		a := AttackSet{Leaves: e.leafNames(s)}
		if withCost {
			if math.IsInf(costs[i], 1) {
				dropped++ // no attacker mounts it, as on the Pareto front
				continue
			}
			a.Cost = ptr(costs[i])
		}
		res.Cheapest = append(res.Cheapest, a)
	}
	if dropped > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("cheapest: %d attacks whose costs add up beyond the largest number are left out", dropped))
	}
}

// kEntry is one attack in a k-best list: a literal, or the union of two
// attacks (persistent, so lists share their parts).
type kEntry struct {
	cost float64
	lit  int32 // -1 for a union
	a, b *kEntry
}

func (x *kEntry) lits(out []int32) []int32 {
	if x == nil {
		return out
	}
	if x.lit >= 0 {
		return append(out, x.lit)
	}
	return x.b.lits(x.a.lits(out))
}

// cheapestTree keeps the k cheapest attacks of every gate, bottom-up: or
// merges its children's lists, and and sand combine them pairwise. On a
// tree every such attack is minimal.
func (e *evaluation) cheapestTree(w []float64, k int) ([][]int32, []float64) {
	c := e.c
	lists := make([][]*kEntry, len(c.gates))
	empty := &kEntry{lit: -1}
	for _, g := range c.reachable() {
		gt := c.gates[g]
		switch gt.op {
		case opFalse:
		case opTrue:
			lists[g] = []*kEntry{empty}
		case opLit:
			if x := w[gt.lit]; !math.IsInf(x, 1) {
				lists[g] = []*kEntry{{cost: x, lit: gt.lit}}
			}
		case opOr:
			var all []*kEntry
			for _, kid := range gt.kids {
				all = append(all, lists[kid]...)
			}
			sort.SliceStable(all, func(i, j int) bool { return all[i].cost < all[j].cost })
			lists[g] = all[:min(k, len(all))]
		default:
			acc := lists[gt.kids[0]]
			for _, kid := range gt.kids[1:] {
				acc = kBestSums(acc, lists[kid], k)
			}
			lists[g] = acc
		}
	}
	var sets [][]int32
	var costs []float64
	for _, x := range lists[c.root] {
		sets = append(sets, x.lits(nil))
		costs = append(costs, x.cost)
	}
	return sets, costs
}

// kBestSums returns the k cheapest unions of one attack from a and one
// from b (both sorted by cost).
func kBestSums(a, b []*kEntry, k int) []*kEntry {
	var out []*kEntry
	for i := 0; i < len(a) && i < k; i++ {
		for j := 0; j < len(b) && (i+1)*(j+1) <= k; j++ {
			out = append(out, &kEntry{cost: a[i].cost + b[j].cost, lit: -1, a: a[i], b: b[j]})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].cost < out[j].cost })
	return out[:min(k, len(out))]
}

// path is a persistent list of the literals set true along a diagram path.
type path struct {
	lit  int32
	next *path
}

type state struct {
	node int32
	g, f float64
	path *path
	seq  int // insertion order, for a stable order among equal costs
}

type states []state

func (s states) Len() int { return len(s) }
func (s states) Less(i, j int) bool {
	if s[i].f != s[j].f {
		return s[i].f < s[j].f
	}
	return s[i].seq < s[j].seq
}
func (s states) Swap(i, j int) { s[i], s[j] = s[j], s[i] }
func (s *states) Push(x any)   { *s = append(*s, x.(state)) }
func (s *states) Pop() any {
	old := *s
	x := old[len(old)-1]
	*s = old[:len(old)-1]
	return x
}

// cheapestBDD enumerates the paths to true of the cost diagram in order of
// cost (A* with the exact cost-to-go as heuristic) and keeps the minimal
// sets. Every minimal set is the path its own assignment follows, so none is
// missed.
func (e *evaluation) cheapestBDD(w []float64, k int) ([][]int32, []float64, bool, error) {
	b, root, err := e.costBDD()
	if err != nil {
		return nil, nil, false, err
	}
	h := b.minCost(b.reach(root), w)
	if math.IsInf(h[root], 1) {
		// No attack reaches the goal in this reading (it may still be
		// reached when a defence fails at random): nothing to list.
		return nil, nil, true, nil
	}
	var sets [][]int32
	var costs []float64
	pq := &states{{node: root, f: h[root]}}
	seq := 0
	for steps := 0; pq.Len() > 0 && len(sets) < k; steps++ {
		if steps >= maxCheapestExpand {
			return sets, costs, false, nil
		}
		s := heap.Pop(pq).(state)
		if s.node == 1 {
			var set []int32
			for p := s.path; p != nil; p = p.next {
				set = append(set, p.lit)
			}
			if minimalSet(b, root, set) {
				sets = append(sets, set)
				costs = append(costs, s.g)
			}
			continue
		}
		if lo := b.lo[s.node]; !math.IsInf(h[lo], 1) {
			seq++
			heap.Push(pq, state{node: lo, g: s.g, f: s.g + h[lo], path: s.path, seq: seq})
		}
		lit := b.vars[b.level[s.node]]
		if hi := b.hi[s.node]; !math.IsInf(h[hi], 1) && !math.IsInf(w[lit], 1) {
			g := s.g + w[lit]
			seq++
			heap.Push(pq, state{node: hi, g: g, f: g + h[hi], path: &path{lit: lit, next: s.path}, seq: seq})
		}
	}
	return sets, costs, true, nil
}

// minimalSet reports whether no literal of set can be dropped with the
// goal still reached.
func minimalSet(b *bdd, root int32, set []int32) bool {
	in := map[int32]bool{}
	for _, l := range set {
		in[l] = true
	}
	for _, drop := range set {
		if b.eval(root, func(l int32) bool { return l != drop && in[l] }) {
			return false
		}
	}
	return true
}

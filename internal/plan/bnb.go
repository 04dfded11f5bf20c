package plan

import (
	"cmp"
	"context"
	"slices"
)

// bounder gives the branch and bound a lower bound on the objective of
// every portfolio that completes a node: scenario s's configuration is
// fixed to V[s] on its decided candidates and free on F[s] (the undecided
// candidates that still fit the budget; the others are out of every
// feasible completion). When every F[s] is 0 the bound is the exact
// objective of the node's portfolio.
type bounder interface {
	// set moves the bound to the node (F, V).
	set(F, V []uint64)
	// compare compares the bound with v: -1, 0 or +1.
	compare(v float64) int
	// exact is the bound's value; the objective when every F[s] is 0.
	exact() float64
}

// branchAndBound finds the best portfolio within budget (problem.compare
// order) starting from the incumbent inc, and counts the nodes it visits.
//
// Depth first, one candidate decided per level in order (by decreasing
// reduction alone), in before out. A node is pruned when its bound exceeds
// the incumbent's objective, or equals it while the node already has more
// controls, or as many at a higher cost (every completion is then worse in
// problem.compare order: objectives can only be higher or equal, and
// completions only add controls and cost — sums of nonnegative costs in a
// fixed order never decrease). A node whose undecided candidates all
// exceed the remaining budget is a leaf.
func (p *problem) branchAndBound(ctx context.Context, b bounder, budget float64, order []int, inc portfolio) (portfolio, int64, error) {
	n := len(p.cands)
	bb := &bnbState{p: p, b: b, budget: budget, order: order, inc: inc, ctx: ctx,
		decided: make([]bool, n), sel: make([]bool, n),
		F: make([]uint64, len(p.scens)), V: make([]uint64, len(p.scens))}
	err := bb.visit()
	return bb.inc, bb.nodes, err
}

type bnbState struct {
	ctx     context.Context
	p       *problem
	b       bounder
	budget  float64
	order   []int
	decided []bool
	sel     []bool
	inc     portfolio
	nodes   int64
	F, V    []uint64
}

func (bb *bnbState) visit() error {
	bb.nodes++
	if bb.nodes%256 == 0 {
		if err := bb.ctx.Err(); err != nil {
			return err
		}
	}
	p := bb.p
	clear(bb.F)
	clear(bb.V)
	next := -1
	cost := p.cost(bb.sel)
	count := 0
	for _, ci := range bb.order {
		c := &p.cands[ci]
		switch {
		case bb.sel[ci]:
			count++
			for j, s := range c.scen {
				bb.V[s] |= c.bit[j]
			}
		case !bb.decided[ci]:
			bb.sel[ci] = true
			fits := p.cost(bb.sel) <= bb.budget
			bb.sel[ci] = false
			if !fits {
				continue
			}
			if next < 0 {
				next = ci
			}
			for j, s := range c.scen {
				bb.F[s] |= c.bit[j]
			}
		}
	}
	bb.b.set(bb.F, bb.V)
	switch r := bb.b.compare(bb.inc.obj); {
	case r > 0:
		return nil
	case r == 0 && (count > bb.inc.n || count == bb.inc.n && cost > bb.inc.cost):
		return nil
	}
	if next < 0 {
		// A leaf: the remaining candidates stay out.
		c := portfolio{sel: bb.sel, obj: bb.b.exact(), n: count, cost: cost}
		if p.compare(&c, &bb.inc) < 0 {
			bb.inc = p.scored(bb.sel, c.obj)
		}
		return nil
	}
	bb.decided[next] = true
	bb.sel[next] = true
	if err := bb.visit(); err != nil {
		return err
	}
	bb.sel[next] = false
	if err := bb.visit(); err != nil {
		return err
	}
	bb.decided[next] = false
	return nil
}

// branchOrder orders the candidates by decreasing reduction of the
// objective on their own (gains), then increasing cost, then model order:
// decisive controls first, so that good portfolios come early and bounds
// tighten high in the tree.
func (p *problem) branchOrder(gains []float64) []int {
	order := make([]int, len(p.cands))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(gains[b], gains[a]), cmp.Compare(p.cands[a].cost, p.cands[b].cost))
	})
	return order
}

// meanBounder bounds the mean: the sum over scenarios, in model order, of
// the lowest mean over the configurations a node leaves open. Rounding is
// monotone, so a sum of smaller terms in the same order is never larger:
// the bound never exceeds the objective of a completion.
type meanBounder struct {
	tables [][]float64 // per scenario, the mean of each configuration
	memo   []map[[2]uint64]float64
	val    float64
}

func newMeanBounder(tables [][]float64) *meanBounder {
	b := &meanBounder{tables: tables, memo: make([]map[[2]uint64]float64, len(tables))}
	for i := range b.memo {
		b.memo[i] = map[[2]uint64]float64{}
	}
	return b
}

func (b *meanBounder) set(F, V []uint64) {
	var sum float64
	for s := range F {
		sum += b.min(s, F[s], V[s])
	}
	b.val = sum
}

func (b *meanBounder) min(s int, F, V uint64) float64 {
	t := b.tables[s]
	if F == 0 {
		return t[V]
	}
	if v, ok := b.memo[s][[2]uint64{F, V}]; ok {
		return v
	}
	m := t[V]
	for x := F; x != 0; x = (x - 1) & F {
		m = min(m, t[V|x])
	}
	b.memo[s][[2]uint64{F, V}] = m
	return m
}

func (b *meanBounder) compare(v float64) int { return cmp.Compare(b.val, v) }
func (b *meanBounder) exact() float64        { return b.val }

// quantileBounder bounds a quantile: the quantile of the per-trial sum of
// each scenario's lowest loss in that trial over the configurations a node
// leaves open. Every completion's per-trial totals are at least these, and
// an order statistic cannot rise when every element falls. The per-trial
// sum is kept in exact integers (quantizer) and moved from node to node by
// the scenarios whose open configurations changed.
type quantileBounder struct {
	c       *cache
	z       quantizer
	k       int
	lb      []int64
	cur     []bkey
	vecs    [][]float64
	memo    map[bkey][]float64
	bytes   int64
	limit   int64
	scratch []int64
}

type bkey struct {
	s    int
	F, V uint64
}

func newQuantileBounder(c *cache, z quantizer, k int, trials int, limit int64) *quantileBounder {
	S := len(c.entries)
	b := &quantileBounder{c: c, z: z, k: k, lb: make([]int64, trials), cur: make([]bkey, S),
		vecs: make([][]float64, S), memo: map[bkey][]float64{}, limit: limit, scratch: make([]int64, trials)}
	for s := range S {
		b.cur[s] = bkey{s, 0, 0}
		b.vecs[s] = c.entries[s][0].vec
		for t, x := range b.vecs[s] {
			b.lb[t] += z.q(x)
		}
	}
	return b
}

func (b *quantileBounder) set(F, V []uint64) {
	for s := range F {
		k := bkey{s, F[s], V[s]}
		if k == b.cur[s] {
			continue
		}
		nv := b.minVec(k)
		ov := b.vecs[s]
		z := b.z
		for t := range b.lb {
			b.lb[t] += z.q(nv[t]) - z.q(ov[t])
		}
		b.cur[s], b.vecs[s] = k, nv
	}
}

// minVec is the per-trial minimum of scenario k.s's losses over the
// configurations V | x, x ⊆ F. Results are remembered within the memory
// limit (forgotten all at once beyond it).
func (b *quantileBounder) minVec(k bkey) []float64 {
	if k.F == 0 {
		return b.c.entries[k.s][k.V].vec
	}
	if v, ok := b.memo[k]; ok {
		return v
	}
	m := slices.Clone(b.c.entries[k.s][k.V].vec)
	for x := k.F; x != 0; x = (x - 1) & k.F {
		for t, y := range b.c.entries[k.s][k.V|x].vec {
			m[t] = min(m[t], y)
		}
	}
	size := 8 * int64(len(m))
	if b.bytes+size > b.limit {
		clear(b.memo)
		b.bytes = 0
		// The vectors in use stay referenced by b.vecs.
	}
	b.memo[k] = m
	b.bytes += size
	return m
}

// compare counts: the bound (the k-th smallest of lb) exceeds v when fewer
// than k totals are ≤ v, and is below v when at least k are < v.
func (b *quantileBounder) compare(v float64) int {
	iv := int64(v)
	le, lt := 0, 0
	for _, x := range b.lb {
		if x <= iv {
			le++
			if x < iv {
				lt++
			}
		}
	}
	switch {
	case le < b.k:
		return 1
	case lt >= b.k:
		return -1
	}
	return 0
}

func (b *quantileBounder) exact() float64 {
	copy(b.scratch, b.lb)
	return float64(kth(b.scratch, b.k))
}

package adtree

import (
	"errors"
	"math"
	"slices"
)

// errTooBig is returned when a decision diagram outgrows its node budget.
var errTooBig = errors.New("the decision diagram outgrew its node budget")

// maxBDDNodes bounds the decision diagrams built for one evaluation. A
// variable only so that tests can lower it.
var maxBDDNodes = 4 << 20

// bdd is a reduced ordered binary decision diagram over the circuit's
// literals, ordered by their first appearance in a depth-first walk.
// Node 0 is false, node 1 is true.
type bdd struct {
	level []int32 // variable (order position) of each node; terminals: maxInt32
	lo    []int32
	hi    []int32
	uniq  map[[3]int32]int32
	memo  map[[3]int32]int32 // apply cache: (op, a, b)
	vars  []int32            // vars[level] = literal index
	limit int
}

const termLevel = math.MaxInt32

func newBDD(vars []int32) *bdd {
	return &bdd{
		level: []int32{termLevel, termLevel},
		lo:    []int32{0, 1},
		hi:    []int32{0, 1},
		uniq:  map[[3]int32]int32{},
		memo:  map[[3]int32]int32{},
		vars:  vars,
		limit: maxBDDNodes,
	}
}

func (b *bdd) mk(level, lo, hi int32) (int32, error) {
	if lo == hi {
		return lo, nil
	}
	key := [3]int32{level, lo, hi}
	if n, ok := b.uniq[key]; ok {
		return n, nil
	}
	if len(b.level) >= b.limit {
		return 0, errTooBig
	}
	b.level = append(b.level, level)
	b.lo = append(b.lo, lo)
	b.hi = append(b.hi, hi)
	n := int32(len(b.level) - 1)
	b.uniq[key] = n
	return n, nil
}

const (
	applyAnd int32 = iota
	applyOr
)

// apply combines two diagrams with and or or.
func (b *bdd) apply(o, x, y int32) (int32, error) {
	switch o {
	case applyAnd:
		if x == 0 || y == 0 {
			return 0, nil
		}
		if x == 1 {
			return y, nil
		}
		if y == 1 || x == y {
			return x, nil
		}
	case applyOr:
		if x == 1 || y == 1 {
			return 1, nil
		}
		if x == 0 {
			return y, nil
		}
		if y == 0 || x == y {
			return x, nil
		}
	}
	if x > y {
		x, y = y, x // both operations commute
	}
	key := [3]int32{o, x, y}
	if r, ok := b.memo[key]; ok {
		return r, nil
	}
	lx, ly := b.level[x], b.level[y]
	top := min(lx, ly)
	x0, x1 := x, x
	if lx == top {
		x0, x1 = b.lo[x], b.hi[x]
	}
	y0, y1 := y, y
	if ly == top {
		y0, y1 = b.lo[y], b.hi[y]
	}
	lo, err := b.apply(o, x0, y0)
	if err != nil {
		return 0, err
	}
	hi, err := b.apply(o, x1, y1)
	if err != nil {
		return 0, err
	}
	r, err := b.mk(top, lo, hi)
	if err != nil {
		return 0, err
	}
	b.memo[key] = r
	return r, nil
}

// build returns the diagram of the circuit's root. weight decides, for each
// literal, whether it stays a variable or becomes a constant.
func buildBDD(c *circuit, constant func(lit int32) (isConst, value bool)) (*bdd, int32, error) {
	order := c.literalOrder()
	levelOf := make([]int32, len(c.lits))
	for i := range levelOf {
		levelOf[i] = -1
	}
	var vars []int32
	for _, l := range order {
		if isConst, _ := constant(l); !isConst {
			levelOf[l] = int32(len(vars))
			vars = append(vars, l)
		}
	}
	b := newBDD(vars)
	val := make([]int32, len(c.gates))
	for _, g := range c.reachable() {
		gt := c.gates[g]
		var r int32
		var err error
		switch gt.op {
		case opFalse:
			r = 0
		case opTrue:
			r = 1
		case opLit:
			if isConst, v := constant(gt.lit); isConst {
				r = 0
				if v {
					r = 1
				}
			} else {
				r, err = b.mk(levelOf[gt.lit], 0, 1)
			}
		case opAnd, opSand, opOr:
			o := applyAnd
			if gt.op == opOr {
				o = applyOr
				r = 0
			} else {
				r = 1
			}
			for _, k := range gt.kids {
				if r, err = b.apply(o, r, val[k]); err != nil {
					break
				}
			}
		}
		if err != nil {
			return nil, 0, err
		}
		val[g] = r
	}
	b.memo = nil // the apply cache is no longer needed
	return b, val[c.root], nil
}

// literalOrder lists the circuit's literals by first appearance in a
// depth-first walk from the root: a good variable order for tree-like
// circuits (read-once formulas get linear diagrams).
func (c *circuit) literalOrder() []int32 {
	var out []int32
	seenLit := make([]bool, len(c.lits))
	for _, g := range c.reachable() {
		if gt := c.gates[g]; gt.op == opLit && !seenLit[gt.lit] {
			seenLit[gt.lit] = true
			out = append(out, gt.lit)
		}
	}
	return out
}

// reach lists the nodes reachable from root, children before parents
// (node indices grow from children to parents, so sorting suffices).
func (b *bdd) reach(root int32) []int32 {
	seen := make([]bool, len(b.level))
	stack := []int32{root}
	var out []int32
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
		if n > 1 {
			stack = append(stack, b.lo[n], b.hi[n])
		}
	}
	slices.Sort(out)
	return out
}

// probability is P(root) when literal l is true with probability p[l],
// independently. val is scratch space of len(b.level).
func (b *bdd) probability(nodes []int32, p []float64, val []float64) float64 {
	val[0], val[1] = 0, 1
	for _, n := range nodes {
		if n > 1 {
			q := p[b.vars[b.level[n]]]
			val[n] = (1-q)*val[b.lo[n]] + q*val[b.hi[n]]
		}
	}
	return val[nodes[len(nodes)-1]]
}

// minCost gives, for every node, the least total weight of the literals set
// true on a path from it to true (literals off the path are false): at the
// root, the cheapest satisfying set.
func (b *bdd) minCost(nodes []int32, w []float64) []float64 {
	val := make([]float64, len(b.level))
	val[0], val[1] = math.Inf(1), 0
	for _, n := range nodes {
		if n > 1 {
			val[n] = math.Min(val[b.lo[n]], w[b.vars[b.level[n]]]+val[b.hi[n]])
		}
	}
	return val
}

// minMax is the least, over satisfying sets, of the largest weight of a
// literal in the set (the bottleneck, as for the skill an attack needs).
func (b *bdd) minMax(nodes []int32, w []float64) float64 {
	val := make([]float64, len(b.level))
	val[0], val[1] = math.Inf(1), math.Inf(-1)
	for _, n := range nodes {
		if n > 1 {
			val[n] = math.Min(val[b.lo[n]], math.Max(w[b.vars[b.level[n]]], val[b.hi[n]]))
		}
	}
	return val[nodes[len(nodes)-1]]
}

// eval says whether the assignment (by literal) satisfies the diagram.
func (b *bdd) eval(root int32, on func(lit int32) bool) bool {
	n := root
	for n > 1 {
		if on(b.vars[b.level[n]]) {
			n = b.hi[n]
		} else {
			n = b.lo[n]
		}
	}
	return n == 1
}

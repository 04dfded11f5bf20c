package plan

import (
	"cmp"
	"context"
	"math/bits"
	"slices"
)

// enumerate returns the non-dominated portfolios for the mean, exactly: it
// visits all 2ⁿ portfolios in Gray-code order (one control toggled from
// one to the next, so only the scenarios it acts on change configuration)
// and sums each scenario's mean from tables. Memory: 24 bytes a portfolio
// (24 MiB for 20 candidates).
func (p *problem) enumerate(ctx context.Context, tables [][]float64) ([]portfolio, error) {
	n := len(p.cands)
	type point struct {
		cost, obj float64
		g         uint32
	}
	pts := make([]point, 1<<n)
	masks := make([]uint64, len(p.scens))
	var g uint32
	for i := range pts {
		if i > 0 {
			ci := bits.TrailingZeros(uint(i))
			g ^= 1 << ci
			c := &p.cands[ci]
			for j, s := range c.scen {
				masks[s] ^= c.bit[j]
			}
			if i%(1<<16) == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
		}
		var obj, cost float64
		for s, m := range masks {
			obj += tables[s][m]
		}
		for x := g; x != 0; x &= x - 1 {
			cost += p.cands[bits.TrailingZeros32(x)].cost
		}
		pts[i] = point{cost, obj, g}
	}
	sel := func(g uint32) []bool {
		out := make([]bool, n)
		for ci := range out {
			out[ci] = g&(1<<ci) != 0
		}
		return out
	}
	slices.SortFunc(pts, func(a, b point) int {
		if c := cmp.Or(cmp.Compare(a.cost, b.cost), cmp.Compare(a.obj, b.obj),
			cmp.Compare(bits.OnesCount32(a.g), bits.OnesCount32(b.g))); c != 0 {
			return c
		}
		return p.compareIDs(sel(a.g), sel(b.g))
	})
	var out []portfolio
	for _, pt := range pts {
		if len(out) == 0 || pt.obj < out[len(out)-1].obj {
			out = append(out, portfolio{sel: sel(pt.g), obj: pt.obj, n: bits.OnesCount32(pt.g), cost: pt.cost})
		}
	}
	return out, nil
}

// nonDominated keeps, of ps, the portfolios that no other beats on both
// cost and objective, by increasing cost; of equal ones, the first in
// problem.compare order.
func (p *problem) nonDominated(ps []portfolio) []portfolio {
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b portfolio) int {
		if c := cmp.Compare(a.cost, b.cost); c != 0 {
			return c
		}
		return p.compare(&a, &b)
	})
	var out []portfolio
	for _, q := range ps {
		if len(out) == 0 || q.obj < out[len(out)-1].obj {
			out = append(out, q)
		}
	}
	return out
}

// ladder returns the budgets at which a frontier is solved: levels+1 steps
// from 0 to the cost of every candidate, and the user's budget.
func (p *problem) ladder(levels int, budget float64) []float64 {
	all := make([]bool, len(p.cands))
	for i := range all {
		all[i] = true
	}
	total := p.cost(all)
	out := []float64{budget}
	for i := 0; i <= levels; i++ {
		out = append(out, total*float64(i)/float64(levels))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

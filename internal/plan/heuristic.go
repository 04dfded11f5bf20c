package plan

import (
	"math"
	"slices"
)

// heuristic returns a good portfolio within budget: greedy, then local
// search from the greedy portfolio and from each of starts (portfolios
// within budget, such as a lower budget's solution); the best wins.
// Deterministic: moves are tried in a fixed order and ties broken by
// problem.compare.
func (p *problem) heuristic(obj objective, budget float64, starts ...[]bool) (portfolio, error) {
	g, err := p.greedy(obj, budget)
	if err != nil {
		return portfolio{}, err
	}
	best, err := p.localSearch(obj, budget, g)
	if err != nil {
		return portfolio{}, err
	}
	for _, st := range starts {
		if st == nil || p.cost(st) > budget {
			continue
		}
		ls, err := p.localSearch(obj, budget, st)
		if err != nil {
			return portfolio{}, err
		}
		if p.compare(&ls, &best) < 0 {
			best = ls
		}
	}
	return best, nil
}

// greedy adds, from the implemented controls alone, the candidate that
// lowers the objective most per unit of annualised cost among those that
// still fit the budget (a control that costs nothing and lowers it comes
// first), until none lowers it. Ties: larger reduction, lower cost, id.
func (p *problem) greedy(obj objective, budget float64) ([]bool, error) {
	sel := make([]bool, len(p.cands))
	if err := obj.set(sel); err != nil {
		return nil, err
	}
	for {
		var moves []move
		for ci := range p.cands {
			if !sel[ci] && p.cost(moved(sel, move{ci, -1})) <= budget {
				moves = append(moves, move{ci, -1})
			}
		}
		if len(moves) == 0 {
			break
		}
		vals, err := obj.evaluate(moves, math.Inf(1))
		if err != nil {
			return nil, err
		}
		cur := obj.value()
		best := -1
		var bestRatio, bestDelta float64
		for i, mv := range moves {
			d := cur - vals[i]
			if !(d > 0) {
				continue
			}
			c := p.cands[mv.add].cost
			r := math.Inf(1)
			if c > 0 {
				r = d / c
			}
			if best >= 0 {
				bc := p.cands[moves[best].add]
				switch {
				case r < bestRatio, r == bestRatio && d < bestDelta,
					r == bestRatio && d == bestDelta && c > bc.cost,
					r == bestRatio && d == bestDelta && c == bc.cost && p.cands[mv.add].id > bc.id:
					continue
				}
			}
			best, bestRatio, bestDelta = i, r, d
		}
		if best < 0 {
			break
		}
		if err := obj.apply(moves[best]); err != nil {
			return nil, err
		}
		applyMove(sel, moves[best])
	}
	return sel, nil
}

// localSearch improves start by the best of all moves — add a candidate,
// drop one, or swap one in for one out, within budget — as long as one
// gives a better portfolio (problem.compare).
func (p *problem) localSearch(obj objective, budget float64, start []bool) (portfolio, error) {
	sel := slices.Clone(start)
	if err := obj.set(sel); err != nil {
		return portfolio{}, err
	}
	cur := p.scored(sel, obj.value())
	for {
		var moves []move
		for a := range p.cands {
			if sel[a] {
				moves = append(moves, move{-1, a})
				continue
			}
			if p.cost(moved(sel, move{a, -1})) <= budget {
				moves = append(moves, move{a, -1})
			}
			for d := range p.cands {
				if sel[d] && p.cost(moved(sel, move{a, d})) <= budget {
					moves = append(moves, move{a, d})
				}
			}
		}
		if len(moves) == 0 {
			break
		}
		vals, err := obj.evaluate(moves, cur.obj)
		if err != nil {
			return portfolio{}, err
		}
		best, bestMove := cur, -1
		for i, mv := range moves {
			if vals[i] > best.obj {
				continue
			}
			c := p.scored(moved(sel, mv), vals[i])
			if p.compare(&c, &best) < 0 {
				best, bestMove = c, i
			}
		}
		if bestMove < 0 {
			break
		}
		if err := obj.apply(moves[bestMove]); err != nil {
			return portfolio{}, err
		}
		applyMove(sel, moves[bestMove])
		cur = best
	}
	return cur, nil
}

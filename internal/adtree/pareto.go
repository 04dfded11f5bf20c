package adtree

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

var errTooManyPoints = errors.New("too many Pareto-optimal attacks")

// maxParetoWork bounds the enumeration of the front on shared nodes: one
// pass over the probability diagram per set of attack leaves (about a
// second at this bound).
const maxParetoWork = 1 << 27

// pareto computes the front of (cost, probability of success) over all sets
// of attack leaves the attacker may attempt: bottom-up on trees, by
// enumeration of the attack sets on shared nodes.
func (e *evaluation) pareto(res *Result) {
	if e.lacks(AttrCost) || e.lacks(AttrProbability) || e.nAttack == 0 {
		return
	}
	var front []ParetoPoint
	var err error
	switch {
	case e.nAttack > maxParetoTreeLeaves:
		err = fmt.Errorf("%d attack leaves; the front is computed up to %d", e.nAttack, maxParetoTreeLeaves)
	case e.shared:
		front, err = e.paretoEnumerate()
	default:
		front, err = e.paretoTree()
	}
	if err != nil {
		res.Exact = false
		res.Notes = append(res.Notes, fmt.Sprintf("pareto: no exact front within limits (%v)", err))
		return
	}
	res.Pareto = front
}

// prune keeps the points no other point beats: sorted by cost, each with a
// higher probability than every cheaper one.
func prune(ps []ParetoPoint) []ParetoPoint {
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].Cost != ps[j].Cost {
			return ps[i].Cost < ps[j].Cost
		}
		return ps[i].Probability > ps[j].Probability
	})
	out := ps[:0]
	best := math.Inf(-1)
	for _, p := range ps {
		if p.Probability > best {
			out = append(out, p)
			best = p.Probability
		}
	}
	return out
}

func (e *evaluation) paretoTree() ([]ParetoPoint, error) {
	c := e.c
	sets := make([][]ParetoPoint, len(c.gates))
	probs := e.probabilities()
	for _, g := range c.reachable() {
		gt := c.gates[g]
		switch gt.op {
		case opFalse:
			sets[g] = []ParetoPoint{{0, 0}}
		case opTrue:
			sets[g] = []ParetoPoint{{0, 1}}
		case opLit:
			l := c.lits[gt.lit]
			switch l.kind {
			case litAttack:
				sets[g] = []ParetoPoint{{0, 0}, {l.node.Cost, l.node.Probability}}
			case litFails:
				sets[g] = []ParetoPoint{{0, probs[gt.lit]}}
			default: // bypasses play no part in the random reading
				sets[g] = []ParetoPoint{{0, 0}}
			}
		default:
			f := mul
			if gt.op == opOr {
				f = orProb
			}
			acc := sets[gt.kids[0]]
			for _, k := range gt.kids[1:] {
				b := sets[k]
				if len(acc)*len(b) > 50*maxParetoPoints {
					return nil, errTooManyPoints
				}
				next := make([]ParetoPoint, 0, len(acc)*len(b))
				for _, x := range acc {
					for _, y := range b {
						next = append(next, ParetoPoint{x.Cost + y.Cost, f(x.Probability, y.Probability)})
					}
				}
				acc = prune(next)
				if len(acc) > maxParetoPoints {
					return nil, errTooManyPoints
				}
			}
			sets[g] = acc
		}
		for _, k := range gt.kids {
			sets[k] = nil // read once: no other gate needs it
		}
	}
	// Prune again: the root may be a literal, whose set was never pruned.
	return withoutIdle(prune(sets[c.root])), nil
}

// withoutIdle drops the attacks of infinite cost (no attacker mounts them,
// and JSON cannot carry them), then the attack that attempts nothing,
// unless it is all there is. ps is sorted by cost.
func withoutIdle(ps []ParetoPoint) []ParetoPoint {
	for len(ps) > 0 && math.IsInf(ps[len(ps)-1].Cost, 1) {
		ps = ps[:len(ps)-1]
	}
	if len(ps) > 1 && ps[0].Cost == 0 && ps[0].Probability == 0 {
		return ps[1:]
	}
	return ps
}

func (e *evaluation) paretoEnumerate() ([]ParetoPoint, error) {
	if e.nAttack > maxParetoLeaves {
		return nil, fmt.Errorf("%d attack leaves on shared nodes; the exact front is enumerated up to %d", e.nAttack, maxParetoLeaves)
	}
	b, root, err := e.probBDD()
	if err != nil {
		return nil, err
	}
	nodes := b.reach(root)
	if work := len(nodes) << e.nAttack; work > maxParetoWork {
		return nil, fmt.Errorf("%d attack leaves on shared nodes and a diagram of %d nodes: the exact front needs %d steps, more than %d", e.nAttack, len(nodes), work, maxParetoWork)
	}
	scratch := make([]float64, len(b.level))
	p := e.probabilities()
	base := append([]float64(nil), p...)
	attack := e.attack
	var pts []ParetoPoint
	for mask := 0; mask < 1<<len(attack); mask++ {
		cost := 0.0
		for i, l := range attack {
			if mask&(1<<i) != 0 {
				p[l] = base[l]
				cost += e.c.lits[l].node.Cost
			} else {
				p[l] = 0
			}
		}
		pts = append(pts, ParetoPoint{cost, b.probability(nodes, p, scratch)})
		if len(pts) > 4*maxParetoPoints {
			pts = prune(pts)
		}
	}
	return withoutIdle(prune(pts)), nil
}

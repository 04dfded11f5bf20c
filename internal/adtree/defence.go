package adtree

import "fmt"

// defences weighs every defence leaf: the minimal cost and probability of
// success without it and with it, the other defences as the context has
// them.
func (e *evaluation) defences(res *Result) {
	if len(e.c.defences) == 0 {
		return
	}
	if e.c.nodes > maxDefenceNodes || len(e.c.defences) > maxDefenceLeaves {
		res.Notes = append(res.Notes, fmt.Sprintf("defences: not weighed one by one on a tree of %d nodes and %d defences", e.c.nodes, len(e.c.defences)))
		return
	}
	var leaves []*Node // in the tree's depth-first order
	for _, n := range e.t.Nodes() {
		if n.Role == Defence && n.Gate == Leaf {
			leaves = append(leaves, n)
		}
	}
	outOfReach := false
	for _, d := range leaves {
		v := DefenceValue{ID: d.ID, Name: d.Name, Control: d.Control, InForce: e.ctx.inForce(d)}
		for _, on := range []bool{false, true} {
			ctx := e.ctx
			ctx.Force = map[*Node]bool{}
			for n, f := range e.ctx.Force {
				ctx.Force[n] = f
			}
			ctx.Force[d] = on
			ev := newEvaluation(e.t, ctx)
			ev.attrs, ev.attrsKnown = e.treeAttrs(), true
			// Which leaves are in play, and so which figures can be given,
			// depends on the defence: judge it on this evaluation, as
			// Evaluate would with the defence so forced.
			withCost := !ev.lacks(AttrCost)
			withProb := !ev.lacks(AttrProbability)
			var cost, prob *float64
			if withCost {
				if x, err := ev.minCost(); err == nil {
					cost = figureOf(x)
				} else {
					outOfReach = true
				}
			}
			if withProb {
				if x, err := ev.probability(); err == nil {
					prob = ptr(x)
				} else {
					outOfReach = true
				}
			}
			if on {
				v.MinCostWith, v.ProbabilityWith = cost, prob
			} else {
				v.MinCostWithout, v.ProbabilityWithout = cost, prob
			}
		}
		res.Defences = append(res.Defences, v)
	}
	if outOfReach {
		res.Exact = false
		res.Notes = append(res.Notes, "defences: some values are missing because no exact answer was within limits")
	}
}

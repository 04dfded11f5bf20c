package adtree

// Achieved returns the nodes an attack achieves: the attack nodes it
// reaches and the defence nodes it leaves inactive, given the leaves it
// performs (by id; "bypass:ID" for a bypassed defence) and the defences
// ctx puts in force, which work. Drawings use it to highlight an attack.
func Achieved(t *Tree, ctx Context, leaves []string) map[*Node]bool {
	do := map[string]bool{}
	for _, l := range leaves {
		do[l] = true
	}
	out := map[*Node]bool{}
	state := map[*Node]bool{}
	var visit func(n *Node) bool
	visit = func(n *Node) bool {
		if v, ok := state[n]; ok {
			return v
		}
		kids := make([]bool, len(n.Children))
		for i, c := range n.Children {
			kids[i] = visit(c)
		}
		var ref bool
		if n.Role == Attack {
			switch n.Gate {
			case Leaf:
				ref = do[n.ID] && !(ctx.MaxSkill > 0 && n.Has&AttrSkill != 0 && n.Skill > ctx.MaxSkill)
			case Or:
				ref = anyTrue(kids)
			default:
				ref = allTrue(kids)
			}
			for _, d := range n.Counters {
				if !visit(d) { // an active countermeasure stops the node
					ref = false
				}
			}
		} else { // defence: true when not active
			switch n.Gate {
			case Leaf:
				ref = !ctx.inForce(n) || do["bypass:"+n.ID]
			case And:
				ref = anyTrue(kids)
			default:
				ref = allTrue(kids)
			}
			for _, a := range n.Counters {
				if visit(a) {
					ref = true
				}
			}
		}
		state[n] = ref
		if ref {
			out[n] = true
		}
		return ref
	}
	if t.Root != nil {
		visit(t.Root)
	}
	return out
}

func anyTrue(xs []bool) bool {
	for _, x := range xs {
		if x {
			return true
		}
	}
	return false
}

func allTrue(xs []bool) bool {
	for _, x := range xs {
		if !x {
			return false
		}
	}
	return true
}

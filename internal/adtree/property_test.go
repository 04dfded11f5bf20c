package adtree

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// Property tests: Evaluate against the brute-force reference of
// reference_test.go on random trees (where the bottom-up methods must also
// agree with the methods for shared nodes) and random DAGs.

// propGen builds random attack-defence trees; with share it reuses leaves,
// subtrees and defences, making DAGs.
type propGen struct {
	r     *rand.Rand
	share bool
	ids   int

	maxAttack, maxDefence int     // distinct leaves
	nAttack, nDefence     int     // leaves made so far
	attack, defence       []*Node // finished leaves, for reuse
	attackGates, defGates []*Node // finished gates, for reuse
}

func (g *propGen) id(prefix string) string {
	g.ids++
	return fmt.Sprintf("%s%d", prefix, g.ids)
}

// attackLeaf returns a new attack leaf, or with share sometimes a finished
// one (reused true); nil when the budget is spent.
func (g *propGen) attackLeaf() (n *Node, reused bool) {
	r := g.r
	if g.share && len(g.attack) > 0 && (g.nAttack >= g.maxAttack || r.Float64() < 0.4) {
		return g.attack[r.IntN(len(g.attack))], true
	}
	if g.nAttack >= g.maxAttack {
		return nil, false
	}
	g.nAttack++
	n = &Node{ID: g.id("a"), Role: Attack, Has: AttrCost | AttrProbability | AttrTime | AttrSkill}
	n.Name = n.ID
	switch x := r.Float64(); {
	case x < 0.05:
		n.Cost = math.Inf(1)
	case x < 0.1:
		n.Cost = 0
	default:
		n.Cost = float64(1 + r.IntN(100))
	}
	switch x := r.Float64(); {
	case x < 0.1:
		n.Probability = 1
	case x < 0.15:
		n.Probability = 0
	default:
		n.Probability = r.Float64()
	}
	n.Time = float64(r.IntN(50))
	n.Skill = float64(1 + r.IntN(5))
	return n, false
}

func (g *propGen) defenceLeaf() (n *Node, reused bool) {
	r := g.r
	if g.share && len(g.defence) > 0 && (g.nDefence >= g.maxDefence || r.Float64() < 0.4) {
		return g.defence[r.IntN(len(g.defence))], true
	}
	if g.nDefence >= g.maxDefence {
		return nil, false
	}
	g.nDefence++
	n = &Node{ID: g.id("d"), Role: Defence, Control: []string{"", "c1", "c2", "c3"}[r.IntN(4)]}
	n.Name = n.ID
	if r.Float64() < 0.75 {
		n.Has |= AttrProbability
		switch x := r.Float64(); {
		case x < 0.3:
			n.Probability = 1
		case x < 0.35:
			n.Probability = 0
		default:
			n.Probability = r.Float64()
		}
	}
	if r.Float64() < 0.3 {
		n.Has |= AttrCost
		n.Cost = float64(1 + r.IntN(100))
		if r.Float64() < 0.15 {
			n.Cost = math.Inf(1)
		}
	}
	return n, false
}

// attackNode returns an attack subtree of at most the given depth; nest
// counts the countermeasures above it. nil when the leaf budget is spent.
func (g *propGen) attackNode(depth, nest int) *Node {
	r := g.r
	if g.share && len(g.attackGates) > 0 && r.Float64() < 0.12 {
		return g.attackGates[r.IntN(len(g.attackGates))]
	}
	var n *Node
	leafP, width := 0.35, 3
	if g.share {
		leafP, width = 0.2, 4
	}
	if depth == 0 || r.Float64() < leafP {
		var reused bool
		if n, reused = g.attackLeaf(); n == nil || reused {
			return n // reused: its countermeasures are already set
		}
	} else {
		n = &Node{ID: g.id("g"), Role: Attack, Gate: []Gate{And, Or, Sand}[r.IntN(3)]}
		n.Name = n.ID
		for range 1 + r.IntN(width) {
			if c := g.attackNode(depth-1, nest); c != nil {
				n.Children = append(n.Children, c)
			}
		}
		if len(n.Children) == 0 {
			return nil
		}
	}
	if nest < 3 && r.Float64() < 0.3 {
		for range 1 + r.IntN(2) {
			if d := g.defenceNode(1+r.IntN(2), nest+1); d != nil {
				n.Counters = append(n.Counters, d)
			}
		}
	}
	// Only now may other parts reuse it: reusing it below itself would
	// make a cycle.
	if n.Gate != Leaf {
		g.attackGates = append(g.attackGates, n)
	} else {
		g.attack = append(g.attack, n)
	}
	return n
}

func (g *propGen) defenceNode(depth, nest int) *Node {
	r := g.r
	if g.share && len(g.defGates) > 0 && r.Float64() < 0.15 {
		return g.defGates[r.IntN(len(g.defGates))]
	}
	var n *Node
	if depth == 0 || r.Float64() < 0.6 {
		var reused bool
		if n, reused = g.defenceLeaf(); n == nil || reused {
			return n
		}
	} else {
		n = &Node{ID: g.id("e"), Role: Defence, Gate: []Gate{And, Or}[r.IntN(2)]}
		n.Name = n.ID
		for range 2 {
			if c := g.defenceNode(depth-1, nest); c != nil {
				n.Children = append(n.Children, c)
			}
		}
		if len(n.Children) == 0 {
			return nil
		}
	}
	if nest < 3 && r.Float64() < 0.35 {
		if a := g.attackNode(r.IntN(2), nest+1); a != nil {
			n.Counters = append(n.Counters, a)
		}
	}
	if n.Gate != Leaf {
		g.defGates = append(g.defGates, n)
	} else {
		g.defence = append(g.defence, n)
	}
	return n
}

// propTree returns a random tree and context. Without share the tree has no
// shared node; with it, it usually has some.
func propTree(r *rand.Rand, share bool, maxAttack, maxDefence int) (*Tree, Context) {
	for {
		g := &propGen{r: r, share: share, maxAttack: maxAttack, maxDefence: maxDefence}
		depth := 2 + r.IntN(3)
		if share {
			depth++
		}
		root := g.attackNode(depth, 0)
		if root == nil || share && 2*g.nAttack < maxAttack {
			continue // DAGs: use most of the leaf budget
		}
		t := &Tree{ID: "t", Root: root, SequentialAnd: r.IntN(2) == 0}
		if err := t.Check(); err != nil {
			panic(err)
		}
		return t, propContext(r)
	}
}

func propContext(r *rand.Rand) Context {
	ctx := Context{Cheapest: []int{0, 1, 3, 10}[r.IntN(4)]}
	if r.Float64() < 0.75 {
		on := map[string]bool{"c1": r.IntN(2) == 0, "c2": r.IntN(2) == 0, "c3": r.IntN(2) == 0}
		ctx.InForce = func(c string) bool { return on[c] }
	}
	if r.Float64() < 0.3 {
		ctx.MaxSkill = float64(2 + r.IntN(3))
	}
	return ctx
}

// propDescribe prints a tree compactly for failure messages.
func propDescribe(t *Tree) string {
	var b strings.Builder
	seen := map[*Node]bool{}
	var walk func(n *Node)
	walk = func(n *Node) {
		if seen[n] {
			b.WriteString(n.ID + "^")
			return
		}
		seen[n] = true
		b.WriteString(n.ID)
		if n.Gate == Leaf {
			if n.Role == Attack {
				fmt.Fprintf(&b, "[c%v p%.3g t%v s%v]", n.Cost, n.Probability, n.Time, n.Skill)
			} else {
				fmt.Fprintf(&b, "[%s", n.Control)
				if n.Has&AttrProbability != 0 {
					fmt.Fprintf(&b, " p%.3g", n.Probability)
				}
				if n.Has&AttrCost != 0 {
					fmt.Fprintf(&b, " c%v", n.Cost)
				}
				b.WriteString("]")
			}
		} else {
			fmt.Fprintf(&b, ":%s(", n.Gate)
			for i, c := range n.Children {
				if i > 0 {
					b.WriteString(" ")
				}
				walk(c)
			}
			b.WriteString(")")
		}
		if len(n.Counters) > 0 {
			b.WriteString("!{")
			for i, c := range n.Counters {
				if i > 0 {
					b.WriteString(" ")
				}
				walk(c)
			}
			b.WriteString("}")
		}
	}
	walk(t.Root)
	if t.SequentialAnd {
		b.WriteString(" seq")
	}
	return b.String()
}

// propNear compares to refTol, relative above 1.
func propNear(a, b float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= refTol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// propFig compares a figure of a Result with a value that is NaN when the
// figure must be absent, +Inf when it must be infinite (no attack achieves
// a finite value).
func propFig(got *float64, want float64) bool {
	if math.IsNaN(want) {
		return got == nil
	}
	return got != nil && propNear(*got, want)
}

func propShow(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

// propExpect checks got against brute force: reachability, min cost, min
// skill, probability, the Pareto front (if pareto), the k cheapest attacks,
// and that the result encodes as JSON.
func propExpect(t *testing.T, label string, tr *Tree, ctx Context, got *Result, want *refResult, pareto bool) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s: %s\n  tree %s\n  notes %q", label, fmt.Sprintf(format, args...), propDescribe(tr), got.Notes)
	}
	if got.Reachable != want.reachable {
		fail("reachable %v, brute force %v", got.Reachable, want.reachable)
	}
	if !propFig(got.MinCost, want.minCost) {
		fail("min cost %s, brute force %v", propShow(got.MinCost), want.minCost)
	}
	if !propFig(got.MinSkill, want.minSkill) {
		fail("min skill %s, brute force %v", propShow(got.MinSkill), want.minSkill)
	}
	if !propFig(got.Probability, want.probability) {
		fail("probability %s, brute force %v", propShow(got.Probability), want.probability)
	}
	if pareto {
		for i := 1; i < len(got.Pareto); i++ {
			if !(got.Pareto[i].Cost > got.Pareto[i-1].Cost && got.Pareto[i].Probability > got.Pareto[i-1].Probability) {
				fail("pareto front not increasing in both: %v", got.Pareto)
				break
			}
		}
		front := refFront(got.Pareto)
		ok := len(front) == len(want.pareto)
		for i := 0; ok && i < len(front); i++ {
			ok = front[i].Cost == want.pareto[i].Cost && propNear(front[i].Probability, want.pareto[i].Probability)
		}
		if !ok {
			fail("pareto %v, brute force %v", got.Pareto, want.pareto)
		}
	}
	k := ctx.Cheapest
	if k <= 0 {
		k = DefaultCheapest
	}
	if n := min(k, len(want.attacks)); len(got.Cheapest) != n {
		fail("%d cheapest attacks, brute force %d of %d", len(got.Cheapest), n, len(want.attacks))
	} else {
		seen := map[uint64]bool{}
		for i, a := range got.Cheapest {
			mask, known := want.lookup(a.Leaves)
			switch {
			case !known:
				fail("cheapest %d: unknown leaves %v", i, a.Leaves)
			case a.Cost == nil || !propNear(*a.Cost, want.attacks[i].cost):
				fail("cheapest %d: cost %s, brute force %v (%s)", i, propShow(a.Cost), want.attacks[i].cost, want.describe(want.attacks[i].mask))
			case !want.achieves(mask):
				fail("cheapest %d: %v does not reach the goal", i, a.Leaves)
			case !want.isMinimal(mask):
				fail("cheapest %d: %v is not minimal", i, a.Leaves)
			case want.cost(mask) != *a.Cost:
				fail("cheapest %d: %v costs %v, listed at %v", i, a.Leaves, want.cost(mask), *a.Cost)
			case seen[mask]:
				fail("cheapest %d: %v listed twice", i, a.Leaves)
			case !Achieved(tr, ctx, a.Leaves)[tr.Root]:
				fail("cheapest %d: Achieved does not reach the goal with %v", i, a.Leaves)
			}
			seen[mask] = true
		}
	}
	if _, err := json.Marshal(got); err != nil {
		fail("the result does not encode as JSON: %v", err)
	}
}

// propExpectTime checks min time: the bottom-up value on a tree; on a DAG
// the same value where no leaf is shared below a gate that adds times, and
// otherwise either that value or none with exact false and a note.
func propExpectTime(t *testing.T, label string, tr *Tree, got *Result, rm *refModel, exactOtherwise bool) {
	t.Helper()
	want := rm.minTime()
	disjoint := rm.timeSumsDisjoint()
	if got.MinTime == nil && propNoted(got, "min_time") {
		if disjoint || got.Exact {
			t.Errorf("%s: min time declined (exact %v) though no leaf is shared below a gate that adds times; bottom-up %v\n  tree %s",
				label, got.Exact, want, propDescribe(tr))
		}
		return
	}
	if !propFig(got.MinTime, want) {
		t.Errorf("%s: min time %s, bottom-up %v (disjoint sums %v, notes %q)\n  tree %s",
			label, propShow(got.MinTime), want, disjoint, got.Notes, propDescribe(tr))
	}
	if exactOtherwise && !got.Exact {
		t.Errorf("%s: exact false though min time is given; notes %q\n  tree %s", label, got.Notes, propDescribe(tr))
	}
}

func propNoted(r *Result, prefix string) bool {
	for _, n := range r.Notes {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}

// propExpectDefences checks Result.Defences: one entry per defence leaf,
// with min cost and probability by brute force with the leaf forced off
// and on.
func propExpectDefences(t *testing.T, label string, tr *Tree, ctx Context, got *Result, rm *refModel) {
	t.Helper()
	var leaves []*Node
	for _, n := range rm.order {
		if n.Role == Defence && n.Gate == Leaf {
			leaves = append(leaves, n)
		}
	}
	if len(got.Defences) != len(leaves) {
		t.Errorf("%s: %d defence values for %d defence leaves\n  tree %s", label, len(got.Defences), len(leaves), propDescribe(tr))
		return
	}
	for _, d := range leaves {
		i := slices.IndexFunc(got.Defences, func(v DefenceValue) bool { return v.ID == d.ID })
		if i < 0 {
			t.Errorf("%s: no value for defence %s", label, d.ID)
			continue
		}
		v := got.Defences[i]
		if v.InForce != refInForce(ctx, d) || v.Control != d.Control {
			t.Errorf("%s: defence %s in force %v control %q", label, d.ID, v.InForce, v.Control)
		}
		for _, on := range []bool{false, true} {
			c := ctx
			c.Force = map[*Node]bool{d: on}
			want := newRefModel(tr, c).solve(false)
			cost, prob := v.MinCostWithout, v.ProbabilityWithout
			if on {
				cost, prob = v.MinCostWith, v.ProbabilityWith
			}
			if !propFig(cost, want.minCost) || !propFig(prob, want.probability) {
				t.Errorf("%s: defence %s forced %v: min cost %s probability %s, brute force %v %v\n  tree %s",
					label, d.ID, on, propShow(cost), propShow(prob), want.minCost, want.probability, propDescribe(tr))
			}
		}
	}
}

// propSame checks that two evaluations of one tree agree on every figure.
func propSame(t *testing.T, label string, tr *Tree, a, b *Result) {
	t.Helper()
	fail := func(what string, x, y any) {
		t.Helper()
		t.Errorf("%s: %s: bottom-up %v, shared methods %v\n  tree %s\n  notes %q / %q", label, what, x, y, propDescribe(tr), a.Notes, b.Notes)
	}
	figs := []struct {
		name string
		x, y *float64
	}{
		{"min cost", a.MinCost, b.MinCost}, {"min time", a.MinTime, b.MinTime},
		{"min skill", a.MinSkill, b.MinSkill}, {"probability", a.Probability, b.Probability},
	}
	for _, f := range figs {
		if (f.x == nil) != (f.y == nil) || f.x != nil && !propNear(*f.x, *f.y) {
			fail(f.name, propShow(f.x), propShow(f.y))
		}
	}
	if a.Reachable != b.Reachable || a.Exact != b.Exact || a.Shared != b.Shared {
		fail("reachable/exact/shared", []bool{a.Reachable, a.Exact, a.Shared}, []bool{b.Reachable, b.Exact, b.Shared})
	}
	fa, fb := refFront(a.Pareto), refFront(b.Pareto)
	same := len(fa) == len(fb)
	for i := 0; same && i < len(fa); i++ {
		same = fa[i].Cost == fb[i].Cost && propNear(fa[i].Probability, fb[i].Probability)
	}
	if !same {
		fail("pareto", a.Pareto, b.Pareto)
	}
	if len(a.Cheapest) != len(b.Cheapest) {
		fail("cheapest", a.Cheapest, b.Cheapest)
	} else {
		for i := range a.Cheapest {
			if !propFig(a.Cheapest[i].Cost, val0(b.Cheapest[i].Cost)) {
				fail(fmt.Sprintf("cheapest %d cost", i), propShow(a.Cheapest[i].Cost), propShow(b.Cheapest[i].Cost))
			}
		}
	}
	if len(a.Defences) != len(b.Defences) {
		fail("defences", a.Defences, b.Defences)
	} else {
		for i := range a.Defences {
			x, y := a.Defences[i], b.Defences[i]
			for _, f := range [][2]*float64{{x.MinCostWithout, y.MinCostWithout}, {x.MinCostWith, y.MinCostWith},
				{x.ProbabilityWithout, y.ProbabilityWithout}, {x.ProbabilityWith, y.ProbabilityWith}} {
				if !propFig(f[0], val0(f[1])) {
					fail("defence "+x.ID, x, y)
				}
			}
		}
	}
}

// val0 turns an absent figure into NaN, for propFig.
func val0(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// TestPropertyTrees: on random trees without sharing, the bottom-up methods
// equal the methods for shared nodes (BDDs, enumeration, A*) on every
// figure, and both equal brute force.
func TestPropertyTrees(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 400
	if testing.Short() {
		n = 100
	}
	var reachable, countered int
	for i := range n {
		tr, ctx := propTree(r, false, 12, 5)
		label := fmt.Sprintf("tree %d", i)
		got := Evaluate(tr, ctx)
		forced := evaluate(tr, ctx, true)
		rm := newRefModel(tr, ctx)
		want := rm.solve(true)
		if got.Shared {
			t.Errorf("%s: a tree without shared nodes reported shared\n  tree %s", label, propDescribe(tr))
		}
		if !got.Exact {
			t.Errorf("%s: not exact on a tree: %q\n  tree %s", label, got.Notes, propDescribe(tr))
		}
		propSame(t, label, tr, got, forced)
		propExpect(t, label, tr, ctx, got, want, true)
		propExpect(t, label+" (shared methods)", tr, ctx, forced, want, true)
		propExpectTime(t, label, tr, got, rm, true)
		propExpectDefences(t, label, tr, ctx, got, rm)
		if got.Reachable {
			reachable++
		}
		if len(got.Defences) > 0 {
			countered++
		}
		if t.Failed() {
			return // one tree's failures are enough to read
		}
	}
	// The generator must exercise what it is meant to.
	if reachable < n/3 || countered < n/3 {
		t.Errorf("weak generator: %d of %d reachable, %d with defences", reachable, n, countered)
	}
}

// TestPropertyDAGs: on random DAGs of up to 16 attack leaves with shared
// leaves, subtrees and defences, Evaluate equals brute force.
func TestPropertyDAGs(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 300
	if testing.Short() {
		n = 80
	}
	var shared, big int
	for i := range n {
		tr, ctx := propTree(r, true, 4+r.IntN(13), 1+r.IntN(4))
		label := fmt.Sprintf("dag %d", i)
		got := Evaluate(tr, ctx)
		rm := newRefModel(tr, ctx)
		want := rm.solve(true)
		propExpect(t, label, tr, ctx, got, want, true)
		propExpectTime(t, label, tr, got, rm, true)
		propExpectDefences(t, label, tr, ctx, got, rm)
		if got.Shared {
			shared++
		}
		if len(rm.attack) >= 12 {
			big++
		}
		if t.Failed() {
			return
		}
	}
	if shared < n/2 || big < n/10 {
		t.Errorf("weak generator: %d of %d shared, %d with 12 or more leaves", shared, n, big)
	}
}

// TestReferenceSelfCheck checks the brute force against itself: the
// word-parallel tables against a plain recursive reading, one assignment at
// a time, and the folded Pareto probabilities against a direct sum.
func TestReferenceSelfCheck(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 60 {
		tr, ctx := propTree(r, i%2 == 0, 7, 3)
		rm := newRefModel(tr, ctx)
		res := rm.solve(false)
		nc := len(res.costVars)
		for x := range 1 << nc {
			on := map[refVar]bool{}
			for j, v := range res.costVars {
				on[v] = x>>j&1 == 1
			}
			if refPlain(tr.Root, ctx, on) != res.achieves(uint64(x)) {
				t.Fatalf("self-check %d: table and recursive reading disagree on %s\n  tree %s", i, res.describe(uint64(x)), propDescribe(tr))
			}
		}
		// Pareto: P(goal | only S attempted) summed directly over the
		// outcomes of the attempted leaves and the defences.
		var pv []refVar
		for _, d := range rm.fails {
			pv = append(pv, refVar{d, refFail})
		}
		for _, a := range rm.attack {
			pv = append(pv, refVar{a, refPerform})
		}
		g := make([]float64, 1<<len(rm.attack))
		nf := len(rm.fails)
		pt := rm.table(pv)
		wDef := refWeights(nf, func(j int) float64 { return 1 - refStop(rm.fails[j]) })
		for s := range g {
			for f := range 1 << nf {
				if refBit(pt, s<<nf|f) {
					g[s] += wDef[f]
				}
			}
		}
		folded := rm.pareto(g)
		var pts []ParetoPoint
		for S := range 1 << len(rm.attack) {
			cost, p := 0.0, 0.0
			for s := range 1 << len(rm.attack) {
				if s&^S != 0 {
					continue
				}
				w := g[s]
				for j, a := range rm.attack {
					if S>>j&1 == 1 {
						if s>>j&1 == 1 {
							w *= a.Probability
						} else {
							w *= 1 - a.Probability
						}
					}
				}
				p += w
			}
			for j, a := range rm.attack {
				if S>>j&1 == 1 {
					cost += a.Cost
				}
			}
			if !math.IsInf(cost, 1) {
				pts = append(pts, ParetoPoint{cost, p})
			}
		}
		direct := refFront(pts)
		if len(direct) > 1 && direct[0] == (ParetoPoint{}) {
			direct = direct[1:]
		}
		if len(direct) != len(folded) {
			t.Fatalf("self-check %d: pareto folded %v direct %v", i, folded, direct)
		}
		for j := range direct {
			if direct[j].Cost != folded[j].Cost || math.Abs(direct[j].Probability-folded[j].Probability) > 1e-12 {
				t.Fatalf("self-check %d: pareto folded %v direct %v", i, folded, direct)
			}
		}
	}
}

// refPlain is the semantics as a plain recursion, one assignment at a time.
func refPlain(n *Node, ctx Context, on map[refVar]bool) bool {
	var v bool
	switch {
	case n.Gate == Leaf && n.Role == Attack:
		v = on[refVar{n, refPerform}]
	case n.Gate == Leaf:
		v = refInForce(ctx, n) && !on[refVar{n, refBypass}] && !on[refVar{n, refFail}]
	case n.Gate == Or:
		for _, c := range n.Children {
			v = v || refPlain(c, ctx, on)
		}
	default:
		v = true
		for _, c := range n.Children {
			v = v && refPlain(c, ctx, on)
		}
	}
	for _, c := range n.Counters {
		if refPlain(c, ctx, on) {
			v = false
		}
	}
	return v
}

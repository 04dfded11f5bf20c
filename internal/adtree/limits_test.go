package adtree

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
)

// Limits of the exact methods: past them a figure is left out, with a note
// and exact false, never given wrong.

// limitsInterleaved is AND(OR(x1..xn), OR(AND(x1, y1), …, AND(xn, yn))),
// countered by a defence d: as a function OR(xi ∧ yi) ∧ ¬d. The literal
// order (first appearance) puts every x before every y, for which the
// diagram of OR(xi ∧ yi) has about 2^n nodes.
func limitsInterleaved(n int) *Tree {
	r := rand.New(rand.NewPCG(7, uint64(n)))
	xs, pairs := make([]*Node, n), make([]*Node, n)
	for i := range n {
		xs[i] = handTime(handLeaf(fmt.Sprintf("x%d", i), float64(1+r.IntN(50)), 0.1+0.8*r.Float64()), 1, float64(1+r.IntN(5)))
		y := handTime(handLeaf(fmt.Sprintf("y%d", i), float64(1+r.IntN(50)), 0.1+0.8*r.Float64()), 1, float64(1+r.IntN(5)))
		pairs[i] = handGate(And, fmt.Sprintf("p%d", i), xs[i], y)
	}
	root := handGate(And, "goal", handGate(Or, "any-x", xs...), handGate(Or, "pairs", pairs...))
	handCounter(root, handBypass(handDef("d", "", 0.5), 20))
	return &Tree{ID: "interleaved", Root: root}
}

func limitsBudget(t testing.TB, n int) {
	old := maxBDDNodes
	maxBDDNodes = n
	t.Cleanup(func() { maxBDDNodes = old })
}

// TestBDDBudget: a DAG whose diagrams outgrow the node budget gets no
// figure that needs them, with exact false and a note for each; whatever
// the budget, a figure given is the exact one.
func TestBDDBudget(t *testing.T) {
	tr := limitsInterleaved(7)
	ctx := Context{Cheapest: 3}
	rm := newRefModel(tr, ctx)
	want := rm.solve(true)

	full := Evaluate(tr, ctx)
	if !full.Exact || !full.Shared {
		t.Fatalf("within the budget: exact %v shared %v, notes %q", full.Exact, full.Shared, full.Notes)
	}
	propExpect(t, "full budget", tr, ctx, full, want, true)
	propExpectDefences(t, "full budget", tr, ctx, full, rm)

	t.Run("tiny", func(t *testing.T) {
		limitsBudget(t, 50)
		r := Evaluate(tr, ctx)
		if r.Exact || r.MinCost != nil || r.MinSkill != nil || r.Probability != nil || len(r.Pareto) != 0 || len(r.Cheapest) != 0 {
			t.Errorf("over budget: %s", handJSON(r))
		}
		for _, p := range []string{"min_cost: no exact answer", "min_skill: no exact answer", "probability: no exact answer", "pareto: no exact front", "cheapest: no exact answer"} {
			if !propNoted(r, p) {
				t.Errorf("no note %q in %q", p, r.Notes)
			}
		}
		for _, v := range r.Defences {
			if v.MinCostWith != nil || v.MinCostWithout != nil || v.ProbabilityWith != nil || v.ProbabilityWithout != nil {
				t.Errorf("defence %s valued over budget: %+v", v.ID, v)
			}
		}
		// Min time needs no diagram: an and of maxima and minima.
		if val0(r.MinTime) != 1 {
			t.Errorf("min time %s, want 1", propShow(r.MinTime))
		}
	})

	// Every budget: each figure exact or absent (and then noted).
	for budget := 4; budget < 1<<12; budget *= 2 {
		limitsBudget(t, budget)
		r := Evaluate(tr, ctx)
		label := fmt.Sprintf("budget %d", budget)
		check := func(name string, got *float64, want float64, note string) {
			if got == nil {
				if r.Exact || !propNoted(r, note) {
					t.Errorf("%s: %s absent, exact %v, notes %q", label, name, r.Exact, r.Notes)
				}
			} else if !propNear(*got, want) {
				t.Errorf("%s: %s %v, brute force %v", label, name, *got, want)
			}
		}
		check("min cost", r.MinCost, want.minCost, "min_cost")
		check("min skill", r.MinSkill, want.minSkill, "min_skill")
		check("probability", r.Probability, want.probability, "probability")
		if len(r.Pareto) > 0 {
			propExpect(t, label, tr, ctx, r, want, true)
		}
		for i, a := range r.Cheapest {
			if mask, ok := want.lookup(a.Leaves); !ok || !want.isMinimal(mask) || !propNear(val0(a.Cost), want.attacks[i].cost) {
				t.Errorf("%s: cheapest %d %v %s", label, i, a.Leaves, propShow(a.Cost))
			}
		}
		for _, v := range r.Defences {
			for _, on := range []bool{false, true} {
				c := ctx
				c.Force = map[*Node]bool{tr.Root.Counters[0]: on}
				w := newRefModel(tr, c).solve(false)
				cost, prob := v.MinCostWithout, v.ProbabilityWithout
				if on {
					cost, prob = v.MinCostWith, v.ProbabilityWith
				}
				if cost != nil && !propNear(*cost, w.minCost) || prob != nil && !propNear(*prob, w.probability) {
					t.Errorf("%s: defence forced %v: %s %s, brute force %v %v", label, on, propShow(cost), propShow(prob), w.minCost, w.probability)
				}
			}
		}
	}
}

// limitsFan is OR(AND(s, x1), …, AND(s, xn)): n+1 attack leaves, s shared.
// P = P(s)·(1 − Π(1 − P(xi))); min cost c(s) + min c(xi).
func limitsFan(n int) (*Tree, float64, float64) {
	s := handLeaf("s", 7, 0.9)
	var paths []*Node
	q, minX := 1.0, math.Inf(1)
	for i := range n {
		x := handLeaf(fmt.Sprintf("x%02d", i), float64(10+i), 0.05+0.01*float64(i))
		paths = append(paths, handGate(And, fmt.Sprintf("p%02d", i), s, x))
		q *= 1 - x.Probability
		minX = math.Min(minX, x.Cost)
	}
	return &Tree{ID: "fan", Root: handGate(Or, "goal", paths...)}, 0.9 * (1 - q), 7 + minX
}

// TestParetoLeafLimit: on shared nodes the front is enumerated over at most
// 20 attack leaves; with 21 it is left out with a note and exact false,
// while the other figures are still exact.
func TestParetoLeafLimit(t *testing.T) {
	for _, n := range []int{15, 19} { // 16 and 20 attack leaves
		tr, p, c := limitsFan(n)
		r := Evaluate(tr, Context{})
		if !r.Shared || !r.Exact || !propNear(val0(r.Probability), p) || val0(r.MinCost) != c {
			t.Errorf("%d leaves: shared %v exact %v, probability %s (want %v), cost %s (want %v); notes %q",
				n+1, r.Shared, r.Exact, propShow(r.Probability), p, propShow(r.MinCost), c, r.Notes)
		}
		want := limitsFanFront(tr)
		front := refFront(r.Pareto)
		ok := len(front) == len(want)
		for i := 0; ok && i < len(want); i++ {
			ok = front[i].Cost == want[i].Cost && propNear(front[i].Probability, want[i].Probability)
		}
		if !ok || len(front) != len(r.Pareto) {
			t.Errorf("%d leaves: pareto %v, want %v", n+1, r.Pareto, want)
		}
		if n == 15 {
			propExpect(t, "fan", tr, Context{}, r, newRefModel(tr, Context{}).solve(true), true)
		}
	}
	tr, p, c := limitsFan(20)
	r := Evaluate(tr, Context{})
	if r.Exact || len(r.Pareto) != 0 || !propNoted(r, "pareto: no exact front within limits (21 attack leaves on shared nodes") {
		t.Errorf("21 leaves: exact %v, pareto %v, notes %q", r.Exact, r.Pareto, r.Notes)
	}
	if !propNear(val0(r.Probability), p) || val0(r.MinCost) != c || len(r.Cheapest) != DefaultCheapest {
		t.Errorf("21 leaves: probability %s (want %v), cost %s (want %v), %d cheapest", propShow(r.Probability), p, propShow(r.MinCost), c, len(r.Cheapest))
	}
}

// limitsFanFront is the front of a fan: s and a set X of the x leaves give
// P(s)·(1 − Π_X(1 − P(x))) for c(s) + c(X); without s nothing.
func limitsFanFront(t *Tree) []ParetoPoint {
	s := t.Root.Children[0].Children[0]
	var xs []*Node
	for _, p := range t.Root.Children {
		xs = append(xs, p.Children[1])
	}
	n := len(xs)
	q := make([]float64, 1<<n) // Π(1 − P(x)) over the set
	c := make([]float64, 1<<n)
	q[0] = 1
	pts := []ParetoPoint{{0, 0}}
	for m := 1; m < 1<<n; m++ {
		i := bits.TrailingZeros(uint(m))
		q[m] = q[m&(m-1)] * (1 - xs[i].Probability)
		c[m] = c[m&(m-1)] + xs[i].Cost
		pts = append(pts, ParetoPoint{s.Cost + c[m], s.Probability * (1 - q[m])})
	}
	return refFront(pts)[1:]
}

// limitsDAG40 is an election-flavoured DAG over a pool of 40 attack leaves:
// 14 remote paths AND(entry, escalation, tampering, cover) and 6 insider
// paths AND(insider, insider, tampering), each step drawn from a pool of 8;
// every leaf is used, most of them in several paths. With defences, MFA
// guards every entry leaf and an audit every cover leaf (each defence one
// shared event), and a logging defence guards the insider paths. It returns
// the tree and, for the exact check, its paths as sets of leaf indices and
// the leaves' probabilities.
func limitsDAG40(defences bool) (*Tree, []uint64, []float64) {
	const remotePaths = 14
	r := rand.New(rand.NewPCG(40, 40))
	kinds := []string{"entry", "escalate", "tamper", "cover", "insider"}
	leaves := make([]*Node, 40)
	for i := range leaves {
		leaves[i] = handLeaf(fmt.Sprintf("%s-%d", kinds[i/8], i%8), float64(100*(1+r.IntN(50))), 0.05+0.9*r.Float64())
	}
	var mfa, audit, logging *Node
	if defences {
		mfa = handDef("mfa", "mfa", 0.8)
		audit = handBypass(handDef("audit", "audit", 0.6), 5000)
		logging = handDef("logging", "", 0.5)
	}
	step := func(kind, k int) *Node { return leaves[8*kind+k] }
	// Shared steps: an entry behind MFA is one node wherever it is used.
	guarded := map[int]*Node{}
	use := func(kind, k int) (*Node, int) {
		i := 8*kind + k
		if !defences || kind != 0 && kind != 3 {
			return step(kind, k), i
		}
		if g, ok := guarded[i]; ok {
			return g, i
		}
		d := mfa
		if kind == 3 {
			d = audit
		}
		g := handCounter(handGate(Or, "guarded-"+leaves[i].ID, leaves[i]), d)
		guarded[i] = g
		return g, i
	}
	var paths []*Node
	var terms []uint64
	for p := range remotePaths {
		var kids []*Node
		var term uint64
		for kind := range 4 {
			k := r.IntN(8)
			if p < 8 {
				k = (p + 3*kind) % 8 // every leaf of a kind is in some path
			}
			n, i := use(kind, k)
			kids = append(kids, n)
			term |= 1 << i
		}
		paths = append(paths, handGate(And, fmt.Sprintf("remote-%d", p), kids...))
		terms = append(terms, term)
	}
	for p := range 6 {
		a, a2, b := p, (p+3)%8, r.IntN(8)
		if p >= 4 {
			a, a2 = 2*(p-4)+4, 2*(p-4)+5 // insiders 6 and 7 too, 4 and 5 twice
		}
		in := handGate(And, fmt.Sprintf("insider-%d", p), step(4, a), step(4, a2), step(2, b))
		if defences {
			in = handCounter(in, logging)
		}
		paths = append(paths, in)
		terms = append(terms, 1<<(32+a)|1<<(32+a2)|1<<(16+b))
	}
	probs := make([]float64, len(leaves))
	for i, l := range leaves {
		probs[i] = l.Probability
	}
	return &Tree{ID: "dag40", Root: handGate(Or, "alter-results", paths...)}, terms, probs
}

// limitsDNF is the exact probability that some term has all its leaves
// succeed, by inclusion–exclusion over the terms (independent of the BDD).
func limitsDNF(terms []uint64, p func(i int) float64) float64 {
	var sum refSum
	for s := 1; s < 1<<len(terms); s++ {
		var union uint64
		for j, t := range terms {
			if s>>j&1 == 1 {
				union |= t
			}
		}
		prod := 1.0
		for u := union; u != 0; u &= u - 1 {
			prod *= p(bits.TrailingZeros64(u))
		}
		if bits.OnesCount(uint(s))%2 == 1 {
			sum.add(prod)
		} else {
			sum.add(-prod)
		}
	}
	return sum.value()
}

func TestProbabilityDAG40(t *testing.T) {
	tr, terms, probs := limitsDAG40(false)
	leafP := func(i int) float64 { return probs[i] }
	used := uint64(0)
	for _, tm := range terms {
		used |= tm
	}
	if bits.OnesCount64(used) != 40 {
		t.Fatalf("the DAG uses %d leaves, not 40", bits.OnesCount64(used))
	}
	r := Evaluate(tr, Context{})
	want := limitsDNF(terms, leafP)
	if !r.Shared || r.Probability == nil || math.Abs(*r.Probability-want) > 1e-10 {
		t.Errorf("DAG40: shared %v probability %s, inclusion–exclusion %v; notes %q", r.Shared, propShow(r.Probability), want, r.Notes)
	}
	// Only the front is out of reach (40 attack leaves on shared nodes).
	if r.Exact || len(r.Notes) != 1 || !strings.HasPrefix(r.Notes[0], "pareto:") || r.MinCost == nil || len(r.Cheapest) != DefaultCheapest {
		t.Errorf("DAG40: exact %v, notes %q, cost %s, %d cheapest", r.Exact, r.Notes, propShow(r.MinCost), len(r.Cheapest))
	}

	// With shared defences: condition on which of the three defences (each
	// one event) fail, and drop the paths that an active one blocks.
	tr, terms, _ = limitsDAG40(true)
	r = Evaluate(tr, Context{})
	stops := []float64{0.8, 0.6, 0.5} // mfa, audit, logging
	var total refSum
	for f := range 8 { // bit j: defence j fails
		w := 1.0
		var open []uint64
		for j, s := range stops {
			if f>>j&1 == 1 {
				w *= 1 - s
			} else {
				w *= s
			}
		}
		for i, tm := range terms {
			remote := i < len(terms)-6
			blocked := remote && (f&1 == 0 || f&2 == 0) || !remote && f&4 == 0
			if !blocked {
				open = append(open, tm)
			}
		}
		if len(open) > 0 {
			total.add(w * limitsDNF(open, leafP))
		}
	}
	if r.Probability == nil || math.Abs(*r.Probability-total.value()) > 1e-10 || len(r.Defences) != 3 {
		t.Errorf("DAG40 with defences: probability %s, by conditioning %v; %d defences; notes %q", propShow(r.Probability), total.value(), len(r.Defences), r.Notes)
	}
}

// limitsRandomDNF is OR of paths ANDs of width leaves drawn at random from
// a pool of 40: no structure for the variable order to exploit.
func limitsRandomDNF(paths, width int) *Tree {
	r := rand.New(rand.NewPCG(uint64(paths), uint64(width)))
	leaves := make([]*Node, 40)
	for i := range leaves {
		leaves[i] = handLeaf(fmt.Sprintf("l%d", i), float64(1+r.IntN(100)), 0.1+0.8*r.Float64())
	}
	var ps []*Node
	for p := range paths {
		var kids []*Node
		for _, i := range r.Perm(40)[:width] {
			kids = append(kids, leaves[i])
		}
		ps = append(ps, handGate(And, fmt.Sprintf("p%d", p), kids...))
	}
	return &Tree{ID: "random-dnf", Root: handGate(Or, "goal", ps...)}
}

// BenchmarkProbabilityDAG40 times the exact probability of the 40-leaf DAG
// (the target is a second at most), alone and within a whole
// Evaluate, without and with shared defences; and, as a stress case, of 40
// random paths of 5 leaves over the same 40 leaves.
func BenchmarkProbabilityDAG40(b *testing.B) {
	for _, defences := range []bool{false, true} {
		tr, _, _ := limitsDAG40(defences)
		name := "paths"
		if defences {
			name = "defended"
		}
		b.Run(name+"/probability", func(b *testing.B) {
			for b.Loop() {
				e := newEvaluation(tr, Context{})
				if _, err := e.probability(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/evaluate", func(b *testing.B) {
			for b.Loop() {
				Evaluate(tr, Context{})
			}
		})
	}
	tr := limitsRandomDNF(40, 5)
	b.Run("random40x5/probability", func(b *testing.B) {
		for b.Loop() {
			e := newEvaluation(tr, Context{})
			if _, err := e.probability(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestParetoWorkLimit: the front on shared nodes costs one pass over the
// probability diagram per set of attack leaves. Eighteen leaves whose
// diagram has about a thousand nodes (2^18 passes of ~1000 steps) are
// refused with a note; sixteen with ~500 nodes are enumerated. (Before the
// bound, twenty such leaves kept Evaluate busy for more than a minute.)
func TestParetoWorkLimit(t *testing.T) {
	r := Evaluate(limitsInterleaved(9), Context{})
	if r.Exact || len(r.Pareto) != 0 || !propNoted(r, "pareto: no exact front within limits (18 attack leaves on shared nodes and a diagram of") {
		t.Errorf("18 leaves: exact %v, pareto %v, notes %q", r.Exact, r.Pareto, r.Notes)
	}
	if r.Probability == nil || r.MinCost == nil || len(r.Cheapest) == 0 {
		t.Errorf("18 leaves: the other figures should still be given: %s", handJSON(r))
	}
	if r := Evaluate(limitsInterleaved(8), Context{}); !r.Exact || len(r.Pareto) == 0 {
		t.Errorf("16 leaves: exact %v, pareto %v, notes %q", r.Exact, r.Pareto, r.Notes)
	}
}

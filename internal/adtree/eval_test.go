package adtree

import (
	"math"
	"reflect"
	"testing"
)

// Test builders.
func leaf(id string, cost, prob float64) *Node {
	return &Node{ID: id, Name: id, Role: Attack, Has: AttrCost | AttrProbability, Cost: cost, Probability: prob}
}
func node(g Gate, id string, kids ...*Node) *Node {
	return &Node{ID: id, Name: id, Role: Attack, Gate: g, Children: kids}
}
func defence(id, control string, prob float64) *Node {
	return &Node{ID: id, Name: id, Role: Defence, Control: control, Has: AttrProbability, Probability: prob}
}
func counter(n *Node, cs ...*Node) *Node { n.Counters = append(n.Counters, cs...); return n }

func val(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

// TestDesignDAG is the example of DESIGN.md: AND(OR(a,b), OR(AND(d,c), b), c)
// with a=10, b=16, c=10, d=5 has minimal cost 25 via {a, c, d}; bottom-up
// evaluation would say 35.
func TestDesignDAG(t *testing.T) {
	a, b, c, d := leaf("a", 10, 0.5), leaf("b", 16, 0.5), leaf("c", 10, 0.5), leaf("d", 5, 0.5)
	root := node(And, "root", node(Or, "o1", a, b), node(Or, "o2", node(And, "a2", d, c), b), c)
	r := Evaluate(&Tree{ID: "t", Root: root}, Context{})
	if !r.Shared || !r.Exact {
		t.Errorf("shared %v exact %v", r.Shared, r.Exact)
	}
	if val(r.MinCost) != 25 {
		t.Errorf("min cost %v, want 25", val(r.MinCost))
	}
	if len(r.Cheapest) == 0 || !reflect.DeepEqual(r.Cheapest[0].Leaves, []string{"a", "c", "d"}) || val(r.Cheapest[0].Cost) != 25 {
		t.Errorf("cheapest %+v", r.Cheapest)
	}
	// Minimal attacks: {a,c,d} 25, {b,c} 26; {a,b,c} is not minimal.
	if len(r.Cheapest) != 2 || !reflect.DeepEqual(r.Cheapest[1].Leaves, []string{"b", "c"}) {
		t.Errorf("cheapest %+v, want {a,c,d} and {b,c}", r.Cheapest)
	}
	// P = P(c) · P((a ∨ b) ∧ (d ∨ b)) = 0.5 · (P(b) + P(¬b)·P(a)·P(d)) = 0.5·(0.5 + 0.125)
	if !near(val(r.Probability), 0.3125) {
		t.Errorf("probability %v, want 0.3125", val(r.Probability))
	}
}

func TestSmallTreeByHand(t *testing.T) {
	// OR(AND(phish 1000 0.3, exfil 500 0.9), insider 20000 0.1)
	phish, exfil, insider := leaf("phish", 1000, 0.3), leaf("exfil", 500, 0.9), leaf("insider", 20000, 0.1)
	phish.Has |= AttrTime | AttrSkill
	phish.Time, phish.Skill = 10, 2
	exfil.Has |= AttrTime | AttrSkill
	exfil.Time, exfil.Skill = 3, 3
	insider.Has |= AttrTime | AttrSkill
	insider.Time, insider.Skill = 60, 1
	root := node(Or, "leak", node(Sand, "remote", phish, exfil), insider)
	r := Evaluate(&Tree{ID: "t", Root: root}, Context{})
	if r.Shared || !r.Exact {
		t.Errorf("shared %v exact %v", r.Shared, r.Exact)
	}
	if val(r.MinCost) != 1500 || val(r.MinTime) != 13 || val(r.MinSkill) != 1 {
		t.Errorf("cost %v time %v skill %v", val(r.MinCost), val(r.MinTime), val(r.MinSkill))
	}
	want := 1 - (1-0.3*0.9)*(1-0.1)
	if !near(val(r.Probability), want) {
		t.Errorf("probability %v, want %v", val(r.Probability), want)
	}
	// The front: {phish, exfil} 1500 → 0.27; all three 21500 → 0.343;
	// insider alone (20000, 0.1) is beaten by 1500 → 0.27.
	if len(r.Pareto) != 2 || r.Pareto[0] != (ParetoPoint{1500, 0.3 * 0.9}) || r.Pareto[1].Cost != 21500 || !near(r.Pareto[1].Probability, want) {
		t.Errorf("pareto %+v", r.Pareto)
	}
	// A sequence adds times; with SequentialAnd an and does too.
	seq := Evaluate(&Tree{ID: "t", Root: node(And, "x", phish, exfil), SequentialAnd: true}, Context{})
	par := Evaluate(&Tree{ID: "t", Root: node(And, "x", phish, exfil)}, Context{})
	if val(seq.MinTime) != 13 || val(par.MinTime) != 10 {
		t.Errorf("and time: sequential %v parallel %v", val(seq.MinTime), val(par.MinTime))
	}
	// An attacker of skill 2 cannot exfiltrate (skill 3): only the insider is left.
	r2 := Evaluate(&Tree{ID: "t", Root: root}, Context{MaxSkill: 2})
	if val(r2.MinCost) != 20000 || !near(val(r2.Probability), 0.1) {
		t.Errorf("skill-limited: cost %v prob %v", val(r2.MinCost), val(r2.Probability))
	}
}

func TestDefences(t *testing.T) {
	// Phishing is stopped by security keys (in force when the control is)
	// unless the attacker steals a session token.
	phish := leaf("phish", 1000, 0.3)
	token := leaf("token", 8000, 0.2)
	keys := counter(defence("keys", "security-keys", 0.9), token)
	root := node(Or, "access", counter(phish, keys), leaf("insider", 20000, 0.1))
	tree := &Tree{ID: "t", Root: root}

	off := Evaluate(tree, Context{InForce: func(string) bool { return false }})
	on := Evaluate(tree, Context{InForce: func(string) bool { return true }})
	if val(off.MinCost) != 1000 || !near(val(off.Probability), 1-(1-0.3)*(1-0.1)) {
		t.Errorf("keys off: cost %v prob %v", val(off.MinCost), val(off.Probability))
	}
	// With keys: phishing needs the token too (9000); P(phish path) = 0.3 · (1 − 0.9·(1 − 0.2)).
	pPhish := 0.3 * (1 - 0.9*(1-0.2))
	if val(on.MinCost) != 9000 || !near(val(on.Probability), 1-(1-pPhish)*(1-0.1)) {
		t.Errorf("keys on: cost %v prob %v, want 9000 %v", val(on.MinCost), val(on.Probability), 1-(1-pPhish)*(1-0.1))
	}
	if len(on.Defences) != 1 || val(on.Defences[0].MinCostWithout) != 1000 || val(on.Defences[0].MinCostWith) != 9000 || !on.Defences[0].InForce {
		t.Errorf("defence values %+v", on.Defences)
	}
	// A defence with a bypass cost can be got round for that price.
	keys.Has |= AttrCost
	keys.Cost = 3000
	by := Evaluate(tree, Context{})
	if val(by.MinCost) != 4000 || by.Cheapest[0].Leaves[0] != "bypass:keys" {
		t.Errorf("bypass: cost %v cheapest %+v", val(by.MinCost), by.Cheapest)
	}
}

func TestUnreachable(t *testing.T) {
	root := counter(leaf("a", 1, 0.5), defence("wall", "", 1))
	r := Evaluate(&Tree{ID: "t", Root: root}, Context{})
	if r.Reachable || !math.IsInf(val(r.MinCost), 1) || r.MinTime != nil || val(r.Probability) != 0 || !r.Exact || len(r.Cheapest) != 0 {
		t.Errorf("unreachable: %+v", r)
	}
}

package plan

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

// knapsackYAML has constant parameters, so each scenario's mean annual
// loss is λ·v·m times the multipliers in force:
//
//	s1: 10 × 0.5 × 200,000           = 1,000,000
//	s2: 6 × (0.4 × 0.5 base) × 500,000 =   600,000 (base is implemented)
//	s3: 4 × 0.5 × 200,000            =   400,000
//
// Annualised costs over 3 years: c1 20,000 + 60,000/3 = 40,000 (s1 v × 0.5,
// saves 500,000); c2 50,000 (s2 λ × 0.4, saves 360,000); c3 30,000/3 =
// 10,000 (s3 m × 0.5, saves 200,000); c4 1,000 (s3 m × 0.9 but s1 λ × 1.5:
// raises the loss by 460,000, or 210,000 with c1). Within 60,000 the
// portfolios are {c1, c3} (50,000, residual 1,300,000), {c2, c3} (60,000,
// 1,640,000), {c1, c3, c4} (51,000, 1,530,000), {c1} (40,000, 1,500,000)
// …: the optimum is {c1, c3} with 1,300,000.
const knapsackYAML = `scrutin: 1
name: knapsack
currency: EUR
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: a, org: o, name: A, kind: email}]
actors: [{id: x, name: X}]
controls:
  - {id: c1, name: C1, status: proposed, cost: {once: 60000, yearly: 20000}, effects: [{scenario: s1, vulnerability: 0.5}]}
  - {id: c2, name: C2, status: proposed, cost: {yearly: 50000}, effects: [{scenario: s2, frequency: 0.4}]}
  - {id: c3, name: C3, status: proposed, cost: {once: 30000}, effects: [{scenario: s3, magnitude: 0.5}]}
  - {id: c4, name: C4, status: proposed, cost: {yearly: 1000}, effects: [{scenario: s3, magnitude: 0.9}, {scenario: s1, frequency: 1.5}]}
  - {id: base, name: Base, status: implemented, cost: {yearly: 99999}, effects: [{scenario: s2, vulnerability: 0.5}]}
scenarios:
  - {id: s1, name: S1, actor: x, assets: [a], effect: integrity, frequency: 10, vulnerability: 0.5, magnitude: 200000}
  - {id: s2, name: S2, actor: x, assets: [a], effect: integrity, frequency: 6, vulnerability: 0.4, magnitude: 500000}
  - {id: s3, name: S3, actor: x, assets: [a], effect: integrity, frequency: 4, vulnerability: 0.5, magnitude: 200000}
`

func TestKnapsackClosedForm(t *testing.T) {
	m := mustModel(t, knapsackYAML)
	res, err := Optimize(context.Background(), m, Options{Budget: 60000, Trials: 20000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Selected, []string{"c1", "c3"}) {
		t.Fatalf("selected %v, want [c1 c3]", res.Selected)
	}
	if res.Cost != 50000 {
		t.Errorf("cost %v, want 50,000", res.Cost)
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 0.02*want {
			t.Errorf("%s = %.0f, want %.0f ± 2 %%", what, got, want)
		}
	}
	near("baseline mean", res.Baseline.Mean, 2_000_000)
	near("residual mean", res.Residual.Mean, 1_300_000)
	for _, c := range res.Controls {
		switch c.ID {
		case "c1": // removed: s1 back to 1,000,000
			near("plan without c1", c.Mean, 1_800_000)
			near("c1 reduction", c.Reduction, 500_000)
			near("c1 ROSI", *c.ROSI, (500_000-40_000)/40_000.0)
		case "c2": // added: s2 × 0.4
			near("plan with c2", c.Mean, 940_000)
		case "c4": // added: s1 × 1.5, s3 × 0.9
			near("plan with c4", c.Mean, 500_000*1.5+600_000+200_000*0.9)
			if c.Reduction > 0 {
				t.Errorf("c4 raises the loss, yet its reduction is %v", c.Reduction)
			}
		}
	}
	if !res.Exact || res.Method != "exact (branch and bound, "+itoa(res.Nodes)+" nodes)" {
		t.Errorf("method %q", res.Method)
	}
	// Frontier, by hand: {} 2,000,000; {c3} 10,000 1,800,000; {c1} 40,000
	// 1,500,000; {c1,c3} 50,000 1,300,000; {c1,c2} 90,000 1,140,000;
	// {c1,c2,c3} 100,000 940,000.
	want := []float64{0, 10_000, 40_000, 50_000, 90_000, 100_000}
	var got []float64
	for _, f := range res.Frontier {
		got = append(got, f.Cost)
	}
	if !slices.Equal(got, want) {
		t.Errorf("frontier costs %v, want %v", got, want)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// A single scenario with constant parameters: the annual loss is m times a
// Poisson count, so quantiles are m times Poisson quantiles. Poisson(2):
// P(N ≤ 3) = 0.857, P(N ≤ 4) = 0.947, P(N ≤ 5) = 0.983, P(N ≤ 6) = 0.995;
// Poisson(1): P(N ≤ 1) = 0.736, P(N ≤ 2) = 0.920, P(N ≤ 3) = 0.981,
// P(N ≤ 4) = 0.996.
func TestQuantileClosedForm(t *testing.T) {
	const src = `scrutin: 1
name: poisson
currency: EUR
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: a, org: o, name: A, kind: email}]
actors: [{id: x, name: X}]
controls:
  - {id: half, name: Half, status: proposed, cost: {yearly: 10}, effects: [{scenario: s, vulnerability: 0.5}]}
scenarios:
  - {id: s, name: S, actor: x, assets: [a], effect: integrity, frequency: 4, vulnerability: 0.5, magnitude: 100000}
`
	m := mustModel(t, src)
	for _, tc := range []struct {
		objective   string
		before, got float64
	}{
		{ObjectiveP90, 400_000, 200_000},
		{ObjectiveP99, 600_000, 400_000},
	} {
		res, err := Optimize(context.Background(), m, Options{Budget: 10, Objective: tc.objective, Trials: 20000, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		b, a := res.Baseline.P90, res.Residual.P90
		if tc.objective == ObjectiveP99 {
			b, a = res.Baseline.P99, res.Residual.P99
		}
		// Quantiles are the sketch's: within 0.1 % of the exact values.
		near := func(x, want float64) bool { return math.Abs(x-want) <= sim.RelativeAccuracy*want }
		if !near(b, tc.before) || !near(a, tc.got) || !slices.Equal(res.Selected, []string{"half"}) {
			t.Errorf("%s: %v → %v with %v, want %v → %v with [half]", tc.objective, b, a, res.Selected, tc.before, tc.got)
		}
		if res.ObjectiveReduction != b-a {
			t.Errorf("%s: objective reduction %v", tc.objective, res.ObjectiveReduction)
		}
	}
	// A budget too small: nothing fits.
	res, err := Optimize(context.Background(), m, Options{Budget: 9.99, Trials: 1000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Selected) != 0 || res.Cost != 0 || res.ROSI != nil {
		t.Errorf("over-budget control chosen: %v, cost %v", res.Selected, res.Cost)
	}
}

var objectives = []string{ObjectiveMean, ObjectiveP90, ObjectiveP95, ObjectiveP99}

// TestOptimumEqualsBruteForce solves random models of 3–12 controls and
// 2–6 scenarios for every objective and compares with every portfolio
// evaluated from scratch.
func TestOptimumEqualsBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	instances := 24
	if testing.Short() {
		instances = 6
	}
	for i := range instances {
		g := genOptions{controls: 3 + r.IntN(10), scenarios: 2 + r.IntN(5), perControl: 3, lo: 0.2, hi: 1.2,
			tree: r.IntN(3) == 0, implemented: r.IntN(2) == 0}
		src := genModel(r, g)
		m := mustModel(t, src)
		trials := int64(200 + r.IntN(400))
		sims := newBFSims()
		for _, obj := range objectives {
			opt := Options{Objective: obj, Trials: trials, Seed: uint64(i), ExactConfigs: 1 << 16}
			bf := newBruteForce(t, m, opt, sims)
			total := bf.cost(uint32(len(bf.objs) - 1))
			opt.Budget = math.Round(total * (0.15 + 0.6*r.Float64()))
			res, err := Optimize(context.Background(), m, opt)
			if err != nil {
				t.Fatal(err)
			}
			best := bf.best(opt.Budget)
			if !res.Exact {
				t.Fatalf("instance %d %s: not exact (%s)", i, obj, res.Note)
			}
			if !slices.Equal(res.Selected, bf.ids(best)) {
				t.Errorf("instance %d (%d controls, %d scenarios) %s budget %v: chose %v (cost %v), brute force %v (cost %v, objective %v)\n%s",
					i, g.controls, g.scenarios, obj, opt.Budget, res.Selected, res.Cost, bf.ids(best), bf.cost(best), bf.objs[best], src)
				continue
			}
			if res.Cost > opt.Budget {
				t.Errorf("instance %d %s: cost %v over budget %v", i, obj, res.Cost, opt.Budget)
			}
			// The reported objective is the run's, not the quantized sums'.
			if got, want := objectiveOf(obj, res.Residual), bf.shown[best]; got != want {
				t.Errorf("instance %d %s: objective %v, brute force %v", i, obj, got, want)
			}
			if obj == ObjectiveMean {
				checkMeanFrontier(t, res, bf)
			} else {
				checkLadderFrontier(t, res, bf)
			}
		}
	}
}

func objectiveOf(obj string, r Risk) float64 {
	switch obj {
	case ObjectiveP90:
		return r.P90
	case ObjectiveP95:
		return r.P95
	case ObjectiveP99:
		return r.P99
	}
	return r.Mean
}

// checkMeanFrontier: the enumerated frontier is exactly brute force's.
func checkMeanFrontier(t *testing.T, res *Result, bf *bruteForce) {
	t.Helper()
	want := bf.frontier()
	if len(want) != len(res.Frontier) {
		t.Errorf("frontier has %d points, brute force %d", len(res.Frontier), len(want))
		return
	}
	for i, f := range res.Frontier {
		if f.Cost != want[i][0] || f.Objective != want[i][1] || f.Objective != bf.shown[bf.index(f.Controls)] {
			t.Errorf("frontier point %d: (%v, %v), brute force (%v, %v)", i, f.Cost, f.Objective, want[i][0], want[i][1])
		}
	}
	if !res.FrontierExact {
		t.Error("mean frontier not marked exact")
	}
}

// checkLadderFrontier: every point of a frontier solved at a ladder of
// budgets is the optimum at its own cost, shown with the run's quantile,
// and none dominates another. (Two order statistics closer than the
// sketch's resolution may show the same quantile.)
func checkLadderFrontier(t *testing.T, res *Result, bf *bruteForce) {
	t.Helper()
	for i, f := range res.Frontier {
		best, sel := bf.best(f.Cost), bf.index(f.Controls)
		if bf.objs[sel] != bf.objs[best] {
			t.Errorf("frontier point %d (cost %v): %v with objective %v, best at that cost %v with %v", i, f.Cost, f.Controls, bf.objs[sel], bf.ids(best), bf.objs[best])
		}
		if f.Objective != bf.shown[sel] {
			t.Errorf("frontier point %d: objective %v, the run's %v", i, f.Objective, bf.shown[sel])
		}
		if i > 0 {
			prev := bf.index(res.Frontier[i-1].Controls)
			if !(f.Cost > res.Frontier[i-1].Cost && bf.objs[sel] < bf.objs[prev] && f.Objective <= res.Frontier[i-1].Objective) {
				t.Errorf("frontier point %d does not improve on point %d", i, i-1)
			}
		}
	}
}

// TestBranchAndBoundAlone runs the branch and bound from the worst
// incumbent (the implemented controls only), so that it, not the
// heuristic, must find the optimum.
func TestBranchAndBoundAlone(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	for i := range 12 {
		g := genOptions{controls: 3 + r.IntN(8), scenarios: 2 + r.IntN(4), perControl: 3, lo: 0.2, hi: 1.3, tree: i%3 == 0}
		m := mustModel(t, genModel(r, g))
		sims := newBFSims()
		for _, obj := range objectives {
			opt, err := normalise(Options{Objective: obj, Trials: 300, Seed: uint64(i), ExactConfigs: 1 << 16})
			if err != nil {
				t.Fatal(err)
			}
			bf := newBruteForce(t, m, opt, sims)
			opt.Budget = math.Round(bf.cost(uint32(len(bf.objs)-1)) * (0.2 + 0.5*r.Float64()))
			p, err := newProblem(m, opt)
			if err != nil {
				t.Fatal(err)
			}
			s := newSolver(context.Background(), p, opt)
			if err := s.c.need(s.configs(make([]uint64, len(p.scens))), true); err != nil {
				t.Fatal(err)
			}
			s.z = bf.z
			if err := s.c.need(s.allConfigs(), true); err != nil {
				t.Fatal(err)
			}
			var b bounder
			var obj0 objective
			if p.q == 0 {
				b, obj0 = newMeanBounder(s.tables()), &meanObjective{p: p, c: s.c}
			} else {
				b = newQuantileBounder(s.c, s.z, rank(p.q, int(p.trials)), int(p.trials), 1<<30)
				obj0 = newQuantileObjective(p, s.c, s.z, 2, 1<<30)
			}
			none := make([]bool, len(p.cands))
			if err := obj0.set(none); err != nil {
				t.Fatal(err)
			}
			order, err := s.order(obj0)
			if err != nil {
				t.Fatal(err)
			}
			got, nodes, err := p.branchAndBound(context.Background(), b, opt.Budget, order, p.scored(none, obj0.value()))
			if err != nil {
				t.Fatal(err)
			}
			want := bf.best(opt.Budget)
			if !slices.Equal(p.ids(got.sel), bf.ids(want)) || got.obj != bf.objs[want] {
				t.Errorf("instance %d %s: branch and bound %v (%v), brute force %v (%v)", i, obj, p.ids(got.sel), got.obj, bf.ids(want), bf.objs[want])
			}
			if full := int64(2)<<len(p.cands) - 1; nodes > full {
				t.Errorf("instance %d %s: %d nodes, more than the full tree's %d", i, obj, nodes, full)
			}
		}
	}
}

// TestHeuristic forces the heuristic on random instances: within budget,
// never better than the optimum, deterministic; and counts how often it is
// optimal.
func TestHeuristic(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	optimal, runs := 0, 0
	for i := range 10 {
		g := genOptions{controls: 4 + r.IntN(7), scenarios: 2 + r.IntN(5), perControl: 3, lo: 0.2, hi: 1.1}
		m := mustModel(t, genModel(r, g))
		sims := newBFSims()
		for _, obj := range objectives {
			opt := Options{Objective: obj, Trials: 300, Seed: uint64(i), ExactLimit: 1}
			bf := newBruteForce(t, m, opt, sims)
			opt.Budget = math.Round(bf.cost(uint32(len(bf.objs)-1)) * (0.2 + 0.5*r.Float64()))
			res, err := Optimize(context.Background(), m, opt)
			if err != nil {
				t.Fatal(err)
			}
			if res.Exact || res.Method != "heuristic (greedy + local search)" || res.Note == "" {
				t.Fatalf("method %q, note %q", res.Method, res.Note)
			}
			if res.Cost > opt.Budget {
				t.Errorf("cost %v over budget %v", res.Cost, opt.Budget)
			}
			best, chosen := bf.best(opt.Budget), bf.index(res.Selected)
			if bf.objs[chosen] < bf.objs[best] {
				t.Errorf("heuristic %v beats the optimum %v", bf.objs[chosen], bf.objs[best])
			}
			if got := objectiveOf(obj, res.Residual); got != bf.shown[chosen] {
				t.Errorf("heuristic's objective %v, the run's %v", got, bf.shown[chosen])
			}
			runs++
			if slices.Equal(res.Selected, bf.ids(best)) {
				optimal++
			}
		}
	}
	t.Logf("heuristic optimal in %d of %d instances", optimal, runs)
	if optimal < runs*3/4 {
		t.Errorf("heuristic optimal in only %d of %d instances", optimal, runs)
	}
}

// TestCommonRandomNumbers: the difference between two portfolios varies
// far less from seed to seed on common random numbers than on independent
// streams. The pairs are those a plan compares: a portfolio and its
// neighbour with one more control. (Where the controls wipe out most of a
// heavy-tailed scenario's loss, the difference is that loss itself and
// common random numbers gain less: about 4 to 9 times for {} against
// {security-keys} on the example.)
func TestCommonRandomNumbers(t *testing.T) {
	m, err := model.Decode("election.yaml", examples.Election())
	if err != nil {
		t.Fatal(err)
	}
	const seeds = 30
	evaluators := map[uint64]*Evaluator{}
	mean := func(seed uint64, sel []string) float64 {
		e := evaluators[seed]
		if e == nil {
			if e, err = NewEvaluator(context.Background(), m, Options{Trials: 2000, Seed: seed}); err != nil {
				t.Fatal(err)
			}
			evaluators[seed] = e
		}
		v, err := e.Mean(sel)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, pair := range [][2][]string{
		{{"security-keys", "staff-training"}, {"security-keys", "staff-training", "password-manager"}},
		{{"security-keys", "staff-training", "incident-response-plan"}, {"security-keys", "staff-training", "incident-response-plan", "ddos-protection"}},
	} {
		var common, independent []float64
		for s := range uint64(seeds) {
			common = append(common, mean(s+1, pair[0])-mean(s+1, pair[1]))
			independent = append(independent, mean(s+1, pair[0])-mean(s+1001, pair[1]))
		}
		vc, vi := variance(common), variance(independent)
		t.Logf("%v against %v: Var(difference) %.4g common, %.4g independent (%.0f times lower)", pair[0], pair[1], vc, vi, vi/vc)
		if vi < 10*vc {
			t.Errorf("%v against %v: common random numbers cut the variance of differences only %.1f times", pair[0], pair[1], vi/vc)
		}
	}
}

func variance(xs []float64) float64 {
	var m, s float64
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return s / float64(len(xs)-1)
}

// TestDeterminism: the same seed gives the same plan, bit for bit, with
// any number of workers, exact or heuristic.
func TestDeterminism(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	m := mustModel(t, genModel(r, genOptions{controls: 9, scenarios: 5, perControl: 3, lo: 0.2, hi: 1, tree: true}))
	for _, obj := range objectives {
		for _, exact := range []int{0, 2} {
			var first []byte
			for _, w := range []int{1, 2, 3, 8} {
				res, err := Optimize(context.Background(), m, Options{Budget: 40000, Objective: obj, Trials: 5000, Seed: 9, Workers: w, ExactLimit: exact})
				if err != nil {
					t.Fatal(err)
				}
				b, _ := json.Marshal(res)
				if first == nil {
					first = b
				} else if string(b) != string(first) {
					t.Errorf("%s (exact limit %d): %d workers give another plan", obj, exact, w)
				}
			}
		}
	}
}

// TestEvaluatorMatchesRun: a portfolio's evaluation is sim.Run's with the
// same controls, bit for bit.
func TestEvaluatorMatchesRun(t *testing.T) {
	m, err := model.Decode("election.yaml", examples.Election())
	if err != nil {
		t.Fatal(err)
	}
	const trials = 20000
	e, err := NewEvaluator(context.Background(), m, Options{Trials: trials, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, sel := range [][]string{nil, {"security-keys"}, {"security-keys", "network-segmentation", "privileged-access", "chain-of-custody"}} {
		got, _, err := e.Evaluate(sel)
		if err != nil {
			t.Fatal(err)
		}
		inForce, err := m.InForce(sel, nil)
		if err != nil {
			t.Fatal(err)
		}
		run, err := sim.Run(context.Background(), m, sim.Options{Trials: trials, Seed: 4, Controls: inForce})
		if err != nil {
			t.Fatal(err)
		}
		q := run.Portfolio.Quantiles
		if want := (Risk{Mean: run.Portfolio.Mean, P90: q.P90, P95: q.P95, P99: q.P99}); got != want {
			t.Errorf("%v: %+v, sim.Run %+v", sel, got, want)
		}
	}
	if _, _, err := e.Evaluate([]string{"no-such-control"}); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("unknown control: %v", err)
	}
}

// TestIncrementalQuantile: a quantile objective updated move by move gives
// the same values, bit for bit, as one computed from scratch.
func TestIncrementalQuantile(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	m := mustModel(t, genModel(r, genOptions{controls: 8, scenarios: 5, perControl: 3, lo: 0.1, hi: 1.5, tree: true}))
	opt, _ := normalise(Options{Objective: ObjectiveP95, Trials: 3000, Seed: 2})
	p, err := newProblem(m, opt)
	if err != nil {
		t.Fatal(err)
	}
	s := newSolver(context.Background(), p, opt)
	if err := s.c.need(s.configs(make([]uint64, len(p.scens))), true); err != nil {
		t.Fatal(err)
	}
	s.z = newQuantizer(1e6, len(p.scens))
	inc := newQuantileObjective(p, s.c, s.z, 3, 1<<30)
	fresh := newQuantileObjective(p, s.c, s.z, 1, 0)
	sel := make([]bool, len(p.cands))
	if err := inc.set(sel); err != nil {
		t.Fatal(err)
	}
	for step := range 40 {
		var moves []move
		for a := range p.cands {
			moves = append(moves, move{a, -1}, move{-1, a})
			for d := range p.cands {
				if d != a {
					moves = append(moves, move{a, d})
				}
			}
		}
		// Moves that add what is in or drop what is out leave sel as is.
		vals, err := inc.evaluate(moves, math.Inf(1))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(moves); i += 7 {
			if err := fresh.set(moved(sel, moves[i])); err != nil {
				t.Fatal(err)
			}
			if vals[i] != fresh.value() {
				t.Fatalf("step %d, move %v: incremental %v, from scratch %v", step, moves[i], vals[i], fresh.value())
			}
		}
		mv := moves[r.IntN(len(moves))]
		if err := inc.apply(mv); err != nil {
			t.Fatal(err)
		}
		applyMove(sel, mv)
		if err := fresh.set(sel); err != nil {
			t.Fatal(err)
		}
		if inc.value() != fresh.value() || !slices.Equal(inc.total, fresh.total) {
			t.Fatalf("step %d: incremental %v, from scratch %v", step, inc.value(), fresh.value())
		}
	}
}

func TestParseHorizon(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"3y", 3, true}, {"36m", 3, true}, {"3", 3, true}, {"2.5", 2.5, true}, {" 18M ", 1.5, true}, {"1Y", 1, true},
		{"0", 0, false}, {"-1y", 0, false}, {"y", 0, false}, {"3 years", 0, false}, {"", 0, false}, {"NaN", 0, false}, {"Inf", 0, false},
	} {
		got, err := ParseHorizon(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseHorizon(%q) = %v, %v", tc.in, got, err)
		}
		if err != nil && model.ErrorCode(err) != model.EINVALID {
			t.Errorf("ParseHorizon(%q): error code %q", tc.in, model.ErrorCode(err))
		}
	}
}

func TestKth(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{1, 2, 3, 17, 100, 1000, 5000} {
		for _, spread := range []int{2, 10, 1 << 30} { // many ties, some, none
			a := make([]int64, n)
			for i := range a {
				a[i] = int64(r.IntN(spread))
			}
			sorted := slices.Clone(a)
			slices.Sort(sorted)
			for _, k := range []int{1, n, (n + 1) / 2, max(1, n/10)} {
				if got := kth(slices.Clone(a), k); got != sorted[k-1] {
					t.Errorf("n %d spread %d: kth(%d) = %d, want %d", n, spread, k, got, sorted[k-1])
				}
			}
		}
	}
	for _, tc := range []struct {
		q    float64
		n, k int
	}{{0.9, 1000, 900}, {0.95, 20000, 19000}, {0.99, 100, 99}, {0.9, 1, 1}, {0.9, 15, 13}, {0.99, 1000, 990}, {0.5, 2, 1}, {1, 7, 7}} {
		if got := rank(tc.q, tc.n); got != tc.k {
			t.Errorf("rank(%v, %d) = %d, want %d", tc.q, tc.n, got, tc.k)
		}
	}
}

func TestInvalidOptions(t *testing.T) {
	m := mustModel(t, knapsackYAML)
	for _, opt := range []Options{
		{Budget: -1, Trials: 10},
		{Budget: math.NaN(), Trials: 10},
		{Budget: 1, Trials: 0},
		{Budget: 1, Trials: 10, Objective: "median"},
		{Budget: 1, Trials: 10, Horizon: -3},
	} {
		if _, err := Optimize(context.Background(), m, opt); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("%+v: %v", opt, err)
		}
	}
}

// TestMemoryLimit: with room for almost no vectors, the plan is the same
// (dropped vectors are simulated again).
func TestMemoryLimit(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	m := mustModel(t, genModel(r, genOptions{controls: 7, scenarios: 4, perControl: 2, lo: 0.2, hi: 1}))
	opt := Options{Budget: 30000, Objective: ObjectiveP90, Trials: 2000, Seed: 1, ExactLimit: 2}
	a, err := Optimize(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.MemoryLimit = 6 * 4 * 2000 // one portfolio's vectors, and two more
	b, err := Optimize(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	if b.Simulations <= a.Simulations {
		t.Errorf("a small memory limit should cost simulations: %d, %d", a.Simulations, b.Simulations)
	}
	a.Simulations, b.Simulations = 0, 0
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("the memory limit changed the plan")
	}
}

// TestNoCandidates: a model without proposed controls still gets a plan:
// nothing to add, one frontier point.
func TestNoCandidates(t *testing.T) {
	const src = `scrutin: 1
name: none
currency: EUR
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: a, org: o, name: A, kind: email}]
actors: [{id: x, name: X}]
scenarios:
  - {id: s, name: S, actor: x, assets: [a], effect: integrity, frequency: 2, vulnerability: 0.5, magnitude: 1000}
`
	for _, obj := range objectives {
		res, err := Optimize(context.Background(), mustModel(t, src), Options{Budget: 100, Objective: obj, Trials: 100, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Selected) != 0 || len(res.Frontier) != 1 || len(res.Controls) != 0 || res.Selected == nil {
			t.Errorf("%s: %+v", obj, res)
		}
	}
}

package audit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// tally is a contest with candidates named A, B, C … in the order given.
func tally(ballots int64, winners int, votes ...int64) Tally {
	t := Tally{Votes: map[string]int64{}, Winners: winners, Ballots: ballots}
	for i, v := range votes {
		t.Votes[string(rune('A'+i))] = v
	}
	return t
}

func decide(t *testing.T, tl Tally) *Outcome {
	t.Helper()
	o, err := Decide(tl)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestBravoArlo: the round-one expectations of Arlo's BRAVO tests
// (server/tests/audit_math/test_bravo.py at commit 8d86156, risk limit
// 10 %; docs/audit-maths.md section 2.5), plus values computed from the
// formulas by hand (section 5, marked so).
func TestBravoArlo(t *testing.T) {
	for _, c := range []struct {
		name     string
		tally    Tally
		alpha    float64
		asn      int64
		prob     float64 // NaN: none (several winners)
		oneRound []int64 // nil: none
		all      bool
	}{
		{"test1", tally(1000, 1, 600, 400), 0.1, 119, 0.52, []int64{184, 244, 351}, false},
		{"test2", tally(900, 1, 600, 200, 100), 0.1, 22, 0.55, []int64{32, 41, 57}, false},
		{"test6", tally(1000, 1, 300, 200, 200), 0.1, 238, 0.52, []int64{368, 488, 702}, false},
		{"test7", tally(700, 2, 300, 200, 100), 0.1, 101, math.NaN(), nil, false},
		{"test8", tally(700, 2, 300, 300, 100), 0.1, 34, math.NaN(), nil, false},
		{"test10", tally(1000, 2, 600, 300, 100), 0.1, 48, math.NaN(), nil, false},
		{"test11 (landslide)", tally(1000, 1, 1000, 0), 0.1, 1, 1, nil, false},
		{"test12", tally(1000, 1, 600, 400, 0), 0.1, 119, 0.52, []int64{184, 244, 351}, false},
		{"small third candidate", tally(20000, 1, 10000, 9000, 200), 0.1, 1769, 0.5, []int64{2837, 3760, 5426}, false},
		{"NaN in expected prob", tally(500, 1, 400, 10, 1), 0.1, 6, 0.67, []int64{7, 8, 11}, false},
		{"Georgia presidential 2020", tally(4992420, 1, 2471981, 2457924, 62058, 457, 0, 0), 0.1, 4992420, 1, nil, true},
		// Computed from the formulas (docs/audit-maths.md section 5).
		{"600/400 at 5 %", tally(1000, 1, 600, 400), 0.05, 154, math.NaN(), []int64{226, 290, 402}, false},
		{"600/400 with 100 blank", tally(1100, 1, 600, 400), 0.1, 131, math.NaN(), []int64{203, 269, 387}, false},
		{"550/450 (beyond the ballots)", tally(1000, 1, 550, 450), 0.1, 470, math.NaN(), []int64{745, 987, 1423}, false},
		{"France 2017 round 2", tally(35467327, 1, 20743128, 10638475), 0.1, 53, math.NaN(), []int64{78, 104, 149}, false},
		{"France 2017 round 2 at 5 %", tally(35467327, 1, 20743128, 10638475), 0.05, 68, math.NaN(), []int64{97, 124, 172}, false},
		{"France 2017 round 2 at 1 %", tally(35467327, 1, 20743128, 10638475), 0.01, 102, math.NaN(), []int64{138, 169, 220}, false},
	} {
		s, err := Bravo(c.tally, decide(t, c.tally), c.alpha)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if s.ASN != c.asn || s.AllBallots != c.all {
			t.Errorf("%s: ASN %d (all ballots %v), want %d (%v)", c.name, s.ASN, s.AllBallots, c.asn, c.all)
		}
		if !math.IsNaN(c.prob) && s.ASNProb != c.prob {
			t.Errorf("%s: ASN completion probability %v, want %v", c.name, s.ASNProb, c.prob)
		}
		if c.tally.Winners > 1 && !math.IsNaN(s.ASNProb) {
			t.Errorf("%s: several winners, yet a completion probability %v", c.name, s.ASNProb)
		}
		switch {
		case c.oneRound == nil && s.OneRound != nil && !c.all:
			t.Errorf("%s: one-round sizes %v, want none", c.name, *s.OneRound)
		case c.oneRound != nil && (s.OneRound == nil || s.OneRound[0] != c.oneRound[0] || s.OneRound[1] != c.oneRound[1] || s.OneRound[2] != c.oneRound[2]):
			t.Errorf("%s: one-round sizes %v, want %v", c.name, s.OneRound, c.oneRound)
		}
	}
}

// TestBravoOneRoundArlo: Arlo's direct tests of the one-round size of a
// pair (test_bravo.py, risk limit 10 %, 10,000 ballots), without an
// earlier sample.
func TestBravoOneRoundArlo(t *testing.T) {
	for _, c := range []struct {
		pw, pl, q float64
		want      int64
	}{
		{0.4, 0.32, 0.9, 1599},
		{0.36, 0.32, 0.9, 6067},
		{0.36, 0.32, 0.6, 2476},
		{0.52, 0.47, 0.9, 5657},
		{0.4, 0.32, 0.4, 409},
	} {
		if got := (bravoPair{c.pw, c.pl}).oneRound(math.Log(10), c.q, 10000); got != c.want {
			t.Errorf("%v against %v at %v: %d, want %d", c.pw, c.pl, c.q, got, c.want)
		}
	}
}

// TestBravoStopsAtTheBallots: the exact correction stops once it has
// reached the ballots cast, as Arlo's does, so the same shares need one
// ballot more among 200,000 than among 1,000 (docs/audit-maths.md 2.6).
func TestBravoStopsAtTheBallots(t *testing.T) {
	for _, c := range []struct {
		tally Tally
		asn   int64
		p90   int64
	}{
		{tally(1000, 1, 510, 490), 11562, 35734},
		{tally(200000, 1, 102000, 98000), 11562, 35735},
	} {
		s, err := Bravo(c.tally, decide(t, c.tally), 0.1)
		if err != nil {
			t.Fatal(err)
		}
		if s.ASN != c.asn || s.OneRound == nil || s.OneRound[2] != c.p90 {
			t.Errorf("%v: ASN %d, sizes %v; want %d and 0.9 → %d", c.tally.Votes, s.ASN, s.OneRound, c.asn, c.p90)
		}
	}
}

// TestComparisonArlo: Arlo's super-simple tests (test_supersimple.py, from
// Stark's tool, risk limit 10 %) and values computed from the formulas.
func TestComparisonArlo(t *testing.T) {
	for _, c := range []struct {
		name  string
		tally Tally
		alpha float64
		want  int64
	}{
		{"Contest A", tally(100000, 1, 60000, 40000), 0.1, 27},
		{"Contest B", tally(60000, 1, 30000, 24000), 0.1, 54},
		{"Contest C", tally(36000, 1, 18000, 12600), 0.1, 36},
		{"Contest D", tally(15000, 1, 8000, 6000), 0.1, 40},
		{"Contest E", tally(10000, 1, 10000, 0), 0.1, 6},
		{"Contest F", tally(15, 1, 10, 4), 0.1, 14},
		{"Two-winner Contest", tally(1000, 2, 600, 300, 100), 0.1, 27},
		// Computed from the formulas (docs/audit-maths.md section 5).
		{"issue 15's margin 0.20", tally(1000, 1, 600, 400), 0.1, 27},
		{"600/400 at 5 %", tally(1000, 1, 600, 400), 0.05, 34},
		{"600/400 with 100 blank", tally(1100, 1, 600, 400), 0.1, 30},
		{"550/450", tally(1000, 1, 550, 450), 0.1, 54},
		{"France 2017 round 2", tally(35467327, 1, 20743128, 10638475), 0.1, 19},
		{"France 2017 round 2 at 5 %", tally(35467327, 1, 20743128, 10638475), 0.05, 24},
		{"France 2017 round 2 at 1 %", tally(35467327, 1, 20743128, 10638475), 0.01, 36},
		{"one vote in 1,001: a full count", tally(1001, 1, 501, 500), 0.1, 1001},
	} {
		got, err := Comparison(c.tally, decide(t, c.tally), c.alpha)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

// TestSizesGrowAsMarginOrRiskShrinks: for random two-candidate contests,
// a narrower margin (one vote moved from the winner to the loser) or a
// smaller risk limit never asks for fewer ballots, by either method.
func TestSizesGrowAsMarginOrRiskShrinks(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphas := []float64{0.2, 0.1, 0.05, 0.01, 0.001}
	sizes := func(tl Tally, alpha float64) []int64 {
		a, err := Assess(tl, nil, alpha)
		if err != nil {
			t.Fatal(err)
		}
		out := []int64{a.PollingSize(), a.Comparison}
		if a.Bravo.OneRound != nil {
			for _, n := range a.Bravo.OneRound {
				c, _ := a.Capped(n)
				out = append(out, c)
			}
		}
		return out
	}
	atLeast := func(what string, wider, narrower []int64) {
		for i := range min(len(wider), len(narrower)) {
			if narrower[i] < wider[i] {
				t.Fatalf("%s: sizes %v, then %v", what, wider, narrower)
			}
		}
	}
	for range 300 {
		ballots := r.Int64N(1_000_000) + 100
		votes := ballots - r.Int64N(ballots/10+1)
		w := votes/2 + r.Int64N(votes/2) + 2
		l := votes - w
		if w-l < 3 || l < 1 {
			continue
		}
		tl := tally(ballots, 1, w, l)
		closer := tally(ballots, 1, w-1, l+1)
		for i, alpha := range alphas {
			atLeast("narrower margin", sizes(tl, alpha), sizes(closer, alpha))
			if i > 0 {
				atLeast("smaller risk limit", sizes(tl, alphas[i-1]), sizes(tl, alpha))
			}
		}
	}
}

func TestAssess(t *testing.T) {
	a, err := Assess(tally(1000, 1, 600, 400), []int64{100, 250, 400, 250}, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if a.VotesToFlip != 101 || a.UnitsToFlip != 1 || a.VoteMargin != 0.2 || a.DilutedMargin != 0.2 || a.PollingSize() != 119 || a.Comparison != 27 {
		t.Errorf("%+v", a)
	}
	a, err = Assess(tally(1000, 1, 550, 450), nil, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if n, full := a.Capped(a.Bravo.OneRound[2]); n != 1000 || !full || a.UnitsToFlip != -1 {
		t.Errorf("550/450: 0.9 size %d, full count %v; units to flip %d", n, full, a.UnitsToFlip)
	}
	if _, err := Assess(tally(1000, 1, 600, 400), nil, 1); err == nil {
		t.Error("a risk limit of 1 accepted")
	}
}

// TestBinomialQuantilerGrows: the quantile followed as n grows one by one
// is the quantile computed afresh for each n.
func TestBinomialQuantilerGrows(t *testing.T) {
	for _, c := range []struct {
		q, p float64
		n    int64
	}{{0.1, 0.6, 0}, {0.1, 0.6, 5}, {0.3, 0.51, 1000}, {0.2, 0.999, 50}, {0.1, 0.02, 300}, {0.6, 0.5, 100000}} {
		b := newBinomialQuantiler(c.q, c.n, c.p)
		for n := c.n; n < c.n+400; n++ {
			if want := binomialQuantile(c.q, n, c.p); b.k != want {
				t.Fatalf("q %v, p %v, n %d: followed %d, afresh %d", c.q, c.p, n, b.k, want)
			}
			b.grow()
		}
	}
}

// oneRound is the number of ballots, among all those cast, that ends the
// audit of the pair in one round with probability q: first the smallest n
// of the pair's ballots whose winner's votes at the (1 − q) quantile meet
// θ by the normal approximation (approxRound), then, exactly with the
// binomial distribution, up by one ballot until they do or n reaches the
// ballots cast (correct); scaled up by the pair's share of the ballots.
func (p bravoPair) oneRound(theta, q float64, ballots int64) int64 {
	n0 := p.approxRound(theta, q)
	if n0 >= beyond {
		return beyond
	}
	return p.correct(n0, theta, q, ballots)
}

// binomialQuantile is the smallest k in [0, n] with P(X ≤ k) ≥ q for X of
// Binomial(n, p), 0 < p < 1.
func binomialQuantile(q float64, n int64, p float64) int64 {
	return newBinomialQuantiler(q, n, p).k
}

// TestExactBudget: a contest beyond the exact step's budget (256
// near-equal candidates in 10^10 ballots) keeps the normal approximation
// for the pairs the budget does not reach and says so; its sizes are
// still within a millionth of the fully exact ones, and a contest of a
// realistic size never reaches the budget.
func TestExactBudget(t *testing.T) {
	tl := Tally{Votes: map[string]int64{}, Winners: 1, Ballots: 1e10}
	per := int64(1e10) / 260
	tl.Votes["w"] = per + 100000
	for i := range 255 {
		tl.Votes[fmt.Sprint("l", i)] = per - int64(i)
	}
	s, err := Bravo(tl, decide(t, tl), 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Approximate || s.OneRound == nil {
		t.Fatalf("%+v: the budget was not reached", s)
	}
	// Fully exact: every pair corrected.
	o := decide(t, tl)
	var exact [3]int64
	for i, q := range Quantiles {
		for _, p := range bravoPairs(tl, o) {
			exact[i] = max(exact[i], p.oneRound(math.Log(10), q, tl.Ballots))
		}
	}
	for i := range exact {
		if d := math.Abs(float64(s.OneRound[i]-exact[i])) / float64(exact[i]); d > 1e-6 {
			t.Errorf("quantile %v: %d, exact %d", Quantiles[i], s.OneRound[i], exact[i])
		}
	}
	if s, _ := Bravo(tally(35467327, 1, 20743128, 10638475), decide(t, tally(35467327, 1, 20743128, 10638475)), 0.1); s.Approximate {
		t.Error("France 2017 reached the budget")
	}
}

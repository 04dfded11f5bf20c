package audit

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestVotesToFlip(t *testing.T) {
	for _, c := range []struct {
		name    string
		tally   Tally
		winners []string
		margin  int64
		flip    int64
	}{
		{"600 to 400", Tally{Votes: map[string]int64{"A": 600, "B": 400}, Winners: 1, Ballots: 1000}, []string{"A"}, 200, 101},
		{"odd margin", Tally{Votes: map[string]int64{"A": 601, "B": 400}, Winners: 1, Ballots: 1001}, []string{"A"}, 201, 101},
		{"one vote", Tally{Votes: map[string]int64{"A": 501, "B": 500}, Winners: 1, Ballots: 1001}, []string{"A"}, 1, 1},
		{"two votes", Tally{Votes: map[string]int64{"A": 502, "B": 500}, Winners: 1, Ballots: 1002}, []string{"A"}, 2, 2},
		{"three candidates", Tally{Votes: map[string]int64{"A": 500, "B": 300, "C": 200}, Winners: 1, Ballots: 1000}, []string{"A"}, 200, 101},
		{"two winners", Tally{Votes: map[string]int64{"A": 500, "B": 300, "C": 250, "D": 100}, Winners: 2, Ballots: 600}, []string{"A", "B"}, 50, 26},
		// 2017's second round as issue 15 quotes it, 20,743,128 to 10,638,475,
		// with the ballots taken as the votes for the two (blank and null left out).
		{"France 2017", Tally{Votes: map[string]int64{"Macron": 20743128, "Le Pen": 10638475}, Winners: 1, Ballots: 31381603}, []string{"Macron"}, 10104653, 5052327},
	} {
		o, err := Decide(c.tally)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !slices.Equal(o.Winners, c.winners) || o.Margin != c.margin || o.VotesToFlip != c.flip {
			t.Errorf("%s: winners %v, margin %d, to flip %d; want %v, %d, %d", c.name, o.Winners, o.Margin, o.VotesToFlip, c.winners, c.margin, c.flip)
		}
		if o.DilutedMargin != float64(c.margin)/float64(c.tally.Ballots) {
			t.Errorf("%s: diluted margin %g", c.name, o.DilutedMargin)
		}
	}
}

// TestFlipChangesTheOutcome: moving VotesToFlip ballots from the last
// winner to the first loser makes the loser win; one fewer does not.
func TestFlipChangesTheOutcome(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		a, b := r.Int64N(100000)+1, r.Int64N(100000)
		if a == b {
			continue
		}
		tl := Tally{Votes: map[string]int64{"A": a, "B": b}, Winners: 1, Ballots: a + b}
		o, err := Decide(tl)
		if err != nil {
			t.Fatal(err)
		}
		w, l := o.Winners[0], o.Losers[0]
		flip := func(n int64) bool {
			v := map[string]int64{w: tl.Votes[w] - n, l: tl.Votes[l] + n}
			return v[l] > v[w] // the loser wins (a tie is not yet a change: the issue's ⌊m/2⌋ + 1)
		}
		if !flip(o.VotesToFlip) || flip(o.VotesToFlip-1) {
			t.Fatalf("%v: %d to flip", tl.Votes, o.VotesToFlip)
		}
	}
}

func TestDecideRefuses(t *testing.T) {
	for _, c := range []Tally{
		{Votes: map[string]int64{"A": 500, "B": 500}, Winners: 1, Ballots: 1000},                    // a tie
		{Votes: map[string]int64{"A": 500}, Winners: 1, Ballots: 500},                               // no loser
		{Votes: map[string]int64{"A": 500, "B": 400}, Winners: 2, Ballots: 900},                     // no loser
		{Votes: map[string]int64{"A": 600, "B": 500}, Winners: 1, Ballots: 1000},                    // more votes than ballots
		{Votes: map[string]int64{"A": -1, "B": 5}, Winners: 1, Ballots: 10},                         // negative
		{Votes: map[string]int64{"A": 5, "B": 3}, Winners: 1, Ballots: 0},                           // no ballots
		{Votes: map[string]int64{"A": 5, "B": 4, "C": 4}, Winners: 2, Ballots: 13},                  // tie at the boundary
		{Votes: map[string]int64{"A": 1 << 62, "B": 1 << 62, "C": 1 << 62}, Winners: 1, Ballots: 1}, // overflow
	} {
		if _, err := Decide(c); err == nil {
			t.Errorf("%v accepted", c)
		}
	}
}

func TestUnitsToFlip(t *testing.T) {
	for _, c := range []struct {
		units []int64
		need  int64
		want  int
	}{
		{[]int64{100, 200, 300}, 101, 1},
		{[]int64{100, 200, 300}, 301, 2},
		{[]int64{100, 200, 300}, 600, 3},
		{[]int64{100, 200, 300}, 601, -1},
		{[]int64{25, 25, 25, 25}, 51, 3},
		{nil, 1, -1},
		{[]int64{5}, 0, 0},
	} {
		if got := UnitsToFlip(c.units, c.need); got != c.want {
			t.Errorf("%v, need %d: %d, want %d", c.units, c.need, got, c.want)
		}
	}
}

// TestUnitsToFlipIsMinimal: against every subset of a few random units.
func TestUnitsToFlipIsMinimal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		n := r.IntN(9) + 1
		units := make([]int64, n)
		var total int64
		for i := range units {
			units[i] = r.Int64N(50) + 1
			total += units[i]
		}
		need := r.Int64N(total+5) + 1
		best := -1
		for mask := 0; mask < 1<<n; mask++ {
			var sum int64
			k := 0
			for i := range n {
				if mask&(1<<i) != 0 {
					sum += units[i]
					k++
				}
			}
			if sum >= need && (best < 0 || k < best) {
				best = k
			}
		}
		if got := UnitsToFlip(units, need); got != best {
			t.Fatalf("%v, need %d: %d, brute force %d", units, need, got, best)
		}
	}
}

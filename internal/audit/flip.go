// Package audit computes what it takes to change an election's outcome and
// what a risk-limiting audit must check to catch it (DESIGN.md section 12):
// margins, votes and counting units to flip, and audit sample sizes.
package audit

import (
	"cmp"
	"fmt"
	"slices"
)

// MaxBallots bounds the ballots of a contest: more than the world's
// voters, and it bounds the work of the audit sizes (whose exact step
// grows as the square root of the ballots).
const MaxBallots = 1e10

// Tally is a contest's reported result: votes per candidate, the number
// of winners, and the ballots cast (which may exceed the votes: blank,
// invalid, or undervoted ballots).
type Tally struct {
	Votes   map[string]int64
	Winners int
	Ballots int64
}

// Outcome is the reported outcome of a tally and how narrow it is.
type Outcome struct {
	// Winners and Losers are the candidates, by decreasing votes (then
	// by name).
	Winners, Losers []string
	// Margin is the smallest difference in votes between a winner and a
	// loser (the last winner and the first loser); DilutedMargin is
	// Margin divided by the ballots cast.
	Margin        int64
	DilutedMargin float64
	// VotesToFlip is the smallest number of ballots whose recorded vote
	// must change for the reported outcome to be reversed (a tie is not
	// yet a reversal): moving a ballot
	// from a winner w to a loser l narrows their margin by two, so the
	// pair needs ⌊(v_w − v_l)/2⌋ + 1, and the closest pair needs least.
	VotesToFlip int64
}

// Decide computes the reported outcome of t. It refuses a tally whose
// outcome is not determined (a tie between the last winner and the first
// loser), with no loser, or whose votes exceed its ballots.
func Decide(t Tally) (*Outcome, error) {
	if len(t.Votes) < 2 {
		return nil, fmt.Errorf("a contest needs at least two candidates, got %d", len(t.Votes))
	}
	if t.Winners < 1 || t.Winners >= len(t.Votes) {
		return nil, fmt.Errorf("a contest of %d candidates has 1 to %d winners, got %d", len(t.Votes), len(t.Votes)-1, t.Winners)
	}
	var total int64
	names := make([]string, 0, len(t.Votes))
	for name, v := range t.Votes {
		if v < 0 {
			return nil, fmt.Errorf("candidate %q has %d votes: votes cannot be negative", name, v)
		}
		if total+v < total {
			return nil, fmt.Errorf("the votes overflow")
		}
		total += v
		names = append(names, name)
	}
	if t.Ballots < 1 {
		return nil, fmt.Errorf("a contest needs at least one ballot, got %d", t.Ballots)
	}
	if t.Ballots > MaxBallots {
		return nil, fmt.Errorf("a contest has at most %d ballots (more than the world's voters), got %d", int64(MaxBallots), t.Ballots)
	}
	if total > t.Ballots*int64(t.Winners) {
		return nil, fmt.Errorf("%d votes for %d winners cannot come from %d ballots", total, t.Winners, t.Ballots)
	}
	slices.SortFunc(names, func(a, b string) int {
		if c := cmp.Compare(t.Votes[b], t.Votes[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	o := &Outcome{Winners: names[:t.Winners], Losers: names[t.Winners:]}
	last, first := o.Winners[len(o.Winners)-1], o.Losers[0]
	o.Margin = t.Votes[last] - t.Votes[first]
	if o.Margin == 0 {
		return nil, fmt.Errorf("%q and %q tie with %d votes: the reported outcome is not determined", last, first, t.Votes[last])
	}
	o.DilutedMargin = float64(o.Margin) / float64(t.Ballots)
	o.VotesToFlip = o.Margin/2 + 1
	return o, nil
}

// UnitsToFlip is the smallest number of counting units an attacker must
// reach to change the recorded vote of need ballots, when a unit can
// change at most the ballots it counts; -1 when all of them are not
// enough.
//
// Proof that the largest units first give the minimum: any k units count
// at most as many ballots as the k largest (replace each chosen unit by a
// larger unused one, one at a time, and the sum never falls). So if the k
// largest count fewer than need ballots, no k units suffice, and the
// smallest k whose largest units reach need is the minimum.
func UnitsToFlip(units []int64, need int64) int {
	sorted := slices.Clone(units)
	slices.SortFunc(sorted, func(a, b int64) int { return cmp.Compare(b, a) })
	var sum int64
	for i, b := range sorted {
		if need <= 0 {
			return i
		}
		sum += b
		if sum >= need {
			return i + 1
		}
	}
	if need <= 0 {
		return 0
	}
	return -1
}

package audit

import (
	"fmt"
	"testing"
)

// BenchmarkHostileContest: 256 candidates within a few votes of one
// another in 10^10 ballots, the worst the model's bounds allow for one
// contest; the exact step's budget keeps it near 60 ms.
func BenchmarkHostileContest(b *testing.B) {
	tl := Tally{Votes: map[string]int64{}, Winners: 1, Ballots: 1e10}
	per := int64(1e10) / 260
	tl.Votes["w"] = per + 100000
	for i := range 255 {
		tl.Votes[fmt.Sprint("l", i)] = per - int64(i)
	}
	for b.Loop() {
		if _, err := Assess(tl, nil, 0.1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExample: the built-in example's two rounds (France, 2017).
func BenchmarkExample(b *testing.B) {
	first := Tally{Votes: map[string]int64{"Macron": 8656346, "Le Pen": 7678491, "Fillon": 7212995, "Mélenchon": 7059951, "Hamon": 2291288, "Dupont-Aignan": 1695000, "Lassalle": 435301, "Poutou": 394505, "Asselineau": 332547, "Arthaud": 232384, "Cheminade": 65586}, Winners: 2, Ballots: 37003728}
	second := Tally{Votes: map[string]int64{"Macron": 20743128, "Le Pen": 10638475}, Winners: 1, Ballots: 35467327}
	for b.Loop() {
		if _, err := Assess(first, nil, 0.09); err != nil {
			b.Fatal(err)
		}
		if _, err := Assess(second, nil, 0.1); err != nil {
			b.Fatal(err)
		}
	}
}

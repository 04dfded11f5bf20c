package audit

import (
	"math"
	"testing"
)

// FuzzAssess: any tally is either refused with an error or assessed with
// sizes between 1 and the ballots (polling's ASN may exceed them
// uncapped), never a panic or a hang.
func FuzzAssess(f *testing.F) {
	f.Add(int64(1000), int64(600), int64(400), int64(0), 1, 0.1)
	f.Add(int64(35467327), int64(20743128), int64(10638475), int64(0), 1, 0.05)
	f.Add(int64(700), int64(300), int64(200), int64(100), 2, 0.1)
	f.Add(int64(1001), int64(501), int64(500), int64(0), 1, 0.01)
	f.Add(int64(9e9), int64(4.5e9), int64(4.5e9-1), int64(0), 1, 0.1)
	f.Fuzz(func(t *testing.T, ballots, a, b, c int64, winners int, alpha float64) {
		tl := tally(ballots, winners, a, b, c)
		as, err := Assess(tl, []int64{ballots / 2, ballots - ballots/2}, alpha)
		if err != nil {
			return
		}
		if as.VotesToFlip < 1 || as.VotesToFlip > ballots {
			t.Fatalf("%v: %d votes to flip", tl, as.VotesToFlip)
		}
		if p := as.PollingSize(); p < 1 || p > ballots {
			t.Fatalf("%v: polling size %d", tl, p)
		}
		if as.Comparison < 1 || as.Comparison > ballots {
			t.Fatalf("%v: comparison size %d", tl, as.Comparison)
		}
		if !(alpha > 0 && alpha < 1) || math.IsNaN(as.DilutedMargin) {
			t.Fatalf("%v at %v: assessed", tl, alpha)
		}
	})
}

func TestParseVotes(t *testing.T) {
	v, err := ParseVotes(" A=600, Le Pen = 400 ")
	if err != nil || len(v) != 2 || v["A"] != 600 || v["Le Pen"] != 400 {
		t.Fatalf("%v, %v", v, err)
	}
	for _, bad := range []string{"", "A", "=5", "A=5,A=6", "A=-1", "A=1.5", "A=5,B", "A=99999999999999999999", "\xff=1"} {
		if _, err := ParseVotes(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseVotes(f *testing.F) {
	for _, s := range []string{"A=600,B=400", "A=1", " x = 3 ,y=4", "A=5,A=6", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVotes(s)
		if err != nil {
			return
		}
		if len(v) == 0 || len(v) > MaxCandidates {
			t.Fatalf("%q: %d candidates", s, len(v))
		}
		for name, n := range v {
			if name == "" || n < 0 {
				t.Fatalf("%q: %q=%d", s, name, n)
			}
		}
	})
}

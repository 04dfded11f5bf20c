package adtree

import (
	"cmp"
	"math"
	"slices"
)

// ByEffect returns the defences ordered by how much each lowers the
// probability of a successful attack, then by how much it raises the
// minimal attack cost (a defence that closes every way first); ties keep
// their order. ds is not changed.
func ByEffect(ds []DefenceValue) []DefenceValue {
	out := slices.Clone(ds)
	drop := func(d DefenceValue) float64 {
		if d.ProbabilityWith == nil || d.ProbabilityWithout == nil {
			return 0
		}
		return *d.ProbabilityWithout - *d.ProbabilityWith
	}
	rise := func(d DefenceValue) float64 {
		switch {
		case d.MinCostWithout == nil:
			return 0
		case d.MinCostWith == nil:
			return math.Inf(1) // the defence closes every way
		}
		return *d.MinCostWith - *d.MinCostWithout
	}
	slices.SortStableFunc(out, func(a, b DefenceValue) int {
		if c := cmp.Compare(drop(b), drop(a)); c != 0 {
			return c
		}
		return cmp.Compare(rise(b), rise(a))
	})
	return out
}

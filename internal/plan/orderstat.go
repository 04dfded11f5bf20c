package plan

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// rank is the 1-based rank of the q-quantile among n simulated years: the
// quantile is the ⌈q·n⌉-th smallest annual loss (at least the first).
func rank(q float64, n int) int {
	k := int(math.Ceil(q * float64(n)))
	// q·n may land a hair above an integer (0.9 × 1000 = 900.0000000000001).
	if r := math.Round(q * float64(n)); math.Abs(q*float64(n)-r) < 1e-9*float64(n) {
		k = int(r)
	}
	return min(max(k, 1), n)
}

// kth returns the k-th smallest element of a (1 ≤ k ≤ len(a)),
// reordering a: quickselect with a median-of-three pivot, finished by a
// sort when it fails to shrink the range (introselect).
func kth[T cmp.Ordered](a []T, k int) T {
	lo, hi := 0, len(a)-1
	want := k - 1
	budget := 2 * bits.Len(uint(len(a)))
	for hi-lo > 16 {
		if budget == 0 {
			slices.Sort(a[lo : hi+1])
			return a[want]
		}
		budget--
		mid := lo + (hi-lo)/2
		// Median of three to a[mid].
		if a[mid] < a[lo] {
			a[mid], a[lo] = a[lo], a[mid]
		}
		if a[hi] < a[lo] {
			a[hi], a[lo] = a[lo], a[hi]
		}
		if a[hi] < a[mid] {
			a[hi], a[mid] = a[mid], a[hi]
		}
		pivot := a[mid]
		// Hoare partition.
		i, j := lo, hi
		for i <= j {
			for a[i] < pivot {
				i++
			}
			for pivot < a[j] {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		switch {
		case want <= j:
			hi = j
		case want >= i:
			lo = i
		default:
			return a[want] // between j and i: equal to the pivot
		}
	}
	slices.Sort(a[lo : hi+1])
	return a[want]
}

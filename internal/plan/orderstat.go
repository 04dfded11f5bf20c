package plan

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// rank is the 1-based rank of the q-quantile among n simulated years, as
// a run's sketch defines it (sim.Quantile): the ⌊q·(n−1)⌋-th smallest
// annual loss counting from 0. The search minimises this order statistic;
// the quantile a plan reports is the sketch's value of it, which never
// orders two portfolios the other way.
func rank(q float64, n int) int {
	// The same floating-point product as the sketch's, not fused.
	k := int(math.Floor(float64(q*float64(n-1)))) + 1
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

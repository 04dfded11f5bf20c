package evidence

import (
	"net/netip"
	"slices"
)

// Networks as sorted ranges. The networks of the indicators cut the address
// space into runs of addresses that all have the same longest matching
// network (or none); a run is stored as its first address and that
// network's group, so that a lookup is one bisection over a flat array.
// Networks never overlap partially (two prefixes are nested or disjoint),
// which is what makes the flattening a simple sweep.

// iocU128 is a 128-bit unsigned integer: an IPv6 address, or an IPv4
// address in lo.
type iocU128 struct{ hi, lo uint64 }

func (a iocU128) less(b iocU128) bool {
	return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo
}

func (a iocU128) next() iocU128 {
	if a.lo == ^uint64(0) {
		return iocU128{a.hi + 1, 0}
	}
	return iocU128{a.hi, a.lo + 1}
}

// iocInterval is a network as its first and last addresses.
type iocInterval struct {
	first, last iocU128
	group       int32
}

// iocPrefixInterval gives the addresses of p (which is masked).
func iocPrefixInterval(p netip.Prefix, group int32) iocInterval {
	bits := p.Bits()
	if p.Addr().Is4() {
		first := uint64(iocV4(p.Addr()))
		host := uint64(1)<<(32-bits) - 1
		return iocInterval{iocU128{0, first}, iocU128{0, first | host}, group}
	}
	first := iocV6(p.Addr())
	last := first
	switch {
	case bits == 0:
		last = iocU128{^uint64(0), ^uint64(0)}
	case bits <= 64:
		last.hi |= ^uint64(0) >> bits
		last.lo = ^uint64(0)
	default:
		last.lo |= ^uint64(0) >> (bits - 64)
	}
	return iocInterval{first, last, group}
}

// iocFlatten turns networks into runs: bounds[i] is the first address of
// run i, vals[i] its group or -1. top is the last address of the space. It
// also sets each network's broader group: the network just holding it.
func iocFlatten(ivs []iocInterval, top iocU128, groups []iocGroup) (bounds []iocU128, vals []int32) {
	if len(ivs) == 0 {
		return nil, nil
	}
	slices.SortFunc(ivs, func(a, b iocInterval) int {
		switch {
		case a.first.less(b.first):
			return -1
		case b.first.less(a.first):
			return 1
		case b.last.less(a.last): // wider first
			return -1
		case a.last.less(b.last):
			return 1
		}
		return 0
	})
	bounds, vals = []iocU128{{}}, []int32{-1}
	set := func(at iocU128, g int32) {
		n := len(bounds) - 1
		if bounds[n] == at {
			vals[n] = g
			if n > 0 && vals[n-1] == g {
				bounds, vals = bounds[:n], vals[:n]
			}
			return
		}
		if vals[n] != g {
			bounds, vals = append(bounds, at), append(vals, g)
		}
	}
	var stack []iocInterval
	pop := func(before iocU128, all bool) {
		for len(stack) > 0 {
			t := stack[len(stack)-1]
			if !all && !t.last.less(before) {
				return
			}
			stack = stack[:len(stack)-1]
			if t.last == top {
				continue
			}
			var g int32 = -1
			if len(stack) > 0 {
				g = stack[len(stack)-1].group
			}
			set(t.last.next(), g)
		}
	}
	for _, iv := range ivs {
		pop(iv.first, false)
		if len(stack) > 0 {
			groups[iv.group].broader = &groups[stack[len(stack)-1].group]
		}
		stack = append(stack, iv)
		set(iv.first, iv.group)
	}
	pop(iocU128{}, true)
	return bounds, vals
}

// iocRanges4 are the runs of the IPv4 networks.
type iocRanges4 struct {
	bounds []uint32
	vals   []int32
	// first[h] is the run holding address h<<16, so that a lookup bisects
	// only the runs of one /16 (nil for few runs).
	first []int32
}

// iocRanges4Index is the number of runs from which iocRanges4 keeps first.
const iocRanges4Index = 256

func newIocRanges4(bounds []iocU128, vals []int32) iocRanges4 {
	r := iocRanges4{bounds: make([]uint32, len(bounds)), vals: vals}
	for i, b := range bounds {
		r.bounds[i] = uint32(b.lo)
	}
	if len(r.bounds) < iocRanges4Index {
		return r
	}
	r.first = make([]int32, 1<<16+1)
	j := 0
	for h := range 1 << 16 {
		for j+1 < len(r.bounds) && r.bounds[j+1] <= uint32(h)<<16 {
			j++
		}
		r.first[h] = int32(j)
	}
	r.first[1<<16] = int32(len(r.bounds) - 1)
	return r
}

// lookup returns the group of the run holding a, or -1.
func (r *iocRanges4) lookup(a uint32) int32 {
	b := r.bounds
	if len(b) == 0 {
		return -1
	}
	lo, hi := 0, len(b) // b[lo] <= a < b[hi]
	if r.first != nil {
		h := a >> 16
		lo, hi = int(r.first[h]), int(r.first[h+1])+1
	}
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if b[mid] <= a {
			lo = mid
		} else {
			hi = mid
		}
	}
	return r.vals[lo]
}

// iocRanges6 are the runs of the IPv6 networks.
type iocRanges6 struct {
	bounds []iocU128
	vals   []int32
}

// lookup returns the group of the run holding a, or -1.
func (r *iocRanges6) lookup(a iocU128) int32 {
	b := r.bounds
	if len(b) == 0 {
		return -1
	}
	lo, hi := 0, len(b)
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if !a.less(b[mid]) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return r.vals[lo]
}

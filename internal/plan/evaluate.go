package plan

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// move changes the current portfolio: add a candidate, drop one, or both
// (a swap); -1 means none.
type move struct{ add, drop int }

// objective evaluates portfolios exactly, incrementally from a current
// one: a move only touches the scenarios its controls act on.
type objective interface {
	// set makes sel the current portfolio.
	set(sel []bool) error
	// value is the current portfolio's objective (internal units).
	value() float64
	// evaluate returns the objective after each move from the current
	// portfolio, which it leaves as it is; a value above cutoff may be
	// given as +Inf instead (a search that only wants improvements saves
	// the work of the exact value).
	evaluate(moves []move, cutoff float64) ([]float64, error)
	// apply makes a move.
	apply(mv move) error
	// current is the current portfolio (not to be changed).
	current() []bool
}

// changed lists the scenarios a move touches with their configuration
// before and after.
func (p *problem) changed(masks []uint64, mv move, out []config) (before, after []config) {
	out = out[:0]
	change := func(ci int, on bool) {
		if ci < 0 {
			return
		}
		c := &p.cands[ci]
		for j, s := range c.scen {
			i := slices.IndexFunc(out, func(k config) bool { return k.s == s })
			if i < 0 {
				i = len(out)
				out = append(out, config{s, masks[s]})
			}
			if on {
				out[i].mask |= c.bit[j]
			} else {
				out[i].mask &^= c.bit[j]
			}
		}
	}
	change(mv.add, true)
	change(mv.drop, false)
	before = make([]config, len(out))
	for i, k := range out {
		before[i] = config{k.s, masks[k.s]}
	}
	return before, out
}

func applyMove(sel []bool, mv move) {
	if mv.add >= 0 {
		sel[mv.add] = true
	}
	if mv.drop >= 0 {
		sel[mv.drop] = false
	}
}

// meanObjective is the mean annual loss: the sum over scenarios, in model
// order, of each one's exact mean in its configuration.
type meanObjective struct {
	p     *problem
	c     *cache
	sel   []bool
	masks []uint64
	val   float64
}

func (o *meanObjective) current() []bool { return o.sel }
func (o *meanObjective) value() float64  { return o.val }

func (o *meanObjective) set(sel []bool) error {
	o.sel = slices.Clone(sel)
	o.masks = o.p.masks(sel)
	ks := make([]config, len(o.masks))
	for s, m := range o.masks {
		ks[s] = config{s, m}
	}
	if err := o.c.need(ks, false); err != nil {
		return err
	}
	o.val = o.sum(o.masks)
	return nil
}

func (o *meanObjective) sum(masks []uint64) float64 {
	var v float64
	for s, m := range masks {
		v += o.c.entries[s][m].mean
	}
	return v
}

func (o *meanObjective) evaluate(moves []move, _ float64) ([]float64, error) {
	var ks []config
	afters := make([][]config, len(moves))
	for i, mv := range moves {
		_, afters[i] = o.p.changed(o.masks, mv, nil)
		ks = append(ks, afters[i]...)
	}
	if err := o.c.need(ks, false); err != nil {
		return nil, err
	}
	out := make([]float64, len(moves))
	masks := slices.Clone(o.masks)
	for i := range moves {
		for _, k := range afters[i] {
			masks[k.s] = k.mask
		}
		out[i] = o.sum(masks)
		for _, k := range afters[i] {
			masks[k.s] = o.masks[k.s]
		}
	}
	return out, nil
}

func (o *meanObjective) apply(mv move) error {
	applyMove(o.sel, mv)
	return o.set(o.sel)
}

// quantizer turns per-trial losses into integers so that per-trial sums
// are exact whatever the order of additions and subtractions: incremental
// updates then give the same bits as sums from scratch, and equal
// portfolios compare equal. A loss x becomes ⌊x·scale⌋, at most cap, with
// scale a power of two chosen so that the largest loss of any scenario
// with the implemented controls is 2¹⁰ times below cap, and cap = 2⁵³ / S
// (S scenarios): sums stay exact in float64 too. The resolution is 1/scale
// of the currency (for a largest single-scenario annual loss of 10⁹ and 20
// scenarios, 1/256), far below Monte Carlo error; only losses over 1024
// times the largest implemented-only one are capped.
type quantizer struct {
	scale float64
	capf  float64
}

func newQuantizer(maxLoss float64, scenarios int) quantizer {
	capv := math.Floor(math.Exp2(53) / float64(max(scenarios, 1)))
	z := quantizer{scale: 1, capf: capv}
	if maxLoss > 0 && !math.IsInf(maxLoss, 0) {
		e := math.Floor(math.Log2(capv / 1024 / maxLoss))
		z.scale = math.Exp2(min(max(e, -60), 60))
	}
	return z
}

func (z quantizer) q(x float64) int64 {
	f := x * z.scale
	if !(f < z.capf) { // NaN and +Inf included
		f = z.capf
	}
	return int64(f)
}

// quantileObjective is the ⌈q·N⌉-th smallest per-trial portfolio loss. It
// keeps the current portfolio's per-trial totals; a move's value is found
// in one pass over the trials, adding the changed scenarios' differences
// and keeping only totals at or above a threshold θ below the current
// quantile (the current order statistic of a lower rank): when enough
// totals reach θ, the quantile is among them, a short selection; otherwise
// it falls back to a selection over all trials. Both are exact.
type quantileObjective struct {
	p         *problem
	c         *cache
	z         quantizer
	k         int // rank of the quantile, 1-based
	workers   int
	sel       []bool
	masks     []uint64
	total     []int64
	scratch   []int64
	theta     int64
	val       float64
	useDeltas bool
	delta     [][]int64  // D_c, per candidate (nil until needed)
	deltaAt   [][]uint64 // the configurations of c's scenarios D_c was computed at
}

// newQuantileObjective keeps 16 bytes a trial for the totals, and the
// difference vectors D_c (8 bytes a trial per candidate) when they take at
// most a quarter of memoryLimit.
func newQuantileObjective(p *problem, c *cache, z quantizer, workers int, memoryLimit int64) *quantileObjective {
	n := int(p.trials)
	return &quantileObjective{p: p, c: c, z: z, k: rank(p.q, n), workers: workers,
		total: make([]int64, n), scratch: make([]int64, n),
		useDeltas: int64(len(p.cands))*p.trials*8 <= memoryLimit/4}
}

func (o *quantileObjective) current() []bool { return o.sel }
func (o *quantileObjective) value() float64  { return o.val }

func (o *quantileObjective) set(sel []bool) error {
	o.sel = slices.Clone(sel)
	o.masks = o.p.masks(sel)
	ks := make([]config, len(o.masks))
	for s, m := range o.masks {
		ks[s] = config{s, m}
	}
	if err := o.c.need(ks, true); err != nil {
		return err
	}
	clear(o.total)
	for s, m := range o.masks {
		vec := o.c.entries[s][m].vec
		for t, x := range vec {
			o.total[t] += o.z.q(x)
		}
	}
	o.settle()
	return nil
}

// settle computes the current value and the threshold θ.
func (o *quantileObjective) settle() {
	n := len(o.total)
	copy(o.scratch, o.total)
	o.val = float64(kth(o.scratch, o.k))
	// kth leaves the smaller totals before rank k: θ is taken among them.
	low := o.k - (n - o.k + 1) - n/200
	if low < 1 {
		o.theta = math.MinInt64
		return
	}
	o.theta = kth(o.scratch[:o.k-1], low)
}

func (o *quantileObjective) apply(mv move) error {
	before, after := o.p.changed(o.masks, mv, nil)
	if err := o.c.need(append(slices.Clone(before), after...), true); err != nil {
		return err
	}
	for i := range after {
		oldv, newv := o.c.get(before[i]).vec, o.c.get(after[i]).vec
		for t := range o.total {
			o.total[t] += o.z.q(newv[t]) - o.z.q(oldv[t])
		}
		o.masks[after[i].s] = after[i].mask
	}
	applyMove(o.sel, mv)
	o.settle()
	return nil
}

func (o *quantileObjective) evaluate(moves []move, cutoff float64) ([]float64, error) {
	p := o.p
	// Every control in a move gets its difference vector D_c (toggling it
	// alone; kept while its scenarios' configurations last), so that a move
	// of controls acting on disjoint scenarios costs one or two vectors,
	// whatever the number of scenarios they touch.
	moves = slices.Clone(moves)
	uses := make([]int, len(p.cands))
	for i, mv := range moves {
		mv = o.valid(mv)
		moves[i] = mv
		if mv.add >= 0 {
			uses[mv.add]++
		}
		if mv.drop >= 0 {
			uses[mv.drop]++
		}
	}
	var ks []config
	type job struct {
		deltas     []int // D_c to add up, or
		olds, news [][]float64
	}
	jobs := make([]job, len(moves))
	befores := make([][]config, len(moves))
	afters := make([][]config, len(moves))
	hot := make([]bool, len(p.cands))
	for ci, n := range uses {
		if n >= 1 && o.useDeltas {
			hot[ci] = true
			b, a := p.changed(o.masks, o.toggle(ci), nil)
			ks = append(append(ks, b...), a...)
		}
	}
	for i, mv := range moves {
		if d, ok := o.decompose(mv, hot); ok {
			jobs[i].deltas = d
			continue
		}
		befores[i], afters[i] = p.changed(o.masks, mv, nil)
		ks = append(append(ks, befores[i]...), afters[i]...)
	}
	if err := o.c.need(ks, true); err != nil {
		return nil, err
	}
	o.deltas(hot)
	for i := range moves {
		for j := range afters[i] {
			jobs[i].olds = append(jobs[i].olds, o.c.get(befores[i][j]).vec)
			jobs[i].news = append(jobs[i].news, o.c.get(afters[i][j]).vec)
		}
	}
	out := make([]float64, len(moves))
	o.parallel(len(moves), func(i int, buf, full *[]int64) {
		j := &jobs[i]
		var ds [][]int64
		switch {
		case j.deltas != nil:
			for _, ci := range j.deltas {
				ds = append(ds, o.delta[ci])
			}
		case len(j.olds) == 0:
			out[i] = o.val // the move changes nothing
			return
		default:
			// The move's own difference vector, scenario by scenario.
			if len(*full) < len(o.total) {
				*full = make([]int64, len(o.total))
			}
			d := (*full)[:len(o.total)]
			clear(d)
			for k := range j.olds {
				ov, nv := j.olds[k][:len(d)], j.news[k][:len(d)]
				for t := range d {
					d[t] += o.z.q(nv[t]) - o.z.q(ov[t])
				}
			}
			ds = [][]int64{d}
		}
		if !math.IsInf(cutoff, 1) && o.above(ds, cutoff) {
			out[i] = math.Inf(1)
			return
		}
		out[i] = o.deltaValue(ds, buf)
	})
	return out, nil
}

// valid drops the parts of a move that would change nothing: adding a
// control in force, dropping one that is not.
func (o *quantileObjective) valid(mv move) move {
	if mv.add >= 0 && o.sel[mv.add] {
		mv.add = -1
	}
	if mv.drop >= 0 && !o.sel[mv.drop] {
		mv.drop = -1
	}
	return mv
}

// toggle is the move that toggles control ci.
func (o *quantileObjective) toggle(ci int) move {
	if o.sel[ci] {
		return move{-1, ci}
	}
	return move{ci, -1}
}

// decompose returns the controls whose difference vectors sum to the
// move's, when they all have one and act on disjoint scenarios.
func (o *quantileObjective) decompose(mv move, hot []bool) ([]int, bool) {
	var cs []int
	for _, ci := range []int{mv.add, mv.drop} {
		if ci < 0 {
			continue
		}
		if !hot[ci] {
			return nil, false
		}
		cs = append(cs, ci)
	}
	if len(cs) == 2 {
		for _, s := range o.p.cands[cs[0]].scen {
			if slices.Contains(o.p.cands[cs[1]].scen, s) {
				return nil, false
			}
		}
	}
	if len(cs) == 0 {
		return nil, false
	}
	return cs, true
}

// deltas computes D_c for the hot controls: the change of every trial's
// total when c alone is toggled from the current portfolio. D_c depends
// only on the configurations of the scenarios c acts on: it is kept, and
// recomputed when one of them has changed. Memory: 8 bytes a trial per
// candidate control.
func (o *quantileObjective) deltas(hot []bool) {
	if o.delta == nil {
		o.delta = make([][]int64, len(o.p.cands))
		o.deltaAt = make([][]uint64, len(o.p.cands))
	}
	var todo []int
	for ci, h := range hot {
		if !h {
			continue
		}
		c := &o.p.cands[ci]
		at := make([]uint64, len(c.scen))
		for j, s := range c.scen {
			at[j] = o.masks[s]
		}
		if o.delta[ci] != nil && slices.Equal(at, o.deltaAt[ci]) {
			continue
		}
		if o.delta[ci] == nil {
			o.delta[ci] = make([]int64, len(o.total))
		}
		o.deltaAt[ci] = at
		todo = append(todo, ci)
	}
	o.parallel(len(todo), func(i int, _, _ *[]int64) {
		ci := todo[i]
		d := o.delta[ci]
		clear(d)
		b, a := o.p.changed(o.masks, o.toggle(ci), nil)
		for j := range a {
			ov, nv := o.c.get(b[j]).vec, o.c.get(a[j]).vec
			for t := range d {
				d[t] += o.z.q(nv[t]) - o.z.q(ov[t])
			}
		}
	})
}

// above reports whether the quantile of the current totals plus the
// difference vectors ds (one or two) exceeds cutoff: fewer than k totals
// are at most cutoff. One pass, no selection.
func (o *quantileObjective) above(ds [][]int64, cutoff float64) bool {
	c := int64(cutoff)
	n, total := 0, o.total
	d1 := ds[0][:len(total)]
	if len(ds) == 1 {
		for t, v := range total {
			if v+d1[t] <= c {
				n++
			}
		}
	} else {
		d2 := ds[1][:len(total)]
		for t, v := range total {
			if v+d1[t]+d2[t] <= c {
				n++
			}
		}
	}
	return n < o.k
}

// parallel runs f(0) … f(n-1) on the workers, each with its own buffers.
func (o *quantileObjective) parallel(n int, f func(i int, buf, full *[]int64)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(o.workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf, full []int64
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i, &buf, &full)
			}
		}()
	}
	wg.Wait()
}

// deltaValue is the quantile of the current totals plus the difference
// vectors ds (one or two): the totals at or above θ are collected and the
// quantile selected among them when there are enough; otherwise among all.
func (o *quantileObjective) deltaValue(ds [][]int64, buf *[]int64) float64 {
	n := len(o.total)
	b := (*buf)[:0]
	theta, total := o.theta, o.total
	d1 := ds[0][:n]
	if len(ds) == 1 {
		for t, v := range total {
			if v += d1[t]; v >= theta {
				b = append(b, v)
			}
		}
	} else {
		d2 := ds[1][:n]
		for t, v := range total {
			if v += d1[t] + d2[t]; v >= theta {
				b = append(b, v)
			}
		}
	}
	*buf = b
	if len(b) >= n-o.k+1 {
		return float64(kth(b, o.k-(n-len(b))))
	}
	// The quantile fell below θ: select among all trials.
	f := make([]int64, n)
	for t, v := range total {
		for _, d := range ds {
			v += d[t]
		}
		f[t] = v
	}
	return float64(kth(f, o.k))
}

// memoObjective remembers the values of the portfolios it has seen, across
// searches (the objective does not depend on the budget).
type memoObjective struct {
	objective
	p    *problem
	memo map[string]float64
}

func (m *memoObjective) evaluate(moves []move, cutoff float64) ([]float64, error) {
	sel := slices.Clone(m.current())
	out := make([]float64, len(moves))
	var todo []move
	var at []int
	for i, mv := range moves {
		k := key(moved(sel, mv))
		if v, ok := m.memo[k]; ok {
			out[i] = v
			continue
		}
		todo = append(todo, mv)
		at = append(at, i)
	}
	if len(todo) > 0 {
		vs, err := m.objective.evaluate(todo, cutoff)
		if err != nil {
			return nil, err
		}
		for j, v := range vs {
			out[at[j]] = v
			if !math.IsInf(v, 1) { // +Inf only says "above the cutoff"
				m.memo[key(moved(sel, todo[j]))] = v
			}
		}
	}
	return out, nil
}

// moved returns a copy of sel after mv.
func moved(sel []bool, mv move) []bool {
	out := slices.Clone(sel)
	applyMove(out, mv)
	return out
}

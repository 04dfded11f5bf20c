package plan

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/scrutin/scrutin/internal/dist"
	"github.com/scrutin/scrutin/internal/model"
)

// Inputs drawn afresh for every event — a magnitude, a secondary magnitude,
// a FAIR capability — are not one value per year: a year with n events has
// n independent draws. Holding "the" magnitude at x makes every event of
// the year cost x, which is what the tornado shows; but its variance,
// E[n]²·Var(M), is not part of the variance of the annual loss, where the
// draws average out over the events (E[n]·Var(M) at most): with several
// events a year such a "share" exceeds 100 %.
//
// The main effect of an input drawn per event is that of the sequence of
// its draws X_1, X_2, … (the j-th one used by the j-th event of the year):
// E[L | X_1, X_2, …] = Σ_j P(n ≥ j)·h(X_j) + const for the events' count n
// and the event's expected loss h(x) given its draw, so
//
//	Var(E[L | X_1, X_2, …]) = Var(h(X)) · Σ_j P(n ≥ j)² = Var(h(X)) · E[min(n₁, n₂)]
//
// with n₁, n₂ two independent years' counts (Σ_j 1{n₁ ≥ j}·1{n₂ ≥ j} =
// min(n₁, n₂)). For a year-level input n is 1 and this is its usual main
// effect; the shares of year-level and per-event inputs, all independent,
// add up to at most 100 %.

// eventLossEffect is the main effect of a magnitude or secondary magnitude
// M: h(x) = c·x for the controls' multiplier c, and n the loss events (or
// the secondary losses) of the year. A loss in a trial is affine in the
// value held, L(x) = B + c·x·n, so the runs at P10 and P90 give c·n trial
// by trial.
func (a *sensAnalysis) eventLossEffect(st *sensState, tg *sensTarget, ys [][]float32) sensEffect {
	in := st.in
	get := func(e model.Effect) *float64 { return e.Magnitude }
	if in.Parameter != "magnitude" {
		get = func(e model.Effect) *float64 { return e.SecondaryMagnitude }
	}
	c := sensMultiplier(a.m, a.opt.Controls, in.Scenario, get)
	w, _ := sensTimingMagnitude(a.m, &a.m.Scenarios[in.scenarios[0]])
	return a.perEventEffect(st, tg, ys, c, w)
}

// perEventEffect is the main effect of an input X drawn for every event
// (a magnitude, a secondary magnitude, a harm), of which the figure of an
// event is c·w·X: c the controls' multiplier, w the calendar multiplier
// of the event's time (uniform in the season, independent of the rest),
// with mean w̄. With n the year's events,
//
//	Var(E[L | X₁, X₂, …]) = c²·w̄²·Var(X)·E[min(n₁, n₂)]
//
// Without timing a figure in a trial is affine in the value held,
// L(x) = B + c·x·n, so the runs at P10 and P90 give n trial by trial;
// with timing they give c·Σ w over the events, and n comes from the
// count run (st.count: c·n).
func (a *sensAnalysis) perEventEffect(st *sensState, tg *sensTarget, ys [][]float32, c, w float64) sensEffect {
	dx := st.xs[st.p90] - st.xs[st.p10]
	if !(c > 0) || !(dx > 0) || !(w > 0) {
		return sensEffect{}
	}
	counts := make([]float64, a.opt.Trials)
	if st.count >= 0 {
		for t, y := range ys[st.count] {
			counts[t] = math.Round(float64(y) / c)
		}
	} else {
		lo, hi := ys[st.p10], ys[st.p90]
		for t := range counts {
			counts[t] = math.Round((float64(hi[t]) - float64(lo[t])) / dx / c)
		}
	}
	q, h := sensMinPairs(counts)
	k := c * c * w * w * st.in.d.Variance()
	return a.eventEffect(tg, k*q, k, h, q, 0)
}

// harmEffect is the main effect of a scenario's harm in one dimension,
// drawn for every loss event (see perEventEffect), with the harm's
// control and calendar multipliers.
func (a *sensAnalysis) harmEffect(st *sensState, tg *sensTarget, ys [][]float32) sensEffect {
	in := st.in
	s := &a.m.Scenarios[in.scenarios[0]]
	id := a.m.Harms[in.harm].ID
	c := sensHarmMultiplier(a.m, a.opt.Controls, s.ID, id)
	w, _ := sensTimingMean(a.m, s, id)
	return a.perEventEffect(st, tg, ys, c, w)
}

// capabilityEffect is the main effect of a FAIR capability, drawn for
// every threat event: a threat event is a loss event when its capability
// exceeds the year's resistance R, so h(c) = e·P(R < c) with e the
// expected loss of a loss event, and n the year's threat events (thinned
// by the controls' vulnerability multiplier, which acts on every event
// alike). Summed over the scenarios that use the capability.
func (a *sensAnalysis) capabilityEffect(st *sensState, tg *sensTarget) sensEffect {
	in := st.in
	var v, mcVar float64
	for _, si := range in.scenarios {
		s := &a.m.Scenarios[si]
		b := a.base[si]
		if b.Events == 0 || s.Vulnerability.Resistance == nil {
			continue
		}
		r, err := dist.New(*s.Vulnerability.Resistance, model.Probability)
		if err != nil {
			continue
		}
		_, mean := tg.of(b)
		e := mean / (float64(b.Events) / float64(a.opt.Trials))
		w := sensVarianceOf(in.d, r.CDF)
		counts := a.threatEvents(s)
		q, h := sensMinPairs(counts)
		k := e * e * w
		v += k * q
		// q comes from its own draws, independent of the trials.
		mcVar += k * k * 4 * sensVariance(h) / float64(len(h))
	}
	return a.eventEffect(tg, v, 0, nil, 0, mcVar)
}

// eventEffect turns a per-event main effect v into a share, with its
// standard error: the delta method on the trials' influence, on v through
// k·h (h_t = E[min(n_t, n₂)], the influence of trial t on q), and on the
// variance of the annual loss; extraVar adds the variance of v from
// elsewhere.
func (a *sensAnalysis) eventEffect(tg *sensTarget, v, k float64, h []float64, q, extraVar float64) sensEffect {
	d, n := tg.variance, len(tg.total)
	if n < 2 || !(d > 0) {
		return sensEffect{}
	}
	share := v / d
	var lbar float64
	for _, x := range tg.total {
		lbar += x
	}
	lbar /= float64(n)
	var mean, m2 float64
	for t, x := range tg.total {
		dl := x - lbar
		phi := -share * (dl*dl - d)
		if h != nil {
			phi += 2 * k * (h[t] - q)
		}
		phi /= d
		delta := phi - mean
		mean += delta / float64(t+1)
		m2 += delta * (phi - mean)
	}
	se := math.Sqrt(m2/float64(n-1)/float64(n) + extraVar/(d*d))
	return sensEffect{v: v, share: share, se: se}
}

// sensThreatEventSamples is the number of years drawn to estimate the
// distribution of a FAIR scenario's threat events.
const sensThreatEventSamples = 100_000

// threatEvents draws the number of threat events of FAIR scenario s in
// independent years: Poisson with mean λ·activity·(frequency multiplier),
// thinned by the vulnerability multiplier (DESIGN.md section 2; sim's
// scenario.trial). The simulation does not count threat events (it thins
// them into loss events in one draw), and simulating them one by one
// would take for ever where they are many (thousands of scans a year), so
// they are drawn here from the same distributions.
func (a *sensAnalysis) threatEvents(s *model.Scenario) []float64 {
	h := fnv.New64a()
	h.Write([]byte(s.ID))
	rng := rand.New(rand.NewPCG(a.opt.Seed, h.Sum64()))
	freq, err := dist.New(s.Frequency, model.NonNegative)
	if err != nil {
		return nil
	}
	var activity dist.Dist = dist.Constant(1)
	if ac := a.m.ActorByID(s.Actor); ac != nil && ac.Activity != nil {
		if d, err := dist.New(*ac.Activity, model.NonNegative); err == nil {
			activity = d
		}
	}
	mult := sensMultiplier(a.m, a.opt.Controls, s.ID, func(e model.Effect) *float64 { return e.Frequency }) *
		math.Min(1, sensMultiplier(a.m, a.opt.Controls, s.ID, func(e model.Effect) *float64 { return e.Vulnerability }))
	counts := make([]float64, sensThreatEventSamples)
	for i := range counts {
		counts[i] = float64(dist.Poisson(rng, freq.Sample(rng)*activity.Sample(rng)*mult))
	}
	return counts
}

// sensMinPairs returns q, the mean of min(n_i, n_j) over all pairs i ≠ j
// of counts (an unbiased estimate of E[min(n₁, n₂)]), and for each count
// n_t the mean of min(n_t, n_j) over the others.
func sensMinPairs(counts []float64) (q float64, h []float64) {
	n := len(counts)
	h = make([]float64, n)
	if n < 2 {
		return 0, h
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmpFloat(counts[a], counts[b]) })
	// In increasing order, the k-th count is the minimum of its pairs
	// with the n − 1 − k larger ones; the smaller ones are their own.
	var below float64
	for k, i := range order {
		x := counts[i]
		h[i] = (below + float64(n-1-k)*x) / float64(n-1)
		q += 2 * float64(n-1-k) * x
		below += x
	}
	q /= float64(n) * float64(n-1)
	return q, h
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// sensVarianceOf is Var(g(X)) for X distributed as d, by the trapezoid
// rule on X's normal score (g bounded, possibly a steep step).
func sensVarianceOf(d dist.Dist, g func(float64) float64) float64 {
	const step = 0.005
	steps := int(math.Round(2 * sensZMax / step))
	var total, s1, s2 float64
	for j := 0; j <= steps; j++ {
		z := -sensZMax + float64(j)*step
		x := d.Quantile(0.5 * math.Erfc(-z/math.Sqrt2))
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		w := math.Exp(-z * z / 2)
		if j == 0 || j == steps {
			w /= 2
		}
		y := g(x)
		total += w
		s1 += w * y
		s2 += w * y * y
	}
	if total == 0 {
		return 0
	}
	m := s1 / total
	return math.Max(0, s2/total-m*m)
}

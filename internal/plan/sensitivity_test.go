package plan

import (
	"context"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

// sensHeader is the common start of the test models below.
const sensHeader = `scrutin: 1
name: test
currency: EUR
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: x, org: o, name: X, kind: email}]
`

func sensModel(tb testing.TB, src string) *model.Model {
	tb.Helper()
	m, err := model.Decode("test.yaml", []byte(src))
	if err != nil {
		tb.Fatalf("decode: %v", err)
	}
	return m
}

func sensRun(tb testing.TB, m *model.Model, opt SensitivityOptions) *SensitivityResult {
	tb.Helper()
	r, err := Sensitivity(context.Background(), m, opt)
	if err != nil {
		tb.Fatalf("sensitivity: %v", err)
	}
	return r
}

func sensFind(tb testing.TB, r *SensitivityResult, id string) SensitivityInput {
	tb.Helper()
	for _, in := range r.Inputs {
		if in.ID == id {
			return in
		}
	}
	tb.Fatalf("no input %q among %v", id, sensIDs(r))
	return SensitivityInput{}
}

func sensIDs(r *SensitivityResult) []string {
	var ids []string
	for _, in := range r.Inputs {
		ids = append(ids, in.ID)
	}
	return ids
}

// sensEveryKind has one input of every kind, and constants and a tree
// that are not inputs.
const sensEveryKind = sensHeader + `actors:
  - {id: a, name: A, activity: {lognormal90: [0.5, 2]}, capability: {uniform: [0.3, 0.9]}}
  - {id: calm, name: Calm, capability: 0.5}
trees:
  - id: t
    name: T
    root: {id: g, name: Goal, cost: 1, probability: 0.4}
scenarios:
  - {id: plain, name: Plain, actor: a, assets: [x], effect: confidentiality,
     frequency: {uniform: [1, 3]}, vulnerability: {pert: [0.1, 0.3, 0.6]},
     magnitude: {lognormal90: [1000, 10000]},
     secondary: {probability: {uniform: [0.2, 0.6]}, magnitude: {pert: [500, 2000, 8000]}}}
  - {id: fair, name: FAIR, actor: a, assets: [x], effect: integrity,
     frequency: 2, vulnerability: {resistance: {uniform: [0.2, 0.8]}}, magnitude: 1000}
  - {id: own, name: Own capability, actor: calm, assets: [x], effect: integrity,
     frequency: 2, vulnerability: {capability: {uniform: [0.2, 1]}, resistance: 0.6}, magnitude: 1000}
  - {id: tree, name: Tree, actor: calm, assets: [x], effect: availability,
     frequency: 1, vulnerability: {tree: t}, magnitude: 100,
     secondary: {probability: 0.5, magnitude: 10}}
`

// TestSensitivityInputKinds checks which inputs are found, what they
// touch, and that each moves the loss the way it should.
func TestSensitivityInputKinds(t *testing.T) {
	m := sensModel(t, sensEveryKind)
	ins, err := sensInputs(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range ins {
		got = append(got, in.id())
	}
	want := []string{"plain: frequency", "plain: vulnerability", "plain: magnitude", "plain: secondary.probability",
		"plain: secondary.magnitude", "fair: resistance", "own: capability", "a: activity", "a: capability"}
	if !slices.Equal(got, want) {
		t.Fatalf("inputs %q, want %q", got, want)
	}
	touches := map[string][]int{"a: activity": {0, 1}, "a: capability": {1}, "own: capability": {2}}
	for _, in := range ins {
		if w, ok := touches[in.id()]; ok && !slices.Equal(in.scenarios, w) {
			t.Errorf("%s touches %v, want %v", in.id(), in.scenarios, w)
		}
		kind := map[string]sensKind{"frequency": sensYearLinear, "vulnerability": sensYearLinear, "activity": sensYearLinear,
			"secondary.probability": sensYearLinear, "resistance": sensYearCurve, "magnitude": sensEventLoss,
			"secondary.magnitude": sensEventLoss, "capability": sensEventCapability}[in.Parameter]
		if in.kind != kind {
			t.Errorf("%s: kind %v, want %v", in.id(), in.kind, kind)
		}
	}

	r := sensRun(t, m, SensitivityOptions{Trials: 20000, Seed: 3})
	if len(r.Inputs) != len(want) {
		t.Fatalf("%d inputs in the result", len(r.Inputs))
	}
	// Every input raises the loss from its P10 to its P90 but a
	// resistance, which lowers it.
	for _, in := range r.Inputs {
		if !(in.P10 < in.P90) {
			t.Errorf("%s: P10 %g, P90 %g", in.ID, in.P10, in.P90)
		}
		up := in.Parameter != sim.ParamResistance
		if (in.High > in.Low) != up || in.Swing != math.Abs(in.High-in.Low) || in.Swing == 0 {
			t.Errorf("%s: low %g, high %g, swing %g", in.ID, in.Low, in.High, in.Swing)
		}
		if in.VarianceShare <= 0 || in.VarianceShare > 1 || in.VarianceShareSE <= 0 {
			t.Errorf("%s: share %g ± %g", in.ID, in.VarianceShare, in.VarianceShareSE)
		}
		if (in.Scenario == "") == (in.Actor == "") {
			t.Errorf("%s: scenario %q, actor %q", in.ID, in.Scenario, in.Actor)
		}
	}
	// The tornado is sorted by swing.
	if !slices.IsSortedFunc(r.Inputs, func(a, b SensitivityInput) int { return -cmpFloat(a.Swing, b.Swing) }) {
		t.Errorf("not sorted by swing: %v", r.Inputs)
	}
	// Closed forms for the FAIR inputs: with resistance r held, a threat
	// event is a loss when the actor's capability U(0.3, 0.9) exceeds r;
	// with capability c held against resistance 0.6, when c > 0.6.
	fair := sensFind(t, r, "fair: resistance")
	if math.Abs(fair.P10-0.26) > 1e-12 || math.Abs(fair.P90-0.74) > 1e-12 {
		t.Errorf("resistance P10 %g, P90 %g, want 0.26 and 0.74", fair.P10, fair.P90)
	}
	own := sensFind(t, r, "own: capability")
	if math.Abs(own.P10-0.28) > 1e-12 || math.Abs(own.P90-0.92) > 1e-12 {
		t.Errorf("capability P10 %g, P90 %g", own.P10, own.P90)
	}
}

// sensLinearModel: three scenarios with uniform frequencies and constant
// vulnerability and magnitude, Poisson means within 12 (drawn by inversion).
const sensLinearModel = sensHeader + `actors: [{id: a, name: A}]
scenarios:
  - {id: s1, name: S1, actor: a, assets: [x], effect: integrity, frequency: {uniform: [0, 12]}, vulnerability: 1, magnitude: 1}
  - {id: s2, name: S2, actor: a, assets: [x], effect: integrity, frequency: {uniform: [2, 10]}, vulnerability: 0.5, magnitude: 2}
  - {id: s3, name: S3, actor: a, assets: [x], effect: integrity, frequency: {uniform: [0, 4]}, vulnerability: 1, magnitude: 2.5}
`

// TestSensitivityClosedForm holds the tornado and the variance shares to
// their closed forms. With L = Σ_i m_i N_i, N_i ~ Poisson(λ_i v_i) and
// λ_i ~ U(a_i, b_i) independent:
//
//	E[L | λ_i] = m_i v_i λ_i + Σ_{j≠i} m_j v_j E[λ_j]
//	Var(L)     = Σ_j m_j² (v_j E[λ_j] + v_j² Var(λ_j))   (Poisson, then λ)
//	S_i        = m_i² v_i² Var(λ_i) / Var(L)
func TestSensitivityClosedForm(t *testing.T) {
	type sc struct{ a, b, v, m float64 }
	scs := []sc{{0, 12, 1, 1}, {2, 10, 0.5, 2}, {0, 4, 1, 2.5}}
	var varL, mean float64
	for _, s := range scs {
		e, v := (s.a+s.b)/2, (s.b-s.a)*(s.b-s.a)/12
		varL += s.m * s.m * (s.v*e + s.v*s.v*v)
		mean += s.m * s.v * e
	}
	const trials = 200_000
	r := sensRun(t, sensModel(t, sensLinearModel), SensitivityOptions{Trials: trials, Seed: 1})
	if math.Abs(r.Variance-varL) > 0.02*varL {
		t.Errorf("variance %g, want %g", r.Variance, varL)
	}
	if math.Abs(r.Base-mean) > 0.01*mean {
		t.Errorf("base mean %g, want %g", r.Base, mean)
	}
	var shares []float64
	for i, s := range scs {
		in := sensFind(t, r, "s"+string(rune('1'+i))+": frequency")
		p10, p90 := s.a+0.1*(s.b-s.a), s.a+0.9*(s.b-s.a)
		if math.Abs(in.P10-p10) > 1e-12 || math.Abs(in.P90-p90) > 1e-12 {
			t.Errorf("%s: P10 %g, P90 %g, want %g and %g", in.ID, in.P10, in.P90, p10, p90)
		}
		// The mean is linear in λ: low and high are exact but for the
		// other scenarios' Monte Carlo noise; their difference, on common
		// random numbers, almost exactly.
		other := mean - s.m*s.v*(s.a+s.b)/2
		if lo := other + s.m*s.v*p10; math.Abs(in.Low-lo) > 0.01*mean {
			t.Errorf("%s: low %g, want %g", in.ID, in.Low, lo)
		}
		swing := s.m * s.v * (p90 - p10)
		if math.Abs(in.Swing-swing) > 0.005*swing {
			t.Errorf("%s: swing %g, want %g", in.ID, in.Swing, swing)
		}
		want := s.m * s.m * s.v * s.v * (s.b - s.a) * (s.b - s.a) / 12 / varL
		if math.Abs(in.VarianceShare-want) > 4*in.VarianceShareSE+0.002 || in.VarianceShareSE > 0.01 {
			t.Errorf("%s: share %.4f ± %.4f, want %.4f", in.ID, in.VarianceShare, in.VarianceShareSE, want)
		}
		shares = append(shares, in.VarianceShare)
	}
	// Ranking and ratios (free of the denominator's noise): 12 : 5.33 : 8.33.
	if !(shares[0] > shares[2] && shares[2] > shares[1]) {
		t.Errorf("shares %v not in the order s1, s3, s2", shares)
	}
	if ratio := shares[0] / shares[1]; math.Abs(ratio-12/(16.0/3)) > 0.08*12/(16.0/3) {
		t.Errorf("S1/S2 = %g, want %g", ratio, 12/(16.0/3))
	}
	// The inputs explain the λ part of the variance; the Poisson part is
	// chance.
	if ex, want := r.Explained(), (12+16.0/3+25.0/3)/varL; math.Abs(ex-want) > 0.02 {
		t.Errorf("explained %g, want %g", ex, want)
	}
}

// sensPoissonMinPairs is E[min(n₁, n₂)] = Σ_j P(n ≥ j)² for n Poisson(mu).
func sensPoissonMinPairs(mu float64) float64 {
	var sum float64
	p := math.Exp(-mu) // P(n = 0)
	tail := 1 - p      // P(n ≥ 1)
	for j := 1; j < int(mu+40*math.Sqrt(mu)+40) && tail > 0; j++ {
		sum += tail * tail
		p *= mu / float64(j)
		tail -= p
	}
	return sum
}

// TestSensitivityMagnitude checks the share of a lognormal magnitude, drawn
// for every event, against its closed form: with λ and v constant and
// n ~ Poisson(λv) loss events, E[L | M_1, M_2, …] = Σ_j P(n ≥ j)·M_j, so
// S = Var(M)·Σ_j P(n ≥ j)² / Var(L), Var(L) = λv·E[M²]. Holding every
// event at one value would give (λv)²·Var(M)/Var(L): 12.6 times the
// variance at λv = 20, which is not part of the annual loss's variance.
func TestSensitivityMagnitude(t *testing.T) {
	for _, c := range []struct {
		rate   float64
		trials int64
	}{{0.5, 400_000}, {20, 100_000}} {
		src := sensHeader + `actors: [{id: a, name: A}]
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: integrity, frequency: ` + strconv.FormatFloat(c.rate, 'g', -1, 64) + `, vulnerability: 1,
     magnitude: {lognormal: {mu: 0, sigma: 1}}}
`
		r := sensRun(t, sensModel(t, src), SensitivityOptions{Trials: c.trials, Seed: 2})
		in := sensFind(t, r, "s: magnitude")
		varM, m2 := (math.E-1)*math.E, math.E*math.E
		want := varM * sensPoissonMinPairs(c.rate) / (c.rate * m2)
		if math.Abs(in.VarianceShare-want) > 0.05*want || in.VarianceShareSE > 0.05*want {
			t.Errorf("rate %g: share %.4f ± %.4f, want %.4f", c.rate, in.VarianceShare, in.VarianceShareSE, want)
		}
		// The tornado: every event costs the magnitude's P10, then its P90.
		p10, p90 := math.Exp(-1.2815515655446004), math.Exp(1.2815515655446004)
		if math.Abs(in.P10-p10) > 1e-9 || math.Abs(in.P90-p90) > 1e-9 {
			t.Errorf("P10 %g, P90 %g", in.P10, in.P90)
		}
		if math.Abs(in.Low-c.rate*p10) > 0.01*c.rate*p10 || math.Abs(in.High-c.rate*p90) > 0.01*c.rate*p90 {
			t.Errorf("rate %g: low %g, high %g, want %g and %g", c.rate, in.Low, in.High, c.rate*p10, c.rate*p90)
		}
	}
}

// TestSensitivityCapability checks the share of a capability drawn for
// every threat event: N ~ Poisson(λ) threat events, each a loss event of
// magnitude m when its capability U(0, 1) exceeds the resistance 0.5, so
// h(c) = m·1{c > 0.5}, Var(h) = m²/4, Var(L) = m²·λ/2 and
// S = E[min(N₁, N₂)] / (2λ).
func TestSensitivityCapability(t *testing.T) {
	for _, rate := range []float64{0.2, 20} {
		src := sensHeader + `actors: [{id: a, name: A}]
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: integrity, frequency: ` + strconv.FormatFloat(rate, 'g', -1, 64) + `,
     vulnerability: {capability: {uniform: [0, 1]}, resistance: 0.5}, magnitude: 10}
`
		r := sensRun(t, sensModel(t, src), SensitivityOptions{Trials: 200_000, Seed: 6})
		in := sensFind(t, r, "s: capability")
		want := sensPoissonMinPairs(rate) / (2 * rate)
		if math.Abs(in.VarianceShare-want) > 0.04*want || in.VarianceShareSE > 0.04*want {
			t.Errorf("rate %g: share %.4f ± %.4f, want %.4f", rate, in.VarianceShare, in.VarianceShareSE, want)
		}
		// Held at P10 = 0.1 no event succeeds; at P90 = 0.9 all do.
		if in.Low != 0 || math.Abs(in.High-10*rate) > 0.01*10*rate {
			t.Errorf("rate %g: low %g, high %g", rate, in.Low, in.High)
		}
	}
}

// TestSensitivityThreatEvents checks the threat events drawn for a FAIR
// capability's share against the simulation itself: with the capability
// held at 1 and the magnitude at 1, every threat event that the controls
// let through is a loss event of 1.
func TestSensitivityThreatEvents(t *testing.T) {
	src := sensHeader + `actors: [{id: a, name: A, activity: {lognormal90: [0.5, 2]}, capability: {pert: [0.2, 0.5, 0.9]}}]
controls:
  - {id: c, name: C, status: implemented, effects: [{scenario: s, frequency: 0.5, vulnerability: 0.6}]}
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: integrity, frequency: {gamma: [4, 1]},
     vulnerability: {resistance: {uniform: [0.3, 0.7]}}, magnitude: {lognormal90: [10, 100]}}
`
	m := sensModel(t, src)
	const trials = 100_000
	l, err := sim.Losses(context.Background(), m, sim.Options{Trials: trials, Seed: 3, Fix: []sim.Fix{
		{Actor: "a", Param: sim.ParamCapability, Value: 1}, {Scenario: "s", Param: sim.ParamMagnitude, Value: 1}}}, "s")
	if err != nil {
		t.Fatal(err)
	}
	simulated := make([]float64, trials)
	for i, x := range l.Loss {
		simulated[i] = float64(x)
	}
	a := &sensAnalysis{m: m, opt: SensitivityOptions{Trials: trials, Seed: 3, Controls: m.Implemented()}}
	drawn := a.threatEvents(&m.Scenarios[0])
	qs, hs := sensMinPairs(simulated)
	qd, hd := sensMinPairs(drawn)
	se := 2 * math.Sqrt(sensVariance(hs)/trials+sensVariance(hd)/float64(len(drawn)))
	if math.Abs(qs-qd) > 4*se {
		t.Errorf("E[min(N₁, N₂)]: simulated %g, drawn %g ± %g", qs, qd, se)
	}
}

// TestSensitivityNoiseCorrection checks that subtracting the estimated
// Monte Carlo noise makes the main effect unbiased where the noise is as
// large as the effect, and that the noise is far below the Var(L)/N that
// independent runs would add.
//
// One event a year, a secondary loss of 1 with probability p ~ U(0.45,
// 0.55): E[L | p] = p, so Var(E[L | p]) = 0.1²/12, and Var(L) = 0.25 +
// 1/1200. With 20 trials, the conditional means' noise (the events whose
// uniform falls between the nodes) is about as large as the effect.
func TestSensitivityNoiseCorrection(t *testing.T) {
	src := sensHeader + `actors: [{id: a, name: A}]
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: integrity, frequency: 1, vulnerability: 1, magnitude: 0,
     secondary: {probability: {uniform: [0.45, 0.55]}, magnitude: 1}}
`
	m := sensModel(t, src)
	const trials, seeds = 20, 2000
	want := 0.01 / 12
	var corrected, raw, noise, naive float64
	for seed := range uint64(seeds) {
		a := &sensAnalysis{m: m, opt: SensitivityOptions{Trials: trials, Seed: seed + 1, Levels: DefaultSensitivityLevels, Controls: []string{}}}
		ins, err := sensInputs(m, nil)
		if err != nil {
			t.Fatal(err)
		}
		st := a.newState(ins[0])
		a.states = []*sensState{st}
		if err := a.run(context.Background()); err != nil {
			t.Fatal(err)
		}
		corrected += st.effect.v / seeds
		raw += (st.effect.v + st.effect.noise) / seeds
		noise += st.effect.noise / seeds
		naive += a.variance / trials / seeds
	}
	// The spread of the estimates over seeds is about the effect itself,
	// so their mean over 2000 seeds is good to about 2.5 %.
	if math.Abs(corrected-want) > 0.1*want {
		t.Errorf("corrected main effect %.3g, want %.3g (raw %.3g)", corrected, want, raw)
	}
	if raw < 1.5*want {
		t.Errorf("raw main effect %.3g: expected a bias of about the effect %.3g", raw, want)
	}
	t.Logf("main effect %.4g: corrected %.4g, raw %.4g; noise %.3g, Var(L)/N %.3g", want, corrected, raw, noise, naive)
	if naive < 5*noise {
		t.Errorf("noise %.3g, Var(L)/N %.3g: common random numbers should make it far smaller", noise, naive)
	}
}

// TestSensitivityLinearShortcut checks the shortcut for inputs in which
// the mean annual loss is linear (two values, P10 and P90, instead of K)
// against holding every input at K values.
func TestSensitivityLinearShortcut(t *testing.T) {
	m := sensModel(t, sensEveryKind)
	run := func(all bool) *SensitivityResult {
		opt := SensitivityOptions{Trials: 50_000, Seed: 11, Measure: "mean", Levels: DefaultSensitivityLevels, Controls: []string{}}
		ins, err := sensInputs(m, opt.Controls)
		if err != nil {
			t.Fatal(err)
		}
		a := &sensAnalysis{m: m, opt: opt, allLevels: all}
		for _, in := range ins {
			a.states = append(a.states, a.newState(in))
		}
		if err := a.run(context.Background()); err != nil {
			t.Fatal(err)
		}
		r := &SensitivityResult{}
		for _, st := range a.states {
			r.Inputs = append(r.Inputs, st.out)
		}
		return r
	}
	short, full := run(false), run(true)
	for i, s := range short.Inputs {
		f := full.Inputs[i]
		if s.Low != f.Low || s.High != f.High {
			t.Errorf("%s: low and high %g, %g, with K levels %g, %g", s.ID, s.Low, s.High, f.Low, f.High)
		}
		// Both estimate the same share on the same random numbers.
		if d := math.Abs(s.VarianceShare - f.VarianceShare); d > 2*s.VarianceShareSE+0.002 {
			t.Errorf("%s: share %.4f ± %.4f, with K levels %.4f", s.ID, s.VarianceShare, s.VarianceShareSE, f.VarianceShare)
		}
		t.Logf("%-30s share %.5f ± %.5f, with K levels %.5f", s.ID, s.VarianceShare, s.VarianceShareSE, f.VarianceShare)
	}
	// A control that raises a vulnerability makes the cap at 1 bite: not
	// linear any more.
	src := sensEveryKind + `controls:
  - {id: worse, name: Worse, status: implemented, effects: [{scenario: plain, vulnerability: 3}]}
`
	m2 := sensModel(t, src)
	for _, c := range []struct {
		controls []string
		linear   bool
	}{{[]string{"worse"}, false}, {[]string{}, true}} {
		ins, err := sensInputs(m2, c.controls)
		if err != nil {
			t.Fatal(err)
		}
		if ins[1].id() != "plain: vulnerability" || (ins[1].kind == sensYearLinear) != c.linear {
			t.Errorf("controls %v: %s kind %v", c.controls, ins[1].id(), ins[1].kind)
		}
	}
}

// TestSensitivityActor checks an actor's activity, which touches all its
// scenarios: the mean is linear in it, so low and high are exact.
func TestSensitivityActor(t *testing.T) {
	src := sensHeader + `actors: [{id: a, name: A, activity: {uniform: [0, 2]}}, {id: b, name: B}]
scenarios:
  - {id: s1, name: S1, actor: a, assets: [x], effect: integrity, frequency: 2, vulnerability: 0.5, magnitude: 10}
  - {id: s2, name: S2, actor: a, assets: [x], effect: integrity, frequency: 1, vulnerability: 1, magnitude: 100}
  - {id: s3, name: S3, actor: b, assets: [x], effect: integrity, frequency: 1, vulnerability: 1, magnitude: 1000}
`
	r := sensRun(t, sensModel(t, src), SensitivityOptions{Trials: 200_000, Seed: 5})
	if len(r.Inputs) != 1 {
		t.Fatalf("inputs %v", sensIDs(r))
	}
	in := r.Inputs[0]
	// E[L | activity x] = x (2·0.5·10 + 1·100) + 1000 = 110x + 1000.
	if in.Actor != "a" || in.Parameter != "activity" || math.Abs(in.P10-0.2) > 1e-12 || math.Abs(in.P90-1.8) > 1e-12 {
		t.Errorf("input %+v", in)
	}
	if math.Abs(in.Swing-110*1.6) > 0.01*110*1.6 {
		t.Errorf("swing %g, want %g", in.Swing, 110*1.6)
	}
	if math.Abs(in.Low-(110*0.2+1000)) > 0.01*1000 {
		t.Errorf("low %g, want %g", in.Low, 110*0.2+1000)
	}
}

// TestSensitivityQuantile checks a quantile measure against the run's
// quantile with the input held: the base exactly, the others within one
// bin of the sketch (they are recombined from several simulations).
func TestSensitivityQuantile(t *testing.T) {
	m := sensModel(t, sensEveryKind)
	const trials = 10_000
	r := sensRun(t, m, SensitivityOptions{Trials: trials, Seed: 4, Measure: "p95"})
	if r.Measure != "p95" {
		t.Errorf("measure %q", r.Measure)
	}
	direct := func(fix []sim.Fix) float64 {
		res, err := sim.Run(context.Background(), m, sim.Options{Trials: trials, Seed: 4, Fix: fix})
		if err != nil {
			t.Fatal(err)
		}
		return res.Portfolio.Quantiles.P95
	}
	if b := direct(nil); r.Base != b {
		t.Errorf("base %g, want %g", r.Base, b)
	}
	for _, id := range []string{"plain: frequency", "a: activity", "plain: magnitude"} {
		in := sensFind(t, r, id)
		for _, c := range []struct {
			got, x float64
		}{{in.Low, in.P10}, {in.High, in.P90}} {
			fix := sim.Fix{Scenario: in.Scenario, Actor: in.Actor, Param: in.Parameter, Value: c.x}
			// Recombined from several simulations, the losses differ from
			// the run's by rounding, which may move one to the next bin.
			if want := direct([]sim.Fix{fix}); math.Abs(c.got-want) > 2.01*sim.RelativeAccuracy*want {
				t.Errorf("%s at %g: %g, want %g", id, c.x, c.got, want)
			}
		}
	}
}

// TestSensitivityDeterminism: the same model, seed and trials give the
// same result whatever the number of workers.
func TestSensitivityDeterminism(t *testing.T) {
	m := sensModel(t, sensEveryKind)
	opt := SensitivityOptions{Trials: 9000, Seed: 7, Measure: "p90"}
	one := sensRun(t, m, SensitivityOptions{Trials: opt.Trials, Seed: opt.Seed, Measure: opt.Measure, Workers: 1})
	for _, w := range []int{3, 0} {
		opt.Workers = w
		if got := sensRun(t, m, opt); !reflect.DeepEqual(got, one) {
			t.Errorf("workers %d: result differs", w)
		}
	}
	opt.Seed = 8
	if got := sensRun(t, m, opt); reflect.DeepEqual(got.Inputs, one.Inputs) {
		t.Errorf("another seed gives the same result")
	}
}

// TestSensitivityControls: the controls in force change the losses (here,
// a frequency multiplier of 0 silences the scenario) but not the inputs'
// percentiles, which are those of the model's distributions.
func TestSensitivityControls(t *testing.T) {
	src := sensLinearModel + `controls:
  - {id: stop, name: Stop, status: proposed, effects: [{scenario: s1, frequency: 0}]}
`
	m := sensModel(t, src)
	off := sensRun(t, m, SensitivityOptions{Trials: 5000, Seed: 1})
	on := sensRun(t, m, SensitivityOptions{Trials: 5000, Seed: 1, Controls: []string{"stop"}})
	if !slices.Equal(on.Controls, []string{"stop"}) || off.Controls == nil || len(off.Controls) != 0 {
		t.Errorf("controls %v and %v", on.Controls, off.Controls)
	}
	a, b := sensFind(t, off, "s1: frequency"), sensFind(t, on, "s1: frequency")
	if a.P10 != b.P10 || a.Swing == 0 || b.Swing != 0 || b.VarianceShare != 0 {
		t.Errorf("without the control %+v; with it %+v", a, b)
	}
}

func TestSensitivityNoInputs(t *testing.T) {
	src := sensHeader + `actors: [{id: a, name: A}]
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: integrity, frequency: 1, vulnerability: 0.5, magnitude: 10}
`
	r := sensRun(t, sensModel(t, src), SensitivityOptions{Trials: 1000, Seed: 1})
	if r.Inputs == nil || len(r.Inputs) != 0 || !(r.Base > 0) || !(r.Variance > 0) {
		t.Errorf("result %+v", r)
	}
}

// TestSensitivityOneTrial: no variance, no NaN.
func TestSensitivityOneTrial(t *testing.T) {
	r := sensRun(t, sensModel(t, sensEveryKind), SensitivityOptions{Trials: 1, Seed: 1})
	for _, in := range r.Inputs {
		for _, x := range []float64{in.Low, in.High, in.Swing, in.VarianceShare, in.VarianceShareSE} {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Errorf("%+v", in)
			}
		}
	}
}

func TestSensitivityErrors(t *testing.T) {
	m := sensModel(t, sensLinearModel)
	for _, c := range []struct {
		opt  SensitivityOptions
		want string
	}{
		{SensitivityOptions{Trials: 0}, "at least 1"},
		{SensitivityOptions{Trials: 10, Measure: "median"}, "mean, p90, p95 or p99"},
		{SensitivityOptions{Trials: 10, Levels: 1}, "at least 2 levels"},
		{SensitivityOptions{Trials: 10, Controls: []string{"nope"}}, "unknown control"},
	} {
		_, err := Sensitivity(context.Background(), m, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) || model.ErrorCode(err) != model.EINVALID {
			t.Errorf("%+v: error %v, want %q (invalid)", c.opt, err, c.want)
		}
	}
	// Too many loss events with a frequency held at its P90: the error
	// names the input.
	src := sensHeader + `actors: [{id: a, name: A}]
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: integrity, frequency: {uniform: [0, 1e7]}, vulnerability: 1, magnitude: 1}
`
	_, err := Sensitivity(context.Background(), sensModel(t, src), SensitivityOptions{Trials: 1, Seed: 1})
	if err == nil || !strings.Contains(err.Error(), "loss events") || model.ErrorCode(err) != model.EINVALID {
		t.Errorf("error %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Sensitivity(ctx, m, SensitivityOptions{Trials: 100_000, Seed: 1}); err != context.Canceled {
		t.Errorf("cancelled: %v", err)
	}
}

func TestSensitivityProgress(t *testing.T) {
	var last, total int64
	calls := 0
	sensRun(t, sensModel(t, sensEveryKind), SensitivityOptions{Trials: 100, Seed: 1, Progress: func(done, all int64) {
		if done <= last || (total != 0 && all != total) {
			t.Errorf("progress %d of %d after %d of %d", done, all, last, total)
		}
		last, total = done, all
		calls++
	}})
	if calls == 0 || last != total {
		t.Errorf("progress ended at %d of %d", last, total)
	}
}

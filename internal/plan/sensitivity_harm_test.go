package plan

import (
	"context"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

// sensHarmSrc has two scenarios: a draws harm h (uniform on [0, 100] per
// event, 2 events a year exactly in expectation), b draws harm k, a
// constant 5 per event, with uncertain frequency, vulnerability and
// actor activity.
const sensHarmSrc = sensHeader + `harms:
  - {id: h, name: Votes altered, unit: votes}
  - {id: k, name: Voters affected, unit: voters}
actors:
  - {id: p, name: P}
  - {id: q, name: Q, activity: {uniform: [0.5, 1.5]}}
scenarios:
  - {id: a, name: A, actor: p, assets: [x], effect: integrity, frequency: 2, vulnerability: 1,
     magnitude: {uniform: [0, 10]}, harm: {h: {uniform: [0, 100]}}}
  - {id: b, name: B, actor: q, assets: [x], effect: integrity, frequency: {uniform: [1, 3]},
     vulnerability: {uniform: [0.2, 0.8]}, magnitude: {uniform: [0, 10]}, harm: {k: 5}}
`

// poissonMinPairs is E[min(N₁, N₂)] = Σ_j P(N ≥ j)² for two independent
// Poisson counts of mean λ.
func poissonMinPairs(lambda float64) float64 {
	var s, cdf float64
	p := math.Exp(-lambda) // P(N = 0)
	for j := 1; j < 100; j++ {
		cdf += p
		tail := 1 - cdf // P(N ≥ j)
		s += tail * tail
		p *= lambda / float64(j)
	}
	return s
}

func sensHarmFind(tb testing.TB, h HarmSensitivity, id string) SensitivityInput {
	tb.Helper()
	for _, in := range h.Inputs {
		if in.ID == id {
			return in
		}
	}
	tb.Fatalf("%s: no input %q", h.ID, id)
	return SensitivityInput{}
}

func sensHarmIDs(ins []SensitivityInput) []string {
	var ids []string
	for _, in := range ins {
		ids = append(ids, in.ID)
	}
	slices.Sort(ids)
	return ids
}

// TestSensitivityHarmAnalytic checks each dimension's analysis against
// exact values: which inputs drive it (none of a scenario that does not
// draw it, no magnitude, no constant harm), the tornado, and the shares.
func TestSensitivityHarmAnalytic(t *testing.T) {
	m := sensModel(t, sensHarmSrc)
	const trials = 100_000
	r := sensRun(t, m, SensitivityOptions{Trials: trials, Seed: 7, Controls: []string{}})
	if len(r.Harms) != 2 || r.Harm != "" || r.Unit != "" {
		t.Fatalf("harms %d, harm %q, unit %q", len(r.Harms), r.Harm, r.Unit)
	}
	h, k := r.Harms[0], r.Harms[1]
	if h.ID != "h" || h.Unit != "votes" || h.Name != "Votes altered" || h.Measure != "mean" || k.ID != "k" {
		t.Fatalf("dimensions %+v %+v", h.ID, k.ID)
	}
	// h: only a's own harm; a's frequency and vulnerability are constants,
	// its magnitude changes no harm, and b draws no h.
	if got := sensHarmIDs(h.Inputs); !slices.Equal(got, []string{"a: harm.h"}) {
		t.Errorf("inputs of h: %v", got)
	}
	// H is compound Poisson: λ = 2 events of X ~ U(0, 100).
	const lambda, ex, ex2, vx = 2.0, 50.0, 10000.0 / 3, 10000.0 / 12
	varH := lambda * ex2
	if se := math.Sqrt(varH / trials); math.Abs(h.Base-lambda*ex) > 4*se {
		t.Errorf("mean harm %g, want %g ± %g", h.Base, lambda*ex, se)
	}
	if math.Abs(h.Variance/varH-1) > 0.03 {
		t.Errorf("variance of the harm %g, want %g", h.Variance, varH)
	}
	x := sensHarmFind(t, h, "a: harm.h")
	if x.P10 != 10 || math.Abs(x.P90-90) > 1e-9 {
		t.Errorf("P10, P90 %g, %g", x.P10, x.P90)
	}
	// Every event takes the value held, on the same events: the mean harm
	// at P90 is exactly 9 times that at P10.
	if math.Abs(x.High/x.Low-9) > 1e-9 || math.Abs(x.Low-lambda*10) > 0.05 {
		t.Errorf("at P10 %g, at P90 %g: want 20 and 180 with a ratio of 9 exactly", x.Low, x.High)
	}
	want := vx * poissonMinPairs(lambda) / varH
	if math.Abs(x.VarianceShare-want) > 4*x.VarianceShareSE+0.003 {
		t.Errorf("share of a: harm.h %.4f ± %.4f, want %.4f", x.VarianceShare, x.VarianceShareSE, want)
	}

	// k = 5·N, N Poisson with mean Λ = f·v·activity: only b's and q's
	// year-level inputs, and the constant harm is no input.
	if got := sensHarmIDs(k.Inputs); !slices.Equal(got, []string{"b: frequency", "b: vulnerability", "q: activity"}) {
		t.Errorf("inputs of k: %v", got)
	}
	ef2, ev2, ea2 := 4+1.0/3, 0.25+0.03, 1+1.0/12 // E[f²], E[v²], E[a²]
	varK := 25 * ef2 * ev2 * ea2                  // Var(5N) = 25(E[Λ] + Var(Λ)) = 25 E[Λ²] + 25 E[Λ] − 25 E[Λ]²; E[Λ] = 1
	if math.Abs(k.Variance/varK-1) > 0.03 {
		t.Errorf("variance of k %g, want %g", k.Variance, varK)
	}
	for _, c := range []struct {
		id        string
		low, high float64 // E[K | input at P10], at P90
		main      float64 // Var(E[K | input])
	}{
		{"b: frequency", 5 * 1.2 * 0.5, 5 * 2.8 * 0.5, 6.25 * 4 / 12},
		{"b: vulnerability", 5 * 2 * 0.26, 5 * 2 * 0.74, 100 * 0.36 / 12},
		{"q: activity", 5 * 0.6, 5 * 1.4, 25.0 / 12},
	} {
		in := sensHarmFind(t, k, c.id)
		if math.Abs(in.Low-c.low) > 0.05*c.low || math.Abs(in.High-c.high) > 0.05*c.high {
			t.Errorf("%s: at P10 %g, at P90 %g, want %g, %g", c.id, in.Low, in.High, c.low, c.high)
		}
		if want := c.main / varK; math.Abs(in.VarianceShare-want) > 4*in.VarianceShareSE+0.005 {
			t.Errorf("%s: share %.4f ± %.4f, want %.4f", c.id, in.VarianceShare, in.VarianceShareSE, want)
		}
	}

	// The money analysis is that of the model without its harms, bit for
	// bit.
	plain := strings.NewReplacer(", harm: {h: {uniform: [0, 100]}}", "", ", harm: {k: 5}", "").Replace(sensHarmSrc)
	plain = plain[:strings.Index(plain, "harms:")] + plain[strings.Index(plain, "actors:"):]
	p := sensRun(t, sensModel(t, plain), SensitivityOptions{Trials: trials, Seed: 7, Controls: []string{}})
	if p.Harms != nil || p.Base != r.Base || p.Variance != r.Variance || !reflect.DeepEqual(p.Inputs, r.Inputs) {
		t.Errorf("money with harms differs from money without:\n%+v\n%+v", r.Inputs, p.Inputs)
	}
}

// TestSensitivityHarmMagnitudeNoEffect checks why magnitudes are not
// inputs of a harm: held at its P10 or its P90, a magnitude leaves the
// harms bit for bit as they are (harms have their own streams).
func TestSensitivityHarmMagnitudeNoEffect(t *testing.T) {
	m := sensModel(t, sensHarmSrc)
	harm := func(v float64) []float64 {
		opt := sim.Options{Trials: 5000, Seed: 3, Controls: []string{},
			Fix: []sim.Fix{{Scenario: "a", Param: sim.ParamMagnitude, Value: v}}}
		l, err := sim.HarmLosses(context.Background(), m, opt, "a")
		if err != nil {
			t.Fatal(err)
		}
		return l.Harm[0]
	}
	if lo, hi := harm(1), harm(9); !slices.Equal(lo, hi) {
		t.Error("the harm depends on the magnitude held")
	}
}

// TestSensitivityHarmTiming checks the share of a harm that the calendar
// multiplies in a window: with uniform event times, each event's harm is
// X·w, w = 3 in 10 days of 30 and 1 elsewhere, so
// Var(E[H | X₁, X₂, …]) = Var(X)·w̄²·E[min(N₁, N₂)] and
// Var(H) = λ·E[X²]·E[w²].
func TestSensitivityHarmTiming(t *testing.T) {
	src := sensHeader + `harms: [{id: h, name: H, unit: votes}]
calendar: {season_days: 30, windows: [{id: w, name: W, start_day: 10, days: 10}]}
actors: [{id: p, name: P}]
scenarios:
  - {id: a, name: A, actor: p, assets: [x], effect: integrity, frequency: 2, vulnerability: 1,
     magnitude: 1, harm: {h: {uniform: [0, 100]}}, timing: {w: {harm: {h: 3}}}}
`
	m := sensModel(t, src)
	const trials = 100_000
	r := sensRun(t, m, SensitivityOptions{Trials: trials, Seed: 5, Controls: []string{}, Harm: "h"})
	if r.Harm != "h" || r.Unit != "votes" || r.Harms != nil || len(r.Inputs) != 1 {
		t.Fatalf("harm %q unit %q harms %v inputs %v", r.Harm, r.Unit, r.Harms, r.Inputs)
	}
	const lambda, ex, ex2, vx = 2.0, 50.0, 10000.0 / 3, 10000.0 / 12
	wbar, ew2 := 5.0/3, 11.0/3
	varH := lambda * ex2 * ew2
	if se := math.Sqrt(varH / trials); math.Abs(r.Base-lambda*ex*wbar) > 4*se {
		t.Errorf("mean harm %g, want %g ± %g", r.Base, lambda*ex*wbar, se)
	}
	x := r.Inputs[0]
	want := vx * wbar * wbar * poissonMinPairs(lambda) / varH
	if math.Abs(x.VarianceShare-want) > 4*x.VarianceShareSE+0.003 {
		t.Errorf("share %.4f ± %.4f, want %.4f", x.VarianceShare, x.VarianceShareSE, want)
	}
	if got, timed := sensTimingMean(m, &m.Scenarios[0], "h"); !timed || math.Abs(got-wbar) > 1e-12 {
		t.Errorf("mean timing multiplier %g (%v), want %g", got, timed, wbar)
	}
}

func TestSensitivityTimingMean(t *testing.T) {
	src := sensHeader + `harms: [{id: h, name: H, unit: votes}, {id: g, name: G, unit: votes}]
calendar:
  season_days: 20
  windows: [{id: u, name: U, start_day: 0, days: 10}, {id: v, name: V, start_day: 5, days: 10}, {id: z, name: Z, start_day: 18, days: 2}]
actors: [{id: p, name: P}]
scenarios:
  - {id: a, name: A, actor: p, assets: [x], effect: integrity, frequency: 2, vulnerability: 1,
     magnitude: 1, harm: {h: 1, g: 1}, timing: {u: {harm: {h: 2}}, v: {harm: {h: 3}}, z: {magnitude: 2, harm: {h: 0.5}}}}
`
	m := sensModel(t, src)
	// [0, 5): 2, [5, 10): 6, [10, 15): 3, [15, 18): 1, [18, 20): 0.5.
	if got, timed := sensTimingMean(m, &m.Scenarios[0], "h"); !timed || math.Abs(got-(10+30+15+3+1)/20.0) > 1e-12 {
		t.Errorf("h: %g %v", got, timed)
	}
	if got, timed := sensTimingMean(m, &m.Scenarios[0], "g"); timed || got != 1 {
		t.Errorf("g: %g %v", got, timed)
	}
}

// TestSensitivityHarmDeterministic checks that the result does not depend
// on the workers, and that the analysis of one dimension is the summary's
// for that dimension (the same simulations).
func TestSensitivityHarmDeterministic(t *testing.T) {
	m := sensModel(t, sensHarmSrc)
	opt := SensitivityOptions{Trials: 20_000, Seed: 9, Controls: []string{}, Measure: "p90", Workers: 1}
	one := sensRun(t, m, opt)
	opt.Workers = 3
	three := sensRun(t, m, opt)
	if !reflect.DeepEqual(one, three) {
		t.Error("the result depends on the number of workers")
	}
	for _, h := range one.Harms {
		opt.Harm = h.ID
		r := sensRun(t, m, opt)
		if r.Base != h.Base || r.Variance != h.Variance || !reflect.DeepEqual(r.Inputs, h.Inputs) || r.Unit != h.Unit {
			t.Errorf("%s alone differs from the summary:\n%+v\n%+v", h.ID, r.Inputs, h.Inputs)
		}
	}
}

// TestSensitivityHarmControl checks a control's harm multiplier: it scales
// the harm, so the shares stay and the means scale.
func TestSensitivityHarmControl(t *testing.T) {
	src := sensHarmSrc + `controls:
  - {id: c, name: C, status: proposed, cost: {yearly: 1}, effects: [{scenario: a, harm: {h: 0.25}}]}
`
	m := sensModel(t, src)
	opt := SensitivityOptions{Trials: 20_000, Seed: 2, Harm: "h", Controls: []string{}}
	off := sensRun(t, m, opt)
	opt.Controls = []string{"c"}
	on := sensRun(t, m, opt)
	a, b := off.Inputs[0], on.Inputs[0]
	if math.Abs(b.Low/a.Low-0.25) > 1e-9 || math.Abs(b.VarianceShare-a.VarianceShare) > 1e-9 {
		t.Errorf("without the control %+v, with it %+v", a, b)
	}
}

func TestSensitivityHarmUnknown(t *testing.T) {
	m := sensModel(t, sensHarmSrc)
	_, err := Sensitivity(context.Background(), m, SensitivityOptions{Trials: 10, Harm: "hh"})
	if err == nil || !strings.Contains(err.Error(), `unknown harm dimension "hh"; the model's dimensions: h, k`) ||
		model.ErrorCode(err) != model.EINVALID {
		t.Errorf("error %v", err)
	}
	plain := sensModel(t, sensHeader+`actors: [{id: p, name: P}]
scenarios: [{id: a, name: A, actor: p, assets: [x], effect: integrity, frequency: 1, vulnerability: 1, magnitude: 1}]
`)
	if _, err := Sensitivity(context.Background(), plain, SensitivityOptions{Trials: 10, Harm: "h"}); err == nil ||
		!strings.Contains(err.Error(), "declares no harm dimensions") {
		t.Errorf("error %v", err)
	}
}

// TestSensitivityMagnitudeTiming is TestSensitivityHarmTiming for the
// money: a magnitude that the calendar multiplies in a window.
func TestSensitivityMagnitudeTiming(t *testing.T) {
	src := sensHeader + `calendar: {season_days: 30, windows: [{id: w, name: W, start_day: 10, days: 10}]}
actors: [{id: p, name: P}]
scenarios:
  - {id: a, name: A, actor: p, assets: [x], effect: integrity, frequency: 2, vulnerability: 1,
     magnitude: {uniform: [0, 100]}, secondary: {probability: 0.5, magnitude: {uniform: [0, 10]}},
     timing: {w: {magnitude: 3}}}
`
	m := sensModel(t, src)
	const trials = 100_000
	r := sensRun(t, m, SensitivityOptions{Trials: trials, Seed: 5, Controls: []string{}})
	const lambda = 2.0
	wbar, ew2 := 5.0/3, 11.0/3
	// An event's loss is (X + S·Y)·w, S ~ Bernoulli(0.5), Y ~ U(0, 10).
	ex2 := 10000.0/3 + 2*0.5*50*5 + 0.5*100.0/3 // E[(X + SY)²]
	varL := lambda * ex2 * ew2
	if math.Abs(r.Variance/varL-1) > 0.03 {
		t.Errorf("variance %g, want %g", r.Variance, varL)
	}
	mag := sensFind(t, r, "a: magnitude")
	want := 10000.0 / 12 * wbar * wbar * poissonMinPairs(lambda) / varL
	if math.Abs(mag.VarianceShare-want) > 4*mag.VarianceShareSE+0.003 {
		t.Errorf("magnitude: share %.4f ± %.4f, want %.4f", mag.VarianceShare, mag.VarianceShareSE, want)
	}
	sec := sensFind(t, r, "a: secondary.magnitude")
	// Secondary losses are Poisson with mean λ/2.
	want = 100.0 / 12 * wbar * wbar * poissonMinPairs(lambda/2) / varL
	t.Logf("secondary magnitude: share %.3g ± %.3g, want %.3g", sec.VarianceShare, sec.VarianceShareSE, want)
	if math.Abs(sec.VarianceShare-want) > 4*sec.VarianceShareSE+0.05*want {
		t.Errorf("secondary magnitude: share %.4f ± %.4f, want %.4f", sec.VarianceShare, sec.VarianceShareSE, want)
	}
}

// TestSensitivityHarmFixUnknown checks that holding a harm a scenario
// does not draw is refused.
func TestSensitivityHarmFixUnknown(t *testing.T) {
	m := sensModel(t, sensHarmSrc)
	opt := sim.Options{Trials: 10, Controls: []string{}, Fix: []sim.Fix{{Scenario: "b", Param: sim.HarmParam("h"), Value: 1}}}
	if _, err := sim.HarmLosses(context.Background(), m, opt, "b"); err == nil ||
		!strings.Contains(err.Error(), `scenario "b" draws no harm "h"`) {
		t.Errorf("error %v", err)
	}
}

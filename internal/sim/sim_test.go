package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// standardYAML is the standard scenario of DESIGN.md section 2.
const standardYAML = `scrutin: 1
name: standard scenario
currency: EUR
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: mail, org: o, name: Mail, kind: email}]
actors: [{id: a, name: A}]
scenarios:
  - {id: std, name: standard, actor: a, assets: [mail], effect: confidentiality,
     frequency: {pert: [0.5, 2, 10]}, vulnerability: 0.3, magnitude: {lognormal90: [10000, 1000000]}}
`

// header is the common start of the test models below.
const header = `scrutin: 1
name: test
currency: EUR
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: x, org: o, name: X, kind: email}]
`

func mustModel(tb testing.TB, src string) *model.Model {
	tb.Helper()
	m, err := model.Decode("test.yaml", []byte(src))
	if err != nil {
		tb.Fatalf("decode: %v", err)
	}
	return m
}

func mustRun(tb testing.TB, m *model.Model, opt Options) *Result {
	tb.Helper()
	res, err := Run(context.Background(), m, opt)
	if err != nil {
		tb.Fatalf("run: %v", err)
	}
	return res
}

// within fails unless got is within k standard errors of want.
func within(t *testing.T, what string, got, want, se, k float64) {
	t.Helper()
	if math.Abs(got-want) > k*se {
		t.Errorf("%s = %.6g, want %.6g ± %.3g (%g SE)", what, got, want, k*se, k)
	}
}

// pertDensity is the density of the Beta-PERT(min, mode, max, λ=4), written
// independently of package dist.
func pertDensity(x, lo, mode, hi float64) float64 {
	if x <= lo || x >= hi {
		return 0
	}
	a := 1 + 4*(mode-lo)/(hi-lo)
	b := 1 + 4*(hi-mode)/(hi-lo)
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	u := (x - lo) / (hi - lo)
	return math.Exp((a-1)*math.Log(u)+(b-1)*math.Log1p(-u)-(la+lb-lab)) / (hi - lo)
}

// integrate is composite Simpson's rule with n (even) intervals.
func integrate(f func(float64) float64, a, b float64, n int) float64 {
	h := (b - a) / float64(n)
	s := f(a) + f(b)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(a+float64(i)*h)
	}
	return s * h / 3
}

func TestStandardScenarioAnalytic(t *testing.T) {
	m := mustModel(t, standardYAML)
	res := mustRun(t, m, Options{Trials: 400_000, Seed: 1})
	p := res.Portfolio

	// E[λ] = (0.5 + 4·2 + 10)/6; E[magnitude] = exp(μ + σ²/2) with μ, σ
	// from the 5th and 95th percentiles.
	eLambda := (0.5 + 4*2 + 10) / 6.0
	mu := (math.Log(1e4) + math.Log(1e6)) / 2
	sigma := (math.Log(1e6) - math.Log(1e4)) / (2 * 1.6448536269514722)
	eMag := math.Exp(mu + sigma*sigma/2)
	wantMean := eLambda * 0.3 * eMag
	if math.Abs(wantMean-246418)/246418 > 1e-4 {
		t.Fatalf("analytic mean %.0f disagrees with DESIGN.md's 246,418", wantMean)
	}
	within(t, "mean", p.Mean, wantMean, p.Stats.MeanSE, 4)

	// P(no loss) = E[exp(−0.3λ)] over the PERT.
	wantP0 := integrate(func(x float64) float64 { return pertDensity(x, 0.5, 2, 10) * math.Exp(-0.3*x) }, 0.5, 10, 20000)
	if math.Abs(wantP0-0.4394) > 5e-5 {
		t.Fatalf("analytic P(no loss) %.5f disagrees with DESIGN.md's 0.4394", wantP0)
	}
	within(t, "P(no loss)", p.PNoLoss, wantP0, math.Sqrt(wantP0*(1-wantP0)/float64(res.Trials)), 4)
	// Loss events per year: E[λ]·v.
	within(t, "loss events per year", p.Stats.LossEventsPerYear, eLambda*0.3, 0.003, 1)

	// One scenario: the portfolio is the scenario.
	s := res.Scenarios[0]
	if s.Mean != p.Mean || s.PNoLoss != p.PNoLoss || s.Quantiles != p.Quantiles {
		t.Errorf("single scenario differs from the portfolio: %+v vs %+v", s, p)
	}
}

// TestCompoundPoissonExact checks a case whose whole distribution is known:
// constant rate, vulnerability and magnitude make the annual loss m·N with
// N ~ Poisson(λv).
func TestCompoundPoissonExact(t *testing.T) {
	const lambda, v, mag = 4.0, 0.5, 1000.0
	m := mustModel(t, header+`actors: [{id: a, name: A}]
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: availability, frequency: 4, vulnerability: 0.5, magnitude: 1000}
`)
	res := mustRun(t, m, Options{Trials: 300_000, Seed: 42})
	p := res.Portfolio
	mu := lambda * v
	n := float64(res.Trials)
	within(t, "mean", p.Mean, mu*mag, mag*math.Sqrt(mu/n), 4)
	within(t, "sd", p.SD, mag*math.Sqrt(mu), mag*math.Sqrt(mu)*0.01, 1)
	within(t, "P(no loss)", p.PNoLoss, math.Exp(-mu), math.Sqrt(math.Exp(-mu)/n), 4)
	within(t, "loss events per year", p.Stats.LossEventsPerYear, mu, math.Sqrt(mu/n), 4)

	// Quantiles are Poisson quantiles times the magnitude, to the sketch's
	// relative accuracy (the Poisson cdf is far from the quantile levels
	// used, so sampling noise cannot move them).
	poissonQ := func(q float64) float64 {
		cum, pk := 0.0, math.Exp(-mu)
		for k := 0; ; k++ {
			cum += pk
			if cum > q+1e-3 {
				return float64(k)
			}
			pk *= mu / float64(k+1)
		}
	}
	for _, c := range []struct {
		name string
		got  float64
		q    float64
	}{{"p50", p.Quantiles.P50, 0.5}, {"p90", p.Quantiles.P90, 0.9}, {"p99", p.Quantiles.P99, 0.99}} {
		want := poissonQ(c.q) * mag
		if math.Abs(c.got-want) > RelativeAccuracy*want*1.0001 {
			t.Errorf("%s = %g, want %g within %.1f %%", c.name, c.got, want, 100*RelativeAccuracy)
		}
	}
	// The exceedance curve is a decreasing staircase of multiples of 1000.
	for i, pt := range p.Exceedance {
		k := math.Round(pt.Loss / mag)
		if math.Abs(pt.Loss-k*mag) > RelativeAccuracy*pt.Loss*1.0001 {
			t.Errorf("exceedance[%d].loss = %g, not a multiple of %g", i, pt.Loss, mag)
		}
		if i > 0 && (pt.Loss <= p.Exceedance[i-1].Loss || pt.Probability >= p.Exceedance[i-1].Probability) {
			t.Errorf("exceedance curve not monotone at %d: %+v after %+v", i, pt, p.Exceedance[i-1])
		}
	}
}

func TestSecondaryLoss(t *testing.T) {
	m := mustModel(t, header+`actors: [{id: a, name: A}]
scenarios:
  - id: s
    name: S
    actor: a
    assets: [x]
    effect: confidentiality
    frequency: {uniform: [1, 3]}
    vulnerability: {beta: [2, 8]}
    magnitude: {triangular: [100, 200, 600]}
    secondary: {probability: {uniform: [0.2, 0.6]}, magnitude: {lognormal90: [1000, 10000]}}
`)
	res := mustRun(t, m, Options{Trials: 300_000, Seed: 3})
	eLambda, eV, eMag, eP := 2.0, 0.2, 300.0, 0.4
	l, s := math.Log(1000), math.Log(10000)
	sig := (s - l) / (2 * 1.6448536269514722)
	eSec := math.Exp((l+s)/2 + sig*sig/2)
	want := eLambda * eV * (eMag + eP*eSec)
	within(t, "mean", res.Portfolio.Mean, want, res.Portfolio.Stats.MeanSE, 4)
	within(t, "loss events per year", res.Portfolio.Stats.LossEventsPerYear, eLambda*eV, 0.003, 1)
}

func TestFAIRVulnerability(t *testing.T) {
	// Capability and resistance both uniform on [0, 1]: P(capability >
	// resistance) = 1/2. With the actor's capability uniform on [0.5, 1]
	// and resistance 0.75: P = 1/2 too; with resistance uniform on [0, 1]:
	// E[P(cap > r)] = 0.5 + ∫_{0.5}^{1} (1 − (r−0.5)/0.5) dr = 0.75.
	m := mustModel(t, header+`actors: [{id: a, name: A, capability: {uniform: [0.5, 1]}}]
scenarios:
  - {id: both, name: B, actor: a, assets: [x], effect: integrity, frequency: 2, magnitude: 100,
     vulnerability: {capability: {uniform: [0, 1]}, resistance: {uniform: [0, 1]}}}
  - {id: actor-cap, name: C, actor: a, assets: [x], effect: integrity, frequency: 2, magnitude: 100,
     vulnerability: {resistance: 0.75}}
  - {id: actor-cap-unc, name: D, actor: a, assets: [x], effect: integrity, frequency: 2, magnitude: 100,
     vulnerability: {resistance: {uniform: [0, 1]}}}
`)
	res := mustRun(t, m, Options{Trials: 200_000, Seed: 5})
	for i, want := range []float64{0.5, 0.5, 0.75} {
		s := res.Scenarios[i]
		within(t, s.ID+" loss events per year", s.LossEventsPerYear, 2*want, math.Sqrt(2*want/2e5), 4)
		within(t, s.ID+" mean", s.Mean, 200*want, s.Stats.MeanSE, 4)
	}
}

// TestActivityCommonCause checks the variance that an actor's activity adds
// to the portfolio: Var(L) = E[A]·Σλᵢvᵢmᵢ² + Var(A)·(Σλᵢvᵢmᵢ)².
func TestActivityCommonCause(t *testing.T) {
	src := header + `actors: [{id: a, name: A, activity: {uniform: [0, 2]}}]
scenarios:
  - {id: s1, name: S1, actor: a, assets: [x], effect: integrity, frequency: 3, vulnerability: 0.5, magnitude: 100}
  - {id: s2, name: S2, actor: a, assets: [x], effect: integrity, frequency: 2, vulnerability: 1, magnitude: 300}
`
	res := mustRun(t, mustModel(t, src), Options{Trials: 400_000, Seed: 11})
	eA, varA := 1.0, 4.0/12
	sum1 := 3*0.5*100 + 2*1*300.0
	sum2 := 3*0.5*100*100 + 2*1*300*300.0
	wantMean := eA * sum1
	wantVar := eA*sum2 + varA*sum1*sum1
	p := res.Portfolio
	within(t, "mean", p.Mean, wantMean, p.Stats.MeanSE, 4)
	within(t, "sd", p.SD, math.Sqrt(wantVar), 0.01*math.Sqrt(wantVar), 1)
	// The common cause is a covariance between the scenarios:
	// 2·Cov(L1, L2) = 2·Var(A)·(λ1v1m1)(λ2v2m2); without it the portfolio's
	// variance would be the sum of the scenarios'.
	s1, s2 := res.Scenarios[0].SD, res.Scenarios[1].SD
	cov2 := p.SD*p.SD - s1*s1 - s2*s2
	within(t, "2·covariance", cov2, 2*varA*150*600, 0.1*2*varA*150*600, 1)
}

func TestControls(t *testing.T) {
	src := header + `actors: [{id: a, name: A}]
controls:
  - {id: keys, name: Keys, status: proposed, effects: [{scenario: s, vulnerability: 0.2}]}
  - {id: plan, name: Plan, status: implemented, effects: [{scenario: s, magnitude: 0.5, frequency: 0.8}]}
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: integrity, frequency: {pert: [1, 2, 6]}, vulnerability: 0.5,
     magnitude: {lognormal90: [100, 1000]}}
`
	m := mustModel(t, src)
	base := mustRun(t, m, Options{Trials: 200_000, Seed: 9, Controls: []string{}})
	def := mustRun(t, m, Options{Trials: 200_000, Seed: 9})
	both := mustRun(t, m, Options{Trials: 200_000, Seed: 9, Controls: []string{"keys", "plan"}})
	if fmt.Sprint(def.Controls) != "[plan]" {
		t.Errorf("default controls %v, want the implemented one [plan]", def.Controls)
	}
	within(t, "implemented plan mean", def.Portfolio.Mean, base.Portfolio.Mean*0.4, base.Portfolio.Stats.MeanSE*0.4, 6)
	within(t, "keys+plan events", both.Portfolio.Stats.LossEventsPerYear, base.Portfolio.Stats.LossEventsPerYear*0.16, 0.005, 1)
	// A vulnerability multiplier cannot push the probability above 1.
	m2 := mustModel(t, header+`actors: [{id: a, name: A}]
controls: [{id: worse, name: W, status: implemented, effects: [{scenario: s, vulnerability: 5}]}]
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: integrity, frequency: 2, vulnerability: 0.5, magnitude: 1}
`)
	r2 := mustRun(t, m2, Options{Trials: 100_000, Seed: 1})
	within(t, "capped events", r2.Portfolio.Stats.LossEventsPerYear, 2, math.Sqrt(2/1e5), 4)

	if _, err := Run(context.Background(), m, Options{Trials: 10, Controls: []string{"nope"}}); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("unknown control: err %v, want EINVALID", err)
	}
}

// TestCommonRandomNumbers checks that a what-if run sees the same years: a
// control that only scales magnitudes scales every trial's loss, so the
// quantiles scale exactly (to the sketch's accuracy).
func TestCommonRandomNumbers(t *testing.T) {
	src := header + `actors: [{id: a, name: A, activity: {lognormal90: [0.5, 2]}}]
controls: [{id: c, name: C, status: proposed, effects: [{scenario: s, magnitude: 0.5}]}]
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: integrity, frequency: {pert: [1, 2, 6]}, vulnerability: {beta: [2, 3]},
     magnitude: {lognormal90: [100, 1000]}}
`
	m := mustModel(t, src)
	off := mustRun(t, m, Options{Trials: 50_000, Seed: 4})
	on := mustRun(t, m, Options{Trials: 50_000, Seed: 4, Controls: []string{"c"}})
	if math.Abs(on.Portfolio.Mean-off.Portfolio.Mean/2) > 1e-9*off.Portfolio.Mean {
		t.Errorf("halving magnitudes: mean %v, want exactly %v", on.Portfolio.Mean, off.Portfolio.Mean/2)
	}
	if on.Portfolio.PNoLoss != off.Portfolio.PNoLoss {
		t.Errorf("P(no loss) changed: %v vs %v", on.Portfolio.PNoLoss, off.Portfolio.PNoLoss)
	}
	if r := on.Portfolio.Quantiles.P90 / off.Portfolio.Quantiles.P90; math.Abs(r-0.5) > 2*RelativeAccuracy {
		t.Errorf("P90 ratio %v, want 0.5", r)
	}
}

func resultJSON(t *testing.T, r *Result) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDeterminism: the same model, seed and trials give bit-identical
// results whatever the number of workers and of cores.
func TestDeterminism(t *testing.T) {
	src := header + `tolerance: [{loss: 1000, probability: 0.5}, {loss: 100000, probability: 0.01}]
actors: [{id: a, name: A, activity: {lognormal90: [0.3, 3]}}, {id: b, name: B}]
scenarios:
  - {id: s1, name: S1, actor: a, assets: [x], effect: integrity, frequency: {pert: [0.5, 2, 10]}, vulnerability: 0.3,
     magnitude: {lognormal90: [1000, 100000]}, secondary: {probability: 0.3, magnitude: {pert: [10, 100, 1000]}}}
  - {id: s2, name: S2, actor: a, assets: [x], effect: integrity, frequency: 20, vulnerability: {beta: [1, 30]},
     magnitude: {normal: [500, 400]}}
  - {id: s3, name: S3, actor: b, assets: [x], effect: integrity, frequency: 40, vulnerability: 0.5,
     magnitude: {uniform: [10, 20]}}
`
	m := mustModel(t, src)
	const trials = 3*BlockSize + 123 // a partial last block
	want := resultJSON(t, mustRun(t, m, Options{Trials: trials, Seed: 77, Workers: 1}))
	for _, procs := range []int{1, 4} {
		old := runtime.GOMAXPROCS(procs)
		for _, workers := range []int{0, 2, 3, 8} {
			got := resultJSON(t, mustRun(t, m, Options{Trials: trials, Seed: 77, Workers: workers}))
			if got != want {
				t.Errorf("GOMAXPROCS=%d workers=%d: result differs from one worker", procs, workers)
			}
		}
		runtime.GOMAXPROCS(old)
	}
	other := resultJSON(t, mustRun(t, m, Options{Trials: trials, Seed: 78, Workers: 1}))
	if other == want {
		t.Error("another seed gave the same result")
	}
}

// TestScenarioStreamsIndependentOfOrder: a scenario's numbers depend on its
// id and the seed, not on its position or on the other scenarios.
func TestScenarioStreamsIndependentOfOrder(t *testing.T) {
	s1 := `  - {id: s1, name: S1, actor: a, assets: [x], effect: integrity, frequency: {pert: [0.5, 2, 10]}, vulnerability: 0.3, magnitude: {lognormal90: [1000, 100000]}}
`
	s2 := `  - {id: s2, name: S2, actor: a, assets: [x], effect: integrity, frequency: 3, vulnerability: 0.5, magnitude: 7}
`
	a := mustRun(t, mustModel(t, header+"actors: [{id: a, name: A}]\nscenarios:\n"+s1+s2), Options{Trials: 10_000, Seed: 1})
	b := mustRun(t, mustModel(t, header+"actors: [{id: a, name: A}]\nscenarios:\n"+s2+s1), Options{Trials: 10_000, Seed: 1})
	c := mustRun(t, mustModel(t, header+"actors: [{id: a, name: A}]\nscenarios:\n"+s1), Options{Trials: 10_000, Seed: 1})
	if a.Scenarios[0].Mean != b.Scenarios[1].Mean || a.Scenarios[0].Mean != c.Scenarios[0].Mean {
		t.Errorf("scenario s1 changed with its neighbours: %v %v %v", a.Scenarios[0].Mean, b.Scenarios[1].Mean, c.Scenarios[0].Mean)
	}
}

func TestTolerance(t *testing.T) {
	src := header + `tolerance: [{loss: 0, probability: 0.9}, {loss: 1500, probability: 0.2}, {loss: 2500, probability: 0.05}]
actors: [{id: a, name: A}]
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: integrity, frequency: 1, vulnerability: 1, magnitude: 1000}
`
	res := mustRun(t, mustModel(t, src), Options{Trials: 200_000, Seed: 2})
	tol := res.Portfolio.Tolerance
	if tol == nil || len(tol.Points) != 3 {
		t.Fatalf("tolerance %+v", tol)
	}
	// Losses are 1000·N, N ~ Poisson(1): P(L > 0) = 1 − e⁻¹, P(L > 1500) = P(N ≥ 2), P(L > 2500) = P(N ≥ 3).
	e := math.Exp(-1)
	wants := []float64{1 - e, 1 - 2*e, 1 - 2.5*e}
	for i, w := range wants {
		within(t, fmt.Sprintf("P(L > %g)", tol.Points[i].Loss), tol.Points[i].Probability, w, math.Sqrt(w*(1-w)/2e5), 4)
		if tol.Points[i].Limit != []float64{0.9, 0.2, 0.05}[i] {
			t.Errorf("limit %d = %g", i, tol.Points[i].Limit)
		}
	}
	if !tol.Breached { // P(L > 1500) ≈ 0.26 > 0.2
		t.Error("tolerance should be breached")
	}
}

func TestNoLossAtAll(t *testing.T) {
	src := header + `actors: [{id: a, name: A}]
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: integrity, frequency: 0, vulnerability: 1, magnitude: 1000}
`
	res := mustRun(t, mustModel(t, src), Options{Trials: 5000, Seed: 2})
	p := res.Portfolio
	if p.Mean != 0 || p.SD != 0 || p.PNoLoss != 1 || p.Quantiles != (Quantiles{}) || len(p.Exceedance) != 0 {
		t.Errorf("no-loss run: %+v", p)
	}
	if b, _ := json.Marshal(res); !json.Valid(b) {
		t.Error("invalid JSON")
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, mustModel(t, standardYAML), Options{Trials: 1 << 30, Seed: 1})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestTrialsMustBePositive(t *testing.T) {
	_, err := Run(context.Background(), mustModel(t, standardYAML), Options{Trials: 0})
	if model.ErrorCode(err) != model.EINVALID {
		t.Errorf("err = %v, want EINVALID", err)
	}
}

func TestProgress(t *testing.T) {
	var calls, last int64
	mustRun(t, mustModel(t, standardYAML), Options{Trials: 5*BlockSize + 1, Seed: 1, Workers: 3,
		Progress: func(done, total int64) {
			calls++
			if done <= last || total != 5*BlockSize+1 {
				t.Errorf("progress %d/%d after %d", done, total, last)
			}
			last = done
		}})
	if calls != 6 || last != 5*BlockSize+1 {
		t.Errorf("progress called %d times, last %d", calls, last)
	}
}

// TestAbsurdInputsAreRefused: a model can be valid yet beyond simulation;
// the run must fail with a clear EINVALID error, not hang or print Inf.
func TestAbsurdInputsAreRefused(t *testing.T) {
	for _, c := range []struct{ name, scenario, want string }{
		{"too many events", `{id: s, name: S, actor: a, assets: [x], effect: integrity, frequency: 1e9, vulnerability: 1, magnitude: 1}`,
			"loss events in one simulated year"},
		{"overflow", `{id: s, name: S, actor: a, assets: [x], effect: integrity, frequency: 100, vulnerability: 1, magnitude: {lognormal90: [1e200, 1e300]}}`,
			"overflow"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := mustModel(t, header+"actors: [{id: a, name: A}]\nscenarios:\n  - "+c.scenario+"\n")
			_, err := Run(context.Background(), m, Options{Trials: 20000, Seed: 1})
			if model.ErrorCode(err) != model.EINVALID || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want EINVALID with %q", err, c.want)
			}
		})
	}
}

// TestTreeVulnerability: a scenario takes its vulnerability from an attack
// tree, so switching on a control that is a defence changes the risk.
func TestTreeVulnerability(t *testing.T) {
	src := header + `actors: [{id: a, name: A}, {id: weak, name: W, skill: 1}]
controls:
  - {id: keys, name: Keys, status: proposed, effects: [{scenario: s, magnitude: 1}]}
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: confidentiality, frequency: 4, vulnerability: {tree: leak}, magnitude: 100}
  - {id: w, name: W, actor: weak, assets: [x], effect: confidentiality, frequency: 4, vulnerability: {tree: leak}, magnitude: 100}
trees:
  - id: leak
    name: Leak
    root:
      id: leak
      name: Leak
      gate: or
      children:
        - id: phish
          name: Phish
          probability: 0.3
          skill: 1
          countermeasures: [{id: k, name: Keys, control: keys, probability: 0.9}]
        - {id: insider, name: Insider, probability: 0.1, skill: 2}
`
	m := mustModel(t, src)
	off := mustRun(t, m, Options{Trials: 200_000, Seed: 1})
	on := mustRun(t, m, Options{Trials: 200_000, Seed: 1, Controls: []string{"keys"}})
	pOff := 1 - (1-0.3)*(1-0.1)
	pOn := 1 - (1-0.3*0.1)*(1-0.1)
	n := 200_000.0
	within(t, "events without keys", off.Scenarios[0].LossEventsPerYear, 4*pOff, math.Sqrt(4*pOff/n), 4)
	within(t, "events with keys", on.Scenarios[0].LossEventsPerYear, 4*pOn, math.Sqrt(4*pOn/n), 4)
	// The weak actor (skill 1) cannot bribe the insider (skill 2).
	within(t, "weak actor events", off.Scenarios[1].LossEventsPerYear, 4*0.3, math.Sqrt(4*0.3/n), 4)
}

// TestLossesMatchRun: the scenarios' trial-by-trial losses add up to the
// portfolio's, and their means are the run's, whatever the workers.
func TestLossesMatchRun(t *testing.T) {
	src := header + `actors: [{id: a, name: A, activity: {lognormal90: [0.5, 2]}}]
controls: [{id: c, name: C, status: proposed, effects: [{scenario: s1, vulnerability: 0.5}]}]
scenarios:
  - {id: s1, name: S1, actor: a, assets: [x], effect: integrity, frequency: {pert: [1, 2, 6]}, vulnerability: {beta: [2, 3]},
     magnitude: {lognormal90: [100, 1000]}, secondary: {probability: 0.2, magnitude: 50}}
  - {id: s2, name: S2, actor: a, assets: [x], effect: integrity, frequency: 3, vulnerability: 0.2, magnitude: {uniform: [10, 30]}}
`
	m := mustModel(t, src)
	const trials = 2*BlockSize + 77
	for _, controls := range [][]string{{}, {"c"}} {
		res := mustRun(t, m, Options{Trials: trials, Seed: 3, Controls: controls})
		var sum float64
		for i, id := range []string{"s1", "s2"} {
			l1, err := Losses(context.Background(), m, Options{Trials: trials, Seed: 3, Controls: controls, Workers: 1}, id)
			if err != nil {
				t.Fatal(err)
			}
			l3, err := Losses(context.Background(), m, Options{Trials: trials, Seed: 3, Controls: controls, Workers: 3}, id)
			if err != nil {
				t.Fatal(err)
			}
			ls, err := LossSummary(context.Background(), m, Options{Trials: trials, Seed: 3, Controls: controls, Workers: 2}, id)
			if err != nil {
				t.Fatal(err)
			}
			if ls.Loss != nil || ls.Mean != l1.Mean || ls.Events != l1.Events {
				t.Errorf("%s: LossSummary %v %v, Losses %v %v", id, ls.Mean, ls.Events, l1.Mean, l1.Events)
			}
			if l1.Mean != l3.Mean || fmt.Sprint(l1.Loss[:50]) != fmt.Sprint(l3.Loss[:50]) {
				t.Errorf("%s: losses depend on the workers", id)
			}
			if l1.Mean != res.Scenarios[i].Mean {
				t.Errorf("%s: mean %v, run says %v", id, l1.Mean, res.Scenarios[i].Mean)
			}
			if float64(l1.Events)/trials != res.Scenarios[i].LossEventsPerYear {
				t.Errorf("%s: events %v", id, l1.Events)
			}
			sum += l1.Mean
		}
		if sum != res.Portfolio.Mean {
			t.Errorf("controls %v: scenario means add to %v, portfolio %v", controls, sum, res.Portfolio.Mean)
		}
	}
}

// TestFix: a fixed input takes its value in every trial and leaves the
// other draws as they were.
func TestFix(t *testing.T) {
	src := header + `actors: [{id: a, name: A, activity: {uniform: [0, 2]}}]
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: integrity, frequency: {uniform: [1, 3]}, vulnerability: {uniform: [0.2, 0.4]},
     magnitude: {uniform: [10, 30]}}
`
	m := mustModel(t, src)
	base := mustRun(t, m, Options{Trials: 100_000, Seed: 1})
	fixedMag := mustRun(t, m, Options{Trials: 100_000, Seed: 1, Fix: []Fix{{Scenario: "s", Param: ParamMagnitude, Value: 20}}})
	// Magnitude fixed at its mean: the mean loss barely moves, and the
	// events are exactly the same (same draws for everything else).
	if fixedMag.Portfolio.Stats.LossEventsPerYear != base.Portfolio.Stats.LossEventsPerYear {
		t.Errorf("fixing the magnitude changed the events: %v vs %v", fixedMag.Portfolio.Stats.LossEventsPerYear, base.Portfolio.Stats.LossEventsPerYear)
	}
	within(t, "mean with magnitude fixed at its mean", fixedMag.Portfolio.Mean, base.Portfolio.Mean, base.Portfolio.Stats.MeanSE, 1)
	// Frequency at 3 and activity at 2, vulnerability at 0.4: events = 2.4 per year.
	hi := mustRun(t, m, Options{Trials: 100_000, Seed: 1, Fix: []Fix{
		{Scenario: "s", Param: ParamFrequency, Value: 3}, {Actor: "a", Param: ParamActivity, Value: 2},
		{Scenario: "s", Param: ParamVulnerability, Value: 0.4}}})
	within(t, "events at the high values", hi.Portfolio.Stats.LossEventsPerYear, 2.4, math.Sqrt(2.4/1e5), 4)
	for _, bad := range []Fix{{Scenario: "nope", Param: ParamFrequency}, {Scenario: "s", Param: "colour"},
		{Scenario: "s", Param: ParamSecondaryMagnitude}, {Actor: "b", Param: ParamActivity}, {Actor: "a", Param: ParamCapability}} {
		if _, err := Run(context.Background(), m, Options{Trials: 10, Fix: []Fix{bad}}); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("fix %+v: err %v", bad, err)
		}
	}
}

package plan

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

func mustModel(tb testing.TB, src string) *model.Model {
	tb.Helper()
	m, err := model.Decode("test.yaml", []byte(src))
	if err != nil {
		tb.Fatalf("%v\n%s", err, src)
	}
	return m
}

// genOptions shape a generated model.
type genOptions struct {
	controls, scenarios int
	// perControl is the most scenarios one control acts on (at least 1).
	perControl int
	// lo and hi bound the multipliers of effects.
	lo, hi float64
	// tree makes scenario s0 take its vulnerability from a tree whose two
	// defences are controls c0 and c1.
	tree bool
	// implemented adds an implemented control acting on s1.
	implemented bool
}

// genModel writes a random model: scenarios with constant or uncertain
// parameters (PERT and lognormal frequencies, beta vulnerabilities,
// lognormal magnitudes, some secondary losses) spread over two actors, one
// of them with a yearly activity; controls with one-off and yearly costs
// acting on 1 to perControl scenarios.
func genModel(r *rand.Rand, g genOptions) string {
	var b strings.Builder
	b.WriteString(`scrutin: 1
name: generated
currency: EUR
tolerance:
  - {loss: 200000, probability: 0.3}
  - {loss: 2000000, probability: 0.02}
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: a, org: o, name: A, kind: email}]
actors:
  - {id: busy, name: Busy, activity: {lognormal90: [0.4, 2.5]}}
  - {id: calm, name: Calm}
controls:
`)
	round := func(x float64) float64 { return float64(int(x*100)) / 100 }
	for c := range g.controls {
		fmt.Fprintf(&b, "  - id: c%d\n    name: Control %d\n    status: proposed\n    cost: {once: %d, yearly: %d}\n    effects:\n",
			c, c, 1000*r.IntN(30), 1000*(1+r.IntN(20)))
		k := 1 + r.IntN(max(1, g.perControl))
		for _, s := range r.Perm(g.scenarios)[:min(k, g.scenarios)] {
			params := []string{"frequency", "vulnerability", "magnitude", "secondary_magnitude"}
			p := params[r.IntN(len(params))]
			fmt.Fprintf(&b, "      - {scenario: s%d, %s: %g}\n", s, p, round(g.lo+(g.hi-g.lo)*r.Float64()))
		}
	}
	if g.implemented {
		b.WriteString("  - {id: done, name: Done, status: implemented, cost: {yearly: 5000}, effects: [{scenario: s1, magnitude: 0.8}]}\n")
	}
	b.WriteString("scenarios:\n")
	for s := range g.scenarios {
		actor := []string{"busy", "calm"}[r.IntN(2)]
		freq := fmt.Sprintf("%g", round(0.5+3*r.Float64()))
		if r.IntN(2) == 0 {
			lo := round(0.2 + r.Float64())
			freq = fmt.Sprintf("{pert: [%g, %g, %g]}", lo, round(lo+1), round(lo+4))
		}
		vuln := fmt.Sprintf("%g", round(0.1+0.5*r.Float64()))
		if r.IntN(2) == 0 {
			vuln = fmt.Sprintf("{beta: [%d, %d]}", 1+r.IntN(3), 2+r.IntN(5))
		}
		if g.tree && s == 0 {
			vuln = "{tree: t}"
		}
		mag := fmt.Sprintf("%d", 10000*(1+r.IntN(50)))
		if r.IntN(3) > 0 {
			lo := 5000 * (1 + r.IntN(10))
			mag = fmt.Sprintf("{lognormal90: [%d, %d]}", lo, lo*(5+r.IntN(50)))
		}
		fmt.Fprintf(&b, "  - id: s%d\n    name: Scenario %d\n    actor: %s\n    assets: [a]\n    effect: integrity\n    frequency: %s\n    vulnerability: %s\n    magnitude: %s\n",
			s, s, actor, freq, vuln, mag)
		if r.IntN(3) == 0 {
			fmt.Fprintf(&b, "    secondary: {probability: %g, magnitude: {lognormal90: [20000, 500000]}}\n", round(0.1+0.5*r.Float64()))
		}
	}
	if g.tree {
		b.WriteString(`trees:
  - id: t
    name: T
    root:
      id: goal
      name: Goal
      gate: or
      children:
        - id: phish
          name: Phish
          probability: 0.5
          countermeasures:
            - {id: keys, name: Keys, control: c0, probability: 0.9}
        - id: exploit
          name: Exploit
          probability: 0.3
          countermeasures:
            - {id: patch, name: Patch, control: c1, probability: 0.7}
`)
	}
	return b.String()
}

// bruteForce evaluates every portfolio of m's proposed controls
// independently of the planner's machinery: every configuration straight
// from sim.Losses, every portfolio summed from scratch.
type bruteForce struct {
	m      *model.Model
	cands  []model.Control
	costs  []float64
	q      float64
	z      quantizer
	trials int
	sims   *bfSims
	objs   []float64 // objective of each portfolio (bit i: candidate i), as the search compares it
	shown  []float64 // the objective as a run gives it: the mean, or the sketch's quantile
}

// bfSims are scenarios' simulated losses by scenario and controls in
// force, shared by the brute forces of one model, seed and trials.
type bfSims struct {
	mean map[string]float64
	vec  map[string][]float64
}

func newBFSims() *bfSims { return &bfSims{mean: map[string]float64{}, vec: map[string][]float64{}} }

func newBruteForce(tb testing.TB, m *model.Model, opt Options, sims ...*bfSims) *bruteForce {
	tb.Helper()
	opt, err := normalise(opt)
	if err != nil {
		tb.Fatal(err)
	}
	bf := &bruteForce{m: m, q: quantileOf(opt.Objective), trials: int(opt.Trials), sims: newBFSims()}
	if len(sims) > 0 {
		bf.sims = sims[0]
	}
	for _, c := range m.Controls {
		if c.Status == model.StatusProposed {
			bf.cands = append(bf.cands, c)
			bf.costs = append(bf.costs, c.Cost.Yearly+c.Cost.Once/opt.Horizon)
		}
	}
	n := len(bf.cands)
	// Which candidates act on which scenario, from the model directly.
	acts := func(c model.Control, s model.Scenario) bool {
		for _, e := range c.Effects {
			if e.Scenario == s.ID {
				return true
			}
		}
		if s.Vulnerability.Tree != "" {
			return slices.Contains(treeControls(&m.TreeByID(s.Vulnerability.Tree).Root), c.ID)
		}
		return false
	}
	losses := func(s model.Scenario, sel uint32) (float64, []float64) {
		var inForce []string
		var key strings.Builder
		key.WriteString(s.ID)
		for _, c := range m.Controls {
			on := c.Status == model.StatusImplemented
			// Up to 8 candidates, every selected control is put in force and
			// sim decides what matters; beyond, only those acting on s (fewer
			// simulations).
			if i := slices.IndexFunc(bf.cands, func(x model.Control) bool { return x.ID == c.ID }); i >= 0 && sel&(1<<i) != 0 && (n <= 8 || acts(c, s)) {
				on = true
				key.WriteString("/" + c.ID)
			}
			if on {
				inForce = append(inForce, c.ID)
			}
		}
		k := key.String()
		if _, ok := bf.sims.mean[k]; !ok {
			l, err := sim.Losses(context.Background(), m, sim.Options{Trials: opt.Trials, Seed: opt.Seed, Controls: inForce}, s.ID)
			if err != nil {
				tb.Fatal(err)
			}
			bf.sims.mean[k], bf.sims.vec[k] = l.Mean, l.Loss
		}
		return bf.sims.mean[k], bf.sims.vec[k]
	}
	maxLoss := 0.0
	for _, s := range m.Scenarios {
		_, v := losses(s, 0)
		for _, x := range v {
			maxLoss = max(maxLoss, float64(x))
		}
	}
	bf.z = newQuantizer(maxLoss, len(m.Scenarios))
	bf.objs = make([]float64, 1<<n)
	bf.shown = make([]float64, 1<<n)
	totals := make([]int64, opt.Trials)
	sums := make([]float64, opt.Trials)
	for sel := range uint32(1 << n) {
		var mean float64
		clear(totals)
		clear(sums)
		for _, s := range m.Scenarios {
			mu, v := losses(s, sel)
			mean += mu
			for t, x := range v {
				totals[t] += bf.z.q(x)
				sums[t] += x
			}
		}
		if bf.q == 0 {
			bf.objs[sel], bf.shown[sel] = mean, mean
			continue
		}
		sorted := slices.Clone(totals)
		slices.Sort(sorted)
		bf.objs[sel] = float64(sorted[rank(bf.q, len(sorted))-1])
		bf.shown[sel] = sim.Quantile(sums, bf.q)
	}
	return bf
}

func (bf *bruteForce) cost(sel uint32) float64 {
	var c float64
	for i := range bf.cands {
		if sel&(1<<i) != 0 {
			c += bf.costs[i]
		}
	}
	return c
}

// index is the portfolio of the candidates ids.
func (bf *bruteForce) index(ids []string) uint32 {
	var sel uint32
	for i, c := range bf.cands {
		if slices.Contains(ids, c.ID) {
			sel |= 1 << i
		}
	}
	return sel
}

func (bf *bruteForce) ids(sel uint32) []string {
	out := []string{}
	for i, c := range bf.cands {
		if sel&(1<<i) != 0 {
			out = append(out, c.ID)
		}
	}
	return out
}

// best is the optimum within budget: lowest objective, then fewer
// controls, then lower cost, then sorted ids.
func (bf *bruteForce) best(budget float64) uint32 {
	best := uint32(0)
	for sel := range uint32(len(bf.objs)) {
		if bf.cost(sel) > budget {
			continue
		}
		if bf.less(sel, best) {
			best = sel
		}
	}
	return best
}

func (bf *bruteForce) less(a, b uint32) bool {
	if bf.objs[a] != bf.objs[b] {
		return bf.objs[a] < bf.objs[b]
	}
	na, nb := len(bf.ids(a)), len(bf.ids(b))
	if na != nb {
		return na < nb
	}
	if ca, cb := bf.cost(a), bf.cost(b); ca != cb {
		return ca < cb
	}
	ia, ib := bf.ids(a), bf.ids(b)
	slices.Sort(ia)
	slices.Sort(ib)
	return slices.Compare(ia, ib) < 0
}

// frontier is the exact list of non-dominated (cost, objective) points.
func (bf *bruteForce) frontier() [][2]float64 {
	all := make([]uint32, len(bf.objs))
	for i := range all {
		all[i] = uint32(i)
	}
	slices.SortFunc(all, func(a, b uint32) int {
		if ca, cb := bf.cost(a), bf.cost(b); ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
		if bf.less(a, b) {
			return -1
		}
		return 1
	})
	var out [][2]float64
	for _, sel := range all {
		if len(out) == 0 || bf.objs[sel] < out[len(out)-1][1] {
			out = append(out, [2]float64{bf.cost(sel), bf.objs[sel]})
		}
	}
	return out
}

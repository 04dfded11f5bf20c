package plan

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/scrutin/scrutin/internal/sim"
)

// config is a scenario in a configuration: the bit mask of the candidates
// of C_s in force.
type config struct {
	s    int
	mask uint64
}

// entry is what the cache holds of a simulated configuration: its exact
// mean annual loss always, its per-trial losses while memory allows. With
// a harm objective, mean and vec are those of the objective's harm
// instead, and money keeps the mean annual loss.
type entry struct {
	mean   float64
	money  float64   // mean annual loss
	events int64     // loss events over all trials
	vec    []float64 // nil when not kept
	used   uint64    // the cache's clock at the last request, for eviction
}

// cache simulates each (scenario, configuration) once, in parallel, and
// keeps the results. Memory: an entry costs a few dozen bytes; its
// per-trial losses 8 bytes a trial. Vectors are kept only when asked for
// (a quantile objective, or the portfolios a report describes) and within
// limit bytes; beyond, the least recently requested are dropped, and
// simulated again if asked for later (same numbers: the streams are fixed).
type cache struct {
	ctx      context.Context
	p        *problem
	seed     uint64
	workers  int
	entries  []map[uint64]*entry // per scenario
	vecBytes int64
	limit    int64
	clock    uint64
	sims     int

	progress    func(done, total int64)
	done, total int64
}

func newCache(ctx context.Context, p *problem, opt Options) *cache {
	c := &cache{ctx: ctx, p: p, seed: opt.Seed, workers: opt.Workers, limit: opt.MemoryLimit, progress: opt.Progress}
	if c.workers <= 0 {
		c.workers = runtime.GOMAXPROCS(0)
	}
	c.entries = make([]map[uint64]*entry, len(p.scens))
	for i := range c.entries {
		c.entries[i] = map[uint64]*entry{}
	}
	return c
}

// get returns the entry of k, which need must have provided.
func (c *cache) get(k config) *entry { return c.entries[k.s][k.mask] }

// need makes sure every configuration of ks has its mean, and its
// per-trial losses too when vectors is set; the ones missing are simulated
// in parallel. Entries of this request are not evicted by it.
func (c *cache) need(ks []config, vectors bool) error {
	if err := c.ctx.Err(); err != nil {
		return err // searches check for interruption here
	}
	c.clock++
	var missing []config
	seen := map[config]bool{}
	for _, k := range ks {
		e := c.entries[k.s][k.mask]
		if e != nil {
			e.used = c.clock
		}
		if (e == nil || (vectors && e.vec == nil)) && !seen[k] {
			seen[k] = true
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	res, err := c.simulate(missing, vectors)
	if err != nil {
		return err
	}
	for i, k := range missing {
		e := c.entries[k.s][k.mask]
		mean, vec := c.objectiveOf(res[i])
		if e == nil {
			e = &entry{mean: mean, money: res[i].Mean, events: res[i].Events}
			c.entries[k.s][k.mask] = e
		}
		e.used = c.clock
		if vectors {
			e.vec = vec
			c.vecBytes += 8 * int64(len(e.vec))
		}
	}
	c.evict()
	return nil
}

// objectiveOf is the mean and per-trial values (nil in a summary) of
// what the objective is a statistic of, in a simulated configuration:
// its losses, or its harms in the objective's dimension (zeros for a
// scenario that does not draw that harm).
func (c *cache) objectiveOf(l *sim.ScenarioLosses) (float64, []float64) {
	d := c.p.harm
	if d < 0 {
		return l.Mean, l.Loss
	}
	if l.Loss == nil {
		return l.HarmMean[d], nil
	}
	if l.Harm[d] == nil {
		return l.HarmMean[d], make([]float64, len(l.Loss))
	}
	return l.HarmMean[d], l.Harm[d]
}

// evict drops the least recently requested vectors beyond the limit.
func (c *cache) evict() {
	if c.vecBytes <= c.limit {
		return
	}
	type old struct {
		k    config
		used uint64
	}
	var olds []old
	for s, m := range c.entries {
		for mask, e := range m {
			if e.vec != nil && e.used < c.clock {
				olds = append(olds, old{config{s, mask}, e.used})
			}
		}
	}
	slices.SortFunc(olds, func(a, b old) int {
		return cmp.Or(cmp.Compare(a.used, b.used), cmp.Compare(a.k.s, b.k.s), cmp.Compare(a.k.mask, b.k.mask))
	})
	for _, o := range olds {
		if c.vecBytes <= c.limit {
			break
		}
		e := c.get(o.k)
		c.vecBytes -= 8 * int64(len(e.vec))
		e.vec = nil
	}
}

// simulate runs sim.Losses for each configuration: as many at once as
// there are workers, each on one core (or, for fewer configurations than
// workers, each on several).
func (c *cache) simulate(ks []config, vectors bool) ([]*sim.ScenarioLosses, error) {
	simulate := sim.LossSummary
	switch {
	case c.p.harm >= 0 && vectors:
		simulate = sim.HarmLosses
	case c.p.harm >= 0:
		simulate = sim.HarmLossSummary
	case vectors:
		simulate = sim.Losses
	}
	c.total += int64(len(ks)) * c.p.trials
	c.report()
	out := make([]*sim.ScenarioLosses, len(ks))
	errs := make([]error, len(ks))
	per := max(1, c.workers/len(ks))
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(c.workers, len(ks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ks) || c.ctx.Err() != nil {
					return
				}
				k := ks[i]
				opt := sim.Options{Trials: c.p.trials, Seed: c.seed, Controls: c.p.controls(k.s, k.mask), Workers: per}
				out[i], errs[i] = simulate(c.ctx, c.p.m, opt, c.p.scens[k.s].id)
				mu.Lock()
				c.done += c.p.trials
				c.report()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := c.ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	c.sims += len(ks)
	return out, nil
}

func (c *cache) report() {
	if c.progress != nil {
		c.progress(c.done, c.total)
	}
}

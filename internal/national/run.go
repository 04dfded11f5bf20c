package national

import (
	"context"
	"slices"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

// Options control a national run.
type Options struct {
	Trials int64
	Seed   uint64
	// Workers is the number of goroutines of each simulation (0:
	// GOMAXPROCS); it never changes the result.
	Workers int
	// Progress, if set, is called with the trials simulated so far out of
	// all the run's simulations (the joint one, each organisation's and
	// the independent one).
	Progress func(done, total int64)
}

// Result is what a national run shows: portfolio-level figures only, for
// the nation and for each organisation, never a scenario's.
type Result struct {
	Trials   int64  `json:"trials"`
	Seed     uint64 `json:"seed"`
	Currency string `json:"currency"`
	// CycleYears is the years between two elections when the models
	// simulate one election (they have a calendar), else absent.
	CycleYears float64 `json:"cycle_years,omitempty"`
	// Portfolio is the national annual loss (and harms): the sum, trial by
	// trial, of every organisation's.
	Portfolio sim.Portfolio `json:"portfolio"`
	// Organisations are each organisation's annual loss, simulated on the
	// same random numbers as in the national run: the same figures as its
	// part of the national portfolio.
	Organisations []Contribution `json:"organisations"`
	// Independent are the national figures had the organisations' actors
	// nothing in common (each its own activity).
	Independent Figures `json:"independent"`
	// Diversification compares the national tail with the organisations'.
	Diversification Diversification `json:"diversification"`
	// Shared lists the activities drawn in common and the organisations
	// whose actors draw them.
	Shared []SharedActivity `json:"shared"`
}

// Contribution is one organisation's part of the national risk.
type Contribution struct {
	Org   string `json:"org"`
	Model string `json:"model"`
	Figures
	// ShareOfMean is the organisation's mean over the national mean (0
	// when the national mean is 0).
	ShareOfMean float64 `json:"share_of_mean"`
}

// Figures summarise an annual loss.
type Figures struct {
	Mean      float64       `json:"mean"`
	SD        float64       `json:"sd"`
	PNoLoss   float64       `json:"p_no_loss"`
	Quantiles sim.Quantiles `json:"quantiles"`
}

// Diversification sets the national 99th percentile against the sum of
// the organisations' (what the nation would face if every organisation
// had its 1-in-100 year at once) and against the national one with
// independent actors.
type Diversification struct {
	SumOfP99       float64 `json:"sum_of_p99"`
	P99            float64 `json:"p99"`
	IndependentP99 float64 `json:"independent_p99"`
	// Benefit is 1 − P99 / SumOfP99: the share of the sum the nation does
	// not face because bad years do not all coincide (0 when the sum is 0).
	Benefit float64 `json:"benefit"`
}

// SharedActivity is an activity that actors of several organisations draw
// in common.
type SharedActivity struct {
	Name   string   `json:"name"`
	Actors []string `json:"actors"`
	Orgs   []string `json:"orgs"`
}

func figures(p sim.Portfolio) Figures {
	return Figures{Mean: p.Mean, SD: p.SD, PNoLoss: p.PNoLoss, Quantiles: p.Quantiles}
}

// Run simulates the members together, each alone on the same random
// numbers, and together again with independent actors. The members'
// models are not changed.
func Run(ctx context.Context, members []Member, opt Options) (*Result, error) {
	joint, actorOrg, err := compose(members, Joint)
	if err != nil {
		return nil, err
	}
	independent, err := Compose(members, Independent)
	if err != nil {
		return nil, err
	}
	runs := int64(len(members) + 2)
	var base int64
	simulate := func(m *model.Model) (*sim.Result, error) {
		o := sim.Options{Trials: opt.Trials, Seed: opt.Seed, Workers: opt.Workers}
		if opt.Progress != nil {
			b := base
			o.Progress = func(done, _ int64) { opt.Progress(b+done, runs*opt.Trials) }
		}
		res, err := sim.Run(ctx, m, o)
		base += opt.Trials
		return res, err
	}
	jr, err := simulate(joint)
	if err != nil {
		return nil, err
	}
	out := &Result{Trials: jr.Trials, Seed: jr.Seed, Currency: jr.Currency, CycleYears: jr.CycleYears, Portfolio: jr.Portfolio, Shared: shared(joint, actorOrg)}
	for _, mb := range members {
		alone, err := Compose([]Member{mb}, Joint)
		if err != nil {
			return nil, err
		}
		r, err := simulate(alone)
		if err != nil {
			return nil, err
		}
		c := Contribution{Org: mb.Org, Model: mb.Model.Name, Figures: figures(r.Portfolio)}
		if out.Portfolio.Mean > 0 {
			c.ShareOfMean = c.Mean / out.Portfolio.Mean
		}
		out.Organisations = append(out.Organisations, c)
		out.Diversification.SumOfP99 += c.Quantiles.P99
	}
	ir, err := simulate(independent)
	if err != nil {
		return nil, err
	}
	out.Independent = figures(ir.Portfolio)
	d := &out.Diversification
	d.P99, d.IndependentP99 = out.Portfolio.Quantiles.P99, out.Independent.Quantiles.P99
	if d.SumOfP99 > 0 {
		d.Benefit = 1 - d.P99/d.SumOfP99
	}
	return out, nil
}

// shared lists the activities of the composed model that actors of more
// than one organisation draw.
func shared(m *model.Model, actorOrg map[string]string) []SharedActivity {
	byName := map[string]*SharedActivity{}
	var names []string
	for _, a := range m.Actors {
		if a.SharedID == "" {
			continue
		}
		s := byName[a.SharedID]
		if s == nil {
			s = &SharedActivity{Name: a.SharedID}
			byName[a.SharedID] = s
			names = append(names, a.SharedID)
		}
		s.Actors = append(s.Actors, a.ID)
	}
	var out []SharedActivity
	for _, n := range names {
		s := byName[n]
		orgs := map[string]bool{}
		for _, id := range s.Actors {
			orgs[actorOrg[id]] = true
		}
		if len(orgs) < 2 {
			continue
		}
		for o := range orgs {
			s.Orgs = append(s.Orgs, o)
		}
		slices.Sort(s.Orgs)
		out = append(out, *s)
	}
	return out
}

package plan

import "github.com/scrutin/scrutin/internal/sim"

// significance compares, for the portfolio and each scenario, the annual
// loss with the tolerance curve before (implemented only) and after the
// plan: the runs' exact counts of the simulated years above each point.
func (s *solver) significance(before, after *sim.Result) Significance {
	m := s.p.m
	sig := Significance{Tolerance: len(m.Tolerance) > 0, Scenarios: []ScopeVerdict{}}
	bp, ap := before.Portfolio, after.Portfolio
	sig.Portfolio = s.scope("", riskOf(bp.Mean, bp.Quantiles), riskOf(ap.Mean, ap.Quantiles),
		bp.Stats.ToleranceExceedance, ap.Stats.ToleranceExceedance)
	for si, sc := range s.p.scens {
		b, a := before.Scenarios[si], after.Scenarios[si]
		sig.Scenarios = append(sig.Scenarios, s.scope(sc.id, riskOf(b.Mean, b.Quantiles), riskOf(a.Mean, a.Quantiles),
			b.Stats.ToleranceExceedance, a.Stats.ToleranceExceedance))
	}
	return sig
}

// scope is one scope's verdict from its exceedance probabilities at each
// tolerance point, before and after.
func (s *solver) scope(id string, before, after Risk, pb, pa []float64) ScopeVerdict {
	v := ScopeVerdict{ID: id, Before: before, After: after, Points: []ToleranceCheck{}}
	for i, tp := range s.p.m.Tolerance {
		c := ToleranceCheck{Loss: tp.Loss, Limit: tp.Probability, Before: pb[i], After: pa[i]}
		v.SignificantBefore = v.SignificantBefore || c.Before > c.Limit
		v.SignificantAfter = v.SignificantAfter || c.After > c.Limit
		v.Points = append(v.Points, c)
	}
	return v
}

package plan

import (
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

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
	if s.p.harms {
		sig.Harms = harmVerdicts(m, before, after)
		b, a := before.Verdict != nil && before.Verdict.Significant, after.Verdict != nil && after.Verdict.Significant
		sig.SignificantBefore, sig.SignificantAfter = &b, &a
	}
	return sig
}

// harmVerdicts compares each harm dimension of the runs before and after
// the plan with its tolerance.
func harmVerdicts(m *model.Model, before, after *sim.Result) []HarmVerdict {
	out := []HarmVerdict{}
	for _, h := range m.Harms {
		b, a := before.Portfolio.Harms[h.ID], after.Portfolio.Harms[h.ID]
		v := HarmVerdict{ID: h.ID, Name: h.Name, Unit: h.Unit, Before: harmRiskOf(b), After: harmRiskOf(a), Points: []HarmToleranceCheck{}}
		if b.Tolerance != nil && a.Tolerance != nil {
			v.Tolerance = true
			v.BreachedBefore, v.BreachedAfter = b.Tolerance.Breached, a.Tolerance.Breached
			for i, pb := range b.Tolerance.Points {
				v.Points = append(v.Points, HarmToleranceCheck{Above: pb.Above, Limit: pb.Limit, Before: pb.Probability, After: a.Tolerance.Points[i].Probability})
			}
		}
		out = append(out, v)
	}
	return out
}

func harmRiskOf(r sim.HarmResult) HarmRisk {
	return HarmRisk{Mean: r.Mean, PAny: r.PAny, P90: r.Quantiles.P90, P95: r.Quantiles.P95, P99: r.Quantiles.P99}
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

// Stat is the risk's figure for a statistic: mean (or anything else),
// p90, p95 or p99.
func (r Risk) Stat(stat string) float64 {
	switch stat {
	case ObjectiveP90:
		return r.P90
	case ObjectiveP95:
		return r.P95
	case ObjectiveP99:
		return r.P99
	}
	return r.Mean
}

// Stat is the harm's figure for a statistic, as Risk.Stat.
func (r HarmRisk) Stat(stat string) float64 {
	return Risk{Mean: r.Mean, P90: r.P90, P95: r.P95, P99: r.P99}.Stat(stat)
}

package plan

import "slices"

// significance counts, for the portfolio and each scenario, the simulated
// years whose loss exceeds each point of the tolerance curve, before
// (implemented only) and after the plan.
func (s *solver) significance(before, after []uint64, baseTotals, chosenTotals []float64, baseRisk, chosenRisk Risk) Significance {
	m := s.p.m
	sig := Significance{Tolerance: len(m.Tolerance) > 0, Scenarios: []ScopeVerdict{}}
	sig.Portfolio = s.scope("", baseRisk, chosenRisk, baseTotals, chosenTotals)
	for si, sc := range s.p.scens {
		b, a := s.c.entries[si][before[si]], s.c.entries[si][after[si]]
		bt, at := widen(b.vec), widen(a.vec)
		br, ar := Risk{Mean: b.mean}, Risk{Mean: a.mean}
		br.P90, br.P95, br.P99 = quantiles(slices.Clone(bt))
		ar.P90, ar.P95, ar.P99 = quantiles(slices.Clone(at))
		sig.Scenarios = append(sig.Scenarios, s.scope(sc.id, br, ar, bt, at))
	}
	return sig
}

func widen(xs []float32) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

func (s *solver) scope(id string, before, after Risk, bt, at []float64) ScopeVerdict {
	v := ScopeVerdict{ID: id, Before: before, After: after, Points: []ToleranceCheck{}}
	n := float64(len(bt))
	for _, tp := range s.p.m.Tolerance {
		c := ToleranceCheck{Loss: tp.Loss, Limit: tp.Probability,
			Before: float64(exceeding(bt, tp.Loss)) / n, After: float64(exceeding(at, tp.Loss)) / n}
		v.SignificantBefore = v.SignificantBefore || c.Before > c.Limit
		v.SignificantAfter = v.SignificantAfter || c.After > c.Limit
		v.Points = append(v.Points, c)
	}
	return v
}

// exceeding counts the losses above x.
func exceeding(xs []float64, x float64) int {
	n := 0
	for _, v := range xs {
		if v > x {
			n++
		}
	}
	return n
}

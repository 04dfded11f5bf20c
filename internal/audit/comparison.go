package audit

import (
	"fmt"
	"math"
)

// Gamma is the inflation factor γ of the Kaplan–Markov "super-simple"
// ballot-comparison bound (Stark 2010) that Stark's tools, Colorado's
// CORLA and Arlo use.
const Gamma = 1.03905

// Expected discrepancy rates that a first ballot-comparison sample is
// sized for, per ballot: one-vote and two-vote overstatements and
// understatements (Arlo's defaults, from Stark's tools).
const (
	RateOver1  = 0.001
	RateOver2  = 0.0001
	RateUnder1 = 0.001
	RateUnder2 = 0.0001
)

// Comparison is the number of ballots a ballot-comparison audit at risk
// limit alpha (0 < alpha < 1) must compare with their cast-vote records,
// before any is drawn, to confirm the reported outcome o of t when
// discrepancies occur at the expected rates; computed as Arlo computes
// it (docs/audit-maths.md section 3). It is capped at the ballots cast:
// a size equal to them is a full hand count.
func Comparison(t Tally, o *Outcome, alpha float64) (int64, error) {
	if !(alpha > 0 && alpha < 1) {
		return 0, fmt.Errorf("the risk limit must be above 0 and below 1, got %g", alpha)
	}
	mu := o.DilutedMargin
	// What one ballot with each kind of discrepancy does to the log of
	// the Kaplan–Markov bound, per unit of 2γ/μ.
	over1, over2 := math.Log(1-1/(2*Gamma)), math.Log(1-1/Gamma)
	under1, under2 := math.Log(1+1/(2*Gamma)), math.Log(1+1/Gamma)
	// The expected change of the log of the bound per ballot drawn.
	d := math.Log(1-mu/(2*Gamma)) - RateOver1*over1 - RateOver2*over2 - RateUnder1*under1 - RateUnder2*under2
	if d >= 0 {
		return t.Ballots, nil
	}
	lnAlpha := math.Log(alpha)
	n0 := math.Ceil(lnAlpha / d)
	// The discrepancies budgeted for: one-vote ones rounded up, two-vote
	// ones to the nearest (half up).
	o1, u1 := math.Ceil(RateOver1*n0), math.Ceil(RateUnder1*n0)
	o2, u2 := math.Floor(RateOver2*n0+0.5), math.Floor(RateUnder2*n0+0.5)
	n := math.Ceil(-2 * Gamma * (lnAlpha + o1*over1 + o2*over2 + u1*under1 + u2*under2) / mu)
	n = max(n, o1+o2+u1+u2)
	if n >= float64(t.Ballots) {
		return t.Ballots, nil
	}
	return int64(n), nil
}

package audit

import "fmt"

// Assessment is what one contest's reported result says about its
// integrity: how narrow it is, what changing it takes, and what a
// risk-limiting audit at the risk limit must check. It is the one
// computation behind `scrutin audit`, the engine's audit controls, the
// pages and the report.
type Assessment struct {
	Outcome
	// Ballots is the number of ballots cast.
	Ballots int64
	// VoteMargin is the smallest winner–loser margin as a share of the
	// votes (Margin ÷ all candidates' votes).
	VoteMargin float64
	// UnitsToFlip is the smallest number of counting units whose ballots
	// can hold VotesToFlip altered votes; -1 without units.
	UnitsToFlip int
	// Units is the number of counting units (0: none given).
	Units int
	// RiskLimit is the audit's risk limit α.
	RiskLimit float64
	// Bravo are the ballot-polling sizes, uncapped as Arlo gives them.
	Bravo BravoSizes
	// Comparison is the ballot-comparison size (capped at the ballots).
	Comparison int64
}

// Assess computes the assessment of tally t, with the ballots of its
// counting units (nil: none), at risk limit alpha.
func Assess(t Tally, units []int64, alpha float64) (*Assessment, error) {
	o, err := Decide(t)
	if err != nil {
		return nil, err
	}
	a := &Assessment{Outcome: *o, Ballots: t.Ballots, RiskLimit: alpha, UnitsToFlip: -1, Units: len(units)}
	var votes int64
	for _, v := range t.Votes {
		votes += v
	}
	a.VoteMargin = float64(o.Margin) / float64(votes)
	if len(units) > 0 {
		a.UnitsToFlip = UnitsToFlip(units, o.VotesToFlip)
	}
	if a.Bravo, err = Bravo(t, o, alpha); err != nil {
		return nil, err
	}
	if a.Comparison, err = Comparison(t, o, alpha); err != nil {
		return nil, err
	}
	return a, nil
}

// Capped is size n as an audit can draw it: at most the ballots cast,
// and whether that is all of them (a full hand count).
func (a *Assessment) Capped(n int64) (int64, bool) {
	if n >= a.Ballots {
		return a.Ballots, true
	}
	return n, false
}

// PollingSize is the ballot-polling sample that the audit plans for (the
// ASN, capped): the expected number of ballots drawn when the reported
// outcome is right.
func (a *Assessment) PollingSize() int64 {
	n, _ := a.Capped(a.Bravo.ASN)
	return n
}

// Size is the sample of method "polling" (the capped ASN) or "comparison".
func (a *Assessment) Size(method string) (int64, error) {
	switch method {
	case "", MethodPolling:
		return a.PollingSize(), nil
	case MethodComparison:
		return a.Comparison, nil
	}
	return 0, fmt.Errorf("unknown audit method %q (polling or comparison)", method)
}

// The audit methods.
const (
	MethodPolling    = "polling"
	MethodComparison = "comparison"
)

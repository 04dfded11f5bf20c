package sim

import (
	"math"

	"github.com/DataDog/sketches-go/ddsketch"
)

// Result is the outcome of a run, in the shape of DESIGN.md section 2
// (its JSON is what `scrutin run --format json` prints and the API returns).
type Result struct {
	Model    string `json:"model"`
	Trials   int64  `json:"trials"`
	Seed     uint64 `json:"seed"`
	Currency string `json:"currency"`
	// CycleYears is the number of years between two elections of the
	// kind the model simulates (its calendar's cycle_years); given only
	// when the model has a calendar.
	CycleYears float64          `json:"cycle_years,omitempty"`
	Portfolio  Portfolio        `json:"portfolio"`
	Scenarios  []ScenarioResult `json:"scenarios"`
	// Verdict says which tolerances are breached; given only when the
	// model declares harms.
	Verdict *Verdict `json:"verdict,omitempty"`

	// Controls lists the controls that were in force.
	Controls []string `json:"-"`
}

// Portfolio is the distribution of the total annual loss.
type Portfolio struct {
	Mean       float64    `json:"mean"`
	SD         float64    `json:"sd"`
	PNoLoss    float64    `json:"p_no_loss"`
	Quantiles  Quantiles  `json:"quantiles"`
	Exceedance []Point    `json:"exceedance"`
	Tolerance  *Tolerance `json:"tolerance,omitempty"`
	// Harms are the distributions of the annual harms, per dimension id.
	Harms map[string]HarmResult `json:"harms,omitempty"`

	Stats Stats `json:"-"`
}

// ScenarioResult is the distribution of one scenario's annual loss.
type ScenarioResult struct {
	ID                string    `json:"id"`
	Mean              float64   `json:"mean"`
	SD                float64   `json:"sd"`
	PNoLoss           float64   `json:"p_no_loss"`
	LossEventsPerYear float64   `json:"loss_events_per_year"`
	Quantiles         Quantiles `json:"quantiles"`
	Exceedance        []Point   `json:"exceedance"`
	// Harms are the scenario's annual harms, per dimension id it draws.
	Harms map[string]HarmResult `json:"harms,omitempty"`
	// Windows say how often the scenario's loss events fall in each
	// calendar window (given when its timing uses windows).
	Windows map[string]WindowResult `json:"windows,omitempty"`

	Stats Stats `json:"-"`
}

// Stats are figures beyond the result's JSON shape, for reports.
type Stats struct {
	// MeanSE is the Monte Carlo standard error of the mean.
	MeanSE float64
	// Max is the largest simulated annual loss.
	Max float64
	// LossEventsPerYear is the mean number of loss events in a year.
	LossEventsPerYear float64
	// ToleranceExceedance is P(annual loss > loss) at each tolerance point,
	// counted exactly.
	ToleranceExceedance []float64
}

// Quantiles of the annual loss.
type Quantiles struct {
	P10  float64 `json:"p10"`
	P50  float64 `json:"p50"`
	P75  float64 `json:"p75"`
	P90  float64 `json:"p90"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p99.9"`
}

// Point is a point of a loss exceedance curve: P(annual loss > Loss).
type Point struct {
	Loss        float64 `json:"loss"`
	Probability float64 `json:"probability"`
}

// Tolerance compares the portfolio's exceedance probabilities with the
// model's risk-tolerance curve.
type Tolerance struct {
	Breached bool             `json:"breached"`
	Points   []TolerancePoint `json:"points"`
}

// TolerancePoint is P(annual loss > Loss) against the acceptable Limit.
type TolerancePoint struct {
	Loss        float64 `json:"loss"`
	Probability float64 `json:"probability"`
	Limit       float64 `json:"limit"`
}

// exceedanceGrid are the exceedance probabilities at which the loss
// exceedance curve is given: every 5 % from 99 % to 15 %, then
// 10, 7, 5, 3, 2 and 1.5 per decade down to one in a hundred million (cut
// where the trials run out).
var exceedanceGrid = func() []float64 {
	g := []float64{0.99}
	for p := 95; p >= 15; p -= 5 {
		g = append(g, float64(p)/100)
	}
	for d := 1e-1; d > 1e-8/2; d /= 10 {
		for _, f := range []float64{1, 0.7, 0.5, 0.3, 0.2, 0.15} {
			g = append(g, d*f)
		}
	}
	return g
}()

// summary turns the moments and sketch of a scope into its statistics.
func summary(m moments, sk *ddsketch.DDSketch) (mean, sd, pNoLoss float64, q Quantiles, lec []Point, st Stats) {
	if m.N == 0 {
		return
	}
	n := float64(m.N)
	mean, sd = m.mean(), m.sd()
	pNoLoss = float64(m.Zeros) / n
	at := func(p float64) float64 { return quantileAt(sk, p, m.Max) }
	q = Quantiles{at(0.10), at(0.50), at(0.75), at(0.90), at(0.95), at(0.99), at(0.999)}
	pLoss := 1 - pNoLoss
	lec = []Point{}
	for _, p := range exceedanceGrid {
		if p > pLoss || p*n < 1 {
			continue
		}
		loss := at(1 - p)
		if k := len(lec); k > 0 && loss <= lec[k-1].Loss {
			// An atom: P(L > loss) is at most the smaller probability.
			lec[k-1].Probability = p
			continue
		}
		if loss > 0 {
			lec = append(lec, Point{Loss: loss, Probability: p})
		}
	}
	st = Stats{MeanSE: sd / math.Sqrt(n), Max: m.Max, LossEventsPerYear: float64(m.Events) / n}
	for _, c := range m.Exceed {
		st.ToleranceExceedance = append(st.ToleranceExceedance, float64(c)/n)
	}
	return
}

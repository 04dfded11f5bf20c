package report

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/sim"
)

// Calibrated is a result with the calibration behind it.
type Calibrated struct {
	*sim.Result
	Calibration []evidence.Update `json:"calibration,omitempty"`
}

// WithCalibration attaches the updates of a calibration to a result, for
// JSON: the result's shape, plus "calibration" when there was evidence.
func WithCalibration(res *sim.Result, updates []evidence.Update) any {
	if len(updates) == 0 {
		return res
	}
	return Calibrated{res, updates}
}

// JSON writes the result in the shape of DESIGN.md section 2 (v is a
// *sim.Result, or one WithCalibration made).
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// CSVHeader is the header row of the CSV format.
var CSVHeader = []string{"scope", "id", "mean", "sd", "p_no_loss", "loss_events_per_year",
	"p10", "p50", "p75", "p90", "p95", "p99", "p99.9", "max"}

// CSV writes one row for the portfolio, then one per scenario.
func CSV(w io.Writer, res *sim.Result) error {
	cw := csv.NewWriter(w)
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	row := func(scope, id string, mean, sd, p0, ev float64, q sim.Quantiles, max float64) []string {
		return []string{scope, id, f(mean), f(sd), f(p0), f(ev), f(q.P10), f(q.P50), f(q.P75), f(q.P90),
			f(q.P95), f(q.P99), f(q.P999), f(max)}
	}
	p := res.Portfolio
	rows := [][]string{CSVHeader, row("portfolio", "", p.Mean, p.SD, p.PNoLoss, p.Stats.LossEventsPerYear, p.Quantiles, p.Stats.Max)}
	for _, s := range res.Scenarios {
		rows = append(rows, row("scenario", s.ID, s.Mean, s.SD, s.PNoLoss, s.LossEventsPerYear, s.Quantiles, s.Stats.Max))
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

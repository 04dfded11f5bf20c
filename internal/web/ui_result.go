package web

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/sim"
	"github.com/scrutin/scrutin/internal/store"
)

// What the pages show of a succeeded run is computed once per run and
// kept (a run's result never changes once it has succeeded): the parsed
// result, the scenarios' names, their place on the EBIOS RM grid, their
// sparklines. Only the words are added per request, in the reader's
// language.

// runResult is a succeeded run's result, ready for the pages.
type runResult struct {
	orgID   string
	modelID int64
	runID   int64

	Result    *sim.Result
	ModelName string
	Controls  []namedID     // in force, with their names
	Scenarios []scenarioRow // by mean annual loss, largest first
	Grid      *riskGrid
	// Calibrations are the parameters the run's evidence calibrated.
	Calibrations []calibration
	// SparkMaxLoss is the largest loss of the sparklines' common axis.
	SparkMaxLoss float64
	// Harms are the run's harm dimensions (issue 13), Windows how often
	// timed scenarios' events fall in the calendar's windows, Timings
	// the model's multipliers of those events; all empty for a model
	// without harms or calendar.
	Harms   []harmRow
	Windows []windowRow
	Timings []timingRow
	// Election says that one simulated trial is one election (the model
	// has a calendar).
	Election bool
	// Ebios says that the run's model carries an EBIOS RM study.
	Ebios bool
	// dashboard holds the rendered dashboard-result template of the run,
	// by language and organisation (dashResultHTML).
	dashboard sync.Map
}

// namedID is an id with the name the model gives it.
type namedID struct {
	ID, Name string
}

// scenarioRow is a scenario's figures.
type scenarioRow struct {
	ID, Name string
	Mean     float64
	P50, P90 float64
	P99      float64
	// PLoss is P(at least one loss event in a year) = 1 − P(no loss).
	PLoss  float64
	Events float64
	// Severity is the mean loss in a year with a loss: Mean / PLoss.
	Severity float64
	// Gravity and Likelihood are the scenario's levels on the grid, 1 to 4.
	Gravity, Likelihood int
	// Spark is the scenario's exceedance curve as the points of an SVG
	// polyline (sparkViewBox), on axes common to every scenario.
	Spark string
}

// RiskLevel is the scenario's cell colour level on the grid, 1 to 4.
func (r *scenarioRow) RiskLevel() int { return riskLevel(r.Gravity, r.Likelihood) }

// The EBIOS Risk Manager grid (4 levels of gravity × 4 of likelihood).
//
// Likelihood is the probability of at least one loss event in a year,
// 1 − P(no loss): V1 below 5 % (less than once in twenty years), V2 from
// 5 % to 20 %, V3 from 20 % to 50 %, V4 50 % or more (more likely than
// not, every year).
//
// Gravity is the scenario's severity, its mean loss in a year in which it
// strikes (mean annual loss ÷ P(at least one loss event)), so that it
// does not count the likelihood a second time; it is placed on a
// logarithmic scale of decades below a reference loss R: G1 below R/100,
// G2 from R/100 to R/10, G3 from R/10 to R, G4 R or more. R is the
// largest loss of the model's tolerance curve (a loss year that the
// organisation tolerates only rarely); without a tolerance curve, the
// portfolio's P99 annual loss.
//
// A cell's risk level (its colour, and the word printed in it) is the sum
// of the two levels: 2–3 low, 4–5 moderate, 6 high, 7–8 very high.
var likelihoodBounds = [3]float64{0.05, 0.20, 0.50}

// gravityRatios are the bounds of G2, G3 and G4 as fractions of R.
var gravityRatios = [3]float64{0.01, 0.1, 1}

// riskGrid is the grid: rows from G4 (top) to G1, columns from V1 to V4.
type riskGrid struct {
	Rows []gridRow
	// Reference is R; FromTolerance says whether it is the tolerance
	// curve's largest loss (else the portfolio's P99).
	Reference     float64
	FromTolerance bool
	// GravityBounds are R/100, R/10 and R.
	GravityBounds    [3]float64
	LikelihoodBounds [3]float64
}

// LikelihoodRange says which probabilities of a loss event in a year
// make likelihood level v.
func (g *riskGrid) LikelihoodRange(p *i18n.Printer, v int) string {
	b := g.LikelihoodBounds
	switch v {
	case 1:
		return p.T("grid.below", p.Percent(b[0]))
	case 4:
		return p.T("grid.atleast", p.Percent(b[2]))
	}
	return p.T("grid.between", p.Percent(b[v-2]), p.Percent(b[v-1]))
}

// GravityRange says which severities make gravity level g.
func (g *riskGrid) GravityRange(p *i18n.Printer, gr int, currency string) string {
	b := g.GravityBounds
	switch gr {
	case 1:
		return p.T("grid.below", p.Money(b[0], currency))
	case 4:
		return p.T("grid.atleast", p.Money(b[2], currency))
	}
	return p.T("grid.between", p.Money(b[gr-2], currency), p.Money(b[gr-1], currency))
}

type gridRow struct {
	Gravity int
	Cells   []gridCell
}

type gridCell struct {
	Gravity, Likelihood int
	Level               int
	Scenarios           []namedID
}

func riskLevel(g, v int) int {
	switch s := g + v; {
	case s <= 3:
		return 1
	case s <= 5:
		return 2
	case s == 6:
		return 3
	default:
		return 4
	}
}

// level is 1 plus the number of bounds that x reaches.
func level(x float64, bounds [3]float64) int {
	l := 1
	for _, b := range bounds {
		if x >= b {
			l++
		}
	}
	return l
}

// newRiskGrid places the scenarios (setting their levels) on the grid.
func newRiskGrid(res *sim.Result, rows []scenarioRow) *riskGrid {
	g := &riskGrid{Reference: res.Portfolio.Quantiles.P99, LikelihoodBounds: likelihoodBounds}
	if t := res.Portfolio.Tolerance; t != nil {
		for _, p := range t.Points {
			if p.Loss > g.Reference || !g.FromTolerance {
				g.Reference, g.FromTolerance = p.Loss, true
			}
		}
	}
	for i, r := range gravityRatios {
		g.GravityBounds[i] = r * g.Reference
	}
	cells := map[[2]int]*gridCell{}
	for gr := 4; gr >= 1; gr-- {
		row := gridRow{Gravity: gr}
		for v := 1; v <= 4; v++ {
			row.Cells = append(row.Cells, gridCell{Gravity: gr, Likelihood: v, Level: riskLevel(gr, v)})
		}
		g.Rows = append(g.Rows, row)
	}
	for i := range g.Rows {
		for j := range g.Rows[i].Cells {
			c := &g.Rows[i].Cells[j]
			cells[[2]int{c.Gravity, c.Likelihood}] = c
		}
	}
	for i := range rows {
		r := &rows[i]
		r.Gravity, r.Likelihood = 1, level(r.PLoss, likelihoodBounds)
		if g.Reference > 0 {
			r.Gravity = level(r.Severity, g.GravityBounds)
		}
		c := cells[[2]int{r.Gravity, r.Likelihood}]
		c.Scenarios = append(c.Scenarios, namedID{r.ID, r.Name})
	}
	return g
}

// The sparklines' box and axes: log loss from the smallest loss shown to
// the largest of all scenarios, log probability from 10⁻⁴ to 1.
const (
	sparkW, sparkH = 120.0, 32.0
	sparkMinP      = 1e-4
)

func sparkline(pts []sim.Point, minLoss, maxLoss float64) string {
	if len(pts) == 0 || maxLoss <= minLoss {
		return ""
	}
	lx0, lx1 := math.Log10(minLoss), math.Log10(maxLoss)
	ly0 := math.Log10(sparkMinP)
	var b strings.Builder
	for _, p := range pts {
		if p.Loss <= 0 || p.Probability < sparkMinP {
			continue
		}
		x := sparkW * (math.Log10(max(p.Loss, minLoss)) - lx0) / (lx1 - lx0)
		y := sparkH*math.Log10(min(p.Probability, 1))/ly0 + 0 // + 0: no "-0"
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatFloat(x, 'f', 1, 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(y, 'f', 1, 64))
	}
	return b.String()
}

// newRunResult prepares a run's result (and the names of the revision it
// ran) for the pages.
func newRunResult(run *store.Run, modelName string, m *model.Model) (*runResult, error) {
	var res sim.Result
	if err := json.Unmarshal(run.Result, &res); err != nil {
		return nil, fmt.Errorf("run %d: stored result: %w", run.ID, err)
	}
	rr := &runResult{orgID: run.OrgID, modelID: run.ModelID, runID: run.ID, Result: &res, ModelName: modelName}
	names := map[string]string{}
	if m != nil {
		for _, s := range m.Scenarios {
			names[s.ID] = s.Name
		}
		for _, c := range run.Controls {
			n := c
			for _, mc := range m.Controls {
				if mc.ID == c {
					n = mc.Name
				}
			}
			rr.Controls = append(rr.Controls, namedID{c, n})
		}
	}
	var err error
	if rr.Calibrations, err = runCalibrations(run, names); err != nil {
		return nil, err
	}
	minLoss, maxLoss := math.Inf(1), 0.0
	for _, s := range res.Scenarios {
		pl := 1 - s.PNoLoss
		row := scenarioRow{ID: s.ID, Name: names[s.ID], Mean: s.Mean, P50: s.Quantiles.P50, P90: s.Quantiles.P90,
			P99: s.Quantiles.P99, PLoss: pl, Events: s.LossEventsPerYear}
		if pl > 0 {
			row.Severity = s.Mean / pl
		}
		for _, p := range s.Exceedance {
			if p.Loss > 0 && p.Probability >= sparkMinP {
				minLoss, maxLoss = min(minLoss, p.Loss), max(maxLoss, p.Loss)
			}
		}
		rr.Scenarios = append(rr.Scenarios, row)
	}
	slices.SortStableFunc(rr.Scenarios, func(a, b scenarioRow) int { return cmp.Compare(b.Mean, a.Mean) })
	if maxLoss > 0 {
		minLoss = max(minLoss, maxLoss/1e6)
		byID := map[string][]sim.Point{}
		for _, s := range res.Scenarios {
			byID[s.ID] = s.Exceedance
		}
		for i := range rr.Scenarios {
			rr.Scenarios[i].Spark = sparkline(byID[rr.Scenarios[i].ID], minLoss, maxLoss)
		}
		rr.SparkMaxLoss = maxLoss
	}
	rr.Grid = newRiskGrid(&res, rr.Scenarios)
	rr.Harms, rr.Windows, rr.Timings = harmRows(&res, m), windowRows(&res, m, names), timingRows(m)
	rr.Election = res.CycleYears != 0 || (m != nil && m.Calendar != nil)
	rr.Ebios = m != nil && m.Ebios != nil
	return rr, nil
}

// resultCache keeps the prepared results of the runs last shown, and
// the portfolio figures of runs for the trends.
type resultCache struct {
	mu      sync.Mutex
	results map[int64]*runResult
	order   []int64 // oldest first, for eviction
	trend   map[int64]trendFigures
}

// trendFigures are the portfolio figures of a run, for the trend.
type trendFigures struct {
	orgID string
	Mean  float64
	P90   float64
}

const (
	maxCachedResults = 256
	maxCachedTrend   = 100_000
)

func newResultCache() *resultCache {
	return &resultCache{results: map[int64]*runResult{}, trend: map[int64]trendFigures{}}
}

func (c *resultCache) get(run *store.Run) *runResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	rr := c.results[run.ID]
	if rr == nil || rr.orgID != run.OrgID || rr.modelID != run.ModelID {
		return nil
	}
	return rr
}

func (c *resultCache) put(rr *runResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.results[rr.runID]; !ok {
		c.order = append(c.order, rr.runID)
	}
	c.results[rr.runID] = rr
	for len(c.order) > maxCachedResults {
		delete(c.results, c.order[0])
		c.order = c.order[1:]
	}
}

// result prepares a succeeded run of the organisation for the pages,
// from the cache when it can. run must come from a query scoped by the
// organisation, with its result.
func (s *Server) result(ctx context.Context, run *store.Run, modelName string) (*runResult, error) {
	if rr := s.results.get(run); rr != nil {
		return rr, nil
	}
	var m *model.Model
	if rev, err := s.db.Revision(ctx, run.OrgID, run.ModelID, run.Revision); err == nil {
		// Names only: a revision that no longer decodes (a newer
		// validation) still shows its figures, with ids for names.
		m, _ = decodeRevision(modelName, rev)
	} else if model.ErrorCode(err) != model.ENOTFOUND {
		return nil, err
	}
	rr, err := newRunResult(run, modelName, m)
	if err != nil {
		return nil, err
	}
	s.results.put(rr)
	return rr, nil
}

// trendOf returns the portfolio figures of the organisation's runs, from
// the cache, or read from the store (org-scoped) once.
func (s *Server) trendOf(ctx context.Context, org string, runs []store.Run) ([]trendFigures, error) {
	out := make([]trendFigures, len(runs))
	var missing []int
	s.results.mu.Lock()
	for i, r := range runs {
		f, ok := s.results.trend[r.ID]
		if ok && f.orgID == org {
			out[i] = f
		} else {
			missing = append(missing, i)
		}
	}
	s.results.mu.Unlock()
	for _, i := range missing {
		r, err := s.db.Run(ctx, org, runs[i].ID)
		if err != nil {
			return nil, err
		}
		var res struct {
			Portfolio struct {
				Mean      float64 `json:"mean"`
				Quantiles struct {
					P90 float64 `json:"p90"`
				} `json:"quantiles"`
			} `json:"portfolio"`
		}
		if err := json.Unmarshal(r.Result, &res); err != nil {
			return nil, fmt.Errorf("run %d: stored result: %w", r.ID, err)
		}
		out[i] = trendFigures{orgID: org, Mean: res.Portfolio.Mean, P90: res.Portfolio.Quantiles.P90}
	}
	if len(missing) > 0 {
		s.results.mu.Lock()
		if len(s.results.trend)+len(missing) > maxCachedTrend {
			clear(s.results.trend)
		}
		for _, i := range missing {
			s.results.trend[runs[i].ID] = out[i]
		}
		s.results.mu.Unlock()
	}
	return out, nil
}

// verdict says in one sentence of the reader's language whether the
// portfolio is within the model's tolerance: the point exceeded by the
// widest margin, or else the one closest to being exceeded (as the text
// report does).
func verdict(p *i18n.Printer, res *sim.Result) string {
	t := res.Portfolio.Tolerance
	if t == nil || len(t.Points) == 0 {
		return p.T("verdict.none")
	}
	key, exceeded := report.KeyPoint(t)
	loss := p.Money(key.Loss, res.Currency)
	if exceeded == 0 {
		return p.T("verdict.within", loss, p.Percent(key.Probability), p.Percent(key.Limit))
	}
	return p.T("verdict.exceeds", loss, loss, p.Percent(key.Probability), p.Percent(key.Limit), exceeded, len(t.Points))
}

// toleranceState is "within", "exceeds" or "none" (no tolerance curve).
func toleranceState(t *sim.Tolerance) string {
	switch {
	case t == nil || len(t.Points) == 0:
		return "none"
	case t.Breached:
		return "exceeds"
	}
	return "within"
}

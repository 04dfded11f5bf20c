package web

import (
	"time"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/sim"
)

// Charts are drawn in the browser by ECharts (assets/app.js) from a data
// island, <script type="application/json" id=…>, that the page carries
// next to the chart's table; there is no inline script, so the CSP keeps
// script-src 'self'. The island holds the numbers and the words, in the
// page's language; app.js formats the axes with Intl for that language.

// chart is a data island.
type chart struct {
	// ID is the island's element id; the chart's container names it in
	// data-chart.
	ID string `json:"-"`
	// Kind is "lec" (loss exceedance curves, log–log), "trend" (figures
	// over time) or "bars" (horizontal bars).
	Kind     string    `json:"kind"`
	Lang     i18n.Lang `json:"lang"`
	Currency string    `json:"currency,omitempty"`
	XLabel   string    `json:"x_label,omitempty"`
	YLabel   string    `json:"y_label,omitempty"`
	// YUnit is the unit of the y values when they are not money (a harm
	// dimension's, for a plan minimising a harm).
	YUnit  string        `json:"y_unit,omitempty"`
	Series []chartSeries `json:"series"`
}

// chartSeries is a named series of [x, y] points; Role styles it:
// "main", "second", "limit" (a tolerance curve: dashed, red).
type chartSeries struct {
	Name   string       `json:"name"`
	Role   string       `json:"role"`
	Points [][2]float64 `json:"points"`
}

// lecChart is the loss exceedance curve of a portfolio, with the
// tolerance curve when the model has one.
func lecChart(id string, p *i18n.Printer, res *sim.Result) *chart {
	cur := p.Currency(res.Currency)
	c := &chart{ID: id, Kind: "lec", Lang: p.Lang(), Currency: cur,
		XLabel: p.T("chart.loss", cur), YLabel: p.T("chart.exceedance")}
	main := chartSeries{Name: p.T("chart.portfolio"), Role: "main"}
	for _, pt := range res.Portfolio.Exceedance {
		main.Points = append(main.Points, [2]float64{pt.Loss, pt.Probability})
	}
	c.Series = append(c.Series, main)
	if t := res.Portfolio.Tolerance; t != nil && len(t.Points) > 0 {
		lim := chartSeries{Name: p.T("chart.tolerance"), Role: "limit"}
		for _, pt := range t.Points {
			if pt.Loss > 0 && pt.Limit > 0 {
				lim.Points = append(lim.Points, [2]float64{pt.Loss, pt.Limit})
			}
		}
		c.Series = append(c.Series, lim)
	}
	return c
}

// trendPoint is a run's portfolio figures at the time it finished.
type trendPoint struct {
	RunID int64
	At    time.Time
	Mean  float64
	P90   float64
}

// trendChart shows the portfolio's mean and P90 across runs.
func trendChart(id string, p *i18n.Printer, currency string, pts []trendPoint) *chart {
	currency = p.Currency(currency)
	c := &chart{ID: id, Kind: "trend", Lang: p.Lang(), Currency: currency, YLabel: p.T("chart.annualloss", currency)}
	mean := chartSeries{Name: p.T("common.mean"), Role: "main"}
	p90 := chartSeries{Name: p.T("common.p90"), Role: "second"}
	for _, t := range pts {
		ms := float64(t.At.UnixMilli())
		mean.Points = append(mean.Points, [2]float64{ms, t.Mean})
		p90.Points = append(p90.Points, [2]float64{ms, t.P90})
	}
	c.Series = []chartSeries{mean, p90}
	return c
}

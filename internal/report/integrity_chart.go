package report

import (
	"fmt"
	"math"

	"github.com/scrutin/scrutin/internal/audit"
	"github.com/scrutin/scrutin/internal/i18n"
)

// The chart of audit sample size against margin: for a risk limit, the
// BRAVO expected sample (ASN) and the ballot-comparison size of a
// two-candidate contest of curveBallots ballots with no other ballots, on
// log–log axes, with a marker at each of the model's contests.

// curveBallots is the size of the synthetic contest behind the curves:
// large enough that neither size is capped in the margins drawn.
const curveBallots = 10_000_000

// Margins drawn: from minMargin (0.5 %) to maxMargin (50 %), wider when a
// contest lies outside, never below floorMargin.
const (
	minMargin   = 0.005
	maxMargin   = 0.5
	floorMargin = 1e-4
	curvePoints = 41
)

// Chart colours of the two curves and the contests' markers.
const (
	colourPolling    = colourBefore
	colourComparison = colourAfter
	colourContest    = colourPlan
)

// MarginPoint is the sizes of the synthetic contest at one diluted margin.
type MarginPoint struct {
	Margin             float64
	ASN, Comparison    int64
	AllBallots, Capped bool
}

// MarginCurve computes the sizes at risk limit alpha for n diluted margins
// spaced evenly on a log scale from lo to hi.
func MarginCurve(alpha, lo, hi float64, n int) ([]MarginPoint, error) {
	out := make([]MarginPoint, 0, n)
	for i := range n {
		m := lo * math.Pow(hi/lo, float64(i)/float64(n-1))
		w := int64(math.Round(curveBallots * (1 + m) / 2))
		if w >= curveBallots {
			w = curveBallots - 1
		}
		a, err := audit.Assess(audit.Tally{Votes: map[string]int64{"W": w, "L": curveBallots - w}, Winners: 1, Ballots: curveBallots}, nil, alpha)
		if err != nil {
			return nil, err
		}
		asn, full := a.Capped(a.Bravo.ASN)
		out = append(out, MarginPoint{Margin: a.DilutedMargin, ASN: asn, Comparison: a.Comparison,
			AllBallots: a.Bravo.AllBallots || full, Capped: a.Comparison >= a.Ballots})
	}
	return out, nil
}

// MarginChartSVG draws the chart at risk limit alpha, with a marker at
// each contest of cs (assessed at alpha) placed at its diluted margin and
// its ballot-polling size; id names the SVG's title and description.
// Its title and description say the chart in p's language.
func MarginChartSVG(p *i18n.Printer, id string, alpha float64, cs []ContestAudit) (string, error) {
	lo, hi := minMargin, maxMargin
	for _, c := range cs {
		lo, hi = math.Min(lo, c.Assessment.DilutedMargin), math.Max(hi, c.Assessment.DilutedMargin)
	}
	lo, hi = math.Max(lo, floorMargin), math.Min(hi, 1)
	pts, err := MarginCurve(alpha, lo, hi, curvePoints)
	if err != nil {
		return "", err
	}
	ymax := 1.0
	for _, pt := range pts {
		ymax = math.Max(ymax, float64(max(pt.ASN, pt.Comparison)))
	}
	for _, c := range cs {
		ymax = math.Max(ymax, float64(c.Assessment.PollingSize()))
	}
	at := func(m float64) MarginPoint { // the curve's point nearest margin m
		best := pts[0]
		for _, pt := range pts {
			if math.Abs(math.Log(pt.Margin/m)) < math.Abs(math.Log(best.Margin/m)) {
				best = pt
			}
		}
		return best
	}
	one := at(0.01)
	alphaS := Share(p, alpha)
	desc := p.T("integrity.chart.desc", alphaS, Share(p, one.Margin), p.Number(float64(one.ASN), 0), p.Number(float64(one.Comparison), 0))
	for _, c := range cs {
		desc += " " + p.T("integrity.chart.desc.contest", c.Title(), Share(p, c.Assessment.DilutedMargin), p.Number(float64(c.Assessment.PollingSize()), 0))
	}
	s := &svg{w: 760, h: 432}
	s.open(id, p.T("integrity.chart.title", alphaS), desc)

	x0, x1 := math.Floor(math.Log10(lo)+1e-9), math.Ceil(math.Log10(hi)-1e-9)
	if x1 <= x0 {
		x1 = x0 + 1
	}
	y1 := math.Max(1, math.Ceil(math.Log10(ymax)-1e-9))
	left, right, top, bottom := 78.0, 24.0, 60.0, 56.0
	pw, ph := s.w-left-right, s.h-top-bottom
	X := func(m float64) float64 { return left + (math.Log10(m)-x0)/(x1-x0)*pw }
	Y := func(n float64) float64 { return top + (1-math.Log10(math.Max(n, 1))/y1)*ph }

	for d := x0; d <= x1; d++ {
		x := X(math.Pow(10, d))
		s.line(x, top, x, top+ph, colourGrid, 1, "")
		s.text(x, top+ph+18, "middle", "tick", Share(p, math.Pow(10, d)), "")
	}
	for d := 0.0; d <= y1; d++ {
		y := Y(math.Pow(10, d))
		s.line(left, y, left+pw, y, colourGrid, 1, "")
		s.text(left-8, y+4, "end", "tick", p.Compact(math.Pow(10, d)), "")
	}
	s.line(left, top+ph, left+pw, top+ph, colourAxis, 1, "")
	s.line(left, top, left, top+ph, colourAxis, 1, "")
	s.text(left+pw/2, s.h-12, "middle", "axis-title", p.T("integrity.chart.x"), "")
	s.text(16, top+ph/2, "middle", "axis-title", p.T("integrity.chart.y"), fmt.Sprintf(` transform="rotate(-90 16 %s)"`, f1(top+ph/2)))

	var polling, comparison [][2]float64
	for _, pt := range pts {
		polling = append(polling, [2]float64{X(pt.Margin), Y(float64(pt.ASN))})
		comparison = append(comparison, [2]float64{X(pt.Margin), Y(float64(pt.Comparison))})
	}
	s.polyline(polling, colourPolling, 2.5, ` class="curve-polling"`)
	s.polyline(comparison, colourComparison, 2.5, ` class="curve-comparison" stroke-dasharray="7 4"`)
	for _, c := range cs {
		a := c.Assessment
		x, y := X(math.Max(a.DilutedMargin, lo)), Y(float64(a.PollingSize()))
		fmt.Fprintf(&s.b, `<g class="contest-marker" data-contest="%s"><title>%s</title>`, esc(c.ID),
			esc(p.T("integrity.chart.desc.contest", c.Title(), Share(p, a.DilutedMargin), p.Number(float64(a.PollingSize()), 0))))
		s.diamond(x, y, 7, colourContest)
		anchor, dx := "start", 10.0
		if x > left+pw*0.7 {
			anchor, dx = "end", -10
		}
		s.text(x+dx, y-10, anchor, "plan-label", truncate(c.Title(), 32), "")
		s.b.WriteString(`</g>`)
	}
	// Two rows: the three labels are too long for one in French.
	s.legend(left, 20, [][3]string{
		{"line", colourPolling, p.T("integrity.chart.polling")},
		{"dash", colourComparison, p.T("integrity.chart.comparison")},
	})
	s.legend(left, 40, [][3]string{{"diamond", colourContest, p.T("integrity.chart.contest")}})
	return s.close(), nil
}

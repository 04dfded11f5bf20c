package report

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/i18n"
)

// TestMarginChartSVG: the chart of sample size against margin is XML,
// with a title and a description in the page's language, the two curves
// (each falling as the margin grows, polling above comparison) and a
// marker per contest.
func TestMarginChartSVG(t *testing.T) {
	m := loadModel(t, "internal/report/testdata/integrity.yaml")
	var cs []ContestAudit
	for _, c := range AssessContests(m, 0.1) {
		if c.Err != nil {
			t.Fatal(c.Err)
		}
		cs = append(cs, c.Audit)
	}
	for _, lang := range []i18n.Lang{i18n.English, i18n.French} {
		p := i18n.New(lang)
		s, err := MarginChartSVG(p, "chart", 0.1, cs)
		if err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(strings.NewReader(s))
		curves := map[string][][2]float64{}
		markers := map[string]bool{}
		var title, desc string
		var in string
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: not XML: %v", lang, err)
			}
			switch e := tok.(type) {
			case xml.StartElement:
				in = e.Name.Local
				attrs := map[string]string{}
				for _, a := range e.Attr {
					attrs[a.Name.Local] = a.Value
				}
				switch {
				case e.Name.Local == "polyline" && strings.HasPrefix(attrs["class"], "curve-"):
					for _, pt := range strings.Fields(attrs["points"]) {
						x, y, _ := strings.Cut(pt, ",")
						fx, _ := strconv.ParseFloat(x, 64)
						fy, _ := strconv.ParseFloat(y, 64)
						curves[attrs["class"]] = append(curves[attrs["class"]], [2]float64{fx, fy})
					}
				case e.Name.Local == "g" && attrs["class"] == "contest-marker":
					markers[attrs["data-contest"]] = true
				}
			case xml.CharData:
				switch in {
				case "title":
					if title == "" {
						title = string(e)
					}
				case "desc":
					desc += string(e)
				}
			case xml.EndElement:
				in = ""
			}
		}
		if title != p.T("integrity.chart.title", Share(p, 0.1)) || !strings.Contains(desc, cs[0].Title()) {
			t.Errorf("%s: title %q, desc %q", lang, title, desc)
		}
		poll, comp := curves["curve-polling"], curves["curve-comparison"]
		if len(poll) != curvePoints || len(comp) != curvePoints {
			t.Fatalf("%s: curves of %d and %d points, want %d", lang, len(poll), len(comp), curvePoints)
		}
		for i := 1; i < curvePoints; i++ {
			// SVG's y grows downwards: a smaller sample is lower, a larger y.
			if poll[i][1] < poll[i-1][1] || comp[i][1] < comp[i-1][1] || poll[i][0] <= poll[i-1][0] {
				t.Errorf("%s: point %d: the curves do not fall as the margin grows: %v %v", lang, i, poll[i-1:i+1], comp[i-1:i+1])
			}
			if poll[i][1] > comp[i][1] {
				t.Errorf("%s: point %d: ballot polling below ballot comparison", lang, i)
			}
		}
		for _, c := range cs {
			if !markers[c.ID] {
				t.Errorf("%s: no marker for contest %s", lang, c.ID)
			}
		}
		if len(markers) != len(cs) {
			t.Errorf("%s: %d markers for %d contests", lang, len(markers), len(cs))
		}
	}
}

// TestMarginCurveFigures: the curve's points are audit.Assess's sizes of
// the synthetic contest: at a 20 % margin and a 10 % risk limit, the
// comparison size is issue 15's hand value, 27.
func TestMarginCurveFigures(t *testing.T) {
	pts, err := MarginCurve(0.1, 0.2, 0.2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if pts[0].Margin != 0.2 || pts[0].Comparison != 27 {
		t.Errorf("margin 0.2 at 10%%: %+v, want comparison 27", pts[0])
	}
	if _, err := MarginCurve(0, 0.01, 0.5, 5); err == nil {
		t.Error("risk limit 0 accepted")
	}
}

// TestMarginChartExtremeRiskLimits: any risk limit the page accepts
// (above 0, below 1) draws a chart, the tiniest too.
func TestMarginChartExtremeRiskLimits(t *testing.T) {
	m := loadModel(t, "internal/report/testdata/integrity.yaml")
	p := i18n.New(i18n.English)
	for _, alpha := range []float64{1e-300, 1e-6, 0.5, 0.999999} {
		var cs []ContestAudit
		for _, c := range AssessContests(m, alpha) {
			if c.Err != nil {
				t.Fatalf("α %g: %v", alpha, c.Err)
			}
			cs = append(cs, c.Audit)
		}
		s, err := MarginChartSVG(p, "c", alpha, cs)
		if err != nil {
			t.Fatalf("α %g: %v", alpha, err)
		}
		if err := xml.Unmarshal([]byte(s), new(struct{})); err != nil || strings.Contains(s, "NaN") || strings.Contains(s, "Inf") {
			t.Errorf("α %g: not a drawable SVG (%v)", alpha, err)
		}
	}
}

package report

import (
	"math"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/sim"
)

func TestFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Money(0), "0"}, {Money(12.345), "12.35"}, {Money(999.6), "1,000"}, {Money(1234567.8), "1,234,568"},
		{Money(-1234), "-1,234"}, {Money(math.NaN()), "n/a"},
		{Compact(950), "950"}, {Compact(1000), "1k"}, {Compact(1500), "1.5k"}, {Compact(12_000), "12k"},
		{Compact(2_500_000), "2.5M"}, {Compact(1e9), "1G"},
		{Percent(0), "0 %"}, {Percent(1), "100 %"}, {Percent(0.5), "50.0 %"}, {Percent(0.0123), "1.23 %"},
		{Percent(0.00012), "0.012 %"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestVerdict(t *testing.T) {
	res := &sim.Result{Currency: "EUR"}
	if v := Verdict(res); !strings.Contains(v, "No risk tolerance") {
		t.Errorf("no tolerance: %q", v)
	}
	res.Portfolio.Tolerance = &sim.Tolerance{Points: []sim.TolerancePoint{
		{Loss: 1e5, Probability: 0.3, Limit: 0.5}, {Loss: 1e7, Probability: 0.02, Limit: 0.01}}}
	want := "Risk exceeds tolerance at 10,000,000 EUR: P(annual loss > 10,000,000 EUR) = 2.00 % against 1.00 % acceptable (1 of 2 points exceeded)."
	if v := Verdict(res); v != want {
		t.Errorf("got  %q\nwant %q", v, want)
	}
	res.Portfolio.Tolerance.Points[1].Probability = 0.005
	want = "Risk is within tolerance at every point of the tolerance curve (2 points); closest: P(annual loss > 100,000 EUR) = 30.0 % against 50.0 % acceptable."
	if v := Verdict(res); v != want {
		t.Errorf("got  %q\nwant %q", v, want)
	}
}

func TestCurveInterpolation(t *testing.T) {
	c := Curve{Points: []sim.Point{{Loss: 100, Probability: 0.5}, {Loss: 10000, Probability: 0.1}}, Max: 1e6}
	for _, tc := range []struct{ x, want float64 }{
		{10, 0.5}, {100, 0.5}, {1000, 0.3}, {10000, 0.1}, {1e5, 0.05}, {1e6, 0}, {2e6, 0},
	} {
		if got := c.at(tc.x); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("at(%g) = %g, want %g", tc.x, got, tc.want)
		}
	}
}

func TestChart(t *testing.T) {
	var b strings.Builder
	c := Curve{Points: []sim.Point{{Loss: 1e4, Probability: 0.5}, {Loss: 1e6, Probability: 0.01}}, Max: 5e6, Trials: 1e5,
		Limits: []sim.TolerancePoint{{Loss: 1e5, Limit: 0.2}}}
	if err := Chart(&b, c, "EUR"); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 5*rowsPerDecade+3 {
		t.Errorf("%d lines, want %d:\n%s", len(lines), 5*rowsPerDecade+3, out)
	}
	for _, want := range []string{"100 % ┤", "1.00 % ┤", "10k", "100k", "1M", "10M", "×", "EUR, log scales"} {
		if !strings.Contains(out, want) {
			t.Errorf("chart lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	if err := Chart(&b, Curve{Trials: 10}, "EUR"); err != nil || !strings.Contains(b.String(), "no loss") {
		t.Errorf("empty chart: %v %q", err, b.String())
	}
}

func TestKeyPoint(t *testing.T) {
	if k, n := KeyPoint(nil); k != nil || n != 0 {
		t.Errorf("no tolerance: %v %d", k, n)
	}
	tol := &sim.Tolerance{Points: []sim.TolerancePoint{
		{Loss: 1, Probability: 0.6, Limit: 0.5},  // exceeded, ratio 1.2
		{Loss: 2, Probability: 0.2, Limit: 0.1},  // exceeded, ratio 2
		{Loss: 3, Probability: 0.01, Limit: 0.1}, // within
	}}
	if k, n := KeyPoint(tol); k.Loss != 2 || n != 2 {
		t.Errorf("key %v, exceeded %d; want loss 2, 2", k, n)
	}
	tol.Points = append(tol.Points, sim.TolerancePoint{Loss: 4, Probability: 0.001, Limit: 0})
	if k, n := KeyPoint(tol); k.Loss != 4 || n != 3 {
		t.Errorf("zero limit: key %v, exceeded %d; want loss 4, 3", k, n)
	}
	within := &sim.Tolerance{Points: []sim.TolerancePoint{{Loss: 1, Probability: 0.1, Limit: 0.5}, {Loss: 2, Probability: 0.04, Limit: 0.05}}}
	if k, n := KeyPoint(within); k.Loss != 2 || n != 0 {
		t.Errorf("within: key %v, exceeded %d; want the closest, loss 2", k, n)
	}
}

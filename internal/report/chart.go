package report

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/scrutin/scrutin/internal/sim"
)

// Curve is a loss exceedance curve to chart.
type Curve struct {
	Points []sim.Point // P(annual loss > Loss), by increasing loss
	Max    float64     // largest simulated loss
	Trials int64
	Limits []sim.TolerancePoint // tolerance limits to mark, if any
	// What names the loss charted in the legend (default "annual loss").
	What string
}

// at is P(annual loss > x), interpolated linearly in log(loss) between the
// curve's points.
func (c Curve) at(x float64) float64 {
	pts := c.Points
	if len(pts) == 0 || x >= c.Max {
		return 0
	}
	if x <= pts[0].Loss {
		return pts[0].Probability
	}
	for i := 1; i < len(pts); i++ {
		if x <= pts[i].Loss {
			a, b := pts[i-1], pts[i]
			f := math.Log(x/a.Loss) / math.Log(b.Loss/a.Loss)
			return a.Probability + f*(b.Probability-a.Probability)
		}
	}
	last := pts[len(pts)-1]
	if c.Max <= last.Loss {
		return 0
	}
	f := math.Log(x/last.Loss) / math.Log(c.Max/last.Loss)
	return last.Probability * (1 - f)
}

const (
	chartCols     = 56 // plot width in characters
	rowsPerDecade = 3
)

// Chart draws the curve on log-log axes with Unicode braille dots: losses
// across, exceedance probabilities down from 100 %. Tolerance limits show
// as ×.
func Chart(w io.Writer, c Curve, currency string) error {
	if len(c.Points) == 0 {
		_, err := fmt.Fprintln(w, "  (no loss in any simulated year: nothing to chart)")
		return err
	}
	// Axes: whole decades around the data.
	x0 := math.Floor(math.Log10(c.Points[0].Loss))
	x1 := math.Ceil(math.Log10(math.Max(c.Max, c.Points[len(c.Points)-1].Loss*1.0001)))
	for _, l := range c.Limits {
		if l.Loss > 0 {
			x0 = math.Min(x0, math.Floor(math.Log10(l.Loss)))
			x1 = math.Max(x1, math.Ceil(math.Log10(l.Loss*1.0001)))
		}
	}
	if x1 <= x0 {
		x1 = x0 + 1
	}
	minP := math.Max(1/float64(max(c.Trials, 1)), 1e-6)
	decades := int(math.Ceil(-math.Log10(minP)))
	decades = max(1, min(decades, 6))
	rows := decades * rowsPerDecade
	cols := chartCols
	pw, ph := cols*2, rows*4 // braille pixels
	grid := make([][]rune, rows)
	for i := range grid {
		grid[i] = []rune(strings.Repeat(" ", cols))
	}
	set := func(px, py int) {
		if px < 0 || py < 0 || px >= pw || py >= ph {
			return
		}
		cell := &grid[py/4][px/2]
		if *cell == ' ' {
			*cell = 0x2800
		}
		*cell |= brailleBit[py%4][px%2]
	}
	yOf := func(p float64) float64 { // pixel row of probability p, 0 at the top (100 %)
		return -math.Log10(p) / float64(decades) * float64(ph-1)
	}
	xOf := func(px int) float64 { return math.Pow(10, x0+(x1-x0)*float64(px)/float64(pw-1)) }
	prev := -1.0
	for px := range pw {
		p := c.at(xOf(px))
		if p < minP {
			if prev >= 0 { // the curve drops out of the plot: draw down to the floor
				for y := int(prev); y < ph; y++ {
					set(px, y)
				}
			}
			prev = -1
			continue
		}
		y := yOf(p)
		if prev >= 0 { // join to the previous column
			lo, hi := math.Min(prev, y), math.Max(prev, y)
			for yy := int(math.Round(lo)); yy <= int(math.Round(hi)); yy++ {
				set(px, yy)
			}
		}
		set(px, int(math.Round(y)))
		prev = y
	}
	for _, l := range c.Limits {
		if l.Limit <= 0 || l.Loss <= 0 || l.Limit < minP {
			continue
		}
		cx := int(math.Round((math.Log10(l.Loss) - x0) / (x1 - x0) * float64(pw-1)))
		cy := int(math.Round(yOf(l.Limit)))
		if cx >= 0 && cx < pw && cy >= 0 && cy < ph {
			grid[cy/4][cx/2] = '×'
		}
	}
	// Print with a y axis labelled at each decade.
	for r := range rows {
		label := ""
		if r%rowsPerDecade == 0 {
			label = Percent(math.Pow(10, -float64(r/rowsPerDecade)))
		}
		if _, err := fmt.Fprintf(w, "  %8s ┤%s\n", label, string(grid[r])); err != nil {
			return err
		}
	}
	// x axis with a label at each decade.
	axis := []rune(strings.Repeat("─", cols))
	labels := []rune(strings.Repeat(" ", cols+8))
	for d := x0; d <= x1; d++ {
		col := int(math.Round((d - x0) / (x1 - x0) * float64(cols-1)))
		axis[col] = '┬'
		txt := []rune(Compact(math.Pow(10, d)))
		start := min(max(col-len(txt)/2, 0), len(labels)-len(txt))
		copy(labels[start:], txt)
	}
	fmt.Fprintf(w, "  %8s └%s\n", "", string(axis))
	fmt.Fprintf(w, "  %8s  %s\n", "", strings.TrimRight(string(labels), " "))
	what := c.What
	if what == "" {
		what = "annual loss"
	}
	legend := fmt.Sprintf("probability that the %s exceeds the amount (%s, log scales)", what, currency)
	if len(c.Limits) > 0 {
		legend += "; × tolerance limit"
	}
	_, err := fmt.Fprintf(w, "  %8s  %s\n", "", legend)
	return err
}

// brailleBit[row][col] is the dot of a braille cell (U+2800 block).
var brailleBit = [4][2]rune{{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}}

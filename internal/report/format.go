// Package report renders simulation results for people and programs:
// a text report with a terminal chart, JSON and CSV.
package report

import (
	"math"
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/internal/i18n"
)

// Money formats an amount with thousands separators, without decimals
// from 100 on.
func Money(x float64) string {
	switch {
	case math.IsNaN(x):
		return "n/a"
	case math.IsInf(x, 0):
		return "∞"
	case math.Abs(x) >= 100 || x == 0:
		return group(strconv.FormatFloat(math.Round(x), 'f', 0, 64))
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

// SimulatedYears says how many years a run simulated: "1 simulated
// year", "100,000 simulated years".
func SimulatedYears(n int64) string {
	if n == 1 {
		return "1 simulated year"
	}
	return group(strconv.FormatInt(n, 10)) + " simulated years"
}

// Compact formats an amount in a few characters: 950, 12k, 1.2M, 3.4G.
func Compact(x float64) string {
	ax := math.Abs(x)
	unit, div := "", 1.0
	switch {
	case ax >= 1e12:
		unit, div = "T", 1e12
	case ax >= 1e9:
		unit, div = "G", 1e9
	case ax >= 1e6:
		unit, div = "M", 1e6
	case ax >= 1e3:
		unit, div = "k", 1e3
	}
	v := x / div
	prec := 0
	if math.Abs(v) < 10 && unit != "" {
		prec = 1
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	s = strings.TrimSuffix(s, ".0")
	return s + unit
}

// Percent formats a probability as a percentage with sensible precision.
func Percent(p float64) string {
	v := 100 * p
	switch {
	case v == 0 || v == 100:
		return strconv.FormatFloat(v, 'f', 0, 64) + " %"
	case v < 0.1:
		return strconv.FormatFloat(v, 'f', 3, 64) + " %"
	case v < 10:
		return strconv.FormatFloat(v, 'f', 2, 64) + " %"
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " %"
}

func group(digits string) string {
	neg := strings.HasPrefix(digits, "-")
	digits = strings.TrimPrefix(digits, "-")
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Sig writes x with three significant digits in p's language, trailing
// zeros dropped, and whole (grouped) from 100 on: 0.942, 2.65, 28.1,
// 40,175. Harms are written with it everywhere (text, report, pages), so
// that one figure reads the same.
func Sig(p *i18n.Printer, x float64) string {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return p.Number(x, 0)
	}
	d := 2 - int(math.Floor(math.Log10(math.Abs(x))))
	d = max(0, min(d, 8))
	s := p.Number(x, d)
	if d > 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(strings.TrimSuffix(s, "."), ",")
	}
	return s
}

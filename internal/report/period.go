package report

import (
	"strconv"
	"strings"
)

// Period names what one simulated trial is: a year, or, for a model with
// a calendar, one election (held every Cycle years). The text outputs say
// "per election" wherever they mean one.
type Period struct {
	Election bool
	Cycle    float64
}

// RunPeriod is the period of a run: an election when the model had a
// calendar (the result then carries its cycle_years).
func RunPeriod(cycleYears float64) Period {
	return Period{Election: cycleYears != 0, Cycle: cycleYears}
}

// Unit is "year" or "election".
func (p Period) Unit() string {
	if p.Election {
		return "election"
	}
	return "year"
}

// Loss is "annual loss" or "loss per election".
func (p Period) Loss() string {
	if p.Election {
		return "loss per election"
	}
	return "annual loss"
}

// Per is "a year" or "per election", after an amount.
func (p Period) Per() string {
	if p.Election {
		return "per election"
	}
	return "a year"
}

// Trials says how many periods a run simulated: "100,000 simulated
// years", or "100,000 simulated elections (one every 5 years)".
func (p Period) Trials(n int64) string {
	if !p.Election {
		return SimulatedYears(n)
	}
	s := group(strconv.FormatInt(n, 10)) + " simulated elections"
	if n == 1 {
		s = "1 simulated election"
	}
	switch {
	case p.Cycle == 1:
		s += " (one a year)"
	case p.Cycle > 0:
		s += " (one every " + strconv.FormatFloat(p.Cycle, 'g', 4, 64) + " years)"
	}
	return s
}

// upperFirst capitalises the first letter of an ASCII phrase.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

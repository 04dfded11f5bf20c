package model

import (
	"fmt"
	"math"
)

// harms checks the harm dimensions, their tolerances and the calendar,
// and returns the ids of the dimensions and of the windows (nil when the
// decoder could not read them all, so that references are not checked).
func (c *checker) harms() (dims, windows map[string]bool) {
	m := c.m
	if len(m.Harms) > MaxHarms {
		c.add("harms", "a model declares at most %d harm dimensions, got %d", MaxHarms, len(m.Harms))
	}
	dims = c.ids("harms", len(m.Harms), func(i int) string { return m.Harms[i].ID })
	seen := map[string]int{}
	for i, ht := range m.HarmTolerance {
		p := fmt.Sprintf("harm_tolerance[%d]", i)
		c.ref(p+".harm", "unknown harm dimension %q%s", ht.Harm, dims)
		if first, dup := seen[ht.Harm]; dup && ht.Harm != "" {
			c.add(p+".harm", "harm %q already has a tolerance (harm_tolerance[%d]); merge them", ht.Harm, first)
		} else {
			seen[ht.Harm] = i
		}
		for j, pt := range ht.Points {
			pp := fmt.Sprintf("%s.points[%d]", p, j)
			if pt.Above < 0 || math.IsNaN(pt.Above) || math.IsInf(pt.Above, 0) {
				c.add(pp+".above", "a harm level must be a finite number ≥ 0, got %s", num(pt.Above))
			}
			if !(pt.Probability > 0 && pt.Probability <= 1) {
				c.add(pp+".probability", "a tolerated probability must be within (0, 1], got %s", num(pt.Probability))
			}
			if j == 0 {
				continue
			}
			prev := ht.Points[j-1]
			if pt.Above <= prev.Above {
				c.add(pp+".above", "tolerance points must be in increasing order of harm (%s follows %s)", num(pt.Above), num(prev.Above))
			} else if pt.Probability > prev.Probability {
				c.add(pp+".probability", "the acceptable probability cannot grow with the harm (%s above %s after %s above %s)",
					num(pt.Probability), num(pt.Above), num(prev.Probability), num(prev.Above))
			}
		}
	}
	return dims, c.calendar()
}

// calendar checks the season, the cycle and the windows, and returns the
// windows' ids.
func (c *checker) calendar() map[string]bool {
	cal := c.m.Calendar
	if cal == nil {
		return map[string]bool{}
	}
	season := cal.Season()
	if cal.SeasonDays != nil && !(season > 0 && season <= 366*100) {
		c.add("calendar.season_days", "the season must last more than 0 and at most 36600 days, got %s", num(season))
		season = math.NaN() // windows are not checked against it
	}
	if cy := cal.Cycle(); cal.CycleYears != nil && !(cy > 0 && cy <= 100) {
		c.add("calendar.cycle_years", "the years between two elections must be more than 0 and at most 100, got %s", num(cy))
	}
	if len(cal.Windows) > MaxWindows {
		c.add("calendar.windows", "a calendar has at most %d windows, got %d", MaxWindows, len(cal.Windows))
	}
	windows := c.ids("calendar.windows", len(cal.Windows), func(i int) string { return cal.Windows[i].ID })
	for i, w := range cal.Windows {
		p := fmt.Sprintf("calendar.windows[%d]", i)
		if w.StartDay < 0 || math.IsNaN(w.StartDay) || math.IsInf(w.StartDay, 0) {
			c.add(p+".start_day", "a day must be a finite number ≥ 0, got %s", num(w.StartDay))
			continue
		}
		if !(w.Days > 0) || math.IsInf(w.Days, 0) {
			c.add(p+".days", "a window must last more than 0 days, got %s", num(w.Days))
			continue
		}
		if end := w.StartDay + w.Days; end > season {
			c.add(p, "window %q ends on day %s, after the season's %s days", w.ID, num(end), num(season))
		}
	}
	return windows
}

// scenarioHarm checks the harms and timing of scenario i, given the ids
// of the harm dimensions and of the calendar's windows.
func (c *checker) scenarioHarm(i int, dims, windows map[string]bool) {
	s := &c.m.Scenarios[i]
	p := fmt.Sprintf("scenarios[%d]", i)
	for _, id := range sortedKeys(s.Harm) {
		hp := p + ".harm." + id
		c.harmRef(hp, id, dims)
		d := s.Harm[id]
		c.dist(&d, hp, TableMagnitude, NonNegative)
		s.Harm[id] = d // a label is resolved in place
	}
	if len(s.Timing) > 0 && c.m.Calendar != nil && len(c.m.Calendar.Windows) == 0 {
		c.add(p+".timing", "timing needs windows: declare them under calendar.windows")
	}
	for _, w := range sortedKeys(s.Timing) {
		tp := p + ".timing." + w
		if c.m.Calendar == nil {
			c.add(tp, "unknown window %q: the model has no calendar", w)
		} else if len(c.m.Calendar.Windows) > 0 {
			c.ref(tp, "unknown window %q%s", w, windows)
		}
		t := s.Timing[w]
		if t.Magnitude == nil && len(t.Harm) == 0 {
			c.add(tp, "a timing needs at least one multiplier: magnitude or harm")
		}
		if t.Magnitude != nil {
			c.multiplier(tp+".magnitude", *t.Magnitude)
		}
		c.harmMultipliers(tp+".harm", t.Harm, s, dims)
	}
}

// harmMultipliers checks multipliers on the harms of scenario s.
func (c *checker) harmMultipliers(path string, ms map[string]float64, s *Scenario, dims map[string]bool) {
	for _, id := range sortedKeys(ms) {
		hp := path + "." + id
		if c.harmRef(hp, id, dims) && s != nil {
			if _, ok := s.Harm[id]; !ok {
				c.add(hp, "scenario %q has no harm %q to multiply%s", s.ID, id, suggest(id, sortedKeys(s.Harm)))
			}
		}
		c.multiplier(hp, ms[id])
	}
}

// harmRef checks that id is a declared harm dimension, and reports
// whether it is.
func (c *checker) harmRef(path, id string, dims map[string]bool) bool {
	if dims == nil {
		return false // not all read
	}
	if len(dims) == 0 {
		c.add(path, "unknown harm dimension %q: the model declares none under harms", id)
		return false
	}
	if !dims[id] {
		c.ref(path, "unknown harm dimension %q%s", id, dims)
		return false
	}
	return true
}

func (c *checker) multiplier(path string, x float64) {
	if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		c.add(path, "a multiplier must be a finite number ≥ 0, got %s", num(x))
	}
}

package model

import (
	"fmt"
	"math"
	"slices"
)

// MaxEbiosItems bounds each list of an EBIOS study (missions, values,
// feared events, risk origins, stakeholders, strategic scenarios).
const MaxEbiosItems = 1000

// ebios checks the EBIOS RM study: its scales, and every reference from a
// workshop to another or to the model (with the usual did-you-mean).
func (c *checker) ebios(actors, assets, controls, scenarios, dims map[string]bool) {
	e := c.m.Ebios
	if e == nil {
		return
	}
	for _, l := range []struct {
		path string
		n    int
	}{{"missions", len(e.Missions)}, {"values", len(e.Values)}, {"feared_events", len(e.FearedEvents)},
		{"sources", len(e.Sources)}, {"stakeholders", len(e.Stakeholders)}, {"strategic", len(e.Strategic)}} {
		if l.n > MaxEbiosItems {
			c.add("ebios."+l.path, "an EBIOS study has at most %d %s, got %d", MaxEbiosItems, l.path, l.n)
		}
	}
	for _, dim := range sortedKeys(e.Gravity) {
		p := "ebios.gravity." + dim
		if dim != EbiosMoney && dims != nil && !dims[dim] {
			known := map[string]bool{EbiosMoney: true}
			for d := range dims {
				known[d] = true
			}
			c.add(p, "unknown gravity dimension %q%s: money or one of the model's harms", dim, suggest(dim, sortedKeys(known)))
		}
		c.thresholds(p, e.Gravity[dim], math.Inf(1))
	}
	if e.Likelihood != nil {
		c.thresholds("ebios.likelihood", e.Likelihood, 1)
	}
	if z := e.Zones; z != nil {
		if !(z.Control > 0 && z.Control < z.Danger) || math.IsInf(z.Danger, 0) || math.IsNaN(z.Danger) {
			c.add("ebios.zones", "the zones need 0 < control < danger (finite), got control %s and danger %s", num(z.Control), num(z.Danger))
		}
	}

	missions := c.ids("ebios.missions", len(e.Missions), func(i int) string { return e.Missions[i].ID })
	values := c.ids("ebios.values", len(e.Values), func(i int) string { return e.Values[i].ID })
	feared := c.ids("ebios.feared_events", len(e.FearedEvents), func(i int) string { return e.FearedEvents[i].ID })
	sources := c.ids("ebios.sources", len(e.Sources), func(i int) string { return e.Sources[i].ID })
	stakeholders := c.ids("ebios.stakeholders", len(e.Stakeholders), func(i int) string { return e.Stakeholders[i].ID })
	c.ids("ebios.strategic", len(e.Strategic), func(i int) string { return e.Strategic[i].ID })

	for i, v := range e.Values {
		p := fmt.Sprintf("ebios.values[%d]", i)
		c.ref(p+".mission", "unknown mission %q%s", v.Mission, missions)
		if v.Nature != "" && v.Nature != "process" && v.Nature != "information" {
			c.add(p+".nature", "the nature of a business value is \"process\" or \"information\", got %q", v.Nature)
		}
		for j, a := range v.Assets {
			c.ref(fmt.Sprintf("%s.assets[%d]", p, j), "unknown asset %q%s", a, assets)
		}
	}
	for i, f := range e.FearedEvents {
		p := fmt.Sprintf("ebios.feared_events[%d]", i)
		if f.Value == "" {
			c.add(p+".value", "a feared event names the business value it harms")
		}
		c.ref(p+".value", "unknown business value %q%s", f.Value, values)
		if f.Harm != "" && f.Harm != EbiosMoney && dims != nil && !dims[f.Harm] {
			c.add(p+".harm", "unknown dimension %q%s: money or one of the model's harms", f.Harm, suggest(f.Harm, sortedKeys(dims)))
		}
		if f.Gravity != 0 {
			c.level(p+".gravity", f.Gravity)
		}
	}
	for i, s := range e.Sources {
		p := fmt.Sprintf("ebios.sources[%d]", i)
		if s.Actor == "" {
			c.add(p+".actor", "a risk origin is one of the model's actors")
		}
		c.ref(p+".actor", "unknown actor %q%s", s.Actor, actors)
		if s.Objective == "" {
			c.add(p+".objective", "a risk origin needs its target objective, in words")
		}
		c.level(p+".motivation", s.Motivation)
		c.level(p+".resources", s.Resources)
		c.level(p+".activity", s.Activity)
	}
	for i, s := range e.Stakeholders {
		p := fmt.Sprintf("ebios.stakeholders[%d]", i)
		c.ratings(p, StakeholderRatings{s.Dependence, s.Penetration, s.Maturity, s.Trust})
		if s.Residual != nil {
			c.ratings(p+".residual", *s.Residual)
		}
		for j, id := range s.Controls {
			c.ref(fmt.Sprintf("%s.controls[%d]", p, j), "unknown control %q%s", id, controls)
		}
	}
	for i, s := range e.Strategic {
		p := fmt.Sprintf("ebios.strategic[%d]", i)
		if s.Source == "" {
			c.add(p+".source", "a strategic scenario starts from a risk origin / target objective pair (ebios.sources)")
		}
		c.ref(p+".source", "unknown risk origin %q%s", s.Source, sources)
		for j, id := range s.Stakeholders {
			c.ref(fmt.Sprintf("%s.stakeholders[%d]", p, j), "unknown stakeholder %q%s", id, stakeholders)
		}
		if len(s.FearedEvents) == 0 {
			c.add(p+".feared_events", "a strategic scenario reaches at least one feared event")
		}
		for j, id := range s.FearedEvents {
			c.ref(fmt.Sprintf("%s.feared_events[%d]", p, j), "unknown feared event %q%s", id, feared)
		}
		if len(s.Scenarios) == 0 {
			c.add(p+".scenarios", "a strategic scenario is carried out by at least one of the model's scenarios (its operational scenarios)")
		}
		for j, id := range s.Scenarios {
			c.ref(fmt.Sprintf("%s.scenarios[%d]", p, j), "unknown scenario %q%s", id, scenarios)
		}
	}
}

// thresholds checks three increasing level thresholds, each > 0 and
// below limit (exclusive; +Inf: any finite number).
func (c *checker) thresholds(path string, t []float64, limit float64) {
	if len(t) != 3 {
		c.add(path, "three thresholds are needed (where levels 2, 3 and 4 begin), got %d", len(t))
		return
	}
	for i, x := range t {
		if !(x > 0 && x < limit) || math.IsInf(x, 0) {
			if limit == 1 {
				c.add(fmt.Sprintf("%s[%d]", path, i), "a likelihood threshold is a probability within (0, 1), got %s", num(x))
			} else {
				c.add(fmt.Sprintf("%s[%d]", path, i), "a threshold must be a finite number > 0, got %s", num(x))
			}
			return
		}
	}
	if !slices.IsSorted(t) || t[0] == t[1] || t[1] == t[2] {
		c.add(path, "thresholds must increase: %s, %s, %s", num(t[0]), num(t[1]), num(t[2]))
	}
}

// level checks an EBIOS level, 1 to 4.
func (c *checker) level(path string, v int) {
	if v < 1 || v > 4 {
		c.add(path, "a level is 1, 2, 3 or 4, got %d", v)
	}
}

// ratings checks a stakeholder's four ratings.
func (c *checker) ratings(path string, r StakeholderRatings) {
	c.level(path+".dependence", r.Dependence)
	c.level(path+".penetration", r.Penetration)
	c.level(path+".maturity", r.Maturity)
	c.level(path+".trust", r.Trust)
}

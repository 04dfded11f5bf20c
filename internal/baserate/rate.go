package baserate

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/scrutin/scrutin/data"
)

var (
	eu = []string{"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
		"LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "EU"}
	europeOther = []string{"GB", "NO", "CH", "IS", "LI", "UA", "MD", "ME", "MK", "RS", "AL", "BA", "GE"}
)

// CountrySets are the named sets of countries a query may take (ISO
// 3166-1 alpha-2; "EU" stands for the EU's institutions).
var CountrySets = map[string][]string{
	"eu":            eu,
	"europe":        slices.Concat(eu, europeOther),
	"north-america": {"US", "CA"},
}

// SetNames are the names of CountrySets, sorted.
func SetNames() []string { return slices.Sorted(maps.Keys(CountrySets)) }

// BadCountry is the first item of countries (a set's name, "all", or
// country codes separated by commas) that is neither a set nor a country
// code, "" when there is none.
func BadCountry(countries string) string {
	set := strings.TrimSpace(countries)
	if set == "" || set == "all" || CountrySets[set] != nil {
		return ""
	}
	for _, c := range strings.Split(set, ",") {
		if c = strings.ToUpper(strings.TrimSpace(c)); !countryRE.MatchString(c) {
			return c
		}
	}
	return ""
}

// AnyTarget is the target of a query that counts a kind of incident
// whatever it hit: an influence operation aimed at an election touches
// candidates, parties, ministries and election bodies alike.
const AnyTarget = "any"

// Query asks for the yearly rate of one kind of incident against one kind
// of target (or AnyTarget) in a set of countries.
type Query struct {
	Target string `json:"target"`
	Kind   string `json:"kind"`
	// Countries is a set's name (eu, europe, north-america), "all" (every
	// country of the data; the default), or a comma-separated list of
	// country codes.
	Countries string `json:"countries,omitempty"`
	// From and To bound the years counted (0: the data's first and last).
	From int `json:"from,omitempty"`
	To   int `json:"to,omitempty"`
	// Orgs is the number of organisations of the target kind exposed in
	// those countries each year (0: one per country, the default, which
	// the estimate says).
	Orgs float64 `json:"orgs,omitempty"`
}

// Estimate is a base rate and how it was reached.
type Estimate struct {
	Query Query `json:"query"`
	// Countries are the countries counted ("all": those of the data).
	Countries []string `json:"countries"`
	// Incidents are the rows counted, with their sources.
	Incidents []Incident `json:"incidents"`
	Events    int        `json:"events"`
	From      int        `json:"from"`
	To        int        `json:"to"`
	Years     int        `json:"years"`
	// Orgs is the organisations exposed per year; OrgsDefault says it is
	// the default, one per country.
	Orgs        float64 `json:"orgs"`
	OrgsDefault bool    `json:"orgs_default"`
	// Exposure is Orgs × Years, in organisation-years.
	Exposure float64 `json:"exposure"`
	// Shape and Rate are the posterior Gamma's, from the Jeffreys prior
	// Gamma(½, 0): shape ½ + events, rate the exposure.
	Shape float64 `json:"shape"`
	Rate  float64 `json:"rate"`
	// Mean is the posterior mean rate per organisation and year.
	Mean float64 `json:"mean"`
}

// PriorShape is the shape of the Jeffreys prior of a Poisson rate,
// Gamma(½, 0): it lets the incidents speak, and a count of zero still
// gives a proper posterior.
const PriorShape = 0.5

var (
	loadOnce sync.Once
	loaded   []Incident
	loadErr  error
)

// Incidents are the rows of data/incidents.csv, which the binary embeds.
func Incidents() ([]Incident, error) {
	loadOnce.Do(func() { loaded, loadErr = Parse("data/incidents.csv", bytes.NewReader(data.Incidents)) })
	return loaded, loadErr
}

// Rate estimates q's rate from the incidents.
func Rate(incidents []Incident, q Query) (*Estimate, error) {
	if q.Target != AnyTarget && !slices.Contains(TargetKinds, q.Target) {
		return nil, fmt.Errorf("target %q is not one of %s, %s", q.Target, AnyTarget, strings.Join(TargetKinds, ", "))
	}
	if !slices.Contains(IncidentKinds, q.Kind) {
		return nil, fmt.Errorf("kind %q is not one of %s", q.Kind, strings.Join(IncidentKinds, ", "))
	}
	if !(q.Orgs >= 0) || q.Orgs > 1e9 {
		return nil, fmt.Errorf("orgs must be a number of organisations from 0 (one per country) to 10^9, got %g", q.Orgs)
	}
	e := &Estimate{Query: q, Incidents: []Incident{}}
	first, last := 0, 0
	present := map[string]bool{}
	for _, in := range incidents {
		y := in.Year()
		if first == 0 || y < first {
			first = y
		}
		last = max(last, y)
		present[in.Country] = true
	}
	e.From, e.To = first, last
	if q.From != 0 {
		e.From = q.From
	}
	if q.To != 0 {
		e.To = q.To
	}
	if e.From > e.To {
		return nil, fmt.Errorf("the years run from %d to %d: none", e.From, e.To)
	}
	e.Years = e.To - e.From + 1
	set := strings.TrimSpace(q.Countries)
	switch {
	case set == "" || set == "all":
		for c := range present {
			e.Countries = append(e.Countries, c)
		}
		slices.Sort(e.Countries)
	case CountrySets[set] != nil:
		e.Countries = slices.Sorted(slices.Values(CountrySets[set]))
	default:
		if bad := BadCountry(set); bad != "" {
			return nil, fmt.Errorf("countries: %q is neither a country code nor a set (%s, all)", bad, strings.Join(SetNames(), ", "))
		}
		for _, c := range strings.Split(set, ",") {
			if c = strings.ToUpper(strings.TrimSpace(c)); !slices.Contains(e.Countries, c) {
				e.Countries = append(e.Countries, c)
			}
		}
	}
	for _, in := range incidents {
		if (q.Target == AnyTarget || in.TargetKind == q.Target) && in.IncidentKind == q.Kind && slices.Contains(e.Countries, in.Country) && in.Year() >= e.From && in.Year() <= e.To {
			e.Incidents = append(e.Incidents, in)
		}
	}
	e.Events = len(e.Incidents)
	e.Orgs = q.Orgs
	if e.Orgs == 0 {
		e.Orgs, e.OrgsDefault = float64(len(e.Countries)), true
	}
	e.Exposure = e.Orgs * float64(e.Years)
	e.Shape, e.Rate = PriorShape+float64(e.Events), e.Exposure
	e.Mean = e.Shape / e.Rate
	return e, nil
}

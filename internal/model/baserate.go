package model

import (
	"strings"

	"github.com/scrutin/scrutin/internal/baserate"
)

// baseRate resolves a frequency given as {baserate: …} to the Gamma
// posterior of the base rate of publicly reported incidents that it asks
// for (package baserate, data/incidents.csv), keeping the query, so that
// its source and arithmetic travel with the number (scrutin baserate
// prints them). The decoder has checked the target and incident kinds.
func (c *checker) baseRate(d *Dist, path, table string) {
	if table != TableFrequency {
		c.add(path, "a base rate gives a frequency (incidents per year), not this quantity")
		return
	}
	ref := d.BaseRate
	p := path + ".baserate"
	if bad := baserate.BadCountry(ref.Countries); bad != "" {
		c.add(p+".countries", "%q is neither a country code nor a set of countries (%s, all)", bad, strings.Join(baserate.SetNames(), ", "))
		return
	}
	if ref.From != 0 && ref.To != 0 && ref.From > ref.To {
		c.add(p+".to", "the years counted run from %d to %d: none", ref.From, ref.To)
		return
	}
	rows, err := baserate.Incidents()
	if err != nil {
		c.add(p, "the incidents data cannot be read: %v", err)
		return
	}
	e, err := baserate.Rate(rows, baserate.Query{Target: ref.Target, Kind: ref.Kind, Countries: ref.Countries, From: ref.From, To: ref.To, Orgs: ref.Orgs})
	if err != nil {
		c.add(p, "%v", err)
		return
	}
	*d = Dist{Kind: Gamma, Params: []float64{e.Shape, e.Rate}, BaseRate: ref}
}

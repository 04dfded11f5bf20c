package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/scrutin/scrutin/internal/baserate"
	"github.com/scrutin/scrutin/internal/dist"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
)

// BaseRate is a base-rate estimate with its posterior's 5th and 95th
// percentiles, as `scrutin baserate` prints it.
type BaseRate struct {
	*baserate.Estimate
	P5  float64 `json:"p5"`
	P95 float64 `json:"p95"`
}

// NewBaseRate adds the posterior's percentiles to e.
func NewBaseRate(e *baserate.Estimate) (*BaseRate, error) {
	d, err := dist.New(model.Dist{Kind: model.Gamma, Params: []float64{e.Shape, e.Rate}}, model.NonNegative)
	if err != nil {
		return nil, err
	}
	return &BaseRate{Estimate: e, P5: d.Quantile(0.05), P95: d.Quantile(0.95)}, nil
}

// BaseRateJSON writes b as JSON.
func BaseRateJSON(w io.Writer, b *BaseRate) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(b)
}

// BaseRateText writes b with its incidents, their sources and the
// arithmetic.
func BaseRateText(w io.Writer, b *BaseRate) error {
	printerEN := i18n.New(i18n.English)
	var s strings.Builder
	q := b.Query
	where := q.Countries
	if where == "" {
		where = "all"
	}
	against := "a " + q.Target
	if strings.ContainsRune("aeiou", rune(q.Target[0])) {
		against = "an " + q.Target
	}
	if q.Target == baserate.AnyTarget {
		against = "any target"
	}
	fmt.Fprintf(&s, "Base rate of %s against %s, countries %s (%d), %d–%d\n\n", q.Kind, against, where, len(b.Countries), b.From, b.To)
	fmt.Fprintf(&s, "Incidents counted: %d (data/incidents.csv: publicly reported incidents, each with its source)\n", b.Events)
	for _, in := range b.Incidents {
		actor := ""
		if in.Actor != "" {
			actor = " [" + in.Actor + "]"
		}
		fmt.Fprintf(&s, "  %-10s %s%s %s\n             %s\n", in.Date, in.Country, actor, in.Summary, in.Source)
	}
	orgs := fmt.Sprintf("%s organisations of the kind", Sig(printerEN, b.Orgs))
	if b.OrgsDefault {
		orgs = fmt.Sprintf("%d organisations (the default: one per country; give --orgs for the true number)", len(b.Countries))
	}
	fmt.Fprintf(&s, "\nExposure: %s × %d years = %s organisation-years\n", orgs, b.Years, Sig(printerEN, b.Exposure))
	fmt.Fprintf(&s, "Prior: Jeffreys, Gamma(shape %g, rate 0)\n", baserate.PriorShape)
	fmt.Fprintf(&s, "Posterior: Gamma(shape %g + %d = %g, rate %s)\n", baserate.PriorShape, b.Events, b.Shape, Sig(printerEN, b.Rate))
	fmt.Fprintf(&s, "Rate per organisation and year: mean %s (= %g / %s), 90%% interval %s to %s\n",
		Sig(printerEN, b.Mean), b.Shape, Sig(printerEN, b.Rate), Sig(printerEN, b.P5), Sig(printerEN, b.P95))
	fmt.Fprintf(&s, "In a model: frequency: {baserate: {target: %s, kind: %s, countries: %s", q.Target, q.Kind, where)
	if !b.OrgsDefault {
		fmt.Fprintf(&s, ", orgs: %g", b.Orgs)
	}
	fmt.Fprintf(&s, "}}\n\nThe incidents are a sample of what was publicly reported (data/INCIDENTS.md): the rate is a lower bound.\n")
	_, err := io.WriteString(w, s.String())
	return err
}

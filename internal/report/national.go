package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/national"
)

// NationalText writes the readable report of a national run: the
// national loss, each organisation's part, the tail against the sum of
// the organisations' and against independent actors, and the activities
// drawn in common.
func NationalText(w io.Writer, r *national.Result) error {
	bw := bufio.NewWriter(w)
	per := RunPeriod(r.CycleYears)
	cur := r.Currency
	orgs := make([]string, len(r.Organisations))
	for i, c := range r.Organisations {
		orgs[i] = c.Org
	}
	fmt.Fprintf(bw, "National run: %s\n", strings.Join(orgs, ", "))
	fmt.Fprintf(bw, "%s · seed %d · money in %s\n\n", per.Trials(r.Trials), r.Seed, cur)

	fmt.Fprintf(bw, "%s (%s)\n", upperFirst(per.Loss()), cur)
	t := Table{Align: "lrrrrrrr"}
	t.Add("", "mean", "share", "P50", "P90", "P99", "P99.9", "P(no loss)")
	row := func(name string, f national.Figures, share string) {
		q := f.Quantiles
		t.Add(name, Money(f.Mean), share, Money(q.P50), Money(q.P90), Money(q.P99), Money(q.P999), Percent(f.PNoLoss))
	}
	row("national", national.Figures{Mean: r.Portfolio.Mean, SD: r.Portfolio.SD, PNoLoss: r.Portfolio.PNoLoss, Quantiles: r.Portfolio.Quantiles}, Percent(1))
	for _, c := range r.Organisations {
		row("  "+c.Org, c.Figures, Percent(c.ShareOfMean))
	}
	row("independent actors", r.Independent, "")
	t.Write(bw, "  ")
	fmt.Fprintln(bw)

	d := r.Diversification
	fmt.Fprintf(bw, "Tail (1 %s in 100)\n", per.Unit())
	t = Table{Align: "lrl"}
	t.Add("sum of the organisations' P99", Money(d.SumOfP99), cur+" (every organisation's bad "+per.Unit()+" at once)")
	t.Add("national P99", Money(d.P99), fmt.Sprintf("%s (%s less: bad %ss do not all coincide)", cur, Percent(d.Benefit), per.Unit()))
	t.Add("national P99, independent actors", Money(d.IndependentP99), cur+" (had the organisations' attackers nothing in common)")
	t.Write(bw, "  ")
	fmt.Fprintln(bw)

	if len(r.Shared) == 0 {
		fmt.Fprintln(bw, "Activities drawn in common: none (no two organisations name the same ATT&CK group or shared id)")
	} else {
		fmt.Fprintln(bw, "Activities drawn in common (one draw per simulated "+per.Unit()+" for all their actors)")
		for _, s := range r.Shared {
			fmt.Fprintf(bw, "  %s: %s\n", s.Name, strings.Join(s.Actors, ", "))
		}
	}
	if len(r.Portfolio.Harms) > 0 {
		fmt.Fprintln(bw)
		en := i18n.New(i18n.English)
		fmt.Fprintf(bw, "National harms %s\n", per.Per())
		t = Table{Align: "lrrrr"}
		t.Add("harm", "mean", "P90", "P99", "P(any)")
		ids := make([]string, 0, len(r.Portfolio.Harms))
		for id := range r.Portfolio.Harms {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			h := r.Portfolio.Harms[id]
			t.Add(id, Sig(en, h.Mean), Sig(en, h.Quantiles.P90), Sig(en, h.Quantiles.P99), Percent(h.PAny))
		}
		t.Write(bw, "  ")
	}
	return bw.Flush()
}

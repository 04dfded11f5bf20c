package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

// Text writes the readable report of a run of m, with the calibration
// behind it if there was evidence.
func Text(w io.Writer, m *model.Model, res *sim.Result, updates []evidence.Update) error {
	bw := bufio.NewWriter(w)
	cur := res.Currency
	p := res.Portfolio
	per := RunPeriod(res.CycleYears)

	fmt.Fprintf(bw, "%s\n", res.Model)
	fmt.Fprintf(bw, "%s · seed %d · money in %s\n", per.Trials(res.Trials), res.Seed, cur)
	fmt.Fprintf(bw, "Controls in force: %s\n\n", controlList(m, res.Controls))

	fmt.Fprintf(bw, "%s, all scenarios\n", upperFirst(per.Loss()))
	t := Table{Align: "lrl"}
	se := ""
	if p.Mean > 0 {
		se = fmt.Sprintf(" (± %s Monte Carlo standard error)", Percent(p.Stats.MeanSE/p.Mean))
	}
	t.Add("mean", Money(p.Mean), cur+se)
	t.Add("median (P50)", Money(p.Quantiles.P50), cur)
	t.Add("P90", Money(p.Quantiles.P90), cur+" (1 "+per.Unit()+" in 10 is worse)")
	t.Add("P99", Money(p.Quantiles.P99), cur+" (1 "+per.Unit()+" in 100 is worse)")
	t.Add("worst simulated "+per.Unit(), Money(p.Stats.Max), cur)
	t.Add("P(no loss)", Percent(p.PNoLoss), "")
	t.Add("loss events", fmt.Sprintf("%.3g", p.Stats.LossEventsPerYear), "per "+per.Unit())
	t.Write(bw, "  ")
	fmt.Fprintln(bw)

	fmt.Fprintf(bw, "%s\n", Verdict(res))
	if tol := p.Tolerance; tol != nil {
		t = Table{Align: "rrrl"}
		t.Add("loss ("+cur+")", "P("+per.Loss()+" > loss)", "acceptable", "")
		for _, pt := range tol.Points {
			state := "within"
			if pt.Probability > pt.Limit {
				state = "EXCEEDS"
			}
			t.Add(Money(pt.Loss), Percent(pt.Probability), Percent(pt.Limit), state)
		}
		t.Write(bw, "  ")
	}
	fmt.Fprintln(bw)

	fmt.Fprintf(bw, "Scenarios (%s in %s)\n", per.Loss(), cur)
	t = Table{Align: "lrrrrrr"}
	t.Add("scenario", "mean", "P50", "P90", "P99", "P(no loss)", "events/"+per.Unit())
	for _, s := range res.Scenarios {
		t.Add(s.ID, Money(s.Mean), Money(s.Quantiles.P50), Money(s.Quantiles.P90), Money(s.Quantiles.P99),
			Percent(s.PNoLoss), fmt.Sprintf("%.3g", s.LossEventsPerYear))
	}
	t.Write(bw, "  ")
	fmt.Fprintln(bw)
	t = Table{Align: "ll"}
	for _, s := range res.Scenarios {
		if ms := m.ScenarioByID(s.ID); ms != nil {
			t.Add(s.ID, ms.Name)
		}
	}
	t.Write(bw, "  ")
	fmt.Fprintln(bw)

	writeHarms(bw, m, res)

	if len(updates) > 0 {
		writeCalibration(bw, updates)
		fmt.Fprintln(bw)
	}

	fmt.Fprintf(bw, "Loss exceedance curve, all scenarios\n")
	c := Curve{Points: p.Exceedance, Max: p.Stats.Max, Trials: res.Trials, What: per.Loss()}
	if p.Tolerance != nil {
		c.Limits = p.Tolerance.Points
	}
	if err := Chart(bw, c, cur); err != nil {
		return err
	}
	return bw.Flush()
}

// Verdict says in one sentence whether the portfolio's risk is within the
// model's tolerance, with the figures behind it: the point exceeded by the
// widest margin, or else the point closest to being exceeded.
func Verdict(res *sim.Result) string {
	t := res.Portfolio.Tolerance
	if t == nil || len(t.Points) == 0 {
		return "No risk tolerance is set in the model: add a tolerance curve to get a verdict."
	}
	key, exceeded := KeyPoint(t)
	points := fmt.Sprintf("%d point%s", len(t.Points), plural(len(t.Points)))
	figures := fmt.Sprintf("P(%s > %s %s) = %s against %s acceptable",
		RunPeriod(res.CycleYears).Loss(), Money(key.Loss), res.Currency, Percent(key.Probability), Percent(key.Limit))
	if exceeded == 0 {
		return fmt.Sprintf("Risk is within tolerance at every point of the tolerance curve (%s); closest: %s.", points, figures)
	}
	return fmt.Sprintf("Risk exceeds tolerance at %s %s: %s (%d of %s exceeded).",
		Money(key.Loss), res.Currency, figures, exceeded, points)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func controlList(m *model.Model, ids []string) string {
	if len(ids) == 0 {
		return fmt.Sprintf("none (of %d)", len(m.Controls))
	}
	return fmt.Sprintf("%s (%d of %d)", strings.Join(ids, ", "), len(ids), len(m.Controls))
}

// writeCalibration shows, per calibrated parameter, prior and posterior
// (mean and 90 % interval) and the evidence behind the change.
func writeCalibration(w io.Writer, updates []evidence.Update) {
	fmt.Fprintf(w, "Calibration: what the evidence changed (mean, 90 %% interval)\n")
	t := Table{Align: "llrrl"}
	t.Add("scenario", "parameter", "prior", "posterior", "evidence")
	for _, u := range updates {
		var ev []string
		for _, o := range u.Evidence {
			switch {
			case o.Events != nil:
				ev = append(ev, fmt.Sprintf("%s: %g events in %.3g years", o.ID, *o.Events, *o.Exposure))
			case o.Successes != nil:
				ev = append(ev, fmt.Sprintf("%s: %g of %g", o.ID, *o.Successes, *o.Attempts))
			}
		}
		t.Add(u.Scenario, u.Parameter, belief(u.Parameter, u.Prior), belief(u.Parameter, u.Posterior), strings.Join(ev, "; "))
	}
	t.Write(w, "  ")
}

func belief(param string, b evidence.Belief) string {
	f := func(x float64) string {
		if math.Abs(x) >= 100 {
			return Money(x)
		}
		return fmt.Sprintf("%.3g", x)
	}
	if param == model.ParamVulnerability {
		f = Percent
	}
	return fmt.Sprintf("%s [%s–%s]", f(b.Mean), f(b.P5), f(b.P95))
}

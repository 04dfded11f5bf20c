package report

import (
	"math"
	"strings"

	"github.com/scrutin/scrutin/internal/dist"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
)

// words formats for one language: messages, numbers, money and
// percentages.
type words struct {
	p   *i18n.Printer
	cur string
	// election says that one simulated trial is one election (the model
	// has a calendar): the messages of electionKeys then say "election".
	election bool
}

// newWords writes in l; money is in currency, written as the language
// writes it (the euro as € in French).
func newWords(l i18n.Lang, currency string) words {
	p := i18n.New(l)
	return words{p: p, cur: p.Currency(currency)}
}

func (w words) t(key string, args ...any) string {
	if w.election && electionKeys[key] {
		key += ".election"
	}
	return w.p.T(key, args...)
}

// money is an amount with the currency's code.
func (w words) money(x float64) string { return w.p.Money(x, w.cur) }

// amount is an amount without the code (for tables that give it once).
func (w words) amount(x float64) string {
	d := 0
	if math.Abs(x) < 100 && x != 0 {
		d = 2
	}
	return w.p.Number(x, d)
}

func (w words) pct(x float64) string { return w.p.Percent(x) }

// pctWhole is a ratio as a whole percentage (a return on investment).
func (w words) pctWhole(x float64) string {
	sep := "\u00a0%"
	if w.p.Lang() == i18n.English {
		sep = "%"
	}
	return w.p.Number(100*x, 0) + sep
}

// sig is a number with three significant digits (whole numbers from 100
// on), without trailing zeros.
func (w words) sig(x float64) string { return Sig(w.p, x) }

// sigCount is sig as an i18n.Count, for the words that agree with it.
func (w words) sigCount(x float64) i18n.Count {
	s := w.sig(x)
	decimals := 0
	if i := strings.LastIndexAny(s, ".,"); i >= 0 && math.Abs(x) < 100 {
		decimals = len(s) - i - 1 // below 100 there is no thousands separator
	}
	return i18n.Count{N: x, Decimals: decimals, Text: s}
}

// sigPct is a probability as a percentage with three significant digits.
func (w words) sigPct(x float64) string {
	sep := "\u00a0%"
	if w.p.Lang() == i18n.English {
		sep = "%"
	}
	return w.sig(100*x) + sep
}

// quantity is what a distribution measures, which decides its units.
type quantity int

const (
	qFrequency   quantity = iota // events per year
	qProbability                 // a probability
	qMoney                       // a loss in the currency
	qFactor                      // a dimensionless multiplier (activity)
)

// value formats one value of a quantity.
func (w words) value(q quantity, x float64) string {
	switch q {
	case qProbability:
		return w.sigPct(x)
	case qMoney:
		if math.Abs(x) >= 100 {
			return w.amount(x)
		}
		return w.sig(x)
	}
	return w.sig(x)
}

// unit puts a description in the quantity's unit.
func (w words) unit(q quantity, s string) string {
	switch q {
	case qFrequency:
		return w.t("report.dist.peryear", s)
	case qMoney:
		return s + "\u00a0" + w.cur
	}
	return s
}

// describe writes a distribution for people, with its mean: "PERT 0.5 –
// 2 – 10 per year (mean 3.08)".
func (w words) describe(d model.Dist, q quantity) string {
	v := func(i int) string {
		if i < len(d.Params) {
			return w.value(q, d.Params[i])
		}
		return "?"
	}
	raw := func(i int) string {
		if i < len(d.Params) {
			return w.sig(d.Params[i])
		}
		return "?"
	}
	var s string
	switch d.Kind {
	case model.Constant:
		return w.unit(q, v(0))
	case model.PERT:
		s = w.unit(q, w.t("report.dist.pert", v(0), v(1), v(2)))
		if d.Lambda != 0 && d.Lambda != model.DefaultPERTLambda {
			s = w.t("report.dist.lambda", s, w.sig(d.Lambda))
		}
	case model.Triangular:
		s = w.unit(q, w.t("report.dist.triangular", v(0), v(1), v(2)))
	case model.Uniform:
		s = w.unit(q, w.t("report.dist.uniform", v(0), v(1)))
	case model.Lognormal90:
		s = w.unit(q, w.t("report.dist.lognormal90", v(0), v(1)))
	case model.Lognormal:
		s = w.t("report.dist.lognormal", raw(0), raw(1))
	case model.Beta:
		s = w.t("report.dist.beta", raw(0), raw(1))
	case model.Gamma:
		s = w.t("report.dist.gamma", raw(0), raw(1))
	case model.Normal:
		s = w.unit(q, w.t("report.dist.normal", v(0), v(1)))
	default:
		s = d.String()
	}
	if d.Label != "" {
		s = w.t("report.dist.label", d.Label, s)
	}
	dom := model.NonNegative
	if q == qProbability {
		dom = model.Probability
	}
	if dd, err := dist.New(d, dom); err == nil {
		mean := w.value(q, dd.Mean())
		if q == qMoney {
			mean = w.unit(q, mean)
		}
		s = w.t("report.dist.mean", s, mean)
	}
	return s
}

// vulnerability describes a scenario's vulnerability.
func (w words) vulnerability(v model.Vulnerability) string {
	switch {
	case v.Tree != "":
		return w.t("report.dist.tree", v.Tree)
	case v.IsFAIR():
		capability := w.t("report.dist.actorcapability")
		if v.Capability != nil {
			capability = w.describe(*v.Capability, qProbability)
		}
		return w.t("report.dist.fair", capability, w.describe(*v.Resistance, qProbability))
	case v.Prob != nil:
		return w.describe(*v.Prob, qProbability)
	}
	return "—"
}

package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

// HarmKeyPoint is the tolerance point of a harm that tells most: the one
// exceeded by the widest margin, or else the one closest to being
// exceeded; exceeded counts the points exceeded. Nil when t is nil or
// empty.
func HarmKeyPoint(t *sim.HarmTolerance) (key *sim.HarmTolerancePoint, exceeded int) {
	if t == nil {
		return nil, 0
	}
	return mostTelling(t.Points, func(pt *sim.HarmTolerancePoint) (float64, float64) { return pt.Probability, pt.Limit })
}

// mostTelling is the point of a tolerance that tells most: the one whose
// probability exceeds its limit by the widest margin (ratio), else the
// one closest to its limit; it also counts the points exceeded.
func mostTelling[P any](pts []P, of func(*P) (prob, limit float64)) (key *P, exceeded int) {
	var kp, kl float64
	for i := range pts {
		pt := &pts[i]
		p, l := of(pt)
		if p > l {
			exceeded++
		}
		if key == nil || exceedRatio(p, l) > exceedRatio(kp, kl) {
			key, kp, kl = pt, p, l
		}
	}
	return key, exceeded
}

// Amount formats a harm: grouped whole numbers from 100 on, three
// significant digits below ("6.9", "28.1", "0.25").
func Amount(x float64) string { return Sig(english, x) }

var english = i18n.New(i18n.English)

// HarmDims lists the harm dimensions of m that res has figures for, in
// the model's order.
func HarmDims(m *model.Model, res *sim.Result) []model.Harm {
	var out []model.Harm
	for _, h := range m.Harms {
		if _, ok := res.Portfolio.Harms[h.ID]; ok {
			out = append(out, h)
		}
	}
	return out
}

// Lower puts the first letter of a name in lower case to use it inside a
// sentence, unless the name starts with an acronym ("DDoS", "EU").
func Lower(name string) string {
	r, n := utf8.DecodeRuneInString(name)
	if n == 0 || !unicode.IsUpper(r) {
		return name
	}
	if r2, _ := utf8.DecodeRuneInString(name[n:]); unicode.IsUpper(r2) {
		return name
	}
	return string(unicode.ToLower(r)) + name[n:]
}

// BreachedHarms returns the names of the harm dimensions whose tolerance
// res breaches, in the model's order.
func BreachedHarms(m *model.Model, res *sim.Result) []model.Harm {
	if res.Verdict == nil {
		return nil
	}
	var out []model.Harm
	for _, h := range m.Harms {
		if res.Verdict.Harms[h.ID] {
			out = append(out, h)
		}
	}
	return out
}

// OverallVerdict says in one sentence whether the risk is significant and
// which tolerances (money, each harm) are breached: "Significant:
// tolerance exceeded for money and votes altered." Empty when res has no
// verdict (a model without harms).
func OverallVerdict(m *model.Model, res *sim.Result) string {
	v := res.Verdict
	if v == nil {
		return ""
	}
	var names []string
	if v.Money {
		names = append(names, "money")
	}
	for _, h := range BreachedHarms(m, res) {
		names = append(names, Lower(h.Name))
	}
	if !v.Significant || len(names) == 0 {
		return "Not significant: no tolerance of the model is exceeded."
	}
	return fmt.Sprintf("Significant: tolerance exceeded for %s.", joinAnd(names))
}

func joinAnd(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// periodWords names one simulated trial: a year, or an election when the
// model has a calendar (a trial is then one election).
func periodWords(m *model.Model) (one, many string) {
	if m.Calendar != nil {
		return "per election", "election"
	}
	return "a year", "year"
}

// TimingSentences says, per timed scenario and window of m, how much more
// an event that falls in the window costs or harms, from the model's
// timing multipliers: "hack-and-leak: a loss event in Silence before the
// run-off is 3 times as harmful in public trust lost". In scenario,
// calendar and dimension order.
func TimingSentences(m *model.Model) []string {
	if m.Calendar == nil {
		return nil
	}
	var out []string
	for _, s := range m.Scenarios {
		for _, w := range m.Calendar.Windows {
			t, ok := s.Timing[w.ID]
			if !ok {
				continue
			}
			var parts []string
			if t.Magnitude != nil {
				parts = append(parts, "costs "+Times(*t.Magnitude)+" as much")
			}
			for _, h := range m.Harms {
				if x, ok := t.Harm[h.ID]; ok {
					parts = append(parts, "is "+Times(x)+" as harmful in "+Lower(h.Name))
				}
			}
			if len(parts) > 0 {
				out = append(out, fmt.Sprintf("%s: a loss event in %s %s", s.ID, Lower(w.Name), joinAnd(parts)))
			}
		}
	}
	return out
}

// harmProb names P(annual harm > above): "P(any)" for above 0.
func harmProb(above float64, unit string) string {
	if above == 0 {
		return "P(any)"
	}
	return fmt.Sprintf("P(harm > %s %s)", Amount(above), unit)
}

// Times says a multiplier in words: "3 times", "1.5 times", "half" (0.5 times).
func Times(x float64) string {
	if x == 0.5 {
		return "half"
	}
	return strconv.FormatFloat(x, 'g', 3, 64) + " times"
}

// writeHarms writes, per harm dimension, its key figures in plain words
// and its tolerance; then the windows of the timed scenarios and the
// overall verdict. Nothing when the result has no harms and no windows.
func writeHarms(w io.Writer, m *model.Model, res *sim.Result) {
	one, many := periodWords(m)
	dims := HarmDims(m, res)
	if len(dims) > 0 {
		fmt.Fprintf(w, "Harm beyond money (per %s)\n", many)
	}
	for _, h := range dims {
		r := res.Portfolio.Harms[h.ID]
		fmt.Fprintf(w, "%s (%s): mean %s %s; in 1 %s in 10, more than %s; in 1 %s in 100, more than %s; P(any) %s.\n",
			h.Name, h.Unit, Amount(r.Mean), one, many, Amount(r.Quantiles.P90), many, Amount(r.Quantiles.P99), Percent(r.PAny))
		tol := r.Tolerance
		if tol == nil || len(tol.Points) == 0 {
			fmt.Fprintf(w, "  No tolerance is set for this dimension.\n\n")
			continue
		}
		key, exceeded := HarmKeyPoint(tol)
		figures := fmt.Sprintf("%s = %s against %s acceptable", harmProb(key.Above, h.Unit), Percent(key.Probability), Percent(key.Limit))
		points := fmt.Sprintf("%d point%s", len(tol.Points), plural(len(tol.Points)))
		if exceeded == 0 {
			fmt.Fprintf(w, "  Within tolerance at every point (%s); closest: %s.\n", points, figures)
		} else {
			fmt.Fprintf(w, "  Tolerance exceeded: %s (%d of %s exceeded).\n", figures, exceeded, points)
		}
		t := Table{Align: "rrrl"}
		t.Add(h.Unit, "P(harm > "+h.Unit+")", "acceptable", "")
		for _, pt := range tol.Points {
			state := "within"
			if pt.Probability > pt.Limit {
				state = "EXCEEDS"
			}
			t.Add(Amount(pt.Above), Percent(pt.Probability), Percent(pt.Limit), state)
		}
		t.Write(w, "  ")
		fmt.Fprintln(w)
	}
	if m.Calendar != nil && len(m.Calendar.Windows) > 0 {
		t := Table{Align: "llrr"}
		t.Add("scenario", "window", "events/"+many, "P(any)")
		rows := 0
		for _, s := range res.Scenarios {
			for _, win := range m.Calendar.Windows {
				if wr, ok := s.Windows[win.ID]; ok {
					t.Add(s.ID, win.Name, fmt.Sprintf("%.3g", wr.EventsPerYear), Percent(wr.PAny))
					rows++
				}
			}
		}
		if rows > 0 {
			fmt.Fprintf(w, "Calendar windows (loss events of timed scenarios in each window)\n")
			t.Write(w, "  ")
			for _, s := range TimingSentences(m) {
				fmt.Fprintf(w, "  %s.\n", s)
			}
			fmt.Fprintln(w)
		}
	}
	if s := OverallVerdict(m, res); s != "" {
		fmt.Fprintf(w, "%s\n\n", s)
	}
}

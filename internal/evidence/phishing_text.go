package evidence

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// WriteJSON writes the report as indented JSON, the evidence file that
// `scrutin run --evidence` reads.
func (r *PhishingReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteText writes the report for people: a table per campaign, a table
// per position, the trend and the verdict in one sentence.
func (r *PhishingReport) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	t := r.Totals
	fmt.Fprintf(bw, "GoPhish phishing simulations: %d campaign%s, %d email%s delivered to %d %s\n",
		t.Campaigns, phishPlural(t.Campaigns), t.Sent, phishPlural(int(t.Sent)), t.People, phishPeople(t.People))
	fmt.Fprintf(bw, "Rates are of the emails delivered; [low–high] is a %.0f %% credible interval (Beta posterior, uniform prior).\n",
		100*r.Method.Level)

	fmt.Fprintf(bw, "\nCampaigns, in order of launch\n")
	rows := [][]string{{"campaign", "launched", "recipients", "delivered", "opened", "clicked", "submitted", "reported"}}
	for _, c := range r.Campaigns {
		launched := "unknown"
		if c.Launched != nil {
			launched = c.Launched.Format("2006-01-02")
		}
		name := c.Name
		if c.FromTimeline {
			name += " †"
		}
		rows = append(rows, append([]string{phishClip(name, 32), launched}, phishCounts(c.PhishingRates)...))
	}
	if len(r.Campaigns) > 1 {
		rows = append(rows, append([]string{"all campaigns", ""}, phishCounts(r.Totals.PhishingRates)...))
	}
	phishTable(bw, rows, 2)
	if slices.ContainsFunc(r.Campaigns, func(c CampaignRates) bool { return c.FromTimeline }) {
		fmt.Fprintf(bw, "  † from the timeline (repeated events of a recipient count once); otherwise from the statuses.\n")
	}

	if len(r.ByPosition) > 0 {
		fmt.Fprintf(bw, "\nBy position, all campaigns pooled (* fewer than %d emails delivered: too few to compare)\n", r.Method.SmallGroup)
		rows = [][]string{{"position", "delivered", "clicked", "", "submitted", "", "reported", ""}}
		for _, p := range phishSortedPositions(r.ByPosition) {
			label := phishClip(p.Label, 32)
			if p.Small {
				label += " *"
			}
			row := []string{label, fmt.Sprint(p.Sent),
				phishCountRate(p.Clicked, p.Sent), "", phishCountRate(p.Submitted, p.Sent), "", phishCountRate(p.Reported, p.Sent), ""}
			if iv := p.Intervals; iv != nil {
				row[3], row[5], row[7] = phishBracket(iv.Click), phishBracket(iv.Submit), phishBracket(iv.Report)
			}
			rows = append(rows, row)
		}
		phishTable(bw, rows, 1)
	}

	tr := r.Trend
	fmt.Fprintf(bw, "\nTrend")
	if tr.Clicked != nil {
		fmt.Fprintf(bw, " from %q to %q (%d campaigns delivered emails)\n", tr.First, tr.Last, tr.Campaigns)
		rows = [][]string{{"rate", "first", "", "last", "", "P(fell)", "P(rose)", "per campaign", "p"}}
		for _, m := range []struct {
			name string
			c    *RateChange
		}{{"clicked", tr.Clicked}, {"submitted", tr.Submitted}, {"reported", tr.Reported}} {
			pv := "—"
			if m.c.PValue != nil {
				pv = phishPValue(*m.c.PValue)
			}
			rows = append(rows, []string{m.name, phishPct(m.c.First.Rate), phishBracket(m.c.First.Interval),
				phishPct(m.c.Last.Rate), phishBracket(m.c.Last.Interval), phishProb(m.c.PFell), phishProb(m.c.PRose),
				phishPoints(m.c.Slope), pv})
		}
		phishTable(bw, rows, 1)
		fmt.Fprintf(bw, "  p: Cochran–Armitage test for a trend across all campaigns (two-sided).\n")
	} else {
		fmt.Fprintf(bw, "\n")
	}
	fmt.Fprintf(bw, "%s\n", tr.Summary)

	if len(r.Notes) > 0 {
		fmt.Fprintf(bw, "\nNotes\n")
		for _, n := range r.Notes {
			fmt.Fprintf(bw, "  - %s\n", n)
		}
	}
	return bw.Flush()
}

func phishPeople(n int64) string {
	if n == 1 {
		return "person"
	}
	return "people"
}

func phishCounts(r PhishingRates) []string {
	return []string{fmt.Sprint(r.Recipients), fmt.Sprint(r.Sent),
		phishCountRate(r.Opened, r.Sent), phishCountRate(r.Clicked, r.Sent),
		phishCountRate(r.Submitted, r.Sent), phishCountRate(r.Reported, r.Sent)}
}

func phishCountRate(k, n int64) string {
	if n == 0 {
		return fmt.Sprintf("%d", k)
	}
	return fmt.Sprintf("%d (%s)", k, phishPct(float64(k)/float64(n)))
}

func phishBracket(iv [2]float64) string {
	return fmt.Sprintf("[%.1f–%.1f]", 100*iv[0], 100*iv[1])
}

func phishClip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// phishSortedPositions puts the positions large enough to compare first,
// the highest submission rate first, then the small ones by name.
func phishSortedPositions(m map[string]PositionRates) []PositionRates {
	ps := make([]PositionRates, 0, len(m))
	for _, p := range m {
		ps = append(ps, p)
	}
	rate := func(p PositionRates, k int64) float64 {
		if p.Sent == 0 {
			return -1
		}
		return float64(k) / float64(p.Sent)
	}
	slices.SortFunc(ps, func(a, b PositionRates) int {
		if c := cmp.Compare(phishBoolInt(a.Small), phishBoolInt(b.Small)); c != 0 {
			return c
		}
		if !a.Small {
			if c := cmp.Compare(rate(b, b.Submitted), rate(a, a.Submitted)); c != 0 {
				return c
			}
			if c := cmp.Compare(rate(b, b.Clicked), rate(a, a.Clicked)); c != 0 {
				return c
			}
		}
		return cmp.Or(cmp.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)), cmp.Compare(a.Label, b.Label))
	})
	return ps
}

// phishTable writes rows with aligned columns: the first left columns
// flush left, the others flush right.
func phishTable(w io.Writer, rows [][]string, left int) {
	widths := map[int]int{}
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		b.WriteString(" ")
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			b.WriteString(" ")
			if i < left {
				b.WriteString(c + pad)
			} else {
				b.WriteString(pad + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

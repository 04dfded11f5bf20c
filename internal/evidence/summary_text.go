package evidence

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
)

// summaryTop is how many values each "by" table of the text summary shows.
const summaryTop = 10

// summaryMalformed is how many malformed lines the text summary shows.
const summaryMalformed = 10

// WriteText writes the summary for a person: the counts, the time span,
// the top categories, techniques, actors, assets and outcomes, the events
// per day, the inputs, and the first malformed lines.
func (s *TelemetrySummary) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "%s line%s read from %d input%s: %s event%s, %s malformed line%s\n",
		telThousands(s.Lines), telPlural(s.Lines), len(s.Sources), telPlural(int64(len(s.Sources))),
		telThousands(s.Events), telPlural(s.Events), telThousands(s.Malformed), telPlural(s.Malformed))
	if s.First != nil {
		fmt.Fprintf(b, "Events from %s to %s\n", textTime(*s.First), textTime(*s.Last))
	}
	if s.ObservedFirst != nil {
		fmt.Fprintf(b, "Records from %s to %s (%s observed)\n", textTime(*s.ObservedFirst), textTime(*s.ObservedLast),
			textDuration(s.ObservedLast.Sub(*s.ObservedFirst)))
	}
	tables := []struct {
		title  string
		counts map[string]int64
		byKey  bool
	}{
		{"category", s.ByCategory, false}, {"technique", s.ByTechnique, false}, {"actor", s.ByActor, false},
		{"asset", s.ByAsset, false}, {"outcome", s.ByOutcome, false}, {"day", s.ByDay, true},
	}
	for _, t := range tables {
		if len(t.counts) == 0 {
			continue
		}
		fmt.Fprintf(b, "\nEvents by %s\n", t.title)
		writeCounts(b, t.counts, t.byKey)
	}
	if len(s.Sources) > 1 {
		fmt.Fprintf(b, "\nInputs\n")
		for _, src := range s.Sources {
			fmt.Fprintf(b, "  %s (%s): %s lines, %s events, %s malformed\n", src.File, src.Kind,
				telThousands(src.Lines), telThousands(src.Events), telThousands(src.Malformed))
		}
	}
	if s.Malformed > 0 {
		shown := min(len(s.MalformedLines), summaryMalformed)
		fmt.Fprintf(b, "\nMalformed lines (%s; ", telThousands(s.Malformed))
		if int64(shown) < s.Malformed {
			fmt.Fprintf(b, "the first %d):\n", shown)
		} else {
			fmt.Fprintf(b, "all shown):\n")
		}
		for _, m := range s.MalformedLines[:shown] {
			fmt.Fprintf(b, "  %s:%d: %s\n", m.File, m.Line, m.Error)
		}
	}
	return b.Flush()
}

// writeCounts writes a table of counts: the largest first (by key when
// byKey, for days), at most summaryTop of them.
func writeCounts(w io.Writer, counts map[string]int64, byKey bool) {
	type kv struct {
		k string
		n int64
	}
	list := make([]kv, 0, len(counts))
	width := 0
	for k, n := range counts {
		list = append(list, kv{k, n})
	}
	slices.SortFunc(list, func(a, b kv) int {
		if byKey {
			return cmp.Compare(a.k, b.k)
		}
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.k, b.k))
	})
	shown := list
	if len(shown) > summaryTop && !byKey {
		shown = shown[:summaryTop]
	}
	nwidth := 0
	for _, e := range shown {
		width = max(width, len(e.k))
		nwidth = max(nwidth, len(telThousands(e.n)))
	}
	for _, e := range shown {
		fmt.Fprintf(w, "  %-*s  %*s\n", width, e.k, nwidth, telThousands(e.n))
	}
	if rest := len(list) - len(shown); rest > 0 {
		var n int64
		for _, e := range list[len(shown):] {
			n += e.n
		}
		fmt.Fprintf(w, "  … %d more with %s event%s\n", rest, telThousands(n), telPlural(n))
	}
}

func textTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

func textDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%.1f days", d.Hours()/24)
	case d >= 2*time.Hour:
		return fmt.Sprintf("%.1f hours", d.Hours())
	}
	return d.Round(time.Second).String()
}

// telThousands writes n with commas between groups of three digits.
func telThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func telPlural(n int64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

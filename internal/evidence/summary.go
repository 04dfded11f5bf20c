package evidence

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

// SummaryKind is the kind of evidence file a TelemetrySummary is.
const SummaryKind = "telemetry"

// TelemetrySummary is what ingesting telemetry found: the counts of lines,
// events and malformed lines, the events counted by each of their fields
// and by their combinations (Groups), and the time span. Its JSON is the
// evidence file that calibration reads (`scrutin ingest --out FILE`, then
// `scrutin run --evidence FILE`).
type TelemetrySummary struct {
	Kind      string `json:"kind"` // always "telemetry"
	Lines     int64  `json:"lines"`
	Events    int64  `json:"events"`
	Malformed int64  `json:"malformed"`
	// First and Last are the times of the first and last events; null when
	// there are none (or none has a time).
	First *time.Time `json:"first"`
	Last  *time.Time `json:"last"`
	// ObservedFirst and ObservedLast span every record with a time, events
	// or not: the observation window, which is the exposure of a count.
	ObservedFirst *time.Time `json:"observed_first"`
	ObservedLast  *time.Time `json:"observed_last"`
	// The counts of events by one field. By technique, actor and asset only
	// count the events that have one; an event attributed to several actors
	// (an indicator shared by them, "G0007,G0016") counts once for each.
	ByCategory  map[string]int64 `json:"by_category"`
	ByTechnique map[string]int64 `json:"by_technique"`
	ByActor     map[string]int64 `json:"by_actor"`
	ByAsset     map[string]int64 `json:"by_asset"`
	ByOutcome   map[string]int64 `json:"by_outcome"`
	ByDay       map[string]int64 `json:"by_day"` // UTC days, 2006-01-02
	// Sources are the inputs, in the order read.
	Sources []TelemetrySource `json:"sources"`
	// MalformedLines are the first malformed lines (at most
	// MaxMalformedLines); Malformed counts them all.
	MalformedLines []MalformedLine `json:"malformed_lines"`
	// Groups count the events of each combination of category, technique,
	// actor, asset, organisation and outcome, most events first.
	Groups []EventGroup `json:"groups"`
}

// TelemetrySource is one input and what it held.
type TelemetrySource struct {
	File      string `json:"file"`
	Kind      string `json:"kind"`
	Lines     int64  `json:"lines"`
	Events    int64  `json:"events"`
	Malformed int64  `json:"malformed"`
}

// MalformedLine is a line that could not be read.
type MalformedLine struct {
	File  string `json:"file"`
	Line  int64  `json:"line"`
	Error string `json:"error"`
}

// EventGroup counts the events sharing all of these fields ("" for none).
type EventGroup struct {
	Category  string `json:"category"`
	Technique string `json:"technique"`
	Actor     string `json:"actor"`
	Asset     string `json:"asset"`
	Org       string `json:"org"`
	Outcome   string `json:"outcome"`
	Events    int64  `json:"events"`
}

// MaxMalformedLines is how many malformed lines a summary lists.
const MaxMalformedLines = 100

// ReadTelemetrySummary reads the JSON of a TelemetrySummary; file names it
// in messages.
func ReadTelemetrySummary(file string, r io.Reader) (*TelemetrySummary, error) {
	var s TelemetrySummary
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return nil, model.Errorf(model.EINVALID, "%s: not a telemetry summary: %v", file, err)
	}
	if s.Kind != SummaryKind {
		return nil, model.Errorf(model.EINVALID, "%s: evidence kind %q, want %q", file, s.Kind, SummaryKind)
	}
	return &s, nil
}

// tally counts events as they come; memory grows with the number of
// distinct values (categories, actors, assets, days, combinations), not
// with the number of lines or events.
type tally struct {
	lines, events, malformed int64
	first, last              int64 // unix nanoseconds
	dated                    bool
	obsFirst, obsLast        int64
	observed                 bool
	byCategory, byTechnique  map[string]int64
	byActor, byAsset         map[string]int64
	byOutcome                map[string]int64
	byDay                    map[int64]int64 // days since the epoch
	groups                   map[eventGroupKey]int64
	bad                      []MalformedLine
	sources                  []TelemetrySource
}

type eventGroupKey struct {
	category, technique, actor, asset, org string
	outcome                                Outcome
}

func newTally() *tally {
	return &tally{byCategory: map[string]int64{}, byTechnique: map[string]int64{}, byActor: map[string]int64{},
		byAsset: map[string]int64{}, byOutcome: map[string]int64{}, byDay: map[int64]int64{}, groups: map[eventGroupKey]int64{}}
}

const telNsPerDay = int64(24 * time.Hour)

// Bounds on the distinct values counted, so that memory stays bounded
// even when a log's fields are free text (jsonl): beyond them, new values
// are counted under OtherValue.
const (
	maxDistinct = 10_000
	maxGroups   = 100_000
)

// OtherValue stands for the values beyond the bounds on distinct values.
const OtherValue = "(other)"

func bump(m map[string]int64, k string) {
	if n, ok := m[k]; ok {
		m[k] = n + 1
	} else if len(m) < maxDistinct {
		m[k] = 1
	} else {
		m[OtherValue]++
	}
}

// add counts one event; e.Time.IsZero() means it has no time.
func (t *tally) add(e *Event) {
	t.events++
	bump(t.byCategory, e.Category)
	t.byOutcome[string(e.Outcome)]++
	if e.Technique != "" {
		bump(t.byTechnique, e.Technique)
	}
	if e.Actor != "" {
		if strings.IndexByte(e.Actor, ',') < 0 {
			bump(t.byActor, e.Actor)
		} else {
			for a := range strings.SplitSeq(e.Actor, ",") {
				bump(t.byActor, a)
			}
		}
	}
	if e.Asset != "" {
		bump(t.byAsset, e.Asset)
	}
	k := eventGroupKey{e.Category, e.Technique, e.Actor, e.Asset, e.Org, e.Outcome}
	if n, ok := t.groups[k]; ok {
		t.groups[k] = n + 1
	} else if len(t.groups) < maxGroups {
		t.groups[k] = 1
	} else {
		t.groups[eventGroupKey{category: OtherValue, outcome: e.Outcome}]++
	}
	if e.Time.IsZero() {
		return
	}
	ns := e.Time.UnixNano()
	if !t.dated || ns < t.first {
		t.first = ns
	}
	if !t.dated || ns > t.last {
		t.last = ns
	}
	t.dated = true
	day := ns / telNsPerDay
	if ns < 0 && ns%telNsPerDay != 0 {
		day--
	}
	t.byDay[day]++
}

// observe widens the observation window to ns.
func (t *tally) observe(ns int64) {
	if !t.observed {
		t.obsFirst, t.obsLast, t.observed = ns, ns, true
		return
	}
	if ns < t.obsFirst {
		t.obsFirst = ns
	}
	if ns > t.obsLast {
		t.obsLast = ns
	}
}

// addMalformed counts one malformed line and keeps the first ones.
func (t *tally) addMalformed(file string, line int64, err error) {
	t.malformed++
	if len(t.bad) < MaxMalformedLines {
		t.bad = append(t.bad, MalformedLine{File: file, Line: line, Error: malformedMessage(err)})
	}
}

// malformedMessage shortens err's message: a parser may quote a long
// stretch of the line.
func malformedMessage(err error) string {
	const max = 240
	s := err.Error()
	if len(s) > max {
		cut := max
		for cut > 0 && s[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// merge adds o's counts to t, o's malformed lines after t's.
func (t *tally) merge(o *tally) {
	t.lines += o.lines
	t.events += o.events
	t.malformed += o.malformed
	if o.dated {
		if !t.dated || o.first < t.first {
			t.first = o.first
		}
		if !t.dated || o.last > t.last {
			t.last = o.last
		}
		t.dated = true
	}
	if o.observed {
		t.observe(o.obsFirst)
		t.observe(o.obsLast)
	}
	for _, p := range []struct{ to, from map[string]int64 }{{t.byCategory, o.byCategory}, {t.byTechnique, o.byTechnique},
		{t.byActor, o.byActor}, {t.byAsset, o.byAsset}, {t.byOutcome, o.byOutcome}} {
		for k, v := range p.from {
			p.to[k] += v
		}
	}
	for k, v := range o.byDay {
		t.byDay[k] += v
	}
	for k, v := range o.groups {
		t.groups[k] += v
	}
	t.sources = append(t.sources, o.sources...)
	t.bad = append(t.bad, o.bad...)
	if len(t.bad) > MaxMalformedLines {
		t.bad = t.bad[:MaxMalformedLines]
	}
}

// mergeShared adds to t the tallies of workers that shared one input,
// keeping its first malformed lines by line number.
func (t *tally) mergeShared(ws ...*tally) {
	var bad []MalformedLine
	for _, w := range ws {
		bad = append(bad, w.bad...)
		w.bad = nil
		t.merge(w)
	}
	slices.SortFunc(bad, func(a, b MalformedLine) int { return cmp.Compare(a.Line, b.Line) })
	t.bad = append(t.bad, bad...)
	if len(t.bad) > MaxMalformedLines {
		t.bad = t.bad[:MaxMalformedLines]
	}
}

// summary renders the tally.
func (t *tally) summary() *TelemetrySummary {
	s := &TelemetrySummary{Kind: SummaryKind, Lines: t.lines, Events: t.events, Malformed: t.malformed,
		ByCategory: tallyClone(t.byCategory), ByTechnique: tallyClone(t.byTechnique), ByActor: tallyClone(t.byActor),
		ByAsset: tallyClone(t.byAsset), ByOutcome: tallyClone(t.byOutcome), ByDay: make(map[string]int64, len(t.byDay)),
		Sources: slices.Clone(t.sources), MalformedLines: slices.Clone(t.bad), Groups: make([]EventGroup, 0, len(t.groups))}
	if s.Sources == nil {
		s.Sources = []TelemetrySource{}
	}
	if s.MalformedLines == nil {
		s.MalformedLines = []MalformedLine{}
	}
	if t.dated {
		s.First, s.Last = tallyTime(t.first), tallyTime(t.last)
	}
	if t.observed {
		s.ObservedFirst, s.ObservedLast = tallyTime(t.obsFirst), tallyTime(t.obsLast)
	}
	for d, n := range t.byDay {
		s.ByDay[time.Unix(d*86400, 0).UTC().Format(time.DateOnly)] = n
	}
	for k, n := range t.groups {
		s.Groups = append(s.Groups, EventGroup{Category: k.category, Technique: k.technique, Actor: k.actor,
			Asset: k.asset, Org: k.org, Outcome: string(k.outcome), Events: n})
	}
	slices.SortFunc(s.Groups, func(a, b EventGroup) int {
		return cmp.Or(cmp.Compare(b.Events, a.Events), cmp.Compare(a.Category, b.Category),
			cmp.Compare(a.Technique, b.Technique), cmp.Compare(a.Actor, b.Actor), cmp.Compare(a.Asset, b.Asset),
			cmp.Compare(a.Org, b.Org), cmp.Compare(a.Outcome, b.Outcome))
	})
	return s
}

func tallyClone(m map[string]int64) map[string]int64 {
	c := make(map[string]int64, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func tallyTime(ns int64) *time.Time {
	t := time.Unix(0, ns).UTC()
	return &t
}

// String names a source for messages.
func (s TelemetrySource) String() string {
	return fmt.Sprintf("%s (%s): %d lines, %d events, %d malformed", s.File, s.Kind, s.Lines, s.Events, s.Malformed)
}

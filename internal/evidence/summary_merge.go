package evidence

import "time"

// MergeTelemetry adds b's counts to a's (either may be nil): the summary
// of both inputs together, as one ingestion of them would count them.
// Sources of the same file and kind are counted as one (a followed log
// arrives in many pieces); malformed lines keep a's first, then b's, at
// most MaxMalformedLines.
func MergeTelemetry(a, b *TelemetrySummary) *TelemetrySummary {
	t := newTally()
	for _, s := range []*TelemetrySummary{a, b} {
		if s != nil {
			t.merge(tallyOf(s))
		}
	}
	var sources []TelemetrySource
	index := map[[2]string]int{}
	for _, s := range t.sources {
		k := [2]string{s.File, s.Kind}
		if i, ok := index[k]; ok {
			sources[i].Lines += s.Lines
			sources[i].Events += s.Events
			sources[i].Malformed += s.Malformed
			continue
		}
		index[k] = len(sources)
		sources = append(sources, s)
	}
	t.sources = sources
	return t.summary()
}

// tallyOf turns a summary back into the tally that gives it.
func tallyOf(s *TelemetrySummary) *tally {
	t := newTally()
	t.lines, t.events, t.malformed = s.Lines, s.Events, s.Malformed
	if s.First != nil && s.Last != nil {
		t.first, t.last, t.dated = s.First.UnixNano(), s.Last.UnixNano(), true
	}
	if s.ObservedFirst != nil && s.ObservedLast != nil {
		t.observe(s.ObservedFirst.UnixNano())
		t.observe(s.ObservedLast.UnixNano())
	}
	for _, p := range []struct{ to, from map[string]int64 }{{t.byCategory, s.ByCategory}, {t.byTechnique, s.ByTechnique},
		{t.byActor, s.ByActor}, {t.byAsset, s.ByAsset}, {t.byOutcome, s.ByOutcome}} {
		for k, v := range p.from {
			p.to[k] += v
		}
	}
	for d, n := range s.ByDay {
		if day, err := time.Parse(time.DateOnly, d); err == nil {
			t.byDay[day.Unix()/86400] += n
		}
	}
	for _, g := range s.Groups {
		t.groups[eventGroupKey{category: g.Category, technique: g.Technique, actor: g.Actor, asset: g.Asset, org: g.Org, outcome: Outcome(g.Outcome)}] += g.Events
	}
	t.sources = append(t.sources, s.Sources...)
	t.bad = append(t.bad, s.MalformedLines...)
	return t
}

package evidence

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// telFuzz fuzzes the line reader of kind with inputs of one or more lines,
// seeded with the lines of a fixture: whatever the input, no panic, and
// the summary holds together (every line counted, the counts by category
// and by outcome summing to the events, events well formed and never from
// a malformed line).
func telFuzz(f *testing.F, kind TelemetryKind, fixture, fields string) {
	raw, err := os.ReadFile(filepath.Join(telDir, fixture))
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range bytes.Split(raw, []byte{'\n'}) {
		f.Add(string(l))
	}
	f.Add(string(raw))
	fm := DefaultFieldMap()
	if fields != "" {
		if fm, err = ParseFieldMap(fields); err != nil {
			f.Fatal(err)
		}
	}
	matcher := newTelFakeMatcher(telIndicatorsFixture())
	assets := telTestAssets(f)
	f.Fuzz(func(t *testing.T, in string) {
		if strings.HasPrefix(in, "\x1f\x8b") {
			return // gzip: another reader
		}
		var events []Event
		opt := TelemetryOptions{Kind: kind, Matcher: matcher, Assets: assets, Fields: fm, Year: 2024, MaxLine: 4096,
			Event: func(e *Event) { events = append(events, *e) }}
		s, err := IngestTelemetry(strings.NewReader(in), opt)
		if err != nil {
			t.Fatal(err)
		}
		lines := int64(strings.Count(in, "\n"))
		if in != "" && !strings.HasSuffix(in, "\n") {
			lines++
		}
		if s.Lines != lines || s.Malformed > s.Lines || s.Events != int64(len(events)) {
			t.Fatalf("lines %d (want %d), malformed %d, events %d (%d seen)", s.Lines, lines, s.Malformed, s.Events, len(events))
		}
		var byCategory, byOutcome int64
		for _, n := range s.ByCategory {
			byCategory += n
		}
		for _, n := range s.ByOutcome {
			byOutcome += n
		}
		if byCategory != s.Events || byOutcome != s.Events {
			t.Fatalf("by category %d, by outcome %d, events %d", byCategory, byOutcome, s.Events)
		}
		bad := map[int64]bool{}
		for _, m := range s.MalformedLines {
			bad[m.Line] = true
		}
		for _, e := range events {
			switch {
			case e.Category == "":
				t.Fatalf("event without a category: %+v", e)
			case e.Outcome != Blocked && e.Outcome != Succeeded && e.Outcome != Unknown:
				t.Fatalf("outcome %q", e.Outcome)
			case e.Technique != "" && !validTechnique(e.Technique):
				t.Fatalf("technique %q", e.Technique)
			case e.Line < 1 || e.Line > s.Lines || bad[e.Line]:
				t.Fatalf("event on line %d of %d (malformed: %v)", e.Line, s.Lines, bad[e.Line])
			case !e.Time.IsZero() && (e.Time.Year() < 1678 || e.Time.Year() > 2262):
				t.Fatalf("time %v", e.Time)
			}
		}
	})
}

func FuzzZeekLine(f *testing.F)      { telFuzz(f, KindZeek, "zeek.jsonl", "") }
func FuzzEVELine(f *testing.F)       { telFuzz(f, KindEVE, "eve.json", "") }
func FuzzSSHDLine(f *testing.F)      { telFuzz(f, KindSSHD, "auth.log", "") }
func FuzzAccessLogLine(f *testing.F) { telFuzz(f, KindAccessLog, "access.log", "") }
func FuzzJSONLLine(f *testing.F) {
	telFuzz(f, KindJSONL, "events.jsonl", "time=ts,src=client.ip,dst=server,domain=query,hash=sha,category=type,technique=mitre,outcome=result,signature=rule,asset=tenant.asset,org=tenant.org")
}

package evidence

import (
	"bytes"
	"context"
	"os"
	"reflect"
	"testing"
)

// TestMergeTelemetry: a log ingested in pieces, the pieces' summaries
// merged, counts what one ingestion of the whole log counts.
func TestMergeTelemetry(t *testing.T) {
	for _, c := range []struct {
		file string
		kind TelemetryKind
	}{{"testdata/telemetry/otrf-apt29-day1-combined_zeek.jsonl", KindZeek}, {"testdata/telemetry/eve.json", KindEVE}, {"testdata/telemetry/access.log", KindAccessLog}} {
		src, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		whole, err := IngestTelemetry(bytes.NewReader(src), TelemetryOptions{Kind: c.kind})
		if err != nil {
			t.Fatal(err)
		}
		// Pieces of whole lines, of every size from 1 line to many.
		var merged *TelemetrySummary
		lines := bytes.SplitAfter(src, []byte("\n"))
		for i, n := 0, 1; i < len(lines); i, n = i+n, n*2 {
			piece := bytes.Join(lines[i:min(len(lines), i+n)], nil)
			in, err := NewIngester(TelemetryOptions{Kind: c.kind})
			if err != nil {
				t.Fatal(err)
			}
			if err := in.Ingest(context.Background(), "sensor", bytes.NewReader(piece)); err != nil {
				t.Fatal(err)
			}
			merged = MergeTelemetry(merged, in.Summary())
		}
		got, want := *merged, *whole
		if len(got.Sources) != 1 || got.Sources[0].Lines != want.Lines || got.Sources[0].Events != want.Events {
			t.Errorf("%s: sources %+v", c.file, got.Sources)
		}
		got.Sources, want.Sources = nil, nil
		got.MalformedLines, want.MalformedLines = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: merged pieces %+v\nwhole %+v", c.file, got, want)
		}
	}
}

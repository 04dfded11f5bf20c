package evidence

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDetectFiles: the real files of the shared data and the fixtures of
// the importers are each recognised from their start, as they are and
// gzip-compressed; files that are no evidence are not taken for some.
func TestDetectFiles(t *testing.T) {
	shared := "../../../../shared/data" // /work/shared/data beside the worktree, when there
	if _, err := os.Stat(shared); err != nil {
		shared = "/work/shared/data"
	}
	cases := []struct{ file, want string }{
		{"testdata/telemetry/access.log", "access-log"},
		{"testdata/telemetry/auth.log", "sshd"},
		{"testdata/telemetry/eve.json", "eve"},
		{"testdata/telemetry/events.jsonl", "jsonl"},
		{"testdata/telemetry/zeek.jsonl", "zeek"}, // starts with Zeek's #separator line
		{"testdata/telemetry/otrf-apt29-day1-combined_zeek.jsonl", "zeek"},
		{"testdata/telemetry/access.golden.json", FormatEvidence},
		{"testdata/telemetry/auth.golden.json", FormatEvidence},
		{"testdata/gophish/three-quarters.json.golden", FormatEvidence},
		{"testdata/gophish/q1-results.json", FormatGoPhish},
		{"testdata/gophish/q2-campaign.json", FormatGoPhish},
		{"testdata/gophish/list.json", FormatGoPhish},
		{"testdata/gophish/stream.json", FormatGoPhish},
		{"testdata/gophish/no-timeline.json", FormatGoPhish},
		{"testdata/gophish/duplicates.json", FormatGoPhish},
		{"testdata/gophish/Q3 shared document - Results.csv", FormatGoPhish},
		{"testdata/gophish/reordered.csv", FormatGoPhish}, // BOM, semicolons, columns in another order and case
		{"testdata/gophish/q1-results.golden", ""},        // text
		{"testdata/telemetry/assets.yaml", ""},
		{shared + "/telemetry/zeek/otrf-apt29-day1-combined_zeek.jsonl", "zeek"},
		{shared + "/attack/attack-v18.1-subset-apt28-apt29-sandworm.json", ""}, // a STIX bundle
		{shared + "/misp/event-sednit-fancy-bear.json", ""},
		{shared + "/misp/galaxy-threat-actor.json", ""},
		{shared + "/stix/unit42-fighting-ursa-stix20.json", ""},
		{shared + "/SOURCES.md", ""},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			data, err := os.ReadFile(c.file)
			if err != nil {
				t.Fatal(err)
			}
			if got := Detect(data); got != c.want {
				t.Errorf("%s: Detect = %q, want %q", c.file, got, c.want)
			}
			if got := Detect(data[:min(len(data), DetectBytes)]); got != c.want {
				t.Errorf("%s, its first %d bytes: Detect = %q, want %q", c.file, DetectBytes, got, c.want)
			}
			var gz bytes.Buffer
			zw := gzip.NewWriter(&gz)
			zw.Write(data)
			zw.Close()
			if got := Detect(gz.Bytes()[:min(gz.Len(), DetectBytes)]); got != c.want {
				t.Errorf("%s, gzip-compressed, its first %d bytes: Detect = %q, want %q", c.file, DetectBytes, got, c.want)
			}
		})
	}
}

func TestDetectLines(t *testing.T) {
	long := strings.Repeat("x", 3*DetectBytes)
	for _, c := range []struct{ name, head, want string }{
		{"empty", "", ""},
		{"blank", "\n\n  \r\n", ""},
		{"iso syslog", "2024-05-01T10:00:00.123456+02:00 web1 sshd[42]: Accepted publickey for root from 192.0.2.1 port 22 ssh2\n", "sshd"},
		{"syslog with a priority", "<34>Oct 11 22:14:15 mymachine sshd: Failed password for root from 192.0.2.1\n", "sshd"},
		{"vhost combined", `example.org:443 192.0.2.1 - - [02/May/2024:10:00:00 +0200] "GET / HTTP/1.1" 200 5 "-" "curl"` + "\n", "access-log"},
		{"mostly not syslog", "Jan  1 00:00:00 h sshd[1]: x\nhello\nworld\n", ""},
		{"an EVE line longer than the look", `{"timestamp":"2024-05-02T08:00:01+0000","event_type":"http","payload":"` + long + `"}`, "eve"},
		{"a Zeek line, member id", `{"ts":1714550400.5,"uid":"C1","id":{"orig_h":"203.0.113.90"}}` + "\n", "zeek"},
		{"JSON lines", `{"time":"2024-05-01T10:00:00Z","src":"192.0.2.1"}` + "\n" + `{"time":1}` + "\n", "jsonl"},
		{"a generic object over several lines", "{\n  \"a\": 1\n}\n", ""},
		{"an evidence file whose kind is nested", `{"x":{"kind":"telemetry"}}`, "jsonl"},
		{"an evidence file of another kind", `{"kind":"other","lines":1}`, "jsonl"},
		{"a list of campaigns", `[{"id":1,"name":"c","results":[]}]`, FormatGoPhish},
		{"a list of numbers", `[1,2,3]`, ""},
		{"a CSV without status", "email,first_name\na@b.c,A\n", ""},
		{"a truncated gzip stream", "\x1f\x8b\x08\x00garbage", ""},
	} {
		if got := Detect([]byte(c.head)); got != c.want {
			t.Errorf("%s: Detect = %q, want %q", c.name, got, c.want)
		}
	}
}

// TestDetectBounded: however large the head, Detect looks at its first
// DetectBytes only; a gzip bomb gives it no more than DetectBytes.
func TestDetectBounded(t *testing.T) {
	syslog := "Jan  1 00:00:00 h sshd[1]: Invalid user a from 192.0.2.1\n"
	head := []byte(strings.Repeat("not a log line at all\n", DetectBytes/22+1) + strings.Repeat(syslog, 1000))
	if got := Detect(head); got != "" {
		t.Errorf("what comes after the first %d bytes counted: %q", DetectBytes, got)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(strings.Repeat(syslog, 1<<16))) // 3.7 MB in a few KiB
	zw.Close()
	if got := Detect(gz.Bytes()); got != "sshd" {
		t.Errorf("gzip-compressed syslog: %q", got)
	}
	allocs := testing.AllocsPerRun(10, func() { Detect(gz.Bytes()) })
	if allocs > 200 {
		t.Errorf("%v allocations to look at a compressed start", allocs)
	}
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"", "{", "[", `{"kind":"telemetry"}`, `[{"results":[]}]`, "Jan  1 00:00:00 h sshd[1]: x", "\x1f\x8b", "email,status\n", `{"a":[{"b":{}}],"kind":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, head []byte) {
		switch got := Detect(head); got {
		case "", "zeek", "eve", "jsonl", "sshd", "access-log", FormatGoPhish, FormatEvidence:
		default:
			t.Fatalf("Detect = %q", got)
		}
	})
}

// BenchmarkDetect: what looking at an upload's start costs, plain and
// gzip-compressed (go test -bench Detect -run XXX ./internal/evidence).
func BenchmarkDetect(b *testing.B) {
	data, err := os.ReadFile("testdata/telemetry/otrf-apt29-day1-combined_zeek.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	auth, err := os.ReadFile("testdata/telemetry/auth.log")
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		head []byte
	}{{"zeek", data}, {"zeek.gz", gz.Bytes()}, {"sshd", auth}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if Detect(c.head) == "" {
					b.Fatal("not detected")
				}
			}
		})
	}
}

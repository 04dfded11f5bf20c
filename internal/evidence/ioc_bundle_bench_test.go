package evidence

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/attack"
)

// benchBundleActors are the intrusion sets of benchSTIXBundle, in the order
// of benchIndicators' actors; the last has no ATT&CK id, as in many feeds,
// and is known by a name the MISP galaxy resolves.
var benchBundleActors = []struct{ id, name, attackID string }{
	{"intrusion-set--bef4c620-0787-42a8-a96d-b7eb6e85917c", "APT28", "G0007"},
	{"intrusion-set--899ce53f-13a0-479b-a0e4-67d46e241542", "APT29", "G0016"},
	{"intrusion-set--381fcf73-60f6-4ab2-9991-6af3cbc35192", "Sandworm Team", "G0034"},
	{"intrusion-set--6b9ebeb5-20bf-48b0-afb7-988d769a2f01", "Sofacy", ""},
}

// benchSTIXBundle writes inds (of benchIndicators, whose actors are the
// names or ids of benchBundleActors) as a STIX 2.1 bundle shaped like a
// threat-intelligence platform's export: an identity, the intrusion sets,
// then per indicator an indicator object (name, type, pattern, validity)
// and an "indicates" relationship to its intrusion set. Ids are random but fixed by the seed. 100,000 indicators make about
// 65 MB.
func benchSTIXBundle(inds []attack.Indicator) []byte {
	r := rand.New(rand.NewPCG(11, 11))
	uuid := func() string {
		return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xfff,
			0x8000|r.Uint32()&0x3fff, r.Uint64()&0xffffffffffff)
	}
	const (
		identity = "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"
		created  = "2024-05-13T09:21:07.000Z"
	)
	actorOf := map[string]string{}
	var buf bytes.Buffer
	buf.Grow(len(inds) * 700)
	buf.WriteString(`{"type":"bundle","id":"bundle--` + uuid() + `","objects":[` + "\n")
	write := func(o map[string]any) {
		data, err := json.Marshal(o)
		if err != nil {
			panic(err) // maps of strings and numbers always encode
		}
		buf.Write(data)
		buf.WriteString(",\n")
	}
	write(map[string]any{"type": "identity", "spec_version": "2.1", "id": identity, "created": created, "modified": created,
		"name": "Example CERT threat intelligence", "identity_class": "organization", "sectors": []string{"government-national"}})
	for _, a := range benchBundleActors {
		o := map[string]any{"type": "intrusion-set", "spec_version": "2.1", "id": a.id, "created": created, "modified": created,
			"created_by_ref": identity, "name": a.name}
		if a.attackID != "" {
			o["external_references"] = []map[string]string{{"source_name": "mitre-attack", "external_id": a.attackID,
				"url": "https://attack.mitre.org/groups/" + a.attackID + "/"}}
			actorOf[a.attackID] = a.id
		}
		actorOf[a.name] = a.id
		write(o)
	}
	for i, ind := range inds {
		id := "indicator--" + uuid()
		pattern, what := benchSTIXPattern(ind)
		day := 1 + i%28
		write(map[string]any{
			"type": "indicator", "spec_version": "2.1", "id": id,
			"created":         fmt.Sprintf("2024-04-%02dT%02d:%02d:%02d.000Z", day, i%24, i%60, (i*7)%60),
			"modified":        fmt.Sprintf("2024-05-%02dT%02d:%02d:%02d.000Z", day, i%24, i%60, (i*7)%60),
			"name":            what + " " + ind.Value,
			"indicator_types": []string{"malicious-activity"},
			"pattern":         pattern, "pattern_type": "stix",
			"valid_from": fmt.Sprintf("2024-04-%02dT00:00:00Z", day),
		})
		rel := map[string]any{"type": "relationship", "spec_version": "2.1", "id": "relationship--" + uuid(),
			"created": created, "modified": created, "relationship_type": "indicates",
			"source_ref": id, "target_ref": actorOf[ind.Actors[0]]}
		if i == len(inds)-1 {
			data, _ := json.Marshal(rel)
			buf.Write(data)
			break
		}
		write(rel)
	}
	buf.WriteString("\n]}\n")
	return buf.Bytes()
}

// benchSTIXPattern gives the STIX pattern of ind and a word for its kind.
func benchSTIXPattern(ind attack.Indicator) (pattern, what string) {
	v := strings.ReplaceAll(ind.Value, "'", `\'`)
	switch ind.Type {
	case attack.IndicatorIP, attack.IndicatorCIDR:
		typ := "ipv4-addr"
		if p, err := netip.ParsePrefix(ind.Value); err == nil && p.Addr().Is6() {
			typ = "ipv6-addr"
		} else if a, err := netip.ParseAddr(ind.Value); err == nil && a.Is6() {
			typ = "ipv6-addr"
		}
		if ind.Type == attack.IndicatorCIDR {
			return "[" + typ + ":value = '" + v + "']", "Network"
		}
		return "[" + typ + ":value = '" + v + "']", "C2 address"
	case attack.IndicatorDomain:
		return "[domain-name:value = '" + v + "']", "C2 domain"
	case attack.IndicatorURL:
		return "[url:value = '" + v + "']", "Payload URL"
	case attack.IndicatorMD5:
		return "[file:hashes.MD5 = '" + v + "']", "Malware sample"
	case attack.IndicatorSHA1:
		return "[file:hashes.'SHA-1' = '" + v + "']", "Malware sample"
	}
	return "[file:hashes.'SHA-256' = '" + v + "']", "Malware sample"
}

var (
	benchBundleOut = flag.String("bundle.out", "", "TestWriteIndicatorBundle: write a STIX bundle of -bundle.n indicators to this file")
	benchBundleN   = flag.Int("bundle.n", 100_000, "TestWriteIndicatorBundle: number of indicators")
)

// TestWriteIndicatorBundle writes the indicator bundle of the end-to-end
// ingest measurement (scripts/bench-ingest.sh):
//
//	go test -c -o /tmp/evidence.test ./internal/evidence/
//	/tmp/evidence.test -test.run TestWriteIndicatorBundle -bundle.out /tmp/iocs.json
func TestWriteIndicatorBundle(t *testing.T) {
	if *benchBundleOut == "" {
		t.Skip("give -bundle.out FILE")
	}
	data := benchSTIXBundle(benchIndicators(*benchBundleN))
	if err := os.WriteFile(*benchBundleOut, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d indicators, %.1f MB", *benchBundleOut, *benchBundleN, float64(len(data))/1e6)
}

// benchLoadIndicators reads an indicator file as `scrutin ingest --iocs`
// does: parse, resolve actor names, build the matcher.
func benchLoadIndicators(tb testing.TB, data []byte) *Matcher {
	imp, err := attack.ParseIndicators("bench.json", bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	cat, err := attack.Embedded()
	if err != nil {
		tb.Fatal(err)
	}
	imp.ResolveActors(cat.ResolveName)
	return NewMatcher(imp.Indicators)
}

// BenchmarkLoadIndicatorBundle reads the 100,000-indicator STIX bundle of
// the end-to-end measurement (about 70 MB) into a matcher. One op is one
// bundle.
//
//	go test -run '^$' -bench LoadIndicatorBundle -benchtime 5x ./internal/evidence/
func BenchmarkLoadIndicatorBundle(b *testing.B) {
	data := benchSTIXBundle(benchIndicators(100_000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu := iocCPUTime()
	for b.Loop() {
		benchLoadIndicators(b, data)
	}
	iocReportCPU(b, cpu)
}

// BenchmarkIngestZeekBundle is the whole path of `scrutin ingest --kind
// zeek --iocs BUNDLE` but for the output: the bundle of
// BenchmarkLoadIndicatorBundle loaded, then 1,003,660 real Zeek lines (469
// copies of OTRF's APT29 day-1 capture) read on all cores. One op is the
// whole; lines/s is the figure to compare with scripts/bench-ingest.sh.
//
//	go test -run '^$' -bench IngestZeekBundle -benchtime 3x ./internal/evidence/
func BenchmarkIngestZeekBundle(b *testing.B) {
	day1, err := os.ReadFile("testdata/telemetry/otrf-apt29-day1-combined_zeek.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	lines := int64(bytes.Count(day1, []byte{'\n'})) * 469
	data := benchSTIXBundle(benchIndicators(100_000))
	b.ReportAllocs()
	cpu := iocCPUTime()
	for b.Loop() {
		m := benchLoadIndicators(b, data)
		in, err := NewIngester(TelemetryOptions{Kind: KindZeek, Matcher: telRealMatcher{m}, Workers: runtime.GOMAXPROCS(0)})
		if err != nil {
			b.Fatal(err)
		}
		if err := in.Ingest(context.Background(), "bench", newTelRepeatReader(day1, lines)); err != nil {
			b.Fatal(err)
		}
		if s := in.Summary(); s.Lines != lines {
			b.Fatalf("%d lines, want %d", s.Lines, lines)
		}
	}
	iocReportCPU(b, cpu)
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

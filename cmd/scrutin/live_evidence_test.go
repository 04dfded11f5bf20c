package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/fleet/natstest"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
	"github.com/scrutin/scrutin/internal/store/storetest"
)

var (
	telemetryLines   = flag.Int("telemetry-lines", 100_000, "lines the live-evidence test publishes from its two sensors (1000000 for the issue's figure)")
	telemetryWorkers = flag.Int("telemetry-workers", 1, "workers counting the live evidence in its test")
)

// TestLiveEvidence: two sensors publish their Zeek logs to a 3-node
// JetStream cluster, a worker counts them into the organisation's live
// evidence while a NATS node is stopped midway, and a sensor publishes
// its log a second time: the counts are those of `scrutin ingest` of the
// same files, none lost or doubled.
func TestLiveEvidence(t *testing.T) {
	if testing.Short() {
		t.Skip("publishes and counts 100,000 lines through a 3-node cluster")
	}
	for _, dsn := range liveDSNs(t) {
		name := "sqlite"
		if strings.HasPrefix(dsn, "postgres") {
			name = "postgres"
		}
		t.Run(name, func(t *testing.T) { testLiveEvidence(t, dsn) })
	}
}

func liveDSNs(t *testing.T) []string {
	dsns := []string{filepath.Join(t.TempDir(), "scrutin.db")}
	if os.Getenv("SCRUTIN_TEST_POSTGRES") != "" {
		dsns = append(dsns, storetest.NewPostgresDB(t, "scrutin_cmd"))
	}
	return dsns
}

func testLiveEvidence(t *testing.T, dsn string) {
	ctx := context.Background()
	c := natstest.Start(t, 3)
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CreateOrg(ctx, &store.Org{ID: "party-a", Name: "Party A", Kind: model.KindParty}); err != nil {
		t.Fatal(err)
	}
	// Two sensors' logs: copies of a real Zeek log.
	src, err := os.ReadFile("../../internal/evidence/testdata/telemetry/otrf-apt29-day1-combined_zeek.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	perLine := bytes.Count(src, []byte("\n"))
	dir := t.TempDir()
	var files []string
	for i := range 2 {
		var b bytes.Buffer
		for b.Len() == 0 || bytes.Count(b.Bytes(), []byte("\n")) < *telemetryLines/2 {
			b.Write(src)
		}
		lines := bytes.SplitAfter(b.Bytes(), []byte("\n"))
		path := filepath.Join(dir, []string{"sensor1.log", "sensor2.log"}[i])
		if err := os.WriteFile(path, bytes.Join(lines[:*telemetryLines/2], nil), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	_ = perLine
	code, local, errs := scrutin(t, "", append([]string{"ingest", "--kind", "zeek", "--format", "json"}, files...)...)
	if code != 0 {
		t.Fatalf("local ingest: %d %s", code, errs)
	}
	var want evidence.TelemetrySummary
	if err := json.Unmarshal([]byte(local), &want); err != nil {
		t.Fatal(err)
	}

	wctx, stopWorker := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for range *telemetryWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &syncWriter{w: &bytes.Buffer{}}}
			Main(wctx, []string{"worker", "--nats", c.URLs(), "--db", dsn, "--replicas", "3", "--workers", "1"}, e)
		}()
	}
	defer func() { stopWorker(); wg.Wait() }()
	start := time.Now()

	publish := func(path string) {
		t.Helper()
		code, out, errs := scrutin(t, "", "ingest", path, "--kind", "zeek", "--publish", c.URLs(), "--org", "party-a", "--replicas", "3")
		if code != 0 || !strings.Contains(out, "Published") {
			t.Errorf("publish %s: %d %s %s", path, code, out, errs)
		}
	}
	var pubs sync.WaitGroup
	for _, f := range files {
		pubs.Add(1)
		go func() { defer pubs.Done(); publish(f) }()
	}
	// A NATS node stops once half the lines are counted.
	counted := func() *evidence.TelemetrySummary {
		st, err := db.EvidenceStreamOf(ctx, "party-a", "zeek")
		if err != nil {
			return nil
		}
		var s evidence.TelemetrySummary
		if err := json.Unmarshal(st.Summary, &s); err != nil {
			t.Fatal(err)
		}
		return &s
	}
	deadline := time.Now().Add(15 * time.Minute)
	for s := counted(); s == nil || s.Lines < want.Lines/2; s = counted() {
		if time.Now().After(deadline) {
			t.Fatal("nothing counted after 5 minutes")
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.Stop(1)
	pubs.Wait()
	published := time.Since(start)
	// A sensor restarts and publishes its log again.
	publish(files[0])
	var got *evidence.TelemetrySummary
	for got = counted(); got.Lines < want.Lines; got = counted() {
		if time.Now().After(deadline) {
			t.Fatalf("%d lines of %d counted after 5 minutes", got.Lines, want.Lines)
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(start)
	t.Logf("%d lines published in %s and counted in %s (%d worker(s)): %.0f lines/s end to end, one NATS node stopped and a log published twice",
		want.Lines, published.Round(time.Millisecond), took.Round(time.Millisecond), *telemetryWorkers, float64(want.Lines)/took.Seconds())
	time.Sleep(time.Second) // anything counted twice would show now
	got = counted()
	if len(got.Sources) != 2 {
		t.Errorf("sources %+v", got.Sources)
	}
	g, w := *got, want
	g.Sources, w.Sources, g.MalformedLines, w.MalformedLines = nil, nil, nil, nil
	if !reflect.DeepEqual(g, w) {
		t.Errorf("live evidence %d lines, %d events; scrutin ingest %d lines, %d events", g.Lines, g.Events, w.Lines, w.Events)
	}
	t.Logf("%d lines, %d events counted live", got.Lines, got.Events)
}

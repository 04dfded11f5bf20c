package fleet

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/fleet/natstest"
	"github.com/scrutin/scrutin/internal/tail"
)

// TestEvidenceOrgWithDots: organisation ids may hold dots (dept.44), which
// a NATS subject token cannot; such an organisation's telemetry is published
// and reaches the counter under its own id.
func TestEvidenceOrgWithDots(t *testing.T) {
	c := natstest.Start(t, 1)
	cfg := Config{Replicas: 1}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, org := range []string{"dept.44", "a.b.c", "plain"} {
		p := &EvidencePublisher{JS: jsOf(t, c.Connect()), Config: cfg, Org: org, Kind: "zeek"}
		if err := p.Setup(ctx); err != nil {
			t.Fatalf("%s: %v", org, err)
		}
		if err := p.Publish(ctx, tail.Chunk{Source: "s-" + org, Start: 0, End: 3, Data: []byte("ab\n")}); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range [][2]string{{"dept~44", "zeek"}, {"-x", "zeek"}, {"org", "ze.ek"}, {"org", ""}} {
		p := &EvidencePublisher{JS: jsOf(t, c.Connect()), Config: cfg, Org: bad[0], Kind: bad[1]}
		if err := p.Setup(ctx); err == nil {
			t.Errorf("org %q kind %q: no error", bad[0], bad[1])
		}
	}
	got := make(chan EvidenceChunk, 3)
	w := &EvidenceCounter{JS: jsOf(t, c.Connect()), Config: cfg, Log: slog.New(slog.DiscardHandler),
		Apply: func(_ context.Context, ch EvidenceChunk) error { got <- ch; return nil }}
	go func() { _ = w.Run(ctx) }()
	seen := map[string]string{}
	for range 3 {
		select {
		case ch := <-got:
			seen[ch.Org] = ch.Source
		case <-ctx.Done():
			t.Fatalf("counted only %v", seen)
		}
	}
	for _, org := range []string{"dept.44", "a.b.c", "plain"} {
		if seen[org] != "s-"+org {
			t.Errorf("org %q: got %v", org, seen)
		}
	}
}

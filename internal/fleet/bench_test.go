package fleet

import (
	"context"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/fleet/natstest"
	"github.com/scrutin/scrutin/internal/sim"
)

// BenchmarkElectionLocal and BenchmarkElectionFleet simulate the built-in
// example, 2^20 trials, on this machine: locally on 2 goroutines, and
// through one in-process NATS node with 2 workers of 1 goroutine each.
// Their ratio is the overhead of distributing (tasks, partials, merge).
//
//	go test -run XXX -bench 'BenchmarkElection(Local|Fleet)$' -count 4 ./internal/fleet/
func BenchmarkElectionLocal(b *testing.B) {
	m := election(b)
	opt := sim.Options{Trials: 1 << 20, Seed: 1, Workers: 2}
	for b.Loop() {
		if _, err := sim.Run(context.Background(), m, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(opt.Trials)*float64(b.N)/b.Elapsed().Seconds(), "trials/s")
	b.ReportMetric(0, "ns/op")
}

func BenchmarkElectionFleet(b *testing.B) {
	c := natstest.Start(b, 1)
	cfg := Config{AckWait: 30 * time.Second}
	for i := range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		b.Cleanup(cancel)
		w := &Worker{JS: jsOf(b, c.Connect()), Config: cfg, Version: testVersion, SimWorkers: 1, Name: string(rune('a' + i))}
		go w.Run(ctx)
	}
	m := election(b)
	opt := sim.Options{Trials: 1 << 20, Seed: 1}
	d := &Dispatcher{JS: jsOf(b, c.Connect()), Config: cfg, Version: testVersion}
	// One run first: streams made, workers ready, the model stored.
	if _, err := d.Run(context.Background(), m, sim.Options{Trials: 1, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := d.Run(context.Background(), m, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(opt.Trials)*float64(b.N)/b.Elapsed().Seconds(), "trials/s")
	b.ReportMetric(0, "ns/op")
}

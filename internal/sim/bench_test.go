package sim

import (
	"context"
	"testing"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/model"
)

// BenchmarkRun simulates the standard scenario of DESIGN.md on one worker
// (one core), statistics included, and reports simulated scenario-years
// per second.
//
//	go test -run XXX -bench BenchmarkRun -benchtime 5x ./internal/sim/
func BenchmarkRun(b *testing.B) {
	m := mustModel(b, standardYAML)
	const trials = 1 << 20
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(context.Background(), m, Options{Trials: trials, Seed: 1, Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(trials)*float64(b.N)/b.Elapsed().Seconds(), "scenario-years/s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkRunParallel is BenchmarkRun on all cores.
func BenchmarkRunParallel(b *testing.B) {
	m := mustModel(b, standardYAML)
	const trials = 1 << 21
	for b.Loop() {
		if _, err := Run(context.Background(), m, Options{Trials: trials, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(trials)*float64(b.N)/b.Elapsed().Seconds(), "scenario-years/s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkElection simulates the built-in example on all cores and reports
// trials (simulated years of all its scenarios) per second.
func BenchmarkElection(b *testing.B) {
	m, err := model.Decode("election.yaml", examples.Election())
	if err != nil {
		b.Fatal(err)
	}
	const trials = 1 << 18
	for b.Loop() {
		if _, err := Run(context.Background(), m, Options{Trials: trials, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(trials)*float64(b.N)/b.Elapsed().Seconds(), "years/s")
	b.ReportMetric(float64(trials)*float64(len(m.Scenarios))*float64(b.N)/b.Elapsed().Seconds(), "scenario-years/s")
	b.ReportMetric(0, "ns/op")
}

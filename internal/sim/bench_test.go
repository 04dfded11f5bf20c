package sim

import (
	"context"
	"strings"
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

// BenchmarkRunHarms is BenchmarkRun with two harm dimensions drawn per
// loss event and event times in a season with a timed window: the cost
// of harms and of the calendar.
//
//	go test -run XXX -bench 'BenchmarkRun(Harms)?$' -benchtime 5x ./internal/sim/
func BenchmarkRunHarms(b *testing.B) {
	m := mustModel(b, `harms: [{id: v, name: V, unit: voters}, {id: c, name: C, unit: points}]
harm_tolerance: [{harm: v, points: [{above: 0, probability: 0.5}]}]
calendar: {season_days: 30, windows: [{id: w, name: W, start_day: 28, days: 2}]}
`+strings.Replace(standardYAML, "magnitude: {lognormal90: [10000, 1000000]}}",
		"magnitude: {lognormal90: [10000, 1000000]},\n     harm: {v: {lognormal90: [100, 10000]}, c: {pert: [0, 1, 5]}}, timing: {w: {harm: {v: 3}}}}", 1))
	if len(m.Scenarios[0].Harm) != 2 {
		b.Fatal("the scenario has no harms")
	}
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

// BenchmarkElectionInPieces is BenchmarkElection done as a distributed run
// does it: the blocks simulated in 8 pieces, each encoded and decoded,
// then merged. Against BenchmarkElection it measures the overhead of the
// partials and the merge (no network).
//
//	go test -run XXX -bench 'BenchmarkElection(InPieces)?$' -count 6 ./internal/sim/ | benchstat -
func BenchmarkElectionInPieces(b *testing.B) {
	m, err := model.Decode("election.yaml", examples.Election())
	if err != nil {
		b.Fatal(err)
	}
	const trials = 1 << 18
	opt := Options{Trials: trials, Seed: 1}
	blocks := Blocks(trials)
	var bytes int
	for b.Loop() {
		var parts []*Partial
		bytes = 0
		for first := int64(0); first < blocks; first += blocks / 8 {
			p, err := RunBlocks(context.Background(), m, opt, first, min(blocks, first+blocks/8))
			if err != nil {
				b.Fatal(err)
			}
			enc, err := p.MarshalBinary()
			if err != nil {
				b.Fatal(err)
			}
			bytes += len(enc)
			var q Partial
			if err := q.UnmarshalBinary(enc); err != nil {
				b.Fatal(err)
			}
			parts = append(parts, &q)
		}
		if _, err := Merge(m, opt, parts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(trials)*float64(b.N)/b.Elapsed().Seconds(), "years/s")
	b.ReportMetric(float64(bytes), "partial-bytes")
	b.ReportMetric(0, "ns/op")
}

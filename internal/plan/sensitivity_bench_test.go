package plan

import (
	"context"
	"testing"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/model"
)

// BenchmarkSensitivityElection analyses the built-in example at 100,000
// trials on all cores, as `scrutin sensitivity` does by default.
//
//	go test -run XXX -bench SensitivityElection -benchtime 1x ./internal/plan/
func BenchmarkSensitivityElection(b *testing.B) {
	m, err := model.Decode("election.yaml", examples.Election())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Sensitivity(context.Background(), m, SensitivityOptions{Trials: 100_000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

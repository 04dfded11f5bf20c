package sim

import (
	"context"
	"math"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

const standardYAML = `scrutin: 1
name: standard scenario
currency: EUR
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: mail, org: o, name: Mail, kind: email}]
actors: [{id: a, name: A}]
scenarios:
  - {id: std, name: standard, actor: a, assets: [mail], effect: confidentiality,
     frequency: {pert: [0.5, 2, 10]}, vulnerability: 0.3, magnitude: {lognormal90: [10000, 1000000]}}
`

func mustModel(tb testing.TB, src string) *model.Model {
	tb.Helper()
	m, err := model.Decode("test.yaml", []byte(src))
	if err != nil {
		tb.Fatalf("decode: %v", err)
	}
	return m
}

func TestStandardScenario(t *testing.T) {
	m := mustModel(t, standardYAML)
	res, err := Run(context.Background(), m, Options{Trials: 200000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Portfolio
	t.Logf("mean %.0f ± %.0f sd %.0f p0 %.4f q %+v", p.Mean, p.Stats.MeanSE, p.SD, p.PNoLoss, p.Quantiles)
	if d := math.Abs(p.Mean - 246418); d > 4*p.Stats.MeanSE {
		t.Errorf("mean %.0f, want 246418 within 4 SE (%.0f)", p.Mean, 4*p.Stats.MeanSE)
	}
	if d := math.Abs(p.PNoLoss - 0.4394); d > 0.005 {
		t.Errorf("p_no_loss %.4f, want 0.4394", p.PNoLoss)
	}
}

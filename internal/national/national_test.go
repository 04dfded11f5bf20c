package national

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

func load(t *testing.T, name string) *model.Model {
	t.Helper()
	path := filepath.Join("testdata", name)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Decode(path, src)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func members(t *testing.T) []Member {
	return []Member{{Org: "party", Model: load(t, "party.yaml")}, {Org: "ministry", Model: load(t, "ministry.yaml")}}
}

// TestNationalEqualsMergedModel checks the national run against a model
// written by hand: both organisations' scenarios, their ids prefixed, and
// one actor for the party's APT28 and the ministry's Fancy Bear (ATT&CK
// G0007). Same seed, same figures, bit for bit.
func TestNationalEqualsMergedModel(t *testing.T) {
	ctx := context.Background()
	opt := Options{Trials: 20_000, Seed: 7}
	got, err := Run(ctx, members(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	want, err := sim.Run(ctx, load(t, "merged.yaml"), sim.Options{Trials: opt.Trials, Seed: opt.Seed})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Portfolio, want.Portfolio) {
		t.Errorf("national portfolio differs from the merged model's:\n got %+v\nwant %+v", got.Portfolio, want.Portfolio)
	}
	if len(got.Portfolio.Harms) != 2 {
		t.Errorf("harms %v, want confidence and voters", got.Portfolio.Harms)
	}
	// Each organisation's figures are its scenarios' part of the merged run.
	for i, org := range []string{"party", "ministry"} {
		var mean float64
		for _, s := range want.Scenarios {
			if strings.HasPrefix(s.ID, org+".") {
				mean += s.Mean
			}
		}
		if c := got.Organisations[i]; c.Org != org || c.Mean != mean {
			t.Errorf("organisation %d: %s mean %v, want %s %v", i, c.Org, c.Mean, org, mean)
		}
	}
	if len(got.Shared) != 1 || got.Shared[0].Name != "G0007" || !reflect.DeepEqual(got.Shared[0].Orgs, []string{"ministry", "party"}) {
		t.Errorf("shared %+v, want G0007 drawn by ministry and party", got.Shared)
	}
}

// TestNationalTailExceedsIndependent: with a heavy-tailed activity shared
// by the organisations' actors, bad years coincide, so the national 99th
// percentile exceeds that of the same organisations with independent
// actors; the means are the same.
func TestNationalTailExceedsIndependent(t *testing.T) {
	got, err := Run(context.Background(), members(t), Options{Trials: 200_000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	d := got.Diversification
	t.Logf("P99: joint %.0f, independent %.0f, sum of the organisations' %.0f", d.P99, d.IndependentP99, d.SumOfP99)
	if !(d.P99 > 1.05*d.IndependentP99) {
		t.Errorf("joint P99 %v does not exceed the independent P99 %v", d.P99, d.IndependentP99)
	}
	if !(d.P99 <= d.SumOfP99) || d.Benefit != 1-d.P99/d.SumOfP99 {
		t.Errorf("diversification %+v", d)
	}
	// The means differ only by Monte Carlo error: 4 standard errors.
	se := got.Portfolio.Stats.MeanSE + 0
	if diff := got.Portfolio.Mean - got.Independent.Mean; diff*diff > 16*2*se*se {
		t.Errorf("joint mean %v, independent %v (se %v)", got.Portfolio.Mean, got.Independent.Mean, se)
	}
}

// TestNationalOneMember: a national run of one organisation is that
// organisation.
func TestNationalOneMember(t *testing.T) {
	got, err := Run(context.Background(), members(t)[:1], Options{Trials: 10_000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if c := got.Organisations[0]; c.Figures != figures(got.Portfolio) || c.ShareOfMean != 1 {
		t.Errorf("one member: %+v, national %+v", c, figures(got.Portfolio))
	}
	if len(got.Shared) != 0 {
		t.Errorf("shared %+v with one organisation", got.Shared)
	}
}

// TestComposeKeepsMembers: composing changes no member's model, and the
// controls in force are the member's.
func TestComposeKeepsMembers(t *testing.T) {
	ms := members(t)
	before := []*model.Model{load(t, "party.yaml"), load(t, "ministry.yaml")}
	ms[0].Controls = []string{"training"}
	m, err := Compose(ms, Joint)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ms {
		if !reflect.DeepEqual(ms[i].Model, before[i]) {
			t.Errorf("member %d changed", i)
		}
	}
	if got := m.Implemented(); !reflect.DeepEqual(got, []string{"party.training"}) {
		t.Errorf("in force %v, want party.training", got)
	}
}

// TestComposeTheExample composes the built-in example for two
// organisations: trees, controls, contests, audits and windows are all
// namespaced, and the composed model runs.
func TestComposeTheExample(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "election.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := model.Decode("election.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := model.Decode("election.yaml", src)
	got, err := Run(context.Background(), []Member{{Org: "a", Model: a}, {Org: "b", Model: b}}, Options{Trials: 4096, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Shared) == 0 {
		t.Error("no activity shared between two copies of the example")
	}
	for _, s := range got.Shared {
		if !reflect.DeepEqual(s.Orgs, []string{"a", "b"}) {
			t.Errorf("shared %+v", s)
		}
	}
	// The organisations' means add up to the national one (to rounding:
	// the sums run in another order).
	sum := got.Organisations[0].Mean + got.Organisations[1].Mean
	if got.Portfolio.Mean <= 0 || math.Abs(sum-got.Portfolio.Mean) > 1e-9*got.Portfolio.Mean {
		t.Errorf("means: national %v, organisations %v + %v", got.Portfolio.Mean, got.Organisations[0].Mean, got.Organisations[1].Mean)
	}
}

func TestComposeRefuses(t *testing.T) {
	edit := func(f func(p, m *model.Model)) []Member {
		ms := members(t)
		f(ms[0].Model, ms[1].Model)
		return ms
	}
	for _, c := range []struct {
		name    string
		members []Member
		want    string
	}{
		{"none", nil, "at least one organisation"},
		{"twice", []Member{members(t)[0], members(t)[0]}, `"party" is given twice`},
		{"currency", edit(func(_, m *model.Model) { m.Currency = "USD" }), "counts money in EUR and \"ministry\" in USD"},
		{"season", edit(func(_, m *model.Model) { d := 28.0; m.Calendar.SeasonDays = &d }), "periods of 42 days and \"ministry\" of 28"},
		{"cycle", edit(func(_, m *model.Model) { m.Calendar = nil }), "periods of 42 days and \"ministry\" of 365"},
		{"unit", edit(func(_, m *model.Model) { m.Harms[0].Unit = "percent" }), `harm "confidence" counts points for organisation "party" and percent for "ministry"`},
		{"activity", edit(func(_, m *model.Model) {
			m.Actors[0].Activity = &model.Dist{Kind: model.Gamma, Params: []float64{2, 2}}
		}),
			`draws the activity "G0007"`},
		{"control", []Member{{Org: "party", Model: load(t, "party.yaml"), Controls: []string{"nope"}}}, `unknown control "nope"`},
		{"collision", []Member{{Org: "a.b", Model: load(t, "party.yaml")}, {Org: "a", Model: func() *model.Model {
			m := load(t, "party.yaml")
			m.Scenarios[0].ID = "b.leak"
			for i := range m.Controls {
				m.Controls[i].Effects[0].Scenario = "b.leak"
			}
			return m
		}()}}, `duplicate id "a.b.leak"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Compose(c.members, Joint)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			if model.ErrorCode(err) != model.EINVALID {
				t.Errorf("code %q, want EINVALID", model.ErrorCode(err))
			}
		})
	}
}

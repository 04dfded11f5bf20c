package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/model"
)

func exampleModel(t testing.TB) *model.Model {
	t.Helper()
	m, err := model.Decode("election.yaml", examples.Election())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// partials simulates the run's blocks in the ranges cut at cuts, each with
// its own number of workers, through their binary form, in shuffled order.
func partials(t *testing.T, m *model.Model, opt Options, cuts []int64, shuffle uint64) []*Partial {
	t.Helper()
	var out []*Partial
	for i := 0; i+1 < len(cuts); i++ {
		o := opt
		o.Workers = 1 + i%3
		p, err := RunBlocks(context.Background(), m, o, cuts[i], cuts[i+1])
		if err != nil {
			t.Fatal(err)
		}
		b, err := p.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var q Partial
		if err := q.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		out = append(out, &q)
	}
	r := rand.New(rand.NewPCG(shuffle, 0))
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// TestMergeIsBitIdentical: the example (harms, windows, tolerances,
// controls, trees) simulated in pieces by different workers, encoded and
// decoded, and merged in any order gives Run's result bit for bit.
func TestMergeIsBitIdentical(t *testing.T) {
	m := exampleModel(t)
	opt := Options{Trials: 9*BlockSize + 123, Seed: 42}
	want, err := Run(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(want)
	for i, cuts := range [][]int64{{0, 10}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {0, 3, 4, 9, 10}} {
		got, err := Merge(m, opt, partials(t, m, opt, cuts, uint64(i)))
		if err != nil {
			t.Fatal(err)
		}
		gotJSON, _ := json.Marshal(got)
		if !bytes.Equal(gotJSON, wantJSON) || !reflect.DeepEqual(got, want) {
			t.Errorf("cuts %v: the merged result differs from Run's", cuts)
		}
	}
	// With controls and a fixed input, as a plan and a sensitivity run do.
	opt.Controls = []string{}
	opt.Fix = []Fix{{Actor: "apt28", Param: ParamActivity, Value: 2}}
	want, err = Run(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Merge(m, opt, partials(t, m, opt, []int64{0, 5, 10}, 9))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("with no controls and a fixed activity, the merged result differs from Run's")
	}
}

func TestMergeRefuses(t *testing.T) {
	m := exampleModel(t)
	opt := Options{Trials: 4 * BlockSize, Seed: 1}
	all := partials(t, m, opt, []int64{0, 2, 4}, 0)
	lo, hi := all[0], all[1]
	if lo.First != 0 {
		lo, hi = hi, lo
	}
	over, err := RunBlocks(context.Background(), m, opt, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	minimal, err := model.Decode("minimal.yaml", []byte(strings.ReplaceAll(`scrutin: 1
name: M
currency: EUR
organizations: [{id: o, name: O, kind: party}]
assets: [{id: a, org: o, name: A, kind: email}]
actors: [{id: x, name: X}]
scenarios: [{id: s, name: S, actor: x, assets: [a], effect: integrity, frequency: 1, vulnerability: 0.5, magnitude: 10}]
`, "\t", "")))
	if err != nil {
		t.Fatal(err)
	}
	other, err := RunBlocks(context.Background(), minimal, opt, 2, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		parts []*Partial
		want  string
	}{
		{"missing", []*Partial{lo}, "no partial holds block 2"},
		{"twice", []*Partial{lo, lo, hi}, "two partials start at block 0"},
		{"overlap", []*Partial{lo, hi, over}, "overlap"},
		{"other model", []*Partial{lo, other}, "scopes"},
	} {
		if _, err := Merge(m, opt, c.parts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := RunBlocks(context.Background(), m, opt, 3, 5); err == nil {
		t.Error("blocks beyond the run accepted")
	}
}

// FuzzPartial: no input makes UnmarshalBinary panic, and what it accepts
// encodes again to an input it accepts.
func FuzzPartial(f *testing.F) {
	m := exampleModel(f)
	p, err := RunBlocks(context.Background(), m, Options{Trials: 2 * BlockSize, Seed: 1}, 0, 2)
	if err != nil {
		f.Fatal(err)
	}
	b, _ := p.MarshalBinary()
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Add([]byte(partialMagic + "\x01\x00\x02\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var q Partial
		if q.UnmarshalBinary(data) != nil {
			return
		}
		again, err := q.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var r Partial
		if err := r.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-encoded partial refused: %v", err)
		}
	})
}

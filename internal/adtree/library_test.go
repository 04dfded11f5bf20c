package adtree

import (
	"math"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// Every tree of the voting-technology library evaluates exactly with all
// its defences in force and with none, and the defences lower the
// probability of success.
func TestLibraryTreesEvaluate(t *testing.T) {
	lib, err := model.LibraryTrees()
	if err != nil {
		t.Fatal(err)
	}
	none := func(string) bool { return false }
	for i := range lib {
		lt := &lib[i]
		t.Run(lt.Tree.ID, func(t *testing.T) {
			m := &model.Model{}
			mt, err := m.AddLibraryTree(model.LibraryPrefix + lt.Tree.ID)
			if err != nil {
				t.Fatal(err)
			}
			tr := FromModelIn(m, mt)
			in := Evaluate(tr, Context{})
			out := Evaluate(tr, Context{InForce: none})
			for name, r := range map[string]*Result{"in force": in, "out of force": out} {
				if !r.Exact || r.Probability == nil || !r.Reachable {
					t.Fatalf("defences %s: exact %v, probability %v, reachable %v, notes %v", name, r.Exact, r.Probability, r.Reachable, r.Notes)
				}
			}
			if p, q := *in.Probability, *out.Probability; !(p > 0 && p < q && q < 1) {
				t.Errorf("P(success) with defences %v, without %v: want 0 < with < without < 1", p, q)
			}
			if len(in.Defences) == 0 {
				t.Error("no defences")
			}
		})
	}
}

// The hand-counted paper tree's probability of success, computed by hand
// from its leaves (or: 1 − Π(1 − p); and, sand: Π p; a defence in force
// with probability d multiplies its node by 1 − d).
func TestLibraryPaperHandCount(t *testing.T) {
	m := &model.Model{}
	mt, err := m.AddLibraryTree("library:paper-hand-count")
	if err != nil {
		t.Fatal(err)
	}
	tr := FromModelIn(m, mt)
	or := func(ps ...float64) float64 {
		q := 1.0
		for _, p := range ps {
			q *= 1 - p
		}
		return 1 - q
	}
	// All defences in force.
	insider := or(0.3*(1-0.8), 0.3*(1-0.8))
	subvert := or(0.2*(1-0.7), 0.3*0.4*(1-0.9))
	audit := 0.2 * 0.3 * (1 - 0.7)
	wantIn := or(insider, subvert, audit) // 0.194154…
	// None in force.
	wantOut := or(or(0.3, 0.3), or(0.2, 0.3*0.4), 0.2*0.3) // 0.675738…
	// Only the observers (a model whose other controls are absent).
	wantObs := or(insider, or(0.2, 0.3*0.4), 0.2*0.3)
	for _, tt := range []struct {
		name string
		ctx  Context
		want float64
	}{
		{"all in force", Context{}, wantIn},
		{"none", Context{InForce: func(string) bool { return false }}, wantOut},
		{"observers", Context{InForce: func(c string) bool { return c == "observers" }}, wantObs},
	} {
		r := Evaluate(tr, tt.ctx)
		if r.Probability == nil || math.Abs(*r.Probability-tt.want) > 1e-12 || !r.Exact {
			t.Errorf("%s: P(success) = %v (exact %v), want %v", tt.name, r.Probability, r.Exact, tt.want)
		}
	}
	if math.Abs(wantIn-0.194154) > 1e-6 || math.Abs(wantOut-0.675738) > 1e-6 {
		t.Errorf("hand figures %v %v", wantIn, wantOut)
	}
}

package adtree

import "testing"

func TestByEffect(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	ds := []DefenceValue{
		{ID: "weak", ProbabilityWithout: f(0.5), ProbabilityWith: f(0.45), MinCostWithout: f(10), MinCostWith: f(12)},
		{ID: "costly", ProbabilityWithout: f(0.5), ProbabilityWith: f(0.45), MinCostWithout: f(10), MinCostWith: f(50)},
		{ID: "strong", ProbabilityWithout: f(0.5), ProbabilityWith: f(0.1), MinCostWithout: f(10), MinCostWith: f(11)},
		{ID: "closes", ProbabilityWithout: f(0.5), ProbabilityWith: f(0.45), MinCostWithout: f(10)},
		{ID: "unknown"},
	}
	got := ByEffect(ds)
	want := []string{"strong", "closes", "costly", "weak", "unknown"}
	for i, d := range got {
		if d.ID != want[i] {
			t.Fatalf("order %v, want %v", ids(got), want)
		}
	}
	if ds[0].ID != "weak" {
		t.Error("the input was changed")
	}
}

func ids(ds []DefenceValue) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

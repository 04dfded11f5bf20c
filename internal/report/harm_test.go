package report

import (
	"testing"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

func TestOverallVerdict(t *testing.T) {
	m := &model.Model{Harms: []model.Harm{{ID: "va", Name: "Votes altered"}, {ID: "ddos", Name: "DDoS victims"}, {ID: "re", Name: "Records exposed"}}}
	for _, c := range []struct {
		v    *sim.Verdict
		want string
	}{
		{nil, ""},
		{&sim.Verdict{Harms: map[string]bool{}}, "Not significant: no tolerance of the model is exceeded."},
		{&sim.Verdict{Money: true, Significant: true, Harms: map[string]bool{}}, "Significant: tolerance exceeded for money."},
		{&sim.Verdict{Significant: true, Harms: map[string]bool{"va": true}}, "Significant: tolerance exceeded for votes altered."},
		{&sim.Verdict{Money: true, Significant: true, Harms: map[string]bool{"va": true}}, "Significant: tolerance exceeded for money and votes altered."},
		{&sim.Verdict{Money: true, Significant: true, Harms: map[string]bool{"re": true, "ddos": true}}, "Significant: tolerance exceeded for money, DDoS victims and records exposed."},
	} {
		if got := OverallVerdict(m, &sim.Result{Verdict: c.v}); got != c.want {
			t.Errorf("verdict %+v: %q, want %q", c.v, got, c.want)
		}
	}
}

func TestAmount(t *testing.T) {
	for x, want := range map[float64]string{0: "0", 6.901: "6.9", 28.134: "28.1", 0.25: "0.25", 100: "100", 121905.7: "121,906"} {
		if got := Amount(x); got != want {
			t.Errorf("Amount(%v) = %q, want %q", x, got, want)
		}
	}
}

func TestHarmKeyPoint(t *testing.T) {
	tol := &sim.HarmTolerance{Points: []sim.HarmTolerancePoint{{Above: 0, Probability: 0.2, Limit: 0.5}, {Above: 10, Probability: 0.1, Limit: 0.05}, {Above: 100, Probability: 0.01, Limit: 0.001}}}
	key, n := HarmKeyPoint(tol)
	if n != 2 || key.Above != 100 {
		t.Errorf("key %+v, %d exceeded; want above 100, 2", key, n)
	}
	if key, n := HarmKeyPoint(nil); key != nil || n != 0 {
		t.Errorf("nil tolerance: %+v %d", key, n)
	}
}

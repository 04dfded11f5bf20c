package report

import (
	"testing"

	"github.com/scrutin/scrutin/internal/i18n"
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

// TestSig: a harm reads with three significant digits, whole from 100
// on, in each language's format.
func TestSig(t *testing.T) {
	en, fr := i18n.New(i18n.English), i18n.New(i18n.French)
	for _, c := range []struct {
		x      float64
		en, fr string
	}{
		{0, "0", "0"}, {0.942, "0.942", "0,942"}, {2.65, "2.65", "2,65"}, {1, "1", "1"}, {28.1, "28.1", "28,1"},
		{700, "700", "700"}, {40175, "40,175", "40\u00a0175"}, {1.8333, "1.83", "1,83"}, {0.0005, "0.0005", "0,0005"},
	} {
		if got := Sig(en, c.x); got != c.en {
			t.Errorf("en %g: %q, want %q", c.x, got, c.en)
		}
		if got := Sig(fr, c.x); got != c.fr {
			t.Errorf("fr %g: %q, want %q", c.x, got, c.fr)
		}
		if Amount(c.x) != Sig(en, c.x) {
			t.Errorf("%g: Amount %q, Sig %q", c.x, Amount(c.x), Sig(en, c.x))
		}
	}
}

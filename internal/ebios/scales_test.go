package ebios

import (
	"math"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// TestMatrix: the 16 cells of the official matrix (rows V1–V4, columns
// G1–G4): V1: L L L M; V2: L L M M; V3: M M H H; V4: M H H H.
func TestMatrix(t *testing.T) {
	want := []string{"LLLM", "LLMM", "MMHH", "MHHH"}
	for v := 1; v <= 4; v++ {
		for g := 1; g <= 4; g++ {
			got := Level(g, v).String()[:1]
			if w := string(want[v-1][g-1]); got != map[string]string{"L": "l", "M": "m", "H": "h"}[w] {
				t.Errorf("V%d G%d: %s, want %s", v, g, Level(g, v), w)
			}
		}
	}
	if Level(0, 1) != 0 || Level(1, 5) != 0 {
		t.Error("out of range levels have a risk")
	}
}

// TestPertinence: the method's motivation × resources grid.
func TestPertinence(t *testing.T) {
	want := [4][4]int{{1, 1, 2, 2}, {1, 2, 3, 3}, {2, 3, 3, 4}, {2, 3, 4, 4}}
	for m := 1; m <= 4; m++ {
		for r := 1; r <= 4; r++ {
			if got := Pertinence(m, r); got != want[m-1][r-1] {
				t.Errorf("motivation %d, resources %d: %d, want %d", m, r, got, want[m-1][r-1])
			}
		}
	}
	yes, no := true, false
	for _, c := range []struct {
		s    model.RiskSource
		want bool
	}{
		{model.RiskSource{Motivation: 4, Resources: 4}, true},
		{model.RiskSource{Motivation: 2, Resources: 3}, true},
		{model.RiskSource{Motivation: 2, Resources: 2}, false},
		{model.RiskSource{Motivation: 4, Resources: 4, Retained: &no}, false},
		{model.RiskSource{Motivation: 1, Resources: 1, Retained: &yes}, true},
	} {
		if got := Retained(c.s); got != c.want {
			t.Errorf("%+v: retained %v", c.s, got)
		}
	}
}

// TestThreatLevel: the three cases and their default zones.
func TestThreatLevel(t *testing.T) {
	z := Zones(nil)
	for _, c := range []struct {
		r     model.StakeholderRatings
		level float64
		zone  string
	}{
		{model.StakeholderRatings{Dependence: 3, Penetration: 4, Maturity: 2, Trust: 2}, 3.0, "danger"},
		{model.StakeholderRatings{Dependence: 3, Penetration: 3, Maturity: 3, Trust: 2}, 1.5, "control"},
		{model.StakeholderRatings{Dependence: 2, Penetration: 2, Maturity: 3, Trust: 3}, 4.0 / 9, "watch"},
		{model.StakeholderRatings{Dependence: 1, Penetration: 1, Maturity: 1, Trust: 1}, 1, "control"},
		{model.StakeholderRatings{Dependence: 3, Penetration: 3, Maturity: 2, Trust: 2}, 2.25, "control"},
	} {
		l := ThreatLevel(c.r)
		if math.Abs(l-c.level) > 1e-12 || Zone(l, z) != c.zone {
			t.Errorf("%+v: %g %s, want %g %s", c.r, l, Zone(l, z), c.level, c.zone)
		}
	}
	if math.Abs(ThreatLevel(model.StakeholderRatings{Dependence: 2, Penetration: 2, Maturity: 3, Trust: 3})-0.444) > 0.001 {
		t.Error("(2,2,3,3) is not 0.444")
	}
	// The zones' edges: danger is strictly above 2.5, control from 0.9.
	if Zone(2.5, z) != "control" || Zone(0.9, z) != "control" || Zone(0.89, z) != "watch" || Zone(2.51, z) != "danger" {
		t.Error("zone edges")
	}
}

func TestLevelOf(t *testing.T) {
	th := []float64{0.05, 0.2, 0.5}
	for _, c := range []struct {
		x    float64
		want int
	}{{0, 1}, {0.049, 1}, {0.05, 2}, {0.19, 2}, {0.2, 3}, {0.5, 4}, {1, 4}} {
		if got := LevelOf(c.x, th); got != c.want {
			t.Errorf("%g: V%d, want V%d", c.x, got, c.want)
		}
	}
}

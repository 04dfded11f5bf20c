// Package ebios computes an EBIOS Risk Manager study (ANSSI, 2018) from a
// model that carries one (model.Ebios) and the model's simulation: the
// official scales and risk matrix, the pertinence of risk origins, the
// threat level of stakeholders, and the gravity and likelihood of every
// scenario, measured, never typed (DESIGN.md section 11).
package ebios

import "github.com/scrutin/scrutin/internal/model"

// Risk is a risk level of the official 4×4 matrix.
type Risk int

// The matrix's three risk levels.
const (
	Low Risk = iota + 1
	Medium
	High
)

// String is the level's name: low, medium, high.
func (r Risk) String() string {
	switch r {
	case Low:
		return "low"
	case Medium:
		return "medium"
	case High:
		return "high"
	}
	return ""
}

// MarshalText writes the level's name in JSON.
func (r Risk) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// matrix is the risk matrix published with the method, as CISO
// Assistant's public-domain library risk-matrix-4x4-ebios-rm (version 5)
// holds it: a row per likelihood V1–V4, a column per gravity G1–G4.
var matrix = [4][4]Risk{
	{Low, Low, Low, Medium},
	{Low, Low, Medium, Medium},
	{Medium, Medium, High, High},
	{Medium, High, High, High},
}

// Level is the risk level of gravity g and likelihood v (each 1 to 4);
// 0 when either is out of range.
func Level(g, v int) Risk {
	if g < 1 || g > 4 || v < 1 || v > 4 {
		return 0
	}
	return matrix[v-1][g-1]
}

// pertinence is the method's grid of a risk origin / target objective
// pair's pertinence: a row per motivation 1–4, a column per resources
// 1–4.
var pertinence = [4][4]int{
	{1, 1, 2, 2},
	{1, 2, 3, 3},
	{2, 3, 3, 4},
	{2, 3, 4, 4},
}

// Pertinence is the pertinence, 1 to 4, of a pair with motivation and
// resources (each 1 to 4); 0 when either is out of range.
func Pertinence(motivation, resources int) int {
	if motivation < 1 || motivation > 4 || resources < 1 || resources > 4 {
		return 0
	}
	return pertinence[motivation-1][resources-1]
}

// Retained says whether a pair is kept for the rest of the study: as the
// model says, else when its pertinence is 3 or 4.
func Retained(s model.RiskSource) bool {
	if s.Retained != nil {
		return *s.Retained
	}
	return Pertinence(s.Motivation, s.Resources) >= 3
}

// ThreatLevel is a stakeholder's threat level: (dependence × penetration)
// ÷ (cyber maturity × trust), each rated 1 to 4.
func ThreatLevel(r model.StakeholderRatings) float64 {
	if r.Maturity <= 0 || r.Trust <= 0 {
		return 0
	}
	return float64(r.Dependence*r.Penetration) / float64(r.Maturity*r.Trust)
}

// Zone is where a threat level falls: "danger" above the danger
// threshold, "control" from the control threshold up to it, "watch"
// below.
func Zone(level float64, z model.EbiosZones) string {
	switch {
	case level > z.Danger:
		return "danger"
	case level >= z.Control:
		return "control"
	}
	return "watch"
}

// Zones are the model's zones, or the defaults (0.9 and 2.5).
func Zones(e *model.Ebios) model.EbiosZones {
	if e != nil && e.Zones != nil {
		return *e.Zones
	}
	return model.EbiosZones{Control: model.DefaultEbiosControlZone, Danger: model.DefaultEbiosDangerZone}
}

// LevelOf is 1 plus the number of thresholds that x reaches: the level,
// 1 to 4, of x on a scale whose levels 2, 3 and 4 begin at t[0], t[1]
// and t[2].
func LevelOf(x float64, t []float64) int {
	l := 1
	for _, b := range t {
		if x >= b {
			l++
		}
	}
	return l
}

// LikelihoodThresholds are the model's, or the defaults (5 %, 20 %, 50 %).
func LikelihoodThresholds(e *model.Ebios) []float64 {
	if e != nil && len(e.Likelihood) == 3 {
		return e.Likelihood
	}
	return model.DefaultEbiosLikelihood
}

// Package ciso reads and writes the workbook of CISO Assistant's EBIOS RM
// study export and data-wizard import (xlsx), from the interchange
// specification in the project's notes (CISO Assistant is AGPL; nothing
// of its code is used): sheets named by workshop activity, lower-case
// headers in row 1, literal values, lists joined with line feeds, levels
// by the names of the risk-matrix-4x4-ebios-rm library, references
// between sheets by name. A private sheet named "scrutin", which CISO
// Assistant's importer ignores, carries what it has no column for, so
// that scrutin reads its own workbooks back without loss.
package ciso

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sheet names, in the order the export writes them.
const (
	SheetStudy        = "1.1 Study"
	SheetAssets       = "1.2 Assets"
	SheetFeared       = "1.3 Feared Events"
	SheetRoTo         = "2.1 RO-TO Couples"
	SheetStakeholders = "3.1 Stakeholders"
	SheetStrategic    = "3.2.1 Strategic Scenarios"
	SheetAttackPaths  = "3.2.2 Attack Paths"
	SheetControls     = "3.3 Stakeholder Controls"
	SheetOperational  = "4.1.1 Operational Scenarios"
	SheetModes        = "4.1.2 Operating Modes"
	// SheetScrutin is scrutin's own sheet: its name starts with none of
	// the prefixes the importer looks for, so CISO Assistant ignores it.
	SheetScrutin = "scrutin"
)

// headers are the columns of each sheet, in order.
var headers = map[string][]string{
	SheetStudy:        {"ref_id", "name", "description", "version", "status", "eta", "due_date", "observation"},
	SheetAssets:       {"ref_id", "name", "description", "type", "parent_asset"},
	SheetFeared:       {"ref_id", "name", "description", "gravity", "is_selected", "justification", "assets"},
	SheetRoTo:         {"risk_origin", "target_objective", "motivation", "resources", "activity", "pertinence", "is_selected", "justification", "feared_events"},
	SheetStakeholders: {"entity", "category", "current_dependency", "current_penetration", "current_maturity", "current_trust", "current_criticality", "residual_dependency", "residual_penetration", "residual_maturity", "residual_trust", "residual_criticality", "is_selected", "justification"},
	SheetStrategic:    {"ref_id", "name", "description", "risk_origin", "target_objective", "gravity"},
	SheetAttackPaths:  {"ref_id", "name", "description", "strategic_scenario", "stakeholders", "is_selected", "justification"},
	SheetControls:     {"ref_id", "name", "description", "status", "stakeholders"},
	SheetOperational:  {"ref_id", "name", "attack_path", "likelihood", "gravity", "risk_level", "operating_modes_description", "is_selected", "justification"},
	SheetModes:        {"ref_id", "name", "description", "operational_scenario", "likelihood", "elementary_actions"},
	SheetScrutin:      {"kind", "id", "name", "field", "value"},
}

// prefixes are how CISO Assistant's importer finds each sheet: the first
// sheet whose name starts with the prefix.
var prefixes = []struct{ sheet, prefix string }{
	{SheetStudy, "1.1"}, {SheetAssets, "1.2"}, {SheetFeared, "1.3"}, {SheetRoTo, "2.1"},
	{SheetStakeholders, "3.1"}, {SheetStrategic, "3.2.1"}, {SheetAttackPaths, "3.2.2"}, {SheetControls, "3.3"},
	{SheetOperational, "4.1.1"}, {SheetModes, "4.1.2"},
}

// Level names of the risk-matrix-4x4-ebios-rm library (version 5), per
// language: gravity G1–G4, likelihood V1–V4, risk Low/Medium/High.
var (
	gravityNames = map[string][4]string{
		"en": {"Minor", "Significant", "Important", "Critical"},
		"fr": {"Mineur", "Significatif", "Important", "Critique"},
		"de": {"Geringfügig", "Bedeutend", "Erheblich", "Kritisch"},
	}
	likelihoodNames = map[string][4]string{
		"en": {"Unlikely", "Likely", "Very likely", "Certain"},
		"fr": {"Peu vraisemblable", "Vraisemblable", "Très vraisemblable", "Certain"},
		"de": {"Unwahrscheinlich", "Wahrscheinlich", "Sehr wahrscheinlich", "Sicher"},
	}
	riskNames = map[string][3]string{
		"en": {"Low", "Medium", "High"},
		"fr": {"Faible", "Moyen", "Élevé"},
		"de": {"Niedrig", "Mittel", "Hoch"},
	}
)

// unrated is what the export writes for a level not rated.
const unrated = "--"

// The untranslated choice labels of a pair's ratings, 0 (undefined) to 4.
var (
	motivationLabels = [5]string{"undefined", "very_low", "low", "significant", "strong"}
	resourcesLabels  = [5]string{"undefined", "limited", "significant", "important", "unlimited"}
	activityLabels   = [5]string{"undefined", "very_low", "low", "moderate", "important"}
	pertinenceLabels = [5]string{"undefined", "irrelevant", "partially_relevant", "fairly_relevant", "highly_relevant"}
)

func langOf(lang string) string {
	if _, ok := gravityNames[lang]; ok {
		return lang
	}
	return "en"
}

// gravityName is the name of gravity g (1 to 4) in lang, "--" if unrated.
func gravityName(g int, lang string) string {
	if g < 1 || g > 4 {
		return unrated
	}
	return gravityNames[langOf(lang)][g-1]
}

func likelihoodName(v int, lang string) string {
	if v < 1 || v > 4 {
		return unrated
	}
	return likelihoodNames[langOf(lang)][v-1]
}

func riskName(r int, lang string) string {
	if r < 1 || r > 3 {
		return unrated
	}
	return riskNames[langOf(lang)][r-1]
}

// parseLevel is the level, 1 to 4, that name gives in any language of
// names (case and surrounding spaces ignored), 0 for an unrated cell
// ("" or "--"), and false for a name that is no level.
func parseLevel(names map[string][4]string, name string) (int, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" || n == unrated {
		return 0, true
	}
	for _, l := range names {
		for i, s := range l {
			if strings.ToLower(s) == n {
				return i + 1, true
			}
		}
	}
	return 0, false
}

// parseChoice is the value, 0 to 4, of a choice label (or of its digit).
func parseChoice(labels [5]string, s string) (int, bool) {
	n := strings.ToLower(strings.TrimSpace(s))
	if n == "" {
		return 0, true
	}
	for i, l := range labels {
		if l == n || n == string(rune('0'+i)) {
			return i, true
		}
	}
	return 0, false
}

// capitalize is Python's str.capitalize, which CISO Assistant applies to
// a category with no translation: the first letter upper-case, the rest
// lower-case.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToTitle(r)) + strings.ToLower(s[n:])
}

// stakeholderKey is how other sheets name a stakeholder: "<entity>
// (<category as CISO Assistant renders it>)".
func stakeholderKey(entity, category string) string {
	return entity + " (" + capitalize(category) + ")"
}

// operationalName is the name CISO Assistant gives an operational
// scenario: its strategic scenario's and attack path's, each cut to 95
// characters.
func operationalName(strategic, path string) string {
	return cut(strategic, 95) + " - " + cut(path, 95)
}

func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// criticality is a threat level as the export writes it: two decimals,
// trailing zeros and point removed.
func criticality(x float64) string {
	return strings.TrimRight(strings.TrimRight(strconv.FormatFloat(x, 'f', 2, 64), "0"), ".")
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

package attack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"
)

// textUncovered is how many uncovered techniques the text report lists.
const textUncovered = 15

// WriteText writes the coverage as a report for people.
func (cov *Coverage) WriteText(w io.Writer) error {
	c := cov.cat
	var b bytes.Buffer
	a := cov.Actor
	n := len(cov.Techniques)
	fmt.Fprintf(&b, "%s (%s) against the controls of %q\n", a.Name, a.ID, cov.Model)
	fmt.Fprintf(&b, "Catalogue: %s\n", c.Name)
	fmt.Fprintf(&b, "Techniques: %d", n)
	if extra := n - cov.Direct; extra > 0 {
		fmt.Fprintf(&b, " (%d used by the group, %d more by its campaigns)", cov.Direct, extra)
	}
	b.WriteString("\n")
	if len(cov.InForce) > 0 {
		parts := make([]string, len(cov.InForce))
		for i, ctl := range cov.InForce {
			parts[i] = fmt.Sprintf("%s (%s)", ctl.ID, strings.Join(shownIDs(ctl.Mitigations), ", "))
		}
		fmt.Fprintf(&b, "Controls in force with ATT&CK mitigations: %s\n", strings.Join(parts, ", "))
	} else {
		b.WriteString("Controls in force with ATT&CK mitigations: none\n")
	}
	fmt.Fprintf(&b, "Mitigated by controls in force: %d of %d techniques (%s)", cov.Mitigated, n, percent(cov.Fraction()))
	if len(cov.Proposed) > 0 {
		fmt.Fprintf(&b, "; with every proposed control too: %d (%s)", cov.WithProposed, percent(fraction(cov.WithProposed, n)))
	}
	b.WriteString("\n")
	b.WriteString("(A technique counts as mitigated when a control in force lists one of the technique's own\n" +
		"ATT&CK mitigations; a parent technique's mitigations do not count for its sub-techniques.)\n")

	b.WriteString("\nBy tactic\n")
	rows := [][]string{{"tactic", "techniques", "mitigated", "coverage"}}
	for _, t := range cov.ByTactic {
		rows = append(rows, []string{t.Tactic.Name, fmt.Sprint(t.Techniques), fmt.Sprint(t.Mitigated), percent(t.Fraction())})
	}
	table(&b, rows, "lrrr")

	if len(cov.Uncovered) > 0 {
		shown := min(textUncovered, len(cov.Uncovered))
		fmt.Fprintf(&b, "\nUncovered techniques, most important first (%d of %d)\n", shown, len(cov.Uncovered))
		rows = [][]string{{"#", "technique", "name", "tactics", "actors", "proposed controls that would mitigate it"}}
		for i, t := range cov.Uncovered[:shown] {
			fix := strings.Join(t.Proposed, ", ")
			switch {
			case fix != "":
			case IsDISARM(t.ID) && len(t.Mitigations) == 0:
				fix = "(none: DISARM lists no countermeasure)"
			case IsDISARM(t.ID):
				fix = "(none; DISARM: " + strings.Join(shownIDs(t.Mitigations), ", ") + ")"
			case !t.Preventable() && len(t.Mitigations) > 0:
				fix = "(none: ATT&CK says pre-compromise)"
			case len(t.Mitigations) == 0:
				fix = "(none: ATT&CK lists no mitigation)"
			default:
				fix = "(none; ATT&CK: " + strings.Join(shownIDs(t.Mitigations), ", ") + ")"
			}
			rows = append(rows, []string{fmt.Sprint(i + 1), shownID(t.ID), clip(t.Name, 44), clip(c.tacticNames(t.Tactics), 28),
				fmt.Sprintf("%d/%d", t.Users, len(c.Actors)), fix})
		}
		table(&b, rows, "rllllll")
		if more := len(cov.Uncovered) - shown; more > 0 {
			fmt.Fprintf(&b, "  … and %d more (--format json lists them all)\n", more)
		}
		b.WriteString("Ranked: first those a proposed control would mitigate, then those ATT&CK can mitigate at\n" +
			"all (not only by M1056 Pre-compromise), then by how many of the catalogue's actors use them,\n" +
			"then by the tactics they serve plus the actor's sub-techniques under them.\n")
	}

	if len(cov.Proposed) > 0 {
		b.WriteString("\nControls not in force and the uncovered techniques they would mitigate\n")
		rows = [][]string{{"control", "mitigations", "techniques", "most important first"}}
		for _, ctl := range cov.Proposed {
			rows = append(rows, []string{ctl.ID, strings.Join(shownIDs(ctl.Mitigations), ", "), fmt.Sprint(len(ctl.Techniques)), clipList(shownIDs(ctl.Techniques), 6)})
		}
		table(&b, rows, "llrl")
	}
	if len(cov.Notes) > 0 {
		b.WriteString("\nNotes\n")
		for _, n := range cov.Notes {
			fmt.Fprintf(&b, "  %s\n", n)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func percent(f float64) string {
	if f == 0 || f == 1 {
		return fmt.Sprintf("%.0f %%", 100*f)
	}
	return fmt.Sprintf("%.1f %%", 100*f)
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func clipList(ids []string, n int) string {
	if len(ids) <= n {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids[:n], ", ") + fmt.Sprintf(" … (%d more)", len(ids)-n)
}

// table writes rows indented by two spaces, columns aligned left (l) or
// right (r) as align says; the first row is the header.
func table(b *bytes.Buffer, rows [][]string, align string) {
	width := map[int]int{}
	for _, r := range rows {
		for i, cell := range r {
			width[i] = max(width[i], utf8.RuneCountInString(cell))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		line.WriteString("  ")
		for i, cell := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(cell))
			if i > 0 {
				line.WriteString("  ")
			}
			if i < len(align) && align[i] == 'r' {
				line.WriteString(pad + cell)
			} else if i < len(r)-1 {
				line.WriteString(cell + pad)
			} else {
				line.WriteString(cell)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// The --format json shape of a coverage.
type coverageJSON struct {
	Actor      coverageActorJSON `json:"actor"`
	Techniques int               `json:"techniques"`
	Mitigated  int               `json:"mitigated"`
	Coverage   float64           `json:"coverage"`
	ByTactic   byTacticJSON      `json:"by_tactic"`
	Uncovered  []uncoveredJSON   `json:"uncovered"`
}

type coverageActorJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	ModelActor string `json:"model_actor,omitempty"`
}

type tacticJSON struct {
	Name       string  `json:"name"`
	Techniques int     `json:"techniques"`
	Mitigated  int     `json:"mitigated"`
	Coverage   float64 `json:"coverage"`
}

type uncoveredJSON struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Tactics          []string `json:"tactics"`
	Mitigations      []string `json:"mitigations"`
	ProposedControls []string `json:"proposed_controls"`
	Actors           int      `json:"actors"`
}

// byTacticJSON is an object keyed by tactic short name whose keys keep
// the matrix order.
type byTacticJSON struct {
	keys   []string
	values []tacticJSON
}

func (t byTacticJSON) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range t.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		vb, err := json.Marshal(t.values[i])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func round4(f float64) float64 { return math.Round(f*1e4) / 1e4 }

// WriteJSON writes the coverage as the JSON object
//
//	{"actor": {"id", "name", "model_actor"?}, "techniques": count, "mitigated": count,
//	 "coverage": fraction, "by_tactic": {short name: {"name", "techniques", "mitigated", "coverage"}},
//	 "uncovered": [{"id", "name", "tactics", "mitigations", "proposed_controls", "actors"}]}
//
// with by_tactic in matrix order, uncovered in rank order (see Rank),
// fractions rounded to four decimals, and "actors" the number of the
// catalogue's actors that use the technique.
func (cov *Coverage) WriteJSON(w io.Writer) error {
	out := coverageJSON{
		Actor:      coverageActorJSON{ID: cov.Actor.ID, Name: cov.Actor.Name, ModelActor: cov.ModelActor},
		Techniques: len(cov.Techniques), Mitigated: cov.Mitigated, Coverage: round4(cov.Fraction()),
		Uncovered: []uncoveredJSON{},
	}
	for _, t := range cov.ByTactic {
		out.ByTactic.keys = append(out.ByTactic.keys, t.Tactic.ShortName)
		out.ByTactic.values = append(out.ByTactic.values, tacticJSON{Name: t.Tactic.Name, Techniques: t.Techniques, Mitigated: t.Mitigated, Coverage: round4(t.Fraction())})
	}
	for _, t := range cov.Uncovered {
		out.Uncovered = append(out.Uncovered, uncoveredJSON{ID: t.ID, Name: t.Name, Tactics: nonNil(t.Tactics),
			Mitigations: nonNil(t.Mitigations), ProposedControls: nonNil(t.Proposed), Actors: t.Users})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

package adtree

import (
	"fmt"
	"regexp"
)

// DrawWords are the words a drawing writes: its legend, the attributes
// under a leaf's name, its tooltips and its accessible description. The
// zero value of a field means the English word; Num, when set, writes
// numbers (default: as in English, "1234.5" with at most 4 significant
// decimals). Formats take the arguments that their comments list, in
// that order (use %[n]v to reorder). Sprintf, when set, formats the
// description's formats (Describe, Shared, Off, Highlighted, More): a
// translator's, which may pick the words that agree with a count; by
// default fmt.Sprintf.
type DrawWords struct {
	// Legend.
	Attack, Defence, DefenceOff, Countermeasure, Sequence string
	// Under a leaf's name and in its tooltip.
	Control, NotInForce, InForce, Bypass, Cost, Time, Skill, P string
	ProbSuccess, ProbStop, BypassCost, PartOfHighlight         string
	// Gates, written above a gate's name and in its tooltip.
	GateAnd, GateOr, GateSand string
	// Kinds of node in tooltips: the role ("attack", "defence"), then
	// LeafKind (role) or GateKind (role, gate such as "AND").
	RoleAttack, RoleDefence, LeafKind, GateKind string
	// The accessible description: Describe (tree id, goal, nodes,
	// attack nodes, defence nodes), Shared (how many), Boxes, Off (list),
	// Highlighted (list), More (how many more, after a list of 20).
	Describe, Shared, Boxes, Off, Highlighted, More string
	Num                                             func(float64) string
	Sprintf                                         func(format string, args ...any) string
}

// englishWords are the default words.
var englishWords = DrawWords{
	Attack: "Attack", Defence: "Defence", DefenceOff: "Defence not in force", Countermeasure: "Countermeasure",
	Sequence: "Sequence order (SAND)",
	Control:  "control", NotInForce: "not in force", InForce: "in force", Bypass: "bypass", Cost: "cost",
	Time: "time", Skill: "skill", P: "p",
	ProbSuccess: "probability of success", ProbStop: "probability of stopping the attack", BypassCost: "bypass cost",
	PartOfHighlight: "part of the highlighted attack",
	GateAnd:         "AND", GateOr: "OR", GateSand: "SAND",
	RoleAttack: "attack", RoleDefence: "defence", LeafKind: "%s leaf", GateKind: "%s %s gate",
	Describe: "Attack-defence tree %q with the goal %q: %d {3:node|nodes} (%d attack, %d defence)",
	Shared:   ", %d of them shared by several parents",
	Boxes:    ". Attack nodes are red rounded boxes, defences green square boxes; each gives its gate (AND, OR, SAND), its name and a leaf's attributes. Dashed edges lead to countermeasures; numbered edges give the order of a sequential AND.",
	Off:      " Defences not in force (grey): %s.", Highlighted: " Highlighted in orange: the attack %s.",
	More: " and %d more",
}

// withDefaults fills the empty fields of w with the English words.
func (w *DrawWords) withDefaults() DrawWords {
	out := englishWords
	if w == nil {
		out.Num, out.Sprintf = drawNum, englishSprintf
		return out
	}
	pick := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	for _, f := range []struct {
		dst *string
		v   string
	}{
		{&out.Attack, w.Attack}, {&out.Defence, w.Defence}, {&out.DefenceOff, w.DefenceOff},
		{&out.Countermeasure, w.Countermeasure}, {&out.Sequence, w.Sequence},
		{&out.Control, w.Control}, {&out.NotInForce, w.NotInForce}, {&out.InForce, w.InForce},
		{&out.Bypass, w.Bypass}, {&out.Cost, w.Cost}, {&out.Time, w.Time}, {&out.Skill, w.Skill}, {&out.P, w.P},
		{&out.ProbSuccess, w.ProbSuccess}, {&out.ProbStop, w.ProbStop}, {&out.BypassCost, w.BypassCost},
		{&out.PartOfHighlight, w.PartOfHighlight},
		{&out.GateAnd, w.GateAnd}, {&out.GateOr, w.GateOr}, {&out.GateSand, w.GateSand},
		{&out.RoleAttack, w.RoleAttack}, {&out.RoleDefence, w.RoleDefence}, {&out.LeafKind, w.LeafKind}, {&out.GateKind, w.GateKind},
		{&out.Describe, w.Describe}, {&out.Shared, w.Shared}, {&out.Boxes, w.Boxes}, {&out.Off, w.Off},
		{&out.Highlighted, w.Highlighted}, {&out.More, w.More},
	} {
		pick(f.dst, f.v)
	}
	out.Num, out.Sprintf = w.Num, w.Sprintf
	if out.Num == nil {
		out.Num = drawNum
	}
	if out.Sprintf == nil {
		out.Sprintf = englishSprintf
	}
	return out
}

// englishSelector is a plural selector of the words, {N:one|other}: the
// form for one or for other counts of argument N (1-based), as
// internal/i18n writes them.
var englishSelector = regexp.MustCompile(`\{([1-9]):([^{}|]*)\|([^{}]*)\}`)

// englishSprintf formats like fmt.Sprintf after resolving the selectors
// of format with English's rule (the form for one for exactly 1): the
// default words' Sprintf, so that the command line writes "1 node".
func englishSprintf(format string, args ...any) string {
	format = englishSelector.ReplaceAllStringFunc(format, func(m string) string {
		sub := englishSelector.FindStringSubmatch(m)
		n := int(sub[1][0] - '0')
		if n <= len(args) {
			if v, ok := args[n-1].(int); ok && v == 1 {
				return sub[2]
			}
		}
		return sub[3]
	})
	return fmt.Sprintf(format, args...)
}

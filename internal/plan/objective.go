package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// HarmObjectivePrefix starts an objective on a harm dimension:
// "harm:ID:STAT", where STAT is mean, p90, p95 or p99 of the annual harm
// of dimension ID.
const HarmObjectivePrefix = "harm:"

// Objective is a parsed objective: a statistic (one of Objectives) of
// the annual loss, or of the annual harm of dimension Harm.
type Objective struct {
	Harm string // "" for money
	Stat string // mean, p90, p95 or p99
}

// String is the objective as Options.Objective spells it.
func (o Objective) String() string {
	if o.Harm == "" {
		return o.Stat
	}
	return HarmObjectivePrefix + o.Harm + ":" + o.Stat
}

// objectiveForms names the objectives accepted, for error messages.
const objectiveForms = "mean, p90, p95, p99, or harm:ID:mean, harm:ID:p90, harm:ID:p95, harm:ID:p99 for a harm dimension ID"

// ParseObjective reads an objective: mean, p90, p95 or p99 (of the annual
// loss), or harm:ID:mean, harm:ID:p90, harm:ID:p95 or harm:ID:p99 (of
// the annual harm of dimension ID). It checks the form only; CheckObjective
// checks that the dimension is the model's.
func ParseObjective(s string) (Objective, error) {
	if slices.Contains(Objectives, s) {
		return Objective{Stat: s}, nil
	}
	if len(s) > 200 {
		return Objective{}, model.Errorf(model.EINVALID, "objective of %d characters: expected %s", len(s), objectiveForms)
	}
	rest, ok := strings.CutPrefix(s, HarmObjectivePrefix)
	if !ok {
		return Objective{}, model.Errorf(model.EINVALID, "unknown objective %q; expected %s", s, objectiveForms)
	}
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		return Objective{}, model.Errorf(model.EINVALID, "objective %q: expected harm:ID:STAT with STAT one of mean, p90, p95, p99, such as harm:votes-altered:p99", s)
	}
	id, stat := rest[:i], rest[i+1:]
	if id == "" {
		return Objective{}, model.Errorf(model.EINVALID, "objective %q names no harm dimension: expected harm:ID:STAT, such as harm:votes-altered:p99", s)
	}
	if !slices.Contains(Objectives, stat) {
		return Objective{}, model.Errorf(model.EINVALID, "objective %q: statistic %q is not one of mean, p90, p95, p99", s, stat)
	}
	return Objective{Harm: id, Stat: stat}, nil
}

// CheckObjective parses objective and checks that a harm objective names
// one of m's harm dimensions; the error lists them, with the closest
// when the id looks misspelt.
func CheckObjective(m *model.Model, objective string) (Objective, error) {
	o, err := ParseObjective(objective)
	if err != nil || o.Harm == "" || m.HarmByID(o.Harm) != nil {
		return o, err
	}
	var ids []string
	for _, h := range m.Harms {
		ids = append(ids, h.ID)
	}
	if len(ids) == 0 {
		return o, model.Errorf(model.EINVALID, "objective %q: the model declares no harm dimensions (harms:), so only mean, p90, p95 and p99 of the annual loss can be minimised", objective)
	}
	hint := ""
	best, bestD := "", 3
	for _, id := range ids {
		if d := model.EditDistance(o.Harm, id); d < bestD && d < len(id) {
			best, bestD = id, d
		}
	}
	if best != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", best)
	}
	return o, model.Errorf(model.EINVALID, "objective %q: unknown harm dimension %q%s; the model's dimensions: %s",
		objective, o.Harm, hint, strings.Join(ids, ", "))
}

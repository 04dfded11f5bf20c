// Package national computes the joint risk of several organisations
// (DESIGN.md section 14): their models composed into one simulation in
// which the actors they have in common draw one activity per simulated
// year, so that a busy year for APT28 is busy for everyone at once.
package national

import (
	"maps"
	"slices"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// Member is one organisation's contribution to a national run.
type Member struct {
	// Org is the organisation's id: the namespace of its model's ids in
	// the composed model ("party-a.hack-and-leak").
	Org string
	// Model is the organisation's model, valid and already calibrated
	// with its evidence (its evidence section is not used again).
	Model *model.Model
	// Controls are the ids of the controls in force (nil: the model's
	// implemented controls).
	Controls []string
}

// Sharing says which actors of different organisations draw one activity.
type Sharing int

const (
	// Joint shares the activity of actors with the same shared id, or
	// else the same ATT&CK group id.
	Joint Sharing = iota
	// Independent gives every organisation's actors their own activity:
	// the same organisations, as if their attackers had nothing in
	// common.
	Independent
)

// Namespace is the id of an organisation's id in the composed model.
func Namespace(org, id string) string { return org + "." + id }

// Compose builds the one model that simulates the members together: every
// id of a member's model is namespaced by its organisation; an actor whose
// activity is shared (Joint: a shared id, or else an ATT&CK group) takes
// that name as its shared id, so that the organisations' actors of one
// group draw one activity, and they must then give the same activity. The
// members must count money in one currency and simulate periods of the
// same length. Tolerances, evidence, labels and EBIOS studies stay with
// the organisations: the composed model has none. Compose never changes
// the members' models.
func Compose(members []Member, sharing Sharing) (*model.Model, error) {
	m, _, err := compose(members, sharing)
	return m, err
}

// compose is Compose, and the organisation of each actor of the composed
// model.
func compose(members []Member, sharing Sharing) (*model.Model, map[string]string, error) {
	if len(members) == 0 {
		return nil, nil, model.Errorf(model.EINVALID, "a national run needs at least one organisation")
	}
	c := composer{out: &model.Model{Scrutin: model.FormatVersion}, harms: map[string]string{}, actorOrg: map[string]string{}}
	seen := map[string]bool{}
	var names []string
	for i, mb := range members {
		if mb.Model == nil {
			return nil, nil, model.Errorf(model.EINVALID, "organisation %q has no model", mb.Org)
		}
		if seen[mb.Org] {
			return nil, nil, model.Errorf(model.EINVALID, "organisation %q is given twice", mb.Org)
		}
		seen[mb.Org] = true
		if err := c.member(i, mb, members[0], sharing); err != nil {
			return nil, nil, err
		}
		names = append(names, mb.Org)
	}
	c.out.Name = "National run: " + strings.Join(names, ", ")
	if ps := model.Validate(c.out); len(ps) > 0 {
		msgs := make([]string, 0, len(ps))
		for _, p := range ps {
			msgs = append(msgs, p.String())
		}
		return nil, nil, model.Errorf(model.EINVALID, "the organisations' models cannot be simulated together: %s", strings.Join(msgs, "; "))
	}
	return c.out, c.actorOrg, nil
}

type composer struct {
	out      *model.Model
	harms    map[string]string // harm id → the organisation that defined it
	actorOrg map[string]string // composed actor id → its organisation
}

func (c *composer) member(i int, mb Member, first Member, sharing Sharing) error {
	m, out := mb.Model, c.out
	ns := func(id string) string {
		if id == "" {
			return ""
		}
		return Namespace(mb.Org, id)
	}
	if i == 0 {
		out.Currency = m.Currency
	} else if m.Currency != out.Currency {
		return model.Errorf(model.EINVALID, "organisation %q counts money in %s and %q in %s: a national run adds losses in one currency",
			first.Org, out.Currency, mb.Org, m.Currency)
	}
	if err := c.calendar(i, mb, first, ns); err != nil {
		return err
	}
	for _, h := range m.Harms {
		if by, ok := c.harms[h.ID]; ok {
			if prev := out.HarmByID(h.ID); prev.Unit != h.Unit {
				return model.Errorf(model.EINVALID, "harm %q counts %s for organisation %q and %s for %q: a national run adds harms of one unit",
					h.ID, prev.Unit, by, h.Unit, mb.Org)
			}
			continue
		}
		c.harms[h.ID] = mb.Org
		out.Harms = append(out.Harms, h)
	}
	for _, o := range m.Organizations {
		o.ID = ns(o.ID)
		out.Organizations = append(out.Organizations, o)
	}
	for _, a := range m.Assets {
		a.ID, a.Org = ns(a.ID), ns(a.Org)
		out.Assets = append(out.Assets, a)
	}
	for _, a := range m.Actors {
		a.SharedID = activityName(m, &a, sharing, ns)
		a.ID = ns(a.ID)
		c.actorOrg[a.ID] = mb.Org
		a.Disarm = slices.Clone(a.Disarm)
		out.Actors = append(out.Actors, a)
	}
	inForce := map[string]bool{}
	controls := mb.Controls
	if controls == nil {
		controls = m.Implemented()
	}
	for _, id := range controls {
		if m.ControlByID(id) == nil {
			return model.Errorf(model.EINVALID, "organisation %q: unknown control %q", mb.Org, id)
		}
		inForce[id] = true
	}
	for _, ctl := range m.Controls {
		ctl.Status = model.StatusProposed
		if inForce[ctl.ID] {
			ctl.Status = model.StatusImplemented
		}
		ctl.ID = ns(ctl.ID)
		ctl.Attack = slices.Clone(ctl.Attack)
		effects := make([]model.Effect, len(ctl.Effects))
		for j, e := range ctl.Effects {
			e.Scenario = ns(e.Scenario)
			e.Harm = maps.Clone(e.Harm)
			effects[j] = e
		}
		ctl.Effects = effects
		if ctl.Audit != nil {
			a := *ctl.Audit
			a.Contest = ns(a.Contest)
			ctl.Audit = &a
		}
		out.Controls = append(out.Controls, ctl)
	}
	for _, s := range m.Scenarios {
		s.ID, s.Actor, s.Contest = ns(s.ID), ns(s.Actor), ns(s.Contest)
		s.Assets = namespaced(s.Assets, ns)
		s.Vulnerability.Tree = ns(s.Vulnerability.Tree)
		s.Harm = maps.Clone(s.Harm)
		if s.Timing != nil {
			t := make(map[string]model.Timing, len(s.Timing))
			for w, v := range s.Timing {
				t[ns(w)] = v
			}
			s.Timing = t
		}
		out.Scenarios = append(out.Scenarios, s)
	}
	for _, t := range m.Trees {
		t.ID = ns(t.ID)
		t.Root = node(t.Root, ns)
		out.Trees = append(out.Trees, t)
	}
	for _, k := range m.Contests {
		k.ID = ns(k.ID)
		out.Contests = append(out.Contests, k)
	}
	return nil
}

// calendar checks that the member simulates a period of the same length,
// and adds its windows.
func (c *composer) calendar(i int, mb Member, first Member, ns func(string) string) error {
	cal := mb.Model.Calendar
	if i == 0 {
		if cal != nil {
			season, cycle := cal.Season(), cal.Cycle()
			c.out.Calendar = &model.Calendar{SeasonDays: &season, CycleYears: &cycle}
		}
	} else {
		if got, want := cal.Season(), c.out.Calendar.Season(); got != want {
			return model.Errorf(model.EINVALID, "organisation %q simulates periods of %g days and %q of %g: a national run simulates one period for all",
				first.Org, want, mb.Org, got)
		}
		if got, want := cal.Cycle(), c.out.Calendar.Cycle(); got != want {
			return model.Errorf(model.EINVALID, "organisation %q holds its elections every %g years and %q every %g: a national run simulates one election for all",
				first.Org, want, mb.Org, got)
		}
	}
	if cal == nil {
		return nil
	}
	if c.out.Calendar == nil {
		season, cycle := cal.Season(), cal.Cycle()
		c.out.Calendar = &model.Calendar{SeasonDays: &season, CycleYears: &cycle}
	}
	for _, w := range cal.Windows {
		w.ID = ns(w.ID)
		c.out.Calendar.Windows = append(c.out.Calendar.Windows, w)
	}
	return nil
}

// activityName is the shared id an actor takes in the composed model.
// Within its own model the actor draws the activity named by its
// ActivityKey; that group keeps one activity, named, when the sharing is
// Joint, by the group's shared id if it is no actor's id (a name the
// organisations agreed on), or else by its actors' ATT&CK group; an
// activity of the organisation's own keeps its namespaced name.
func activityName(m *model.Model, a *model.Actor, sharing Sharing, ns func(string) string) string {
	key := a.ActivityKey()
	if sharing == Independent {
		return ns(key)
	}
	if m.ActorByID(key) == nil {
		return key
	}
	var group string
	for i := range m.Actors {
		b := &m.Actors[i]
		if b.ActivityKey() == key && b.Attack != "" {
			if b.ID == key {
				return b.Attack
			}
			if group == "" {
				group = b.Attack
			}
		}
	}
	if group != "" {
		return group
	}
	return ns(key)
}

func node(n model.TreeNode, ns func(string) string) model.TreeNode {
	n.ID = ns(n.ID)
	n.Control = ns(n.Control)
	if n.Children != nil {
		kids := make([]model.TreeNode, len(n.Children))
		for i, k := range n.Children {
			kids[i] = node(k, ns)
		}
		n.Children = kids
	}
	if n.Countermeasures != nil {
		cms := make([]model.TreeNode, len(n.Countermeasures))
		for i, k := range n.Countermeasures {
			cms[i] = node(k, ns)
		}
		n.Countermeasures = cms
	}
	return n
}

func namespaced(ids []string, ns func(string) string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = ns(id)
	}
	return out
}

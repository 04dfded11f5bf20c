package attack

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Merge returns a new catalogue: c with other layered on top, as when a
// vendor's playbook (Unit 42's, say) is imported over ATT&CK. Objects of the
// same id are one object: the later-modified version gives its attributes
// (STIX versioning) and their relationships are united. An actor of other
// without an ATT&CK id whose name or alias names exactly one actor of c
// (through ATT&CK aliases or the MISP galaxy: Unit 42's "Fighting Ursa" is
// APT28) joins that actor, its name becoming an alias. other's galaxy, if
// any, replaces c's. Neither c nor other is changed. The notes say which
// actors were joined.
func (c *Catalog) Merge(other *Catalog) (*Catalog, []string) {
	other, notes := other.retire(c.Retired)
	actorID := map[string]string{} // other's actor id -> merged id
	for i := range other.Actors {
		a := &other.Actors[i]
		actorID[a.ID] = a.ID
		if c.Actor(a.ID) != nil || IsAttackID("G", a.ID) {
			continue
		}
		for _, n := range append([]string{a.Name}, a.Aliases...) {
			if b, err := c.FindActor(n); err == nil && b != nil {
				actorID[a.ID] = b.ID
				notes = append(notes, fmt.Sprintf("actor %q (%s, no ATT&CK id) joined %s %s, whose name it is", a.Name, a.ID, b.ID, b.Name))
				break
			}
		}
	}
	m := &Catalog{
		Name: c.Name, Domain: cmp.Or(c.Domain, other.Domain), Version: cmp.Or(c.Version, other.Version),
		Sources: append(slices.Clone(c.Sources), other.Sources...), Complete: c.Complete || other.Complete,
		Galaxy: c.Galaxy, Retired: maps.Clone(c.Retired),
	}
	for k, v := range other.Retired {
		if _, ok := m.Retired[k]; !ok {
			if m.Retired == nil {
				m.Retired = map[string]string{}
			}
			m.Retired[k] = v
		}
	}
	if other.Galaxy != nil {
		m.Galaxy = other.Galaxy
	}

	m.Tactics = slices.Clone(c.Tactics)
	for _, t := range other.Tactics {
		if i := slices.IndexFunc(m.Tactics, func(x Tactic) bool { return x.ShortName == t.ShortName }); i < 0 {
			m.Tactics = append(m.Tactics, t)
		} else if newer(t.Modified, m.Tactics[i].Modified) {
			m.Tactics[i] = t
		}
	}

	m.Techniques = mergeLists(c.Techniques, other.Techniques, func(t *Technique) string { return t.ID },
		func(t *Technique) string { return t.Modified }, func(dst, src *Technique) {
			dst.Mitigations = union(dst.Mitigations, src.Mitigations)
			dst.Domains = union(dst.Domains, src.Domains)
		}, func(t *Technique) {
			t.Tactics, t.Mitigations, t.Domains = slices.Clone(t.Tactics), slices.Clone(t.Mitigations), slices.Clone(t.Domains)
		})
	idx := m.tacticIndex()
	for i := range m.Techniques {
		t := &m.Techniques[i]
		slices.SortFunc(t.Tactics, func(a, b string) int { return cmp.Compare(idx[a], idx[b]) })
		// A sub-technique from a bundle without its parent finds it here.
		if parent, _, ok := strings.Cut(t.ID, "."); ok && t.Parent == "" && IsAttackID("T", t.ID) && m.Technique(parent) != nil {
			t.Parent = parent
		}
	}
	m.Mitigations = mergeLists(c.Mitigations, other.Mitigations, func(x *Mitigation) string { return x.ID },
		func(x *Mitigation) string { return x.Modified }, func(dst, src *Mitigation) {
			dst.Domains = union(dst.Domains, src.Domains)
		}, func(x *Mitigation) { x.Domains = slices.Clone(x.Domains) })
	m.Software = mergeLists(c.Software, other.Software, func(x *Software) string { return x.ID },
		func(x *Software) string { return x.Modified }, func(dst, src *Software) {
			dst.Aliases = appendNew(dst.Aliases, src.Aliases...)
		}, func(s *Software) { s.Aliases = slices.Clone(s.Aliases) })

	others := make([]Actor, 0, len(other.Actors))
	for _, a := range other.Actors {
		if to := actorID[a.ID]; to != a.ID {
			// Joined by name: the base actor keeps its attributes and
			// gains the other's names.
			a.Aliases = appendNew([]string{a.Name}, a.Aliases...)
			a.ID, a.Name, a.Description, a.STIXID, a.Modified = to, "", "", "", ""
		}
		others = append(others, a)
	}
	m.Actors = mergeLists(c.Actors, others, func(x *Actor) string { return x.ID },
		func(x *Actor) string { return x.Modified }, func(dst, src *Actor) {
			dst.Aliases = appendNew(dst.Aliases, src.Aliases...)
			dst.Techniques = union(dst.Techniques, src.Techniques)
			dst.Software = union(dst.Software, src.Software)
		}, func(a *Actor) {
			a.Aliases, a.Techniques, a.Software = slices.Clone(a.Aliases), slices.Clone(a.Techniques), slices.Clone(a.Software)
		})
	for i := range m.Actors {
		a := &m.Actors[i]
		a.Aliases = aliases(a.Name, a.Aliases)
	}

	camps := make([]Campaign, 0, len(other.Campaigns))
	for _, x := range other.Campaigns {
		x.Actors = slices.Clone(x.Actors)
		for i, id := range x.Actors {
			x.Actors[i] = actorID[id]
		}
		x.Actors = sortedSet(x.Actors)
		camps = append(camps, x)
	}
	m.Campaigns = mergeLists(c.Campaigns, camps, func(x *Campaign) string { return x.ID },
		func(x *Campaign) string { return x.Modified }, func(dst, src *Campaign) {
			dst.Actors = union(dst.Actors, src.Actors)
			dst.Techniques = union(dst.Techniques, src.Techniques)
			dst.Software = union(dst.Software, src.Software)
		}, func(x *Campaign) {
			x.Actors, x.Techniques, x.Software = slices.Clone(x.Actors), slices.Clone(x.Techniques), slices.Clone(x.Software)
		})
	return m, notes
}

// mergeLists unites two lists sorted by id into a new sorted list. For an
// id in both, the later-modified element's attributes win (an element with
// no name, an actor joined by name, never wins) and join unites their
// relationships. own gives an element its own copies of its slices.
func mergeLists[T any](base, top []T, id func(*T) string, modified func(*T) string, join func(dst, src *T), own func(*T)) []T {
	out := make([]T, 0, len(base)+len(top))
	for _, e := range base {
		own(&e)
		out = append(out, e)
	}
	pos := make(map[string]int, len(out))
	for i := range out {
		pos[id(&out[i])] = i
	}
	for _, e := range top {
		own(&e)
		i, ok := pos[id(&e)]
		if !ok {
			pos[id(&e)] = len(out)
			out = append(out, e)
			continue
		}
		old := out[i]
		if modified(&e) != "" && newer(modified(&e), modified(&old)) {
			out[i] = e
			join(&out[i], &old)
		} else {
			join(&out[i], &e)
		}
	}
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(id(&a), id(&b)) })
	return out
}

func union(a, b []string) []string {
	return sortedSet(append(slices.Clone(a), b...))
}

// appendNew appends the names of add not already in list (case-insensitive).
func appendNew(list []string, add ...string) []string {
	list = slices.Clone(list)
	for _, s := range add {
		if s != "" && !containsFold(list, s) {
			list = append(list, s)
		}
	}
	return list
}

// retire returns a copy of c without the objects retired says were revoked
// or deprecated: an object with a replacement takes the replacement's id
// (its relationships follow), one without is dropped with its
// relationships. It notes what it did.
func (c *Catalog) retire(retired map[string]string) (*Catalog, []string) {
	ren := map[string]string{} // catalogue id -> new id, "" to drop
	var notes []string
	note := func(kind, id, name, stixID string) {
		to, ok := retired[stixID]
		if !ok || stixID == "" {
			return
		}
		ren[id] = to
		if to == "" {
			notes = append(notes, fmt.Sprintf("%s %s %s is revoked or deprecated in the catalogue in use; dropped", kind, id, name))
		} else {
			notes = append(notes, fmt.Sprintf("%s %s %s is revoked by %s in the catalogue in use; merged into it", kind, id, name, to))
		}
	}
	for _, t := range c.Techniques {
		note("technique", t.ID, t.Name, t.STIXID)
	}
	for _, x := range c.Mitigations {
		note("mitigation", x.ID, x.Name, x.STIXID)
	}
	for _, a := range c.Actors {
		note("actor", a.ID, a.Name, a.STIXID)
	}
	for _, x := range c.Campaigns {
		note("campaign", x.ID, x.Name, x.STIXID)
	}
	for _, s := range c.Software {
		note("software", s.ID, s.Name, s.STIXID)
	}
	if len(ren) == 0 {
		return c, nil
	}
	mapIDs := func(ids []string) []string {
		out := make([]string, 0, len(ids))
		for _, id := range ids {
			if to, ok := ren[id]; ok {
				id = to
			}
			if id != "" {
				out = append(out, id)
			}
		}
		return sortedSet(out)
	}
	out := *c
	// keep says whether an object stays and under which id; a renamed one
	// loses its modified time, so that the replacement's attributes win
	// when the lists are merged.
	keep := func(id string, modified *string) (string, bool) {
		to, ok := ren[id]
		if !ok {
			return id, true
		}
		*modified = ""
		return to, to != ""
	}
	out.Techniques = nil
	for _, t := range c.Techniques {
		if id, ok := keep(t.ID, &t.Modified); ok {
			t.ID, t.Mitigations = id, mapIDs(t.Mitigations)
			if p := mapIDs([]string{t.Parent}); len(p) == 1 && p[0] != id {
				t.Parent = p[0]
			} else {
				t.Parent = ""
			}
			out.Techniques = append(out.Techniques, t)
		}
	}
	out.Mitigations = nil
	for _, x := range c.Mitigations {
		if id, ok := keep(x.ID, &x.Modified); ok {
			x.ID = id
			out.Mitigations = append(out.Mitigations, x)
		}
	}
	out.Actors = nil
	for _, a := range c.Actors {
		if id, ok := keep(a.ID, &a.Modified); ok {
			a.ID, a.Techniques, a.Software = id, mapIDs(a.Techniques), mapIDs(a.Software)
			out.Actors = append(out.Actors, a)
		}
	}
	out.Campaigns = nil
	for _, x := range c.Campaigns {
		if id, ok := keep(x.ID, &x.Modified); ok {
			x.ID, x.Techniques, x.Software, x.Actors = id, mapIDs(x.Techniques), mapIDs(x.Software), mapIDs(x.Actors)
			out.Campaigns = append(out.Campaigns, x)
		}
	}
	out.Software = nil
	for _, s := range c.Software {
		if id, ok := keep(s.ID, &s.Modified); ok {
			s.ID = id
			out.Software = append(out.Software, s)
		}
	}
	return &out, notes
}

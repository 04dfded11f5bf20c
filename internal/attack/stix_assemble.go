package attack

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// entityID is the catalogue id of a kept object: its ATT&CK id when it has
// one of the right shape, its STIX id otherwise.
func entityID(o *stixObj) string {
	id := o.attackID()
	if p := idPrefix[o.Type]; p != "" && IsAttackID(p, id) {
		return id
	}
	return o.ID
}

// claim registers o under catalogue id id and says whether its fields
// should be taken: not when another object of the same id, modified later,
// already holds it.
func claim[T any](bd *builder, m map[string]*T, id string, o *stixObj, modified func(*T) string) (*T, bool) {
	bd.catID[o.ID] = id
	if e, ok := m[id]; ok {
		bd.warn("duplicate id", "%s is the id of two objects, %s and another; their relationships are merged", id, o.ID)
		return e, newer(o.Modified, modified(e))
	}
	e := new(T)
	m[id] = e
	return e, true
}

func (bd *builder) entity(o *stixObj) {
	id := entityID(o)
	if bd.disarm {
		id = disarmEntityID(o)
	}
	switch o.Type {
	case "attack-pattern":
		t, take := claim(bd, bd.techniques, id, o, func(t *Technique) string { return t.Modified })
		if take {
			t.ID, t.Name, t.STIXID, t.Modified = id, techniqueName(id, o.Name), o.ID, o.Modified
			t.Tactics = nil
			t.Domains = domains(o.Domains)
			if bd.disarm {
				t.Domains = []string{DomainDISARM}
			}
			for _, p := range o.KillChainPhases {
				name := p.PhaseName
				switch p.KillChainName {
				case "mitre-attack", "disarm":
					if bd.disarm {
						name = disarmTacticPrefix + name
					}
				case "mitre-ics-attack":
					name = icsTactic(name)
				default:
					continue
				}
				if p.PhaseName != "" && !slices.Contains(t.Tactics, name) {
					t.Tactics = append(t.Tactics, name)
				}
			}
		}
	case "course-of-action":
		m, take := claim(bd, bd.mitigation, id, o, func(m *Mitigation) string { return m.Modified })
		if take {
			m.ID, m.Name, m.STIXID, m.Modified = id, o.Name, o.ID, o.Modified
			m.Domains = domains(o.Domains)
			if bd.disarm {
				m.Domains = []string{DomainDISARM}
			}
		}
	case "intrusion-set":
		a, take := claim(bd, bd.actors, id, o, func(a *Actor) string { return a.Modified })
		if take {
			a.ID, a.Name, a.Description, a.STIXID, a.Modified = id, o.Name, o.Description, o.ID, o.Modified
			a.Aliases = aliases(o.Name, o.Aliases)
		}
	case "campaign":
		c, take := claim(bd, bd.campaigns, id, o, func(c *Campaign) string { return c.Modified })
		if take {
			c.ID, c.Name, c.Description, c.STIXID, c.Modified = id, o.Name, o.Description, o.ID, o.Modified
			c.FirstSeen, c.LastSeen = dateOf(o.FirstSeen), dateOf(o.LastSeen)
		}
	case "malware", "tool":
		s, take := claim(bd, bd.software, id, o, func(s *Software) string { return s.Modified })
		if take {
			s.ID, s.Name, s.Type, s.STIXID, s.Modified = id, o.Name, o.Type, o.ID, o.Modified
			s.Aliases = aliases(o.Name, append(slices.Clone(o.Aliases), o.MitreAliases...))
		}
	case "x-mitre-tactic":
		if o.ShortName == "" {
			bd.warn("tactic without short name", "tactic %s (%s) has no x_mitre_shortname; skipped", id, o.Name)
			return
		}
		bd.catID[o.ID] = id
		if prev, ok := bd.tactics[o.ShortName]; ok && !newer(o.Modified, prev.Modified) {
			return
		}
		bd.tactics[o.ShortName] = &Tactic{ID: id, ShortName: o.ShortName, Name: o.Name, Modified: o.Modified}
	}
}

// domains returns the ATT&CK domains of an object, sorted, without
// duplicates or empty names.
func domains(list []string) []string {
	var out []string
	for _, d := range list {
		if d = strings.TrimSpace(d); d != "" {
			out = append(out, d)
		}
	}
	return sortedSet(out)
}

// techniqueName drops the "T1047: " some producers (Unit 42) put before
// the name.
func techniqueName(id, name string) string {
	if rest, ok := strings.CutPrefix(name, id+":"); ok {
		return strings.TrimSpace(rest)
	}
	return name
}

// aliases returns the aliases other than the name, without duplicates.
func aliases(name string, list []string) []string {
	var out []string
	for _, a := range list {
		a = strings.TrimSpace(a)
		if a == "" || strings.EqualFold(a, name) || slices.ContainsFunc(out, func(b string) bool { return strings.EqualFold(a, b) }) {
			continue
		}
		out = append(out, a)
	}
	return out
}

// dateOf returns the date part of a STIX timestamp.
func dateOf(ts string) string {
	if len(ts) >= 10 && ts[4] == '-' && ts[7] == '-' {
		return ts[:10]
	}
	return ts
}

// catalog assembles the sorted catalogue.
func (bd *builder) catalog(matrix, collection *stixObj) *Catalog {
	c := &Catalog{Name: "STIX bundle"}
	if collection != nil {
		c.Name, c.Version = collection.Name, collection.MitreVersion
		if c.Version != "" {
			c.Name += " v" + c.Version
		}
	}
	var order []string
	if matrix != nil {
		c.Complete = true
		c.Domain = matrix.attackID()
		if bd.disarm {
			c.Domain = DomainDISARM
		}
		if collection == nil {
			c.Name = matrix.Name
		}
		for _, ref := range matrix.TacticRefs {
			id, _, state := bd.resolve(ref)
			if state != refOK {
				bd.warn("matrix tactic", "the matrix refers to tactic %s, which is not usable; skipped", ref)
				continue
			}
			if o := bd.objs[id]; o.Type == "x-mitre-tactic" && o.ShortName != "" && !slices.Contains(order, o.ShortName) {
				order = append(order, o.ShortName)
			}
		}
	}
	c.Tactics = bd.tacticList(order)
	idx := c.tacticIndex()
	for _, t := range bd.techniques {
		slices.SortFunc(t.Tactics, func(a, b string) int { return cmp.Compare(idx[a], idx[b]) })
		t.Mitigations = sortedSet(t.Mitigations)
		if t.Parent == "" && IsAttackID("T", t.ID) {
			if parent, _, ok := strings.Cut(t.ID, "."); ok && bd.techniques[parent] != nil {
				t.Parent = parent
			}
		}
		if t.Parent != "" && bd.techniques[t.Parent] == nil {
			t.Parent = ""
		}
	}
	// A sub-technique's parent must not itself be a sub-technique (a cycle
	// in bad data would make names recurse).
	var nested []*Technique
	for _, t := range bd.techniques {
		if t.Parent != "" && bd.techniques[t.Parent].Parent != "" {
			nested = append(nested, t)
		}
	}
	slices.SortFunc(nested, func(a, b *Technique) int { return cmp.Compare(a.ID, b.ID) })
	for _, t := range nested {
		bd.warn("nested sub-technique", "%s's parent %s is itself a sub-technique; parent dropped", t.ID, t.Parent)
		t.Parent = ""
	}
	for _, a := range bd.actors {
		a.Techniques, a.Software = sortedSet(a.Techniques), sortedSet(a.Software)
	}
	for _, camp := range bd.campaigns {
		camp.Techniques, camp.Software, camp.Actors = sortedSet(camp.Techniques), sortedSet(camp.Software), sortedSet(camp.Actors)
	}
	c.Techniques = sortedValues(bd.techniques, func(t *Technique) string { return t.ID })
	c.Mitigations = sortedValues(bd.mitigation, func(m *Mitigation) string { return m.ID })
	c.Actors = sortedValues(bd.actors, func(a *Actor) string { return a.ID })
	c.Campaigns = sortedValues(bd.campaigns, func(x *Campaign) string { return x.ID })
	c.Software = sortedValues(bd.software, func(s *Software) string { return s.ID })
	for _, k := range bd.kinds {
		bd.stats.Warnings = append(bd.stats.Warnings, bd.warnings[k]...)
		if more := bd.warned[k] - len(bd.warnings[k]); more > 0 {
			bd.stats.Warnings = append(bd.stats.Warnings, fmt.Sprintf("… and %d more like this (%s)", more, k))
		}
	}
	for id := range bd.gone {
		o := bd.objs[id]
		if idPrefix[o.Type] == "" {
			continue
		}
		if c.Retired == nil {
			c.Retired = map[string]string{}
		}
		to, _, state := bd.resolve(id)
		if state == refOK && to != id {
			c.Retired[id] = bd.catID[to]
		} else {
			c.Retired[id] = ""
		}
	}
	c.Stats = bd.stats
	return c
}

// tacticList returns the tactics: first those of the matrix in its order,
// then the other tactic objects and the tactics only named by techniques'
// kill-chain phases, in the standard Enterprise order, then by name.
func (bd *builder) tacticList(order []string) []Tactic {
	have := map[string]bool{}
	var out []Tactic
	for _, sn := range order {
		out = append(out, *bd.tactics[sn])
		have[sn] = true
	}
	var rest []Tactic
	for sn, t := range bd.tactics {
		if !have[sn] {
			rest = append(rest, *t)
			have[sn] = true
		}
	}
	for _, t := range bd.techniques {
		for _, sn := range t.Tactics {
			if !have[sn] {
				rest = append(rest, standardTactic(sn))
				have[sn] = true
			}
		}
	}
	sort.Slice(rest, func(i, j int) bool {
		a, b := standardRank(rest[i].ShortName), standardRank(rest[j].ShortName)
		if a != b {
			return a < b
		}
		return rest[i].ShortName < rest[j].ShortName
	})
	return append(out, rest...)
}

func sortedSet(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

func sortedValues[T any](m map[string]*T, key func(*T) string) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, *v)
	}
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(key(&a), key(&b)) })
	return out
}

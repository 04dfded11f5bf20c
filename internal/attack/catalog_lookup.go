package attack

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// clusterActors returns the ids of the catalogue's actors a galaxy cluster
// stands for: its ATT&CK ids present in the catalogue, narrowed, when it
// lists several, to those whose ATT&CK name or aliases are among the
// cluster's names (MISP's Naikon lists G0019 Naikon and G0013 APT30).
func (c *Catalog) clusterActors(cl *Cluster) []string {
	var ids []string
	for _, id := range cl.AttackIDs {
		if c.Actor(id) != nil {
			ids = append(ids, id)
		}
	}
	if len(ids) < 2 {
		return ids
	}
	var named []string
	for _, id := range ids {
		a := c.Actor(id)
		for _, n := range cl.Names() {
			if strings.EqualFold(n, a.Name) || containsFold(a.Aliases, n) {
				named = append(named, id)
				break
			}
		}
	}
	if len(named) > 0 {
		return named
	}
	return ids
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// GalaxyClusters returns the galaxy clusters that stand for the actor and
// for no other actor of the catalogue.
func (c *Catalog) GalaxyClusters(a *Actor) []*Cluster {
	if c.Galaxy == nil {
		return nil
	}
	var out []*Cluster
	for i := range c.Galaxy.Clusters {
		cl := &c.Galaxy.Clusters[i]
		if ids := c.clusterActors(cl); len(ids) == 1 && ids[0] == a.ID {
			out = append(out, cl)
		}
	}
	return out
}

// GalaxyNames returns the names the MISP galaxy gives the actor that are
// not already its ATT&CK name or aliases, leaving out names that also stand
// for another actor (MISP gives "Grizzly Steppe" to both APT28 and APT29).
func (c *Catalog) GalaxyNames(a *Actor) []string {
	return c.galaxyNames(a, c.nameOwners())
}

func (c *Catalog) galaxyNames(a *Actor, owners map[string][]string) []string {
	var out []string
	for _, cl := range c.GalaxyClusters(a) {
		for _, n := range cl.Names() {
			if !strings.EqualFold(n, a.Name) && !containsFold(a.Aliases, n) && !containsFold(out, n) && len(owners[strings.ToLower(n)]) == 1 {
				out = append(out, n)
			}
		}
	}
	return out
}

// nameOwners maps every lower-cased name, ATT&CK's and the galaxy's, to
// the ids of the actors it stands for.
func (c *Catalog) nameOwners() map[string][]string {
	owners := map[string][]string{}
	add := func(name, id string) {
		k := strings.ToLower(name)
		if !slices.Contains(owners[k], id) {
			owners[k] = append(owners[k], id)
		}
	}
	for i := range c.Actors {
		a := &c.Actors[i]
		add(a.Name, a.ID)
		for _, n := range a.Aliases {
			add(n, a.ID)
		}
	}
	if c.Galaxy != nil {
		for i := range c.Galaxy.Clusters {
			cl := &c.Galaxy.Clusters[i]
			for _, id := range c.clusterActors(cl) {
				for _, n := range cl.Names() {
					add(n, id)
				}
			}
		}
	}
	return owners
}

// Country returns the country the MISP galaxy gives the actor ("" when it
// gives none).
func (c *Catalog) Country(a *Actor) string {
	for _, cl := range c.GalaxyClusters(a) {
		if cl.Country != "" {
			return cl.Country
		}
	}
	return ""
}

// FindActor returns the actor known by q, case-insensitively: its id (or
// STIX id), then its ATT&CK name, then an ATT&CK alias, then a name the
// MISP galaxy gives it (Fancy Bear, Sofacy, STRONTIUM … are APT28). The
// first of these that matches decides; a name that matches several actors
// is an EINVALID error naming them, an unknown name an ENOTFOUND error
// with suggestions.
func (c *Catalog) FindActor(q string) (*Actor, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, model.Errorf(model.EINVALID, "no actor given")
	}
	levels := []func(a *Actor) bool{
		func(a *Actor) bool { return strings.EqualFold(a.ID, q) || strings.EqualFold(a.STIXID, q) },
		func(a *Actor) bool { return strings.EqualFold(a.Name, q) },
		func(a *Actor) bool { return containsFold(a.Aliases, q) },
	}
	for _, match := range levels {
		var found []string
		for i := range c.Actors {
			if match(&c.Actors[i]) {
				found = append(found, c.Actors[i].ID)
			}
		}
		if a, err := c.oneOf(q, found); a != nil || err != nil {
			return a, err
		}
	}
	var found, elsewhere []string
	var clusterNames []string
	if c.Galaxy != nil {
		for i := range c.Galaxy.Clusters {
			cl := &c.Galaxy.Clusters[i]
			if !containsFold(cl.Names(), q) {
				continue
			}
			clusterNames = append(clusterNames, cl.Value)
			ids := c.clusterActors(cl)
			found = append(found, ids...)
			if len(ids) == 0 {
				elsewhere = append(elsewhere, cl.AttackIDs...)
			}
		}
	}
	slices.Sort(found)
	if a, err := c.oneOf(q, slices.Compact(found)); a != nil || err != nil {
		return a, err
	}
	if len(elsewhere) > 0 {
		slices.Sort(elsewhere)
		return nil, model.Errorf(model.ENOTFOUND, "%q is ATT&CK group %s according to the MISP galaxy, which is not in this catalogue (%s); import a fuller ATT&CK bundle with 'scrutin attack import'",
			q, strings.Join(slices.Compact(elsewhere), " or "), c.Name)
	}
	if len(clusterNames) > 0 {
		return nil, model.Errorf(model.ENOTFOUND, "%q is known to the MISP galaxy (%s) but has no ATT&CK group id there, so the catalogue has no techniques for it", q, strings.Join(clusterNames, ", "))
	}
	msg := fmt.Sprintf("unknown actor %q", q)
	if s := c.suggestActors(q); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, ", ") + "?"
	} else {
		msg += "; 'scrutin attack actors' lists the actors"
	}
	return nil, model.Errorf(model.ENOTFOUND, "%s", msg)
}

// oneOf returns the one actor of ids, an ambiguity error when there are
// several, or nothing when there are none.
func (c *Catalog) oneOf(q string, ids []string) (*Actor, error) {
	switch len(ids) {
	case 0:
		return nil, nil
	case 1:
		return c.Actor(ids[0]), nil
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id + " " + c.Actor(id).Name
	}
	return nil, model.Errorf(model.EINVALID, "%q is ambiguous: it names %s; give an id", q, strings.Join(names, " and "))
}

// suggestActors returns up to five actors with a name close to q, as
// "G0007 APT28 (Fancy Bear)".
func (c *Catalog) suggestActors(q string) []string {
	type hit struct {
		id, name string
		score    int
	}
	lq := strings.ToLower(q)
	owners := c.nameOwners()
	var hits []hit
	for i := range c.Actors {
		a := &c.Actors[i]
		best, bestName := -1, ""
		names := append([]string{a.ID, a.Name}, a.Aliases...)
		names = append(names, c.galaxyNames(a, owners)...)
		for _, n := range names {
			ln := strings.ToLower(n)
			score := -1
			switch d := model.EditDistance(lq, ln); {
			case d <= max(1, len([]rune(lq))/3):
				score = 100 - d
			case len(lq) >= 3 && strings.Contains(ln, lq):
				score = 50
			}
			if score > best {
				best, bestName = score, n
			}
		}
		if best >= 0 {
			hits = append(hits, hit{a.ID, bestName, best})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.id, b.id))
	})
	var out []string
	for _, h := range hits[:min(5, len(hits))] {
		a := c.Actor(h.id)
		s := a.ID + " " + a.Name
		if h.name != a.Name && h.name != a.ID {
			s += " (" + h.name + ")"
		}
		out = append(out, s)
	}
	return out
}

// ResolveName maps an actor's name or alias to its ATT&CK id, for
// IndicatorImport.ResolveActors: the id of the catalogue actor FindActor
// finds, else the ATT&CK group id the MISP galaxy gives that name when it
// gives exactly one (the catalogue may lack the group). ok is false when
// neither knows the name, or it is ambiguous.
func (c *Catalog) ResolveName(name string) (id string, ok bool) {
	if a, err := c.FindActor(name); err == nil {
		return a.ID, true
	}
	if c.Galaxy == nil {
		return "", false
	}
	var ids []string
	for i := range c.Galaxy.Clusters {
		cl := &c.Galaxy.Clusters[i]
		if containsFold(cl.Names(), strings.TrimSpace(name)) {
			ids = append(ids, cl.AttackIDs...)
		}
	}
	slices.Sort(ids)
	if ids = slices.Compact(ids); len(ids) == 1 {
		return ids[0], true
	}
	return "", false
}

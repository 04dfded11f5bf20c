package attack

import (
	"regexp"

	"github.com/scrutin/scrutin/internal/model"
)

// attackGroupID is the shape of an ATT&CK group id; a catalogue keeps the
// STIX id of an actor that has none.
var attackGroupID = regexp.MustCompile(`^G[0-9]{4}$`)

// ModelIDs returns the ids a model's ATT&CK and DISARM ids are checked
// against (model.DecodeWith): the catalogue's actors, mitigations and
// DISARM countermeasures (bare: C00006), techniques (DISARM's prefixed:
// disarm:T0086),
// and the groups the MISP galaxy gives an ATT&CK id (named after the
// cluster), which are real ATT&CK groups even when the catalogue, a
// subset, lacks their techniques.
func (c *Catalog) ModelIDs() *model.AttackIDs {
	ids := &model.AttackIDs{Catalog: c.Name, Groups: map[string]string{},
		Mitigations: make(map[string]string, len(c.Mitigations)), Techniques: make(map[string]string, len(c.Techniques))}
	for _, a := range c.Actors {
		if attackGroupID.MatchString(a.ID) {
			ids.Groups[a.ID] = a.Name
		}
	}
	if c.Galaxy != nil {
		for _, cl := range c.Galaxy.Clusters {
			for _, id := range cl.AttackIDs {
				if _, ok := ids.Groups[id]; !ok && attackGroupID.MatchString(id) {
					ids.Groups[id] = cl.Value
				}
			}
		}
	}
	for _, m := range c.Mitigations {
		// A DISARM countermeasure's id (C00006) has a shape of its own: a
		// model names it bare.
		ids.Mitigations[BareID(m.ID)] = m.Name
	}
	for _, t := range c.Techniques {
		ids.Techniques[t.ID] = t.Name
	}
	return ids
}

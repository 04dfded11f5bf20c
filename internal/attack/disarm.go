package attack

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// DISARM beside ATT&CK.
//
// DISARM (https://www.disarm.foundation/) describes disinformation and
// influence operations the way ATT&CK describes intrusions: the red
// framework's tactics (TA01 … TA18) and techniques (T0002 … T0155.007), the
// blue framework's countermeasures (C00006 …). Its technique ids have the
// shape of ATT&CK's, and both ATT&CK for ICS (T0800 …) and DISARM begin
// with T0: a catalogue therefore keeps every DISARM object under its id
// prefixed with DISARMPrefix ("disarm:T0086", "disarm:C00006",
// "disarm:TA06"), so that the two namespaces never meet, and DISARM
// tactics' short names begin with "disarm-". The catalogue decides the
// namespace of a bare id (Catalog.ResolveTechnique): ATT&CK's or DISARM's
// when only one holds it, and an error naming both when both do.

// DISARMPrefix begins the catalogue id of every DISARM object.
const DISARMPrefix = "disarm:"

// DomainDISARM is the Domain of a catalogue built from a DISARM bundle.
const DomainDISARM = "disarm"

// disarmTacticPrefix begins the short name of a DISARM tactic.
const disarmTacticPrefix = "disarm-"

// The shapes of DISARM ids (without the prefix).
var (
	disarmTechniqueID = regexp.MustCompile(`^T[0-9]{4}(\.[0-9]{3})?$`)
	disarmCounterID   = regexp.MustCompile(`^C[0-9]{5}$`)
	disarmTacticID    = regexp.MustCompile(`^TA[0-9]{2}$`)
)

// IsDISARM reports whether a catalogue id is a DISARM object's.
func IsDISARM(id string) bool { return strings.HasPrefix(id, DISARMPrefix) }

// Framework is the framework a catalogue id belongs to: "DISARM" or
// "ATT&CK".
func Framework(id string) string {
	if IsDISARM(id) {
		return "DISARM"
	}
	return "ATT&CK"
}

// BareID is a catalogue id without its namespace prefix: "T0086" for
// "disarm:T0086".
func BareID(id string) string { return strings.TrimPrefix(id, DISARMPrefix) }

// ShowID is a catalogue id as people read it: the bare id and its
// framework, "T0086 (DISARM)" or "T1566 (ATT&CK)".
func ShowID(id string) string { return BareID(id) + " (" + Framework(id) + ")" }

// shownID is a catalogue id in a report: a DISARM id as ShowID shows it,
// an ATT&CK id as it is (ATT&CK is the default reports have always shown).
func shownID(id string) string {
	if IsDISARM(id) {
		return ShowID(id)
	}
	return id
}

func shownIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = shownID(id)
	}
	return out
}

// isDISARMBundle reports whether a bundle is the DISARM Foundation's: one
// of the objects the catalogue reads has an external reference of source
// "DISARM" (the matrix, the tactics and the countermeasures do).
func isDISARMBundle(objs []stixObj) bool {
	for i := range objs {
		if !readTypes[objs[i].Type] {
			continue
		}
		for _, r := range objs[i].ExternalReferences {
			if r.SourceName == "DISARM" {
				return true
			}
		}
	}
	return false
}

// disarmEntityID is the catalogue id of an object of a DISARM bundle: its
// DISARM id, prefixed, when it has one of the right shape for its type,
// its STIX id otherwise.
func disarmEntityID(o *stixObj) string {
	shape := map[string]*regexp.Regexp{"attack-pattern": disarmTechniqueID, "course-of-action": disarmCounterID, "x-mitre-tactic": disarmTacticID}[o.Type]
	for _, r := range o.ExternalReferences {
		if (r.SourceName == "DISARM" || r.SourceName == "mitre-attack") && shape != nil && shape.MatchString(r.ExternalID) {
			return DISARMPrefix + r.ExternalID
		}
	}
	return o.ID
}

// WithoutDISARM returns a copy of c without its DISARM objects (and the
// references to them), and OnlyDISARM one with only those: importing a
// release of one framework replaces that framework's objects and keeps the
// other's.
func (c *Catalog) WithoutDISARM() *Catalog { return c.filterFramework(false) }

// OnlyDISARM returns a copy of c with only its DISARM objects; see
// WithoutDISARM.
func (c *Catalog) OnlyDISARM() *Catalog { return c.filterFramework(true) }

// HasDISARM reports whether the catalogue holds DISARM techniques.
func (c *Catalog) HasDISARM() bool {
	return slices.ContainsFunc(c.Techniques, func(t Technique) bool { return IsDISARM(t.ID) })
}

func (c *Catalog) filterFramework(disarm bool) *Catalog {
	keep := func(id string) bool { return IsDISARM(id) == disarm }
	ids := func(list []string) []string {
		var out []string
		for _, id := range list {
			if keep(id) {
				out = append(out, id)
			}
		}
		return out
	}
	out := &Catalog{Name: c.Name, Domain: c.Domain, Version: c.Version, Complete: c.Complete}
	if disarm {
		out.Name, out.Domain, out.Version = "DISARM", DomainDISARM, ""
	} else {
		out.Galaxy = c.Galaxy
		if c.Domain == DomainDISARM {
			out.Domain = ""
		}
	}
	for _, s := range c.Sources {
		if strings.Contains(s, "DISARM") == disarm {
			out.Sources = append(out.Sources, s)
		}
	}
	for _, t := range c.Tactics {
		if strings.HasPrefix(t.ShortName, disarmTacticPrefix) == disarm {
			out.Tactics = append(out.Tactics, t)
		}
	}
	for _, t := range c.Techniques {
		if keep(t.ID) {
			t.Mitigations = ids(t.Mitigations)
			out.Techniques = append(out.Techniques, t)
		}
	}
	for _, m := range c.Mitigations {
		if keep(m.ID) {
			out.Mitigations = append(out.Mitigations, m)
		}
	}
	for _, a := range c.Actors {
		a.Techniques = ids(a.Techniques)
		if keep(a.ID) || len(a.Techniques) > 0 || !disarm {
			out.Actors = append(out.Actors, a)
		}
	}
	for _, x := range c.Campaigns {
		x.Techniques = ids(x.Techniques)
		if !disarm {
			out.Campaigns = append(out.Campaigns, x)
		}
	}
	if !disarm {
		out.Software = c.Software
	}
	// Retired objects are known by STIX id, which does not say its
	// framework: both parts keep them all (STIX ids never collide).
	out.Retired = maps.Clone(c.Retired)
	return out
}

// ResolveTechnique returns the technique an id names: "disarm:T0086" or
// "attack:T1566" name their framework; a bare id is ATT&CK's or DISARM's,
// whichever the catalogue holds, and an EINVALID error listing both when
// it holds both. An unknown id is an ENOTFOUND error.
func (c *Catalog) ResolveTechnique(id string) (*Technique, error) {
	if rest, ok := strings.CutPrefix(id, "attack:"); ok {
		if t := c.Technique(rest); t != nil {
			return t, nil
		}
		return nil, model.Errorf(model.ENOTFOUND, "no ATT&CK technique %s in the catalogue (%s)", rest, c.Name)
	}
	if IsDISARM(id) {
		if t := c.Technique(id); t != nil {
			return t, nil
		}
		return nil, model.Errorf(model.ENOTFOUND, "no DISARM technique %s in the catalogue (%s)", BareID(id), c.Name)
	}
	a, d := c.Technique(id), c.Technique(DISARMPrefix+id)
	switch {
	case a != nil && d != nil:
		return nil, model.Errorf(model.EINVALID, "%s is ambiguous: %s %s and %s %s; write attack:%s or disarm:%s",
			id, ShowID(a.ID), c.FullName(a), ShowID(d.ID), c.FullName(d), id, id)
	case a != nil:
		return a, nil
	case d != nil:
		return d, nil
	}
	return nil, model.Errorf(model.ENOTFOUND, "no technique %s in the catalogue (%s), neither ATT&CK nor DISARM", id, c.Name)
}

// mitigationKey returns the catalogue id of a control's attack: id: an
// ATT&CK mitigation (M1032) as is, a DISARM countermeasure (C00006, or
// disarm:C00006) prefixed; "" when the catalogue holds neither.
func (c *Catalog) mitigationKey(id string) string {
	if c.Mitigation(id) != nil {
		return id
	}
	if disarmCounterID.MatchString(id) && c.Mitigation(DISARMPrefix+id) != nil {
		return DISARMPrefix + id
	}
	return ""
}

// ReplaceDISARM returns a new catalogue: c's ATT&CK with imp's DISARM
// frameworks beside it, as when the DISARM Foundation's bundle is imported.
// The Foundation's STIX bundle holds the red framework only: when imp has
// no countermeasures, c's are kept, with what they counter among imp's
// techniques. Neither c nor imp is changed; the notes say what was kept.
func (c *Catalog) ReplaceDISARM(imp *Catalog) (*Catalog, []string) {
	out, notes := c.WithoutDISARM().Merge(imp)
	if slices.ContainsFunc(imp.Mitigations, func(m Mitigation) bool { return IsDISARM(m.ID) }) {
		return out, notes
	}
	old := c.OnlyDISARM()
	if len(old.Mitigations) == 0 {
		return out, notes
	}
	kept := 0
	for i := range out.Techniques {
		t := &out.Techniques[i]
		if prev := old.Technique(t.ID); prev != nil && IsDISARM(t.ID) && len(prev.Mitigations) > 0 {
			t.Mitigations = union(t.Mitigations, prev.Mitigations)
			kept += len(prev.Mitigations)
		}
	}
	out.Mitigations = slices.Clone(out.Mitigations)
	for _, m := range old.Mitigations {
		if out.Mitigation(m.ID) == nil {
			out.Mitigations = append(out.Mitigations, m)
		}
	}
	sortBy(out.Mitigations, func(m *Mitigation) string { return m.ID })
	notes = append(notes, fmt.Sprintf("the bundle has no DISARM countermeasures: the catalogue's %d are kept, with %d of what they counter among the bundle's techniques", len(old.Mitigations), kept))
	return out, notes
}

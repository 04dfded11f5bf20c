package attack

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// builder turns decoded STIX objects into a Catalog.
type builder struct {
	stats   Stats
	present map[string]string   // every object id in the bundle -> its type
	objs    map[string]*stixObj // objects of the types read, by STIX id (latest version)
	order   []string            // their ids in bundle order, for deterministic results
	rels    []*stixObj
	gone    map[string]bool   // revoked or deprecated objects
	revoked map[string]bool   // revoked objects
	replace map[string]string // revoked-by: revoked object -> its replacement

	catID map[string]string // STIX id -> catalogue id of the kept objects

	// disarm is set for a DISARM bundle, whose ids are kept in the
	// catalogue's DISARM namespace (disarm.go).
	disarm bool

	tactics    map[string]*Tactic // by short name
	techniques map[string]*Technique
	mitigation map[string]*Mitigation
	actors     map[string]*Actor
	campaigns  map[string]*Campaign
	software   map[string]*Software

	warnings map[string][]string // kind -> examples
	warned   map[string]int      // kind -> count
	kinds    []string
}

// idPrefix is the ATT&CK id prefix of each object type the catalogue keeps.
var idPrefix = map[string]string{
	"attack-pattern": "T", "course-of-action": "M", "intrusion-set": "G", "campaign": "C",
	"x-mitre-tactic": "TA", "malware": "S", "tool": "S",
}

func build(b *stixBundle) (*Catalog, error) {
	bd := &builder{
		present: make(map[string]string, len(b.Objects)), objs: map[string]*stixObj{},
		gone: map[string]bool{}, revoked: map[string]bool{}, replace: map[string]string{}, catID: map[string]string{},
		tactics: map[string]*Tactic{}, techniques: map[string]*Technique{}, mitigation: map[string]*Mitigation{},
		actors: map[string]*Actor{}, campaigns: map[string]*Campaign{}, software: map[string]*Software{},
		warnings: map[string][]string{}, warned: map[string]int{},
	}
	bd.stats.Objects = len(b.Objects)
	bd.disarm = isDISARMBundle(b.Objects)
	bd.stats.SpecVersion = b.SpecVersion
	types := map[string]int{}
	for i := range b.Objects {
		o := &b.Objects[i]
		types[o.Type]++
		if bd.stats.SpecVersion == "" {
			bd.stats.SpecVersion = o.SpecVersion
		}
		bd.collect(o)
	}
	bd.revocations()
	var matrix, collection *stixObj
	for _, id := range bd.order {
		o := bd.objs[id]
		if bd.gone[o.ID] {
			continue
		}
		switch o.Type {
		case "x-mitre-matrix":
			if matrix == nil || o.attackID() == "enterprise-attack" && matrix.attackID() != "enterprise-attack" ||
				o.attackID() == matrix.attackID() && o.ID < matrix.ID {
				matrix = o
			}
		case "x-mitre-collection":
			if collection == nil || o.ID < collection.ID {
				collection = o
			}
		default:
			bd.entity(o)
		}
	}
	for _, r := range bd.rels {
		bd.relationship(r)
	}
	c := bd.catalog(matrix, collection)
	if len(c.Techniques) == 0 && len(c.Actors) == 0 && len(c.Mitigations) == 0 && len(c.Campaigns) == 0 {
		return nil, model.Errorf(model.EINVALID, "the bundle holds no ATT&CK intrusion sets, campaigns, techniques or mitigations (%s)", typeSummary(types))
	}
	return c, nil
}

func typeSummary(types map[string]int) string {
	if len(types) == 0 {
		return "it has no objects"
	}
	keys := make([]string, 0, len(types))
	for k := range types {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		name := k
		if name == "" {
			name = "untyped"
		}
		parts[i] = fmt.Sprintf("%s %d", name, types[k])
	}
	return "it has: " + strings.Join(parts, ", ")
}

// warn records a problem of the given kind; a few examples of each kind
// are kept.
func (bd *builder) warn(kind, format string, args ...any) {
	if bd.warned[kind] == 0 {
		bd.kinds = append(bd.kinds, kind)
	}
	bd.warned[kind]++
	if len(bd.warnings[kind]) < 3 {
		bd.warnings[kind] = append(bd.warnings[kind], fmt.Sprintf(format, args...))
	}
}

func (bd *builder) collect(o *stixObj) {
	if o.ID != "" {
		if _, dup := bd.present[o.ID]; !dup || readTypes[o.Type] {
			bd.present[o.ID] = o.Type
		}
	}
	if !readTypes[o.Type] {
		bd.stats.Ignored++
		return
	}
	if o.Type == "relationship" {
		bd.rels = append(bd.rels, o)
		return
	}
	if o.Type == "x-mitre-tactic" && o.ShortName != "" && bd.disarm {
		o.ShortName = disarmTacticPrefix + o.ShortName
	} else if o.Type == "x-mitre-tactic" && o.ShortName != "" && slices.Equal(o.Domains, []string{DomainICS}) {
		// ATT&CK for ICS reuses Enterprise's short names for other
		// tactics (initial-access is TA0001 and TA0108): its own stand
		// apart in a catalogue that holds both.
		o.ShortName = icsTactic(o.ShortName)
	}
	if o.ID == "" {
		bd.warn("no id", "a %s object %q has no id; skipped", o.Type, o.Name)
		return
	}
	if prev, ok := bd.objs[o.ID]; ok {
		// STIX versioning: the same id with a later modified time is the
		// current version of the object.
		if !newer(o.Modified, prev.Modified) {
			return
		}
	} else {
		bd.order = append(bd.order, o.ID)
	}
	bd.objs[o.ID] = o
}

// newer reports whether timestamp a is later than b. STIX timestamps are
// RFC 3339 in UTC; fractions of a second vary in length, so they are
// compared padded.
func newer(a, b string) bool {
	return normTime(a) > normTime(b)
}

func normTime(s string) string {
	s = strings.TrimSuffix(s, "Z")
	date, frac, _ := strings.Cut(s, ".")
	if len(frac) < 9 {
		frac += strings.Repeat("0", 9-len(frac))
	}
	return date + "." + frac
}

// revocations marks revoked and deprecated objects and reads revoked-by.
func (bd *builder) revocations() {
	for _, r := range bd.rels {
		if r.RelationshipType != "revoked-by" || r.Revoked || r.Deprecated {
			continue
		}
		if r.SourceRef == "" || r.TargetRef == "" || r.SourceRef == r.TargetRef {
			bd.warn("bad revoked-by", "revoked-by relationship %s has no usable source or target", orUnnamed(r.ID))
			continue
		}
		if prev, ok := bd.replace[r.SourceRef]; ok && prev != r.TargetRef {
			bd.warn("bad revoked-by", "%s is revoked by both %s and %s; keeping the first", r.SourceRef, prev, r.TargetRef)
			continue
		}
		bd.replace[r.SourceRef] = r.TargetRef
	}
	for id, o := range bd.objs {
		switch {
		case o.Revoked || bd.replace[id] != "":
			bd.gone[id], bd.revoked[id] = true, true
			bd.stats.Revoked++
		case o.Deprecated:
			bd.gone[id] = true
			bd.stats.Deprecated++
		}
	}
}

// Outcomes of resolving a reference.
const (
	refOK      = iota
	refGone    // revoked without a replacement, or deprecated
	refUnknown // not in the bundle
	refOther   // in the bundle, of a type the catalogue does not hold
)

// resolve follows revoked-by from a reference to the object that stands
// for it now.
func (bd *builder) resolve(id string) (string, bool, int) {
	redirected := false
	for range 32 { // a chain longer than this is a cycle
		if _, ok := bd.objs[id]; !ok {
			if next, ok := bd.replace[id]; ok {
				id, redirected = next, true
				continue
			}
			if _, ok := bd.present[id]; ok && id != "" {
				return id, redirected, refOther
			}
			return id, redirected, refUnknown
		}
		if bd.revoked[id] {
			next, ok := bd.replace[id]
			if !ok {
				return id, redirected, refGone
			}
			id, redirected = next, true
			continue
		}
		if bd.gone[id] {
			return id, redirected, refGone
		}
		return id, redirected, refOK
	}
	bd.warn("revocation cycle", "the revoked-by chain from %s never ends", id)
	return id, redirected, refGone
}

func (bd *builder) relationship(r *stixObj) {
	if r.Revoked || r.Deprecated {
		bd.stats.Dropped++
		return
	}
	if r.RelationshipType == "revoked-by" {
		return // read by revocations
	}
	src, srcMoved, srcState := bd.resolve(r.SourceRef)
	tgt, tgtMoved, tgtState := bd.resolve(r.TargetRef)
	switch {
	case srcState == refUnknown || tgtState == refUnknown:
		missing := r.SourceRef
		if srcState != refUnknown {
			missing = r.TargetRef
		}
		if missing == "" {
			missing = "(none)"
		}
		bd.stats.Unknown++
		bd.warn("unknown object", "%s relationship %s refers to %s, which is not in the bundle; skipped", r.RelationshipType, orUnnamed(r.ID), missing)
		return
	case srcState == refGone || tgtState == refGone:
		bd.stats.Dropped++
		return
	case srcState == refOther || tgtState == refOther:
		bd.stats.Other++
		return
	}
	s, t := bd.objs[src], bd.objs[tgt]
	sid, tid := bd.catID[src], bd.catID[tgt]
	if sid == "" || tid == "" { // a tactic without short name, a matrix …
		bd.stats.Other++
		return
	}
	used := true
	switch r.RelationshipType + " " + s.Type + " " + t.Type {
	case "uses intrusion-set attack-pattern":
		a := bd.actors[sid]
		a.Techniques = append(a.Techniques, tid)
	case "uses campaign attack-pattern":
		c := bd.campaigns[sid]
		c.Techniques = append(c.Techniques, tid)
	case "uses intrusion-set malware", "uses intrusion-set tool":
		a := bd.actors[sid]
		a.Software = append(a.Software, tid)
	case "uses campaign malware", "uses campaign tool":
		c := bd.campaigns[sid]
		c.Software = append(c.Software, tid)
	case "mitigates course-of-action attack-pattern":
		tech := bd.techniques[tid]
		tech.Mitigations = append(tech.Mitigations, sid)
	case "subtechnique-of attack-pattern attack-pattern":
		tech := bd.techniques[sid]
		if tech.Parent != "" && tech.Parent != tid {
			bd.warn("two parents", "%s is a sub-technique of both %s and %s; keeping %s", sid, tech.Parent, tid, tech.Parent)
		} else if sid != tid {
			tech.Parent = tid
		}
	case "attributed-to campaign intrusion-set":
		c := bd.campaigns[sid]
		c.Actors = append(c.Actors, tid)
	default:
		used = false
	}
	if !used {
		bd.stats.Other++
		return
	}
	bd.stats.Relationships++
	if srcMoved || tgtMoved {
		bd.stats.Redirected++
	}
}

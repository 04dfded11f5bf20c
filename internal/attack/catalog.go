// Package attack holds scrutin's own view of threat intelligence: a Catalog
// of MITRE ATT&CK intrusion sets (actors), techniques, mitigations, tactics
// and campaigns imported from STIX 2.0 and 2.1 bundles and enriched with the
// MISP threat-actor galaxy; the coverage of an actor's techniques by a risk
// model's controls; ATT&CK Navigator layers; and indicators of compromise.
//
// The package does no I/O of its own: importers read an io.Reader, writers
// write to an io.Writer, and the catalogue embedded in the binary is read
// from the package's embedded files.
package attack

import (
	"cmp"
	"slices"
	"strings"
)

// Catalog is a normalised ATT&CK knowledge base: every list is sorted by id
// (tactics are in matrix order), every reference is by id and points into
// the catalogue, and revoked and deprecated objects are gone. Ids are the
// ATT&CK ids (G0007, T1566.001, M1032, TA0001, C0051, S0001) where the
// source gives one, the STIX id otherwise.
type Catalog struct {
	// Name says what the catalogue holds, for people.
	Name string `json:"name"`
	// Domain is the ATT&CK domain, such as "enterprise-attack" ("" when
	// unknown).
	Domain string `json:"domain,omitempty"`
	// Version is the ATT&CK release, such as "18.1" ("" when unknown).
	Version string `json:"version,omitempty"`
	// Sources list what was imported into the catalogue, oldest first.
	Sources []string `json:"sources,omitempty"`
	// Complete is true when the catalogue came from a bundle with a matrix
	// (a whole ATT&CK domain or a subset published as one), false for a
	// partial bundle such as a vendor's playbook.
	Complete bool `json:"complete,omitempty"`

	Tactics     []Tactic     `json:"tactics"` // in matrix order
	Techniques  []Technique  `json:"techniques"`
	Mitigations []Mitigation `json:"mitigations"`
	Actors      []Actor      `json:"actors"`
	Campaigns   []Campaign   `json:"campaigns,omitempty"`
	Software    []Software   `json:"software,omitempty"`
	// Galaxy holds the names of the MISP threat-actor galaxy, used to find
	// actors by vendor names (nil without a galaxy).
	Galaxy *Galaxy `json:"galaxy,omitempty"`
	// Retired maps the STIX ids of the revoked and deprecated objects the
	// import dropped to the catalogue id of their replacement ("" when
	// none), so that a bundle layered on top later cannot bring them back.
	Retired map[string]string `json:"retired,omitempty"`

	// Stats says what the import did; it is not stored.
	Stats Stats `json:"-"`
}

// Stats counts what an import read, dropped and skipped.
type Stats struct {
	SpecVersion   string // STIX version: "2.0", "2.1" ("" when the bundle does not say)
	Objects       int    // objects in the bundle
	Ignored       int    // objects of types the catalogue does not hold (indicators, reports …)
	Revoked       int    // objects dropped because revoked
	Deprecated    int    // objects dropped because deprecated
	Relationships int    // relationships used
	Redirected    int    // relationships moved from a revoked object to its replacement
	Dropped       int    // relationships to revoked or deprecated objects, dropped
	Unknown       int    // relationships to objects not in the bundle, skipped
	Other         int    // relationships of other types or between other kinds of objects
	// Warnings describe problems in the data that did not stop the import,
	// a few examples of each kind.
	Warnings []string
}

// The ATT&CK domains scrutin knows by name.
const (
	DomainEnterprise = "enterprise-attack"
	DomainICS        = "ics-attack"
)

// icsTacticPrefix begins the short name of an ATT&CK for ICS tactic in a
// catalogue ("ics-initial-access" for TA0108), which keeps it apart from
// the Enterprise tactic of the same short name.
const icsTacticPrefix = "ics-"

func icsTactic(phase string) string {
	if phase == "" || strings.HasPrefix(phase, icsTacticPrefix) {
		return phase
	}
	return icsTacticPrefix + phase
}

// DomainName is the name of an ATT&CK domain for people: "Enterprise",
// "ICS", "Mobile", or the domain as given.
func DomainName(domain string) string {
	switch domain {
	case DomainEnterprise:
		return "Enterprise"
	case DomainICS:
		return "ICS"
	case "mobile-attack":
		return "Mobile"
	case DomainDISARM:
		return "DISARM"
	}
	return domain
}

// InDomain reports whether an object of the given domains belongs to
// domain: objects that name none belong to the catalogue's own domain
// (Enterprise when it names none either).
func (c *Catalog) InDomain(domains []string, domain string) bool {
	if len(domains) == 0 {
		return domain == cmp.Or(c.Domain, DomainEnterprise)
	}
	return slices.Contains(domains, domain)
}

// Tactic is an ATT&CK tactic: the adversary's goal at one stage.
type Tactic struct {
	ID        string `json:"id"`         // TA0001
	ShortName string `json:"short_name"` // initial-access: the kill-chain phase name
	Name      string `json:"name"`       // Initial Access
	Modified  string `json:"modified,omitempty"`
}

// Technique is an ATT&CK technique or sub-technique.
type Technique struct {
	ID   string `json:"id"`   // T1566 or T1566.001
	Name string `json:"name"` // a sub-technique's own name: "Spearphishing Attachment"
	// Tactics are the short names of its tactics, in matrix order.
	Tactics []string `json:"tactics,omitempty"`
	// Parent is the id of the parent technique of a sub-technique.
	Parent string `json:"parent,omitempty"`
	// Mitigations are the ids of the mitigations that mitigate it.
	Mitigations []string `json:"mitigations,omitempty"`
	// Domains are the ATT&CK domains it belongs to (DomainEnterprise,
	// DomainICS …), as the bundle says (x_mitre_domains); none when it
	// does not say.
	Domains  []string `json:"domains,omitempty"`
	STIXID   string   `json:"stix_id"`
	Modified string   `json:"modified,omitempty"`
}

// Mitigation is an ATT&CK mitigation (a STIX course of action). What it
// mitigates is in the techniques' Mitigations.
type Mitigation struct {
	ID   string `json:"id"` // M1032
	Name string `json:"name"`
	// Domains are the ATT&CK domains it belongs to, as for a Technique.
	Domains  []string `json:"domains,omitempty"`
	STIXID   string   `json:"stix_id"`
	Modified string   `json:"modified,omitempty"`
}

// Actor is an ATT&CK group (a STIX intrusion set).
type Actor struct {
	ID          string   `json:"id"` // G0007
	Name        string   `json:"name"`
	Aliases     []string `json:"aliases,omitempty"` // ATT&CK's, without the name
	Description string   `json:"description,omitempty"`
	// Techniques are the techniques the group itself uses; its campaigns'
	// are in Catalog.ActorTechniques.
	Techniques []string `json:"techniques,omitempty"`
	Software   []string `json:"software,omitempty"`
	STIXID     string   `json:"stix_id"`
	Modified   string   `json:"modified,omitempty"`
}

// Campaign is an ATT&CK campaign: a set of intrusions over a period.
type Campaign struct {
	ID          string   `json:"id"` // C0051
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	FirstSeen   string   `json:"first_seen,omitempty"` // YYYY-MM-DD
	LastSeen    string   `json:"last_seen,omitempty"`
	Actors      []string `json:"actors,omitempty"` // the actors it is attributed to
	Techniques  []string `json:"techniques,omitempty"`
	Software    []string `json:"software,omitempty"`
	STIXID      string   `json:"stix_id"`
	Modified    string   `json:"modified,omitempty"`
}

// Software is an ATT&CK software entry: malware or a tool.
type Software struct {
	ID       string   `json:"id"` // S0001
	Name     string   `json:"name"`
	Type     string   `json:"type"` // malware or tool
	Aliases  []string `json:"aliases,omitempty"`
	STIXID   string   `json:"stix_id"`
	Modified string   `json:"modified,omitempty"`
}

func byID[T any](list []T, id string, key func(*T) string) *T {
	i, ok := slices.BinarySearchFunc(list, id, func(e T, id string) int { return cmp.Compare(key(&e), id) })
	if !ok {
		return nil
	}
	return &list[i]
}

// Technique returns the technique with the given id, or nil.
func (c *Catalog) Technique(id string) *Technique {
	return byID(c.Techniques, id, func(t *Technique) string { return t.ID })
}

// Mitigation returns the mitigation with the given id, or nil.
func (c *Catalog) Mitigation(id string) *Mitigation {
	return byID(c.Mitigations, id, func(m *Mitigation) string { return m.ID })
}

// Actor returns the actor with exactly the given id, or nil; FindActor
// also accepts names and aliases.
func (c *Catalog) Actor(id string) *Actor {
	return byID(c.Actors, id, func(a *Actor) string { return a.ID })
}

// Campaign returns the campaign with the given id, or nil.
func (c *Catalog) Campaign(id string) *Campaign {
	return byID(c.Campaigns, id, func(a *Campaign) string { return a.ID })
}

// SoftwareByID returns the software with the given id, or nil.
func (c *Catalog) SoftwareByID(id string) *Software {
	return byID(c.Software, id, func(s *Software) string { return s.ID })
}

// Tactic returns the tactic with the given short name (initial-access) or
// id (TA0001), or nil.
func (c *Catalog) Tactic(name string) *Tactic {
	for i := range c.Tactics {
		if c.Tactics[i].ShortName == name || c.Tactics[i].ID == name {
			return &c.Tactics[i]
		}
	}
	return nil
}

// FullName is a technique's name as ATT&CK displays it: a sub-technique's
// is "Parent: Sub-technique".
func (c *Catalog) FullName(t *Technique) string {
	if t.Parent != "" {
		if p := c.Technique(t.Parent); p != nil {
			return p.Name + ": " + t.Name
		}
	}
	return t.Name
}

// ActorCampaigns returns the campaigns attributed to the actor, by id.
func (c *Catalog) ActorCampaigns(actorID string) []*Campaign {
	var out []*Campaign
	for i := range c.Campaigns {
		if slices.Contains(c.Campaigns[i].Actors, actorID) {
			out = append(out, &c.Campaigns[i])
		}
	}
	return out
}

// ActorTechniques returns the ids of the techniques an actor uses, sorted:
// those it uses itself and those of the campaigns attributed to it, as the
// ATT&CK website lists them on a group's page.
func (c *Catalog) ActorTechniques(a *Actor) []string {
	out := slices.Clone(a.Techniques)
	for _, camp := range c.ActorCampaigns(a.ID) {
		out = append(out, camp.Techniques...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TechniqueUsers counts, for each technique, the catalogue's actors that
// use it (themselves or through their campaigns).
func (c *Catalog) TechniqueUsers() map[string]int {
	n := map[string]int{}
	for i := range c.Actors {
		for _, t := range c.ActorTechniques(&c.Actors[i]) {
			n[t]++
		}
	}
	return n
}

// tacticIndex returns the position of each tactic short name in matrix
// order.
func (c *Catalog) tacticIndex() map[string]int {
	idx := make(map[string]int, len(c.Tactics))
	for i, t := range c.Tactics {
		idx[t.ShortName] = i
	}
	return idx
}

// IsAttackID reports whether id has the shape of an ATT&CK id of the given
// prefix ("G", "T", "M", "TA", "C", "S"): the prefix and four digits, and
// for "T" optionally a dot and three digits.
func IsAttackID(prefix, id string) bool {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok || len(rest) < 4 || !digits(rest[:4]) {
		return false
	}
	rest = rest[4:]
	if rest == "" {
		return true
	}
	return prefix == "T" && len(rest) == 4 && rest[0] == '.' && digits(rest[1:])
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

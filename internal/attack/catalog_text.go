package attack

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	citation     = regexp.MustCompile(`\(Citation:[^)]*\)`)
	markdownLink = regexp.MustCompile(`\[([^\]]*)\]\([^)\s]*\)`)
)

// PlainText removes ATT&CK's markup from a description: citations
// "(Citation: …)" go, Markdown links keep their text.
func PlainText(s string) string {
	s = citation.ReplaceAllString(s, "")
	s = markdownLink.ReplaceAllString(s, "$1")
	return strings.TrimSpace(s)
}

// FirstSentence returns the first sentence of a description, without
// markup.
func FirstSentence(desc string) string {
	s := PlainText(desc)
	if i := strings.Index(s, "\n"); i >= 0 {
		s = s[:i]
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '.' || i+2 >= len(s) || s[i+1] != ' ' {
			continue
		}
		next, _ := utf8.DecodeRuneInString(s[i+2:])
		if !unicode.IsUpper(next) && next != '[' && next != '"' {
			continue
		}
		word := s[strings.LastIndexAny(s[:i], " (")+1 : i]
		if utf8.RuneCountInString(word) <= 1 || strings.Contains(word, ".") || slices.Contains(abbreviations, word) {
			continue
		}
		return s[:i+1]
	}
	return strings.TrimSpace(s)
}

var abbreviations = []string{"Mr", "Mrs", "Dr", "St", "Inc", "Ltd", "Co", "Corp", "vs", "No", "Jr", "Sr"}

// WriteActors writes the table of the catalogue's actors: id, name, a few
// aliases, and how many techniques and campaigns it has.
func (c *Catalog) WriteActors(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Catalogue: %s\n  %s\n\n", c.Name, c.Summary())
	rows := [][]string{{"id", "name", "aliases", "techniques", "campaigns"}}
	owners := c.nameOwners()
	for i := range c.Actors {
		a := &c.Actors[i]
		names := append(slices.Clone(a.Aliases), c.galaxyNames(a, owners)...)
		al := strings.Join(names[:min(4, len(names))], ", ")
		if more := len(names) - 4; more > 0 {
			al += fmt.Sprintf(" … (+%d)", more)
		}
		rows = append(rows, []string{a.ID, a.Name, al, fmt.Sprint(len(c.ActorTechniques(a))), fmt.Sprint(len(c.ActorCampaigns(a.ID)))})
	}
	table(&b, rows, "lllrr")
	_, err := w.Write(b.Bytes())
	return err
}

type actorJSON struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Aliases    []string `json:"aliases"`
	Other      []string `json:"other_names"` // from the MISP galaxy
	Country    string   `json:"country,omitempty"`
	Techniques int      `json:"techniques"`
	Campaigns  int      `json:"campaigns"`
}

// WriteActorsJSON writes the actors as a JSON array of {"id", "name",
// "aliases", "other_names", "country", "techniques", "campaigns"}, the
// last two counts, other_names and country from the MISP galaxy.
func (c *Catalog) WriteActorsJSON(w io.Writer) error {
	out := []actorJSON{}
	owners := c.nameOwners()
	for i := range c.Actors {
		a := &c.Actors[i]
		out = append(out, actorJSON{ID: a.ID, Name: a.Name, Aliases: nonNil(a.Aliases), Other: nonNil(c.galaxyNames(a, owners)),
			Country: c.Country(a), Techniques: len(c.ActorTechniques(a)), Campaigns: len(c.ActorCampaigns(a.ID))})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// WriteProfile writes an actor's profile: names, the first sentence of its
// description, its techniques grouped by tactic in matrix order (those
// known only from its campaigns marked), its campaigns and its software.
func (c *Catalog) WriteProfile(w io.Writer, a *Actor) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s\n", a.ID, a.Name)
	if len(a.Aliases) > 0 {
		fmt.Fprintf(&b, "  aliases (ATT&CK):      %s\n", strings.Join(a.Aliases, ", "))
	}
	if other := c.GalaxyNames(a); len(other) > 0 {
		fmt.Fprintf(&b, "  other names (MISP):    %s\n", strings.Join(other, ", "))
	}
	if country := c.Country(a); country != "" {
		fmt.Fprintf(&b, "  country (MISP):        %s\n", country)
	}
	if IsAttackID("G", a.ID) {
		fmt.Fprintf(&b, "  https://attack.mitre.org/groups/%s/\n", a.ID)
	}
	if s := FirstSentence(a.Description); s != "" {
		fmt.Fprintf(&b, "\n%s\n", s)
	}

	ids := c.ActorTechniques(a)
	byTactic := map[string][]string{}
	var noTactic []string
	for _, id := range ids {
		t := c.Technique(id)
		if len(t.Tactics) == 0 {
			noTactic = append(noTactic, id)
		}
		for _, tac := range t.Tactics {
			byTactic[tac] = append(byTactic[tac], id)
		}
	}
	fmt.Fprintf(&b, "\nTechniques: %d in %d tactics", len(ids), len(byTactic))
	campaignOnly := len(ids) - len(a.Techniques)
	if campaignOnly > 0 {
		fmt.Fprintf(&b, " (%d used by the group, %d more by its campaigns, marked *)", len(a.Techniques), campaignOnly)
	}
	b.WriteString("\n")
	// From which ATT&CK domain the techniques come, when not all from the
	// catalogue's own; each tactic heading also names a foreign domain.
	perDomain := map[string]int{}
	for _, id := range ids {
		for _, d := range c.Technique(id).Domains {
			perDomain[d]++
		}
	}
	own := cmp.Or(c.Domain, DomainEnterprise)
	if len(perDomain) > 1 || len(perDomain) == 1 && perDomain[own] == 0 {
		var parts []string
		for _, d := range slices.Sorted(maps.Keys(perDomain)) {
			parts = append(parts, fmt.Sprintf("%s %d", DomainName(d), perDomain[d]))
		}
		fmt.Fprintf(&b, "Domains: %s\n", strings.Join(parts, ", "))
	}
	list := func(ids []string) {
		rows := [][]string{}
		for _, id := range ids {
			t := c.Technique(id)
			mark := ""
			if !slices.Contains(a.Techniques, id) {
				mark = "*"
			}
			rows = append(rows, []string{id + mark, c.FullName(t)})
		}
		table(&b, rows, "ll")
	}
	for _, tac := range c.Tactics {
		if tl := byTactic[tac.ShortName]; len(tl) > 0 {
			if strings.HasPrefix(tac.ShortName, icsTacticPrefix) {
				fmt.Fprintf(&b, "%s (%s, ATT&CK for ICS)\n", tac.Name, tac.ID)
			} else {
				fmt.Fprintf(&b, "%s (%s)\n", tac.Name, tac.ID)
			}
			list(tl)
		}
	}
	if len(noTactic) > 0 {
		b.WriteString("No tactic\n")
		list(noTactic)
	}

	if camps := c.ActorCampaigns(a.ID); len(camps) > 0 {
		b.WriteString("\nCampaigns\n")
		rows := [][]string{}
		for _, x := range camps {
			dates := x.FirstSeen
			if x.LastSeen != "" && x.LastSeen != x.FirstSeen {
				dates += " to " + x.LastSeen
			}
			rows = append(rows, []string{x.ID, x.Name, dates, fmt.Sprintf("%d techniques", len(x.Techniques))})
		}
		table(&b, rows, "llll")
	}
	if len(a.Software) > 0 {
		names := make([]string, 0, len(a.Software))
		for _, id := range a.Software {
			if s := c.SoftwareByID(id); s != nil {
				names = append(names, s.Name)
			}
		}
		slices.Sort(names)
		fmt.Fprintf(&b, "\nSoftware (%d): %s\n", len(names), strings.Join(names, ", "))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// MitigationInfo is one line of the mitigations list.
type MitigationInfo struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Domains    []string `json:"domains"`
	Techniques int      `json:"techniques"` // how many techniques of the catalogue it mitigates
}

// MitigationList returns the catalogue's mitigations with their domains
// and the number of techniques each mitigates, sorted by id; with a
// domain ("enterprise-attack", "ics-attack"), only those of that domain.
func (c *Catalog) MitigationList(domain string) []MitigationInfo {
	n := make(map[string]int, len(c.Mitigations))
	for _, t := range c.Techniques {
		for _, m := range t.Mitigations {
			n[m]++
		}
	}
	out := []MitigationInfo{}
	for _, m := range c.Mitigations {
		if domain != "" && !c.InDomain(m.Domains, domain) {
			continue
		}
		ds := m.Domains
		if len(ds) == 0 {
			ds = []string{cmp.Or(c.Domain, DomainEnterprise)}
		}
		// A DISARM countermeasure is named bare (C00006): its shape is
		// its own.
		out = append(out, MitigationInfo{ID: BareID(m.ID), Name: m.Name, Domains: ds, Techniques: n[m.ID]})
	}
	return out
}

// WriteMitigations writes the table of MitigationList(domain): id, name,
// domain, techniques mitigated; these are the ids a control's attack: may
// name.
func (c *Catalog) WriteMitigations(w io.Writer, domain string) error {
	var b bytes.Buffer
	list := c.MitigationList(domain)
	fmt.Fprintf(&b, "Catalogue: %s\n  %s", c.Name, count(len(list), "mitigation"))
	if domain != "" {
		fmt.Fprintf(&b, " of %s", DomainName(domain))
	}
	b.WriteString(" (the ids a control's attack: may name)\n\n")
	rows := [][]string{{"id", "name", "domain", "techniques"}}
	for _, m := range list {
		names := make([]string, len(m.Domains))
		for i, d := range m.Domains {
			names[i] = DomainName(d)
		}
		rows = append(rows, []string{m.ID, m.Name, strings.Join(names, ", "), fmt.Sprint(m.Techniques)})
	}
	table(&b, rows, "lllr")
	_, err := w.Write(b.Bytes())
	return err
}

// WriteMitigationsJSON writes MitigationList(domain) as a JSON array of
// {"id", "name", "domains", "techniques"}.
func (c *Catalog) WriteMitigationsJSON(w io.Writer, domain string) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(c.MitigationList(domain))
}

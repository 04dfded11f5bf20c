package attack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
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
			fmt.Fprintf(&b, "%s (%s)\n", tac.Name, tac.ID)
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

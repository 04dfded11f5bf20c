package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/internal/audit"
	"github.com/scrutin/scrutin/internal/i18n"
)

// ContestAudit is one contest's integrity assessment as `scrutin audit`,
// the model page and the report's integrity section say it.
type ContestAudit struct {
	ID, Name string
	// Voting is the contest's voting technology ("" when not given).
	Voting string
	// UnitKind names the counting units ("department"), "" when they do
	// not say.
	UnitKind   string
	Assessment *audit.Assessment
}

// Title is the contest's name, else its id.
func (c ContestAudit) Title() string {
	if c.Name != "" {
		return c.Name
	}
	return c.ID
}

// Auditable reports whether a risk-limiting audit can check the contest:
// not without a voter-verified paper record.
func (c ContestAudit) Auditable() bool { return c.Voting != "dre" && c.Voting != "internet" }

// Share writes a share (0.101) as a percentage with three significant
// digits in p's language: 10.1%, 0.285%, 28.5 % in French.
func Share(p *i18n.Printer, x float64) string {
	s := Sig(p, 100*x)
	if p.Lang() == i18n.French {
		return s + "\u00a0%"
	}
	return s + "%"
}

// IntegritySentences explains each figure of c's assessment in one
// sentence, in p's language.
func IntegritySentences(p *i18n.Printer, c ContestAudit) []string {
	a := c.Assessment
	n := func(x int64) i18n.Count { return p.Count(float64(x), 0) }
	voting := c.Voting
	if voting == "" {
		voting = "none"
	}
	out := []string{
		p.T("integrity.contest", c.Title(), n(a.Ballots), p.T("integrity.voting."+voting), p.Count(float64(len(a.Winners)), 0), strings.Join(a.Winners, ", ")),
	}
	last, first := a.Winners[len(a.Winners)-1], a.Losers[0]
	out = append(out,
		p.T("integrity.margin", n(a.Margin), last, first, Share(p, a.VoteMargin), Share(p, a.DilutedMargin)),
		p.T("integrity.flip", n(a.VotesToFlip), last, first, Share(p, float64(a.VotesToFlip)/float64(a.Ballots)), first, n(a.Margin+1)))
	switch {
	case a.Units == 0:
		out = append(out, p.T("integrity.units.none"))
	case a.UnitsToFlip < 0:
		out = append(out, p.T("integrity.units.short"))
	default:
		kind := c.UnitKind
		if kind == "" {
			kind = "—"
		}
		out = append(out, p.T("integrity.units", n(int64(a.UnitsToFlip)), n(int64(a.Units)), kind))
	}
	if !c.Auditable() {
		return append(out, p.T("integrity.noaudit", p.T("integrity.voting."+c.Voting)))
	}
	alpha := Share(p, a.RiskLimit)
	asn, full := a.Capped(a.Bravo.ASN)
	switch {
	case a.Bravo.AllBallots || full:
		out = append(out, p.T("integrity.bravo.full", alpha, n(a.Ballots)))
	case a.Bravo.OneRound == nil && len(a.Winners) == 1:
		out = append(out, p.T("integrity.bravo.one", alpha, n(asn)))
	case a.Bravo.OneRound == nil:
		out = append(out, p.T("integrity.bravo.multi", alpha, n(asn)))
	default:
		var sizes [3]string
		for i, s := range a.Bravo.OneRound {
			c, full := a.Capped(s)
			sizes[i] = p.Number(float64(c), 0)
			if full {
				sizes[i] = p.T("integrity.full", sizes[i])
			}
		}
		out = append(out, p.T("integrity.bravo", alpha, n(asn), sizes[0], sizes[1], sizes[2]))
	}
	switch {
	case c.Voting == "paper-hand-count":
		out = append(out, p.T("integrity.comparison.handcount"))
	case a.Comparison >= a.Ballots:
		out = append(out, p.T("integrity.comparison.full", alpha, n(a.Ballots)))
	default:
		out = append(out, p.T("integrity.comparison", alpha, n(a.Comparison)))
	}
	if c.Voting == "paper-hand-count" {
		return append(out, p.T("integrity.risk.one", alpha))
	}
	return append(out, p.T("integrity.risk", alpha))
}

// IntegrityText writes the contests' assessments as text, one paragraph
// of sentences per contest.
func IntegrityText(w io.Writer, cs []ContestAudit, lang i18n.Lang) error {
	p := i18n.New(lang)
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString("\n")
		}
		for _, s := range IntegritySentences(p, c) {
			fmt.Fprintln(&b, wrap(s, 78))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// wrap breaks s at ordinary spaces (never at a no-break space) into lines
// of at most width characters where the words allow, the lines after the
// first indented by two spaces.
func wrap(s string, width int) string {
	var b strings.Builder
	line := 0
	for i, word := range strings.Split(s, " ") {
		w := len([]rune(word))
		switch {
		case i == 0:
		case line+1+w > width:
			b.WriteString("\n  ")
			line = 2
		default:
			b.WriteByte(' ')
			line++
		}
		b.WriteString(word)
		line += w
	}
	return b.String()
}

// integrityJSON is `scrutin audit --format json` for one contest: exactly
// the fields issue 15 names. Sizes are capped at the ballots cast (a size
// equal to them is a full hand count); a one-round size Arlo does not
// compute (several winners, no loser with a vote) is null, as is
// units_to_flip without units.
type integrityJSON struct {
	Contest       string   `json:"contest"`
	Ballots       int64    `json:"ballots"`
	Winners       []string `json:"winners"`
	Margin        float64  `json:"margin"`
	DilutedMargin float64  `json:"diluted_margin"`
	VotesToFlip   int64    `json:"votes_to_flip"`
	UnitsToFlip   *int     `json:"units_to_flip"`
	RiskLimit     float64  `json:"risk_limit"`
	Bravo         struct {
		ASN         int64             `json:"asn"`
		SampleSizes map[string]*int64 `json:"sample_sizes"`
	} `json:"bravo"`
	Comparison struct {
		SampleSize int64 `json:"sample_size"`
	} `json:"comparison"`
}

// IntegrityDoc is c's assessment as the JSON document of `scrutin audit`.
func IntegrityDoc(c ContestAudit) any {
	a := c.Assessment
	var d integrityJSON
	d.Contest, d.Ballots, d.Winners = c.ID, a.Ballots, a.Winners
	d.Margin, d.DilutedMargin, d.VotesToFlip, d.RiskLimit = a.VoteMargin, a.DilutedMargin, a.VotesToFlip, a.RiskLimit
	if a.Units > 0 {
		n := a.UnitsToFlip
		d.UnitsToFlip = &n
	}
	d.Bravo.ASN = a.PollingSize()
	d.Bravo.SampleSizes = map[string]*int64{}
	for i, q := range audit.Quantiles {
		key := strconv.FormatFloat(q, 'f', 1, 64)
		d.Bravo.SampleSizes[key] = nil
		if a.Bravo.OneRound != nil {
			n, _ := a.Capped(a.Bravo.OneRound[i])
			d.Bravo.SampleSizes[key] = &n
		}
	}
	d.Comparison.SampleSize = a.Comparison
	return d
}

// IntegrityJSON writes one contest's document, or an array of them when
// there are several (or none).
func IntegrityJSON(w io.Writer, cs []ContestAudit) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if len(cs) == 1 {
		return enc.Encode(IntegrityDoc(cs[0]))
	}
	docs := make([]any, len(cs))
	for i, c := range cs {
		docs[i] = IntegrityDoc(c)
	}
	return enc.Encode(docs)
}

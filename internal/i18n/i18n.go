// Package i18n translates scrutin's pages and reports into English and
// French and formats numbers, money, percentages and dates per locale.
//
// Messages are looked up by key in catalogues (one Go file per area of the
// product, each a map per language); a key missing from a language falls
// back to English, then to the key itself, and a test requires every key in
// both languages.
package i18n

import (
	"fmt"
	"math"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Lang is a supported language.
type Lang string

// Supported languages.
const (
	English Lang = "en"
	French  Lang = "fr"
)

// Languages lists the supported languages, the default first.
func Languages() []Lang { return []Lang{English, French} }

// Parse returns the supported language of a tag such as "fr" or "fr-CA",
// and whether it is supported.
func Parse(s string) (Lang, bool) {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "-")
	base, _, _ = strings.Cut(base, "_")
	for _, l := range Languages() {
		if string(l) == base {
			return l, true
		}
	}
	return English, false
}

var matcher = language.NewMatcher([]language.Tag{language.English, language.French})

// Negotiate chooses the language: the user's preference if supported,
// else the best match of an Accept-Language header, else English.
func Negotiate(preference, acceptLanguage string) Lang {
	if l, ok := Parse(preference); ok {
		return l
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return English
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return English
	}
	return Languages()[i]
}

// Printer translates and formats for one language.
type Printer struct {
	lang Lang
	p    *message.Printer
	// variant, when set, makes T use KEY.variant in place of KEY when the
	// catalogue has it.
	variant string
}

// WithVariant returns a printer like p whose T uses the message
// KEY.variant in place of KEY wherever the catalogue has one (in p's
// language, else in English): "election" for the pages of a model whose
// simulated trial is one election.
func (p *Printer) WithVariant(variant string) *Printer {
	q := *p
	q.variant = variant
	return &q
}

// New returns a printer for l.
func New(l Lang) *Printer {
	tag := language.English
	if l == French {
		tag = language.French
	}
	return &Printer{lang: l, p: message.NewPrinter(tag)}
}

// Lang is the printer's language.
func (p *Printer) Lang() Lang { return p.lang }

// T translates key, then formats it with args as fmt.Sprintf does, with
// the words that agree with a count in the form it calls for (see
// selector).
func (p *Printer) T(key string, args ...any) string {
	if p.variant != "" {
		if s, ok := lookup(p.lang, key+"."+p.variant); ok {
			return p.format(s, args)
		}
	}
	s, ok := lookup(p.lang, key)
	if !ok {
		if s, ok = lookup(English, key); !ok {
			s = key
		}
	}
	return p.format(s, args)
}

// Message is a text to translate that carries its own English: a format
// with fmt verbs, which is also its key in the catalogue of such texts,
// and its arguments. model.Text is one.
type Message interface {
	MessageFormat() (format string, args []any)
}

// Message translates m and formats it; an argument that is itself a
// Message is translated too. A format the catalogue lacks stays English.
// A translation may have plural selectors (see selector); the English
// format, written by a package that formats it itself, has none.
func (p *Printer) Message(m Message) string {
	format, args := m.MessageFormat()
	translated := false
	if f, ok := lookupText(p.lang, format); ok {
		format, translated = f, true
	}
	if len(args) == 0 && !strings.Contains(format, "%") {
		return format
	}
	out := make([]any, len(args))
	for i, a := range args {
		if am, ok := a.(Message); ok {
			out[i] = p.Message(am)
		} else {
			out[i] = a
		}
	}
	if translated {
		return p.format(format, out)
	}
	return fmt.Sprintf(format, out...)
}

// Sprintf formats a format that another package holds (a drawing's
// words, given by T) with args, resolving its plural selectors.
func (p *Printer) Sprintf(format string, args ...any) string {
	return p.format(format, args)
}

// Number formats x with the locale's separators and the given decimals.
func (p *Printer) Number(x float64, decimals int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return p.p.Sprint(number.Decimal(x, number.MaxFractionDigits(decimals), number.MinFractionDigits(decimals)))
}

// Money formats an amount in a currency: whole units from 100 on, two
// decimals below, with the currency after the number and a no-break
// space, written as Currency writes it: "3,257,998 EUR" in English,
// "3 257 998 €" in French.
func (p *Printer) Money(x float64, currency string) string {
	d := 0
	if math.Abs(x) < 100 && x != 0 {
		d = 2
	}
	return p.Number(x, d) + "\u00a0" + p.Currency(currency)
}

// Currency is how a currency is written after an amount or in a label:
// in French, the euro's sign (the French way, and the only sign that is
// not ambiguous: $ is many dollars); otherwise its ISO 4217 code, as
// given. English keeps codes, which the CLI and the API share.
func (p *Printer) Currency(code string) string {
	if p.lang == French && (code == "EUR" || code == "€") {
		return "€"
	}
	return code
}

// Compact formats an amount in a few characters: 950, 12k, 1.2M (1,2 M in
// French).
func (p *Printer) Compact(x float64) string {
	ax := math.Abs(x)
	units := []struct {
		v  float64
		en string
		fr string
	}{{1e12, "T", "\u00a0T"}, {1e9, "G", "\u00a0G"}, {1e6, "M", "\u00a0M"}, {1e3, "k", "\u00a0k"}}
	for _, u := range units {
		if ax >= u.v {
			v := x / u.v
			d := 0
			if math.Abs(v) < 10 {
				d = 1
			}
			s := p.Number(v, d)
			s = strings.TrimSuffix(strings.TrimSuffix(s, ".0"), ",0")
			if p.lang == French {
				return s + u.fr
			}
			return s + u.en
		}
	}
	return p.Number(x, 0)
}

// Colon is the colon after a label, as the language writes it: ":" in
// English, a no-break space and ":" in French. For templates that put a
// label and its value apart ({{$p.T "ui.account"}}{{$p.Colon}}).
func (p *Printer) Colon() string {
	if p.lang == French {
		return "\u00a0:"
	}
	return ":"
}

// Percent formats a probability as a percentage with sensible precision.
func (p *Printer) Percent(x float64) string {
	v := 100 * x
	d := 1
	switch {
	case v == 0 || v == 100:
		d = 0
	case v < 0.1:
		d = 3
	case v < 10:
		d = 2
	}
	sep := "\u00a0%"
	if p.lang == English {
		sep = "%"
	}
	return p.Number(v, d) + sep
}

// Date formats a time as a date and time in UTC.
func (p *Printer) Date(t time.Time) string {
	t = t.UTC()
	if p.lang == French {
		return t.Format("02/01/2006 15:04") + " UTC"
	}
	return t.Format("2006-01-02 15:04") + " UTC"
}

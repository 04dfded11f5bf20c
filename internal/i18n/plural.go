package i18n

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Words that agree with a count are written in a message as a selector,
// {N:one|other}: the form for one (English: 1; French: 0, 1 and 1.5) or
// for other numbers, picked by argument N (1-based) with the language's
// plural rules (CLDR's, from golang.org/x/text). Each language chooses its
// own: "%d of %d tolerance {2:point|points} exceeded" agrees with the
// total, "%d {1:point de tolérance dépassé|points de tolérance dépassés}
// sur %d" with the first. The forms hold words only, no verbs.
var selector = regexp.MustCompile(`\{([1-9][0-9]?):([^{}|]*)\|([^{}]*)\}`)

// Count is a number shown as the locale writes it whose value picks the
// forms of a message's words: give it where the message has %s.
type Count struct {
	N        float64
	Decimals int // the fraction digits shown: 1.5 years, 1,5 an
	Text     string
}

// String is the count as shown.
func (c Count) String() string { return c.Text }

// Count formats x with decimals as Number does, as a Count.
func (p *Printer) Count(x float64, decimals int) Count {
	return Count{N: x, Decimals: decimals, Text: p.Number(x, decimals)}
}

// format resolves the selectors of s with args, then formats it.
func (p *Printer) format(s string, args []any) string {
	if strings.Contains(s, "{") {
		s = selector.ReplaceAllStringFunc(s, func(m string) string {
			sub := selector.FindStringSubmatch(m)
			n, _ := strconv.Atoi(sub[1])
			if n > len(args) {
				return m
			}
			if p.one(args[n-1]) {
				return sub[2]
			}
			return sub[3]
		})
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// one reports whether the count a takes the form for one in p's language.
func (p *Printer) one(a any) bool {
	var digits string // the number as shown, in ASCII: 1, 1.5, 1.00
	switch x := a.(type) {
	case int:
		digits = strconv.Itoa(x)
	case int64:
		digits = strconv.FormatInt(x, 10)
	case uint64:
		digits = strconv.FormatUint(x, 10)
	case float64:
		digits = strconv.FormatFloat(x, 'f', -1, 64)
	case Count:
		digits = strconv.FormatFloat(x.N, 'f', x.Decimals, 64)
	default:
		return false
	}
	digits = strings.TrimPrefix(digits, "-")
	intPart, frac, _ := strings.Cut(digits, ".")
	i, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil || i > math.MaxInt32 {
		return false // beyond the rules' reach: plural in both languages
	}
	f, _ := strconv.Atoi("0" + frac)
	trimmed := strings.TrimRight(frac, "0")
	t, _ := strconv.Atoi("0" + trimmed)
	tag := language.English
	if p.lang == French {
		tag = language.French
	}
	return plural.Cardinal.MatchPlural(tag, int(i), len(frac), len(trimmed), f, t) == plural.One
}

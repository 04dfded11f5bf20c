package i18n

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// frenchStrings lists every French message of every catalogue, keyed
// and textual, with a name for errors. A catalogue added to catalogues()
// or textCatalogues() is checked without a change here.
func frenchStrings() map[string]string {
	out := map[string]string{}
	for _, c := range catalogues() {
		for k, v := range c[French] {
			out[k] = v
		}
	}
	for _, c := range textCatalogues() {
		for k, v := range c[French] {
			out["text "+k] = v
		}
	}
	return out
}

// variants resolves the plural selectors of s both ways, so that the
// words of each form are checked and the selector's own "N:" is not.
func variants(s string) []string {
	if !strings.Contains(s, "{") {
		return []string{s}
	}
	one := selector.ReplaceAllString(s, "$2")
	other := selector.ReplaceAllString(s, "$3")
	return []string{one, other}
}

func isNoBreak(r rune) bool { return r == '\u00a0' || r == '\u202f' }

// typographyProblems lists where s breaks French typography: the
// marks : ; ? ! and » need a no-break space before them, « one after it.
// A mark followed by a letter, a digit or a character of code (a URL,
// a time such as 15:04, a ratio, a format verb, an HTML entity's ';')
// is not punctuation and is left alone, and so is code the user types,
// which a message writes between straight quotes ("status: proposed") or
// as YAML's own braces ({pert: [min, mode, max]}).
func typographyProblems(s string) []string {
	var out []string
	runes := []rune(s)
	quoted, braces := false, 0
	for i, r := range runes {
		switch r {
		case '"':
			quoted = !quoted
		case '{':
			braces++
		case '}':
			braces = max(0, braces-1)
		}
		if quoted || braces > 0 {
			continue
		}
		prev, next := rune(0), rune(0)
		if i > 0 {
			prev = runes[i-1]
		}
		if i+1 < len(runes) {
			next = runes[i+1]
		}
		switch r {
		case ':', ';', '?', '!':
			if !punctuation(runes, i, next) {
				continue
			}
			if !isNoBreak(prev) {
				out = append(out, excerpt(runes, i, "no no-break space before "+string(r)))
			}
		case '»':
			if !isNoBreak(prev) {
				out = append(out, excerpt(runes, i, "no no-break space before »"))
			}
		case '«':
			if !isNoBreak(next) {
				out = append(out, excerpt(runes, i, "no no-break space after «"))
			}
		}
	}
	return out
}

// punctuation reports whether the mark at i is used as punctuation:
// followed by the end, a space or a closing character, and (for ;) not
// ending an HTML entity.
func punctuation(runes []rune, i int, next rune) bool {
	if runes[i] == ';' {
		for j := i - 1; j >= 0 && i-j < 10; j-- {
			if runes[j] == '&' {
				return false
			}
			if !(runes[j] == '#' || runes[j] >= 'a' && runes[j] <= 'z' || runes[j] >= '0' && runes[j] <= '9') {
				break
			}
		}
	}
	switch {
	case next == 0, next == ' ', next == '\n', isNoBreak(next):
		return true
	case strings.ContainsRune(`)]"'».,<`, next):
		return true
	}
	return false
}

func excerpt(runes []rune, i int, what string) string {
	lo, hi := max(0, i-20), min(len(runes), i+20)
	return what + ": …" + string(runes[lo:hi]) + "…"
}

// TestFrenchTypography: every French string of every catalogue has a
// no-break space (U+00A0 or U+202F) before : ; ? ! » and after «.
func TestFrenchTypography(t *testing.T) {
	for k, v := range frenchStrings() {
		if !utf8.ValidString(v) {
			t.Errorf("%s: not UTF-8", k)
			continue
		}
		for _, s := range variants(v) {
			for _, p := range typographyProblems(s) {
				t.Errorf("%s: %s", k, p)
			}
		}
	}
}

// TestTypographyCheck: the check itself finds what it must and leaves
// code alone.
func TestTypographyCheck(t *testing.T) {
	for _, c := range []struct {
		s    string
		bad  int
		note string
	}{
		{"Mesures en place : %s", 1, "plain space before :"},
		{"Mesures en place: %s", 1, "nothing before :"},
		{"Mesures en place\u00a0: %s", 0, ""},
		{"Mesures en place\u202f: %s", 0, ""},
		{"vraiment ?", 1, ""},
		{"(vouliez-vous dire \"x\"\u00a0?)", 0, ""},
		{"modèle « %s »", 2, "plain spaces inside « »"},
		{"modèle «\u00a0%s\u00a0»", 0, ""},
		{"voir https://attack.mitre.org/?x=1", 0, "URL"},
		{"à 15:04 UTC", 0, "time"},
		{"un sur 1:10", 0, "ratio"},
		{"ligne %d:%d", 0, "format verbs"},
		{"Tom &amp; Jerry", 0, "entity"},
		{"a ; b", 1, ""},
		{"fin !", 1, ""},
		{`ajoutez "status: proposed" au modèle`, 0, "code in quotes"},
		{"écrivez {pert: [min, mode, max]}", 0, "YAML braces"},
		{`"x" ne fait pas partie de : a`, 1, "after the code"},
	} {
		if got := typographyProblems(c.s); len(got) != c.bad {
			t.Errorf("%q (%s): %d problems %v, want %d", c.s, c.note, len(got), got, c.bad)
		}
	}
}

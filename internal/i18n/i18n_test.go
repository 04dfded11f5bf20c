package i18n

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCataloguesComplete: every key exists in every language, with the
// same formatting verbs.
func TestCataloguesComplete(t *testing.T) {
	en := Keys(English)
	for _, l := range Languages()[1:] {
		keys := Keys(l)
		for _, k := range en {
			if !slices.Contains(keys, k) {
				t.Errorf("%s: missing %q", l, k)
			}
		}
		for _, k := range keys {
			if !slices.Contains(en, k) {
				t.Errorf("%s: %q is not in English", l, k)
			}
		}
	}
	for _, k := range en {
		want := verbs(New(English).T(k))
		for _, l := range Languages()[1:] {
			if got := verbs(New(l).T(k)); !slices.Equal(got, want) {
				t.Errorf("%s %q: verbs %v, English has %v", l, k, got, want)
			}
		}
	}
}

// verbs lists the formatting verbs of a message, in order.
func verbs(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(s) && strings.ContainsRune("0123456789.+-# ", rune(s[j])) {
			j++
		}
		if j < len(s) {
			if s[j] != '%' {
				out = append(out, s[i:j+1])
			}
			i = j
		}
	}
	return out
}

func TestFormats(t *testing.T) {
	en, fr := New(English), New(French)
	for _, c := range []struct{ got, want string }{
		{en.Money(1234567.4, "EUR"), "1,234,567\u00a0EUR"},
		{fr.Money(1234567.4, "EUR"), "1\u00a0234\u00a0567\u00a0€"},
		{fr.Money(3257998, "EUR"), "3\u00a0257\u00a0998\u00a0€"},
		{fr.Money(-3257998, "EUR"), "-3\u00a0257\u00a0998\u00a0€"},
		{fr.Money(1234567.4, "€"), "1\u00a0234\u00a0567\u00a0€"},
		{fr.Money(1234567.4, "USD"), "1\u00a0234\u00a0567\u00a0USD"},
		{fr.Money(1234567.4, "CHF"), "1\u00a0234\u00a0567\u00a0CHF"},
		{en.Money(12.5, "EUR"), "12.50\u00a0EUR"},
		{en.Money(3257998, "EUR"), "3,257,998\u00a0EUR"},
		{fr.Money(12.5, "EUR"), "12,50\u00a0€"},
		{fr.Currency("EUR"), "€"},
		{en.T("ui.account") + en.Colon(), "Account:"},
		{fr.T("ui.account") + fr.Colon(), "Compte\u00a0:"},
		{fr.Currency("USD"), "USD"},
		{en.Currency("EUR"), "EUR"},
		{en.Percent(0.0123), "1.23%"},
		{fr.Percent(0.0123), "1,23\u00a0%"},
		{en.Percent(0.5), "50.0%"},
		{en.Compact(2_500_000), "2.5M"},
		{fr.Compact(2_500_000), "2,5\u00a0M"},
		{en.Compact(12_000), "12k"},
		{en.Date(time.Date(2017, 5, 5, 20, 0, 0, 0, time.UTC)), "2017-05-05 20:00 UTC"},
		{fr.Date(time.Date(2017, 5, 5, 20, 0, 0, 0, time.UTC)), "05/05/2017 20:00 UTC"},
		{fr.T("common.trials", "100 000", 1, "EUR"), "100 000 années simulées · graine 1 · montants en EUR"},
		{fr.T("no.such.key"), "no.such.key"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestNegotiate(t *testing.T) {
	for _, c := range []struct {
		pref, accept string
		want         Lang
	}{
		{"", "fr-FR,fr;q=0.9,en;q=0.8", French},
		{"", "en-GB,en;q=0.9", English},
		{"", "de-DE,fr;q=0.5", French},
		{"", "de-DE", English},
		{"", "", English},
		{"en", "fr-FR", English},
		{"fr", "", French},
		{"xx", "fr", French},
		{"", "garbage;;;", English},
	} {
		if got := Negotiate(c.pref, c.accept); got != c.want {
			t.Errorf("Negotiate(%q, %q) = %s, want %s", c.pref, c.accept, got, c.want)
		}
	}
}

// TestNoKeyTwice checks that no key is defined in two catalogues: the
// first would silently hide the second.
func TestNoKeyTwice(t *testing.T) {
	for _, l := range Languages() {
		seen := map[string]int{}
		for i, c := range catalogues() {
			for k := range c[l] {
				if j, ok := seen[k]; ok {
					t.Errorf("%s: %q is in catalogues %d and %d", l, k, j, i)
				}
				seen[k] = i
			}
		}
	}
}

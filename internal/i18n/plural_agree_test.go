package i18n

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// nouns are the words that follow a count in the messages, singular
// and plural, per language; a word missing from the list is not checked.
var nouns = map[Lang][][2]string{
	English: {
		{"point", "points"}, {"node", "nodes"}, {"model", "models"}, {"control", "controls"},
		{"scenario", "scenarios"}, {"technique", "techniques"}, {"year", "years"},
		{"portfolio", "portfolios"}, {"line", "lines"}, {"problem", "problems"}, {"item", "items"},
		{"field", "fields"}, {"character", "characters"}, {"second", "seconds"}, {"byte", "bytes"},
		{"level", "levels"}, {"key", "keys"}, {"value", "values"}, {"number", "numbers"},
		{"parameter", "parameters"}, {"leaf", "leaves"}, {"run", "runs"}, {"file", "files"},
		{"event", "events"}, {"entry", "entries"}, {"member", "members"}, {"organisation", "organisations"},
		{"time", "times"}, {"attempt", "attempts"}, {"plan", "plans"}, {"token", "tokens"},
		{"simulated year", "simulated years"}, {"tolerance point", "tolerance points"},
		{"proposed control", "proposed controls"}, {"malformed line", "malformed lines"},
	},
	French: {
		{"point", "points"}, {"nœud", "nœuds"}, {"modèle", "modèles"}, {"mesure", "mesures"},
		{"scénario", "scénarios"}, {"technique", "techniques"}, {"année", "années"}, {"an", "ans"},
		{"portefeuille", "portefeuilles"}, {"ligne", "lignes"}, {"problème", "problèmes"},
		{"élément", "éléments"}, {"champ", "champs"}, {"caractère", "caractères"},
		{"seconde", "secondes"}, {"octet", "octets"}, {"niveau", "niveaux"}, {"clé", "clés"},
		{"valeur", "valeurs"}, {"nombre", "nombres"}, {"paramètre", "paramètres"},
		{"feuille", "feuilles"}, {"simulation", "simulations"}, {"fichier", "fichiers"},
		{"événement", "événements"}, {"entrée", "entrées"}, {"membre", "membres"},
		{"organisation", "organisations"}, {"tentative", "tentatives"}, {"plan", "plans"},
		{"lexème", "lexèmes"}, {"partagé", "partagés"}, {"couverte", "couvertes"},
		{"dépassé", "dépassés"}, {"effectué", "effectués"}, {"affichée", "affichées"},
		{"relevé", "relevés"}, {"ajoutée", "ajoutées"}, {"supprimée", "supprimées"},
		{"année simulée", "années simulées"}, {"mesure proposée", "mesures proposées"},
	},
}

// countedWord finds a count of 0, 1 or 2 and the word after it (past a
// "%" sign, as in "1 % effectué"), the count not part of a larger number.
var countedWord = regexp.MustCompile(`(?:^|[^0-9.,\p{L}])([012])(?:[ \x{a0}\x{202f}]%)?[ \x{a0}\x{202f}]+(\p{L}+(?:[ \x{a0}]\p{L}+)?)`)

// agreement lists the counts of s followed by a noun of l in the wrong
// form for n.
func agreement(l Lang, s string, n int) []string {
	p := New(l)
	wantOne := p.one(n)
	var out []string
	for _, m := range countedWord.FindAllStringSubmatch(s, -1) {
		if m[1] != fmt.Sprint(n) {
			continue
		}
		words := strings.Fields(strings.ReplaceAll(m[2], "\u00a0", " "))
	check:
		for _, cand := range []string{strings.Join(words, " "), words[0]} {
			for _, f := range nouns[l] {
				if cand == f[0] && !wantOne || cand == f[1] && wantOne {
					out = append(out, fmt.Sprintf("%q with %d", m[0], n))
				}
				if cand == f[0] || cand == f[1] {
					break check
				}
			}
		}
	}
	return out
}

// TestPluralAgreement renders every message of every catalogue whose
// arguments include a number with 0, 1 and 2 in every number (and in
// every %s, which may be a Count), and checks that the nouns written
// after those counts agree. Translations of texts that carry their own
// English are checked in French only: their English is written by a
// package that formats it itself, without selectors.
func TestPluralAgreement(t *testing.T) {
	for _, n := range []int{0, 1, 2} {
		for _, l := range Languages() {
			p := New(l)
			for _, k := range slices.Sorted(slices.Values(Keys(l))) {
				s, _ := lookup(l, k)
				if notCounts[k] {
					continue
				}
				args, ok := countArgs(p, s, n)
				if !ok {
					continue
				}
				for _, bad := range agreement(l, p.T(k, args...), n) {
					t.Errorf("%s %s: %s", l, k, bad)
				}
			}
			if l == English {
				continue
			}
			for _, c := range textCatalogues() {
				for en, s := range c[l] {
					args, ok := countArgs(p, s, n)
					if !ok {
						continue
					}
					for _, bad := range agreement(l, p.Message(testMessage{format: en, args: args}), n) {
						t.Errorf("%s %q: %s", l, en, bad)
					}
				}
			}
		}
	}
}

// notCounts are the messages whose %s is a word, never a count.
var notCounts = map[string]bool{"draw.leafkind": true}

// countArgs gives the arguments of a format: n for each %d, a Count of n
// for each %s and %v, a word otherwise; ok is false when the format has
// no verb (no count to check).
func countArgs(p *Printer, s string, n int) ([]any, bool) {
	vs := verbs(s)
	if len(vs) == 0 {
		return nil, false
	}
	var args []any
	for _, v := range vs {
		switch v[len(v)-1] {
		case 'd':
			args = append(args, n)
		case 's', 'v':
			args = append(args, p.Count(float64(n), 0))
		default:
			args = append(args, "x")
		}
	}
	return args, true
}

// TestAgreementCheck: the check finds a wrong form and accepts both
// right ones.
func TestAgreementCheck(t *testing.T) {
	for _, c := range []struct {
		l    Lang
		s    string
		n    int
		want int
	}{
		{French, "1 nœuds", 1, 1},
		{French, "0 nœuds", 0, 1},
		{French, "2 nœud", 2, 1},
		{French, "1 nœud et 2 nœuds", 1, 0},
		{French, "1 % effectués", 1, 1},
		{English, "0 points", 0, 0},
		{English, "0 point", 0, 1},
		{English, "1 nodes", 1, 1},
		{English, "10 nodes", 1, 0},
		{English, "version 1.1 nodes", 1, 0},
	} {
		if got := agreement(c.l, c.s, c.n); len(got) != c.want {
			t.Errorf("%s %q with %d: %v, want %d problems", c.l, c.s, c.n, got, c.want)
		}
	}
}

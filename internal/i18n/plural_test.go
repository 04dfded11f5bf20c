package i18n

import (
	"regexp"
	"strconv"
	"testing"
)

// TestPluralSelectors: {N:one|other} picks the form the count in
// argument N calls for, by the language's rules: French takes the
// singular for 0, 1 and 1.5, English for 1 only.
func TestPluralSelectors(t *testing.T) {
	en, fr := New(English), New(French)
	for _, c := range []struct {
		p    *Printer
		s    string
		args []any
		want string
	}{
		{en, "%d {1:point|points}", []any{1}, "1 point"},
		{en, "%d {1:point|points}", []any{0}, "0 points"},
		{en, "%d {1:point|points}", []any{int64(2)}, "2 points"},
		{en, "%s {1:year|years}", []any{en.Count(1.5, 1)}, "1.5 years"},
		{en, "%s {1:year|years}", []any{en.Count(1, 0)}, "1 year"},
		{en, "%s {1:year|years}", []any{en.Count(1, 2)}, "1.00 years"},
		{fr, "%d {1:point|points}", []any{0}, "0 point"},
		{fr, "%d {1:point|points}", []any{1}, "1 point"},
		{fr, "%d {1:point|points}", []any{2}, "2 points"},
		{fr, "%s {1:an|ans}", []any{fr.Count(1.5, 1)}, "1,5 an"},
		{fr, "%s {1:année simulée|années simulées}", []any{fr.Count(100000, 0)}, "100\u00a0000 années simulées"},
		{fr, "%s {1:année simulée|années simulées}", []any{fr.Count(1e6, 0)}, "1\u00a0000\u00a0000 années simulées"},
		{fr, "%d {1:point de tolérance dépassé|points de tolérance dépassés} sur %d", []any{1, 1}, "1 point de tolérance dépassé sur 1"},
		{en, "%d of %d tolerance {2:point|points} exceeded", []any{1, 1}, "1 of 1 tolerance point exceeded"},
		{en, "%d of %d tolerance {2:point|points} exceeded", []any{1, 3}, "1 of 3 tolerance points exceeded"},
		{en, "no selector {phishing: …}", nil, "no selector {phishing: …}"},
	} {
		if got := c.p.format(c.s, c.args); got != c.want {
			t.Errorf("%s %q %v: %q, want %q", c.p.Lang(), c.s, c.args, got, c.want)
		}
	}
}

// TestPluralSelectorsInCatalogues: every selector names an argument the
// message has, and the report's verdicts agree with their counts.
func TestPluralSelectorsInCatalogues(t *testing.T) {
	sel := regexp.MustCompile(`\{([0-9]+):[^{}|]*\|[^{}]*\}`)
	for _, l := range Languages() {
		for _, c := range append(catalogues(), textCatalogues()...) {
			for k, v := range c[l] {
				for _, m := range sel.FindAllStringSubmatch(v, -1) {
					n, _ := strconv.Atoi(m[1])
					if n < 1 || n > len(verbs(v)) {
						t.Errorf("%s %q: selector on argument %d of %d", l, k, n, len(verbs(v)))
					}
				}
			}
		}
	}
	for _, c := range []struct {
		l    Lang
		key  string
		args []any
		want string
	}{
		{French, "verdict.exceeds", []any{"1 M", "1 M", "60 %", "50 %", 1, 1}, "(1 point dépassé sur 1)"},
		{French, "verdict.exceeds", []any{"1 M", "1 M", "60 %", "50 %", 2, 3}, "(2 points dépassés sur 3)"},
		{English, "verdict.exceeds", []any{"1 M", "1 M", "60%", "50%", 1, 1}, "(1 of 1 point exceeded)"},
		{English, "verdict.exceeds", []any{"1 M", "1 M", "60%", "50%", 2, 3}, "(2 of 3 points exceeded)"},
		{French, "report.verdict.same.significant", []any{"1 M", "60 %", "50 %", 1, 1}, "(1 point de tolérance dépassé sur 1)"},
		{English, "report.verdict.same.significant", []any{"1 M", "60%", "50%", 1, 1}, "(1 of 1 tolerance point exceeded)"},
		{French, "report.verdict.plan.count", []any{1, 1, "1 €"}, "1 sur 1 mesure proposée, pour 1 € par an (détaillée dans"},
		{English, "report.verdict.plan.count", []any{1, 1, "1 €"}, "1 of the 1 proposed control,"},
		{French, "common.trials", []any{New(French).Count(1, 0), 1, "EUR"}, "1 année simulée"},
		{English, "common.trials", []any{New(English).Count(1, 0), 1, "EUR"}, "1 simulated year ·"},
	} {
		if got := New(c.l).T(c.key, c.args...); !contains(got, c.want) {
			t.Errorf("%s %s %v: %q lacks %q", c.l, c.key, c.args, got, c.want)
		}
	}
}

func contains(s, sub string) bool { return regexp.MustCompile(regexp.QuoteMeta(sub)).MatchString(s) }

// TestPluralSelectorsOnlyInT: messages that another package formats
// itself with fmt (the drawing's words other than its description, which
// it formats with the Sprintf it is given) cannot hold selectors, which
// only T and Sprintf resolve.
func TestPluralSelectorsOnlyInT(t *testing.T) {
	for _, key := range []string{"draw.boxes", "draw.leafkind", "draw.gatekind"} {
		for _, l := range Languages() {
			if s := New(l).T(key); selectorRe.MatchString(s) {
				t.Errorf("%s %s: %q has a selector", l, key, s)
			}
		}
	}
}

var selectorRe = regexp.MustCompile(`\{[0-9]+:`)

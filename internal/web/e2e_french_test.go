package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// frenchForms checks, in a real browser, in English and in French, what
// the French UI must get right beyond its words: the forms that agree
// with a count (1 and 2), money in euros written the French way, the
// evidence's categories and outcomes in words, and French typography in
// the visible text. It works in an organisation of its own (fr-forms)
// with the minimal example model, so that counts of 1 are certain.
func (e *e2e) frenchForms(t *testing.T, ctx context.Context) {
	const org = "fr-forms"
	e.admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": org, "name": "Formes du français", "kind": "party"})
	src := string(readFile(t, "../../examples/minimal.yaml"))
	var m struct{ ID int64 }
	e.admin.want(http.StatusCreated, "POST", "/api/v1/orgs/"+org+"/models", map[string]string{"name": "minimal", "yaml": src}).decode(&m)
	// Revision 2 changes one line, revision 3 two.
	rev2 := strings.Replace(src, "vulnerability: 0.3 ", "vulnerability: 0.25", 1)
	rev3 := strings.Replace(strings.Replace(rev2, "vulnerability: 0.25", "vulnerability: 0.2 ", 1), "{pert: [0.5, 2, 10]}", "{pert: [0.5, 2, 12]}", 1)
	if rev2 == src || rev3 == rev2 {
		t.Fatal("examples/minimal.yaml changed: the revisions of this step change nothing")
	}
	modelPath := fmt.Sprintf("/api/v1/orgs/%s/models/%d", org, m.ID)
	e.admin.want(http.StatusOK, "PUT", modelPath, map[string]any{"yaml": rev2, "base_revision": 1, "message": "une ligne"})
	e.admin.want(http.StatusOK, "PUT", modelPath, map[string]any{"yaml": rev3, "base_revision": 2, "message": "deux lignes"})
	// A run with a verdict on the model's one tolerance point.
	var run struct {
		ID     int64
		Status string
	}
	e.admin.want(http.StatusAccepted, "POST", modelPath+"/runs", map[string]any{"trials": 20000, "seed": 1, "revision": 1}).decode(&run)
	deadline := time.Now().Add(30 * time.Second)
	for run.Status != "succeeded" {
		if time.Now().After(deadline) || run.Status == "failed" || run.Status == "canceled" {
			t.Fatalf("the run of the minimal model: %s", run.Status)
		}
		time.Sleep(100 * time.Millisecond)
		e.admin.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/%s/runs/%d", org, run.ID), nil).decode(&run)
	}
	// Logs of SSH password guessing: brute force, blocked and succeeded.
	var ev struct{ ID int64 }
	e.admin.want(http.StatusCreated, "POST", "/api/v1/orgs/"+org+"/evidence?kind=sshd&name=auth&year=2017", readFile(t, "../../examples/evidence/auth.log")).decode(&ev)

	ui := fmt.Sprintf("/orgs/%s/models/%d", org, m.ID)
	runPage := fmt.Sprintf("/orgs/%s/runs/%d", org, run.ID)
	evPage := fmt.Sprintf("/orgs/%s/evidence/%d", org, ev.ID)
	saved := e.lang
	defer func() {
		if e.lang != saved {
			e.open(t, ctx, "/orgs")
			e.setLang(t, ctx, saved)
		}
	}()
	for _, c := range []struct {
		lang                                 string
		oneLine, twoLines, onePoint, money   string
		noMoney, bruteForce, blocked, trials string
	}{
		{"en", "1 line added · 1 line removed", "2 lines added · 2 lines removed", "(1 of 1 point exceeded)",
			"\u00a0EUR", "€", "Brute force", "Blocked", "20,000 simulated years"},
		{"fr", "1 ligne ajoutée · 1 ligne supprimée", "2 lignes ajoutées · 2 lignes supprimées", "(1 point dépassé sur 1)",
			"\u00a0€", "EUR", "Force brute", "Bloqué", "20\u00a0000 années simulées"},
	} {
		e.open(t, ctx, "/orgs")
		if e.lang != c.lang {
			e.setLang(t, ctx, c.lang)
		}
		// Plural forms: 1 and 2.
		e.openOK(t, ctx, ui+"/diff?from=1&to=2")
		if got := bText(t, ctx, "main p.meta"); got != c.oneLine {
			t.Errorf("%s: the diff of one line says %q, want %q", c.lang, got, c.oneLine)
		}
		e.checkTypography(t, ctx, c.lang)
		e.openOK(t, ctx, ui+"/diff?from=2&to=3")
		if got := bText(t, ctx, "main p.meta"); got != c.twoLines {
			t.Errorf("%s: the diff of two lines says %q, want %q", c.lang, got, c.twoLines)
		}
		// The run: one tolerance point, exceeded; money in euros.
		e.openOK(t, ctx, runPage)
		if v := bText(t, ctx, ".verdict"); !strings.Contains(v, c.onePoint) {
			t.Errorf("%s: the verdict %q lacks %q", c.lang, v, c.onePoint)
		}
		if meta := bText(t, ctx, "main p.meta"); !strings.Contains(meta, c.trials) {
			t.Errorf("%s: the run's parameters %q lack %q", c.lang, meta, c.trials)
		}
		figs := bEval[[]string](t, ctx, `Array.from(document.querySelectorAll(".figures dd")).map(d => d.textContent)`)
		if len(figs) == 0 || !strings.HasSuffix(figs[0], c.money) {
			t.Errorf("%s: the run's figures %q: the mean does not end with %q", c.lang, figs, c.money)
		}
		if body := e.visibleText(t, ctx); strings.Contains(body, c.noMoney) {
			i := strings.Index(body, c.noMoney)
			t.Errorf("%s: the run page shows %q: …%s…", c.lang, c.noMoney, body[max(0, i-60):min(len(body), i+20)])
		}
		e.checkCharts(t, ctx)
		e.checkTypography(t, ctx, c.lang)
		e.shot(t, ctx, "forms-run")
		// Evidence: the events' categories and outcomes in words, their
		// codes beside them.
		e.openOK(t, ctx, evPage)
		rows := bEval[[]string](t, ctx, `Array.from(document.querySelectorAll("table th[scope=row]")).map(th => th.innerText)`)
		for _, want := range []string{c.bruteForce + " brute-force", c.blocked + " blocked"} {
			found := false
			for _, r := range rows {
				found = found || strings.Join(strings.Fields(r), " ") == want
			}
			if !found {
				t.Errorf("%s: the evidence's rows %q lack %q", c.lang, rows, want)
			}
		}
		e.checkTypography(t, ctx, c.lang)
		e.shot(t, ctx, "forms-evidence")
	}
	// A count that grows from the page's own figure: the national view's
	// shared models, in French, agree with their number before and after
	// this organisation shares with the agency.
	shared := func() (int, string) {
		e.openOK(t, ctx, "/orgs/anssi/national")
		s := bText(t, ctx, ".figure dd.small")
		var n int
		fmt.Sscanf(s, "sur %d", &n)
		return n, s
	}
	n, before := shared()
	e.admin.want(http.StatusOK, "PUT", "/api/v1/orgs/"+org+"/shares/anssi", nil)
	n2, after := shared()
	if n2 != n+1 {
		t.Errorf("sharing one more model: %q, then %q", before, after)
	}
	for _, c := range []struct {
		n int
		s string
	}{{n, before}, {n2, after}} {
		want := fmt.Sprintf("sur %d modèles partagés", c.n)
		if c.n <= 1 {
			want = fmt.Sprintf("sur %d modèle partagé", c.n)
		}
		if c.s != want {
			t.Errorf("national view: %q, want %q", c.s, want)
		}
	}
	e.checkTypography(t, ctx, "fr")
	// The agency goes on seeing only what the other steps expect.
	e.admin.want(http.StatusNoContent, "DELETE", "/api/v1/orgs/"+org+"/shares/anssi", nil)
}

// openOK opens a page and fails unless it answers 200.
func (e *e2e) openOK(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	if st := e.open(t, ctx, path); st != http.StatusOK {
		t.Fatalf("%s: status %d", path, st)
	}
}

// visibleText is the text of the page that a person sees or a screen
// reader reads, code aside (code, pre, kbd, samp, textarea: what the user
// types is the same in every language), as one string.
func (e *e2e) visibleText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return e.textOf(t, ctx, "body")
}

// textOf is visibleText of the elements sel finds, one after the other.
func (e *e2e) textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return strings.Join(bEval[[]string](t, ctx, `((sel) => {
		const skip = new Set(["SCRIPT", "STYLE", "CODE", "PRE", "KBD", "SAMP", "TEXTAREA", "NOSCRIPT", "TEMPLATE", "svg"]);
		const out = [];
		for (const root of document.querySelectorAll(sel)) {
			const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {acceptNode(n) {
				for (let el = n.parentElement; el; el = el.parentElement) {
					if (skip.has(el.tagName) || el.hidden) return NodeFilter.FILTER_REJECT;
				}
				return NodeFilter.FILTER_ACCEPT;
			}});
			for (let n; (n = w.nextNode());) out.push(n.data);
		}
		return out;
	})(`+strconv.Quote(sel)+`)`), "")
}

// checkTypography fails on French text with a plain space where French
// typography puts a no-break one: before : ; ? ! and », after «; and, in
// the page's header, navigation and footer, on a colon right after a word.
// A mark between two characters that are not spaces (15:04, a URL, a
// ratio) is not punctuation, and code between straight quotes ("status:
// proposed") is left alone. Elsewhere a mark right after a word is not
// checked: data in English shows on French pages (the model's texts,
// ATT&CK's names, "Active Scanning: Vulnerability Scanning"), and the
// catalogues' own test checks every French message strictly. English is
// not checked.
func (e *e2e) checkTypography(t *testing.T, ctx context.Context, lang string) {
	t.Helper()
	if lang != "fr" {
		return
	}
	path := e.path(t, ctx)
	for _, p := range frenchTypographyProblems(e.visibleText(t, ctx), false) {
		t.Errorf("%s: %s", path, p)
	}
	for _, p := range frenchTypographyProblems(e.textOf(t, ctx, "header, nav, footer"), true) {
		t.Errorf("%s (header, navigation, footer): %s", path, p)
	}
}

// frenchTypographyProblems lists the marks of s without the no-break
// space French typography wants, at most 5; a colon right after a word
// only when strictColon.
func frenchTypographyProblems(s string, strictColon bool) []string {
	var out []string
	rs := []rune(s)
	space := func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '\r' }
	nb := func(r rune) bool { return r == '\u00a0' || r == '\u202f' }
	quoted := false
	for i, r := range rs {
		if r == '"' {
			quoted = !quoted
		}
		if quoted {
			continue
		}
		var prev, next rune
		if i > 0 {
			prev = rs[i-1]
		}
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		bad := false
		switch r {
		case ':', ';', '?', '!':
			// Punctuation: followed by a space, the end or a closing mark.
			if next == 0 || space(next) || nb(next) || strings.ContainsRune(`)]"».,`, next) {
				bad = space(prev) || strictColon && r == ':' && unicode.IsLetter(prev)
			}
		case '»':
			bad = !nb(prev)
		case '«':
			bad = !nb(next)
		}
		if bad {
			lo, hi := max(0, i-30), min(len(rs), i+10)
			out = append(out, fmt.Sprintf("no no-break space at %q: …%s…", string(r), strings.ReplaceAll(string(rs[lo:hi]), "\n", "⏎")))
			if len(out) == 5 {
				break
			}
		}
	}
	return out
}

// TestFrenchTypographyCheck: the browser test's check finds what it must.
func TestFrenchTypographyCheck(t *testing.T) {
	if got := frenchTypographyProblems("Active Scanning: Vulnerability Scanning", false); len(got) != 0 {
		t.Errorf("data: %v", got)
	}
	for s, want := range map[string]int{
		"Mesures en place : aucune":       1,
		"Mesures en place: aucune":        1,
		"Mesures en place\u00a0: aucune":  0,
		"Mesures en place\u202f: aucune":  0,
		"à 15:04 UTC, https://x.org/?a=1": 0,
		"Le risque est-il significatif ?": 1,
		"modèle « x »":                    2,
		"modèle «\u00a0x\u00a0»":          0,
		"Mesures en place\u00a0:\n":       0,
	} {
		if got := frenchTypographyProblems(s, true); len(got) != want {
			t.Errorf("%q: %v, want %d problems", s, got, want)
		}
	}
}

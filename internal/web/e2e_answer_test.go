package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/sim"
)

// Issue 12, item 1: the answer first. Signing in lands on the user's
// organisation, whose dashboard opens with the answer to "is the risk
// significant?", in English and in French.

// answer: in English.
func (e *e2e) answer(t *testing.T, ctx context.Context) { e.answerIn(t, ctx, "en") }

// answerFrench: in French.
func (e *e2e) answerFrench(t *testing.T, ctx context.Context) { e.answerIn(t, ctx, "fr") }

// answerWords are what the headline says, by language.
var answerWords = map[string]struct{ orgs, yes, no, badYear, plan string }{
	// The built-in example has a calendar (a trial is an election) and
	// harms (the plan's sentence is then of every dimension).
	"en": {"Your organisations", "Yes: the risk is significant.", "No: the risk is not significant.", "A bad election (1 in 10) costs %s", "The recommended plan (%s a year)"},
	"fr": {"Vos organisations", "Oui\u00a0: le risque est significatif.", "Non\u00a0: le risque n'est pas significatif.", "Une élection défavorable (1 sur 10) coûte %s", "Le plan recommandé (%s par an)"},
}

// answerIn signs the administrator in, in a browser of their own with no
// cookie, in lang: they are a member of two organisations (demo and the
// agency), so the first sign-in lands on the list; once the demo's
// dashboard has been opened, signing in again (and /) lands on it. The
// dashboard's headline answers for the run it shows, with the run's bad
// year as the run page writes it and the plan stored for the run (made
// here, on the run's simulated years, when there is none), whose link
// opens the plan; it is large and coloured by its verdict, and does not
// make the page wider than the window.
func (e *e2e) answerIn(t *testing.T, ctx context.Context, lang string) {
	words := answerWords[lang]
	vctx, cancel := chromedp.NewContext(e.tab, chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(vctx); err != nil {
		t.Fatal(err)
	}
	e.watch(t, vctx)
	if dl, ok := ctx.Deadline(); ok {
		var cancelT context.CancelFunc
		vctx, cancelT = context.WithDeadline(vctx, dl)
		defer cancelT()
	}
	saved := e.lang
	defer func() { e.lang = saved }()

	signIn := func() string {
		t.Helper()
		e.open(t, vctx, "/signin")
		st := bLoad(t, vctx, "signing in", chromedp.Steps(
			chromedp.SendKeys(chromedp.ID("email"), DefaultAdminEmail),
			chromedp.SendKeys(chromedp.ID("password"), adminPassword+"\r"),
		))
		if st != http.StatusOK {
			t.Fatalf("signing in: status %d", st)
		}
		return e.path(t, vctx)
	}
	if p := signIn(); p != "/orgs" {
		t.Errorf("%s: signing in with two organisations, none chosen, lands on %s, not the list", lang, p)
	}
	e.setLang(t, vctx, lang) // the administrator's preference from now on
	if h := bText(t, vctx, "h1"); h != words.orgs {
		t.Errorf("%s: the list's heading %q", lang, h)
	}
	bLoad(t, vctx, "opening the demo", chromedp.Click(chromedp.CSS(`main .org-card h2 a[href="/orgs/demo"]`)))
	if st := e.open(t, vctx, "/"); st != http.StatusOK || e.path(t, vctx) != "/orgs/demo" {
		t.Errorf("%s: / after opening the demo: status %d at %s", lang, st, e.path(t, vctx))
	}
	e.open(t, vctx, "/signout")
	bLoad(t, vctx, "signing out", chromedp.Click(chromedp.CSS(`main form[action="/signout"] button[type=submit]`)))
	if p := signIn(); p != "/orgs/demo" {
		t.Errorf("%s: signing in again lands on %s, not the demo's dashboard", lang, p)
	}

	// The run the headline answers for, and a plan of it.
	if bCount(t, vctx, "#answer") != 1 {
		t.Fatalf("%s: the dashboard has no headline", lang)
	}
	var runID int64
	if _, err := fmt.Sscanf(bEval[string](t, vctx, `document.getElementById("answer-report").getAttribute("href")`), "/orgs/demo/runs/%d/report?format=html", &runID); err != nil {
		t.Fatalf("%s: the headline's report link: %v", lang, err)
	}
	var run runView
	e.admin.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/demo/runs/%d", runID), nil).decode(&run)
	var res sim.Result
	if err := json.Unmarshal(run.Result, &res); err != nil {
		t.Fatal(err)
	}
	if bCount(t, vctx, "#answer-plan") == 0 {
		if bCount(t, vctx, "#answer-makeplan") != 1 {
			t.Errorf("%s: no plan of the run, and no link to make one", lang)
		}
		// The plan queued with the workers held: the headline says it is
		// being computed; once it ends, the page reloads by itself.
		e.srv.jobs.stop()
		restarted := false
		defer func() {
			if !restarted {
				e.srv.jobs.start(context.Background())
			}
		}()
		var p planView
		e.admin.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/plans", run.ModelID),
			map[string]any{"budget": 300000, "trials": run.Trials, "seed": run.Seed, "evidence": run.Evidence, "revision": run.Revision}).decode(&p)
		e.open(t, vctx, "/orgs/demo")
		if h := bEval[string](t, vctx, `(document.getElementById("answer-pending") || {getAttribute: () => ""}).getAttribute("href")`); h != fmt.Sprintf("/orgs/demo/plans/%d", p.ID) {
			t.Errorf("%s: a plan being computed: the headline links to %q", lang, h)
		}
		restarted = true
		if err := e.srv.jobs.start(context.Background()); err != nil {
			t.Fatal(err)
		}
		bWait(t, vctx, "the dashboard to show the plan once computed", `document.getElementById("answer-plan")`, 40*time.Second)
	}
	planHref := bEval[string](t, vctx, `(document.getElementById("answer-plan") || {getAttribute: () => ""}).getAttribute("href")`)
	var planID int64
	if _, err := fmt.Sscanf(planHref, "/orgs/demo/plans/%d", &planID); err != nil {
		t.Fatalf("%s: the headline's plan link %q", lang, planHref)
	}
	var pl planView
	e.admin.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/demo/plans/%d", planID), nil).decode(&pl)
	var cost struct{ Cost float64 }
	json.Unmarshal(pl.Result, &cost)

	p := i18n.New(i18n.Lang(lang))
	verdict, detail := bText(t, vctx, "#answer .answer-verdict"), bText(t, vctx, "#answer .answer-detail")
	want, class := words.no, "answer-within"
	if res.Portfolio.Tolerance.Breached || (res.Verdict != nil && res.Verdict.Significant) {
		want, class = words.yes, "answer-significant"
	}
	if verdict != want {
		t.Errorf("%s: the answer %q, want %q", lang, verdict, want)
	}
	for _, w := range []string{fmt.Sprintf(words.badYear, p.Money(res.Portfolio.Quantiles.P90, res.Currency)), fmt.Sprintf(words.plan, p.Money(cost.Cost, res.Currency))} {
		if !strings.Contains(detail, w) {
			t.Errorf("%s: the headline %q lacks %q", lang, detail, w)
		}
	}
	// Large, coloured by the verdict, first in the page's content.
	style := bEval[[]string](t, vctx, `(() => { const a = document.getElementById("answer"), v = a.querySelector(".answer-verdict");
		return [a.className, getComputedStyle(v).fontSize, getComputedStyle(a).borderLeftColor, getComputedStyle(v).color,
			String(a.getBoundingClientRect().top < document.querySelector("main h2:not(.sr-only), main table").getBoundingClientRect().top)]; })()`)
	// Not Sscanf's %f, which reads the p of px as a binary exponent.
	size, _ := strconv.ParseFloat(strings.TrimSuffix(style[1], "px"), 64)
	if !strings.Contains(style[0], class) || size < 24 || style[4] != "true" {
		t.Errorf("%s: the headline (class %q, answer %s, before the rest: %s) is not large, first and %s", lang, style[0], style[1], style[4], class)
	}
	colour := map[string]string{"answer-significant": "rgb(198, 40, 40)", "answer-within": "rgb(47, 143, 70)"}[class]
	if style[2] != colour {
		t.Errorf("%s: the headline's edge is %s, want %s (%s)", lang, style[2], colour, class)
	}
	checkNoOverflow(t, vctx, "/orgs/demo")
	e.lang = lang
	e.shot(t, vctx, "answer")

	// Its links: the plan, whose page shows its cost, and the report.
	if h := bEval[string](t, vctx, `document.getElementById("answer-report").getAttribute("href")`); h != fmt.Sprintf("/orgs/demo/runs/%d/report?format=html", runID) {
		t.Errorf("%s: the report link %q", lang, h)
	}
	if st := bLoad(t, vctx, "opening the plan", chromedp.Click(chromedp.ID("answer-plan"))); st != http.StatusOK || e.path(t, vctx) != planHref {
		t.Errorf("%s: the plan link: status %d at %s", lang, st, e.path(t, vctx))
	}
	if figs := bEval[string](t, vctx, `Array.from(document.querySelectorAll("main dd")).map(d => d.textContent).join(" | ")`); !strings.Contains(figs, p.Money(cost.Cost, res.Currency)) {
		t.Errorf("%s: the plan page's figures %q lack its cost %s", lang, figs, p.Money(cost.Cost, res.Currency))
	}

	// On a phone (390 px) the headline wraps within the window, first,
	// still large.
	bDo(t, vctx, "a phone's width", chromedp.EmulateViewport(390, 844))
	e.open(t, vctx, "/orgs/demo")
	fit := bEval[[]float64](t, vctx, `(() => { const a = document.getElementById("answer"), r = a.getBoundingClientRect();
		return [r.left, r.right, document.documentElement.clientWidth, parseFloat(getComputedStyle(a.querySelector(".answer-verdict")).fontSize)]; })()`)
	if fit[0] < 0 || fit[1] > fit[2]+0.5 || fit[3] < 20 {
		t.Errorf("%s: at 390 px the headline spans %.0f to %.0f of %.0f px, its answer %.1f px", lang, fit[0], fit[1], fit[2], fit[3])
	}
	e.shot(t, vctx, "answer-390")
}

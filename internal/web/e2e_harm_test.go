package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/sim"
)

// Issue 13, item 4 on the pages: harm beyond money. The run page of the
// built-in example shows a panel per harm dimension, the calendar's
// windows with the timing multiplier in plain words and the overall
// verdict; the plan page the verdict per dimension before and after the
// plan; in English and French, without making the page wider than the
// window.

// harmWords are what the pages say, by language.
var harmWords = map[string]struct{ heading, timing, overall, planOverall string }{
	"en": {"Harm beyond money", "is 3 times as harmful for “Public trust lost” as at another time.", "Significant: tolerance exceeded for ",
		"The plan does not bring every dimension within tolerance: still exceeded for "},
	"fr": {"Préjudices au-delà de l'argent", "est 3 fois plus préjudiciable pour «\u00a0Public trust lost\u00a0» qu'à un autre moment.", "Significatif\u00a0: tolérance dépassée pour ",
		"Le plan ne ramène pas tout dans la tolérance\u00a0: tolérance encore dépassée pour "},
}

// harms runs the step in English, then in French (the administrator's
// language is left as it was).
func (e *e2e) harms(t *testing.T, ctx context.Context) {
	// The language is the administrator's preference, which other steps
	// (in browsers of their own) may have changed: what the page says
	// counts, not e.lang.
	saved := e.lang
	// A desktop's window: a step before may have left a phone's, where
	// the language switch is in the closed menu.
	setViewport(t, ctx, tourViewports[0])
	defer func() {
		if bEval[string](t, ctx, `document.documentElement.lang`) != saved {
			e.setLang(t, ctx, saved)
		}
	}()
	// A run and a plan of the demo's example on the same years.
	var r runView
	e.admin.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/runs", e.model), map[string]any{"trials": 3000, "seed": 7}).decode(&r)
	done := waitFor(t, e.admin, fmt.Sprintf("/api/v1/orgs/demo/runs/%d", r.ID), 2*e2eStepTimeout, func(v runView) bool { return v.Status != "queued" && v.Status != "running" })
	if done.Status != "succeeded" {
		t.Fatalf("run %d: %s %s", r.ID, done.Status, done.Error)
	}
	var res sim.Result
	if err := json.Unmarshal(done.Result, &res); err != nil {
		t.Fatal(err)
	}
	var pv planView
	e.admin.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/plans", e.model),
		map[string]any{"budget": 300000, "objective": "harm:votes-altered:p99", "trials": 3000, "seed": 7}).decode(&pv)
	pdone := waitFor(t, e.admin, fmt.Sprintf("/api/v1/orgs/demo/plans/%d", pv.ID), 2*e2eStepTimeout, func(v planView) bool { return v.Status != "queued" && v.Status != "running" })
	if pdone.Status != "succeeded" {
		t.Fatalf("plan %d: %s %s", pv.ID, pdone.Status, pdone.Error)
	}
	var pl plan.Result
	if err := json.Unmarshal(pdone.Result, &pl); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "fr"} {
		e.harmsIn(t, ctx, lang, r.ID, &res, pv.ID, &pl)
	}
}

func (e *e2e) harmsIn(t *testing.T, ctx context.Context, lang string, runID int64, res *sim.Result, planID int64, pl *plan.Result) {
	words, pr := harmWords[lang], i18n.New(i18n.Lang(lang))
	runPath := fmt.Sprintf("/orgs/demo/runs/%d", runID)
	e.openOK(t, ctx, runPath)
	if bEval[string](t, ctx, `document.documentElement.lang`) != lang {
		e.setLang(t, ctx, lang)
	}
	if h := bText(t, ctx, "#harms-h"); h != words.heading {
		t.Errorf("%s: the harm panel's heading %q", lang, h)
	}
	if n := bCount(t, ctx, "#harms article.harm-dim"); n != len(res.Portfolio.Harms) {
		t.Errorf("%s: %d harm panels, want %d", lang, n, len(res.Portfolio.Harms))
	}
	// Votes altered: P(any) as the run's JSON has it, shown, not hidden.
	va := res.Portfolio.Harms["votes-altered"]
	figs := bEval[[]string](t, ctx, `Array.from(document.querySelectorAll("#harm-votes-altered dd")).filter(d => d.offsetParent !== null).map(d => d.textContent)`)
	if !slices.Contains(figs, pr.Percent(va.PAny)) {
		t.Errorf("%s: votes altered's figures %q lack P(any) %s", lang, figs, pr.Percent(va.PAny))
	}
	if v := bText(t, ctx, "#harm-votes-altered .verdict"); va.Tolerance.Breached != strings.Contains(bEval[string](t, ctx, `document.querySelector("#harm-votes-altered .verdict").className`), "verdict-exceeds") || v == "" {
		t.Errorf("%s: votes altered's verdict %q (breached %v)", lang, v, va.Tolerance.Breached)
	}
	// One sentence and one row per scenario timed in a window: in the
	// built-in example, hack-and-leak and the influence operation in each
	// silence period.
	timed := 0
	for _, sr := range res.Scenarios {
		timed += len(sr.Windows)
	}
	timing := bEval[[]string](t, ctx, `Array.from(document.querySelectorAll("#timing li")).map(l => l.textContent)`)
	ok := len(timing) == timed && timed >= 2
	for _, s := range timing {
		ok = ok && strings.HasSuffix(s, words.timing)
	}
	if !ok {
		t.Errorf("%s: the timing sentences %q, want %d ending %q", lang, timing, timed, words.timing)
	}
	if n := bCount(t, ctx, "#windows tbody tr"); n != timed {
		t.Errorf("%s: %d rows in the windows table, want %d (each timed scenario in each silence)", lang, n, timed)
	}
	if o := bText(t, ctx, "#harm-overall"); res.Verdict.Significant != strings.HasPrefix(o, words.overall) {
		t.Errorf("%s: the overall verdict %q (significant %v)", lang, o, res.Verdict.Significant)
	}
	checkNoOverflow(t, ctx, runPath)
	e.shot(t, ctx, "run-harms")

	// The plan: the verdict per dimension, before and after.
	planPath := fmt.Sprintf("/orgs/demo/plans/%d", planID)
	e.openOK(t, ctx, planPath)
	if n := bCount(t, ctx, "#plan-harms tbody tr"); n != len(pl.Significance.Harms) {
		t.Errorf("%s: %d rows of harm verdicts on the plan page, want %d", lang, n, len(pl.Significance.Harms))
	}
	for _, hv := range pl.Significance.Harms {
		bad := bCount(t, ctx, fmt.Sprintf("#plan-harm-%s .badge-bad", hv.ID))
		if want := map[bool]int{true: 1}[hv.BreachedBefore] + map[bool]int{true: 1}[hv.BreachedAfter]; bad != want {
			t.Errorf("%s: %s shows %d “exceeds” badges, want %d (before %v, after %v)", lang, hv.ID, bad, want, hv.BreachedBefore, hv.BreachedAfter)
		}
	}
	if o := bText(t, ctx, "#plan-harm-overall"); *pl.Significance.SignificantAfter != strings.HasPrefix(o, words.planOverall) || o == "" {
		t.Errorf("%s: the plan's overall verdict %q (significant after: %v)", lang, o, *pl.Significance.SignificantAfter)
	}
	checkNoOverflow(t, ctx, planPath)
	e.shot(t, ctx, "plan-harms")
}

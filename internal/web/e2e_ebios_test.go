package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/sim"
)

// Issue 14 on the pages: the EBIOS RM study of the built-in example's
// run, a page per workshop reached from the run page by its tabs, in
// English and French, on a desktop's window and a phone's, without
// making the page wider than the window.
func (e *e2e) ebiosStudy(t *testing.T, ctx context.Context) {
	saved := e.lang
	defer func() {
		setViewport(t, ctx, tourViewports[0])
		if bEval[string](t, ctx, `document.documentElement.lang`) != saved {
			e.setLang(t, ctx, saved)
		}
	}()
	var r runView
	e.admin.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/runs", e.model), map[string]any{"trials": 3000, "seed": 5}).decode(&r)
	done := waitFor(t, e.admin, fmt.Sprintf("/api/v1/orgs/demo/runs/%d", r.ID), 2*e2eStepTimeout, func(v runView) bool { return v.Status != "queued" && v.Status != "running" })
	if done.Status != "succeeded" {
		t.Fatalf("run %d: %s %s", r.ID, done.Status, done.Error)
	}
	var res sim.Result
	if err := json.Unmarshal(done.Result, &res); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "fr"} {
		setViewport(t, ctx, tourViewports[0])
		pr := i18n.New(i18n.Lang(lang))
		runPath := fmt.Sprintf("/orgs/demo/runs/%d", r.ID)
		e.openOK(t, ctx, runPath)
		if bEval[string](t, ctx, `document.documentElement.lang`) != lang {
			e.setLang(t, ctx, lang)
		}
		// From the run page to workshop 1, then by the tabs to workshop 4.
		bLoad(t, ctx, "opening the study", chromedp.Click(chromedp.CSS("#ebios-study")))
		if h := bText(t, ctx, "#ebios-h"); !strings.Contains(h, map[string]string{"en": "Workshop 1", "fr": "Atelier 1"}[lang]) {
			t.Errorf("%s: the study opens on %q", lang, h)
		}
		if n := bCount(t, ctx, ".ebios-tabs a"); n != 6 {
			t.Errorf("%s: %d tabs, want 6", lang, n)
		}
		bLoad(t, ctx, "opening workshop 4 by its tab", chromedp.Click(chromedp.CSS(".ebios-tabs li:nth-child(5) a")))
		if cur := bText(t, ctx, `.ebios-tabs a[aria-current="page"]`); cur != bText(t, ctx, "#ebios-h") {
			t.Errorf("%s: the current tab %q is not the page's %q", lang, cur, bText(t, ctx, "#ebios-h"))
		}
		// Workshop 4: the likelihood of each scenario is the run's.
		cells := bEval[[]string](t, ctx, `Array.from(document.querySelectorAll(".ebios-body tbody tr")).map(r => r.cells[0].textContent + "|" + r.cells[3].textContent)`)
		for _, s := range res.Scenarios {
			want := s.ID + "|" + pr.Percent(1-s.PNoLoss)
			found := false
			for _, c := range cells {
				found = found || c == want
			}
			if !found {
				t.Errorf("%s: workshop 4 lacks %q: %q", lang, want, cells)
			}
		}
		path := fmt.Sprintf("/orgs/demo/runs/%d/ebios/4", r.ID)
		checkNoOverflow(t, ctx, path)
		e.shot(t, ctx, "ebios-workshop-4")
		// Workshop 3 on a phone: the ecosystem map fits.
		setViewport(t, ctx, tourViewports[len(tourViewports)-1])
		e.openOK(t, ctx, fmt.Sprintf("/orgs/demo/runs/%d/ebios/3", r.ID))
		if n := bCount(t, ctx, "#fig-ecosystem svg"); n != 1 {
			t.Errorf("%s: no ecosystem map on workshop 3", lang)
		}
		checkNoOverflow(t, ctx, fmt.Sprintf("/orgs/demo/runs/%d/ebios/3", r.ID))
		e.shot(t, ctx, "ebios-workshop-3-phone")
	}
}

package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/report"
)

// Issue 15, item 6 in the browser: the model page of a model with
// contests shows the outcome integrity section and its chart (drawn by
// the server, visible with or without JavaScript), and the risk limit
// form recomputes the figures; an invalid risk limit is refused beside
// the field. In English and French (French typography checked).
func (e *e2e) integrity(t *testing.T, ctx context.Context) {
	saved := e.lang
	setViewport(t, ctx, tourViewports[0])
	defer func() {
		if bEval[string](t, ctx, `document.documentElement.lang`) != saved {
			e.setLang(t, ctx, saved)
		}
	}()
	var m savedModel
	e.admin.want(http.StatusCreated, "POST", "/api/v1/orgs/demo/models", map[string]string{"name": "integrity (browser)", "yaml": string(readFile(t, integrityModelFile))}).decode(&m)
	path := fmt.Sprintf("/orgs/demo/models/%d", m.ID)
	for _, lang := range []string{"en", "fr"} {
		pr := i18n.New(i18n.Lang(lang))
		e.openOK(t, ctx, path)
		if bEval[string](t, ctx, `document.documentElement.lang`) != lang {
			e.setLang(t, ctx, lang)
		}
		// The section and the chart are on screen once scrolled to.
		bDo(t, ctx, "following the link to the section", chromedp.Click(chromedp.CSS(`.head-links a[href="#integrity"]`)))
		bWait(t, ctx, "the page at the section", `location.hash === "#integrity"`, e2eStepTimeout/4)
		if !bEval[bool](t, ctx, `(() => { const r = document.getElementById("integrity").getBoundingClientRect(); return r.height > 0 && r.top < innerHeight && r.bottom > 0; })()`) {
			t.Errorf("%s: the integrity section is not on screen after its link", lang)
		}
		bDo(t, ctx, "scrolling to the chart", chromedp.ScrollIntoView(chromedp.CSS(".integrity-chart svg")))
		if !bEval[bool](t, ctx, `(() => { const s = document.querySelector(".integrity-chart svg"); const r = s.getBoundingClientRect(); return getComputedStyle(s).display !== "none" && r.width > 300 && r.height > 150 && r.top < innerHeight && r.bottom > 0; })()`) {
			t.Errorf("%s: the chart is not visible", lang)
		}
		if n := bCount(t, ctx, ".integrity-chart .contest-marker"); n != 2 {
			t.Errorf("%s: %d contest markers, want 2", lang, n)
		}
		if h := bText(t, ctx, "#integrity-h"); h != pr.T("integrity.title") {
			t.Errorf("%s: section heading %q", lang, h)
		}
		before := bText(t, ctx, `table[data-contest="mayor"]`)
		if !strings.Contains(before, report.Share(pr, 0.05)) {
			t.Errorf("%s: the mayoral figures are not at the audit's 5%% risk limit:\n%s", lang, before)
		}
		e.shot(t, ctx, "integrity")

		// Another risk limit, typed in the form: the figures move.
		bDo(t, ctx, "typing a risk limit", chromedp.SetValue(chromedp.ID("risk"), map[string]string{"en": "0.2", "fr": "0,2"}[lang]))
		if st := bLoad(t, ctx, "recomputing", chromedp.Click(chromedp.CSS(".integrity-form button[type=submit]"))); st != http.StatusOK {
			t.Fatalf("%s: recomputing answered %d", lang, st)
		}
		after := bText(t, ctx, `table[data-contest="mayor"]`)
		if after == before || !strings.Contains(after, report.Share(pr, 0.2)) {
			t.Errorf("%s: the figures did not move to a 20%% risk limit:\nbefore %s\nafter %s", lang, before, after)
		}
		if title := bEval[string](t, ctx, `document.querySelector(".integrity-chart svg title").textContent`); title != pr.T("integrity.chart.title", report.Share(pr, 0.2)) {
			t.Errorf("%s: chart title %q", lang, title)
		}
		if lang == "fr" {
			e.checkTypography(t, ctx, lang)
		}

		// A risk limit out of range: refused beside the field, not a 500.
		bDo(t, ctx, "typing a bad risk limit", chromedp.SetValue(chromedp.ID("risk"), "2"))
		if st := bLoad(t, ctx, "recomputing", chromedp.Click(chromedp.CSS(".integrity-form button[type=submit]"))); st != http.StatusBadRequest {
			t.Errorf("%s: a risk limit of 2 answered %d, want 400", lang, st)
		}
		if msg := bText(t, ctx, "#risk-error"); msg != pr.T("integrity.risk.invalid", "2") {
			t.Errorf("%s: the error says %q", lang, msg)
		}
	}
}

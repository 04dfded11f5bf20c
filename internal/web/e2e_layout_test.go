package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// tourViewport is a window size the tour visits every page at.
type tourViewport struct {
	name          string
	width, height int64
	phone         bool
	suffix        string // of the screenshots' names
}

// tourViewports are a desktop's window and a phone's (390×844, an
// iPhone 12 to 15): no page may scroll sideways in either.
var tourViewports = []tourViewport{
	{name: "1440×900", width: 1440, height: 900},
	phoneViewport,
}

var phoneViewport = tourViewport{name: "390×844", width: 390, height: 844, phone: true, suffix: "-phone"}

// setViewport makes the tab's window vp's size.
func setViewport(t *testing.T, ctx context.Context, vp tourViewport) {
	t.Helper()
	bDo(t, ctx, "setting the window to "+vp.name, chromedp.EmulateViewport(vp.width, vp.height))
}

// maxHeaderShare is the share of a phone's first screen that the header
// (top bar and navigation, menu closed) may take.
const maxHeaderShare = 0.25

// checkPhoneHeader fails when the page's header, with the organisation's
// navigation when it is shown, takes more than a quarter of the window's
// height.
func checkPhoneHeader(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	got := bEval[[]float64](t, ctx, `(() => { const h = document.querySelector("body > header");
		if (!h) return [-1, window.innerHeight];
		let bottom = h.getBoundingClientRect().bottom + window.scrollY;
		const nav = document.querySelector("nav.orgnav");
		if (nav && nav.checkVisibility()) bottom = Math.max(bottom, nav.getBoundingClientRect().bottom + window.scrollY);
		return [bottom, window.innerHeight]; })()`)
	if got[0] < 0 {
		t.Errorf("%s: no header", what)
		return
	}
	if got[0] > maxHeaderShare*got[1] {
		t.Errorf("%s: the header is %.0f px tall, more than %.0f%% of the %.0f px window", what, got[0], 100*maxHeaderShare, got[1])
	}
}

// menuState is what a test sees (checkVisibility: not display: none, not
// in the hidden content of a closed <details>) of the narrow screens' menu: whether it
// is open, its toggle shown, and how many of the organisation's sections
// are shown, all inside the window.
const menuState = `(() => {
	const d = document.querySelector("details.sitemenu"), s = d && d.querySelector("summary");
	const links = Array.from(document.querySelectorAll("nav.orgnav a")).filter(a => a.checkVisibility({visibilityProperty: true}));
	const inside = links.every(a => { const r = a.getBoundingClientRect(); return r.left >= 0 && r.right <= document.documentElement.clientWidth + 1; });
	return [!!d && d.open, !!s && s.checkVisibility({visibilityProperty: true}), links.length, inside].join("|"); })()`

// phoneMenu: on a phone (390×844), in English and French, the header is
// a bar with a menu: closed, the sections are hidden and the header
// takes at most a quarter of the screen; the keyboard opens it (Tab,
// Enter) and Escape closes it; a section's link in it leads to the
// section. Without JavaScript it opens and its links work too. On a
// desktop the menu's toggle is not shown and the sections are.
func (e *e2e) phoneMenu(t *testing.T, ctx context.Context) {
	defer chromedp.Run(context.WithoutCancel(ctx), chromedp.ResetViewport())
	for _, lang := range []string{"en", "fr"} {
		setViewport(t, ctx, tourViewports[0])
		e.open(t, ctx, "/orgs/demo")
		if e.lang != lang {
			e.setLang(t, ctx, lang)
		}
		if got := bEval[string](t, ctx, menuState); !strings.HasPrefix(got, "false|false|") || strings.HasPrefix(got, "false|false|0|") {
			t.Errorf("%s, desktop: menu open|toggle shown|sections shown|inside = %s (want the sections shown, no toggle)", lang, got)
		}
		e.viewShot(t, ctx, "dashboard-1440")
		setViewport(t, ctx, phoneViewport)
		e.open(t, ctx, "/orgs/demo")
		checkPhoneHeader(t, ctx, "/orgs/demo ("+lang+")")
		e.viewShot(t, ctx, "dashboard-390")
		if got := bEval[string](t, ctx, menuState); got != "false|true|0|true" {
			t.Fatalf("%s, phone: menu open|toggle shown|sections shown|inside = %s (want closed, a toggle, no section)", lang, got)
		}
		if l := bText(t, ctx, "summary.sitemenu-toggle"); strings.TrimSpace(l) != "Menu" {
			t.Errorf("%s: the menu's toggle says %q", lang, l)
		}
		// The keyboard: Tab to the toggle (after the skip link and the
		// brand), Enter opens, Escape closes and leaves the focus on it.
		reached := false
		for i := 0; i < 4 && !reached; i++ {
			bDo(t, ctx, "pressing Tab", chromedp.KeyEvent(kbTab))
			reached = bEval[bool](t, ctx, `document.activeElement.matches("summary.sitemenu-toggle")`)
		}
		if !reached {
			t.Fatalf("%s: 4 presses of Tab did not reach the menu", lang)
		}
		bDo(t, ctx, "pressing Enter on the menu", chromedp.KeyEvent("\r"))
		bWait(t, ctx, "the menu to open", `document.querySelector("details.sitemenu").open`, 5*time.Second)
		if got := bEval[string](t, ctx, menuState); !strings.HasPrefix(got, "true|true|") || strings.HasSuffix(got, "|false") || strings.HasPrefix(got, "true|true|0|") {
			t.Errorf("%s, menu opened: open|toggle|sections|inside = %s", lang, got)
		}
		checkNoOverflow(t, ctx, "/orgs/demo, menu open ("+lang+")")
		e.viewShot(t, ctx, "menu-open-phone")
		bDo(t, ctx, "pressing Escape", chromedp.KeyEvent(kb.Escape))
		bWait(t, ctx, "Escape to close the menu", `!document.querySelector("details.sitemenu").open && document.activeElement.matches("summary.sitemenu-toggle")`, 5*time.Second)
		// A click opens it; its link to the runs leads there.
		bDo(t, ctx, "opening the menu", chromedp.Click(chromedp.CSS("summary.sitemenu-toggle")))
		bWait(t, ctx, "the menu to open", `document.querySelector("details.sitemenu").open`, 5*time.Second)
		if st := bLoad(t, ctx, "following the menu's link to the runs", chromedp.Click(chromedp.CSS(`nav.orgnav a[href="/orgs/demo/runs"]`))); st != http.StatusOK {
			t.Errorf("%s: the runs page answers %d", lang, st)
		}
		if p := e.path(t, ctx); p != "/orgs/demo/runs" {
			t.Errorf("%s: the menu's link led to %s", lang, p)
		}
		if got := bEval[string](t, ctx, menuState); got != "false|true|0|true" {
			t.Errorf("%s, the runs page: menu open|toggle|sections|inside = %s (want closed)", lang, got)
		}
	}
	setViewport(t, ctx, tourViewports[0])
	e.setLang(t, ctx, "en")

	// Without JavaScript: the menu is a <details>, and opens all the same.
	nctx, cancel := chromedp.NewContext(e.tab)
	defer cancel()
	if err := chromedp.Do(nctx); err != nil {
		t.Fatal(err)
	}
	e.watch(t, nctx)
	nctx, cancelT := context.WithTimeout(nctx, e2eStepTimeout)
	defer cancelT()
	if _, err := chromedp.Call(nctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	setViewport(t, nctx, phoneViewport)
	e.open(t, nctx, "/orgs/demo")
	if bEval[bool](t, nctx, `document.documentElement.classList.contains("js")`) {
		t.Fatal("scripts ran in the tab without JavaScript")
	}
	bDo(t, nctx, "opening the menu without JavaScript", chromedp.Click(chromedp.CSS("summary.sitemenu-toggle")))
	if got := bEval[string](t, nctx, menuState); !strings.HasPrefix(got, "true|true|") || strings.HasPrefix(got, "true|true|0|") {
		t.Fatalf("without JavaScript, the menu clicked: open|toggle|sections|inside = %s", got)
	}
	if st := bLoad(t, nctx, "following the menu's link to the models", chromedp.Click(chromedp.CSS(`nav.orgnav a[href="/orgs/demo/models"]`))); st != http.StatusOK {
		t.Errorf("without JavaScript: the models page answers %d", st)
	}
	if p := e.path(t, nctx); p != "/orgs/demo/models" {
		t.Errorf("without JavaScript, the menu's link led to %s", p)
	}
}

// layoutWidths are the window widths the wide tables are tried at.
var layoutWidths = []int64{390, 480, 600, 768, 900, 1024, 1280, 1440}

// wideTables: the run's table of scenarios is wider than a phone: it
// scrolls in its own box (a focusable, labelled region with a shadow
// cue), not the page; and at every width from 390 to 1440 px neither the
// run's page nor the dashboard scroll sideways, in English and French.
func (e *e2e) wideTables(t *testing.T, ctx context.Context) {
	defer chromedp.Run(context.WithoutCancel(ctx), chromedp.ResetViewport())
	for _, lang := range []string{"en", "fr"} {
		e.open(t, ctx, e.runPath)
		if e.lang != lang {
			e.setLang(t, ctx, lang)
		}
		setViewport(t, ctx, phoneViewport)
		e.open(t, ctx, e.runPath)
		box := `document.querySelector("table.scenarios").closest(".table-scroll")`
		got := bEval[[]string](t, ctx, `(() => { const b = `+box+`; if (!b) return ["no box"];
			const cs = getComputedStyle(b), label = b.getAttribute("aria-label") ||
				(document.getElementById(b.getAttribute("aria-labelledby") || "") || {}).textContent || "";
			return [String(b.scrollWidth > b.clientWidth + 20), cs.overflowX, b.getAttribute("tabindex"), b.getAttribute("role"), String(label.trim().length > 0),
				String(cs.backgroundImage.includes("radial-gradient")), String(b.getBoundingClientRect().right <= document.documentElement.clientWidth)]; })()`)
		if strings.Join(got, "|") != "true|auto|0|region|true|true|true" {
			t.Fatalf("%s: the scenarios' box: wider content|overflow-x|tabindex|role|label|shadow cue|inside the window = %q", lang, got)
		}
		checkNoOverflow(t, ctx, e.runPath+" ("+lang+", 390)")
		// Scrolling the box scrolls the table, not the page.
		moved := bEval[[]float64](t, ctx, `(() => { const b = `+box+`; b.scrollLeft = 150;
			return [b.scrollLeft, window.scrollX, document.documentElement.scrollWidth - document.documentElement.clientWidth]; })()`)
		if moved[0] <= 0 || moved[1] != 0 || moved[2] > 0 {
			t.Errorf("%s: scrolling the box: its scrollLeft %v, the page's scrollX %v, the page's excess width %v", lang, moved[0], moved[1], moved[2])
		}
		// The keyboard scrolls it too: it takes the focus.
		bEval[bool](t, ctx, box+`.scrollLeft = 0; `+box+`.focus(); true`)
		bDo(t, ctx, "pressing the right arrow", chromedp.KeyEvent(kb.ArrowRight))
		bWait(t, ctx, "the right arrow to scroll the box", box+`.scrollLeft > 0`, 5*time.Second)
		bEval[bool](t, ctx, box+`.scrollIntoView({block: "center"}); true`)
		e.viewShot(t, ctx, "wide-table-phone")
		for _, p := range []string{e.runPath, "/orgs/demo"} {
			e.open(t, ctx, p)
			for _, w := range layoutWidths {
				setViewport(t, ctx, tourViewport{name: fmt.Sprint(w), width: w, height: 900})
				// The charts follow the window on the next frame.
				waitNoOverflow(ctx)
				checkNoOverflow(t, ctx, fmt.Sprintf("%s (%s, %d px)", p, lang, w))
			}
		}
		setViewport(t, ctx, tourViewports[0])
	}
	e.setLang(t, ctx, "en")
}

// waitNoOverflow gives the page up to a second to fit the window.
func waitNoOverflow(ctx context.Context) {
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= document.documentElement.clientWidth`))
		if err != nil || ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// viewShot saves a screenshot of what the window shows (not the whole
// page) as NN-name-lang.png when screenshots are asked for.
func (e *e2e) viewShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if e.shots == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Errorf("screenshot of %s: %v", name, err)
		return
	}
	e.mu.Lock()
	e.shotN++
	file := filepath.Join(e.shots, fmt.Sprintf("%02d-%s-%s.png", e.shotN, name, e.lang))
	e.mu.Unlock()
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Error(err)
	}
}

// checkCompressed fails unless the page came gzipped (issue 12 item 10):
// its navigation entry has fewer bytes on the wire than decoded. Pages
// under the bound of compression are let be.
func checkCompressed(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	got := bEval[[]float64](t, ctx, `(() => { const n = performance.getEntriesByType("navigation")[0];
		return n ? [n.encodedBodySize, n.decodedBodySize] : [-1, -1]; })()`)
	if got[1] < 0 {
		t.Errorf("%s: no navigation timing", what)
		return
	}
	if got[1] >= minCompressSize && got[0] >= got[1] {
		t.Errorf("%s: %.0f bytes on the wire for %.0f decoded: not compressed", what, got[0], got[1])
	}
}

// checkTableRegions fails when a box that scrolls a table sideways
// (.table-scroll) is not a focusable, labelled region: the keyboard must
// reach it to scroll it, and a screen reader must name it.
func checkTableRegions(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	bad := bEval[[]string](t, ctx, `Array.from(document.querySelectorAll(".table-scroll")).filter(b => {
		const by = b.getAttribute("aria-labelledby"), label = b.getAttribute("aria-label") ||
			(by && document.getElementById(by) ? document.getElementById(by).textContent : "");
		return b.getAttribute("tabindex") !== "0" || b.getAttribute("role") !== "region" || !label.trim(); })
		.map(b => (b.querySelector("caption") || b).textContent.trim().slice(0, 60))`)
	if len(bad) > 0 {
		t.Errorf("%s: %d table boxes are not focusable, labelled regions: %q", what, len(bad), bad)
	}
}

package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/scrutin/scrutin/internal/i18n"
)

// Browser steps of issue 12 items 3 and 5: names shown with their ids,
// tree drawings fitted and zoomed, ATT&CK techniques folded by tactic.
// Each runs in English and French and leaves the language as it found it.

// inLangs runs fn in English and in French, then switches back.
func (e *e2e) inLangs(t *testing.T, ctx context.Context, at string, fn func(t *testing.T, lang string)) {
	t.Helper()
	was := e.lang
	for _, lang := range []string{"en", "fr"} {
		if e.lang != lang {
			e.open(t, ctx, at)
			e.setLang(t, ctx, lang)
		}
		fn(t, lang)
	}
	if e.lang != was {
		e.open(t, ctx, at)
		e.setLang(t, ctx, was)
	}
}

// treeView is what a tree drawing shows, measured in the page.
type treeView struct {
	Fit      string    // data-fit: whole, width or read
	Status   string    // the status line
	Scale    float64   // the drawing's scale, measured
	MinText  float64   // the smallest node text, in CSS pixels
	Overflow []float64 // box: scrollWidth-clientWidth, scrollHeight-clientHeight
	ScrollL  float64
	Legend   []string // the legend's words
	Drawn    []string // the kinds of node and edge drawn, as legend keys
	Gates    []string // the gate labels drawn
}

// treeViewJS measures the drawing in .tree-scroll: the scale from the
// SVG's size on screen, the smallest node text at that scale, the legend
// (the texts of the first group) and what the drawing has, read from
// the shapes themselves (fills, strokes, dashes) as adtree draws them.
const treeViewJS = `(() => {
	const box = document.querySelector(".tree-scroll"), svg = box.querySelector("svg");
	const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
	const groups = svg.querySelectorAll(":scope > g");
	const legend = Array.from(groups[0].querySelectorAll("text")).map(t => t.textContent).filter(s => s !== "1");
	const nodes = groups[groups.length - 1], edges = groups[1];
	let min = Infinity;
	nodes.querySelectorAll(":scope > g > text").forEach(t => { min = Math.min(min, parseFloat(t.getAttribute("font-size")) * scale); });
	const drawn = new Set();
	nodes.querySelectorAll(":scope > g > rect").forEach(r => {
		const dash = r.getAttribute("stroke-dasharray"), hi = r.getAttribute("stroke") === "#e07000";
		if (hi) drawn.add("highlight");
		else if (dash) drawn.add("off");
		else drawn.add(r.getAttribute("rx") === "2" ? "defence" : "attack");
	});
	edges.querySelectorAll("path").forEach(p => { if (p.getAttribute("stroke-dasharray")) drawn.add("counter"); });
	if (edges.querySelector("circle")) drawn.add("sequence");
	const gates = Array.from(nodes.querySelectorAll(":scope > g > text[font-weight=bold]")).map(t => t.textContent);
	return {Fit: box.getAttribute("data-fit") || "", Status: document.getElementById("tree-status").textContent, Scale: scale, MinText: min,
		Overflow: [box.scrollWidth - box.clientWidth, box.scrollHeight - box.clientHeight], ScrollL: box.scrollLeft,
		Legend: legend, Drawn: Array.from(drawn).sort(), Gates: Array.from(new Set(gates)).sort()};
})()`

// legendKeys are the legend's words in a language, by what they stand for.
func legendKeys(p *i18n.Printer) map[string]string {
	return map[string]string{
		p.T("draw.attack"): "attack", p.T("draw.defence"): "defence", p.T("tree.cheapest.label"): "highlight",
		p.T("draw.defenceoff"): "off", p.T("draw.countermeasure"): "counter", p.T("draw.sequence"): "sequence",
	}
}

// treesZoom opens every tree of the demo model and a small one: each
// opens fitted (whole when its text can be 12 px, else by width or at
// reading size on its goal, saying so), its node text at 12 px or more;
// its legend names exactly what is drawn; its gates are in the page's
// language; +, -, 0, the arrows, the wheel, a drag and the buttons zoom
// and pan it.
func (e *e2e) treesZoom(t *testing.T, ctx context.Context) {
	small := strings.Replace(exampleModel(t, "minimal.yaml"), "\nscenarios:", `
trees:
  - id: leak-small
    name: Leak the mailboxes
    root:
      id: leak-small
      name: Leak the mailboxes
      gate: or
      children:
        - id: phish-small
          name: Phish a staff member
          cost: 1000
          probability: 0.3
        - id: buy-small
          name: Buy a password from a broker
          cost: 5000
          probability: 0.2
scenarios:`, 1)
	var saved savedModel
	e.admin.want(http.StatusCreated, "POST", "/api/v1/orgs/demo/models", map[string]string{"name": "small tree", "yaml": small}).decode(&saved)
	smallTree := fmt.Sprintf("/orgs/demo/models/%d/trees/leak-small", saved.ID)
	treesPath := fmt.Sprintf("/orgs/demo/models/%d/trees", e.model)
	e.inLangs(t, ctx, treesPath, func(t *testing.T, lang string) {
		p := i18n.New(i18n.Lang(lang))
		keys := legendKeys(p)
		e.open(t, ctx, treesPath)
		links := bEval[[]string](t, ctx, fmt.Sprintf(`Array.from(new Set(Array.from(document.querySelectorAll("main a[href]")).map(a => a.getAttribute("href")).filter(h => h.startsWith(%q)))).sort()`, treesPath+"/"))
		if len(links) < 2 {
			t.Fatalf("%s: %d trees listed", treesPath, len(links))
		}
		modes := map[string]int{}
		for _, l := range append(links, smallTree) {
			e.open(t, ctx, l)
			v := bEval[treeView](t, ctx, treeViewJS)
			modes[v.Fit]++
			if want := p.T("tree.fit." + v.Fit); v.Fit == "" || v.Status != want {
				t.Errorf("%s %s: fitted %q, status %q, want %q", lang, l, v.Fit, v.Status, want)
			}
			if v.MinText < 12-0.01 {
				t.Errorf("%s %s: the smallest node text is %.1f px at the fitted scale (%.3f), want 12 px at least", lang, l, v.MinText, v.Scale)
			}
			switch v.Fit {
			case "whole":
				if v.Overflow[0] > 1 || v.Overflow[1] > 1 {
					t.Errorf("%s %s: fitted whole, yet it overflows its box by %v", lang, l, v.Overflow)
				}
			case "width":
				if v.Overflow[0] > 1 {
					t.Errorf("%s %s: fitted to the width, yet %.0f px wider than its box", lang, l, v.Overflow[0])
				}
			}
			// The legend: exactly what is drawn.
			var legend []string
			for _, w := range v.Legend {
				k, ok := keys[w]
				if !ok {
					t.Errorf("%s %s: the legend has %q, which is not a word of the %s legend", lang, l, w, lang)
				}
				legend = append(legend, k)
			}
			if got, want := strings.Join(sortedCopy(legend), ","), strings.Join(v.Drawn, ","); got != want {
				t.Errorf("%s %s: the legend shows %s, the drawing has %s", lang, l, got, want)
			}
			// The gates, in the page's language.
			allowed := map[string]bool{p.T("draw.gate.and"): true, p.T("draw.gate.or"): true, p.T("draw.gate.sand"): true}
			for _, g := range v.Gates {
				if !allowed[g] {
					t.Errorf("%s %s: gate %q drawn, not a %s gate word", lang, l, g, lang)
				}
			}
			if l == smallTree {
				if v.Fit != "whole" {
					t.Errorf("%s: the small tree opens %q, want whole", lang, v.Fit)
				}
				if strings.Contains(strings.Join(v.Drawn, ","), "defence") {
					t.Errorf("%s: the small tree has no defence, yet %v", lang, v.Drawn)
				}
			}
		}
		if modes["read"]+modes["width"] == 0 {
			t.Errorf("%s: no tree of the demo is too large to fit whole: the reading-size case is not tested (%v)", lang, modes)
		}
		e.shot(t, ctx, "tree-small")
		// Zoom and pan on the largest tree: with the keyboard...
		e.open(t, ctx, links[0])
		scale := func() float64 { return bEval[treeView](t, ctx, treeViewJS).Scale }
		fitted := scale()
		bDo(t, ctx, "focusing the drawing", chromedp.Focus(chromedp.CSS("#tree-drawing")))
		if !bEval[bool](t, ctx, `document.activeElement.id === "tree-drawing"`) {
			t.Fatalf("%s: the drawing takes no focus", lang)
		}
		desc := bEval[string](t, ctx, `document.getElementById(document.getElementById("tree-drawing").getAttribute("aria-describedby")).textContent`)
		if !strings.Contains(desc, p.T("tree.view.keys")) {
			t.Errorf("%s: the drawing's description %q does not give the keys", lang, desc)
		}
		bDo(t, ctx, "zooming in with +", chromedp.KeyEvent("+"))
		in := scale()
		if in <= fitted*1.1 {
			t.Errorf("%s: + zooms from %.3f to %.3f", lang, fitted, in)
		}
		bDo(t, ctx, "zooming out with -", chromedp.KeyEvent("-"), chromedp.KeyEvent("-"))
		if out := scale(); out >= in/1.4 {
			t.Errorf("%s: - - zooms from %.3f to %.3f", lang, in, out)
		}
		bDo(t, ctx, "fitting with 0", chromedp.KeyEvent("0"))
		if s := scale(); s < fitted-0.001 || s > fitted+0.001 {
			t.Errorf("%s: 0 fits at %.3f, it opened at %.3f", lang, s, fitted)
		}
		left := bEval[treeView](t, ctx, treeViewJS).ScrollL
		bDo(t, ctx, "panning with the arrow keys", chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight))
		if l := bEval[treeView](t, ctx, treeViewJS).ScrollL; l <= left {
			t.Errorf("%s: the right arrow pans from %.0f to %.0f", lang, left, l)
		}
		// ... with the mouse: the wheel zooms, a drag pans ...
		r := bEval[[]float64](t, ctx, `(() => { const r = document.getElementById("tree-drawing").getBoundingClientRect(); window.scrollTo(0, scrollY + r.top - 80); const q = document.getElementById("tree-drawing").getBoundingClientRect(); return [q.left + q.width / 2, q.top + Math.min(q.height, 400) / 2]; })()`)
		before := scale()
		bDo(t, ctx, "turning the wheel", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseWheel, r[0], r[1], func(p *input.DispatchMouseEventParams) { p.DeltaX, p.DeltaY = 0.01, -300 }))
		bWait(t, ctx, "the wheel to zoom", fmt.Sprintf(`document.querySelector("#tree-drawing svg").getBoundingClientRect().width / document.querySelector("#tree-drawing svg").viewBox.baseVal.width > %f`, before*1.2), 5*time.Second)
		left = bEval[treeView](t, ctx, treeViewJS).ScrollL
		bDo(t, ctx, "dragging the drawing",
			chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, r[0], r[1], chromedp.ButtonLeft),
			chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, r[0]-60, r[1], chromedp.ButtonLeft),
			chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, r[0]-150, r[1], chromedp.ButtonLeft),
			chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, r[0]-150, r[1], chromedp.ButtonLeft))
		if l := bEval[treeView](t, ctx, treeViewJS).ScrollL; l < left+100 {
			t.Errorf("%s: a drag of 150 px to the left pans from %.0f to %.0f", lang, left, l)
		}
		// ... and with the buttons.
		bDo(t, ctx, "the fit button", chromedp.Click(chromedp.CSS(`[aria-controls="tree-drawing"] [data-zoom="fit"]`)))
		if s := scale(); s < fitted-0.001 || s > fitted+0.001 {
			t.Errorf("%s: the fit button fits at %.3f, it opened at %.3f", lang, s, fitted)
		}
		bDo(t, ctx, "the zoom-out button", chromedp.Click(chromedp.CSS(`[aria-controls="tree-drawing"] [data-zoom="out"]`)))
		if s := scale(); s >= fitted {
			t.Errorf("%s: the zoom-out button leaves the scale at %.3f", lang, s)
		}
		e.shot(t, ctx, "tree-zoomed")
	})
}

// attackSections: the ATT&CK page lists tactics in closed sections, so
// that it is short (under 2,500 px at 1,280 px wide); a click opens one,
// showing its techniques.
func (e *e2e) attackSections(t *testing.T, ctx context.Context) {
	path := fmt.Sprintf("/orgs/demo/models/%d/attack", e.model)
	e.inLangs(t, ctx, path, func(t *testing.T, lang string) {
		e.open(t, ctx, path)
		got := bEval[[]float64](t, ctx, `[document.querySelectorAll("details.tactic").length, document.querySelectorAll("details.tactic[open]").length, document.documentElement.scrollHeight, window.innerWidth]`)
		if got[0] < 5 || got[1] != 0 {
			t.Errorf("%s: %.0f tactic sections, %.0f open; want several, all closed", lang, got[0], got[1])
		}
		if got[3] != 1280 || got[2] >= 2500 {
			t.Errorf("%s: the page is %.0f px tall at %.0f px wide, want less than 2500 at 1280", lang, got[2], got[3])
		}
		first := bEval[string](t, ctx, `document.querySelector("details.tactic").id`)
		// (Chromium lays out a closed section's content but does not show
		// it: checkVisibility says whether it is seen.)
		shown := func() []float64 {
			return bEval[[]float64](t, ctx, fmt.Sprintf(`[document.querySelector("#%s .cov-cell").checkVisibility() ? 1 : 0, document.getElementById(%q).getBoundingClientRect().height, document.documentElement.scrollHeight]`, first, first))
		}
		closed := shown()
		if closed[0] != 0 || closed[1] > 80 {
			t.Errorf("%s: a closed tactic shows its techniques (visible %.0f, %.0f px tall)", lang, closed[0], closed[1])
		}
		bDo(t, ctx, "opening a tactic", chromedp.Click(chromedp.CSS("#"+first+" > summary")))
		if open := shown(); !bEval[bool](t, ctx, fmt.Sprintf(`document.getElementById(%q).open`, first)) || open[0] != 1 || open[1] < closed[1]+20 || open[2] <= got[2] {
			t.Errorf("%s: after a click the tactic's first technique is visible %.0f, the section %.0f px tall (closed %.0f), the page %.0f px", lang, open[0], open[1], closed[1], open[2])
		}
		summary := bText(t, ctx, "#"+first+" > summary")
		if word := map[string]string{"en": "technique", "fr": "technique"}[lang]; !strings.Contains(summary, word) || (lang == "fr" && !strings.Contains(summary, "couverte")) {
			t.Errorf("%s: the tactic's summary reads %q", lang, summary)
		}
		e.shot(t, ctx, "attack-open")
	})
}

// namesShown: the run page and the dashboard show scenarios by name, the
// id beside in smaller type; the EBIOS grid's chips link to the rows.
func (e *e2e) namesShown(t *testing.T, ctx context.Context) {
	e.inLangs(t, ctx, e.runPath, func(t *testing.T, lang string) {
		e.open(t, ctx, e.runPath)
		got := bEval[[]string](t, ctx, `(() => {
			const th = document.querySelector("tr[id^='s-'] > th");
			const name = th.querySelector(".named-name"), id = th.querySelector(".named-id");
			const size = el => parseFloat(getComputedStyle(el).fontSize);
			const chip = document.querySelector(".risk-grid .chips a");
			return [th.closest("tr").id.slice(2), name.textContent, name.title, id.textContent, String(size(id) < size(name)),
				chip ? chip.textContent : "", chip ? chip.getAttribute("href") : "", chip ? chip.title : ""]; })()`)
		id, name, title, small, smaller, chip, href, chipTitle := got[0], got[1], got[2], got[3], got[4], got[5], got[6], got[7]
		if name == "" || name == id || title != id || small != id || smaller != "true" {
			t.Errorf("%s: the first scenario row shows name %q (title %q), id %q (smaller: %s); its id is %q", lang, name, title, small, smaller, id)
		}
		if chip == "" || href != "#s-"+chipTitle || chip == chipTitle {
			t.Errorf("%s: a chip of the grid reads %q, links to %q, id %q: want the name, linking to the row", lang, chip, href, chipTitle)
		}
		e.shot(t, ctx, "run-names")
	})
}

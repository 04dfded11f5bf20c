package web

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/i18n"
)

// namedIDs are the ids of a list of named things.
func namedIDs(xs []namedID) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.ID
	}
	return out
}

// namedRE matches a thing shown by the "named" template: its name (in a
// link or not, with the id as its title), then its id in smaller type.
func namedRE(id, name string) *regexp.Regexp {
	n, i := regexp.QuoteMeta(html.EscapeString(name)), regexp.QuoteMeta(html.EscapeString(id))
	return regexp.MustCompile(`<(a href="[^"]*"|span class="named-name") title="` + i + `">` + n + `</(a|span)> <span class="named-id"><code>` + i + `</code></span>`)
}

// checkNamed fails unless body shows the thing id with its name, as the
// "named" template does, at least want times.
func checkNamed(t *testing.T, where, body, id, name string, want int) {
	t.Helper()
	if got := len(namedRE(id, name).FindAllStringIndex(body, -1)); got < want {
		t.Errorf("%s: %s is shown %d times by its name %q with its id in small type, want %d at least", where, id, got, name, want)
	}
}

// TestUINamed: the run page, the dashboard and the tree pages name
// scenarios, controls and trees, each with its id in smaller type (the
// "named" template), in English and French.
func TestUINamed(t *testing.T) {
	w := newUIWorld(t)
	m := electionModel(t)
	for _, lang := range []string{"en", "fr"} {
		admin := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, lang)
		p := i18n.New(i18n.Lang(lang))
		// The run page: every scenario in the table (its row) and in the
		// EBIOS grid (a chip linking to the row); the controls in force.
		run := admin.get(fmt.Sprintf("/orgs/demo/runs/%d", w.electionRun)).want(http.StatusOK)
		for _, sc := range m.Scenarios {
			checkNamed(t, "run "+lang, run.body, sc.ID, sc.Name, 2)
			run.contains(fmt.Sprintf(`<a href="#s-%s" title="%s">`, sc.ID, sc.ID))
		}
		for _, id := range m.Implemented() {
			checkNamed(t, "run "+lang, run.body, id, m.ControlByID(id).Name, 1)
		}
		run.lacks(`<th scope="row"><code>`) // no row headed by a bare id
		// The dashboard: the grid and the top scenarios link to the run.
		dash := admin.get("/orgs/demo?model=" + fmt.Sprint(w.election)).want(http.StatusOK)
		top := 0
		for _, sc := range m.Scenarios {
			if namedRE(sc.ID, sc.Name).MatchString(dash.body) {
				top++
			}
		}
		if top < 3 {
			t.Errorf("dashboard %s: %d scenarios shown by name with their id", lang, top)
		}
		// The trees: by name, with their ids; the defences' controls too.
		trees := admin.get(fmt.Sprintf("/orgs/demo/models/%d/trees", w.election)).want(http.StatusOK)
		for _, tr := range m.Trees {
			checkNamed(t, "trees "+lang, trees.body, tr.ID, tr.Name, 1)
		}
		tree := admin.get(fmt.Sprintf("/orgs/demo/models/%d/trees/%s", w.election, m.Trees[0].ID)).want(http.StatusOK)
		checkNamed(t, "tree "+lang, tree.body, m.Trees[1].ID, m.Trees[1].Name, 1)
		controls := 0
		for _, c := range m.Controls {
			if namedRE(c.ID, c.Name).MatchString(tree.body) {
				controls++
			}
		}
		if controls < 3 {
			t.Errorf("tree %s: %d controls shown by name with their id", lang, controls)
		}
		// Gate labels in the page's language, in the drawing.
		tree.contains(">"+p.T("draw.gate.sand")+"</text>", ">"+p.T("draw.gate.or")+"</text>")
		if lang == "fr" {
			tree.lacks(">SAND</text>", ">OR</text>", ">AND</text>")
		}
		// The zoom tools and the instructions, in the page's language.
		tree.contains(`aria-controls="tree-drawing"`, `data-fit-read="`)
		for _, k := range []string{"tree.view.keys", "tree.fit.read", "tree.fit.width", "tree.fit.whole", "tree.zoom.in", "tree.zoom.out"} {
			if !strings.Contains(html.UnescapeString(tree.body), p.T(k)) {
				t.Errorf("tree %s: no %q", lang, p.T(k))
			}
		}
		if strings.Contains(tree.body, "style=") {
			t.Errorf("tree %s: an inline style, which the Content-Security-Policy refuses", lang)
		}
	}
}

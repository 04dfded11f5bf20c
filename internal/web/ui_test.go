package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

// TestUI drives the pages of a real server (in-memory SQLite) as browsers
// without JavaScript would: forms, cookies and redirects.
func TestUI(t *testing.T) {
	w := newUIWorld(t)
	steps := []struct {
		name string
		fn   func(t *testing.T, w *uiWorld)
	}{
		{"SignedOut", testUISignedOut},
		{"SignIn", testUISignIn},
		{"Pages", testUIPages},
		{"NotFound", testUINotFound},
		{"Roles", testUIRoles},
		{"Editor", testUIEditor},
		{"Run", testUIRun},
		{"National", testUINational},
		{"Language", testUILanguage},
		{"Assets", testUIAssets},
		{"CrossOrigin", testUICrossOrigin},
		{"SignOut", testUISignOut},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) { s.fn(t, w) })
	}
}

func testUISignedOut(t *testing.T, w *uiWorld) {
	b := w.ts.browser(t, "")
	targets := map[string]string{"/": "/", "/orgs": "/orgs", "/orgs/party-a/models?x=1": "/orgs/party-a/models?x=1",
		"/orgs/no-such-org": "/orgs/no-such-org", "/signout": "/signout"}
	for path, next := range targets {
		r := b.get(path).want(http.StatusFound)
		want := "/signin?" + url.Values{"next": {next}}.Encode()
		if r.header.Get("Location") != want {
			t.Errorf("%s: Location %q, want %q", path, r.header.Get("Location"), want)
		}
	}
	// htmx is told to navigate, rather than swap the sign-in page in.
	r := b.do("GET", fmt.Sprintf("/orgs/party-a/runs/%d/progress", w.run), nil, http.Header{"Hx-Request": {"true"}})
	if !strings.HasPrefix(r.header.Get("HX-Redirect"), "/signin?next=") {
		t.Errorf("htmx without a session: %d, HX-Redirect %q", r.status, r.header.Get("HX-Redirect"))
	}
	p := b.get("/signin?next=/orgs/party-a").want(http.StatusOK).contains(`name="next" value="/orgs/party-a"`, "Sign in")
	checkHTML(t, "/signin", p.body, w.ts.srv.assets.byPath)
}

func testUISignIn(t *testing.T, w *uiWorld) {
	b := w.ts.browser(t, "")
	r := b.post("/signin", url.Values{"email": {"alice@example.org"}, "password": {"wrong-password"}, "next": {"/orgs/party-a"}}).want(http.StatusUnauthorized)
	r.contains("Wrong email address or password.", `value="alice@example.org"`, `value="/orgs/party-a"`, `role="alert"`)
	if r.header.Get("Set-Cookie") != "" {
		t.Errorf("a failed sign-in sets a cookie: %s", r.header.Get("Set-Cookie"))
	}
	checkHTML(t, "/signin (wrong password)", r.body, w.ts.srv.assets.byPath)
	r = b.post("/signin", url.Values{"email": {"Alice@Example.org"}, "password": {"alice-password"}, "next": {"/orgs/party-a/models"}}).want(http.StatusSeeOther)
	if r.header.Get("Location") != "/orgs/party-a/models" {
		t.Errorf("redirected to %q", r.header.Get("Location"))
	}
	ck, err := http.ParseSetCookie(r.header.Get("Set-Cookie"))
	if err != nil || ck.Name != sessionCookie || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Value == "" {
		t.Errorf("session cookie %+v, %v", ck, err)
	}
	b.get("/orgs/party-a/models").want(http.StatusOK).contains("minimal")
	// Signed in, the sign-in page goes on to next.
	if r := b.get("/signin?next=/orgs/party-a").want(http.StatusSeeOther); r.header.Get("Location") != "/orgs/party-a" {
		t.Errorf("signed in, /signin sends to %q", r.header.Get("Location"))
	}
	// next never leads to another site: where carol lands instead, her
	// only organisation's dashboard.
	for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "evil", ""} {
		r := w.ts.browser(t, "").post("/signin", url.Values{"email": {"carol@example.org"}, "password": {"carol-password"}, "next": {next}}).want(http.StatusSeeOther)
		if r.header.Get("Location") != "/orgs/party-a" {
			t.Errorf("next %q: redirected to %q", next, r.header.Get("Location"))
		}
	}
}

// uiPages are the pages of a member, with a French word each must show
// in French.
func uiPages(w *uiWorld) []struct{ who, path, fr string } {
	a := "/orgs/party-a"
	return []struct{ who, path, fr string }{
		{"alice", "/orgs", "Vos organisations"},
		{"alice", a, "Tableau de bord"},
		{"alice", fmt.Sprintf("%s?model=%d", a, w.minimal), "Cartographie des risques"},
		{"alice", a + "/models", "Modèles"},
		{"alice", a + "/models/new", "Nouveau modèle"},
		{"alice", fmt.Sprintf("%s/models/%d", a, w.minimal), "Enregistrer une nouvelle révision"},
		{"alice", fmt.Sprintf("%s/models/%d?rev=1", a, w.minimal), "Enregistrer une nouvelle révision"},
		{"alice", fmt.Sprintf("%s/models/%d/history", a, w.minimal), "Historique"},
		{"alice", fmt.Sprintf("%s/models/%d/diff?from=1&to=1", a, w.minimal), "identiques"},
		{"alice", fmt.Sprintf("%s/models/%d/run", a, w.minimal), "Lancer la simulation"},
		{"alice", a + "/runs", "Simulations"},
		{"alice", fmt.Sprintf("%s/runs/%d", a, w.run), "Perte annuelle attendue"},
		{"alice", a + "/audit", "Journal d'audit"},
		{"alice", a + "/members", "Partage avec des agences"},
		{"alice", "/signout", "Déconnexion"},
		{"alice", "/orgs/party-b", "Page introuvable"},
		{"eve", "/orgs/anssi/national", "Vue nationale"},
		{"eve", "/orgs/anssi", "Tableau de bord"},
		{"admin", "/orgs/demo", "Cartographie des risques"},
		{"admin", fmt.Sprintf("/orgs/demo/runs/%d", w.electionRun), "Scénarios"},
		{"admin", "/admin", "Créer une organisation"},
		{"admin", "/orgs/party-b/members", "Membres et partage"},
	}
}

func testUIPages(t *testing.T, w *uiWorld) {
	phrases := englishPhrases()
	for _, lang := range []string{"en", "fr"} {
		browsers := map[string]*browser{
			"alice": w.ts.signedIn(t, "alice@example.org", "alice-password", lang),
			"eve":   w.ts.signedIn(t, "eve@example.org", "eve-password", lang),
			"admin": w.ts.signedIn(t, DefaultAdminEmail, adminPassword, lang),
		}
		for _, pg := range uiPages(w) {
			t.Run(lang+pg.path, func(t *testing.T) {
				b := browsers[pg.who]
				b.t = t
				want := http.StatusOK
				if strings.HasSuffix(pg.path, "party-b") {
					want = http.StatusNotFound
				}
				r := b.get(pg.path).want(want)
				if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
					t.Errorf("Content-Type %q", ct)
				}
				if r.header.Get("Cache-Control") != "no-store" || !strings.Contains(r.header.Get("Content-Security-Policy"), "default-src 'self'") {
					t.Errorf("headers: Cache-Control %q, CSP %q", r.header.Get("Cache-Control"), r.header.Get("Content-Security-Policy"))
				}
				r.contains(`<html lang="` + lang + `">`)
				checkHTML(t, pg.path, r.body, w.ts.srv.assets.byPath)
				text := visibleText(r.body)
				if lang == "fr" {
					if !strings.Contains(text, pg.fr) {
						t.Errorf("no %q in the French page:\n%s", pg.fr, truncate(text, 3000))
					}
					for _, ph := range phrases {
						if strings.Contains(text, ph) {
							t.Errorf("English on the French page: %q", ph)
						}
					}
				}
			})
		}
	}
}

// requestID hides the request id of an error page.
var requestID = regexp.MustCompile(`<code>[0-9a-f]{16}</code>`)

func testUINotFound(t *testing.T, w *uiWorld) {
	bob := w.ts.signedIn(t, "bob@example.org", "bob-password", "")
	a := fmt.Sprintf("/orgs/party-a/models/%d", w.minimal)
	for _, p := range []string{"/orgs/party-a", "/orgs/party-a/models", a, a + "/history", a + "/diff", a + "/run",
		"/orgs/party-a/runs", fmt.Sprintf("/orgs/party-a/runs/%d", w.run), fmt.Sprintf("/orgs/party-a/runs/%d/progress", w.run),
		"/orgs/party-a/audit", "/orgs/party-a/national"} {
		got := bob.get(p).want(http.StatusNotFound)
		ghost := bob.get(strings.Replace(p, "party-a", "no-such-org", 1)).want(http.StatusNotFound)
		// The same page, but for the path it was asked for.
		same := strings.ReplaceAll(requestID.ReplaceAllString(ghost.body, ""), "no-such-org", "party-a")
		if requestID.ReplaceAllString(got.body, "") != same {
			t.Errorf("%s: not the page of an organisation that does not exist", p)
		}
		got.contains("Page not found").lacks("Party A", "minimal")
	}
	// party-a's ids through party-b, bob's own organisation.
	for _, p := range []string{fmt.Sprintf("/orgs/party-b/models/%d", w.minimal), fmt.Sprintf("/orgs/party-b/runs/%d", w.run),
		fmt.Sprintf("/orgs/party-b?model=%d", w.minimal), "/orgs/party-b/models/x", "/orgs/party-b/nowhere"} {
		bob.get(p).want(http.StatusNotFound)
	}
	for _, m := range []string{"POST", "PUT"} {
		r := bob.do(m, a, strings.NewReader("yaml=x&base_revision=1"), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
		if r.status != http.StatusNotFound && r.status != http.StatusMethodNotAllowed {
			t.Errorf("%s %s: %d", m, a, r.status)
		}
	}
	// A path no route serves is a page too; the API's stays JSON.
	bob.get("/nowhere").want(http.StatusNotFound).contains("Page not found")
	if r := bob.get("/api/v1/nowhere").want(http.StatusNotFound); !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Errorf("an unknown API route answers %s", r.header.Get("Content-Type"))
	}
	if r := bob.do("DELETE", "/orgs", nil, nil).want(http.StatusMethodNotAllowed); r.header.Get("Allow") != "GET" {
		t.Errorf("Allow %q", r.header.Get("Allow"))
	}
}

func testUIRoles(t *testing.T, w *uiWorld) {
	carol := w.ts.signedIn(t, "carol@example.org", "carol-password", "")
	m := fmt.Sprintf("/orgs/party-a/models/%d", w.minimal)
	carol.get("/orgs/party-a/audit").want(http.StatusForbidden).contains("Not allowed")
	carol.get(m + "/run").want(http.StatusForbidden)
	carol.get("/orgs/party-a/models/new").want(http.StatusForbidden)
	carol.post(m, url.Values{"yaml": {"x"}, "base_revision": {"1"}}).want(http.StatusForbidden)
	carol.post(m+"/runs", url.Values{}).want(http.StatusForbidden)
	r := carol.get(m).want(http.StatusOK).contains("readonly", "Your role lets you read this model").lacks("Save a new revision")
	checkHTML(t, "editor (viewer)", r.body, w.ts.srv.assets.byPath)
	carol.get("/orgs/party-a").want(http.StatusOK).lacks("/run\"", "Audit log")
	// The administrator reads the audit log of an organisation, not its data.
	admin := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, "")
	admin.get("/orgs/party-a/audit").want(http.StatusOK).contains("Model created", "alice@example.org", "dan@example.org")
	admin.get("/orgs/party-a").want(http.StatusNotFound)
	// The audit log and a model's history are paged (50 a page).
	var saved savedModel
	yaml := exampleModel(t, "minimal.yaml")
	w.dan.want(http.StatusCreated, "POST", "/api/v1/orgs/party-a/models", map[string]string{"name": "paging", "yaml": yaml}).decode(&saved)
	for rev := 1; rev <= 52; rev++ {
		w.dan.want(http.StatusOK, "PUT", fmt.Sprintf("/api/v1/orgs/party-a/models/%d", saved.ID),
			map[string]any{"yaml": yaml + fmt.Sprintf("# %d\n", rev), "message": fmt.Sprintf("save %d", rev), "base_revision": rev})
	}
	alice := w.ts.signedIn(t, "alice@example.org", "alice-password", "")
	next := regexp.MustCompile(`href="(\?cursor=\d+)" rel="next"`)
	for _, p := range []string{"/orgs/party-a/audit", fmt.Sprintf("/orgs/party-a/models/%d/history", saved.ID)} {
		first := alice.get(p).want(http.StatusOK)
		m := next.FindStringSubmatch(first.body)
		if m == nil {
			t.Errorf("%s: no link to the next page", p)
			continue
		}
		second := alice.get(p + m[1]).want(http.StatusOK)
		checkHTML(t, p+m[1], second.body, w.ts.srv.assets.byPath)
		if first.body == second.body {
			t.Errorf("%s: the second page is the first", p)
		}
	}
	alice.get(fmt.Sprintf("/orgs/party-a/models/%d/history", saved.ID)).contains("save 52", "save 3").lacks("save 2<")
}

// badLine is the line of the problem in badMinimal.
const badLine = 23

// badMinimal is the minimal example with a misspelt value on badLine,
// its only problem.
func badMinimal(t *testing.T) string {
	lines := strings.Split(exampleModel(t, "minimal.yaml"), "\n")
	if !strings.Contains(lines[badLine-1], "status: proposed") {
		t.Fatalf("line %d of minimal.yaml is %q", badLine, lines[badLine-1])
	}
	lines[badLine-1] = strings.Replace(lines[badLine-1], "proposed", "propsed", 1)
	bad := strings.Join(lines, "\n")
	_, err := model.Decode("bad", []byte(bad))
	var ve *model.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Line != badLine {
		t.Fatalf("the bad model's problems: %v", err)
	}
	return bad
}

func testUIEditor(t *testing.T, w *uiWorld) {
	dan := w.ts.signedIn(t, "dan@example.org", "dan-password", "")
	path := fmt.Sprintf("/orgs/party-a/models/%d", w.minimal)
	// An invalid model: not saved; the problem is listed, linking to its
	// line, and marked beside that line's number; the text is kept.
	bad := badMinimal(t)
	r := dan.post(path, url.Values{"yaml": {strings.ReplaceAll(bad, "\n", "\r\n")}, "message": {"typo"}, "base_revision": {"1"}}).want(http.StatusUnprocessableEntity)
	r.contains(fmt.Sprintf(`<a href="#L%d" data-line="%d">Line %d, column`, badLine, badLine, badLine), "status: propsed", "1 problem found")
	gutter := regexp.MustCompile(`<span id="L(\d+)" class="ln ln-bad"[^>]*>(\d+)</span>`).FindAllStringSubmatch(r.body, -1)
	if len(gutter) != 1 || gutter[0][1] != strconv.Itoa(badLine) || gutter[0][2] != strconv.Itoa(badLine) {
		t.Errorf("lines marked in the gutter: %v, want line %d", gutter, badLine)
	}
	checkHTML(t, "editor (invalid)", r.body, w.ts.srv.assets.byPath)
	// The values a field accepts are code to type, quoted, in every language.
	r.contains(`is not one of: "implemented", "proposed"`, `(did you mean "proposed"?)`)
	// In French, the server's validation message is French too.
	fr := w.ts.signedIn(t, "dan@example.org", "dan-password", "fr")
	r = fr.post(path, url.Values{"yaml": {bad}, "message": {"typo"}, "base_revision": {"1"}}).want(http.StatusUnprocessableEntity)
	r.contains("\"propsed\" ne fait pas partie de\u00a0: \"implemented\", \"proposed\"", "(vouliez-vous dire \"proposed\"\u00a0?)").lacks("is not one of", "did you mean")
	var m modelView
	w.dan.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/models/%d", w.minimal), nil).decode(&m)
	if m.Revision != 1 {
		t.Fatalf("the invalid model was saved as revision %d", m.Revision)
	}
	// A valid save (CR LF from the browser become LF).
	good := strings.Replace(exampleModel(t, "minimal.yaml"), "vulnerability: 0.3 ", "vulnerability: 0.25", 1)
	r = dan.post(path, url.Values{"yaml": {strings.ReplaceAll(good, "\n", "\r\n")}, "message": {"less vulnerable"}, "base_revision": {"1"}}).want(http.StatusSeeOther)
	if want := path + "?saved=2"; r.header.Get("Location") != want {
		t.Errorf("saved: Location %q, want %q", r.header.Get("Location"), want)
	}
	dan.get(path+"?saved=2").want(http.StatusOK).contains("Saved as revision 2.", "less vulnerable")
	w.dan.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/models/%d", w.minimal), nil).decode(&m)
	if m.Revision != 2 || m.YAML != good || m.Message != "less vulnerable" {
		t.Errorf("saved %d %q: %q", m.Revision, m.Message, m.YAML)
	}
	// A stale save: refused, with the text kept, a link to what changed,
	// and the form now based on the latest revision.
	mine := strings.Replace(exampleModel(t, "minimal.yaml"), "Staff mailboxes", "All mailboxes", 1)
	r = dan.post(path, url.Values{"yaml": {mine}, "message": {"stale"}, "base_revision": {"1"}}).want(http.StatusConflict)
	r.contains("Not saved: the model has changed.", "Someone saved revision 2", fmt.Sprintf(`href="%s/diff?from=1&to=2"`, path),
		"All mailboxes", `name="base_revision" value="2"`)
	checkHTML(t, "editor (conflict)", r.body, w.ts.srv.assets.byPath)
	// History and diff.
	dan.get(path+"/history").want(http.StatusOK).contains("less vulnerable", "first", "dan@example.org", path+"/diff?from=1&to=2")
	d := dan.get(path + "/diff?from=1&to=2").want(http.StatusOK)
	d.contains(`class="diff-del"`, `class="diff-add"`, "vulnerability: 0.3 ", "vulnerability: 0.25", "1 line added", "1 line removed")
	checkHTML(t, "diff", d.body, w.ts.srv.assets.byPath)
	dan.get(path + "/diff?from=x").want(http.StatusBadRequest)
	dan.get(path + "/diff?from=9").want(http.StatusNotFound)
	// A new model, and a duplicate name.
	r = dan.post("/orgs/party-a/models", url.Values{"name": {"second"}, "yaml": {good}, "message": {"new"}}).want(http.StatusSeeOther)
	if !regexp.MustCompile(`^/orgs/party-a/models/\d+\?saved=1$`).MatchString(r.header.Get("Location")) {
		t.Errorf("created: Location %q", r.header.Get("Location"))
	}
	dan.post("/orgs/party-a/models", url.Values{"name": {"second"}, "yaml": {good}}).want(http.StatusConflict).contains("already has a model named second")
	dan.post("/orgs/party-a/models", url.Values{"name": {"third"}, "yaml": {bad}}).want(http.StatusUnprocessableEntity).contains(fmt.Sprintf(`id="L%d" class="ln ln-bad"`, badLine))
	dan.post("/orgs/party-a/models", url.Values{"name": {" "}, "yaml": {good}}).want(http.StatusUnprocessableEntity).contains("Give the model a name.")
}

func testUIRun(t *testing.T, w *uiWorld) {
	dan := w.ts.signedIn(t, "dan@example.org", "dan-password", "")
	form := fmt.Sprintf("/orgs/party-a/models/%d/run", w.minimal)
	r := dan.get(form).want(http.StatusOK).contains(`name="control" value="security-keys"`, `value="100000"`)
	checkHTML(t, form, r.body, w.ts.srv.assets.byPath)
	runs := fmt.Sprintf("/orgs/party-a/models/%d/runs", w.minimal)
	dan.post(runs, url.Values{"trials": {"0"}}).want(http.StatusUnprocessableEntity).contains("whole number from 1 to")
	dan.post(runs, url.Values{"trials": {"100"}, "seed": {"-1"}}).want(http.StatusUnprocessableEntity).contains("The seed must be")
	r = dan.post(runs, url.Values{"trials": {"20000"}, "seed": {"7"}, "control": {"security-keys"}}).want(http.StatusSeeOther)
	loc := r.header.Get("Location")
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/orgs/party-a/runs/"), 10, 64)
	if err != nil {
		t.Fatalf("redirected to %q", loc)
	}
	var run runView
	w.dan.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/runs/%d", id), nil).decode(&run)
	if run.Trials != 20000 || run.Seed != 7 || strings.Join(run.Controls, ",") != "security-keys" {
		t.Errorf("queued %+v", run)
	}
	// While it runs: the progress, polled by htmx every second, and a
	// page that reloads itself without JavaScript.
	frag := dan.do("GET", loc+"/progress", nil, http.Header{"Hx-Request": {"true"}}).want(http.StatusOK)
	if !strings.Contains(frag.body, `hx-trigger="every 1s"`) || strings.Contains(frag.body, "<html") {
		t.Errorf("progress fragment:\n%s", frag.body)
	}
	deadline := time.Now().Add(60 * time.Second)
	for frag.header.Get("HX-Refresh") != "true" {
		if time.Now().After(deadline) {
			t.Fatalf("the run did not end: %s", frag.body)
		}
		if !strings.Contains(frag.body, "<progress") {
			t.Fatalf("no progress bar while the run is active:\n%s", frag.body)
		}
		time.Sleep(50 * time.Millisecond)
		frag = dan.do("GET", loc+"/progress", nil, http.Header{"Hx-Request": {"true"}}).want(http.StatusOK)
	}
	frag.contains("The run has ended.")
	p := dan.get(loc).want(http.StatusOK)
	checkNamed(t, loc, p.body, "security-keys", "Hardware security keys for all staff accounts", 1)
	p.contains("Risk is within tolerance",
		`id="s-hack-and-leak"`, `<script type="application/json" id="lec-data">`, "Loss exceedance curve of the portfolio").lacks("http-equiv=\"refresh\"")
	checkHTML(t, loc, p.body, w.ts.srv.assets.byPath)
	// A queued run reloads itself without JavaScript.
	w.ts.srv.jobs.stop() // nothing claims it now
	r = dan.post(runs, url.Values{"trials": {"1000"}}).want(http.StatusSeeOther)
	q := dan.get(r.header.Get("Location")).want(http.StatusOK)
	q.contains(`<noscript><meta http-equiv="refresh" content="2"></noscript>`, "Waiting for a worker", `value="0"`, "Cancel the run")
	checkHTML(t, "queued run", q.body, w.ts.srv.assets.byPath)
	dan.post(r.header.Get("Location")+"/cancel", url.Values{}).want(http.StatusSeeOther)
	dan.get(r.header.Get("Location")).want(http.StatusOK).contains("The run was canceled.")
}

func testUINational(t *testing.T, w *uiWorld) {
	eve := w.ts.signedIn(t, "eve@example.org", "eve-password", "")
	var run runView
	w.alice.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/runs/%d", w.latestSucceeded(t)), nil).decode(&run)
	var res sim.Result
	if err := json.Unmarshal(run.Result, &res); err != nil {
		t.Fatal(err)
	}
	p := i18n.New(i18n.English)
	r := eve.get("/orgs/anssi/national").want(http.StatusOK)
	r.contains("Party A", "minimal", p.Money(res.Portfolio.Mean, "EUR"), p.Money(res.Portfolio.Quantiles.P90, "EUR"), "Within tolerance")
	// Nothing but the portfolio's figures: no scenario, control, model
	// text or link into party-a.
	r.lacks("hack-and-leak", "security-keys", "Spear-phishing", "/orgs/party-a", "Party B")
	checkHTML(t, "national", r.body, w.ts.srv.assets.byPath)
	alice := w.ts.signedIn(t, "alice@example.org", "alice-password", "")
	alice.get("/orgs/party-a/national").want(http.StatusNotFound)
}

// latestSucceeded is party-a's latest succeeded run of minimal.
func (w *uiWorld) latestSucceeded(t *testing.T) int64 {
	var l list[runView]
	w.alice.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/runs?model=%d", w.minimal), nil).decode(&l)
	for _, r := range l.Items {
		if r.Status == "succeeded" {
			return r.ID
		}
	}
	t.Fatal("no succeeded run")
	return 0
}

func testUILanguage(t *testing.T, w *uiWorld) {
	// A visitor: the browser's language, then the one chosen (a cookie).
	b := w.ts.browser(t, "fr-FR,fr;q=0.9,en;q=0.5")
	b.get("/signin").want(http.StatusOK).contains(`<html lang="fr">`, "Connexion", "Mot de passe")
	r := b.post("/language", url.Values{"lang": {"en"}, "next": {"/signin?next=/orgs"}}).want(http.StatusSeeOther)
	if r.header.Get("Location") != "/signin?next=/orgs" {
		t.Errorf("back to %q", r.header.Get("Location"))
	}
	b.get("/signin").want(http.StatusOK).contains(`<html lang="en">`, "Password")
	b.post("/language", url.Values{"lang": {"xx"}}).want(http.StatusUnprocessableEntity)
	if r := b.post("/language", url.Values{"lang": {"fr"}, "next": {"https://evil.example/"}}); r.header.Get("Location") != "/orgs" {
		t.Errorf("language: redirected to %q", r.header.Get("Location"))
	}
	// A user: the preference is stored, and wins over the browser.
	alice := w.ts.signedIn(t, "alice@example.org", "alice-password", "en")
	alice.post("/language", url.Values{"lang": {"fr"}, "next": {"/orgs"}}).want(http.StatusSeeOther)
	fresh := w.ts.signedIn(t, "alice@example.org", "alice-password", "en-GB")
	fresh.get("/orgs/party-a").want(http.StatusOK).contains(`<html lang="fr">`, "Tableau de bord")
	u, err := w.ts.db.UserByEmail(context.Background(), "alice@example.org")
	if err != nil || u.Language != "fr" {
		t.Errorf("alice's language %q, %v", u.Language, err)
	}
	alice.post("/language", url.Values{"lang": {"en"}, "next": {"/orgs"}}).want(http.StatusSeeOther)
	// Numbers follow the language.
	fr := w.ts.signedIn(t, "eve@example.org", "eve-password", "fr")
	// Money: the euro's sign after the amount in French, the code in
	// English (which the API and the CLI share).
	fr.get("/orgs/anssi/national").want(http.StatusOK).contains("\u00a0€").lacks("\u00a0EUR")
	en := w.ts.signedIn(t, "eve@example.org", "eve-password", "en")
	en.get("/orgs/anssi/national").want(http.StatusOK).contains("\u00a0EUR").lacks("€")
}

func testUIAssets(t *testing.T, w *uiWorld) {
	b := w.ts.browser(t, "")
	types := map[string]string{"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
		"vendor/htmx.min.js": "text/javascript; charset=utf-8", "vendor/echarts.common.min.js": "text/javascript; charset=utf-8"}
	for name, ctype := range types {
		f := w.ts.srv.assets.byName[name]
		r := b.get(f.url).want(http.StatusOK)
		if r.header.Get("Content-Type") != ctype || r.header.Get("Cache-Control") != "public, max-age=31536000, immutable" || r.header.Get("ETag") == "" {
			t.Errorf("%s: %v", f.url, r.header)
		}
		if r.body != string(f.body) {
			t.Errorf("%s: not the embedded file", f.url)
		}
		b.do("GET", f.url, nil, http.Header{"If-None-Match": {r.header.Get("ETag")}}).want(http.StatusNotModified)
		z := b.do("GET", f.url, nil, http.Header{"Accept-Encoding": {"gzip"}}).want(http.StatusOK)
		if z.header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: not compressed", f.url)
		} else if zr, err := gzip.NewReader(strings.NewReader(z.body)); err != nil {
			t.Error(err)
		} else if body, _ := io.ReadAll(zr); !bytes.Equal(body, f.body) {
			t.Errorf("%s: the compressed body differs", f.url)
		}
		p := b.get(assetsPrefix + name).want(http.StatusOK)
		if p.header.Get("Cache-Control") != "public, no-cache" {
			t.Errorf("%s: Cache-Control %q", name, p.header.Get("Cache-Control"))
		}
		if !strings.Contains(p.header.Get("Content-Security-Policy"), "default-src 'self'") || p.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: security headers %v", name, p.header)
		}
	}
	b.get("/assets/nothing.js").want(http.StatusNotFound)
	b.get("/assets/vendor/README.md").want(http.StatusNotFound)
	b.do("POST", w.ts.srv.assets.byName["app.js"].url, nil, nil).want(http.StatusMethodNotAllowed)
}

func testUICrossOrigin(t *testing.T, w *uiWorld) {
	b := w.ts.browser(t, "")
	r := b.do("POST", "/signin", strings.NewReader("email=alice%40example.org&password=alice-password"), http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"}, "Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}})
	r.want(http.StatusForbidden).contains("Not allowed")
	if r.header.Get("Set-Cookie") != "" || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("cross-origin sign-in: %v", r.header)
	}
	alice := w.ts.signedIn(t, "alice@example.org", "alice-password", "")
	alice.do("POST", "/language", strings.NewReader("lang=fr"), http.Header{"Content-Type": {"application/x-www-form-urlencoded"},
		"Sec-Fetch-Site": {"cross-site"}}).want(http.StatusForbidden)
}

func testUISignOut(t *testing.T, w *uiWorld) {
	b := w.ts.signedIn(t, "carol@example.org", "carol-password", "")
	b.get("/signout").want(http.StatusOK).contains("carol@example.org")
	r := b.post("/signout", url.Values{}).want(http.StatusSeeOther)
	if r.header.Get("Location") != "/signin" {
		t.Errorf("signed out to %q", r.header.Get("Location"))
	}
	if ck, err := http.ParseSetCookie(r.header.Get("Set-Cookie")); err != nil || ck.MaxAge >= 0 {
		t.Errorf("the cookie is not removed: %v %v", ck, err)
	}
	b.get("/orgs").want(http.StatusFound)
}

func TestSafeNext(t *testing.T) {
	cases := map[string]string{
		"/orgs/demo?model=1": "/orgs/demo?model=1", "/": "/", "": "/orgs", "orgs": "/orgs", "//evil.example": "/orgs",
		"/\\evil.example": "/orgs", "https://evil.example/": "/orgs", "javascript:alert(1)": "/orgs", "/a\r\nLocation: x": "/orgs",
		"/%2F%2Fevil.example": "/orgs",
	}
	for next, want := range cases {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

func TestParseDiff(t *testing.T) {
	rows, added, removed := parseDiff("--- a\n+++ b\n@@ -2,3 +2,3 @@\n same\n-old\n+new\n end\n\\ No newline at end of file\n")
	want := []diffRow{{Kind: "hunk", Text: "@@ -2,3 +2,3 @@"}, {"same", 2, 2, "same"}, {"del", 3, 0, "old"}, {"add", 0, 3, "new"},
		{"same", 4, 4, "end"}, {"note", 0, 0, " No newline at end of file"}}
	if fmt.Sprint(rows) != fmt.Sprint(want) || added != 1 || removed != 1 {
		t.Errorf("got %v (+%d −%d), want %v", rows, added, removed, want)
	}
}

// TestRiskGrid holds the grid to its documented rules.
func TestRiskGrid(t *testing.T) {
	res := &sim.Result{Portfolio: sim.Portfolio{Quantiles: sim.Quantiles{P99: 5e6},
		Tolerance: &sim.Tolerance{Points: []sim.TolerancePoint{{Loss: 1e6}, {Loss: 1e7}}}}}
	rows := []scenarioRow{
		{ID: "a", PLoss: 0.01, Severity: 5e4},   // G1 (< 100k), V1 (< 5 %)
		{ID: "b", PLoss: 0.05, Severity: 1e5},   // G2 (100k–1M), V2 (5–20 %)
		{ID: "c", PLoss: 0.3, Severity: 2e6},    // G3 (1M–10M), V3 (20–50 %)
		{ID: "d", PLoss: 0.5, Severity: 1e7},    // G4 (≥ 10M), V4 (≥ 50 %)
		{ID: "e", PLoss: 0.999, Severity: 9e6},  // G3, V4
		{ID: "f", PLoss: 0, Severity: 0},        // never strikes: G1, V1
		{ID: "g", PLoss: 0.199, Severity: 99e3}, // G1, V2
	}
	g := newRiskGrid(res, rows)
	if !g.FromTolerance || g.Reference != 1e7 || g.GravityBounds != [3]float64{1e5, 1e6, 1e7} {
		t.Errorf("reference %v (tolerance %v), bounds %v", g.Reference, g.FromTolerance, g.GravityBounds)
	}
	want := map[string][2]int{"a": {1, 1}, "b": {2, 2}, "c": {3, 3}, "d": {4, 4}, "e": {3, 4}, "f": {1, 1}, "g": {1, 2}}
	for _, r := range rows {
		if got := [2]int{r.Gravity, r.Likelihood}; got != want[r.ID] {
			t.Errorf("%s: G%d V%d, want G%d V%d", r.ID, got[0], got[1], want[r.ID][0], want[r.ID][1])
		}
	}
	if len(g.Rows) != 4 || g.Rows[0].Gravity != 4 || g.Rows[3].Gravity != 1 || len(g.Rows[0].Cells) != 4 {
		t.Fatalf("grid shape: %+v", g.Rows)
	}
	if c := g.Rows[0].Cells[3]; c.Level != 4 || strings.Join(namedIDs(c.Scenarios), ",") != "d" {
		t.Errorf("G4 V4: %+v", c)
	}
	if c := g.Rows[3].Cells[0]; c.Level != 1 || strings.Join(namedIDs(c.Scenarios), ",") != "a,f" {
		t.Errorf("G1 V1: %+v", c)
	}
	levels := map[[2]int]int{{1, 1}: 1, {1, 2}: 1, {2, 2}: 2, {1, 4}: 2, {3, 3}: 3, {2, 4}: 3, {3, 4}: 4, {4, 4}: 4}
	for gv, level := range levels {
		if got := riskLevel(gv[0], gv[1]); got != level {
			t.Errorf("riskLevel(G%d, V%d) = %d, want %d", gv[0], gv[1], got, level)
		}
	}
	// Without a tolerance curve, R is the portfolio's P99.
	res.Portfolio.Tolerance = nil
	if g := newRiskGrid(res, nil); g.FromTolerance || g.Reference != 5e6 {
		t.Errorf("without tolerance: %v %v", g.Reference, g.FromTolerance)
	}
}

func TestSparkline(t *testing.T) {
	s := sparkline([]sim.Point{{Loss: 10, Probability: 1}, {Loss: 1000, Probability: 1e-4}}, 10, 1000)
	if s != "0.0,0.0 120.0,32.0" {
		t.Errorf("sparkline %q", s)
	}
	if sparkline(nil, 1, 10) != "" || math.IsNaN(pct(1, 0)) {
		t.Error("empty cases")
	}
}

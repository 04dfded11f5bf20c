package web

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/scrutin/scrutin/internal/report"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/sim"
)

// TestLanding: signing in with no page asked for lands on the dashboard
// of the user's organisation: the one they opened last, else their only
// one; the list of organisations only when they have several and none
// chosen. A page asked for (next) still wins.
func TestLanding(t *testing.T) {
	w := newUIWorld(t)
	signIn := func(b *browser, email, password string, next string) string {
		t.Helper()
		form := url.Values{"email": {email}, "password": {password}}
		if next != "" {
			form.Set("next", next)
		}
		return b.post("/signin", form).want(http.StatusSeeOther).header.Get("Location")
	}
	if to := signIn(w.ts.browser(t, "en"), "alice@example.org", "alice-password", ""); to != "/orgs/party-a" {
		t.Errorf("alice, a member of party-a only, lands on %s", to)
	}
	if to := signIn(w.ts.browser(t, "en"), DefaultAdminEmail, adminPassword, ""); to != "/orgs/demo" {
		t.Errorf("the administrator, a member of demo only, lands on %s", to)
	}
	if to := signIn(w.ts.browser(t, "en"), "alice@example.org", "alice-password", "/orgs/party-a/runs"); to != "/orgs/party-a/runs" {
		t.Errorf("with next: %s", to)
	}
	// The sign-in form without next carries none; with one, that one.
	if p := w.ts.browser(t, "en").get("/signin").want(http.StatusOK); !strings.Contains(p.body, `name="next" value=""`) {
		t.Errorf("the sign-in form without next: %s", truncate(p.body, 2000))
	}

	// Two organisations: the list, until one is opened.
	w.bob.want(http.StatusOK, "PUT", "/api/v1/orgs/party-b/members/alice@example.org", map[string]string{"role": "viewer"})
	b := w.ts.browser(t, "en")
	if to := signIn(b, "alice@example.org", "alice-password", ""); to != "/orgs" {
		t.Errorf("alice, in two organisations, none chosen, lands on %s", to)
	}
	b.get("/orgs/party-b").want(http.StatusOK)
	if to := signIn(b, "alice@example.org", "alice-password", ""); to != "/orgs/party-b" {
		t.Errorf("after opening party-b, alice lands on %s", to)
	}
	if p := b.get("/"); p.status != http.StatusFound || p.header.Get("Location") != "/orgs/party-b" {
		t.Errorf("/: %d to %s", p.status, p.header.Get("Location"))
	}
	if p := b.get("/signin"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/orgs/party-b" {
		t.Errorf("/signin, signed in: %d to %s", p.status, p.header.Get("Location"))
	}
	// A remembered organisation she is no longer a member of is forgotten.
	w.bob.want(http.StatusNoContent, "DELETE", "/api/v1/orgs/party-b/members/alice@example.org", nil)
	if p := b.get("/"); p.header.Get("Location") != "/orgs/party-a" {
		t.Errorf("/ after leaving party-b: %s", p.header.Get("Location"))
	}
	// A cookie naming an organisation she is not in counts for nothing.
	u, _ := url.Parse(w.ts.url)
	b.hc.Jar.SetCookies(u, []*http.Cookie{{Name: orgCookie, Value: "anssi", Path: "/"}})
	w.bob.want(http.StatusOK, "PUT", "/api/v1/orgs/party-b/members/alice@example.org", map[string]string{"role": "viewer"})
	if p := b.get("/"); p.header.Get("Location") != "/orgs" {
		t.Errorf("/ with another organisation's cookie: %s", p.header.Get("Location"))
	}
}

// headlineOf is the dashboard's headline: its state, answer and detail.
func headlineOf(t *testing.T, p *page) (state, answer, detail string) {
	t.Helper()
	var h struct{ state, answer, detail string }
	body := p.body
	i := strings.Index(body, `<section class="answer answer-`)
	if i < 0 {
		t.Fatalf("%s: no headline:\n%s", p.path, truncate(body, 3000))
	}
	body = body[i+len(`<section class="answer answer-`):]
	h.state = body[:strings.IndexByte(body, '"')]
	h.answer = between(body, `<strong class="answer-verdict">`, `</strong>`)
	h.detail = between(body, `<span class="answer-detail">`, `</span>`)
	return h.state, h.answer, h.detail
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return htmlText(s[:j])
	}
	return ""
}

// htmlText decodes the entities of a template's text.
func htmlText(s string) string {
	return strings.NewReplacer("&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`).Replace(s)
}

// runResultOf reads a succeeded run's result through the API.
func runResultOf(t *testing.T, c *client, org string, id int64) *sim.Result {
	t.Helper()
	var r runView
	c.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/%s/runs/%d", org, id), nil).decode(&r)
	var res sim.Result
	if err := json.Unmarshal(r.Result, &res); err != nil {
		t.Fatal(err)
	}
	return &res
}

// planOf queues a plan through the API and waits for it to succeed.
func planOf(t *testing.T, c *client, org string, model int64, body map[string]any) (int64, *plan.Result) {
	t.Helper()
	var p planView
	c.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/%s/models/%d/plans", org, model), body).decode(&p)
	return p.ID, planDone(t, c, org, p.ID)
}

// planDone waits for a plan to succeed and returns its result.
func planDone(t *testing.T, c *client, org string, id int64) *plan.Result {
	t.Helper()
	p := planView{ID: id}
	done := waitFor(t, c, fmt.Sprintf("/api/v1/orgs/%s/plans/%d", org, p.ID), 2*time.Minute, func(v planView) bool {
		return v.Status != "queued" && v.Status != "running"
	})
	if done.Status != "succeeded" {
		t.Fatalf("plan %d: %s %s", p.ID, done.Status, done.Error)
	}
	var res plan.Result
	if err := json.Unmarshal(done.Result, &res); err != nil {
		t.Fatal(err)
	}
	return &res
}

// TestHeadline: the dashboard opens with the answer to "is the risk
// significant?" for the run it shows, in English and French: the run's
// verdict, its bad year (P90) as the run page writes it, and the plan
// stored for the run (its cost, whether it brings the risk within
// tolerance), with links to the plan and the report; the cases without a
// plan, without a tolerance, within tolerance and without a run.
func TestHeadline(t *testing.T) {
	w := newUIWorld(t)
	en, fr := i18n.New(i18n.English), i18n.New(i18n.French)
	admin := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, "en")
	adminFR := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, "fr")
	res := runResultOf(t, w.admin, "demo", w.electionRun)
	if !res.Portfolio.Tolerance.Breached {
		t.Fatalf("the example's run is within tolerance: the test wants it beyond")
	}
	badEN, badFR := en.Money(res.Portfolio.Quantiles.P90, "EUR"), fr.Money(res.Portfolio.Quantiles.P90, "EUR")

	// No plan yet: the answer, the bad year, a plan form filled in with
	// the run's simulated years, the report.
	p := admin.get("/orgs/demo").want(http.StatusOK)
	state, answer, detail := headlineOf(t, p)
	// The example has harms and a calendar: a trial is an election, and
	// the breached harm dimensions follow the money (TestHarmOneTruth).
	// The first dimension the run breaches, in the model's order, is the
	// first the sentence names.
	first := ""
	for _, h := range exampleHarms(t) {
		if res.Portfolio.Harms[h.ID].Tolerance.Breached {
			first = report.Lower(h.Name)
			break
		}
	}
	if first == "" {
		t.Fatal("the example's run breaches no harm tolerance: the test wants one beyond")
	}
	harmsEN := "A bad election (1 in 10) costs " + badEN + ", above your tolerance; tolerance exceeded for " + first
	if state != "significant" || answer != "Yes: the risk is significant." || !strings.HasPrefix(detail, harmsEN) || !strings.HasSuffix(detail, ").") {
		t.Errorf("without a plan: %s %q %q", state, answer, detail)
	}
	p.contains(fmt.Sprintf(`href="/orgs/demo/models/%d/plan?seed=1&trials=%d"`, w.election, uiTrials),
		fmt.Sprintf(`href="/orgs/demo/runs/%d/report?format=html" id="answer-report"`, w.electionRun)).lacks(`id="answer-plan"`)
	_, answer, detail = headlineOf(t, adminFR.get("/orgs/demo").want(http.StatusOK))
	if answer != "Oui\u00a0: le risque est significatif." || !strings.HasPrefix(detail, "Une élection défavorable (1 sur 10) coûte "+badFR+", au-delà de votre tolérance\u00a0; tolérance dépassée pour "+first) {
		t.Errorf("French, without a plan: %q %q", answer, detail)
	}

	// A plan of the run queued (the workers held): the headline says it
	// is being computed, and polls it (or reloads, without JavaScript).
	w.ts.srv.jobs.stop()
	var queued planView
	w.admin.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/plans", w.election),
		map[string]any{"budget": 0, "trials": uiTrials, "seed": 1}).decode(&queued)
	none := queued.ID
	admin.get("/orgs/demo").want(http.StatusOK).contains(
		fmt.Sprintf(`href="/orgs/demo/plans/%d" id="answer-pending">The recommended plan is being computed…</a>`, none),
		fmt.Sprintf(`hx-get="/orgs/demo/plans/%d/progress"`, none), `<meta http-equiv="refresh" content="3">`).lacks(`id="answer-makeplan"`)
	if err := w.ts.srv.jobs.start(context.Background()); err != nil {
		t.Fatal(err)
	}

	// That plan, which buys nothing: still beyond tolerance.
	pl := planDone(t, w.admin, "demo", none)
	if !pl.Significance.Portfolio.SignificantAfter {
		t.Fatal("a plan that buys nothing brings the risk within tolerance")
	}
	p = admin.get("/orgs/demo").want(http.StatusOK)
	if _, _, detail = headlineOf(t, p); !strings.HasPrefix(detail, harmsEN) || !strings.Contains(detail, "). The recommended plan ("+en.Money(pl.Cost, "EUR")+" a year) does not bring every dimension within tolerance: still exceeded for money, "+first) {
		t.Errorf("with a plan that buys nothing: %q", detail)
	}
	p.contains(fmt.Sprintf(`href="/orgs/demo/plans/%d" id="answer-plan"`, none)).lacks(`id="answer-makeplan"`)

	// A plan with budget enough: within tolerance with it.
	id, pl := planOf(t, w.admin, "demo", w.election, map[string]any{"budget": 300000, "trials": uiTrials, "seed": 1})
	if pl.Significance.Portfolio.SignificantAfter {
		t.Fatalf("plan %d with 300,000 EUR a year leaves the risk beyond tolerance: pick a larger budget", id)
	}
	cost := pl.Cost
	p = admin.get("/orgs/demo").want(http.StatusOK)
	// The money within tolerance with it, but not every harm.
	if _, _, detail = headlineOf(t, p); !strings.HasPrefix(detail, harmsEN) || !strings.Contains(detail, "). The recommended plan ("+en.Money(cost, "EUR")+" a year) does not bring every dimension within tolerance: still exceeded for ") || strings.Contains(detail, "still exceeded for money") {
		t.Errorf("with a plan: %q", detail)
	}
	p.contains(fmt.Sprintf(`href="/orgs/demo/plans/%d" id="answer-plan"`, id))
	// The plan page and the report the headline links to are the plan's
	// and the run's, with the same figures.
	admin.get(fmt.Sprintf("/orgs/demo/plans/%d", id)).want(http.StatusOK).contains(en.Money(cost, "EUR"), badEN)
	admin.get(fmt.Sprintf("/orgs/demo/runs/%d", w.electionRun)).want(http.StatusOK).contains("<dd>" + badEN + "</dd>")
	_, _, detail = headlineOf(t, adminFR.get("/orgs/demo").want(http.StatusOK))
	if want := "Le plan recommandé (" + fr.Money(cost, "EUR") + " par an) ne ramène pas tout dans la tolérance\u00a0: tolérance encore dépassée pour "; !strings.Contains(detail, want) {
		t.Errorf("French, with a plan: %q, want %q", detail, want)
	}

	// Party B: a model never run; then one without tolerance, and one
	// within it.
	bob := w.ts.signedIn(t, "bob@example.org", "bob-password", "en")
	p = bob.get("/orgs/party-b").want(http.StatusOK)
	if state, answer, _ := headlineOf(t, p); state != "norun" || answer != "No answer yet: no model of this organisation has a finished run." {
		t.Errorf("no run: %s %q", state, answer)
	}
	p.contains(fmt.Sprintf(`href="/orgs/party-b/models/%d/run" id="answer-run"`, w.bMinimal))
	// A run under way: the headline says so and follows it.
	w.ts.srv.jobs.stop()
	var r runView
	w.bob.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/party-b/models/%d/runs", w.bMinimal), map[string]any{"trials": uiTrials}).decode(&r)
	bob.get("/orgs/party-b").want(http.StatusOK).contains("A run is under way: the answer comes when it ends.",
		fmt.Sprintf(`href="/orgs/party-b/runs/%d" id="answer-pending"`, r.ID), fmt.Sprintf(`hx-get="/orgs/party-b/runs/%d/progress"`, r.ID)).lacks(`id="answer-run"`)
	if err := w.ts.srv.jobs.start(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, w.bob, fmt.Sprintf("/api/v1/orgs/party-b/runs/%d", r.ID), time.Minute, func(v runView) bool { return v.Status == "succeeded" })
	minimal := exampleModel(t, "minimal.yaml")
	lax := strings.Replace(minimal, "probability: 0.05}", "probability: 0.99}", 1)
	noTolerance := strings.Replace(minimal, "tolerance:\n  - {loss: 1000000, probability: 0.05}", "", 1)
	if lax == minimal || noTolerance == minimal {
		t.Fatal("minimal.yaml's tolerance has changed: update the test")
	}
	ids := map[string]int64{}
	for _, c := range []struct {
		name, yaml, state, answer, detail string
	}{
		{"lax", lax, "within", "No: the risk is not significant.", "A bad year (1 in 10) costs %s, within your tolerance."},
		{"untolerant", noTolerance, "none", "No answer: the model sets no risk tolerance.", "A bad year (1 in 10) costs %s; add a tolerance curve to the model to know whether that is acceptable."},
	} {
		var saved savedModel
		w.bob.want(http.StatusCreated, "POST", "/api/v1/orgs/party-b/models", map[string]string{"name": c.name, "yaml": c.yaml}).decode(&saved)
		ids[c.name] = saved.ID
		run := w.runModel(t, w.bob, "party-b", saved.ID, map[string]any{"trials": uiTrials})
		res := runResultOf(t, w.bob, "party-b", run)
		state, answer, detail := headlineOf(t, bob.get("/orgs/party-b").want(http.StatusOK))
		if state != c.state || answer != c.answer || detail != fmt.Sprintf(c.detail, en.Money(res.Portfolio.Quantiles.P90, "EUR")) {
			t.Errorf("%s: %s %q %q", c.name, state, answer, detail)
		}
	}
	bobFR := w.ts.signedIn(t, "bob@example.org", "bob-password", "fr")
	if _, answer, _ := headlineOf(t, bobFR.get("/orgs/party-b").want(http.StatusOK)); answer != "Pas de réponse\u00a0: le modèle ne fixe pas de tolérance au risque." {
		t.Errorf("French, no tolerance: %q", answer)
	}
	if _, answer, _ := headlineOf(t, bobFR.get(fmt.Sprintf("/orgs/party-b?model=%d", ids["lax"])).want(http.StatusOK)); answer != "Non\u00a0: le risque n'est pas significatif." {
		t.Errorf("French, within: %q", answer)
	}
}

// TestDemoFirstStart: a first start with the demo's jobs queues a run
// and a plan of the built-in model that the workers execute, so the first
// dashboard answers with a plan; its texts are in the first start's
// language, with the French model for a French one.
func TestDemoFirstStart(t *testing.T) {
	for _, c := range []struct {
		lang                            i18n.Lang
		org, message, model, yes, admin string
	}{
		{i18n.English, "Demo campaign", "the built-in example model", "Presidential election", "Yes: the risk is significant.", "Site administrator"},
		{i18n.French, "Campagne de démonstration", "le modèle d'exemple intégré", "Élection présidentielle", "Oui\u00a0: le risque est significatif.", "Administrateur du site"},
	} {
		t.Run(string(c.lang), func(t *testing.T) {
			clk := &clock{}
			ts := startServerBoot(t, ":memory:", testConfig(clk), clk, BootstrapOptions{AdminPassword: adminPassword, Password: fastPasswords,
				DemoModel: examples.ElectionIn(string(c.lang)), Lang: c.lang, DemoJobs: true, DemoTrials: uiTrials})
			admin := ts.signIn(t, DefaultAdminEmail, adminPassword)
			var org orgView
			admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo", nil).decode(&org)
			if org.Name != c.org {
				t.Errorf("the demo organisation is %q", org.Name)
			}
			var me struct{ User struct{ Name string } }
			admin.want(http.StatusOK, "GET", "/api/v1/me", nil).decode(&me)
			if me.User.Name != c.admin {
				t.Errorf("the administrator is called %q, want %q", me.User.Name, c.admin)
			}
			var models list[map[string]any]
			admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/models", nil).decode(&models)
			if len(models.Items) != 1 || !strings.HasPrefix(models.Items[0]["name"].(string), c.model) {
				t.Fatalf("the demo's models: %v", models.Items)
			}
			var revs list[map[string]any]
			admin.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/demo/models/%v/revisions", models.Items[0]["id"]), nil).decode(&revs)
			if len(revs.Items) != 1 || revs.Items[0]["message"] != c.message {
				t.Errorf("the demo's revisions: %v", revs.Items)
			}
			var runs list[runView]
			admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/runs", nil).decode(&runs)
			var plans list[planView]
			admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/plans", nil).decode(&plans)
			if len(runs.Items) != 1 || len(plans.Items) != 1 {
				t.Fatalf("first start: %d runs and %d plans, want one of each", len(runs.Items), len(plans.Items))
			}
			run := waitFor(t, admin, fmt.Sprintf("/api/v1/orgs/demo/runs/%d", runs.Items[0].ID), time.Minute, func(v runView) bool { return v.Status == "succeeded" })
			pl := waitFor(t, admin, fmt.Sprintf("/api/v1/orgs/demo/plans/%d", plans.Items[0].ID), 2*time.Minute, func(v planView) bool { return v.Status == "succeeded" })
			if run.Trials != uiTrials || pl.Request.Trials != uiTrials || pl.Request.Seed != run.Seed {
				t.Errorf("the demo's run (%d years, seed %d) and plan (%+v) do not share their simulated years", run.Trials, run.Seed, pl.Request)
			}
			b := ts.signedIn(t, DefaultAdminEmail, adminPassword, string(c.lang))
			if to := b.get("/").header.Get("Location"); to != "/orgs/demo" {
				t.Errorf("the administrator lands on %s", to)
			}
			p := b.get("/orgs/demo").want(http.StatusOK)
			state, answer, _ := headlineOf(t, p)
			if state != "significant" || answer != c.yes {
				t.Errorf("the first dashboard: %s %q", state, answer)
			}
			p.contains(fmt.Sprintf(`href="/orgs/demo/plans/%d" id="answer-plan"`, pl.ID), fmt.Sprintf(`href="/orgs/demo/runs/%d/report?format=html" id="answer-report"`, run.ID))
			var audit list[map[string]any]
			admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/audit", nil).decode(&audit)
			actions := map[string]bool{}
			for _, e := range audit.Items {
				actions[e["action"].(string)] = true
			}
			if !actions["run.create"] || !actions["plan.create"] {
				t.Errorf("the demo's jobs are not in the audit log: %v", actions)
			}
		})
	}
}

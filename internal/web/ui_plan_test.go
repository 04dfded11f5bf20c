package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/store"
)

// TestUIPlansEvidence drives the pages of mitigation plans and evidence
// as browsers without JavaScript would.
func TestUIPlansEvidence(t *testing.T) {
	w := newUIWorld(t)
	var saved savedModel
	w.dan.want(http.StatusCreated, "POST", "/api/v1/orgs/party-a/models", map[string]string{"name": "calibration", "yaml": exampleModel(t, "calibration.yaml")}).decode(&saved)
	calib := saved.ID
	steps := []struct {
		name string
		fn   func(t *testing.T, w *uiWorld)
	}{
		{"Plan", testUIPlan},
		{"PlanRoles", testUIPlanRoles},
		{"Evidence", func(t *testing.T, w *uiWorld) { testUIEvidence(t, w, calib) }},
		{"Isolation", testUIPlanIsolation},
		{"QueuedPlan", testUIQueuedPlan}, // last: it stops the workers
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) { s.fn(t, w) })
	}
}

// planID is the id of the plan a form sent to.
func planID(t *testing.T, r *page) int64 {
	t.Helper()
	loc := r.header.Get("Location")
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/orgs/party-a/plans/"), 10, 64)
	if err != nil {
		t.Fatalf("redirected to %q", loc)
	}
	return id
}

func testUIPlan(t *testing.T, w *uiWorld) {
	dan := w.ts.signedIn(t, "dan@example.org", "dan-password", "")
	form := fmt.Sprintf("/orgs/party-a/models/%d/plan", w.minimal)
	r := dan.get(form).want(http.StatusOK).contains(`name="budget"`, `<option value="p90">`, `value="100000"`, "Hardware security keys for all staff accounts")
	checkHTML(t, form, r.body, w.ts.srv.assets.byPath)
	// The models list and the editor link to the form.
	dan.get("/orgs/party-a/models").want(http.StatusOK).contains(`href="` + form + `"`)
	dan.get(fmt.Sprintf("/orgs/party-a/models/%d", w.minimal)).want(http.StatusOK).contains(`href="`+form+`"`, `href="/orgs/party-a/plans"`, `href="/orgs/party-a/evidence"`)

	plans := fmt.Sprintf("/orgs/party-a/models/%d/plans", w.minimal)
	valid := url.Values{"budget": {"100000"}, "objective": {"p90"}, "horizon": {"3"}, "trials": {"3000"}, "seed": {"5"}}
	bad := func(k, v, msg string) {
		t.Helper()
		f := url.Values{}
		for key, vs := range valid {
			f[key] = vs
		}
		f.Set(k, v)
		r := dan.post(plans, f).want(http.StatusUnprocessableEntity).contains(msg, `role="alert"`)
		checkHTML(t, "plan form ("+k+")", r.body, w.ts.srv.assets.byPath)
	}
	bad("budget", "-1", "The budget must be an amount of 0 or more.")
	bad("budget", "lots", "The budget must be an amount of 0 or more.")
	bad("objective", "p50", "Choose an objective")
	bad("horizon", "0", "The horizon must be")
	bad("trials", "0", "whole number from 1 to")
	bad("seed", "x", "The seed must be")
	var before list[planView]
	w.dan.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/plans", nil).decode(&before)
	if len(before.Items) != 0 {
		t.Fatalf("refused forms queued plans: %+v", before.Items)
	}

	r = dan.post(plans, valid).want(http.StatusSeeOther)
	id := planID(t, r)
	loc := r.header.Get("Location")
	var pv planView
	w.dan.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/plans/%d", id), nil).decode(&pv)
	if pv.Request.Budget != 100000 || pv.Request.Objective != "p90" || pv.Request.Horizon != 3 || pv.Request.Trials != 3000 || pv.Request.Seed != 5 {
		t.Errorf("queued %+v", pv.Request)
	}
	// While it runs: the progress, polled by htmx; then the page reloads.
	frag := dan.do("GET", loc+"/progress", nil, http.Header{"Hx-Request": {"true"}}).want(http.StatusOK)
	if !strings.Contains(frag.body, `hx-trigger="every 1s"`) || strings.Contains(frag.body, "<html") {
		t.Errorf("progress fragment:\n%s", frag.body)
	}
	deadline := time.Now().Add(60 * time.Second)
	for frag.header.Get("HX-Refresh") != "true" {
		if time.Now().After(deadline) {
			t.Fatalf("the plan did not end: %s", frag.body)
		}
		if !strings.Contains(frag.body, "<progress") {
			t.Fatalf("no progress bar while the plan is active:\n%s", frag.body)
		}
		time.Sleep(50 * time.Millisecond)
		frag = dan.do("GET", loc+"/progress", nil, http.Header{"Hx-Request": {"true"}}).want(http.StatusOK)
	}
	frag.contains("The plan has ended.")
	w.dan.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/plans/%d", id), nil).decode(&pv)
	if pv.Status != store.RunSucceeded {
		t.Fatalf("plan %d: %s %s", id, pv.Status, pv.Error)
	}
	var res plan.Result
	if err := json.Unmarshal(pv.Result, &res); err != nil {
		t.Fatal(err)
	}
	en, fr := i18n.New(i18n.English), i18n.New(i18n.French)
	p := dan.get(loc).want(http.StatusOK)
	p.contains(`<script type="application/json" id="frontier-data">`, "Efficient frontier", "The portfolios of the efficient frontier, by cost",
		"Chosen portfolio", "Return on security investment", "Hardware security keys for all staff accounts",
		en.Money(res.Cost, "EUR"), en.Money(res.Reduction, "EUR"), en.Money(res.Baseline.P90, "EUR"), en.Money(res.Residual.P90, "EUR"), "The portfolio")
	// The scenarios a control acts on, by name.
	checkNamed(t, "plan", p.body, "hack-and-leak", "Spear-phishing of staff, mailbox theft and leak with forgeries", 1)
	p.lacks(`http-equiv="refresh"`, res.Verdict) // the verdict is the reader's language's, not the stored English
	if !regexp.MustCompile(`class="verdict verdict-(within|exceeds)">(Not significant|Significant)`).MatchString(p.body) {
		t.Errorf("no verdict in the page")
	}
	for _, f := range res.Frontier {
		p.contains(en.Money(f.Cost, "EUR"))
	}
	if res.ROSI != nil {
		p.contains(en.T("plan.rosi.value", en.Number(100**res.ROSI, 0)))
	}
	// The chart's data: every frontier portfolio, and the chosen one apart.
	m := regexp.MustCompile(`(?s)<script type="application/json" id="frontier-data">(.*?)</script>`).FindStringSubmatch(p.body)
	var c struct {
		Kind   string
		Series []struct {
			Role   string
			Points [][2]float64
		}
	}
	if m == nil || json.Unmarshal([]byte(m[1]), &c) != nil || c.Kind != "frontier" || len(c.Series) != 2 ||
		len(c.Series[0].Points) != len(res.Frontier) || c.Series[1].Role != "chosen" || len(c.Series[1].Points) != 1 {
		t.Errorf("frontier chart: %+v", c)
	}
	checkHTML(t, loc, p.body, w.ts.srv.assets.byPath)
	// Plan again: the form filled in as this plan was asked for.
	again := regexp.MustCompile(`href="([^"]+)" id="plan-again"`).FindStringSubmatch(p.body)
	if again == nil {
		t.Fatal("no plan-again link")
	}
	dan.get(html.UnescapeString(again[1])).want(http.StatusOK).contains(`<option value="p90" selected>`,
		`name="budget" type="number" min="0" step="any" required value="100000"`, `name="horizon" type="number" min="0.1" step="any" value="3"`,
		`value="3000"`, `name="seed"`, `value="5"`)
	// The list.
	l := dan.get("/orgs/party-a/plans").want(http.StatusOK).contains(fmt.Sprintf(`href="%s">#%d</a>`, loc, id), en.Money(100000, "EUR"), "Succeeded")
	checkHTML(t, "plans", l.body, w.ts.srv.assets.byPath)
	// In French: the same pages, in French only.
	phrases := englishPhrases()
	frb := w.ts.signedIn(t, "dan@example.org", "dan-password", "fr")
	for path, word := range map[string]string{loc: "Frontière efficiente", "/orgs/party-a/plans": "Plans de traitement du risque", form: "Lancer le plan"} {
		r := frb.get(path).want(http.StatusOK).contains(`<html lang="fr">`, word)
		checkHTML(t, "fr "+path, r.body, w.ts.srv.assets.byPath)
		text := visibleText(r.body)
		for _, ph := range phrases {
			if strings.Contains(text, ph) {
				t.Errorf("%s: English on the French page: %q", path, ph)
			}
		}
		if path == loc {
			r.contains(fr.Money(res.Cost, "EUR"), "Retour sur investissement de sécurité")
		}
	}
}

func testUIPlanRoles(t *testing.T, w *uiWorld) {
	carol := w.ts.signedIn(t, "carol@example.org", "carol-password", "")
	form := fmt.Sprintf("/orgs/party-a/models/%d/plan", w.minimal)
	carol.get(form).want(http.StatusForbidden).contains("Not allowed")
	carol.post(fmt.Sprintf("/orgs/party-a/models/%d/plans", w.minimal), url.Values{"budget": {"1000"}, "objective": {"mean"}}).want(http.StatusForbidden)
	// A viewer reads the plans, without the links to start one.
	carol.get("/orgs/party-a/plans").want(http.StatusOK)
	carol.get("/orgs/party-a/models").want(http.StatusOK).lacks(form)
	carol.get("/orgs/party-a/evidence").want(http.StatusOK).lacks(`enctype="multipart/form-data"`)
	var l list[planView]
	w.dan.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/plans", nil).decode(&l)
	if len(l.Items) != 1 {
		t.Errorf("%d plans, want the one dan started", len(l.Items))
	}
	if len(l.Items) > 0 {
		r := carol.get(fmt.Sprintf("/orgs/party-a/plans/%d", l.Items[0].ID)).want(http.StatusOK).lacks("Plan again")
		checkHTML(t, "plan (viewer)", r.body, w.ts.srv.assets.byPath)
	}
}

// upload sends the evidence form with a file, as a browser would
// (fields first, then the file).
func (b *browser) upload(path string, fields [][2]string, fileName string, content []byte) *page {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	fw, err := mw.CreateFormFile("file", fileName)
	if err != nil {
		b.t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	return b.do("POST", path, &body, http.Header{"Content-Type": {mw.FormDataContentType()}, "Origin": {b.base}, "Sec-Fetch-Site": {"same-origin"}})
}

// evidenceID is the id of the evidence an upload went to.
func evidenceID(t *testing.T, r *page) int64 {
	t.Helper()
	loc := r.header.Get("Location")
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/orgs/party-a/evidence/"), 10, 64)
	if err != nil {
		t.Fatalf("redirected to %q", loc)
	}
	return id
}

func testUIEvidence(t *testing.T, w *uiWorld, calib int64) {
	dan := w.ts.signedIn(t, "dan@example.org", "dan-password", "")
	r := dan.get("/orgs/party-a/evidence").want(http.StatusOK).contains(`enctype="multipart/form-data"`, `<option value="gophish">`, "No evidence yet.")
	checkHTML(t, "evidence", r.body, w.ts.srv.assets.byPath)
	authLog := readFile(t, "../../examples/evidence/auth.log")
	q1 := readFile(t, "../../examples/evidence/gophish-q1.csv")
	q2 := readFile(t, "../../examples/evidence/gophish-q2.csv")
	count := func() int {
		var l list[store.Evidence]
		w.dan.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/evidence", nil).decode(&l)
		return len(l.Items)
	}

	// Refused uploads say what and where, and store nothing.
	// A file the importer cannot read, which detection does not tell.
	notCSV := []byte("name;when\nQ3;2017-09-04\n")
	r = dan.upload("/orgs/party-a/evidence", [][2]string{{"kind", "gophish"}, {"name", ""}}, "q3.txt", notCSV).want(http.StatusUnprocessableEntity)
	r.contains("The upload was refused: nothing was stored.", "q3.txt cannot be read as the kind chosen:", `aria-invalid="true"`, `<option value="gophish" selected>`)
	checkHTML(t, "evidence (refused)", r.body, w.ts.srv.assets.byPath)
	// A file that plainly is another kind says which.
	dan.upload("/orgs/party-a/evidence", [][2]string{{"kind", "gophish"}}, "auth.log", authLog).want(http.StatusUnprocessableEntity).
		contains("This file looks like an sshd log, not GoPhish results: choose “Automatic” or the kind it is.")
	// In French, what the parser says is French too, nested parts included.
	danFR := w.ts.signedIn(t, "dan@example.org", "dan-password", "fr")
	danFR.upload("/orgs/party-a/evidence", [][2]string{{"kind", "gophish"}}, "q3.txt", notCSV).want(http.StatusUnprocessableEntity).
		contains("ce n'est pas un CSV de résultats GoPhish").lacks("not a GoPhish")
	danFR.upload("/orgs/party-a/evidence", [][2]string{{"kind", "gophish"}}, "auth.log", authLog).want(http.StatusUnprocessableEntity).
		contains("Ce fichier ressemble à un journal sshd, pas à des résultats GoPhish\u00a0: choisissez «\u00a0Automatique\u00a0» ou sa vraie nature.")
	badStatus := []byte("email,status,reported,send_date\nx@example.org,Clicked Linkk,false,2017-03-01T09:00:00Z\n")
	danFR.upload("/orgs/party-a/evidence", [][2]string{{"kind", "gophish"}}, "q3.csv", badStatus).want(http.StatusUnprocessableEntity).
		contains("ligne 2\u00a0: status\u00a0: \"Clicked Linkk\" n'est pas un statut de résultat GoPhish").lacks("is not a GoPhish")
	dan.upload("/orgs/party-a/evidence", [][2]string{{"kind", "sshd"}}, "", nil).want(http.StatusUnprocessableEntity).contains("Choose a file to upload.")
	dan.upload("/orgs/party-a/evidence", [][2]string{{"kind", "syslog"}}, "auth.log", authLog).want(http.StatusUnprocessableEntity).contains("Choose what the file is")
	dan.upload("/orgs/party-a/evidence", [][2]string{{"kind", "sshd"}, {"year", "0"}}, "auth.log", authLog).want(http.StatusUnprocessableEntity).contains("The year must be")
	big := bytes.Repeat(authLog, int(w.ts.srv.cfg.MaxUploadBytes)/len(authLog)+1)
	dan.upload("/orgs/party-a/evidence", [][2]string{{"kind", "sshd"}}, "big.log", big).want(http.StatusRequestEntityTooLarge).contains("larger than the limit")
	dan.post("/orgs/party-a/evidence", url.Values{"kind": {"sshd"}}).want(http.StatusBadRequest).contains("The form could not be read")
	if n := count(); n != 0 {
		t.Fatalf("refused uploads stored %d pieces of evidence", n)
	}

	// SSH logs: the counts over time, and the priors they move.
	r = dan.upload("/orgs/party-a/evidence", [][2]string{{"kind", "sshd"}, {"name", ""}, {"year", "2017"}}, "auth.log", authLog).want(http.StatusSeeOther)
	ssh := evidenceID(t, r)
	e, err := w.ts.db.Evidence(t.Context(), "party-a", ssh)
	if err != nil || e.Name != "auth" || e.FileName != "auth.log" || e.Format != "sshd" || e.Bytes != int64(len(authLog)) || e.Counts["lines"] == 0 {
		t.Fatalf("stored %+v, %v", e, err)
	}
	p := dan.get(r.header.Get("Location")).want(http.StatusOK)
	p.contains("Counts over time", `<script type="application/json" id="counts-data">`, "Events per day (UTC)", "2017-03-01",
		"Prior against posterior", fmt.Sprintf(`href="/orgs/party-a/models/%d">calibration</a>`, calib),
		"<code>ssh-intrusion</code> Password guessing against the mail server's SSH — frequency", "<code>ssh-attempts</code>",
		"<code>ssh-intrusion</code> Password guessing against the mail server's SSH — vulnerability", "<code>ssh-successes</code>",
		`id="belief-0"`, `id="belief-1"`, "Prior (the model's)", "Posterior", "<code>{lognormal90: [1000, 30000]}</code>", "brute-force")
	p.lacks("credential-phish") // phishing entries count from phishing results, not logs
	checkHTML(t, "evidence item (ssh)", p.body, w.ts.srv.assets.byPath)
	// The events' categories and outcomes in words, their codes (what a
	// model's match: names) beside them; in French too.
	p.contains(`Brute force <span class="sub"><code>brute-force</code></span>`, `Blocked <span class="sub"><code>blocked</code></span>`)
	danFR = w.ts.signedIn(t, "dan@example.org", "dan-password", "fr")
	danFR.get(r.header.Get("Location")).want(http.StatusOK).
		contains(`Force brute <span class="sub"><code>brute-force</code></span>`, `Bloqué <span class="sub"><code>blocked</code></span>`).
		lacks(`<th scope="row"><code>brute-force</code>`)
	var island struct {
		Kind       string
		Categories []string
		Series     []struct{ Points [][2]float64 }
	}
	m := regexp.MustCompile(`(?s)<script type="application/json" id="belief-0">(.*?)</script>`).FindStringSubmatch(p.body)
	if m == nil || json.Unmarshal([]byte(m[1]), &island) != nil || island.Kind != "interval" || len(island.Series) != 2 || len(island.Series[1].Points) != 3 {
		t.Errorf("belief chart: %+v", island)
	}

	// Phishing: the first campaign is not the one the model counts; the
	// second is.
	r = dan.upload("/orgs/party-a/evidence", [][2]string{{"kind", "gophish"}}, "gophish-q1.csv", q1).want(http.StatusSeeOther)
	p = dan.get(r.header.Get("Location")).want(http.StatusOK)
	p.contains("gophish-q1", "E-mails delivered", "This evidence does not inform this parameter:", `no phishing campaign "gophish-q2"`, "<code>phishing-after-training</code>")
	checkHTML(t, "evidence item (q1)", p.body, w.ts.srv.assets.byPath)
	r = dan.upload("/orgs/party-a/evidence", [][2]string{{"kind", "gophish"}}, "gophish-q2.csv", q2).want(http.StatusSeeOther)
	q2ID := evidenceID(t, r)
	p = dan.get(r.header.Get("Location")).want(http.StatusOK)
	p.contains("<code>credential-phish</code> Staff submit their mailbox password to a phishing page — vulnerability", "<code>{beta: [2, 5]}</code>", "attempts, of which", `id="belief-0"`).
		lacks("does not inform")
	checkHTML(t, "evidence item (q2)", p.body, w.ts.srv.assets.byPath)

	// The list: kind, file, size, who, counts.
	l := dan.get("/orgs/party-a/evidence").want(http.StatusOK)
	l.contains("<code>auth.log</code>", "<code>gophish-q1.csv</code>", "SSH logs (auth.log)", "dan@example.org", "Phishing simulation",
		fmt.Sprintf("events: %d · lines: %d", e.Counts["events"], e.Counts["lines"]), fmt.Sprintf(`href="/orgs/party-a/evidence/%d"`, ssh))
	checkHTML(t, "evidence list", l.body, w.ts.srv.assets.byPath)

	// French.
	phrases := englishPhrases()
	frb := w.ts.signedIn(t, "dan@example.org", "dan-password", "fr")
	for path, word := range map[string]string{"/orgs/party-a/evidence": "Déposer des éléments de preuve", fmt.Sprintf("/orgs/party-a/evidence/%d", ssh): "A priori et a posteriori",
		fmt.Sprintf("/orgs/party-a/evidence/%d", q2ID): "Identifiants saisis"} {
		r := frb.get(path).want(http.StatusOK).contains(`<html lang="fr">`, word)
		checkHTML(t, "fr "+path, r.body, w.ts.srv.assets.byPath)
		text := visibleText(r.body)
		for _, ph := range phrases {
			if strings.Contains(text, ph) {
				t.Errorf("%s: English on the French page: %q", path, ph)
			}
		}
	}
	frb.get(fmt.Sprintf("/orgs/party-a/evidence/%d", ssh)).contains("01/03/2017")

	// Deleting: owners only, once confirmed.
	del := fmt.Sprintf("/orgs/party-a/evidence/%d/delete", q2ID)
	dan.get(fmt.Sprintf("/orgs/party-a/evidence/%d", q2ID)).lacks(del)
	dan.post(del, url.Values{"confirm": {"yes"}}).want(http.StatusForbidden)
	alice := w.ts.signedIn(t, "alice@example.org", "alice-password", "")
	alice.get(fmt.Sprintf("/orgs/party-a/evidence/%d", q2ID)).want(http.StatusOK).contains(`action="` + del + `"`)
	r = alice.post(del, url.Values{}).want(http.StatusUnprocessableEntity).contains("Tick the box to confirm the deletion.")
	checkHTML(t, "evidence item (unconfirmed)", r.body, w.ts.srv.assets.byPath)
	r = alice.post(del, url.Values{"confirm": {"yes"}}).want(http.StatusSeeOther)
	alice.get(r.header.Get("Location")).want(http.StatusOK).contains("The evidence was deleted.").lacks("gophish-q2.csv")
	alice.get(fmt.Sprintf("/orgs/party-a/evidence/%d", q2ID)).want(http.StatusNotFound)
	if n := count(); n != 2 {
		t.Errorf("%d pieces of evidence after the deletion, want 2", n)
	}
}

func testUIPlanIsolation(t *testing.T, w *uiWorld) {
	var plans list[planView]
	w.dan.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/plans", nil).decode(&plans)
	var evs list[store.Evidence]
	w.dan.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/evidence", nil).decode(&evs)
	if len(plans.Items) == 0 || len(evs.Items) == 0 {
		t.Fatal("no plan or evidence to hide")
	}
	pl, ev := plans.Items[0].ID, evs.Items[0].ID
	bob := w.ts.signedIn(t, "bob@example.org", "bob-password", "")
	for _, p := range []string{"/orgs/party-a/plans", fmt.Sprintf("/orgs/party-a/plans/%d", pl), fmt.Sprintf("/orgs/party-a/plans/%d/progress", pl),
		fmt.Sprintf("/orgs/party-a/models/%d/plan", w.minimal), "/orgs/party-a/evidence", fmt.Sprintf("/orgs/party-a/evidence/%d", ev),
		fmt.Sprintf("/orgs/party-b/plans/%d", pl), fmt.Sprintf("/orgs/party-b/evidence/%d", ev), fmt.Sprintf("/orgs/party-b/models/%d/plan", w.minimal)} {
		bob.get(p).want(http.StatusNotFound).contains("Page not found").lacks("Party A", "auth.log")
	}
	bob.post(fmt.Sprintf("/orgs/party-b/evidence/%d/delete", ev), url.Values{"confirm": {"yes"}}).want(http.StatusNotFound)
	bob.post(fmt.Sprintf("/orgs/party-a/plans/%d/cancel", pl), url.Values{}).want(http.StatusNotFound)
	bob.upload("/orgs/party-a/evidence", [][2]string{{"kind", "sshd"}}, "auth.log", readFile(t, "../../examples/evidence/auth.log")).want(http.StatusNotFound)
	bob.post(fmt.Sprintf("/orgs/party-a/models/%d/plans", w.minimal), url.Values{"budget": {"1"}, "objective": {"mean"}}).want(http.StatusNotFound)
	// bob's own pages show nothing of party-a's.
	bob.get("/orgs/party-b/evidence").want(http.StatusOK).contains("No evidence yet.")
	bob.get("/orgs/party-b/plans").want(http.StatusOK).contains("No plan yet")
	if _, err := w.ts.db.Evidence(t.Context(), "party-a", ev); err != nil {
		t.Errorf("party-a's evidence after bob's attempts: %v", err)
	}
}

func testUIQueuedPlan(t *testing.T, w *uiWorld) {
	dan := w.ts.signedIn(t, "dan@example.org", "dan-password", "")
	w.ts.srv.jobs.stop() // nothing claims it now
	r := dan.post(fmt.Sprintf("/orgs/party-a/models/%d/plans", w.minimal), url.Values{"budget": {"5000"}, "objective": {"mean"}, "trials": {"1000"}}).want(http.StatusSeeOther)
	loc := r.header.Get("Location")
	q := dan.get(loc).want(http.StatusOK)
	q.contains(`<noscript><meta http-equiv="refresh" content="2"></noscript>`, "Waiting for a worker", "<progress", "Cancel the plan", `hx-get="`+loc+`/progress"`)
	checkHTML(t, "queued plan", q.body, w.ts.srv.assets.byPath)
	dan.post(loc+"/cancel", url.Values{}).want(http.StatusSeeOther)
	dan.get(loc).want(http.StatusOK).contains("The plan was canceled.").lacks("http-equiv")
}

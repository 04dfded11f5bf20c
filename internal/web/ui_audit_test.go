package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/store"
)

// TestAuditActionsListed: every action the server records (a record or
// recordUser call in this package) is in auditActions, and each has a
// label and a sentence in both languages, whose text holds no markup.
func TestAuditActionsListed(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`record\(ctx, tx, (?:""|[A-Za-z.]+), "([a-z][a-z0-9._-]*)"`)
	found := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			found[m[1]] = true
		}
	}
	// recordUser passes its action through: its callers name it.
	recordUser := regexp.MustCompile(`recordUser\(ctx, tx, u, orgs, "([a-z.]+)"`)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, m := range recordUser.FindAllStringSubmatch(string(b), -1) {
			found[m[1]] = true
		}
	}
	if len(found) < 20 {
		t.Fatalf("only %d actions found in the code: %v (has the record call changed?)", len(found), found)
	}
	for a := range found {
		if !slices.Contains(auditActions, a) {
			t.Errorf("the server records %q, which auditActions does not list", a)
		}
	}
	for _, a := range auditActions {
		if !found[a] {
			t.Errorf("auditActions lists %q, which the server never records", a)
		}
		for _, l := range i18n.Languages() {
			keys := i18n.Keys(l)
			for _, k := range []string{"action." + a, "audit.say." + a} {
				if !slices.Contains(keys, k) {
					t.Errorf("%s: no %s", l, k)
				}
			}
		}
	}
	for _, l := range i18n.Languages() {
		p := i18n.New(l)
		for _, k := range i18n.Keys(l) {
			if (strings.HasPrefix(k, "audit.say.") || strings.HasPrefix(k, "audit.part.")) && strings.ContainsAny(p.T(k), "<>&") {
				t.Errorf("%s %s: %q holds markup (the sentences are HTML)", l, k, p.T(k))
			}
		}
	}
}

// TestAuditSentences: each action as a sentence, in English and French,
// with plural forms, names now (or recorded, or the id), and names
// escaped.
func TestAuditSentences(t *testing.T) {
	names := map[store.Ref]string{
		{Kind: "user", ID: "1"}: "Alice", {Kind: "user", ID: "2"}: "bob@example.org",
		{Kind: "model", ID: "3"}: "Election <2026>", {Kind: "run", ID: "12"}: "Election <2026>",
		{Kind: "plan", ID: "5"}: "Election <2026>", {Kind: "evidence", ID: "4"}: "Phishing 2025",
		{Kind: "org", ID: "anssi"}: "National agency", {Kind: "token", ID: "9"}: "ci",
	}
	entry := func(action, target, details string) store.AuditEntry {
		e := store.AuditEntry{ID: 1, OrgID: "o", UserID: 1, Email: "alice-then@example.org", Action: action, Target: target, Remote: "192.0.2.1"}
		if details != "" {
			e.Details = json.RawMessage(details)
		}
		return e
	}
	alice := `<b class="audit-name">Alice</b>`
	model := `<a href="/orgs/o/models/3"><b class="audit-name">Election &lt;2026&gt;</b></a>`
	tests := []struct {
		e      store.AuditEntry
		en, fr string
	}{
		{entry("run.create", "run/12", `{"model":3,"revision":2,"trials":100000,"seed":1,"controls":[],"evidence":[]}`),
			alice + ` ran the model ` + model + ` as run <a href="/orgs/o/runs/12">#12</a> (100,000 years, seed 1)`,
			alice + ` a lancé le modèle ` + model + `, simulation <a href="/orgs/o/runs/12">n°~12</a> (100~000 années simulées, graine 1)`},
		{entry("run.create", "run/12", `{"model":3,"trials":1,"seed":7,"controls":["mfa"],"evidence":[4,5]}`),
			alice + ` ran the model ` + model + ` as run <a href="/orgs/o/runs/12">#12</a> (1 year, seed 7, 1 control in force, 2 evidence uploads)`,
			alice + ` a lancé le modèle ` + model + `, simulation <a href="/orgs/o/runs/12">n°~12</a> (1 année simulée, graine 7, 1 mesure en place, 2 dépôts de preuves)`},
		{entry("model.save", "model/3", `{"name":"old name","revision":4,"message":"tighter MFA"}`),
			alice + ` saved revision 4 of the model ` + model + ` (“tighter MFA”)`,
			alice + ` a enregistré la révision 4 du modèle ` + model + ` («~tighter MFA~»)`},
		{entry("model.delete", "model/77", `{"name":"Old model","revision":2}`),
			alice + ` deleted the model <b class="audit-name">Old model</b> <span class="muted">(deleted)</span> (revision 2)`,
			alice + ` a supprimé le modèle <b class="audit-name">Old model</b> <span class="muted">(supprimé)</span> (révision 2)`},
		{entry("run.cancel", "run/99", ""), alice + ` canceled run #99`, alice + ` a annulé la simulation n°~99`},
		{entry("plan.create", "plan/5", `{"model":3,"revision":1,"request":{"budget":250000,"objective":"p90","horizon":3,"trials":20000,"seed":1,"evidence":[]}}`),
			alice + ` asked for a plan of the model ` + model + ` as plan <a href="/orgs/o/plans/5">#5</a> (budget 250,000, objective: P90, 3-year horizon, 20,000 years, seed 1)`,
			alice + ` a demandé un plan du modèle ` + model + `, plan <a href="/orgs/o/plans/5">n°~5</a> (budget de 250~000, objectif~: P90, horizon de 3 ans, 20~000 années simulées, graine 1)`},
		{entry("evidence.upload", "evidence/4", `{"name":"Phishing 2025","upload":"gophish","kind":"phishing","bytes":2048,"sent":10}`),
			alice + ` uploaded the evidence <a href="/orgs/o/evidence/4"><b class="audit-name">Phishing 2025</b></a> (Phishing simulation, 2` + "\u00a0" + `KiB)`, ""},
		{entry("member.set", "user/2", `{"email":"bob@example.org","role":"analyst"}`),
			alice + ` made <b class="audit-name">bob@example.org</b> analyst of the organisation`,
			alice + ` a donné à <b class="audit-name">bob@example.org</b> le rôle analyste dans l'organisation`},
		{entry("member.remove", "user/8", `{"email":"gone@example.org"}`),
			alice + ` removed <b class="audit-name">gone@example.org</b> from the organisation`, ""},
		{entry("user.disable", "user/2", `{"revoked":1}`),
			alice + ` disabled the account of <b class="audit-name">bob@example.org</b> (1 session or token revoked)`,
			alice + ` a désactivé le compte de <b class="audit-name">bob@example.org</b> (1 session ou jeton révoqué)`},
		{entry("user.password.reset", "user/2", `{"revoked":0}`),
			alice + ` reset the password of <b class="audit-name">bob@example.org</b>`, ""},
		{entry("user.password.change", "user/1", `{"revoked":3}`),
			alice + ` changed their password (3 sessions and tokens revoked)`,
			alice + ` a changé son mot de passe (3 sessions et jetons révoqués)`},
		{entry("share.create", "org/anssi", ""), alice + ` shared the results with <b class="audit-name">National agency</b>`, ""},
		{entry("session.create", "token/9", ""), alice + ` signed in`, `Connexion de ` + alice},
		{entry("user.language", "user/1", `{"language":"fr"}`), alice + ` chose pages in French`, alice + ` a choisi les pages en français`},
		{entry("user.create", "user/2", `{"email":"bob@example.org","admin":true}`),
			alice + ` created an account for <b class="audit-name">bob@example.org</b> (administrator)`, ""},
		{entry("org.create", "org/anssi", `{"name":"National agency","kind":"agency"}`),
			alice + ` created the organisation <b class="audit-name">National agency</b> (Agency)`, ""},
		{entry("token.create", "token/9", `{"name":"ci","expires_at":"2027-01-02T03:04:05Z"}`),
			alice + ` created the API token <b class="audit-name">ci</b> (valid until 2027-01-02 03:04 UTC)`, ""},
		// Who: the user's name now, else the email recorded, else the server.
		{store.AuditEntry{Action: "site.bootstrap", Target: "user/1", Details: json.RawMessage(`{"admin":"admin@example.org"}`)},
			`The server set the site up, with <b class="audit-name">admin@example.org</b> as its administrator`,
			`Le serveur a installé le site, avec <b class="audit-name">admin@example.org</b> pour administrateur`},
		{store.AuditEntry{UserID: 55, Email: "left@example.org", Action: "session.delete"}, `<b class="audit-name">left@example.org</b> signed out`, ""},
		// An action this server does not know: said generically, never blank.
		{entry("widget.frobnicate", "widget/3", `{"colour":"blue"}`),
			alice + `: <b class="audit-name">widget.frobnicate</b>, on #3`,
			alice + `~: <b class="audit-name">widget.frobnicate</b>, sur n°~3`},
		{entry("model.save", "model/3", `"not an object"`), alice + ` saved revision ? of the model ` + model, ""},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			lang i18n.Lang
			want string
		}{{i18n.English, tt.en}, {i18n.French, tt.fr}} {
			a := newAuditSay(i18n.New(c.lang), "o", tt.e)
			a.names = names
			got := string(a.sentence())
			if got == "" || strings.Contains(got, "%!") || strings.Contains(got, "audit.") {
				t.Errorf("%s %s: %q", c.lang, tt.e.Action, got)
			}
			want := strings.ReplaceAll(c.want, "~", "\u00a0")
			if c.want != "" && got != want {
				t.Errorf("%s %s:\n got %q\nwant %q", c.lang, tt.e.Action, got, want)
			}
		}
	}
	a := newAuditSay(i18n.New(i18n.English), "o", entry("widget.frobnicate", "", `{"colour":"blue","n":3}`))
	a.names = names
	a.sentence()
	if fmt.Sprint(a.extra) != "[{colour blue} {n 3}]" {
		t.Errorf("an unknown action's details: %v", a.extra)
	}
}

// TestAuditPage: the log's page says what happened in sentences, filters
// by user, action and dates (bad filters answered 400 with what is
// wrong), pages through long logs with the filters kept, in English and
// French; the API filters the same way. On SQLite and PostgreSQL.
func TestAuditPage(t *testing.T) {
	backends(t, false, func(t *testing.T, dsn func(testing.TB) string) {
		c := &clock{}
		ts := startServer(t, dsn(t), testConfig(c), c)
		admin := ts.signIn(t, DefaultAdminEmail, adminPassword)
		admin.want(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": "alice@example.org", "password": "alice-password", "name": "Alice"})
		admin.want(http.StatusOK, "PUT", "/api/v1/orgs/demo/members/alice@example.org", map[string]string{"role": "analyst"})
		alice := ts.signIn(t, "alice@example.org", "alice-password")
		var models list[map[string]any]
		admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/models", nil).decode(&models)
		election := int64(models.Items[0]["id"].(float64))
		electionName := models.Items[0]["name"].(string)
		var run runView
		alice.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/runs", election), map[string]any{"trials": 1000, "seed": 7}).decode(&run)
		var saved savedModel
		alice.want(http.StatusCreated, "POST", "/api/v1/orgs/demo/models", map[string]string{"name": "scratch", "yaml": exampleModel(t, "minimal.yaml")}).decode(&saved)
		admin.want(http.StatusNoContent, "DELETE", fmt.Sprintf("/api/v1/orgs/demo/models/%d", saved.ID), nil)
		ctx := context.Background()
		if err := ts.db.Audit(ctx, &store.AuditEntry{OrgID: "demo", Action: "widget.frobnicate", Details: json.RawMessage(`{"colour":"blue"}`), Remote: "192.0.2.9"}); err != nil {
			t.Fatal(err)
		}
		aliceUser, err := ts.db.UserByEmail(ctx, "alice@example.org")
		if err != nil {
			t.Fatal(err)
		}

		en := ts.signedIn(t, DefaultAdminEmail, adminPassword, "en")
		pg := en.get("/orgs/demo/audit").want(http.StatusOK)
		saysAll(t, pg, "Alice ran the model "+electionName+" as run #"+strconv.FormatInt(run.ID, 10)+" (1,000 years, seed 7, 3 controls in force)",
			"Alice created the model scratch (deleted) (revision 1)", "Site administrator deleted the model scratch (deleted)",
			"Site administrator made Alice analyst of the organisation",
			"Someone not signed in: widget.frobnicate",
			"colour", "blue")
		pg.contains(`<option value="` + strconv.FormatInt(aliceUser.ID, 10) + `">Alice (alice@example.org)</option>`)
		pg.lacks(`{"model"`, `"trials"`)
		checkHTML(t, "audit page", pg.body, ts.srv.assets.byPath)

		fr := ts.signedIn(t, DefaultAdminEmail, adminPassword, "fr")
		frPage := fr.get("/orgs/demo/audit").want(http.StatusOK)
		frPage.contains("Toute modification")
		saysAll(t, frPage,
			"Alice a lancé le modèle "+electionName+", simulation n°\u00a0"+strconv.FormatInt(run.ID, 10)+" (1\u00a0000 années simulées, graine 7, 3 mesures en place)",
			"Une personne non connectée\u00a0: widget.frobnicate")

		rows := func(p *page) int { return strings.Count(p.body, `<tr id="audit-`) }
		byAction := en.get("/orgs/demo/audit?action=run.create").want(http.StatusOK)
		if n := rows(byAction); n != 1 {
			t.Errorf("action=run.create: %d rows", n)
		}
		byAction.contains(`<option value="run.create" selected>`, `id="audit-clear"`)
		byUser := en.get(fmt.Sprintf("/orgs/demo/audit?user=%d", aliceUser.ID)).want(http.StatusOK)
		if n := rows(byUser); n != 2 { // the run and the model created
			t.Errorf("user=alice: %d rows:\n%s", n, visibleText(byUser.body))
		}
		byUser.lacks("Site administrator made")
		today := time.Now().UTC().Format(time.DateOnly)
		if n, all := rows(en.get("/orgs/demo/audit?from="+today+"&to="+today).want(http.StatusOK)), rows(pg); n != all || n < 7 {
			t.Errorf("today: %d rows, all %d", n, all)
		}
		en.get("/orgs/demo/audit?to=2001-01-01").want(http.StatusOK).contains("No entry matches these filters.")

		for _, bad := range []struct{ query, want string }{
			{"from=2026-13-01", `From (UTC): "2026-13-01" is not a date`},
			{"to=yesterday", `To (UTC, included): "yesterday" is not a date`},
			{"from=2026-05-02&to=2026-05-01", "From (2026-05-02) is after To (2026-05-01)"},
			{"user=abc", `Who: "abc" is not a user of this log.`},
			{"user=424242", `Who: "424242" is not a user of this log.`},
			{"action=%3Cscript%3E", `What: "<script>" is not an action`},
			{"action=" + strings.Repeat("a", 5000), `What: "` + strings.Repeat("a", 64) + `…" is not an action`},
			{"cursor=xyz", "The page asked for"},
		} {
			p := en.get("/orgs/demo/audit?" + bad.query).want(http.StatusBadRequest).contains(bad.want)
			if !strings.HasPrefix(bad.query, "cursor") && !strings.Contains(p.body, `aria-invalid="true"`) {
				t.Errorf("%s: no field marked invalid", bad.query)
			}
			if strings.Contains(p.body, `"<script>"`) {
				t.Errorf("%s: not escaped", bad.query)
			}
			if rows(p) != 0 {
				t.Errorf("%s: rows shown beside the error", bad.query)
			}
		}
		fr.get("/orgs/demo/audit?from=2026-13-01").want(http.StatusBadRequest).contains("Du (UTC)\u00a0: \"2026-13-01\" n'est pas une date")

		// Paging: more entries than a page, the filter kept from page to page.
		for i := 0; i < listPage+5; i++ {
			if err := ts.db.Audit(ctx, &store.AuditEntry{OrgID: "demo", UserID: aliceUser.ID, Action: "session.create", Target: "token/1"}); err != nil {
				t.Fatal(err)
			}
		}
		first := en.get("/orgs/demo/audit?action=session.create").want(http.StatusOK)
		if n := rows(first); n != listPage {
			t.Errorf("first page: %d rows", n)
		}
		next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(first.body)
		if next == nil || !strings.Contains(next[1], "action=session.create") {
			t.Fatalf("next page link: %v", next)
		}
		second := en.get("/orgs/demo/audit" + strings.ReplaceAll(next[1], "&amp;", "&")).want(http.StatusOK)
		if n := rows(second); n != 5 {
			t.Errorf("second page: %d rows", n)
		}
		second.contains(`id="audit-newest"`).lacks(`rel="next"`)
		saysAll(t, second, "Alice signed in")

		// The API: the same filters, in JSON, and the same errors (in English).
		var log list[store.AuditEntry]
		admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/audit?action=run.create", nil).decode(&log)
		if len(log.Items) != 1 || log.Items[0].Action != "run.create" || len(log.Items[0].Details) == 0 {
			t.Errorf("API action=run.create: %+v", log.Items)
		}
		admin.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/demo/audit?user=%d&from=%s&limit=1000", aliceUser.ID, today), nil).decode(&log)
		if len(log.Items) != listPage+5+2 {
			t.Errorf("API user=alice: %d entries", len(log.Items))
		}
		if e := admin.want(http.StatusBadRequest, "GET", "/api/v1/orgs/demo/audit?from=2026-02-30", nil).errorOf(); !strings.Contains(e.Message, `from: "2026-02-30" is not a date`) {
			t.Errorf("API bad date: %+v", e)
		}
		admin.want(http.StatusOK, "GET", "/api/v1/audit?action=org.create", nil).decode(&log)
		if len(log.Items) != 1 || log.Items[0].Target != "org/demo" {
			t.Errorf("site API action=org.create: %+v", log.Items)
		}
	})
}

// says are the sentences of an audit page, as text.
func says(body string) []string {
	var out []string
	tag := regexp.MustCompile(`<[^>]+>`)
	for _, m := range regexp.MustCompile(`(?s)<td class="audit-say">(.*?)</td>`).FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(tag.ReplaceAllString(m[1], "")))
	}
	return out
}

// saysAll fails unless each of want begins one of the page's sentences.
func saysAll(t *testing.T, p *page, want ...string) {
	t.Helper()
	got := says(p.body)
	for _, w := range want {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, w) }) {
			t.Errorf("%s: no sentence with %q in:\n%s", p.path, w, strings.Join(got, "\n"))
		}
	}
}

// FuzzAuditFilter: any query gives a filter or problems, never a panic;
// a filter without problems selects days from 1970 on, From before To,
// and an action of the allowed shape; every problem has a message.
func FuzzAuditFilter(f *testing.F) {
	f.Add("", "", "", "")
	f.Add("12", "run.create", "2026-05-01", "2026-05-31")
	f.Add("-1", "<script>", "2026-13-01", "yesterday")
	f.Add("99999999999999999999", strings.Repeat("a", 100), "1969-12-31", "9999-12-31")
	f.Add("0x10", "run..create", "2026-5-1", "2026-05-01T00:00:00Z")
	f.Fuzz(func(t *testing.T, user, action, from, to string) {
		fl, bad := auditQuery{User: user, Action: action, From: from, To: to}.filter()
		en := i18n.New(i18n.English)
		for _, b := range bad {
			if b.Field == "" || en.T(b.Key, b.Args...) == b.Key {
				t.Fatalf("problem without a field or message: %+v", b)
			}
		}
		if len(bad) > 0 {
			return
		}
		if fl.UserID < 0 || (user == "") != (fl.UserID == 0) {
			t.Fatalf("user %q: %d", user, fl.UserID)
		}
		if fl.Action != action || (action != "" && !auditActionPattern.MatchString(action)) {
			t.Fatalf("action %q: %q", action, fl.Action)
		}
		if (!fl.From.IsZero() && fl.From.Year() < 1970) || (!fl.To.IsZero() && !fl.From.IsZero() && fl.To.Before(fl.From)) {
			t.Fatalf("dates %q %q: %v %v", from, to, fl.From, fl.To)
		}
	})
}

// FuzzAuditSentence: whatever an entry's action, target and details (an
// older or newer server's, or damaged), its sentence is said, never blank,
// never a formatting error, and holds no markup but ours.
func FuzzAuditSentence(f *testing.F) {
	f.Add("run.create", "run/12", `{"model":3,"trials":100000,"seed":1,"controls":["a"],"evidence":[1]}`)
	f.Add("plan.create", "plan/5", `{"model":3,"request":{"budget":-1,"objective":"<b>","horizon":0.5,"trials":1,"seed":2}}`)
	f.Add("model.save", "model/x", `{"name":"<script>","revision":"two","message":"&"}`)
	f.Add("widget", "", `[1,2]`)
	f.Add("token.create", "token/1", `{"expires_at":"soon","name":{"a":1}}`)
	f.Fuzz(func(t *testing.T, action, target, details string) {
		if action == "" {
			return // the store refuses it
		}
		e := store.AuditEntry{ID: 1, OrgID: "o", UserID: 1, Action: action, Target: target}
		if json.Valid([]byte(details)) {
			e.Details = json.RawMessage(details)
		}
		for _, l := range i18n.Languages() {
			a := newAuditSay(i18n.New(l), "o", e)
			a.names = map[store.Ref]string{{Kind: "user", ID: "1"}: "Alice <&>"}
			s := string(a.sentence())
			if strings.TrimSpace(s) == "" || strings.Contains(s, "%!") {
				t.Fatalf("%s: %q", l, s)
			}
			if strings.Contains(s, "<script") || strings.Contains(s, "<&>") {
				t.Fatalf("%s: unescaped: %q", l, s)
			}
		}
	})
}

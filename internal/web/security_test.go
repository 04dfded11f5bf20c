package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

func testIsolation(t *testing.T, w *world) {
	a := func(format string, args ...any) string { return "/api/v1/orgs/party-a" + fmt.Sprintf(format, args...) }
	type route struct {
		method, path string
		body         any
	}
	role := map[string]string{"role": "owner"}
	routes := []route{
		{"GET", a(""), nil}, {"GET", a("/members"), nil}, {"PUT", a("/members/bob@example.org"), role}, {"DELETE", a("/members/carol@example.org"), nil},
		{"GET", a("/models"), nil}, {"POST", a("/models"), map[string]any{"name": "x", "yaml": "x"}}, {"GET", a("/models/%d", w.minimal), nil},
		{"PUT", a("/models/%d", w.minimal), map[string]any{"yaml": "x", "base_revision": 1}}, {"DELETE", a("/models/%d", w.minimal), nil},
		{"GET", a("/models/%d/revisions", w.minimal), nil}, {"GET", a("/models/%d/revisions/1", w.minimal), nil},
		{"GET", a("/models/%d/diff", w.minimal), nil}, {"POST", a("/models/%d/runs", w.minimal), map[string]any{}},
		{"POST", a("/models/%d/plans", w.minimal), map[string]any{"budget": 1}},
		{"GET", a("/runs"), nil}, {"GET", a("/runs/%d", w.run), nil}, {"POST", a("/runs/%d/cancel", w.run), nil},
		{"POST", a("/evidence?kind=zeek&name=x"), "x"}, {"GET", a("/evidence"), nil}, {"GET", a("/evidence/%d", w.evidence["zeek"]), nil},
		{"DELETE", a("/evidence/%d", w.evidence["zeek"]), nil}, {"GET", a("/plans"), nil}, {"GET", a("/plans/%d", w.plan), nil},
		{"POST", a("/plans/%d/cancel", w.plan), nil}, {"GET", a("/shares"), nil}, {"PUT", a("/shares/anssi"), nil}, {"DELETE", a("/shares/anssi"), nil},
		{"GET", a("/national"), nil}, {"GET", a("/audit"), nil},
	}
	for _, rt := range routes {
		// The same request for an organisation that does not exist.
		ghost := strings.Replace(rt.path, "party-a", "no-such-org", 1)
		want := w.bob.want(http.StatusNotFound, rt.method, ghost, rt.body).errorOf()
		got := w.bob.want(http.StatusNotFound, rt.method, rt.path, rt.body).errorOf()
		if got.Code != want.Code || got.Message != want.Message || len(got.Problems)+len(want.Problems) != 0 {
			t.Errorf("%s %s: %+v; for an organisation that does not exist: %+v", rt.method, rt.path, got, want)
		}
		// A member of party-a is not told the same.
		if rt.method != "GET" {
			continue
		}
		if r := w.alice.do(rt.method, rt.path, rt.body); r.status == http.StatusNotFound && r.errorOf().Message == want.Message {
			t.Errorf("%s %s: party-a's owner is told %s", rt.method, rt.path, r.body)
		}
	}
	// party-a's ids through party-b: as if they did not exist.
	b := func(format string, args ...any) string { return "/api/v1/orgs/party-b" + fmt.Sprintf(format, args...) }
	for _, p := range []string{b("/models/%d", w.minimal), b("/models/%d/revisions", w.minimal), b("/models/%d/revisions/1", w.minimal),
		b("/models/%d/diff", w.minimal), b("/runs/%d", w.run), b("/evidence/%d", w.evidence["zeek"]), b("/plans/%d", w.plan)} {
		w.bob.want(http.StatusNotFound, "GET", p, nil)
	}
	w.bob.want(http.StatusNotFound, "POST", b("/models/%d/runs", w.minimal), map[string]any{})
	w.bob.want(http.StatusNotFound, "POST", b("/runs/%d/cancel", w.canceledRun), nil)
	w.bob.want(http.StatusNotFound, "POST", b("/models/%d/runs", w.bMod), map[string]any{"evidence": []int64{w.evidence["zeek"]}})
	// Lists show nothing of party-a.
	var runs list[runView]
	w.bob.want(http.StatusOK, "GET", b("/runs"), nil).decode(&runs)
	var evs, models list[map[string]any]
	w.bob.want(http.StatusOK, "GET", b("/evidence"), nil).decode(&evs)
	w.bob.want(http.StatusOK, "GET", b("/models"), nil).decode(&models)
	if len(runs.Items)+len(evs.Items) != 0 || len(models.Items) != 1 {
		t.Errorf("party-b sees runs %v, evidence %v, models %v", runs.Items, evs.Items, models.Items)
	}
	w.bob.want(http.StatusNotFound, "GET", fmt.Sprintf("/api/v1/orgs/party-b/runs?model=%d", w.minimal), nil)
	var orgs list[orgView]
	w.bob.want(http.StatusOK, "GET", "/api/v1/orgs", nil).decode(&orgs)
	if len(orgs.Items) != 1 || orgs.Items[0].ID != "party-b" {
		t.Errorf("bob's organisations: %+v", orgs.Items)
	}
	// And the other way round.
	w.carol.want(http.StatusNotFound, "GET", fmt.Sprintf("/api/v1/orgs/party-b/models/%d", w.bMod), nil)
	w.alice.want(http.StatusNotFound, "GET", fmt.Sprintf("/api/v1/orgs/party-a/models/%d", w.bMod), nil)
	// The administrator sees data only as a member.
	w.admin.want(http.StatusNotFound, "GET", a("/models"), nil)
}

func testSharing(t *testing.T, w *world) {
	w.carol.want(http.StatusForbidden, "PUT", "/api/v1/orgs/party-a/shares/anssi", nil)
	w.alice.want(http.StatusOK, "PUT", "/api/v1/orgs/party-a/shares/anssi", nil)
	w.alice.want(http.StatusOK, "PUT", "/api/v1/orgs/party-a/shares/anssi", nil) // again: no change
	w.alice.want(http.StatusUnprocessableEntity, "PUT", "/api/v1/orgs/party-a/shares/party-b", nil)
	w.alice.want(http.StatusNotFound, "PUT", "/api/v1/orgs/party-a/shares/no-such-agency", nil)
	var shares list[map[string]any]
	w.carol.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/shares", nil).decode(&shares)
	if len(shares.Items) != 1 || shares.Items[0]["agency"] != "anssi" {
		t.Errorf("shares: %v", shares.Items)
	}
	// The national view: per sharing organisation and model, the latest
	// succeeded run's portfolio figures, and nothing else.
	nv := w.eve.want(http.StatusOK, "GET", "/api/v1/orgs/anssi/national", nil).obj()
	orgs := nv["organisations"].([]any)
	if len(orgs) != 1 {
		t.Fatalf("national view: %v", nv)
	}
	o := orgs[0].(map[string]any)
	if o["id"] != "party-a" || keys(o) != "id,kind,models,name" {
		t.Errorf("organisation: %v", o)
	}
	byModel := map[float64]map[string]any{}
	for _, m := range o["models"].([]any) {
		m := m.(map[string]any)
		if keys(m) != "as_of,currency,model,model_id,portfolio,tolerance,trials" || keys(m["portfolio"].(map[string]any)) != "mean,p_no_loss,quantiles" {
			t.Errorf("a model of the national view shows more (or less) than the portfolio figures: %v", m)
		}
		byModel[m["model_id"].(float64)] = m
	}
	// minimal: the latest succeeded run is the default one (100000 trials).
	var runs list[runView]
	w.alice.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/runs?model=%d", w.minimal), nil).decode(&runs)
	var latest runView
	for _, r := range runs.Items {
		if r.Status == "succeeded" {
			w.alice.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/runs/%d", r.ID), nil).decode(&latest)
			break
		}
	}
	m := byModel[float64(w.minimal)]
	mean, _ := path(m, "portfolio", "mean")
	wantMean, _ := path(mustJSON(t, latest.Result), "portfolio", "mean")
	breached, _ := path(mustJSON(t, latest.Result), "portfolio", "tolerance", "breached")
	if m == nil || mean != wantMean || m["model"] != "minimal" || m["trials"] != float64(latest.Trials) || !reflect.DeepEqual(m["tolerance"], map[string]any{"breached": breached}) {
		t.Errorf("minimal in the national view: %v; latest run %d mean %v", m, latest.ID, wantMean)
	}
	if byModel[float64(w.calibration)] == nil || byModel[float64(w.election)] != nil || len(byModel) != 2 {
		t.Errorf("national models: %v (election has no succeeded run)", byModel)
	}
	// Only the agency's members see it; it exposes no model or evidence.
	w.alice.want(http.StatusNotFound, "GET", "/api/v1/orgs/anssi/national", nil)
	w.eve.want(http.StatusNotFound, "GET", fmt.Sprintf("/api/v1/orgs/party-a/models/%d", w.minimal), nil)
	w.eve.want(http.StatusNotFound, "GET", fmt.Sprintf("/api/v1/orgs/party-a/evidence/%d", w.evidence["zeek"]), nil)
	w.eve.want(http.StatusNotFound, "GET", fmt.Sprintf("/api/v1/orgs/party-a/runs/%d", w.run), nil)
	w.carol.want(http.StatusNotFound, "GET", "/api/v1/orgs/party-a/national", nil) // not an agency
	// Withdrawn.
	w.alice.want(http.StatusNoContent, "DELETE", "/api/v1/orgs/party-a/shares/anssi", nil)
	w.alice.want(http.StatusNotFound, "DELETE", "/api/v1/orgs/party-a/shares/anssi", nil)
	nv = w.eve.want(http.StatusOK, "GET", "/api/v1/orgs/anssi/national", nil).obj()
	if len(nv["organisations"].([]any)) != 0 {
		t.Errorf("after unsharing: %v", nv)
	}
	w.alice.want(http.StatusOK, "PUT", "/api/v1/orgs/party-a/shares/anssi", nil)
}

func keys(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

func mustJSON(t testing.TB, raw []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func testSessions(t *testing.T, w *world) {
	c := w.ts.client(t)
	r := c.want(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": "carol@example.org", "password": "carol-password"})
	cookies := r.header.Values("Set-Cookie")
	if len(cookies) != 1 {
		t.Fatalf("Set-Cookie: %v", cookies)
	}
	ck, err := http.ParseSetCookie(cookies[0])
	if err != nil {
		t.Fatal(err)
	}
	if ck.Name != sessionCookie || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/" || ck.MaxAge != int((12*time.Hour)/time.Second) {
		t.Errorf("session cookie: %+v", ck)
	}
	if me := r.obj(); me["user"].(map[string]any)["email"] != "carol@example.org" {
		t.Errorf("login answered %v", me)
	}
	w.secrets = append(w.secrets, ck.Value)
	c.header.Set("Cookie", ck.Name+"="+ck.Value)
	c.want(http.StatusOK, "GET", "/api/v1/me", nil)
	c.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/models", nil)
	// A session secret is not a bearer token, nor the other way round.
	b := w.ts.client(t)
	b.token = ck.Value
	b.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)
	b = w.ts.client(t)
	b.header.Set("Cookie", sessionCookie+"="+w.carol.token)
	b.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)
	// Logout ends the session and removes the cookie.
	r = c.want(http.StatusNoContent, "POST", "/api/v1/auth/logout", nil)
	out, err := http.ParseSetCookie(r.header.Get("Set-Cookie"))
	if err != nil || out.Name != sessionCookie || out.MaxAge >= 0 || out.Value != "" {
		t.Errorf("logout cookie: %+v, %v", out, err)
	}
	c.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)
}

func testCrossOrigin(t *testing.T, w *world) {
	c := w.ts.client(t)
	r := c.want(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": "dan@example.org", "password": "dan-password"})
	ck, _ := http.ParseSetCookie(r.header.Get("Set-Cookie"))
	w.secrets = append(w.secrets, ck.Value)
	c.header.Set("Cookie", ck.Name+"="+ck.Value)
	body := map[string]string{"name": "from-a-browser", "yaml": exampleModel(t, "minimal.yaml")}
	// A browser page of another origin: refused, nothing created.
	c.header.Set("Origin", "https://evil.example")
	c.header.Set("Sec-Fetch-Site", "cross-site")
	if e := c.want(http.StatusForbidden, "POST", "/api/v1/orgs/party-a/models", body).errorOf(); e.Code != model.EFORBIDDEN {
		t.Errorf("cross-origin POST: %+v", e)
	}
	c.want(http.StatusForbidden, "POST", "/api/v1/auth/login", map[string]string{"email": "dan@example.org", "password": "dan-password"})
	c.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/models", nil) // reading is not changing
	c.header.Del("Sec-Fetch-Site")
	c.want(http.StatusForbidden, "POST", "/api/v1/orgs/party-a/models", body) // an old browser: Origin only
	var l list[map[string]any]
	w.dan.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/models", nil).decode(&l)
	for _, m := range l.Items {
		if m["name"] == "from-a-browser" {
			t.Errorf("the cross-origin request created a model")
		}
	}
	// The server's own pages, and API clients (no Origin, no Sec-Fetch-Site), pass.
	c.header.Set("Origin", w.ts.url)
	c.header.Set("Sec-Fetch-Site", "same-origin")
	c.want(http.StatusCreated, "POST", "/api/v1/orgs/party-a/models", body)
	w.dan.want(http.StatusCreated, "POST", "/api/v1/orgs/party-a/models", map[string]string{"name": "from-a-client", "yaml": body["yaml"]})
}

func testSecurityHeaders(t *testing.T, w *world) {
	for _, p := range []string{"/api/v1/me", "/healthz", "/api/v1/nowhere"} {
		r := w.alice.do("GET", p, nil)
		for h, want := range map[string]string{
			"Content-Security-Policy": "default-src 'self'", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
			"X-Frame-Options": "DENY", "Permissions-Policy": "camera=()",
		} {
			if !strings.Contains(r.header.Get(h), want) {
				t.Errorf("%s: %s is %q, want it to contain %q", p, h, r.header.Get(h), want)
			}
		}
		if !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s: CSP without frame-ancestors", p)
		}
		if r.header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain HTTP", p)
		}
		if len(r.header.Get("X-Request-Id")) != 16 {
			t.Errorf("%s: X-Request-Id %q", p, r.header.Get("X-Request-Id"))
		}
	}
	if e := w.alice.want(http.StatusNotFound, "GET", "/api/v1/nowhere", nil).errorOf(); e.Code != model.ENOTFOUND {
		t.Errorf("unknown route: %+v", e)
	}
}

func testRateLimit(t *testing.T, w *world) {
	// 10 attempts per email and address at once (testConfig), then 429
	// with Retry-After.
	c := w.ts.client(t)
	body := map[string]string{"email": "Target@Example.org", "password": "guess-password"}
	for i := 0; i < 10; i++ {
		c.want(http.StatusUnauthorized, "POST", "/api/v1/auth/token", body)
	}
	r := c.want(http.StatusTooManyRequests, "POST", "/api/v1/auth/token", body)
	if e := r.errorOf(); e.Code != codeTooMany {
		t.Errorf("429: %+v", e)
	}
	if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	body["email"] = "target@example.org" // the same, whatever the case
	c.want(http.StatusTooManyRequests, "POST", "/api/v1/auth/login", body)
	// Another email is not limited; time refills the bucket.
	c.want(http.StatusUnauthorized, "POST", "/api/v1/auth/token", map[string]string{"email": "other@example.org", "password": "guess-password"})
	w.ts.clock.advance(15 * time.Second)
	c.want(http.StatusUnauthorized, "POST", "/api/v1/auth/token", body)
}

func testAudit(t *testing.T, w *world) {
	var log list[map[string]any]
	w.alice.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/audit?limit=1000", nil).decode(&log)
	actions := map[string]int{}
	for _, e := range log.Items {
		actions[e["action"].(string)]++
		if e["remote"] != "127.0.0.1" || e["email"] == "" || e["at"] == "" || e["org"] != "party-a" {
			t.Errorf("entry without who, when or from where: %v", e)
		}
	}
	for _, a := range []string{"member.set", "model.create", "model.save", "model.delete", "run.create", "run.cancel", "evidence.upload",
		"evidence.delete", "plan.create", "plan.cancel", "share.create", "share.delete"} {
		if actions[a] == 0 {
			t.Errorf("no %s entry in party-a's audit log: %v", a, actions)
		}
	}
	if actions["model.create"] != 6 || actions["model.save"] != 1 {
		t.Errorf("model entries: %v", actions)
	}
	// Refused changes leave no entry; the failed stale save is not there.
	// Site-wide entries are the administrator's.
	var site list[map[string]any]
	w.admin.want(http.StatusOK, "GET", "/api/v1/audit?limit=1000", nil).decode(&site)
	siteActions := map[string]int{}
	for _, e := range site.Items {
		siteActions[e["action"].(string)]++
	}
	if siteActions["user.create"] != 5 || siteActions["org.create"] != 4 || siteActions["site.bootstrap"] != 1 || siteActions["token.create"] == 0 || siteActions["session.create"] == 0 {
		t.Errorf("site-wide entries: %v", siteActions)
	}
	w.admin.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/audit", nil)
	w.carol.want(http.StatusForbidden, "GET", "/api/v1/orgs/party-a/audit", nil)
	w.bob.want(http.StatusNotFound, "GET", "/api/v1/orgs/party-a/audit", nil)
	// Nothing changes it through the API.
	n := len(log.Items)
	for _, m := range []string{"PUT", "POST", "DELETE", "PATCH"} {
		for _, p := range []string{"/api/v1/orgs/party-a/audit", "/api/v1/audit", fmt.Sprintf("/api/v1/orgs/party-a/audit/%v", log.Items[0]["id"])} {
			r := w.alice.do(m, p, map[string]any{"action": "forged"})
			if r.status != http.StatusMethodNotAllowed && r.status != http.StatusNotFound {
				t.Errorf("%s %s: %d %s", m, p, r.status, r.body)
			}
		}
	}
	w.alice.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/audit?limit=1000", nil).decode(&log)
	if len(log.Items) != n {
		t.Errorf("the audit log changed: %d entries, had %d", len(log.Items), n)
	}
}

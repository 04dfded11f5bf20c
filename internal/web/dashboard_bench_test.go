package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// BenchmarkDashboard100Scenarios measures the server's time to answer the
// dashboard (GET /orgs/{org}, the handler with its middleware, signed in
// by a session cookie) of an organisation whose model has 100 scenarios
// and a succeeded run: "kept" with the page kept since it was last
// rendered (the usual case: nothing changed since), "warm" rendered with
// the run's prepared result kept (after a change), "cold" as the first
// view after a start (the result is read from the store and prepared
// each time). The target is under 200 ms.
//
//	go test ./internal/web -run '^$' -bench Dashboard100 -benchmem -count 5
func BenchmarkDashboard100Scenarios(b *testing.B) {
	c := &clock{}
	ts := startServer(b, ":memory:", testConfig(c), c)
	admin := ts.signIn(b, DefaultAdminEmail, adminPassword)
	admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": "bench", "name": "Bench", "kind": "party"})
	src := scenariosModel(100)
	if _, err := model.Decode("bench", []byte(src)); err != nil {
		b.Fatalf("the generated model: %v", err)
	}
	var saved savedModel
	admin.want(http.StatusCreated, "POST", "/api/v1/orgs/bench/models", map[string]string{"name": "hundred", "yaml": src}).decode(&saved)
	w := &uiWorld{ts: ts}
	w.runModel(b, admin, "bench", saved.ID, map[string]any{"trials": 2000, "seed": 1})

	// A session cookie, from the sign-in form.
	br := ts.signedIn(b, DefaultAdminEmail, adminPassword, "en")
	u, _ := url.Parse(ts.url)
	var cookie string
	for _, ck := range br.hc.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			cookie = ck.String()
		}
	}
	if cookie == "" {
		b.Fatal("no session cookie")
	}
	h := ts.srv.Handler()
	scenario := regexp.MustCompile(`#s-(scen-\d{3})"`)
	get := func(b *testing.B) {
		req := httptest.NewRequest(http.MethodGet, "/orgs/bench", nil)
		req.Header.Set("Cookie", cookie)
		req.Header.Set("Accept-Language", "en")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET /orgs/bench: %d\n%s", rec.Code, truncate(rec.Body.String(), 2000))
		}
		// Every scenario is on the risk grid (a link to its row), the
		// ten largest in the table of the top scenarios too.
		ids := map[string]bool{}
		for _, m := range scenario.FindAllStringSubmatch(rec.Body.String(), -1) {
			ids[m[1]] = true
		}
		if len(ids) != 100 || !strings.Contains(rec.Body.String(), "The 10 scenarios that weigh most, of 100") {
			b.Fatalf("the dashboard shows %d scenarios, want 100", len(ids))
		}
	}
	b.Run("kept", func(b *testing.B) {
		get(b) // prepares the result and renders the page once
		b.ReportAllocs()
		for b.Loop() {
			get(b)
		}
	})
	b.Run("warm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			ts.srv.dashboards.reset()
			b.StartTimer()
			get(b)
		}
	})
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			ts.srv.results = newResultCache()
			ts.srv.dashboards.reset()
			b.StartTimer()
			get(b)
		}
	})
}

// scenariosModel is a valid model with n scenarios (ids scen-000…), spread
// over 5 actors, 10 assets and 3 effects, with a few controls and a
// tolerance curve.
func scenariosModel(n int) string {
	var b strings.Builder
	b.WriteString("scrutin: 1\nname: Benchmark model with many scenarios\ncurrency: EUR\ntrials: 2000\nseed: 1\n")
	b.WriteString("tolerance:\n  - {loss: 1000000, probability: 0.5}\n  - {loss: 10000000, probability: 0.05}\n  - {loss: 50000000, probability: 0.005}\n")
	b.WriteString("organizations:\n  - {id: org, name: Organisation, kind: party}\n")
	b.WriteString("assets:\n")
	for i := range 10 {
		fmt.Fprintf(&b, "  - {id: asset-%d, org: org, name: Asset %d, kind: email}\n", i, i)
	}
	b.WriteString("actors:\n")
	for i := range 5 {
		fmt.Fprintf(&b, "  - {id: actor-%d, name: Actor %d, activity: {lognormal90: [0.5, 2]}}\n", i, i)
	}
	b.WriteString("controls:\n")
	for i := range 5 {
		fmt.Fprintf(&b, "  - id: control-%d\n    name: Control %d\n    status: %s\n    cost: {once: %d, yearly: %d}\n    effects:\n",
			i, i, []string{"implemented", "proposed"}[i%2], 10000*(i+1), 2000*(i+1))
		for j := i; j < n; j += 7 {
			fmt.Fprintf(&b, "      - {scenario: scen-%03d, vulnerability: 0.5}\n", j)
		}
	}
	b.WriteString("scenarios:\n")
	effects := []string{"confidentiality", "integrity", "availability"}
	for i := range n {
		fmt.Fprintf(&b, "  - id: scen-%03d\n    name: Scenario number %d\n    actor: actor-%d\n    assets: [asset-%d]\n    effect: %s\n",
			i, i, i%5, i%10, effects[i%3])
		fmt.Fprintf(&b, "    frequency: {pert: [0.1, %g, %d]}\n    vulnerability: %g\n    magnitude: {lognormal90: [%d, %d]}\n",
			0.5+float64(i%4), 5+i%6, 0.05+0.01*float64(i%30), 1000*(1+i%50), 100000*(1+i%50))
	}
	return b.String()
}

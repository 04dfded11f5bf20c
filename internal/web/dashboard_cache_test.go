package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/store"
)

// TestDashboardResultKept: the part of the dashboard that depends only on
// the chosen run and the language is rendered once and kept with the
// run's prepared result; the page is the same whether it was kept or
// rendered afresh, and each language gets its own.
func TestDashboardResultKept(t *testing.T) {
	c := &clock{}
	ts := startServer(t, ":memory:", testConfig(c), c)
	admin := ts.signIn(t, DefaultAdminEmail, adminPassword)
	var models struct {
		Items []savedModel `json:"items"`
	}
	admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/models", nil).decode(&models)
	w := &uiWorld{ts: ts}
	run := w.runModel(t, admin, "demo", models.Items[0].ID, map[string]any{"trials": 2000, "seed": 1})
	get := func(lang string) string {
		req, _ := http.NewRequest(http.MethodGet, ts.url+"/orgs/demo", nil)
		req.Header.Set("Authorization", "Bearer "+admin.token)
		req.Header.Set("Accept-Language", lang)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /orgs/demo: %s", resp.Status)
		}
		return string(b)
	}
	first := get("en")
	for _, want := range []string{`id="lec-data"`, `class="risk-grid`, `id="top-h"`, `href="/orgs/demo/runs/` + strconv.FormatInt(run, 10) + `#s-`} {
		if !strings.Contains(first, want) {
			t.Fatalf("the dashboard lacks %q", want)
		}
	}
	rr := ts.srv.results.get(&store.Run{ID: run, OrgID: "demo", ModelID: models.Items[0].ID})
	if rr == nil {
		t.Fatal("the run's result is not kept")
	}
	if _, ok := rr.dashboard.Load("en demo"); !ok {
		t.Fatal("the dashboard's part of the run is not kept")
	}
	if again := get("en"); again != first {
		t.Error("the dashboard differs once its part of the run is kept")
	}
	fr := get("fr")
	if fr == first || !strings.Contains(fr, `<html lang="fr">`) {
		t.Error("the French dashboard is not in French")
	}
	ts.srv.results = newResultCache()
	ts.srv.dashboards.reset()
	if fresh := get("en"); fresh != first {
		t.Error("the dashboard rendered afresh differs from the kept one")
	}
}

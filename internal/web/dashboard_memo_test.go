package web

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestDashboardInputs: the dashboard is kept once rendered, by its
// inputs; after each change of an input — the runs and their results,
// the models, the chosen model, the path, the language (the browser's
// and the user's), the user's name and administrator flag, their role,
// their organisations — the page served is the one rendered afresh, and
// it shows the change.
func TestDashboardInputs(t *testing.T) {
	c := &clock{}
	ts := startServer(t, ":memory:", testConfig(c), c)
	ctx := t.Context()
	admin := ts.signIn(t, DefaultAdminEmail, adminPassword)
	admin.want(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": "vera@example.org", "password": "vera-password"})
	admin.want(http.StatusOK, "PUT", "/api/v1/orgs/demo/members/vera@example.org", map[string]string{"role": "viewer"})
	vera := ts.signIn(t, "vera@example.org", "vera-password")
	var models struct {
		Items []savedModel `json:"items"`
	}
	admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/models", nil).decode(&models)
	demoModel := models.Items[0].ID
	w := &uiWorld{ts: ts}

	get := func(who *client, path, lang string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, ts.url+path, nil)
		req.Header.Set("Authorization", "Bearer "+who.token)
		req.Header.Set("Accept-Language", lang)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		return string(b)
	}
	// check gets the page as kept (it was got before the change, and once
	// after it, so that a page kept after the change is served too), then
	// as rendered afresh, and compares.
	before := get(vera, "/orgs/demo", "en")
	check := func(what string, shows bool, who *client, path, lang string) {
		t.Helper()
		kept := get(who, path, lang)
		if again := get(who, path, lang); again != kept {
			t.Errorf("%s: the page differs from one request to the next", what)
		}
		ts.srv.dashboards.reset()
		fresh := get(who, path, lang)
		if kept != fresh {
			t.Errorf("%s: the page kept differs from the page rendered afresh", what)
		}
		if shows && fresh == before {
			t.Errorf("%s: the page does not change", what)
		}
		before = fresh
	}
	check("the same page", false, vera, "/orgs/demo", "en")

	w.runModel(t, admin, "demo", demoModel, map[string]any{"trials": 300, "seed": 1})
	check("a first run", true, vera, "/orgs/demo", "en")
	w.runModel(t, admin, "demo", demoModel, map[string]any{"trials": 300, "seed": 2})
	check("a second run (latest figures, trend)", true, vera, "/orgs/demo", "en")

	var saved savedModel
	admin.want(http.StatusCreated, "POST", "/api/v1/orgs/demo/models", map[string]string{"name": "second", "yaml": scenariosModel(3)}).decode(&saved)
	check("a new model", true, vera, "/orgs/demo", "en")
	admin.want(http.StatusOK, "PUT", fmt.Sprintf("/api/v1/orgs/demo/models/%d", saved.ID),
		map[string]any{"yaml": scenariosModel(4), "base_revision": 1})
	check("a new revision", false, vera, "/orgs/demo", "en")
	w.runModel(t, admin, "demo", saved.ID, map[string]any{"trials": 300, "seed": 3})
	check("a run of the new model (chosen, as the latest)", true, vera, "/orgs/demo", "en")
	check("the other model chosen", true, vera, fmt.Sprintf("/orgs/demo?model=%d", demoModel), "en")
	check("another query", true, vera, fmt.Sprintf("/orgs/demo?model=%d&x=1", demoModel), "en")
	check("the browser's language", true, vera, "/orgs/demo", "fr")
	check("back to English", true, vera, "/orgs/demo", "en")

	u, err := ts.db.UserByEmail(ctx, "vera@example.org")
	if err != nil {
		t.Fatal(err)
	}
	u.Language = "fr"
	if err := ts.db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	check("the user's language", true, vera, "/orgs/demo", "en")
	u.Language = ""
	if err := ts.db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	check("no language of the user's", true, vera, "/orgs/demo", "en")
	u.Name = "Vera V."
	if err := ts.db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	check("the user's name", true, vera, "/orgs/demo", "en")
	u.Admin = true
	if err := ts.db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	check("the administrator flag", true, vera, "/orgs/demo", "en")

	admin.want(http.StatusOK, "PUT", "/api/v1/orgs/demo/members/vera@example.org", map[string]string{"role": "analyst"})
	check("the role", true, vera, "/orgs/demo", "en")
	admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": "other", "name": "Other", "kind": "agency", "owner": "vera@example.org"})
	check("another organisation", true, vera, "/orgs/demo", "en")
	check("the other organisation's dashboard", true, vera, "/orgs/other", "en")
	check("another user", true, admin, "/orgs/demo", "en")

	admin.want(http.StatusNoContent, "DELETE", fmt.Sprintf("/api/v1/orgs/demo/models/%d", saved.ID), nil)
	check("a model deleted", true, vera, "/orgs/demo", "en")
}

// TestDashboardOtherServer: a change of an organisation's models or runs
// made through another server on the same database shows on the
// dashboard kept here at the next request.
func TestDashboardOtherServer(t *testing.T) {
	c := &clock{}
	db := filepath.Join(t.TempDir(), "scrutin.db")
	here := startServer(t, db, testConfig(c), c)
	there := startServer(t, db, testConfig(c), c)
	web := here.signedIn(t, DefaultAdminEmail, adminPassword, "en")
	first := web.get("/orgs/demo").want(http.StatusOK).body
	if web.get("/orgs/demo").want(http.StatusOK).body != first {
		t.Fatal("the page differs from one request to the next")
	}
	admin := there.signIn(t, DefaultAdminEmail, adminPassword)
	admin.want(http.StatusCreated, "POST", "/api/v1/orgs/demo/models", map[string]string{"name": "made elsewhere", "yaml": scenariosModel(3)})
	if p := web.get("/orgs/demo").want(http.StatusOK).body; !strings.Contains(p, "made elsewhere") {
		t.Error("a model saved through another server does not show")
	}
}

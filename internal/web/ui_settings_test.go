package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/attack"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/store"
)

// TestUISettings drives the members, sharing and administration forms:
// what each role may do, the messages of bad input, and that the changes
// are the API's (same checks, same audit log).
func TestUISettings(t *testing.T) {
	w := newUIWorld(t)
	alice := w.ts.signedIn(t, "alice@example.org", "alice-password", "en")
	carol := w.ts.signedIn(t, "carol@example.org", "carol-password", "en")
	bob := w.ts.signedIn(t, "bob@example.org", "bob-password", "fr")
	admin := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, "en")
	ctx := t.Context()
	role := func(email string) string {
		t.Helper()
		u, err := w.ts.srv.db.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		r, err := w.ts.srv.db.Role(ctx, "party-a", u.ID)
		if err != nil && !strings.Contains(err.Error(), "not found") {
			t.Fatal(err)
		}
		return r
	}

	t.Run("viewer reads, cannot change", func(t *testing.T) {
		carol.t = t
		carol.get("/orgs/party-a/members").want(http.StatusOK).
			contains("alice@example.org", "dan@example.org", "<code>anssi</code>").
			lacks("Add a member", `action="/orgs/party-a/members/remove"`, "Share with an agency")
		carol.post("/orgs/party-a/members", url.Values{"email": {"carol@example.org"}, "role": {"owner"}}).want(http.StatusForbidden)
		carol.post("/orgs/party-a/shares/remove", url.Values{"agency": {"anssi"}}).want(http.StatusForbidden)
		if got := role("carol@example.org"); got != store.RoleViewer {
			t.Errorf("carol is %q", got)
		}
	})

	t.Run("another organisation does not exist", func(t *testing.T) {
		bob.t = t
		bob.get("/orgs/party-a/members").want(http.StatusNotFound)
		bob.post("/orgs/party-a/members", url.Values{"email": {"bob@example.org"}, "role": {"owner"}}).want(http.StatusNotFound)
		bob.post("/orgs/party-a/shares", url.Values{"agency": {"anssi"}}).want(http.StatusNotFound)
		if got := role("bob@example.org"); got != "" {
			t.Errorf("bob became %q of party-a", got)
		}
	})

	t.Run("owner changes roles", func(t *testing.T) {
		alice.t = t
		r := alice.post("/orgs/party-a/members", url.Values{"email": {"dan@example.org"}, "role": {"viewer"}}).want(http.StatusSeeOther)
		alice.get(r.header.Get("Location")).want(http.StatusOK).contains("dan@example.org is now viewer.")
		if got := role("dan@example.org"); got != store.RoleViewer {
			t.Errorf("dan is %q", got)
		}
		alice.post("/orgs/party-a/members", url.Values{"email": {"bob@example.org"}, "role": {"analyst"}}).want(http.StatusSeeOther)
		if got := role("bob@example.org"); got != store.RoleAnalyst {
			t.Errorf("bob is %q", got)
		}
		alice.post("/orgs/party-a/members/remove", url.Values{"email": {"bob@example.org"}}).want(http.StatusSeeOther)
		if got := role("bob@example.org"); got != "" {
			t.Errorf("bob is still %q", got)
		}
		log := alice.get("/orgs/party-a/audit").want(http.StatusOK).contains("Member's role set")
		saysAll(t, log, "Alice made Bob analyst of the organisation", "Alice removed Bob from the organisation")
	})

	t.Run("bad member input", func(t *testing.T) {
		alice.t = t
		for _, c := range []struct{ email, role, msg string }{
			{"nobody@example.org", "viewer", "Give the e-mail address of an existing account."},
			{"not an address", "viewer", "Give the e-mail address of an existing account."},
			{"dan@example.org", "boss", "Choose a role: viewer, analyst or owner."},
			{"alice@example.org", "viewer", "owner"}, // the last owner stays
		} {
			r := alice.post("/orgs/party-a/members", url.Values{"email": {c.email}, "role": {c.role}}).want(http.StatusUnprocessableEntity)
			r.contains(`id="form-error"`, c.msg)
			checkHTML(t, "members error", r.body, w.ts.srv.assets.byPath)
		}
		if got := role("alice@example.org"); got != store.RoleOwner {
			t.Errorf("alice is %q", got)
		}
	})

	t.Run("sharing", func(t *testing.T) {
		alice.t = t
		alice.post("/orgs/party-a/shares/remove", url.Values{"agency": {"anssi"}}).want(http.StatusSeeOther)
		eve := w.ts.signedIn(t, "eve@example.org", "eve-password", "en")
		eve.get("/orgs/anssi/national").want(http.StatusOK).lacks("Party A")
		r := alice.get("/orgs/party-a/members").want(http.StatusOK)
		r.contains(`<option value="anssi">National agency</option>`, "Your results are shared with no agency.")
		alice.post("/orgs/party-a/shares", url.Values{"agency": {"anssi"}}).want(http.StatusSeeOther)
		eve.get("/orgs/anssi/national").want(http.StatusOK).contains("Party A")
		alice.post("/orgs/party-a/shares", url.Values{"agency": {"party-b"}}).want(http.StatusUnprocessableEntity).contains("not an agency")
		alice.post("/orgs/party-a/shares", url.Values{"agency": {"no-such"}}).want(http.StatusUnprocessableEntity).contains("Give the identifier of an agency organisation.")
		alice.post("/orgs/party-a/shares", url.Values{"agency": {"../x"}}).want(http.StatusUnprocessableEntity)
	})

	t.Run("administration", func(t *testing.T) {
		admin.t, alice.t = t, t
		alice.get("/admin").want(http.StatusForbidden)
		alice.post("/admin/orgs", url.Values{"id": {"party-c"}, "name": {"C"}, "kind": {"party"}}).want(http.StatusForbidden)
		admin.get("/admin").want(http.StatusOK).contains("party-a", "alice@example.org", "Create an account")
		admin.post("/admin/orgs", url.Values{"id": {"-bad"}, "name": {"X"}, "kind": {"party"}}).want(http.StatusUnprocessableEntity).
			contains(`id="org-error"`, "The identifier must start", `value="-bad"`)
		admin.post("/admin/orgs", url.Values{"id": {"party-c"}, "name": {"X"}, "kind": {"club"}}).want(http.StatusUnprocessableEntity).contains("Choose the kind")
		admin.post("/admin/orgs", url.Values{"id": {"party-a"}, "name": {"X"}, "kind": {"party"}}).want(http.StatusUnprocessableEntity)
		admin.post("/admin/users", url.Values{"email": {"frank@example.org"}, "password": {"short"}}).want(http.StatusUnprocessableEntity).
			contains(`id="user-error"`, "at least 8 characters", `value="frank@example.org"`)
		r := admin.post("/admin/users", url.Values{"email": {"frank@example.org"}, "name": {"Frank"}, "password": {"frank-password"}}).want(http.StatusSeeOther)
		admin.get(r.header.Get("Location")).want(http.StatusOK).contains("The account frank@example.org was created.")
		admin.post("/admin/users", url.Values{"email": {"frank@example.org"}, "password": {"frank-password"}}).want(http.StatusUnprocessableEntity)
		admin.post("/admin/orgs", url.Values{"id": {"party-c"}, "name": {"Party C"}, "kind": {"party"}, "owner": {"frank@example.org"}}).want(http.StatusSeeOther)
		frank := w.ts.signedIn(t, "frank@example.org", "frank-password", "en")
		frank.get("/orgs/party-c/members").want(http.StatusOK).contains("Add a member")
		if o, err := w.ts.srv.db.Org(ctx, "party-c"); err != nil || o.Name != "Party C" {
			t.Errorf("party-c: %+v %v", o, err)
		}
	})

	// The errors the store and the server give a form are in the page's
	// language.
	t.Run("errors in French", func(t *testing.T) {
		adminFR := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, "fr")
		adminFR.post("/admin/orgs", url.Values{"id": {"party-a"}, "name": {"X"}, "kind": {"party"}}).want(http.StatusUnprocessableEntity).
			contains("l'organisation party-a existe déjà").lacks("already exists")
		aliceFR := w.ts.signedIn(t, "alice@example.org", "alice-password", "fr")
		aliceFR.post("/orgs/party-a/shares", url.Values{"agency": {"party-b"}}).want(http.StatusUnprocessableEntity).
			contains("party-b est de type party, pas une agence").lacks("not an agency")
		aliceFR.post("/orgs/party-a/members", url.Values{"email": {"alice@example.org"}, "role": {"viewer"}}).want(http.StatusUnprocessableEntity).
			contains("alice@example.org est le dernier propriétaire de party-a").lacks("last owner")
	})
}

// TestNationalSummary checks the summary of the national view: counts,
// totals per currency (never across currencies) and the models beyond
// their tolerance, the largest mean first.
func TestNationalSummary(t *testing.T) {
	now := time.Now()
	m := func(name, cur string, mean float64, tol *nationalTolerance, ran bool) nationalModelView {
		v := nationalModelView{Model: name, Currency: cur, Tolerance: tol,
			Portfolio: nationalPortfolio{Mean: mean, Quantiles: map[string]float64{"p99": 10 * mean}}}
		if ran {
			v.AsOf = &now
		}
		return v
	}
	breached, within := &nationalTolerance{Breached: true}, &nationalTolerance{}
	nv := &nationalView{Organisations: []nationalOrgView{
		{ID: "a", Name: "A", Models: []nationalModelView{m("a1", "EUR", 100, breached, true), m("a2", "EUR", 50, within, true), m("a3", "EUR", 0, nil, false)}},
		{ID: "b", Name: "B", Models: []nationalModelView{m("b1", "EUR", 300, breached, true), m("b2", "USD", 7, nil, true)}},
		{ID: "c", Name: "C"},
	}}
	got := nationalSummaryOf(nv)
	if got.Orgs != 3 || got.Models != 5 || got.Results != 4 || got.Exceeding != 2 || got.Within != 1 {
		t.Errorf("counts: %+v", got)
	}
	if want := []moneyTotal{{"EUR", 450}, {"USD", 7}}; !slices.Equal(got.Totals, want) {
		t.Errorf("totals %v, want %v", got.Totals, want)
	}
	if len(got.Exceed) != 2 || got.Exceed[0].Model != "b1" || got.Exceed[1].Model != "a1" || got.Exceed[0].P99 != 3000 {
		t.Errorf("beyond tolerance: %+v", got.Exceed)
	}
	if s := nationalSummaryOf(&nationalView{}); s.Orgs != 0 || s.Totals != nil {
		t.Errorf("empty: %+v", s)
	}
}

// TestAttackCatalogConfig checks that the coverage page uses the
// catalogue the server is given (scrutin serve passes the one imported
// into the data directory), not always the embedded one.
func TestAttackCatalogConfig(t *testing.T) {
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := cat.Actor("G0007")
	if a == nil {
		t.Fatal("no G0007 in the embedded catalogue")
	}
	a.Name = "Imported-Catalogue-Bear"
	c := &clock{}
	cfg := testConfig(c)
	cfg.Attack = cat
	ts := startServer(t, ":memory:", cfg, c)
	b := ts.signedIn(t, DefaultAdminEmail, adminPassword, "en")
	ms, err := ts.db.Models(t.Context(), "demo", store.Page{Limit: 10})
	if err != nil || len(ms) == 0 {
		t.Fatalf("demo models: %v %v", ms, err)
	}
	b.get(fmt.Sprintf("/orgs/demo/models/%d/attack?actor=G0007", ms[0].ID)).want(http.StatusOK).contains("Imported-Catalogue-Bear")
}

// TestCancelledRequestIsNotAnError checks that a request its client
// cancelled is not answered (nor logged) as an internal error, while the
// same error with the request still alive is one.
func TestCancelledRequestIsNotAnError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := fmt.Errorf("building the report: %w", context.Canceled)
	if b := errorResponse(ctx, err); b.status != statusClientClosed {
		t.Errorf("cancelled request: status %d", b.status)
	}
	if b := errorResponse(context.Background(), err); b.status != http.StatusInternalServerError {
		t.Errorf("live request: status %d", b.status)
	}
}

// TestDrawNumber checks the numbers of a tree drawing: adtree's decimals,
// written the page's way.
func TestDrawNumber(t *testing.T) {
	en, fr := i18n.New(i18n.English), i18n.New(i18n.French)
	for _, c := range []struct {
		x      float64
		en, fr string
	}{
		{2000, "2,000", fr.Number(2000, 0)},
		{0.95, "0.95", "0,95"},
		{0.123456, "0.1235", "0,1235"},
		{1.5, "1.5", "1,5"},
		{12.345, "12.35", "12,35"},
		{0, "0", "0"},
		{1e-6, "1e-06", "1e-06"},
	} {
		if got := drawNumber(en, c.x); got != c.en {
			t.Errorf("en %v: %q, want %q", c.x, got, c.en)
		}
		if got := drawNumber(fr, c.x); got != c.fr {
			t.Errorf("fr %v: %q, want %q", c.x, got, c.fr)
		}
	}
}

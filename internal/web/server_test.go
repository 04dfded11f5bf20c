package web

import (
	"context"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

// TestAPI drives the real server through its API, step by step, each step
// building on the ones before.
func TestAPI(t *testing.T) {
	backends(t, false, func(t *testing.T, dsn func(testing.TB) string) {
		c := &clock{}
		w := &world{t: t, ts: startServer(t, dsn(t), testConfig(c), c), evidence: map[string]int64{}}
		steps := []struct {
			name string
			fn   func(t *testing.T, w *world)
		}{
			{"FirstStart", testFirstStart},
			{"Tokens", testTokens},
			{"Setup", testSetup},
			{"AuthRules", testAuthRules},
			{"Models", testModels},
			{"Runs", testRuns},
			{"Cancel", testCancel},
			{"Evidence", testEvidence},
			{"Plans", testPlans},
			{"Isolation", testIsolation},
			{"Sharing", testSharing},
			{"Sessions", testSessions},
			{"CrossOrigin", testCrossOrigin},
			{"SecurityHeaders", testSecurityHeaders},
			{"RateLimit", testRateLimit},
			{"Audit", testAudit},
			{"Health", testHealth},
			{"OpenAPI", testOpenAPI},
			{"NoSecretsLogged", testNoSecretsLogged},
		}
		for _, s := range steps {
			if !t.Run(s.name, func(t *testing.T) { w.bind(t); s.fn(t, w) }) {
				return // the later steps need this one
			}
		}
	})
}

// world is what the steps share: the server, a client per user, and the
// ids of what they made.
type world struct {
	t                                    *testing.T
	ts                                   *testServer
	anon, admin                          *client
	alice, carol, dan, bob, eve          *client // owner, viewer, analyst of party-a; owner of party-b; owner of the agency
	minimal, election, calibration, bMod int64   // model ids (bMod is party-b's)
	run, canceledRun, calibratedRun      int64
	plan                                 int64
	evidence                             map[string]int64
	secrets                              []string // must never appear in the logs
}

// bind makes the clients report to the step's t.
func (w *world) bind(t *testing.T) {
	for _, c := range []*client{w.anon, w.admin, w.alice, w.carol, w.dan, w.bob, w.eve} {
		if c != nil {
			c.t = t
		}
	}
}

func testFirstStart(t *testing.T, w *world) {
	w.anon = w.ts.client(t)
	w.admin = w.ts.signIn(t, DefaultAdminEmail, adminPassword)
	w.secrets = append(w.secrets, adminPassword, w.admin.token)
	var me meView
	w.admin.want(http.StatusOK, "GET", "/api/v1/me", nil).decode(&me)
	if !me.User.Admin || me.User.Email != DefaultAdminEmail {
		t.Errorf("me: %+v", me.User)
	}
	if want := []orgView{{ID: DemoOrg, Name: "Demo campaign", Kind: "campaign", Role: "owner"}}; !reflect.DeepEqual(me.Orgs, want) {
		t.Errorf("orgs %+v, want %+v", me.Orgs, want)
	}
	var models list[map[string]any]
	w.admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/models", nil).decode(&models)
	if len(models.Items) != 1 || models.Items[0]["revision"] != 1.0 {
		t.Errorf("demo models: %+v", models.Items)
	}
	// A second bootstrap (a restart) changes nothing.
	res, err := Bootstrap(context.Background(), w.ts.db, BootstrapOptions{DemoModel: []byte("x")})
	if err != nil || res.FirstStart || res.GeneratedPassword != "" {
		t.Errorf("second Bootstrap: %+v, %v", res, err)
	}
}

func testTokens(t *testing.T, w *world) {
	wrong := w.anon.want(http.StatusUnauthorized, "POST", "/api/v1/auth/token", map[string]string{"email": DefaultAdminEmail, "password": "wrong-password"}).errorOf()
	unknown := w.anon.want(http.StatusUnauthorized, "POST", "/api/v1/auth/token", map[string]string{"email": "nobody@example.org", "password": "wrong-password"}).errorOf()
	if wrong.Code != model.EUNAUTHORIZED || wrong.Message != unknown.Message {
		t.Errorf("a wrong password (%+v) and an unknown email (%+v) must answer alike", wrong, unknown)
	}
	// Revoking the token in use.
	c := w.ts.signIn(t, DefaultAdminEmail, adminPassword)
	c.want(http.StatusOK, "GET", "/api/v1/me", nil)
	c.want(http.StatusNoContent, "DELETE", "/api/v1/auth/token", nil)
	if e := c.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil).errorOf(); e.Code != model.EUNAUTHORIZED {
		t.Errorf("revoked token: %+v", e)
	}
	// An expiring token stops working when it expires.
	var tok struct {
		Token     string
		ExpiresAt *time.Time `json:"expires_at"`
	}
	w.anon.want(http.StatusCreated, "POST", "/api/v1/auth/token", map[string]any{"email": DefaultAdminEmail, "password": adminPassword, "expires_in": 3600, "name": "ci"}).decode(&tok)
	if tok.ExpiresAt == nil {
		t.Fatal("no expires_at")
	}
	c = w.ts.client(t)
	c.token = tok.Token
	c.want(http.StatusOK, "GET", "/api/v1/me", nil)
	w.ts.clock.advance(2 * time.Hour)
	c.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)
	// Malformed credentials.
	c.token = ""
	c.header.Set("Authorization", "Basic YWRtaW46YWRtaW4=")
	c.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)
	// The request body is checked: unknown fields and missing ones.
	if e := w.anon.want(http.StatusUnprocessableEntity, "POST", "/api/v1/auth/token", map[string]string{"email": "a@b"}).errorOf(); len(e.Problems) == 0 {
		t.Errorf("missing password: %+v", e)
	}
	if e := w.anon.want(http.StatusBadRequest, "POST", "/api/v1/auth/token", `{"email":`).errorOf(); e.Code != model.EINVALID {
		t.Errorf("unreadable JSON: %+v", e)
	}
}

func testSetup(t *testing.T, w *world) {
	users := []string{"alice", "carol", "dan", "bob", "eve"}
	for _, u := range users {
		w.admin.want(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": u + "@example.org", "password": u + "-password", "name": u})
	}
	w.admin.want(http.StatusConflict, "POST", "/api/v1/users", map[string]string{"email": "ALICE@example.org", "password": "whatever-1", "name": "dup"})
	w.admin.want(http.StatusUnprocessableEntity, "POST", "/api/v1/users", map[string]string{"email": "short@example.org", "password": "short"})
	w.admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": "party-a", "name": "Party A", "kind": "party", "owner": "alice@example.org"})
	w.admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": "party-b", "name": "Party B", "kind": "party", "owner": "bob@example.org"})
	w.admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": "anssi", "name": "Agency", "kind": "agency", "owner": "eve@example.org"})
	w.admin.want(http.StatusConflict, "POST", "/api/v1/orgs", map[string]string{"id": "party-a", "name": "Again", "kind": "party"})
	w.admin.want(http.StatusUnprocessableEntity, "POST", "/api/v1/orgs", map[string]string{"id": "x", "name": "X", "kind": "club"})
	w.alice = w.ts.signIn(t, "alice@example.org", "alice-password")
	w.carol = w.ts.signIn(t, "carol@example.org", "carol-password")
	w.dan = w.ts.signIn(t, "dan@example.org", "dan-password")
	w.bob = w.ts.signIn(t, "bob@example.org", "bob-password")
	w.eve = w.ts.signIn(t, "eve@example.org", "eve-password")
	w.secrets = append(w.secrets, w.alice.token, "alice-password", w.bob.token)
	w.alice.want(http.StatusOK, "PUT", "/api/v1/orgs/party-a/members/carol@example.org", map[string]string{"role": "viewer"})
	w.alice.want(http.StatusOK, "PUT", "/api/v1/orgs/party-a/members/dan@example.org", map[string]string{"role": "analyst"})
	var members list[map[string]any]
	w.carol.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/members", nil).decode(&members)
	roles := map[string]any{}
	for _, m := range members.Items {
		roles[m["email"].(string)] = m["role"]
	}
	if want := map[string]any{"alice@example.org": "owner", "carol@example.org": "viewer", "dan@example.org": "analyst"}; !reflect.DeepEqual(roles, want) {
		t.Errorf("members %v, want %v", roles, want)
	}
	var mine list[orgView]
	w.alice.want(http.StatusOK, "GET", "/api/v1/orgs", nil).decode(&mine)
	if len(mine.Items) != 1 || mine.Items[0].ID != "party-a" || mine.Items[0].Role != "owner" {
		t.Errorf("alice's orgs: %+v", mine.Items)
	}
	var all list[orgView]
	w.admin.want(http.StatusOK, "GET", "/api/v1/orgs", nil).decode(&all)
	if len(all.Items) != 4 {
		t.Errorf("the administrator sees %d organisations, want 4: %+v", len(all.Items), all.Items)
	}
	var users1 list[map[string]any]
	w.admin.want(http.StatusOK, "GET", "/api/v1/users?limit=2", nil).decode(&users1)
	if len(users1.Items) != 2 || users1.NextCursor == "" {
		t.Fatalf("users page 1: %+v", users1)
	}
	var users2 list[map[string]any]
	w.admin.want(http.StatusOK, "GET", "/api/v1/users?limit=2&cursor="+users1.NextCursor, nil).decode(&users2)
	if len(users2.Items) != 2 || users2.Items[0]["id"].(float64) >= users1.Items[1]["id"].(float64) {
		t.Errorf("users page 2: %+v after %+v", users2.Items, users1.Items)
	}
	for _, u := range append(users1.Items, users2.Items...) {
		if _, ok := u["password_hash"]; ok {
			t.Errorf("a password hash is shown: %v", u)
		}
	}
}

func testAuthRules(t *testing.T, w *world) {
	// No credentials: 401, everywhere but sign-in and the health checks.
	for _, r := range [][2]string{{"GET", "/api/v1/me"}, {"GET", "/api/v1/orgs"}, {"GET", "/api/v1/orgs/party-a/models"},
		{"POST", "/api/v1/orgs/party-a/models"}, {"GET", "/api/v1/orgs/nobody/models"}, {"GET", "/api/v1/audit"}, {"POST", "/api/v1/users"}} {
		if e := w.anon.want(http.StatusUnauthorized, r[0], r[1], map[string]string{}).errorOf(); e.Code != model.EUNAUTHORIZED {
			t.Errorf("%s %s: %+v", r[0], r[1], e)
		}
	}
	// The administrator's routes: 403 for others.
	w.alice.want(http.StatusForbidden, "POST", "/api/v1/users", map[string]string{"email": "x@example.org", "password": "xxxxxxxxxx"})
	w.alice.want(http.StatusForbidden, "GET", "/api/v1/users", nil)
	w.alice.want(http.StatusForbidden, "POST", "/api/v1/orgs", map[string]string{"id": "mine", "name": "Mine", "kind": "party"})
	w.alice.want(http.StatusForbidden, "GET", "/api/v1/audit", nil)
	// A member without the role: 403 (they know the organisation exists).
	yaml := exampleModel(t, "minimal.yaml")
	if e := w.carol.want(http.StatusForbidden, "POST", "/api/v1/orgs/party-a/models", map[string]string{"name": "m", "yaml": yaml}).errorOf(); e.Code != model.EFORBIDDEN {
		t.Errorf("viewer creating a model: %+v", e)
	}
	w.carol.want(http.StatusForbidden, "PUT", "/api/v1/orgs/party-a/members/carol@example.org", map[string]string{"role": "owner"})
	w.dan.want(http.StatusForbidden, "PUT", "/api/v1/orgs/party-a/members/dan@example.org", map[string]string{"role": "owner"})
	w.carol.want(http.StatusForbidden, "GET", "/api/v1/orgs/party-a/audit", nil)
	// The last owner stays owner.
	w.alice.want(http.StatusConflict, "PUT", "/api/v1/orgs/party-a/members/alice@example.org", map[string]string{"role": "viewer"})
	w.alice.want(http.StatusConflict, "DELETE", "/api/v1/orgs/party-a/members/alice@example.org", nil)
	w.alice.want(http.StatusUnprocessableEntity, "PUT", "/api/v1/orgs/party-a/members/dan@example.org", map[string]string{"role": "king"})
	w.alice.want(http.StatusNotFound, "PUT", "/api/v1/orgs/party-a/members/nobody@example.org", map[string]string{"role": "viewer"})
}

package web

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// TestSignInLimitPerAddress: failures from one address for the
// administrator's email throttle that address (429 with Retry-After),
// never the administrator signing in from another one; on the API and
// the sign-in page alike.
func TestSignInLimitPerAddress(t *testing.T) {
	c := &clock{}
	cfg := testConfig(c)
	cfg.TrustProxy = true // the tests' clients all come from 127.0.0.1
	cfg.Login = LoginLimit{PerAddress: 1, AddressBurst: 100, PerAccount: 0.1, AccountBurst: 5}
	ts := startServer(t, ":memory:", cfg, c)
	from := func(addr string) *client {
		cl := ts.client(t)
		cl.header.Set("X-Forwarded-For", addr)
		return cl
	}
	attacker, owner := from("203.0.113.66"), from("198.51.100.7")
	wrong := map[string]string{"email": DefaultAdminEmail, "password": "not-the-password"}
	for range 5 {
		attacker.want(http.StatusUnauthorized, "POST", "/api/v1/auth/token", wrong)
	}
	r := attacker.want(http.StatusTooManyRequests, "POST", "/api/v1/auth/token", wrong)
	if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	// Even the right password is refused from that address for now…
	attacker.want(http.StatusTooManyRequests, "POST", "/api/v1/auth/login", map[string]string{"email": DefaultAdminEmail, "password": adminPassword})
	// … but the administrator signs in from another address, by token,
	// session and the sign-in page.
	owner.want(http.StatusCreated, "POST", "/api/v1/auth/token", map[string]string{"email": DefaultAdminEmail, "password": adminPassword})
	owner.want(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": DefaultAdminEmail, "password": adminPassword})
	b := ts.browser(t, "en")
	b.header = http.Header{"X-Forwarded-For": {"198.51.100.8"}}
	if p := b.post("/signin", url.Values{"email": {DefaultAdminEmail}, "password": {adminPassword}, "next": {"/orgs"}}); p.status != http.StatusSeeOther {
		t.Errorf("sign-in page from another address: %d", p.status)
	}
	// The page from the attacker's address is throttled too, in the
	// page's language.
	fr := ts.browser(t, "fr")
	fr.header = http.Header{"X-Forwarded-For": {"203.0.113.66"}}
	p := fr.post("/signin", url.Values{"email": {DefaultAdminEmail}, "password": {"again-wrong"}}).want(http.StatusTooManyRequests)
	p.contains("Trop de tentatives de connexion")
	if p.header.Get("Retry-After") == "" {
		t.Errorf("the page's 429 has no Retry-After")
	}
	// Another account from the attacker's address is not blocked by the
	// failures on the administrator's; time refills the bucket.
	attacker.want(http.StatusUnauthorized, "POST", "/api/v1/auth/token", map[string]string{"email": "other@example.org", "password": "guess-password"})
	c.advance(11 * time.Second)
	attacker.want(http.StatusUnauthorized, "POST", "/api/v1/auth/token", wrong)
}

// TestDiskFull: when the database cannot grow (SQLite's max_page_count
// gives the very SQLITE_FULL of a full disk), a change answers 507 with a
// message that says so, on the API and on the pages (in their language),
// and the server goes on reading.
func TestDiskFull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scrutin.db")
	c := &clock{}
	ts := startServer(t, path, testConfig(c), c)
	ts.stop(t)
	ts.db.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := raw.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	ts = startServer(t, fmt.Sprintf("file:%s?_pragma=max_page_count(%d)", path, pages+2), testConfig(c), c)
	admin := ts.signIn(t, DefaultAdminEmail, adminPassword)
	b := ts.signedIn(t, DefaultAdminEmail, adminPassword, "fr")
	big := exampleModel(t, "minimal.yaml") + strings.Repeat("# a comment line to fill the database up with some bytes\n", 2000)
	r := admin.want(http.StatusInsufficientStorage, "POST", "/api/v1/orgs/demo/models", map[string]string{"name": "big", "yaml": big})
	if e := r.errorOf(); e.Code != model.ENOSPACE || !strings.Contains(e.Message, "full") {
		t.Errorf("507: %+v", e)
	}
	admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/models", nil)
	b.post("/orgs/demo/models", url.Values{"name": {"big"}, "yaml": {big}, "message": {"x"}}).want(http.StatusInsufficientStorage).contains("plein")
}

// TestAccountAdministration: API tokens expire by default; the
// administrator and owners disable and enable users, reset their
// passwords and revoke their tokens and sessions, each recorded in the
// audit log; a disabled user's credentials stop working at once; an
// owner acts only on users whose every organisation they own.
func TestAccountAdministration(t *testing.T) {
	c := &clock{}
	cfg := testConfig(c)
	cfg.TokenTTL = 48 * time.Hour
	ts := startServer(t, ":memory:", cfg, c)
	admin := ts.signIn(t, DefaultAdminEmail, adminPassword)

	// Tokens expire by default, and never later than TokenTTL.
	var tok struct {
		Token     string
		ExpiresAt *time.Time `json:"expires_at"`
	}
	ts.client(t).want(http.StatusCreated, "POST", "/api/v1/auth/token", map[string]string{"email": DefaultAdminEmail, "password": adminPassword}).decode(&tok)
	if tok.ExpiresAt == nil || tok.ExpiresAt.Sub(c.Now()) > 48*time.Hour || tok.ExpiresAt.Sub(c.Now()) < 47*time.Hour {
		t.Errorf("a token without expires_in expires at %v, want in 48 h", tok.ExpiresAt)
	}
	ts.client(t).want(http.StatusUnprocessableEntity, "POST", "/api/v1/auth/token", map[string]any{"email": DefaultAdminEmail, "password": adminPassword, "expires_in": 49 * 3600})
	expiring := ts.client(t)
	expiring.token = tok.Token
	c.advance(49 * time.Hour)
	expiring.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)
	admin = ts.signIn(t, DefaultAdminEmail, adminPassword)

	for _, u := range []string{"alice", "carol", "dan", "bob"} {
		admin.want(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": u + "@example.org", "password": u + "-password"})
	}
	admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": "party-a", "name": "Party A", "kind": "party", "owner": "alice@example.org"})
	admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": "party-b", "name": "Party B", "kind": "party", "owner": "bob@example.org"})
	alice := ts.signIn(t, "alice@example.org", "alice-password")
	alice.want(http.StatusOK, "PUT", "/api/v1/orgs/party-a/members/carol@example.org", map[string]string{"role": "viewer"})
	alice.want(http.StatusOK, "PUT", "/api/v1/orgs/party-a/members/dan@example.org", map[string]string{"role": "analyst"})
	bob := ts.signIn(t, "bob@example.org", "bob-password")
	bob.want(http.StatusOK, "PUT", "/api/v1/orgs/party-b/members/dan@example.org", map[string]string{"role": "viewer"})
	carol := ts.signIn(t, "carol@example.org", "carol-password")
	carolWeb := ts.signedIn(t, "carol@example.org", "carol-password", "en")

	// An owner disables a member of their organisation: the member's
	// token and session stop working at once, and they cannot sign in.
	var u map[string]any
	alice.want(http.StatusOK, "POST", "/api/v1/users/carol@example.org/disable", nil).decode(&u)
	if u["disabled_at"] == nil {
		t.Errorf("disabled: %v", u)
	}
	carol.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)
	if p := carolWeb.get("/orgs"); p.status != http.StatusFound || !strings.HasPrefix(p.header.Get("Location"), "/signin") {
		t.Errorf("a disabled user's session still opens pages: %d %s", p.status, p.header.Get("Location"))
	}
	e := ts.client(t).want(http.StatusUnauthorized, "POST", "/api/v1/auth/token", map[string]string{"email": "carol@example.org", "password": "carol-password"}).errorOf()
	if !strings.Contains(e.Message, "disabled") {
		t.Errorf("signing in disabled: %+v", e)
	}
	var members list[map[string]any]
	alice.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/members", nil).decode(&members)
	for _, m := range members.Items {
		if (m["disabled"] == true) != (m["email"] == "carol@example.org") {
			t.Errorf("member %v", m)
		}
	}
	alice.want(http.StatusOK, "POST", "/api/v1/users/carol@example.org/enable", nil)
	carol = ts.signIn(t, "carol@example.org", "carol-password")

	// A password reset: the old password and every token go.
	alice.want(http.StatusUnprocessableEntity, "PUT", "/api/v1/users/carol@example.org/password", map[string]string{"password": "short"})
	alice.want(http.StatusNoContent, "PUT", "/api/v1/users/carol@example.org/password", map[string]string{"password": "carol-new-password"})
	carol.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)
	ts.client(t).want(http.StatusUnauthorized, "POST", "/api/v1/auth/token", map[string]string{"email": "carol@example.org", "password": "carol-password"})
	carol = ts.signIn(t, "carol@example.org", "carol-new-password")

	// Revoking tokens and sessions, and no more.
	var revoked struct{ Revoked int }
	alice.want(http.StatusOK, "DELETE", "/api/v1/users/carol@example.org/tokens", nil).decode(&revoked)
	if revoked.Revoked != 1 {
		t.Errorf("revoked %d, want 1", revoked.Revoked)
	}
	carol.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)
	carol = ts.signIn(t, "carol@example.org", "carol-new-password")

	// Who may act on whom.
	for _, tt := range []struct {
		who    *client
		target string
		status int
	}{
		{alice, "dan@example.org", http.StatusForbidden},   // also in party-b, which alice does not own
		{alice, "bob@example.org", http.StatusNotFound},    // in none of alice's organisations
		{alice, "nobody@example.org", http.StatusNotFound}, // as for a user who does not exist
		{alice, DefaultAdminEmail, http.StatusNotFound},    // not a member of party-a
		{alice, "alice@example.org", http.StatusConflict},  // herself
		{carol, "alice@example.org", http.StatusForbidden}, // a viewer
		{admin, DefaultAdminEmail, http.StatusConflict},    // himself
		{admin, "nobody@example.org", http.StatusNotFound}, // does not exist
		{bob, "carol@example.org", http.StatusNotFound},    // not in party-b
	} {
		for _, a := range [][3]string{{"POST", "disable", ""}, {"PUT", "password", "a-fine-new-password"}, {"DELETE", "tokens", ""}} {
			var body any
			if a[2] != "" {
				body = map[string]string{"password": a[2]}
			}
			tt.who.want(tt.status, a[0], "/api/v1/users/"+tt.target+"/"+a[1], body)
		}
	}
	// The administrator acts on anyone, the owner of party-a included;
	// an owner of the administrator's organisation may not act on the
	// administrator.
	admin.want(http.StatusOK, "POST", "/api/v1/users/dan@example.org/disable", nil)
	admin.want(http.StatusOK, "POST", "/api/v1/users/dan@example.org/enable", nil)
	admin.want(http.StatusOK, "PUT", "/api/v1/orgs/party-a/members/"+DefaultAdminEmail, map[string]string{"role": "viewer"})
	alice.want(http.StatusForbidden, "POST", "/api/v1/users/"+DefaultAdminEmail+"/disable", nil)
	admin.want(http.StatusOK, "POST", "/api/v1/users/alice@example.org/disable", nil)
	alice.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)

	// Every action is in the site's log and in the log of the
	// organisations of the user acted on.
	for _, org := range []string{"", "party-a"} {
		entries, err := ts.db.AuditLog(t.Context(), org, store.Page{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, e := range entries {
			n[e.Action]++
		}
		if n["user.disable"] != 3 || n["user.enable"] != 2 || n["user.password.reset"] != 1 || n["user.tokens.revoke"] != 1 {
			t.Errorf("audit: %v", n)
		}
	}
}

// TestUIAccounts: the members and administration pages act on accounts
// as the API does, show the actions only where the rule allows them, and
// say what was done in the reader's language.
func TestUIAccounts(t *testing.T) {
	w := newUIWorld(t) // party-a: alice owner, dan analyst, carol viewer; party-b: bob
	w.bob.want(http.StatusOK, "PUT", "/api/v1/orgs/party-b/members/dan@example.org", map[string]string{"role": "viewer"})
	alice := w.ts.signedIn(t, "alice@example.org", "alice-password", "fr")
	p := alice.get("/orgs/party-a/members").want(http.StatusOK)
	checkHTML(t, "members (owner)", p.body, w.ts.srv.assets.byPath)
	p.contains(`aria-label="Désactiver le compte de carol@example.org`).lacks(`aria-label="Désactiver le compte de dan@example.org`, `aria-label="Désactiver le compte de alice@example.org`)
	carol := w.ts.signedIn(t, "carol@example.org", "carol-password", "en")
	carol.get("/orgs/party-a/members").want(http.StatusOK).lacks("Disable the account", "Reset the password")

	// Disable: the session of carol stops; her sign-in says why.
	r := alice.post("/orgs/party-a/accounts", url.Values{"email": {"carol@example.org"}, "do": {"disable"}}).want(http.StatusSeeOther)
	alice.get(r.header.Get("Location")).want(http.StatusOK).contains("Le compte de carol@example.org est désactivé", "désactivé</span>")
	if p := carol.get("/orgs/party-a"); p.status != http.StatusFound {
		t.Errorf("a disabled user's session: %d", p.status)
	}
	w.ts.browser(t, "en").post("/signin", url.Values{"email": {"carol@example.org"}, "password": {"carol-password"}}).
		want(http.StatusUnauthorized).contains("This account is disabled")
	alice.post("/orgs/party-a/accounts", url.Values{"email": {"carol@example.org"}, "do": {"enable"}}).want(http.StatusSeeOther)
	carol = w.ts.signedIn(t, "carol@example.org", "carol-password", "en")

	// Reset: a short password is refused on the page; a good one works.
	alice.post("/orgs/party-a/accounts", url.Values{"email": {"carol@example.org"}, "do": {"password"}, "password": {"short"}}).
		want(http.StatusUnprocessableEntity).contains("Le mot de passe doit compter au moins 8 caractères")
	alice.post("/orgs/party-a/accounts", url.Values{"email": {"carol@example.org"}, "do": {"password"}, "password": {"carol-reset-password"}}).want(http.StatusSeeOther)
	if p := carol.get("/orgs/party-a"); p.status != http.StatusFound {
		t.Errorf("a session after a password reset: %d", p.status)
	}
	carol = w.ts.signedIn(t, "carol@example.org", "carol-reset-password", "en")
	alice.post("/orgs/party-a/accounts", url.Values{"email": {"carol@example.org"}, "do": {"revoke"}}).want(http.StatusSeeOther)
	if p := carol.get("/orgs/party-a"); p.status != http.StatusFound {
		t.Errorf("a session after signing out everywhere: %d", p.status)
	}
	// Not on dan (also in party-b), whatever the form says.
	alice.post("/orgs/party-a/accounts", url.Values{"email": {"dan@example.org"}, "do": {"disable"}}).want(http.StatusForbidden)
	carol = w.ts.signedIn(t, "carol@example.org", "carol-reset-password", "en")
	carol.post("/orgs/party-a/accounts", url.Values{"email": {"dan@example.org"}, "do": {"disable"}}).want(http.StatusForbidden)

	// The administrator, on the administration page: on anyone but
	// himself.
	admin := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, "en")
	p = admin.get("/admin").want(http.StatusOK)
	checkHTML(t, "admin (accounts)", p.body, w.ts.srv.assets.byPath)
	p.contains(`aria-label="Disable the account of dan@example.org`).lacks(`aria-label="Disable the account of ` + DefaultAdminEmail)
	r = admin.post("/admin/accounts", url.Values{"email": {"dan@example.org"}, "do": {"disable"}}).want(http.StatusSeeOther)
	admin.get(r.header.Get("Location")).want(http.StatusOK).contains("The account of dan@example.org is disabled")
	w.dan.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)
	admin.post("/admin/accounts", url.Values{"email": {DefaultAdminEmail}, "do": {"disable"}}).want(http.StatusUnprocessableEntity).contains("your own account")
	alice.post("/admin/accounts", url.Values{"email": {"dan@example.org"}, "do": {"enable"}}).want(http.StatusForbidden)
}

// TestCommonPasswords: a common password is refused wherever a password
// is set: the first administrator's, a new user's, a reset, a change.
func TestCommonPasswords(t *testing.T) {
	db, err := store.Open(t.Context(), ":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = Bootstrap(t.Context(), db, BootstrapOptions{AdminPassword: "Trustno1", Password: fastPasswords})
	if err == nil || !strings.Contains(err.Error(), "SCRUTIN_ADMIN_PASSWORD") || !strings.Contains(err.Error(), "common") {
		t.Errorf("bootstrap with a common password: %v", err)
	}
	c := &clock{}
	ts := startServer(t, ":memory:", testConfig(c), c)
	admin := ts.signIn(t, DefaultAdminEmail, adminPassword)
	admin.want(http.StatusUnprocessableEntity, "POST", "/api/v1/users", map[string]string{"email": "x@example.org", "password": "Baseball"})
	admin.want(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": "x@example.org", "password": "x-password"})
	admin.want(http.StatusUnprocessableEntity, "PUT", "/api/v1/users/x@example.org/password", map[string]string{"password": "superman"})
	admin.want(http.StatusUnprocessableEntity, "PUT", "/api/v1/me/password", map[string]string{"current": adminPassword, "password": "iloveyou"})
	admin.want(http.StatusNoContent, "PUT", "/api/v1/me/password", map[string]string{"current": adminPassword, "password": "a-new-admin-password"})
	fr := ts.signedIn(t, DefaultAdminEmail, "a-new-admin-password", "fr")
	fr.post("/admin/users", url.Values{"email": {"y@example.org"}, "password": {"football"}}).
		want(http.StatusUnprocessableEntity).contains("ce mot de passe fait partie des plus courants")
}

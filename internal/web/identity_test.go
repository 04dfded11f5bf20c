package web

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestIdentityChanges: the server keeps the identities it has read (the
// token or session, and its user) for a moment, yet every change made
// through it takes effect at the next request, on credentials that were
// just used: expiry, revoking one's own token, signing out, changing
// one's password (the others go, this one stays), the user's language,
// disabling the user and enabling them again.
func TestIdentityChanges(t *testing.T) {
	c := &clock{}
	ts := startServer(t, ":memory:", testConfig(c), c)
	admin := ts.signIn(t, DefaultAdminEmail, adminPassword)
	admin.want(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": "erin@example.org", "password": "erin-password"})
	admin.want(http.StatusOK, "PUT", "/api/v1/orgs/demo/members/erin@example.org", map[string]string{"role": "viewer"})

	// Expiry, on a token read a moment before it expires.
	var tok struct{ Token string }
	ts.client(t).want(http.StatusCreated, "POST", "/api/v1/auth/token",
		map[string]any{"email": "erin@example.org", "password": "erin-password", "expires_in": 60}).decode(&tok)
	short := ts.client(t)
	short.token = tok.Token
	short.want(http.StatusOK, "GET", "/api/v1/me", nil)
	c.advance(60*time.Second - identityTTL/2)
	short.want(http.StatusOK, "GET", "/api/v1/me", nil) // read again, then kept
	c.advance(identityTTL / 2)
	short.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)

	// Revoking the token of the request.
	erin := ts.signIn(t, "erin@example.org", "erin-password")
	erin.want(http.StatusOK, "GET", "/api/v1/me", nil)
	erin.want(http.StatusNoContent, "DELETE", "/api/v1/auth/token", nil)
	erin.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)

	// Signing out of the web UI: the old cookie opens nothing.
	web := ts.signedIn(t, "erin@example.org", "erin-password", "en")
	cookie := sessionOf(t, ts, web)
	web.get("/orgs/demo").want(http.StatusOK)
	web.post("/signout", url.Values{}).want(http.StatusSeeOther)
	old := ts.browser(t, "en")
	old.header = http.Header{"Cookie": {sessionCookie + "=" + cookie}}
	if p := old.get("/orgs/demo"); p.status != http.StatusFound {
		t.Errorf("a signed-out session still opens pages: %d", p.status)
	}

	// Changing one's password: the other credentials go, this one stays.
	erin = ts.signIn(t, "erin@example.org", "erin-password")
	other := ts.signIn(t, "erin@example.org", "erin-password")
	web = ts.signedIn(t, "erin@example.org", "erin-password", "en")
	other.want(http.StatusOK, "GET", "/api/v1/me", nil)
	web.get("/orgs/demo").want(http.StatusOK)
	erin.want(http.StatusNoContent, "PUT", "/api/v1/me/password", map[string]string{"current": "erin-password", "password": "erin-new-password"})
	other.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)
	if p := web.get("/orgs/demo"); p.status != http.StatusFound {
		t.Errorf("a session revoked by a password change still opens pages: %d", p.status)
	}
	erin.want(http.StatusOK, "GET", "/api/v1/me", nil)

	// The user's language: the next page is in it.
	web = ts.signedIn(t, "erin@example.org", "erin-new-password", "en")
	if p := web.get("/orgs/demo").want(http.StatusOK); p.header.Get("Content-Language") != "en" {
		t.Fatalf("Content-Language %q, want en", p.header.Get("Content-Language"))
	}
	web.post("/language", url.Values{"lang": {"fr"}, "next": {"/orgs/demo"}}).want(http.StatusSeeOther)
	web.hc.Jar.SetCookies(mustURL(t, ts.url), []*http.Cookie{{Name: langCookie, Value: "", MaxAge: -1, Path: "/"}})
	if p := web.get("/orgs/demo").want(http.StatusOK); p.header.Get("Content-Language") != "fr" {
		t.Errorf("after choosing French: Content-Language %q", p.header.Get("Content-Language"))
	}

	// Disabling, then enabling: the credentials used a moment ago stop at
	// once; after enabling, new ones work at once.
	erin.want(http.StatusOK, "GET", "/api/v1/me", nil)
	admin.want(http.StatusOK, "POST", "/api/v1/users/erin@example.org/disable", nil)
	erin.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)
	if p := web.get("/orgs/demo"); p.status != http.StatusFound {
		t.Errorf("a disabled user's session still opens pages: %d", p.status)
	}
	admin.want(http.StatusOK, "POST", "/api/v1/users/erin@example.org/enable", nil)
	erin = ts.signIn(t, "erin@example.org", "erin-new-password")
	erin.want(http.StatusOK, "GET", "/api/v1/me", nil)

	// A session is not a bearer token, nor a token a session, even when
	// known to the server.
	web = ts.signedIn(t, "erin@example.org", "erin-new-password", "en")
	web.get("/orgs/demo").want(http.StatusOK)
	bearer := ts.client(t)
	bearer.token = sessionOf(t, ts, web)
	bearer.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)
	asCookie := ts.browser(t, "en")
	asCookie.header = http.Header{"Cookie": {sessionCookie + "=" + erin.token}}
	if p := asCookie.get("/orgs/demo"); p.status != http.StatusFound {
		t.Errorf("an API token as a session cookie opens pages: %d", p.status)
	}
}

// TestIdentityOtherServer: a change made through another server on the
// same database takes effect here within identityTTL.
func TestIdentityOtherServer(t *testing.T) {
	c := &clock{}
	db := filepath.Join(t.TempDir(), "scrutin.db")
	here := startServer(t, db, testConfig(c), c)
	there := startServer(t, db, testConfig(c), c)
	admin := there.signIn(t, DefaultAdminEmail, adminPassword)
	admin.want(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": "erin@example.org", "password": "erin-password"})
	erin := here.signIn(t, "erin@example.org", "erin-password")
	erin.want(http.StatusOK, "GET", "/api/v1/me", nil)
	admin.want(http.StatusOK, "POST", "/api/v1/users/erin@example.org/disable", nil)
	c.advance(identityTTL + time.Millisecond)
	erin.want(http.StatusUnauthorized, "GET", "/api/v1/me", nil)
}

// sessionOf is the browser's session cookie.
func sessionOf(t *testing.T, ts *testServer, b *browser) string {
	t.Helper()
	for _, ck := range b.hc.Jar.Cookies(mustURL(t, ts.url)) {
		if ck.Name == sessionCookie {
			return ck.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil || !strings.HasPrefix(s, "http") {
		t.Fatalf("url %q: %v", s, err)
	}
	return u
}

package web

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
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

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

package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/store"
)

// TestShutdownRequeues: a graceful shutdown stops accepting connections,
// lets a request in flight finish, and stops the running job, which it
// releases to the queue, where the next server's worker picks it up.
func TestShutdownRequeues(t *testing.T) {
	backends(t, true, func(t *testing.T, dsn func(testing.TB) string) {
		c := &clock{}
		db := dsn(t)
		ts := startServer(t, db, testConfig(c), c)
		admin := ts.signIn(t, DefaultAdminEmail, adminPassword)
		var models list[store.Model]
		admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/models", nil).decode(&models)
		runPath := func(id int64) string { return fmt.Sprintf("/api/v1/orgs/demo/runs/%d", id) }
		var run runView
		admin.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/runs", models.Items[0].ID), map[string]any{"trials": 10_000_000}).decode(&run)
		first := waitFor(t, admin, runPath(run.ID), time.Minute, func(r runView) bool { return r.Status == "running" && r.Progress > 0 })

		// An upload in flight when the shutdown begins.
		log := readFile(t, "../evidence/testdata/telemetry/zeek.jsonl")
		pr, pw := io.Pipe()
		req, _ := http.NewRequest("POST", ts.url+"/api/v1/orgs/demo/evidence?kind=zeek&name=late", pr)
		req.Header.Set("Authorization", "Bearer "+admin.token)
		type result struct {
			status int
			err    error
		}
		done := make(chan result, 1)
		go func() {
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				done <- result{err: err}
				return
			}
			res.Body.Close()
			done <- result{status: res.StatusCode}
		}()
		pw.Write(log[:len(log)/2])
		time.Sleep(200 * time.Millisecond)
		stopped := make(chan struct{})
		go func() { ts.stop(t); close(stopped) }()
		time.Sleep(300 * time.Millisecond)
		if _, err := http.Get(ts.url + "/healthz"); err == nil {
			t.Errorf("the server still accepts connections while shutting down")
		}
		pw.Write(log[len(log)/2:])
		pw.Close()
		if r := <-done; r.err != nil || r.status != http.StatusCreated {
			t.Errorf("the upload in flight: %d, %v", r.status, r.err)
		}
		<-stopped

		// The run is released to the queue, for the next server, and the
		// interrupted attempt does not count.
		got, err := ts.db.Run(context.Background(), "demo", run.ID)
		if err != nil || got.Status != store.RunQueued || got.Attempts != 0 || got.Progress != 0 {
			t.Fatalf("after shutdown the run is %+v, %v", got, err)
		}
		if !strings.Contains(ts.logs.String(), "interrupted by shutdown; released to the queue") {
			t.Errorf("the log does not say the job was interrupted and released")
		}
		ts2 := startServer(t, db, testConfig(c), c)
		admin2 := ts2.signIn(t, DefaultAdminEmail, adminPassword)
		again := waitFor(t, admin2, runPath(run.ID), time.Minute, func(r runView) bool {
			return r.Status == "running" && r.StartedAt != nil && r.StartedAt.After(*first.StartedAt)
		})
		if again.Attempts != 1 {
			t.Errorf("the run claimed again after a graceful stop counts %d attempts, want 1", again.Attempts)
		}
		admin2.want(http.StatusOK, "POST", fmt.Sprintf("/api/v1/orgs/demo/runs/%d/cancel", again.ID), nil)
		var ev list[map[string]any]
		admin2.want(http.StatusOK, "GET", "/api/v1/orgs/demo/evidence", nil).decode(&ev)
		if len(ev.Items) != 1 || ev.Items[0]["name"] != "late" {
			t.Errorf("evidence after the restart: %v", ev.Items)
		}
		ts2.stop(t)
	})
}

// TestBehindProxy: with TrustProxy, the client's address and HTTPS come
// from the proxy's headers: the audit log and rate limits use the
// address; the session cookie is Secure (and __Host-), HSTS is sent.
func TestBehindProxy(t *testing.T) {
	c := &clock{}
	cfg := testConfig(c)
	cfg.TrustProxy = true
	ts := startServer(t, ":memory:", cfg, c)
	cl := ts.client(t)
	cl.header.Set("X-Forwarded-For", "203.0.113.9, 198.51.100.7")
	cl.header.Set("X-Forwarded-Proto", "https")
	r := cl.want(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": DefaultAdminEmail, "password": adminPassword})
	ck, err := http.ParseSetCookie(r.header.Get("Set-Cookie"))
	if err != nil || ck.Name != secureSessionCookie || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie over HTTPS: %+v, %v", ck, err)
	}
	if !strings.HasPrefix(r.header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("no HSTS over HTTPS")
	}
	cl.header.Set("Cookie", ck.Name+"="+ck.Value)
	cl.want(http.StatusOK, "GET", "/api/v1/me", nil)
	entries, err := ts.db.AuditLog(context.Background(), "", store.Page{})
	if err != nil || len(entries) == 0 || entries[0].Action != "session.create" || entries[0].Remote != "198.51.100.7" {
		t.Errorf("audit: %+v, %v", entries, err)
	}
	// Without TrustProxy the headers are ignored.
	plain := startServer(t, ":memory:", testConfig(c), c)
	pc := plain.client(t)
	pc.header = cl.header.Clone()
	pc.header.Del("Cookie")
	r = pc.want(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": DefaultAdminEmail, "password": adminPassword})
	if ck, _ := http.ParseSetCookie(r.header.Get("Set-Cookie")); ck.Secure || r.header.Get("Strict-Transport-Security") != "" {
		t.Errorf("an untrusted X-Forwarded-Proto was believed")
	}
	entries, _ = plain.db.AuditLog(context.Background(), "", store.Page{})
	if entries[0].Remote != "127.0.0.1" {
		t.Errorf("an untrusted X-Forwarded-For was believed: %+v", entries[0])
	}
}

// TestFirstStartGeneratesPassword: without a password, Bootstrap makes
// one, which signs in; without a demo model, no demo organisation.
func TestFirstStartGeneratesPassword(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, ":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := Bootstrap(ctx, db, BootstrapOptions{Password: fastPasswords})
	if err != nil || !res.FirstStart || res.Demo || len(res.GeneratedPassword) < 20 || res.AdminEmail != DefaultAdminEmail {
		t.Fatalf("Bootstrap: %+v, %v", res, err)
	}
	u, err := db.UserByEmail(ctx, DefaultAdminEmail)
	if err != nil || !u.Admin || strings.Contains(u.PasswordHash, res.GeneratedPassword) || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
		t.Fatalf("administrator: %+v, %v", u, err)
	}
	pw, _ := newPasswords(fastPasswords)
	if ok, err := pw.check(ctx, res.GeneratedPassword, u.PasswordHash); !ok || err != nil {
		t.Errorf("the generated password does not sign in: %v", err)
	}
	if _, err := db.Org(ctx, DemoOrg); err == nil {
		t.Errorf("a demo organisation without a demo model")
	}
	if _, err := Bootstrap(ctx, db, BootstrapOptions{AdminPassword: "short"}); err != nil {
		t.Errorf("a second Bootstrap must not check anything: %v", err)
	}
	db2, _ := store.Open(ctx, ":memory:", nil)
	defer db2.Close()
	if _, err := Bootstrap(ctx, db2, BootstrapOptions{AdminPassword: "short", Password: fastPasswords}); err == nil {
		t.Errorf("a too short SCRUTIN_ADMIN_PASSWORD was accepted")
	}
}

// TestShutdownBeforeServing: a shutdown asked for as the server starts
// (the context is already cancelled when Serve is called) is still a
// graceful one: Serve returns nil and closes the listener. scrutin serve
// logs "listening" just before Serve, so a quick stop lands here.
func TestShutdownBeforeServing(t *testing.T) {
	c := &clock{}
	db, err := store.Open(context.Background(), ":memory:", c.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := Bootstrap(context.Background(), db, BootstrapOptions{AdminPassword: adminPassword, Password: fastPasswords}); err != nil {
		t.Fatal(err)
	}
	srv, err := New(testConfig(c), db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := srv.Serve(ctx, ln); err != nil {
		t.Errorf("Serve after the context was cancelled: %v, want nil", err)
	}
	if conn, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		conn.Close()
		t.Errorf("the listener is still open")
	}
}

package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/store/storetest"

	"github.com/alexedwards/argon2id"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/store"
)

// The end-to-end tests start the real server (store, workers, HTTP on
// 127.0.0.1:0) on SQLite in memory, and on PostgreSQL when
// SCRUTIN_TEST_POSTGRES holds the DSN of a role that may create
// databases (eval "$(.ci/postgres.sh)" sets it): each test gets a
// database of its own.

// fastPasswords keep the tests quick; the server's defaults are RFC 9106's.
var fastPasswords = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

const adminPassword = "admin-password-123"

// backends runs fn on SQLite (in memory, or in a file that outlives a
// server when persistent) and, when configured, PostgreSQL; dsn gives a
// fresh database each time it is called.
func backends(t *testing.T, persistent bool, fn func(t *testing.T, dsn func(testing.TB) string)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, func(tb testing.TB) string {
			if persistent {
				return tb.TempDir() + "/scrutin.db"
			}
			return ":memory:"
		})
	})
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv("SCRUTIN_TEST_POSTGRES") == "" {
			t.Skip("SCRUTIN_TEST_POSTGRES is not set: PostgreSQL not tested (eval \"$(.ci/postgres.sh)\" sets it)")
		}
		t.Parallel()
		fn(t, newPostgresDB)
	})
}

// newPostgresDB creates a database, dropped when the test ends, and
// returns its DSN.
func newPostgresDB(tb testing.TB) string { return storetest.NewPostgresDB(tb, "scrutin_web") }

// clock is a test clock that can be moved forward.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// syncBuffer is a buffer written by the server's goroutines and read by
// the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testServer is a running server.
type testServer struct {
	url    string
	db     *store.DB
	srv    *Server
	clock  *clock
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

func testConfig(c *clock) Config {
	return Config{Workers: 1, Password: fastPasswords, Now: c.Now, PollInterval: 200 * time.Millisecond,
		MaxUploadBytes: 1 << 20, ShutdownTimeout: 5 * time.Second,
		Login: LoginLimit{PerAddress: 100, AddressBurst: 1000, PerAccount: 0.1, AccountBurst: 10}}
}

// startServer opens the store at dsn, bootstraps it (administrator with
// adminPassword, demo organisation), and serves on 127.0.0.1:0 until the
// test ends or stop is called.
func startServer(t testing.TB, dsn string, cfg Config, c *clock) *testServer {
	t.Helper()
	return startServerBoot(t, dsn, cfg, c, BootstrapOptions{AdminPassword: adminPassword, DemoModel: examples.Election(), Password: fastPasswords})
}

// startServerBoot is startServer with a first start of options boot.
func startServerBoot(t testing.TB, dsn string, cfg Config, c *clock, boot BootstrapOptions) *testServer {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, c.Now)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := Bootstrap(ctx, db, boot); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	logs := &syncBuffer{}
	srv, err := New(cfg, db, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	ts := &testServer{url: "http://" + ln.Addr().String(), db: db, srv: srv, clock: c, logs: logs, cancel: cancel, done: make(chan error, 1)}
	go func() { ts.done <- srv.Serve(sctx, ln) }()
	t.Cleanup(func() { ts.stop(t) })
	return ts
}

// stop shuts the server down gracefully and checks that it stopped well;
// a second call does nothing.
func (ts *testServer) stop(t testing.TB) {
	t.Helper()
	if ts.cancel == nil {
		return
	}
	ts.cancel()
	ts.cancel = nil
	select {
	case err := <-ts.done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("the server did not stop within 30 s")
	}
}

// client calls the API as one user.
type client struct {
	t      testing.TB
	base   string
	token  string
	header http.Header
	hc     *http.Client
}

func (ts *testServer) client(t testing.TB) *client {
	return &client{t: t, base: ts.url, header: http.Header{}, hc: &http.Client{Timeout: 60 * time.Second}}
}

// signIn returns a client with a token of the user.
func (ts *testServer) signIn(t testing.TB, email, password string) *client {
	t.Helper()
	c := ts.client(t)
	var tok struct{ Token string }
	c.want(http.StatusCreated, "POST", "/api/v1/auth/token", map[string]string{"email": email, "password": password}).decode(&tok)
	if !strings.HasPrefix(tok.Token, tokenPrefix) {
		t.Fatalf("token %q", tok.Token)
	}
	c.token = tok.Token
	return c
}

type response struct {
	t      testing.TB
	status int
	header http.Header
	body   []byte
}

// do sends a request: body nil, []byte or string (sent as is) or
// anything else (sent as JSON).
func (c *client) do(method, path string, body any) response {
	c.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	case io.Reader:
		rd = b
	default:
		js, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd, ct = bytes.NewReader(js), "application/json"
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return response{t: c.t, status: res.StatusCode, header: res.Header, body: data}
}

// want sends a request and fails the test unless it answers status.
func (c *client) want(status int, method, path string, body any) response {
	c.t.Helper()
	r := c.do(method, path, body)
	if r.status != status {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, status, r.body)
	}
	return r
}

func (r response) decode(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		r.t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// obj decodes the body as a JSON object.
func (r response) obj() map[string]any {
	r.t.Helper()
	var m map[string]any
	r.decode(&m)
	return m
}

// errorOf decodes an error body, checking its shape.
func (r response) errorOf() errorDetail {
	r.t.Helper()
	var b struct {
		Error *errorDetail `json:"error"`
	}
	r.decode(&b)
	if b.Error == nil || b.Error.Code == "" || b.Error.Message == "" {
		r.t.Fatalf("not an error body {error: {code, message}}: %s", r.body)
	}
	return *b.Error
}

// waitFor polls the job at path until done says so, or fails after
// timeout.
func waitFor[T any](t testing.TB, c *client, path string, timeout time.Duration, done func(T) bool) T {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var v T
		c.want(http.StatusOK, "GET", path, nil).decode(&v)
		if done(v) {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %+v after %s", path, v, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func exampleModel(t testing.TB, name string) string {
	t.Helper()
	b, err := examples.Files.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var errNoSuchKey = errors.New("no such key")

// path reads a value in decoded JSON: path("portfolio", "mean").
func path(v any, keys ...string) (any, error) {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, errNoSuchKey
		}
		if v, ok = m[k]; !ok {
			return nil, errNoSuchKey
		}
	}
	return v, nil
}

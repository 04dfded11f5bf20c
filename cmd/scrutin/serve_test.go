package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/i18n"
)

// serveBuffer is written by the server's goroutines and read by the test.
type serveBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *serveBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *serveBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serving is `scrutin serve` running in-process.
type serving struct {
	url            string
	stdout, stderr *serveBuffer
	stop           context.CancelFunc
	code           chan int
}

// startServe starts `scrutin serve args…` on a free port and waits until it
// listens; it is stopped (as by SIGTERM) when the test ends.
func startServe(t *testing.T, args ...string) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &serving{stdout: &serveBuffer{}, stderr: &serveBuffer{}, stop: cancel, code: make(chan int, 1)}
	e := &env{stdin: strings.NewReader(""), stdout: s.stdout, stderr: s.stderr}
	go func() { s.code <- Main(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), e) }()
	t.Cleanup(func() { s.shutdown(t) })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(s.stderr.String(), "\n") {
			var l struct{ Msg, URL string }
			if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "listening" {
				s.url = l.URL
				return s
			}
		}
		select {
		case code := <-s.code:
			t.Fatalf("scrutin serve exited with %d: %s", code, s.stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("scrutin serve does not listen: %s", s.stderr)
	return nil
}

// shutdown stops the server and checks that it exits 0.
func (s *serving) shutdown(t *testing.T) {
	t.Helper()
	if s.stop == nil {
		return
	}
	s.stop()
	s.stop = nil
	select {
	case code := <-s.code:
		if code != exitOK {
			t.Errorf("scrutin serve exited with %d after a graceful shutdown: %s", code, s.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("scrutin serve did not stop")
	}
}

// serveCall sends a JSON request and decodes the answer into out.
func serveCall(t *testing.T, method, url, token string, body any, want int, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		js, _ := json.Marshal(body)
		rd = bytes.NewReader(js)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, url, res.StatusCode, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
	}
}

func serveToken(t *testing.T, url, password string) string {
	t.Helper()
	var tok struct{ Token string }
	serveCall(t, "POST", url+"/api/v1/auth/token", "", map[string]string{"email": "admin@localhost", "password": password}, http.StatusCreated, &tok)
	return tok.Token
}

// TestServeReproducesRun: a run through `scrutin serve` gives exactly the
// result of `scrutin run` with the same model, trials, seed and controls.
func TestServeReproducesRun(t *testing.T) {
	t.Setenv("SCRUTIN_ADMIN_PASSWORD", "serve-test-password")
	dir := t.TempDir()
	s := startServe(t, "--db", filepath.Join(dir, "db", "s.db"), "--data", filepath.Join(dir, "data"), "--no-demo", "--workers", "2")
	if strings.Contains(s.stdout.String(), "serve-test-password") {
		t.Errorf("the password given is printed")
	}
	tok := serveToken(t, s.url, "serve-test-password")
	var me struct{ Orgs []any }
	serveCall(t, "GET", s.url+"/api/v1/me", tok, nil, http.StatusOK, &me)
	if len(me.Orgs) != 0 {
		t.Errorf("--no-demo, yet organisations: %v", me.Orgs)
	}
	serveCall(t, "POST", s.url+"/api/v1/orgs", tok, map[string]string{"id": "p", "name": "P", "kind": "party"}, http.StatusCreated, nil)
	yaml, err := os.ReadFile("../../examples/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var saved struct{ ID int64 }
	serveCall(t, "POST", s.url+"/api/v1/orgs/p/models", tok, map[string]string{"name": "minimal", "yaml": string(yaml)}, http.StatusCreated, &saved)
	var run struct {
		ID     int64
		Status string
		Result json.RawMessage
	}
	serveCall(t, "POST", fmt.Sprintf("%s/api/v1/orgs/p/models/%d/runs", s.url, saved.ID), tok,
		map[string]any{"trials": 30000, "seed": 11, "with": []string{"security-keys"}}, http.StatusAccepted, &run)
	deadline := time.Now().Add(time.Minute)
	for run.Status != "succeeded" {
		if run.Status == "failed" || run.Status == "canceled" || time.Now().After(deadline) {
			t.Fatalf("run: %+v", run)
		}
		time.Sleep(20 * time.Millisecond)
		serveCall(t, "GET", fmt.Sprintf("%s/api/v1/orgs/p/runs/%d", s.url, run.ID), tok, nil, http.StatusOK, &run)
	}
	code, out, stderr := scrutin(t, "", "run", "../../examples/minimal.yaml", "--trials", "30000", "--seed", "11", "--with", "security-keys", "--format", "json")
	if code != exitOK {
		t.Fatalf("scrutin run: %d %s", code, stderr)
	}
	var got, want any
	json.Unmarshal(run.Result, &got)
	json.Unmarshal([]byte(out), &want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the server's result differs from scrutin run's:\n%s\n%s", run.Result, out)
	}
	s.shutdown(t)
	if !strings.Contains(s.stderr.String(), `"msg":"stopped"`) {
		t.Errorf("no graceful stop in the log: %s", s.stderr)
	}
}

// TestServeFirstStart: with no SCRUTIN_ADMIN_PASSWORD, the first start
// prints a generated password once (never in the log); the database is
// created in the data directory; the demo organisation holds the
// built-in example.
func TestServeFirstStart(t *testing.T) {
	t.Setenv("SCRUTIN_ADMIN_PASSWORD", "")
	data := filepath.Join(t.TempDir(), "data")
	s := startServe(t, "--data", data)
	m := regexp.MustCompile(`(?m)^    (\S+)$`).FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("no password on standard output: %q", s.stdout)
	}
	password := m[1]
	tok := serveToken(t, s.url, password)
	var models struct{ Items []struct{ Name string } }
	serveCall(t, "GET", s.url+"/api/v1/orgs/demo/models", tok, nil, http.StatusOK, &models)
	if len(models.Items) != 1 || !strings.HasPrefix(models.Items[0].Name, "Presidential election") {
		t.Errorf("demo models: %+v", models.Items)
	}
	// The demo ships a run and a plan of the built-in model, computed by
	// the workers from the first start on.
	for _, kind := range []string{"runs", "plans"} {
		var jobs struct{ Items []struct{ ID int64 } }
		serveCall(t, "GET", s.url+"/api/v1/orgs/demo/"+kind, tok, nil, http.StatusOK, &jobs)
		if len(jobs.Items) != 1 {
			t.Fatalf("the demo's %s: %+v", kind, jobs.Items)
		}
		var job struct{ Status, Error string }
		for deadline := time.Now().Add(3 * time.Minute); job.Status != "succeeded"; time.Sleep(50 * time.Millisecond) {
			serveCall(t, "GET", fmt.Sprintf("%s/api/v1/orgs/demo/%s/%d", s.url, kind, jobs.Items[0].ID), tok, nil, http.StatusOK, &job)
			if job.Status == "failed" || job.Status == "canceled" || time.Now().After(deadline) {
				t.Fatalf("the demo's %s: %+v", kind, job)
			}
		}
	}
	req, _ := http.NewRequest("GET", s.url+"/orgs/demo", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept-Language", "en")
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	dash, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if !strings.Contains(string(dash), `<strong class="answer-verdict">Yes: the risk is significant.</strong>`) || !strings.Contains(string(dash), `id="answer-plan"`) {
		t.Errorf("the first dashboard does not answer with the demo's plan:\n%.3000s", dash)
	}
	s.shutdown(t)
	if strings.Contains(s.stderr.String(), password) {
		t.Errorf("the generated password is in the log")
	}
	if _, err := os.Stat(filepath.Join(data, "scrutin.db")); err != nil {
		t.Errorf("no database in the data directory: %v", err)
	}
	again := startServe(t, "--data", data)
	if again.stdout.String() != "" {
		t.Errorf("the second start prints %q", again.stdout)
	}
	serveToken(t, again.url, password)
}

// TestServeFirstStartFrench: a first start in a French locale makes the
// demo's texts French, with the French built-in model.
func TestServeFirstStartFrench(t *testing.T) {
	t.Setenv("SCRUTIN_ADMIN_PASSWORD", "serve-test-password")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "fr_FR.UTF-8")
	s := startServe(t, "--data", t.TempDir())
	tok := serveToken(t, s.url, "serve-test-password")
	var org struct{ Name string }
	serveCall(t, "GET", s.url+"/api/v1/orgs/demo", tok, nil, http.StatusOK, &org)
	var models struct{ Items []struct{ Name string } }
	serveCall(t, "GET", s.url+"/api/v1/orgs/demo/models", tok, nil, http.StatusOK, &models)
	if org.Name != "Campagne de démonstration" || len(models.Items) != 1 || !strings.HasPrefix(models.Items[0].Name, "Élection présidentielle") {
		t.Errorf("a French first start: organisation %q, models %+v", org.Name, models.Items)
	}
}

// TestFirstStartLang: --lang, else LC_ALL, LC_MESSAGES, LANG in that
// order (the first set decides), else English.
func TestFirstStartLang(t *testing.T) {
	for _, c := range []struct {
		flag string
		env  map[string]string
		want i18n.Lang
		err  bool
	}{
		{"", nil, i18n.English, false},
		{"fr", map[string]string{"LANG": "en_GB.UTF-8"}, i18n.French, false},
		{"en", map[string]string{"LANG": "fr_FR.UTF-8"}, i18n.English, false},
		{"FR", nil, i18n.French, false},
		{"de", nil, "", true},
		{"", map[string]string{"LANG": "fr_FR.UTF-8"}, i18n.French, false},
		{"", map[string]string{"LANG": "fr_CA"}, i18n.French, false},
		{"", map[string]string{"LANG": "fr.UTF-8@euro"}, i18n.French, false},
		{"", map[string]string{"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, i18n.English, false},
		{"", map[string]string{"LC_MESSAGES": "fr_BE.UTF-8", "LANG": "en_US.UTF-8"}, i18n.French, false},
		{"", map[string]string{"LANG": "de_DE.UTF-8"}, i18n.English, false},
	} {
		got, err := langOf(c.flag, func(k string) string { return c.env[k] })
		if (err != nil) != c.err || got != c.want {
			t.Errorf("--lang %q, %v: %q, %v; want %q (error: %v)", c.flag, c.env, got, err, c.want, c.err)
		}
	}
}

func TestServeUsage(t *testing.T) {
	for _, args := range [][]string{{"serve", "--workers", "0"}, {"serve", "--tls-cert", "c.pem"}, {"serve", "extra"}, {"serve", "--lang", "de"},
		{"serve", "--token-ttl", "10s"}, {"serve", "--max-upload", "0"}, {"serve", "--upload-timeout", "0s"},
		{"serve", "--job-lease", "500ms"}, {"serve", "--job-attempts", "0"}} {
		if code, _, stderr := scrutin(t, "", args...); code != exitInvalid {
			t.Errorf("%v: exit %d, want %d: %s", args, code, exitInvalid, stderr)
		}
	}
}

// TestServeAttackCatalog: serve uses the ATT&CK catalogue imported into
// its data directory, the embedded one without, and refuses to start on
// a damaged one, naming it.
func TestServeAttackCatalog(t *testing.T) {
	t.Setenv("SCRUTIN_ADMIN_PASSWORD", "serve-test-password")
	data := t.TempDir()
	catalogIn := func(s *serving) string {
		for _, line := range strings.Split(s.stderr.String(), "\n") {
			var l struct {
				Msg     string
				Catalog string `json:"attack_catalog"`
			}
			if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "listening" {
				return l.Catalog
			}
		}
		return ""
	}
	s := startServe(t, "--data", data)
	if got := catalogIn(s); got != "embedded" {
		t.Errorf("without an import: catalogue %q", got)
	}
	s.shutdown(t)

	if code, _, errs := scrutin(t, "", "attack", "import", unit42, "--data", data); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	stored := filepath.Join(data, "attack", "catalog.json.gz")
	s = startServe(t, "--data", data)
	if got := catalogIn(s); got != stored {
		t.Errorf("after the import: catalogue %q, want %q", got, stored)
	}
	s.shutdown(t)

	// A model saved is checked against the server's catalogue: one that
	// knows mitigation M1034 but not M1032.
	bundle := writeFile(t, "bundle.json", `{"type": "bundle", "id": "bundle--1", "objects": [
 {"type": "intrusion-set", "id": "intrusion-set--1", "name": "Test Group", "external_references": [{"source_name": "mitre-attack", "external_id": "G0999"}]},
 {"type": "course-of-action", "id": "course-of-action--1", "name": "Test Mitigation", "external_references": [{"source_name": "mitre-attack", "external_id": "M1034"}]}]}`)
	if code, _, errs := scrutin(t, "", "attack", "import", bundle, "--replace", "--data", data); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	s = startServe(t, "--data", data)
	tok := serveToken(t, s.url, "serve-test-password")
	var e struct {
		Error struct {
			Problems []struct {
				Line, Column  int
				Path, Message string
			}
		}
	}
	serveCall(t, "POST", s.url+"/api/v1/orgs/demo/models", tok, map[string]string{"name": "minimal", "yaml": mustRead(t, minimal)}, http.StatusUnprocessableEntity, &e)
	if p := e.Error.Problems; len(p) != 1 || p[0].Line != 22 || p[0].Path != "controls[0].attack[0]" ||
		p[0].Message != `unknown ATT&CK mitigation "M1032" (did you mean "M1034", Test Mitigation?); the catalogue in use is STIX bundle` {
		t.Errorf("saving a model with a mitigation the catalogue lacks: %+v", p)
	}
	s.shutdown(t)

	if err := os.WriteFile(stored, []byte("not gzip"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := scrutin(t, "", "serve", "--data", data, "--addr", "127.0.0.1:0")
	if code != exitInvalid || !strings.Contains(errs, stored) {
		t.Errorf("damaged catalogue: exit %d: %s", code, errs)
	}
}

package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// TestBrowser drives the web UI in a real, headless Chromium (chromedp)
// against the real server over HTTP (the server's handler behind
// httptest.NewServer, SQLite in a file, the job workers running): what a
// person does, with JavaScript on (htmx, ECharts, app.js) and off. It
// fails on any JavaScript exception, console error or Content-Security-
// Policy violation.
//
// Without Chromium (chromium, chromium-browser or google-chrome on the
// PATH) the test is skipped, unless SCRUTIN_REQUIRE_BROWSER=1 (CI), where
// it fails. With SCRUTIN_SCREENSHOTS=DIR it saves a full-page PNG of
// every page it visits, and of a tour of every page of the UI in English
// and French, as DIR/NN-page-lang.png.
func TestBrowser(t *testing.T) {
	exe := findChromium()
	if exe == "" {
		if os.Getenv("SCRUTIN_REQUIRE_BROWSER") == "1" {
			t.Fatal("no Chromium found (chromium, chromium-browser, google-chrome) and SCRUTIN_REQUIRE_BROWSER=1")
		}
		t.Skip("no Chromium found (chromium, chromium-browser or google-chrome on the PATH): browser tests skipped; SCRUTIN_REQUIRE_BROWSER=1 makes this a failure")
	}
	start := time.Now()
	e := newE2E(t, exe)
	// The flow's steps up to the run each need the one before: a failure
	// there stops the test. The others stand alone.
	steps := []struct {
		name    string
		fn      func(t *testing.T, ctx context.Context)
		needed  bool
		timeout time.Duration
	}{
		{"SignIn", e.signIn, true, e2eStepTimeout},
		{"EditorValidation", e.editorInvalid, true, e2eStepTimeout},
		{"EditorSave", e.editorSave, true, e2eStepTimeout},
		{"HistoryAndDiff", e.historyAndDiff, true, e2eStepTimeout},
		{"Run", e.run, true, e2eStepTimeout},
		{"French", e.french, false, e2eStepTimeout},
		{"DownloadReport", e.downloadReport, false, e2eStepTimeout},
		{"AuditLog", e.auditLog, false, e2eStepTimeout},
		{"JobsAgain", e.jobsAgain, false, 2 * e2eStepTimeout},
		{"ReportProgress", e.reportProgress, false, 2 * e2eStepTimeout},
		{"FrenchEditor", e.frenchEditor, false, e2eStepTimeout},
		{"Keyboard", e.keyboard, false, e2eStepTimeout},
		{"NoJavaScript", e.noJavaScript, false, e2eStepTimeout},
		{"EvidenceDetected", e.evidenceDetected, false, e2eStepTimeout},
		{"EvidenceWrongKind", e.evidenceWrongKind, false, e2eStepTimeout},
		{"RunWithEvidence", e.runWithEvidence, false, 2 * e2eStepTimeout},
		{"TreesZoom", e.treesZoom, false, 2 * e2eStepTimeout},
		{"AttackSections", e.attackSections, false, e2eStepTimeout},
		{"NamesShown", e.namesShown, false, e2eStepTimeout},
		{"FrenchForms", e.frenchForms, false, 2 * e2eStepTimeout},
		{"PhoneMenu", e.phoneMenu, false, e2eStepTimeout},
		{"WideTables", e.wideTables, false, e2eStepTimeout},
		{"Tour", e.tour, false, 6 * e2eStepTimeout}, // some 100 pages (2 languages, 2 widths), each screenshot when asked
		{"Answer", e.answer, false, e2eStepTimeout},
		{"AnswerFrench", e.answerFrench, false, e2eStepTimeout},
		{"Harms", e.harms, false, 2 * e2eStepTimeout},
		{"EbiosStudy", e.ebiosStudy, false, 2 * e2eStepTimeout},
		{"Integrity", e.integrity, false, e2eStepTimeout},
	}
	for _, s := range steps {
		ok := t.Run(s.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(e.tab, s.timeout)
			defer cancel()
			s.fn(t, ctx)
			e.checkConsole(t)
		})
		if !ok && s.needed {
			t.Fatalf("step %s failed: the steps after it need it", s.name)
		}
	}
	t.Logf("browser test: %s", time.Since(start).Round(time.Millisecond))
}

// e2eStepTimeout bounds each step, so that a hang fails clearly.
const e2eStepTimeout = 40 * time.Second

// findChromium is the path of a Chromium or Chrome, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// e2e is the browser test's world: a server, a browser tab signed in as
// the administrator (owner of the demo organisation and of an agency the
// demo shares with), and what the steps learn on the way.
type e2e struct {
	base  string
	srv   *Server
	admin *client // API client of the administrator
	tab   context.Context
	shots string // SCRUTIN_SCREENSHOTS, or ""
	lang  string // the language of the pages now: "en" or "fr"

	mu       sync.Mutex
	problems []string // JavaScript exceptions, console errors, CSP violations
	shotN    int

	model    int64  // the demo model
	control  string // the control the flow puts in force
	badLine  int    // the line the flow breaks
	runID    int64  // the run the flow starts
	runPath  string // its page
	evidence int64
	plan     int64
	// JobsAgain's run, and its plan (same years), for ReportProgress.
	againRun, againPlan int64
}

func newE2E(t *testing.T, exe string) *e2e {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "scrutin.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := Bootstrap(ctx, db, BootstrapOptions{AdminPassword: adminPassword, DemoModel: examples.Election(), Password: fastPasswords}); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(&clock{})
	logs := &syncBuffer{}
	srv, err := New(cfg, db, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			l := logs.String()
			t.Logf("the server's log (end):\n%s", l[max(0, len(l)-6000):])
		}
	})
	if err := srv.jobs.start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.jobs.stop)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	e := &e2e{base: hs.URL, srv: srv, shots: os.Getenv("SCRUTIN_SCREENSHOTS"), lang: "en"}
	if e.shots != "" {
		if err := os.MkdirAll(e.shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}

	// The national view needs an agency that the demo shares with.
	ts := &testServer{url: hs.URL, db: db, srv: srv}
	e.admin = ts.signIn(t, DefaultAdminEmail, adminPassword)
	e.admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": "anssi", "name": "National agency", "kind": "agency"})
	e.admin.want(http.StatusOK, "PUT", "/api/v1/orgs/demo/shares/anssi", nil)
	var models list[map[string]any]
	e.admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/models", nil).decode(&models)
	e.model = int64(models.Items[0]["id"].(float64))

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.NoFirstRun,
		chromedp.Flag("lang", "en-US"),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	// Start the browser without a deadline: a step's timeout must not end it.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	e.tab = tab
	e.watch(t, tab)
	return e
}

// watch records the JavaScript exceptions, console errors, browser log
// errors (a CSP violation is one) and server errors (5xx) of a tab.
// Other failed requests are not errors here: the tour asks for pages that
// may not exist yet, the flow for a wrong password.
func (e *e2e) watch(t testing.TB, ctx context.Context) {
	t.Helper()
	err := chromedp.Listen(ctx, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg = "JavaScript exception: " + d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			msg += fmt.Sprintf(" (%s:%d:%d)", d.URL, d.LineNumber+1, d.ColumnNumber+1)
		case *runtime.EventConsoleAPICalled:
			if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
				return
			}
			var parts []string
			for _, a := range ev.Args {
				if len(a.Value) > 0 {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			msg = "console." + string(ev.Type) + ": " + strings.Join(parts, " ")
		case *cdplog.EventEntryAdded:
			en := ev.Entry
			if en.Level != cdplog.EntryLevelError || en.Source == cdplog.EntrySourceNetwork {
				return
			}
			msg = fmt.Sprintf("browser log (%s): %s %s", en.Source, en.Text, en.URL)
		case *network.EventResponseReceived:
			if ev.Response.Status < 500 {
				return
			}
			msg = fmt.Sprintf("server error: %s answered %d", ev.Response.URL, ev.Response.Status)
		default:
			return
		}
		e.mu.Lock()
		e.problems = append(e.problems, msg)
		e.mu.Unlock()
	})
	if err != nil {
		t.Fatalf("listening to the tab: %v", err)
	}
}

// checkConsole fails the step for each problem the browser reported
// during it.
func (e *e2e) checkConsole(t *testing.T) {
	t.Helper()
	e.mu.Lock()
	ps := e.problems
	e.problems = nil
	e.mu.Unlock()
	for _, p := range ps {
		t.Errorf("in the browser: %s", p)
	}
}

// bDo runs actions, failing the step with what was being done.
func bDo(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// bEval evaluates a JavaScript expression in the page.
func bEval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", truncate(expr, 200), err)
	}
	return v
}

// bWait polls a JavaScript expression until it is truthy, through the
// page's reloads.
func bWait(t *testing.T, ctx context.Context, what, expr string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) && ctx.Err() == nil {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	loc, _ := chromedp.Run(context.WithoutCancel(ctx), chromedp.Location())
	t.Fatalf("waiting %s for %s (%s) on %s: last error %v", timeout, what, expr, loc, last)
}

// open navigates to a path of the site and returns the status of the
// page.
func (e *e2e) open(t *testing.T, ctx context.Context, path string) int64 {
	t.Helper()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(e.base+path))
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	if res == nil {
		t.Fatalf("opening %s: no response", path)
	}
	return res.Status
}

// bLoad runs an action that leads to a new page (a click on a link or a
// button) and waits for that page; it returns its status.
func bLoad(t *testing.T, ctx context.Context, what string, action chromedp.Action[chromedp.Void]) int64 {
	t.Helper()
	res, err := chromedp.RunResponse(ctx, action)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if res == nil {
		t.Fatalf("%s: no response", what)
	}
	return res.Status
}

// path is the path and query of the page shown.
func (e *e2e) path(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(loc, e.base)
}

// bText is the visible text of the first element the selector finds ("" if
// none).
func bText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return bEval[string](t, ctx, fmt.Sprintf(`(document.querySelector(%q) || {}).innerText || ""`, sel))
}

// bCount is the number of elements the selector finds.
func bCount(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	return bEval[int](t, ctx, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))
}

// shot saves a full-page screenshot as NN-name-lang.png when screenshots
// are asked for.
func (e *e2e) shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if e.shots == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot of %s: %v", name, err)
		return
	}
	e.mu.Lock()
	e.shotN++
	file := filepath.Join(e.shots, fmt.Sprintf("%02d-%s-%s.png", e.shotN, name, e.lang))
	e.mu.Unlock()
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Error(err)
	}
}

func (e *e2e) signIn(t *testing.T, ctx context.Context) {
	// A page of the organisation sends to the sign-in form, and back.
	if st := e.open(t, ctx, "/orgs/demo"); st != http.StatusOK {
		t.Fatalf("/orgs/demo: status %d", st)
	}
	if p := e.path(t, ctx); !strings.HasPrefix(p, "/signin?next=") {
		t.Fatalf("signed out, /orgs/demo shows %s, not the sign-in page", p)
	}
	e.shot(t, ctx, "signin")
	// A wrong password: the form says so.
	st := bLoad(t, ctx, "signing in with a wrong password", chromedp.Steps(
		chromedp.SendKeys(chromedp.ID("email"), DefaultAdminEmail),
		chromedp.SendKeys(chromedp.ID("password"), "not-the-password"+"\r"),
	))
	if st != http.StatusUnauthorized {
		t.Errorf("wrong password: status %d, want 401", st)
	}
	if msg := bText(t, ctx, "#signin-error"); !strings.Contains(msg, "Wrong email address or password") {
		t.Errorf("wrong password: message %q", msg)
	}
	if v := bEval[string](t, ctx, `document.getElementById("email").value`); v != DefaultAdminEmail {
		t.Errorf("the email typed is not kept: %q", v)
	}
	e.shot(t, ctx, "signin-wrong")
	// The right one, typed, then the button clicked.
	st = bLoad(t, ctx, "signing in", chromedp.Steps(
		chromedp.SendKeys(chromedp.ID("password"), adminPassword),
		chromedp.Click(chromedp.CSS(`form[action="/signin"] button[type=submit]`)),
	))
	if st != http.StatusOK || e.path(t, ctx) != "/orgs/demo" {
		t.Fatalf("signed in: status %d at %s, want the dashboard /orgs/demo", st, e.path(t, ctx))
	}
	if h := bText(t, ctx, "h1"); h != "Dashboard" {
		t.Errorf("dashboard heading %q", h)
	}
	e.shot(t, ctx, "dashboard-empty")
}

// editorInvalid opens the demo model from the list, breaks a line by
// typing, and saves: not saved, and the problem is shown at that line.
func (e *e2e) editorInvalid(t *testing.T, ctx context.Context) {
	bLoad(t, ctx, "opening the models", chromedp.Click(chromedp.CSS(`nav.orgnav a[href="/orgs/demo/models"]`)))
	e.shot(t, ctx, "models")
	editor := fmt.Sprintf("/orgs/demo/models/%d", e.model)
	bLoad(t, ctx, "opening the demo model", chromedp.Click(chromedp.CSS(fmt.Sprintf(`main a[href=%q]`, editor))))
	if p := e.path(t, ctx); p != editor {
		t.Fatalf("the model's link leads to %s", p)
	}
	bDo(t, ctx, "waiting for the editor", chromedp.WaitVisible(chromedp.ID("yaml")))
	e.shot(t, ctx, "editor")
	// The model is long: its message and save button stay in view.
	if got := bEval[[]float64](t, ctx, `(() => { const b = document.querySelector(".editor-actions button[type=submit]").getBoundingClientRect();
		return [b.top, b.bottom, window.innerHeight, document.documentElement.scrollHeight]; })()`); got[3] <= got[2] || got[0] < 0 || got[1] > got[2] {
		t.Errorf("the save button is not in view on opening a long model (top %.0f, bottom %.0f, window %.0f, page %.0f)", got[0], got[1], got[2], got[3])
	}
	src := bEval[string](t, ctx, `document.getElementById("yaml").value`)
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "status: proposed" {
			e.badLine = i + 1
			break
		}
	}
	if e.badLine == 0 {
		t.Fatal("no control with status: proposed in the demo model")
	}
	for i := e.badLine - 2; i >= 0; i-- {
		if m := regexp.MustCompile(`^\s*- id: (\S+)`).FindStringSubmatch(lines[i]); m != nil {
			e.control = m[1]
			break
		}
	}
	// What the server will say about the misspelt status, and where.
	lines[e.badLine-1] = strings.Replace(lines[e.badLine-1], "proposed", "propsed", 1)
	_, err := model.Decode("demo", []byte(strings.Join(lines, "\n")))
	var ve *model.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Line != e.badLine {
		t.Fatalf("the broken model's problems: %v", err)
	}
	want := ve.Problems[0].Message

	// Select "proposed" on that line and type over it.
	e.selectWord(t, ctx, e.badLine, "proposed")
	bDo(t, ctx, "typing the typo", chromedp.KeyEvent("propsed"))
	if got := strings.Split(bEval[string](t, ctx, `document.getElementById("yaml").value`), "\n")[e.badLine-1]; strings.TrimSpace(got) != "status: propsed" {
		t.Fatalf("line %d after typing: %q", e.badLine, got)
	}
	bDo(t, ctx, "typing a message", chromedp.SendKeys(chromedp.ID("message"), "typo"))
	st := bLoad(t, ctx, "saving the broken model", chromedp.Click(chromedp.CSS(`form.editor-form button[type=submit]`)))
	if st != http.StatusUnprocessableEntity {
		t.Errorf("saving a broken model: status %d, want 422", st)
	}
	e.shot(t, ctx, "editor-invalid")
	// The line's number in the gutter is marked, with the message; the
	// list of problems links to the line.
	marked := bEval[[]string](t, ctx, `Array.from(document.querySelectorAll(".gutter .ln-bad")).map(s => s.id + "|" + s.textContent + "|" + s.title)`)
	if wantMark := fmt.Sprintf("L%d|%d|%s", e.badLine, e.badLine, want); len(marked) != 1 || marked[0] != wantMark {
		t.Errorf("lines marked in the gutter: %q, want [%q]", marked, wantMark)
	}
	link := fmt.Sprintf(`#problems a[data-line="%d"]`, e.badLine)
	if l := bText(t, ctx, link); !strings.HasPrefix(l, fmt.Sprintf("Line %d, column", e.badLine)) {
		t.Errorf("the problem's link reads %q", l)
	}
	if p := bText(t, ctx, "#problems"); !strings.Contains(p, want) || !strings.Contains(p, "1 problem found") {
		t.Errorf("the problems say %q, want %q", p, want)
	}
	if bEval[string](t, ctx, `document.getElementById("yaml").getAttribute("aria-invalid")`) != "true" {
		t.Error("the text area is not aria-invalid")
	}
	// The link takes the caret to the line (app.js).
	bDo(t, ctx, "following the problem's link", chromedp.Click(chromedp.CSS(link)))
	if got := bEval[string](t, ctx, `(() => { const ta = document.getElementById("yaml");
		return (document.activeElement === ta) + "|" + ta.value.slice(ta.selectionStart, ta.selectionEnd) + "|" +
			document.getElementById("L`+fmt.Sprint(e.badLine)+`").classList.contains("current"); })()`); got != "true|"+lines[e.badLine-1]+"|true" {
		t.Errorf("after the problem's link: focus|selection|current = %q", got)
	}
	var m modelView
	e.admin.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/demo/models/%d", e.model), nil).decode(&m)
	if m.Revision != 1 {
		t.Fatalf("the broken model was saved as revision %d", m.Revision)
	}
}

// frenchEditor: on a French page, the server's validation problem is in
// French, in the list and beside the line's number.
func (e *e2e) frenchEditor(t *testing.T, ctx context.Context) {
	if e.lang != "fr" {
		e.setLang(t, ctx, "fr")
	}
	e.open(t, ctx, fmt.Sprintf("/orgs/demo/models/%d", e.model))
	bDo(t, ctx, "waiting for the editor", chromedp.WaitVisible(chromedp.ID("yaml")))
	e.selectWord(t, ctx, e.badLine, "implemented")
	bDo(t, ctx, "typing a typo", chromedp.KeyEvent("implmented"))
	src := bEval[string](t, ctx, `document.getElementById("yaml").value`)
	_, err := model.Decode("demo", []byte(src))
	var ve *model.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Line != e.badLine {
		t.Fatalf("the broken model's problems: %v", err)
	}
	want := i18n.New(i18n.French).Message(ve.Problems[0].Text)
	if !strings.Contains(want, "ne fait pas partie de") || !strings.Contains(want, "vouliez-vous dire") {
		t.Fatalf("the French problem reads %q", want)
	}
	st := bLoad(t, ctx, "saving the broken model", chromedp.Click(chromedp.CSS(`form.editor-form button[type=submit]`)))
	if st != http.StatusUnprocessableEntity {
		t.Errorf("saving a broken model: status %d, want 422", st)
	}
	e.shot(t, ctx, "editor-invalid-again")
	if p := bText(t, ctx, "#problems"); !strings.Contains(p, want) || !strings.Contains(p, fmt.Sprintf("Ligne %d, colonne", e.badLine)) {
		t.Errorf("the problems say %q, want %q", p, want)
	}
	if title := bEval[string](t, ctx, fmt.Sprintf(`document.getElementById("L%d").title`, e.badLine)); title != want {
		t.Errorf("the gutter's title %q, want %q", title, want)
	}
}

// selectWord selects word on a line (1-based) of the editor, focused.
func (e *e2e) selectWord(t *testing.T, ctx context.Context, line int, word string) {
	t.Helper()
	ok := bEval[bool](t, ctx, fmt.Sprintf(`(() => {
		const ta = document.getElementById("yaml"), lines = ta.value.split("\n");
		let pos = 0;
		for (let i = 0; i < %d - 1; i++) pos += lines[i].length + 1;
		const at = lines[%d - 1].indexOf(%q);
		if (at < 0) return false;
		ta.focus();
		ta.setSelectionRange(pos + at, pos + at + %d);
		return true; })()`, line, line, word, len(word)))
	if !ok {
		t.Fatalf("no %q on line %d of the editor", word, line)
	}
}

// editorSave fixes the line (the control now in force), writes a message
// and presses Enter: a new revision.
func (e *e2e) editorSave(t *testing.T, ctx context.Context) {
	e.selectWord(t, ctx, e.badLine, "propsed")
	bDo(t, ctx, "typing the fix", chromedp.KeyEvent("implemented"))
	msg := "Put " + e.control + " in force"
	bDo(t, ctx, "clearing the message", chromedp.Clear(chromedp.ID("message")))
	st := bLoad(t, ctx, "saving with Enter in the message", chromedp.SendKeys(chromedp.ID("message"), msg+"\r"))
	want := fmt.Sprintf("/orgs/demo/models/%d?saved=2", e.model)
	if st != http.StatusOK || e.path(t, ctx) != want {
		t.Fatalf("saved: status %d at %s, want %s", st, e.path(t, ctx), want)
	}
	if f := bText(t, ctx, "main .alert-ok"); f != "Saved as revision 2." {
		t.Errorf("flash %q", f)
	}
	if meta := bText(t, ctx, "main p.meta"); !strings.Contains(meta, msg) {
		t.Errorf("the revision's line %q lacks the message", meta)
	}
	if bCount(t, ctx, ".gutter .ln-bad") != 0 || bCount(t, ctx, "#problems") != 0 {
		t.Error("problems still shown after a valid save")
	}
	e.shot(t, ctx, "editor-saved")
	var m modelView
	e.admin.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/demo/models/%d", e.model), nil).decode(&m)
	if m.Revision != 2 || m.Message != msg || !strings.Contains(m.YAML, "status: implemented") {
		t.Errorf("saved revision %d %q", m.Revision, m.Message)
	}
}

func (e *e2e) historyAndDiff(t *testing.T, ctx context.Context) {
	base := fmt.Sprintf("/orgs/demo/models/%d", e.model)
	bLoad(t, ctx, "opening the history", chromedp.Click(chromedp.CSS(fmt.Sprintf(`.head-links a[href=%q]`, base+"/history"))))
	rows := bEval[[]string](t, ctx, `Array.from(document.querySelectorAll("main table tbody tr")).map(r => r.innerText.replace(/\s+/g, " "))`)
	if len(rows) != 2 || !strings.HasPrefix(rows[0], "2") || !strings.Contains(rows[0], "Put "+e.control+" in force") || !strings.Contains(rows[0], DefaultAdminEmail) {
		t.Errorf("history rows: %q", rows)
	}
	e.shot(t, ctx, "history")
	bLoad(t, ctx, "opening the changes of revision 2", chromedp.Click(chromedp.CSS(fmt.Sprintf(`main a[href=%q]`, base+"/diff?from=1&to=2"))))
	e.shot(t, ctx, "diff")
	del := bEval[[]string](t, ctx, `Array.from(document.querySelectorAll("tr.diff-del")).map(r => r.innerText.replace(/\s+/g, " ").trim())`)
	add := bEval[[]string](t, ctx, `Array.from(document.querySelectorAll("tr.diff-add")).map(r => r.innerText.replace(/\s+/g, " ").trim())`)
	wantDel := fmt.Sprintf("%d − removed status: proposed", e.badLine)
	wantAdd := fmt.Sprintf("%d + added status: implemented", e.badLine)
	if len(del) != 1 || len(add) != 1 || del[0] != wantDel || add[0] != wantAdd {
		t.Errorf("diff: removed %q, added %q; want [%q] and [%q]", del, add, wantDel, wantAdd)
	}
	if c := bText(t, ctx, "main p.meta"); c != "1 line added · 1 line removed" {
		t.Errorf("diff counts %q", c)
	}
}

// run starts a run from the form; the run page shows its progress (the
// workers are held until it has), then, polled by htmx, its result with
// the charts drawn.
func (e *e2e) run(t *testing.T, ctx context.Context) {
	editor := fmt.Sprintf("/orgs/demo/models/%d", e.model)
	bLoad(t, ctx, "back to the editor", chromedp.Click(chromedp.CSS(fmt.Sprintf(`.head-links a[href=%q]`, editor))))
	bLoad(t, ctx, "opening the run form", chromedp.Click(chromedp.CSS(fmt.Sprintf(`.head-links a[href=%q]`, editor+"/run"))))
	if c := bEval[bool](t, ctx, fmt.Sprintf(`document.getElementById("c-%s").checked`, e.control)); !c {
		t.Errorf("the control put in force (%s) is not checked in the run form", e.control)
	}
	bDo(t, ctx, "typing the trials", chromedp.Clear(chromedp.ID("trials")), chromedp.SendKeys(chromedp.ID("trials"), "2000"))
	e.shot(t, ctx, "runform")
	// Hold the workers, so that the run is seen queued.
	e.srv.jobs.stop()
	restarted := false
	defer func() {
		if !restarted {
			e.srv.jobs.start(context.Background())
		}
	}()
	st := bLoad(t, ctx, "starting the run", chromedp.Click(chromedp.CSS(`form.run-form button[type=submit]`)))
	e.runPath = e.path(t, ctx)
	if _, err := fmt.Sscanf(e.runPath, "/orgs/demo/runs/%d", &e.runID); st != http.StatusOK || err != nil {
		t.Fatalf("started: status %d at %s", st, e.runPath)
	}
	if v := bEval[string](t, ctx, `(() => { const p = document.querySelector("#progress progress"); return p ? p.max + "/" + p.value : ""; })()`); v != "100/0" {
		t.Errorf("the queued run's progress bar: %q", v)
	}
	if l := bText(t, ctx, "#progress-label"); l == "" {
		t.Error("no progress label")
	}
	if bCount(t, ctx, ".verdict") != 0 {
		t.Error("a verdict before the run ran")
	}
	e.shot(t, ctx, "run-queued")
	restarted = true
	if err := e.srv.jobs.start(context.Background()); err != nil {
		t.Fatal(err)
	}
	// htmx polls the progress every second, and reloads the page when the
	// run has ended.
	bWait(t, ctx, "the result", `document.querySelector(".verdict")`, 30*time.Second)
	if s := bText(t, ctx, "main p.meta .badge"); s != "Succeeded" {
		t.Errorf("run status %q", s)
	}
	if v := bText(t, ctx, ".verdict"); !strings.HasPrefix(v, "Risk ") {
		t.Errorf("verdict %q", v)
	}
	if m := bText(t, ctx, "main p.meta"); !strings.Contains(m, "2,000") {
		t.Errorf("run parameters %q: no 2,000 trials", m)
	}
	e.checkCharts(t, ctx)
	e.shot(t, ctx, "run-result")
}

// checkCharts waits until ECharts has drawn every chart of the page (SVG
// paths in each container), and checks that each chart still has its
// table of data, folded away.
func (e *e2e) checkCharts(t *testing.T, ctx context.Context) {
	t.Helper()
	n := bCount(t, ctx, "[data-chart]")
	if n == 0 {
		t.Fatal("no chart on the page")
	}
	bWait(t, ctx, "the charts to be drawn", `Array.from(document.querySelectorAll("[data-chart]")).every(el =>
		Array.from(el.querySelectorAll("svg path")).filter(p => (p.getAttribute("d") || "").length > 20).length >= 2 ||
		el.querySelector("canvas"))`, 15*time.Second)
	tables := bEval[[]string](t, ctx, `Array.from(document.querySelectorAll("[data-chart]")).map(el => {
		const fig = el.closest("figure"), d = fig && fig.querySelector("details.chart-data");
		return d ? (d.open ? "open" : "closed") + " " + d.querySelectorAll("tbody tr").length : "none"; })`)
	for i, s := range tables {
		var state string
		var rows int
		fmt.Sscanf(s, "%s %d", &state, &rows)
		if state != "closed" || rows == 0 {
			t.Errorf("chart %d: its table of data is %q (want folded away, with rows)", i+1, s)
		}
	}
}

// french switches the language with the switcher: the page comes back in
// French, with French numbers, in the text and on the charts' axes.
func (e *e2e) french(t *testing.T, ctx context.Context) {
	e.setLang(t, ctx, "fr")
	if p := e.path(t, ctx); p != e.runPath {
		t.Errorf("after switching the language: %s, want %s", p, e.runPath)
	}
	if h := bText(t, ctx, "h1"); !strings.HasPrefix(h, fmt.Sprintf("Simulation n°\u00a0%d", e.runID)) {
		t.Errorf("French heading %q", h)
	}
	if v := bText(t, ctx, ".verdict"); !strings.HasPrefix(v, "Le risque ") {
		t.Errorf("French verdict %q", v)
	}
	// 1 234 567 € (no-break spaces), 12,3 %.
	money := regexp.MustCompile(`^\d{1,3}(\x{00a0}\d{3})+\x{00a0}€$`)
	figs := bEval[[]string](t, ctx, `Array.from(document.querySelectorAll(".figures dd")).map(d => d.textContent)`)
	if len(figs) < 5 || !money.MatchString(figs[0]) {
		t.Errorf("French figures %q: the mean is not like 1\u00a0234\u00a0567\u00a0€", figs)
	}
	if p := figs[len(figs)-1]; !regexp.MustCompile(`^\d+(,\d+)?\x{00a0}%$`).MatchString(p) {
		t.Errorf("French percentage %q", p)
	}
	if m := bText(t, ctx, "main p.meta"); !strings.Contains(m, "2\u00a0000") {
		t.Errorf("French run parameters %q: no 2\u00a0000", m)
	}
	e.checkCharts(t, ctx)
	// The axes are formatted by Intl for French: "10 %" (a narrow no-break
	// space), never "10%".
	axis := bEval[[]string](t, ctx, `Array.from(document.querySelectorAll("[data-chart] svg text")).map(x => x.textContent).filter(s => s.includes("%"))`)
	if len(axis) == 0 {
		t.Error("no percentage on the charts' axes")
	}
	for _, a := range axis {
		if !strings.Contains(a, "\u202f%") && !strings.Contains(a, "\u00a0%") {
			t.Errorf("chart label %q is not French", a)
			break
		}
	}
	e.shot(t, ctx, "run-result")
}

// setLang clicks the language switcher's button and waits for the page.
func (e *e2e) setLang(t *testing.T, ctx context.Context, lang string) {
	t.Helper()
	bLoad(t, ctx, "switching to "+lang, chromedp.Click(chromedp.CSS(fmt.Sprintf(`form.lang-switch button[value=%q]`, lang))))
	e.lang = lang
	if l := bEval[string](t, ctx, `document.documentElement.lang`); l != lang {
		t.Fatalf("after switching to %s the page is in %q", lang, l)
	}
	if p := bEval[string](t, ctx, fmt.Sprintf(`document.querySelector('form.lang-switch button[value=%q]').getAttribute("aria-pressed")`, lang)); p != "true" {
		t.Errorf("the %s button is not pressed", lang)
	}
}

// downloadReport clicks the run's report link; the file is a
// self-contained HTML report with a verdict.
func (e *e2e) downloadReport(t *testing.T, ctx context.Context) {
	reportPath := fmt.Sprintf("/orgs/demo/runs/%d/report?format=html", e.runID)
	if r := e.admin.do("GET", fmt.Sprintf("/orgs/demo/runs/%d/report?format=html", e.runID), nil); r.status == http.StatusNotFound {
		// Not there yet: another part of the UI adds it.
		if bCount(t, ctx, "#download-report") == 0 {
			t.Skipf("no report route (%s answers 404) and no #download-report link yet", reportPath)
		}
	}
	if e.path(t, ctx) != e.runPath {
		e.open(t, ctx, e.runPath)
	}
	href := bEval[string](t, ctx, `(document.getElementById("download-report") || {}).getAttribute ? document.getElementById("download-report").getAttribute("href") : ""`)
	if href == "" {
		t.Fatal("the run page has no link with id download-report")
	}
	if !strings.HasPrefix(href, fmt.Sprintf("/orgs/demo/runs/%d/report", e.runID)) || !strings.Contains(href, "format=html") {
		t.Errorf("the report link is %q, want %s", href, reportPath)
	}
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: bPtr(true)}); err != nil {
		t.Fatal(err)
	}
	progress := chromedp.BrowserEvents(ctx, cdpbrowser.DownloadProgress)
	begun := chromedp.BrowserEvents(ctx, cdpbrowser.DownloadWillBegin)
	bDo(t, ctx, "clicking the report link", chromedp.Click(chromedp.ID("download-report")))
	wait, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var guid, suggested string
	for ev, err := range begun {
		if err != nil {
			t.Fatalf("no download began (now at %s): %v", e.path(t, ctx), err)
		}
		guid, suggested = ev.GUID, ev.SuggestedFilename
		break
	}
	for ev, err := range progress {
		if err != nil || wait.Err() != nil {
			t.Fatalf("the download did not finish: %v", err)
		}
		if ev.GUID != guid {
			continue
		}
		if ev.State == cdpbrowser.DownloadProgressStateCanceled {
			t.Fatal("the download was canceled")
		}
		if ev.State == cdpbrowser.DownloadProgressStateCompleted {
			break
		}
	}
	body, err := os.ReadFile(filepath.Join(dir, guid))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("report %q: %d bytes", suggested, len(body))
	// It computed a plan: through the page that waits for it (ReportProgress tests that page).
	if p := e.path(t, ctx); !strings.Contains(p, "/report/wait?") {
		t.Errorf("the report was downloaded from %s, not from the page that waits for it", p)
	}
	if e.shots != "" {
		os.WriteFile(filepath.Join(e.shots, "report-"+e.lang+".html"), body, 0o644)
	}
	if !strings.HasSuffix(suggested, ".html") {
		t.Errorf("the report's file name %q does not end in .html", suggested)
	}
	checkSelfContained(t, body)
	// The verdict, in either language of the reports.
	txt := strings.Join(strings.Fields(visibleText(string(body))), " ")
	var found []string
	for _, lang := range []i18n.Lang{i18n.English, i18n.French} {
		p := i18n.New(lang)
		for _, k := range i18n.Keys(lang) {
			if !strings.HasPrefix(k, "report.verdict.") || k == "report.verdict.title" || strings.HasPrefix(k, "report.verdict.plan") {
				continue
			}
			lead := strings.TrimSpace(strings.SplitN(p.T(k), "%", 2)[0])
			if len(lead) > 10 && strings.Contains(txt, strings.Join(strings.Fields(lead), " ")) {
				found = append(found, k)
			}
		}
	}
	t.Logf("verdict in the report: %v", found)
	if len(found) == 0 {
		t.Errorf("no verdict in the report:\n%s", truncate(txt, 3000))
	}
}

func bPtr[T any](v T) *T { return &v }

// checkSelfContained fails unless body is an HTML document that loads
// nothing: no script, style sheet, image or frame from elsewhere.
func checkSelfContained(t *testing.T, body []byte) {
	t.Helper()
	if !bytes.Contains(bytes.ToLower(body[:min(len(body), 200)]), []byte("<!doctype html")) {
		t.Errorf("not an HTML document: %q", truncate(string(body), 200))
	}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	external := func(v string) bool {
		v = strings.ToLower(strings.TrimSpace(v))
		return strings.HasPrefix(v, "http:") || strings.HasPrefix(v, "https:") || strings.HasPrefix(v, "//")
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.Data == "script" && attr(n, "src") != "":
				t.Errorf("<script src=%q>", attr(n, "src"))
			case n.Data == "link" && attr(n, "href") != "":
				t.Errorf("<link rel=%q href=%q>", attr(n, "rel"), attr(n, "href"))
			case n.Data == "iframe" || n.Data == "object" || n.Data == "embed":
				t.Errorf("<%s>", n.Data)
			}
			for _, a := range n.Attr {
				switch a.Key {
				case "src", "href", "srcset", "data", "poster", "action", "xlink:href":
					if external(a.Val) {
						t.Errorf("<%s %s=%q>: outside the report", n.Data, a.Key, a.Val)
					}
				}
			}
		}
		if n.Type == html.TextNode && n.Parent != nil && n.Parent.Data == "style" {
			if s := strings.ToLower(n.Data); strings.Contains(s, "@import") || regexp.MustCompile(`url\(\s*['"]?(https?:|//)`).MatchString(s) {
				t.Error("the style sheet loads from elsewhere")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

// keyboard: from the top of the dashboard, Tab reaches the skip link,
// then the menus and the organisation's navigation, each with a visible
// focus ring; the skip link takes the focus to the main content.
func (e *e2e) keyboard(t *testing.T, ctx context.Context) {
	e.open(t, ctx, "/orgs/demo")
	focusStyle := `(() => { const a = document.activeElement, s = getComputedStyle(a);
		const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== "none");
		return (a.className || a.tagName) + "|" + (a.getAttribute("href") || "") + "|" + ring + "|" + !!a.closest("nav.orgnav"); })()`
	bDo(t, ctx, "pressing Tab", chromedp.KeyEvent(kbTab))
	firstFocus := strings.Split(bEval[string](t, ctx, focusStyle), "|")
	if firstFocus[0] != "skip-link" || firstFocus[1] != "#main" || firstFocus[2] != "true" {
		t.Errorf("the first Tab focuses %q (want the skip link, with a visible focus ring)", firstFocus)
	}
	if top := bEval[float64](t, ctx, `document.activeElement.getBoundingClientRect().top`); top < 0 {
		t.Errorf("the focused skip link is off screen (top %v)", top)
	}
	e.shot(t, ctx, "focus-skiplink")
	reached := false
	for i := 0; i < 15 && !reached; i++ {
		bDo(t, ctx, "pressing Tab", chromedp.KeyEvent(kbTab))
		f := strings.Split(bEval[string](t, ctx, focusStyle), "|")
		if f[2] != "true" {
			t.Errorf("Tab %d: %s %s has no visible focus style", i+2, f[0], f[1])
		}
		reached = f[3] == "true"
	}
	if !reached {
		t.Fatal("15 presses of Tab did not reach the organisation's navigation")
	}
	e.shot(t, ctx, "focus-nav")
	// Back to the skip link, and Enter.
	e.open(t, ctx, "/orgs/demo")
	bDo(t, ctx, "following the skip link", chromedp.KeyEvent(kbTab), chromedp.KeyEvent("\r"))
	bWait(t, ctx, "the focus in main", `document.activeElement && document.activeElement.id === "main"`, 5*time.Second)
}

const kbTab = "\t"

// noJavaScript: with scripts disabled, the charts are their tables.
func (e *e2e) noJavaScript(t *testing.T, ctx context.Context) {
	nctx, cancel := chromedp.NewContext(e.tab)
	defer cancel()
	if err := chromedp.Do(nctx); err != nil {
		t.Fatal(err)
	}
	e.watch(t, nctx)
	nctx, cancelT := context.WithTimeout(nctx, e2eStepTimeout)
	defer cancelT()
	if _, err := chromedp.Call(nctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{e.runPath, "/orgs/demo"} {
		if st := e.open(t, nctx, p); st != http.StatusOK {
			t.Fatalf("%s: status %d", p, st)
		}
		got := bEval[string](t, nctx, `[document.documentElement.classList.contains("js"),
			document.querySelectorAll("[data-chart] svg, [data-chart] canvas").length,
			document.querySelectorAll("[data-chart]").length,
			document.querySelectorAll("details.chart-data[open] table tbody tr").length > 0,
			Array.from(document.querySelectorAll("details.chart-data[open] table")).every(t => t.getBoundingClientRect().height > 0)].join("|")`)
		f := strings.Split(got, "|")
		if f[0] != "false" || f[1] != "0" || f[3] != "true" || f[4] != "true" {
			t.Errorf("%s without JavaScript: js class|drawn charts|charts|table rows|tables shown = %s", p, got)
		}
		if f[2] == "0" {
			t.Errorf("%s: no chart container", p)
		}
		e.shot(t, nctx, map[bool]string{true: "nojs-run", false: "nojs-dashboard"}[p == e.runPath])
	}
}

// tourPage is a page of the tour: its name in the screenshots' file
// names and its path (several to try, for the pages being added).
type tourPage struct {
	name  string
	paths []string
}

// tour visits every page of the UI, in English and in French: each must
// load without a JavaScript error; a page that does not exist (404) is
// skipped, so the tour can be run again as pages are added.
func (e *e2e) tour(t *testing.T, ctx context.Context) {
	m := fmt.Sprintf("/orgs/demo/models/%d", e.model)
	run := fmt.Sprintf("/orgs/demo/runs/%d", e.runID)
	e.tourData(t)
	plans, evidence := "/orgs/demo/plans", "/orgs/demo/evidence"
	plan := ""
	if e.plan != 0 {
		plan = fmt.Sprintf("%s/%d", plans, e.plan)
	}
	pages := []tourPage{
		{"orgs", []string{"/orgs"}},
		{"dashboard", []string{"/orgs/demo"}},
		{"models", []string{"/orgs/demo/models"}},
		{"newmodel", []string{"/orgs/demo/models/new"}},
		{"editor", []string{m}},
		{"history", []string{m + "/history"}},
		{"diff", []string{m + "/diff?from=1&to=2"}},
		{"runform", []string{m + "/run"}},
		{"runs", []string{"/orgs/demo/runs"}},
		{"run", []string{run}},
		{"national", []string{"/orgs/anssi/national"}},
		{"audit", []string{"/orgs/demo/audit"}},
		{"trees", []string{m + "/trees"}},
		{"tree", []string{"first-link:" + m + "/trees/"}},
		{"tree-whatif", []string{m + "/trees/leak-mailboxes?whatif=1&control=security-keys&control=staff-training"}},
		{"attack", []string{m + "/attack", run + "/attack", "/orgs/demo/attack"}},
		{"planform", []string{m + "/plan"}},
		{"plans", []string{plans}},
		{"plan", []string{plan}},
		{"evidence", []string{evidence}},
		{"evidence-item", []string{fmt.Sprintf("%s/%d", evidence, e.evidence)}},
		{"members", []string{"/orgs/demo/members"}},
		{"admin", []string{"/admin"}},
		{"signout", []string{"/signout"}},
	}
	// Every page at a desktop's width and a phone's, in each language.
	defer chromedp.Run(context.WithoutCancel(ctx), chromedp.ResetViewport())
	for _, lang := range []string{"en", "fr"} {
		e.tourSignIn(t, lang)
		setViewport(t, ctx, tourViewports[0]) // the language switcher in view
		e.open(t, ctx, "/orgs")
		if e.lang != lang {
			e.setLang(t, ctx, lang)
		}
		for _, vp := range tourViewports {
			setViewport(t, ctx, vp)
			began := time.Now()
			var lastList string // the page a "first-link:" path is looked for in
			for _, pg := range pages {
				shown := false
				for _, p := range pg.paths {
					if p == "" {
						continue
					}
					if prefix, ok := strings.CutPrefix(p, "first-link:"); ok {
						if lastList == "" {
							continue
						}
						e.open(t, ctx, lastList)
						p = bEval[string](t, ctx, fmt.Sprintf(`(Array.from(document.querySelectorAll("main a[href]")).map(a => a.getAttribute("href")).find(h => h.startsWith(%q) && h.length > %d) || "")`, prefix, len(prefix)))
						if p == "" {
							continue
						}
					}
					st := e.open(t, ctx, p)
					if st == http.StatusNotFound {
						continue
					}
					if st != http.StatusOK {
						t.Errorf("%s (%s): status %d", p, lang, st)
					}
					if l := bEval[string](t, ctx, `document.documentElement.lang`); l != lang {
						t.Errorf("%s: in %q, want %s", p, l, lang)
					}
					if bCount(t, ctx, "[data-chart]") > 0 {
						e.checkCharts(t, ctx)
					}
					checkNoOverflow(t, ctx, fmt.Sprintf("%s (%s, %s)", p, lang, vp.name))
					if m := fmtError.FindString(bEval[string](t, ctx, `document.body.innerText`)); m != "" {
						t.Errorf("%s (%s): a message formatted with the wrong arguments: %q", p, lang, m)
					}
					if vp.phone {
						checkPhoneHeader(t, ctx, fmt.Sprintf("%s (%s)", p, lang))
					} else {
						e.checkTypography(t, ctx, lang)
						checkCompressed(t, ctx, fmt.Sprintf("%s (%s)", p, lang))
						checkTableRegions(t, ctx, fmt.Sprintf("%s (%s)", p, lang))
					}
					if pg.name == "trees" && lang == "en" && !vp.phone {
						e.checkTreesOpenOnGoal(t, ctx, p)
						e.open(t, ctx, p)
					}
					e.shot(t, ctx, pg.name+vp.suffix)
					lastList, shown = p, true
					break
				}
				if !shown && lang == "en" && !vp.phone {
					t.Logf("tour: no page %s yet (%s answer 404): skipped", pg.name, strings.Join(pg.paths, ", "))
				}
			}
			t.Logf("tour: the pages in %s at %s in %s", lang, vp.name, time.Since(began).Round(time.Millisecond))
		}
	}
}

// checkTreesOpenOnGoal opens every tree listed on the page at path and
// checks that a drawing wider than its region opens with the goal (the
// first node drawn) in view; at least one of the example's trees is that
// wide.
func (e *e2e) checkTreesOpenOnGoal(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	links := bEval[[]string](t, ctx, fmt.Sprintf(`Array.from(new Set(Array.from(document.querySelectorAll("main a[href]")).map(a => a.getAttribute("href")).filter(h => h.startsWith(%q))))`, path+"/"))
	wide := 0
	for _, l := range links {
		e.open(t, ctx, l)
		got := bEval[[]float64](t, ctx, `(() => {
			const el = document.querySelector(".tree-scroll");
			const g = el.querySelectorAll("svg > g");
			const root = g[g.length - 1].querySelector(":scope > g > rect").getBoundingClientRect();
			const box = el.getBoundingClientRect();
			return [el.scrollWidth - el.clientWidth, root.left - box.left, box.right - root.right]; })()`)
		if got[0] <= 0 {
			continue
		}
		wide++
		if got[1] < 0 || got[2] < 0 {
			t.Errorf("%s: the drawing opens with its goal out of view (%.0f px left, %.0f px right of the region)", l, got[1], got[2])
		}
	}
	if wide == 0 {
		t.Errorf("%s: no tree of %d is wider than its region: the check proves nothing", path, len(links))
	}
}

// checkNoOverflow fails when the page is wider than the window (wide
// tables must scroll in their own region), naming what sticks out.
func checkNoOverflow(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	out := bEval[[]string](t, ctx, `(() => {
		const w = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth <= w) return [];
		const out = [];
		// What sticks out itself, not inside a box that scrolls or clips.
		const clipped = el => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
			if (getComputedStyle(a).overflowX !== "visible") return true; } return false; };
		for (const el of document.querySelectorAll("body *")) {
			const r = el.getBoundingClientRect();
			if (r.right > w + 1 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > w + 1) && !clipped(el)) {
				out.push(el.tagName.toLowerCase() + (el.className ? "." + String(el.className).replace(/ /g, ".") : "") + " right=" + Math.round(r.right));
				if (out.length == 5) break;
			}
		}
		return ["scrollWidth " + document.documentElement.scrollWidth + " > " + w].concat(out); })()`)
	if len(out) > 0 {
		t.Errorf("%s is wider than the window: %s", path, strings.Join(out, "; "))
	}
}

// tourSignIn shows the sign-in page to a visitor (a browser context of its
// own, without the session) in the language.
func (e *e2e) tourSignIn(t *testing.T, lang string) {
	t.Helper()
	vctx, cancel := chromedp.NewContext(e.tab, chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(vctx); err != nil {
		t.Fatal(err)
	}
	e.watch(t, vctx)
	vctx, cancelT := context.WithTimeout(vctx, 15*time.Second)
	defer cancelT()
	e.open(t, vctx, "/signin")
	saved := e.lang
	if lang != "en" {
		e.setLang(t, vctx, lang)
	}
	e.lang = lang
	for _, vp := range tourViewports {
		setViewport(t, vctx, vp)
		e.open(t, vctx, "/signin")
		if bCount(t, vctx, "input#email") != 1 {
			t.Errorf("the sign-in page (%s) has no email field", lang)
		}
		checkNoOverflow(t, vctx, fmt.Sprintf("/signin (%s, %s)", lang, vp.name))
		if vp.phone {
			checkPhoneHeader(t, vctx, fmt.Sprintf("/signin (%s)", lang))
		}
		e.shot(t, vctx, "signin"+vp.suffix)
	}
	e.lang = saved
}

// tourData gives the pages of plans and evidence something to show, when
// they exist: a piece of evidence and a plan of the demo model.
func (e *e2e) tourData(t *testing.T) {
	t.Helper()
	if e.evidence == 0 {
		var ev struct{ ID int64 }
		e.admin.want(http.StatusCreated, "POST", "/api/v1/orgs/demo/evidence?kind=gophish&name=gophish-q1", readFile(t, "../../examples/evidence/gophish-q1.csv")).decode(&ev)
		e.evidence = ev.ID
	}
	if e.plan == 0 {
		if r := e.admin.do("GET", "/orgs/demo/plans", nil); r.status == http.StatusNotFound {
			return // no page of plans yet: no need for one
		}
		var p struct{ ID int64 }
		e.admin.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/plans", e.model),
			map[string]any{"budget": 50000, "trials": 1000}).decode(&p)
		e.plan = p.ID
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			var v planView
			e.admin.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/demo/plans/%d", p.ID), nil).decode(&v)
			if v.Status != "queued" && v.Status != "running" {
				if v.Status != "succeeded" {
					t.Errorf("plan %d: %s %s", p.ID, v.Status, v.Error)
				}
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("plan %d still running after 20 s: its page shows its progress", p.ID)
	}
}

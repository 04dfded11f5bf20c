package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Browser steps of issue 12, items 7 (the audit log in sentences, with
// filters) and 8 ("Run again" and "Plan again" once the job has ended; the
// report's progress while it computes a plan), in English and French.

// auditLog reads the demo's audit log in English, filters it by action
// and by user with the form, gets a clear error for a bad date; then in
// French.
func (e *e2e) auditLog(t *testing.T, ctx context.Context) {
	e.open(t, ctx, "/orgs/demo/audit")
	e.setLang(t, ctx, "en")
	sentences := func() []string {
		return bEval[[]string](t, ctx, `Array.from(document.querySelectorAll("td.audit-say")).map(td => td.textContent)`)
	}
	ran := regexp.MustCompile(`^Site administrator ran the model .+ as run #\d+ \(2,000 years, seed \d+`)
	all := sentences()
	if len(all) < 4 || !anyMatch(all, ran) {
		t.Fatalf("the audit log's sentences: %q", all)
	}
	for _, s := range all {
		if strings.TrimSpace(s) == "" || strings.Contains(s, `{"`) {
			t.Errorf("a raw or blank entry: %q", s)
		}
	}
	e.shot(t, ctx, "audit")

	// The form: by action, then by user too.
	bDo(t, ctx, "choosing an action", chromedp.SetValue(chromedp.ID("audit-action"), "run.create"))
	bLoad(t, ctx, "filtering", chromedp.Click(chromedp.CSS(`#audit-filter button[type=submit]`)))
	if p := e.path(t, ctx); !strings.Contains(p, "action=run.create") {
		t.Errorf("after filtering: %s", p)
	}
	runs := sentences()
	if len(runs) == 0 || len(runs) >= len(all) {
		t.Errorf("filtered by action: %d of %d entries", len(runs), len(all))
	}
	mine := 0
	for _, s := range runs {
		if !strings.Contains(s, " ran the model ") {
			t.Errorf("filtered by run.create: %q", s)
		}
		if ran.MatchString(s) {
			mine++
		}
	}
	admin := bEval[string](t, ctx, `Array.from(document.querySelectorAll("#audit-user option")).find(o => o.textContent.startsWith("Site administrator")).value`)
	bDo(t, ctx, "choosing a user", chromedp.SetValue(chromedp.ID("audit-user"), admin))
	bLoad(t, ctx, "filtering", chromedp.Click(chromedp.CSS(`#audit-filter button[type=submit]`)))
	if p := e.path(t, ctx); !strings.Contains(p, "user="+admin) || !strings.Contains(p, "action=run.create") {
		t.Errorf("after filtering by user: %s", p)
	}
	if n := len(sentences()); n != mine {
		t.Errorf("the administrator's runs: %d, want %d", n, mine)
	}
	bLoad(t, ctx, "showing everything", chromedp.Click(chromedp.ID("audit-clear")))
	if n := len(sentences()); n != len(all) {
		t.Errorf("everything again: %d entries, want %d", n, len(all))
	}

	if st := e.open(t, ctx, "/orgs/demo/audit?from=2026-13-01"); st != http.StatusBadRequest {
		t.Errorf("a bad date: status %d", st)
	}
	if a := bText(t, ctx, "#audit-problems"); !strings.Contains(a, `From (UTC): "2026-13-01" is not a date`) {
		t.Errorf("a bad date's error: %q", a)
	}
	if bCount(t, ctx, `#audit-from[aria-invalid="true"]`) != 1 {
		t.Error("the bad date's field is not marked invalid")
	}

	e.open(t, ctx, "/orgs/demo/audit")
	e.setLang(t, ctx, "fr")
	fr := regexp.MustCompile("^Site administrator a lancé le modèle .+, simulation n°\u00a0\\d+ \\(2\u00a0000 années simulées, graine \\d+")
	if s := sentences(); !anyMatch(s, fr) {
		t.Errorf("the French sentences: %q", s)
	}
	if l := bText(t, ctx, `label[for="audit-action"]`); l != "Quoi" {
		t.Errorf("the French filter: %q", l)
	}
	e.shot(t, ctx, "audit")
	e.open(t, ctx, "/orgs/demo/audit?to=demain")
	if a := bEval[string](t, ctx, `document.getElementById("audit-problems").textContent`); !strings.Contains(a, "Au (UTC, inclus)\u00a0: \"demain\" n'est pas une date") {
		t.Errorf("a bad date's error in French: %q", a)
	}
}

func anyMatch(ss []string, re *regexp.Regexp) bool {
	for _, s := range ss {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// jobsAgain: a queued run's page (English) and a queued plan's page
// (French) offer no "again" while the job has not ended; once it ends,
// htmx reloads the page, which offers it.
func (e *e2e) jobsAgain(t *testing.T, ctx context.Context) {
	restart := e.holdJobs()
	defer restart()
	run := e.apiJob(t, "runs", map[string]any{"trials": 2000, "seed": 11})
	e.againRun = run
	e.open(t, ctx, fmt.Sprintf("/orgs/demo/runs/%d", run))
	e.setLang(t, ctx, "en")
	if bCount(t, ctx, "#progress progress") != 1 || bCount(t, ctx, "#run-again") != 0 {
		t.Errorf("the queued run: progress %d, run again %d", bCount(t, ctx, "#progress progress"), bCount(t, ctx, "#run-again"))
	}
	e.shot(t, ctx, "run-queued-again")
	restart()
	bWait(t, ctx, "the run's end", `document.getElementById("run-again")`, 30*time.Second)
	if s := bText(t, ctx, "#run-again"); s != "Run again" {
		t.Errorf("run again: %q", s)
	}

	restart = e.holdJobs()
	pl := e.apiJob(t, "plans", map[string]any{"budget": 500000, "trials": 2000, "seed": 11})
	e.open(t, ctx, fmt.Sprintf("/orgs/demo/plans/%d", pl))
	e.setLang(t, ctx, "fr")
	if bCount(t, ctx, "#progress progress") != 1 || bCount(t, ctx, "#plan-again") != 0 {
		t.Errorf("the queued plan: progress %d, plan again %d", bCount(t, ctx, "#progress progress"), bCount(t, ctx, "#plan-again"))
	}
	restart()
	bWait(t, ctx, "the plan's end", `document.getElementById("plan-again")`, 35*time.Second)
	if s := bText(t, ctx, "#plan-again"); s != "Planifier à nouveau" {
		t.Errorf("plan again: %q", s)
	}
	e.againPlan = pl
}

// holdJobs stops the job workers, so that the jobs queued stay queued;
// the function it returns starts them again (once).
func (e *e2e) holdJobs() func() {
	e.srv.jobs.stop()
	done := false
	return func() {
		if !done {
			done = true
			e.srv.jobs.start(context.Background())
		}
	}
}

// apiJob queues a run or a plan ("runs", "plans") of the demo model
// through the API and returns its id.
func (e *e2e) apiJob(t *testing.T, kind string, body map[string]any) int64 {
	t.Helper()
	var j struct{ ID int64 }
	e.admin.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/%s", e.model, kind), body).decode(&j)
	return j.ID
}

// reportProgress: a report that must compute a plan shows a page with its
// progress, then downloads by itself (English, then French, each on a run
// of its own); the report of a run whose plan is stored downloads at once.
func (e *e2e) reportProgress(t *testing.T, ctx context.Context) {
	outer := ctx
	for _, c := range []struct {
		lang, waiting, ready string
		seed                 int
		noJS                 bool // in a tab without JavaScript: the page reloads itself
	}{{"en", "Waiting for a turn…", "The report is ready", 21, false}, {"fr", "En attente de son tour…", "Le rapport est prêt", 22, false},
		{"fr", "En attente de son tour…", "Le rapport est prêt", 23, true}} {
		ctx := outer
		if c.noJS {
			ctx = e.noScriptTab(t, outer)
		}
		run := e.apiJob(t, "runs", map[string]any{"trials": 2000, "seed": c.seed})
		waitFor(t, e.admin, fmt.Sprintf("/api/v1/orgs/demo/runs/%d", run), 30*time.Second, func(v runView) bool { return v.Status == "succeeded" })
		e.open(t, ctx, fmt.Sprintf("/orgs/demo/runs/%d", run))
		if !c.noJS {
			e.setLang(t, ctx, c.lang)
		} else if l := bEval[string](t, ctx, `document.documentElement.lang`); l != c.lang {
			t.Fatalf("the tab without JavaScript is in %q", l)
		}
		// Hold the report builds: the page is seen waiting.
		for range maxReportBuilds {
			e.srv.reports.builds <- struct{}{}
		}
		released := false
		release := func() {
			if !released {
				released = true
				for range maxReportBuilds {
					<-e.srv.reports.builds
				}
			}
		}
		name, body := e.download(t, ctx, func() {
			defer release()
			bLoad(t, ctx, "clicking the report link", chromedp.Click(chromedp.ID("download-report")))
			if p, want := e.path(t, ctx), fmt.Sprintf("/orgs/demo/runs/%d/report/wait?format=html", run); p != want {
				t.Errorf("the report link led to %s, want %s", p, want)
			}
			if l := bText(t, ctx, "#progress-label"); l != c.waiting {
				t.Errorf("the waiting report's label: %q, want %q", l, c.waiting)
			}
			if bCount(t, ctx, "#report-progress progress") != 1 || bCount(t, ctx, `#report-progress[hx-trigger="every 1s"]`) != 1 {
				t.Error("no progress bar polled by htmx")
			}
			if c.noJS && bCount(t, ctx, `noscript`) == 0 {
				t.Error("no reload without JavaScript")
			}
			e.shot(t, ctx, "report-wait")
		})
		if !strings.HasSuffix(name, ".html") || !strings.HasPrefix(strings.ToLower(string(body[:min(len(body), 20)])), "<!doctype html") {
			t.Errorf("the report downloaded: %q, %.40q", name, body)
		}
		checkSelfContained(t, body)
		bWait(t, ctx, "the ready page", `document.getElementById("report-ready")`, 10*time.Second)
		if s := bText(t, ctx, "#report-ready"); !strings.HasPrefix(s, c.ready) {
			t.Errorf("the ready page says %q", s)
		}
	}

	// The plan stored by jobsAgain is one of its run: at once, no page.
	if e.againRun == 0 || e.againPlan == 0 {
		t.Skip("no run and plan from the JobsAgain step")
	}
	waitFor(t, e.admin, fmt.Sprintf("/api/v1/orgs/demo/plans/%d", e.againPlan), 30*time.Second, func(v planView) bool { return v.Status == "succeeded" })
	runPage := fmt.Sprintf("/orgs/demo/runs/%d", e.againRun)
	e.open(t, ctx, runPage)
	start := time.Now()
	name, _ := e.download(t, ctx, func() {
		bDo(t, ctx, "clicking the report link", chromedp.Click(chromedp.ID("download-report")))
	})
	t.Logf("report %s with its plan stored: %s", name, time.Since(start).Round(time.Millisecond))
	if p := e.path(t, ctx); p != runPage {
		t.Errorf("with a stored plan, the report link led to %s", p)
	}
}

// noScriptTab is a new tab of the browser with JavaScript off, closed
// when the test ends.
func (e *e2e) noScriptTab(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	nctx, cancel := chromedp.NewContext(e.tab)
	t.Cleanup(cancel)
	if err := chromedp.Do(nctx); err != nil {
		t.Fatal(err)
	}
	e.watch(t, nctx)
	if _, err := chromedp.Call(nctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	if d, ok := ctx.Deadline(); ok {
		var c context.CancelFunc
		nctx, c = context.WithDeadline(nctx, d)
		t.Cleanup(c)
	}
	return nctx
}

// download runs click, which must start a download, and returns the
// file's suggested name and content.
func (e *e2e) download(t *testing.T, ctx context.Context, click func()) (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: bPtr(true)}); err != nil {
		t.Fatal(err)
	}
	progress := chromedp.BrowserEvents(ctx, cdpbrowser.DownloadProgress)
	begun := chromedp.BrowserEvents(ctx, cdpbrowser.DownloadWillBegin)
	click()
	var guid, suggested string
	for ev, err := range begun {
		if err != nil {
			t.Fatalf("no download began (now at %s): %v", e.path(t, ctx), err)
		}
		guid, suggested = ev.GUID, ev.SuggestedFilename
		break
	}
	for ev, err := range progress {
		if err != nil {
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
	return suggested, body
}

package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/report"
)

// fetchReport asks for a report as a browser without JavaScript does: the
// download link; when it sends to the page that waits for the report,
// that page's reloads until it is ready, then the download link again.
func fetchReport(t testing.TB, b *browser, path string) *page {
	t.Helper()
	r := b.get(path)
	for i := 0; r.status == http.StatusSeeOther; i++ {
		wait := r.header.Get("Location")
		if !strings.Contains(wait, "/report/wait?") || i > 2 {
			t.Fatalf("%s: sent to %q", path, wait)
		}
		deadline := time.Now().Add(60 * time.Second)
		w := b.get(wait).want(http.StatusOK)
		for strings.Contains(w.body, `id="report-progress"`) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the report is not ready after a minute", wait)
			}
			time.Sleep(100 * time.Millisecond)
			w = b.get(wait)
		}
		w.want(http.StatusOK).contains(`<meta http-equiv="refresh" content="0;url=` + strings.ReplaceAll(path, "&", "&amp;") + `">`)
		r = b.get(path)
	}
	return r
}

// TestReportWait: a report that must compute a plan is built in the
// background while a page shows its progress (reloading itself without
// JavaScript, polled by htmx with it), then downloads it; with a plan of
// the run stored, the download answers at once.
func TestReportWait(t *testing.T) {
	c := &clock{}
	ts := startServer(t, ":memory:", testConfig(c), c)
	admin := ts.signIn(t, DefaultAdminEmail, adminPassword)
	var models list[map[string]any]
	admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/models", nil).decode(&models)
	election := int64(models.Items[0]["id"].(float64))
	w := &uiWorld{ts: ts}
	run := w.runModel(t, admin, "demo", election, map[string]any{"trials": 2000, "seed": 5})
	download := fmt.Sprintf("/orgs/demo/runs/%d/report?format=html", run)
	waitURL := fmt.Sprintf("/orgs/demo/runs/%d/report/wait?format=html", run)

	// The page with nothing under way sends to the download link.
	idle := ts.signedIn(t, DefaultAdminEmail, adminPassword, "en")
	if loc := idle.get(waitURL).want(http.StatusSeeOther).header.Get("Location"); loc != download {
		t.Errorf("an idle wait page sends to %q", loc)
	}

	// Hold the builds: the page shows the report waiting for its turn.
	for range maxReportBuilds {
		ts.srv.reports.builds <- struct{}{}
	}
	held := true
	release := func() {
		if held {
			for range maxReportBuilds {
				<-ts.srv.reports.builds
			}
			held = false
		}
	}
	defer release()
	for _, lang := range []string{"en", "fr"} {
		b := ts.signedIn(t, DefaultAdminEmail, adminPassword, lang)
		r := b.get(download).want(http.StatusSeeOther)
		if loc := r.header.Get("Location"); loc != waitURL {
			t.Fatalf("%s: sent to %q, want %q", download, loc, waitURL)
		}
		pg := b.get(waitURL).want(http.StatusOK)
		checkHTML(t, waitURL, pg.body, ts.srv.assets.byPath)
		title, queued := "Preparing the report", "Waiting for a turn…"
		if lang == "fr" {
			title, queued = "Préparation du rapport", "En attente de son tour…"
		}
		pg.contains(title, queued, `<noscript><meta http-equiv="refresh" content="2"></noscript>`,
			`hx-get="`+strings.ReplaceAll(waitURL, "&", "&amp;")+`" hx-trigger="every 1s"`, "<progress").lacks(`http-equiv="refresh" content="0;`)
		frag := b.do("GET", waitURL, nil, http.Header{"HX-Request": {"true"}}).want(http.StatusOK)
		if frag.header.Get("HX-Refresh") != "" || strings.Contains(frag.body, "<html") {
			t.Errorf("the fragment of a report under way: %q %q", frag.header.Get("HX-Refresh"), truncate(frag.body, 200))
		}
	}
	if n := len(ts.srv.reports.pending); n != 1 { // (the build waits: no race)
		t.Errorf("%d builds pending for one report asked for twice", n)
	}
	release()

	en := ts.signedIn(t, DefaultAdminEmail, adminPassword, "en")
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		frag := en.do("GET", waitURL, nil, http.Header{"HX-Request": {"true"}}).want(http.StatusOK)
		if frag.header.Get("HX-Refresh") == "true" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the fragment never has the page reloaded")
		}
	}
	ready := en.get(waitURL).want(http.StatusOK)
	ready.contains(`<meta http-equiv="refresh" content="0;url=`+strings.ReplaceAll(download, "&", "&amp;")+`">`, `id="report-get"`, "The report is ready")
	checkHTML(t, waitURL, ready.body, ts.srv.assets.byPath)
	r := en.get(download).want(http.StatusOK)
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.HasPrefix(r.body, "<!DOCTYPE html>") {
		t.Errorf("the download: %q %.40q", cd, r.body)
	}
	if len(ts.srv.reports.pending) != 0 {
		t.Errorf("a build is still pending once kept: %v", ts.srv.reports.pending)
	}
	// Markdown of the same run: kept already, at once.
	en.get(fmt.Sprintf("/orgs/demo/runs/%d/report?format=md", run)).want(http.StatusOK)

	// A plan of the run stored: its report (another, not kept yet)
	// downloads at once, without the page.
	var pl struct{ ID int64 }
	admin.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/plans", election), map[string]any{"budget": 500000, "trials": 2000, "seed": 5}).decode(&pl)
	waitFor(t, admin, fmt.Sprintf("/api/v1/orgs/demo/plans/%d", pl.ID), 60*time.Second, func(v map[string]any) bool { return v["status"] == "succeeded" })
	en.get(download).want(http.StatusOK)
	en.get(fmt.Sprintf("/orgs/demo/runs/%d/report/wait?format=docx", run)).want(http.StatusBadRequest)
	en.get("/orgs/demo/runs/999/report/wait").want(http.StatusNotFound)
}

// TestReportBuildLimits: a failed build is shown once, then started
// again when asked; past maxPendingReports the server is busy (503).
func TestReportBuildLimits(t *testing.T) {
	c := newReportCache()
	defer c.stop()
	boom := errors.New("boom")
	k := reportKey{"o", 1, 0}
	if err := c.start(k, func(context.Context, func(int64, int64)) (*report.Report, error) { return nil, boom }); err != nil {
		t.Fatal(err)
	}
	b := c.pendingBuild(k)
	<-b.done
	if ended, err := b.ended(); !ended || err != boom {
		t.Fatalf("ended %v, %v", ended, err)
	}
	built := make(chan struct{})
	if err := c.start(k, func(context.Context, func(int64, int64)) (*report.Report, error) {
		close(built)
		return &report.Report{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	<-built
	for c.lookup(k) == nil {
		time.Sleep(time.Millisecond)
	}
	// Builds that never end (until stop) fill the queue.
	block := func(ctx context.Context, progress func(int64, int64)) (*report.Report, error) {
		progress(1, 4)
		progress(1, 8) // the total grew: the share shown stays
		<-ctx.Done()
		return nil, ctx.Err()
	}
	for i := range maxPendingReports {
		if err := c.start(reportKey{"o", int64(100 + i), 0}, block); err != nil {
			t.Fatal(err)
		}
	}
	err := c.start(reportKey{"o", 999, 0}, block)
	var pe *protocolError
	if !errors.As(err, &pe) || pe.status != http.StatusServiceUnavailable {
		t.Errorf("past the limit: %v", err)
	}
	// The two under way say how far they got, never less than before.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		running := 0
		c.mu.Lock()
		for _, b := range c.pending {
			if b.Percent() == 25 {
				running++
			}
		}
		c.mu.Unlock()
		if running == maxReportBuilds {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no progress reported")
		}
	}
}

package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/store"
)

// TestPageWeights measures, in a real Chromium, what each main page of
// the UI weighs and how soon it paints: the bytes of the HTML page as
// sent (after compression), all the bytes of the page with its assets
// on a first visit (cache off), and the first contentful paint, the
// median of five loads. It is a measurement, not a check: it runs only
// when SCRUTIN_PAGE_WEIGHTS names a file, and writes a Markdown table
// there (scripts/page-weights.sh runs it).
func TestPageWeights(t *testing.T) {
	out := os.Getenv("SCRUTIN_PAGE_WEIGHTS")
	if out == "" {
		t.Skip("a measurement: SCRUTIN_PAGE_WEIGHTS=FILE runs it (scripts/page-weights.sh)")
	}
	exe := findChromium()
	if exe == "" {
		t.Fatal("no Chromium found")
	}
	e := newE2E(t, exe)
	ctx, cancel := context.WithTimeout(e.tab, 5*time.Minute)
	defer cancel()

	// A finished run and plan of the built-in model, through the API.
	var r struct{ ID int64 }
	e.admin.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/runs", e.model), map[string]any{"trials": 100000}).decode(&r)
	var p struct{ ID int64 }
	e.admin.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/plans", e.model), map[string]any{"budget": 100000, "trials": 10000}).decode(&p)
	for _, path := range []string{fmt.Sprintf("/api/v1/orgs/demo/runs/%d", r.ID), fmt.Sprintf("/api/v1/orgs/demo/plans/%d", p.ID)} {
		deadline := time.Now().Add(3 * time.Minute)
		for {
			var v struct{ Status string }
			e.admin.want(http.StatusOK, "GET", path, nil).decode(&v)
			if v.Status == "succeeded" {
				break
			}
			if v.Status != "queued" && v.Status != "running" || time.Now().After(deadline) {
				t.Fatalf("%s: %s", path, v.Status)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	e.tourData(t)

	// Sign in through the form, in English.
	e.open(t, ctx, "/signin")
	bLoad(t, ctx, "signing in", chromedp.Steps(
		chromedp.SendKeys(chromedp.ID("email"), DefaultAdminEmail),
		chromedp.SendKeys(chromedp.ID("password"), adminPassword+"\r"),
	))
	m := fmt.Sprintf("/orgs/demo/models/%d", e.model)
	pages := []struct{ name, path string }{
		{"dashboard", "/orgs/demo"},
		{"models", "/orgs/demo/models"},
		{"editor", m},
		{"run form", m + "/run"},
		{"run result", fmt.Sprintf("/orgs/demo/runs/%d", r.ID)},
		{"runs", "/orgs/demo/runs"},
		{"plan", fmt.Sprintf("/orgs/demo/plans/%d", p.ID)},
		{"trees", m + "/trees"},
		{"tree", m + "/trees/leak-mailboxes"},
		{"ATT&CK", m + "/attack"},
		{"evidence", "/orgs/demo/evidence"},
		{"audit log", "/orgs/demo/audit"},
	}
	var rows []string
	for _, vp := range []struct {
		name string
		w, h int64
	}{{"1440 px", 1440, 900}, {"390 px", 390, 844}} {
		if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: vp.w, Height: vp.h, DeviceScaleFactor: 1, Mobile: vp.w < 600}); err != nil {
			t.Fatal(err)
		}
		for _, pg := range pages {
			var html, total, fcp []float64
			for range 5 {
				if _, err := chromedp.Call(ctx, network.ClearBrowserCache, cdp.Empty{}); err != nil {
					t.Fatal(err)
				}
				if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
					t.Fatal(err)
				}
				if st := e.open(t, ctx, pg.path); st != http.StatusOK {
					t.Fatalf("%s: status %d", pg.path, st)
				}
				bWait(t, ctx, "the load and the first paint", `document.readyState == "complete" && performance.getEntriesByName("first-contentful-paint").length`, 20*time.Second)
				v := bEval[[]float64](t, ctx, `(() => {
					const nav = performance.getEntriesByType("navigation")[0];
					let total = nav.transferSize;
					for (const r of performance.getEntriesByType("resource")) total += r.transferSize;
					return [nav.transferSize, total, performance.getEntriesByName("first-contentful-paint")[0].startTime];
				})()`)
				html, total, fcp = append(html, v[0]), append(total, v[1]), append(fcp, v[2])
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %.1f KiB | %.1f KiB | %.0f ms |", vp.name, pg.name, median(html)/1024, median(total)/1024, median(fcp)))
		}
	}
	table := "| viewport | page | HTML sent | page + assets, first visit | first contentful paint |\n|---|---|---:|---:|---:|\n" + strings.Join(rows, "\n") + "\n"
	if err := os.WriteFile(out, []byte(table), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + table)
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// TestDocScreenshots takes the screenshots of the README (docs/): the
// dashboard that a first start shows, in English and in French (a first
// start in each language, the demonstration's run and plan computed as
// `scrutin serve` computes them), at 1440×900 and 390×844, the first
// screen of each. It runs only when SCRUTIN_DOC_SCREENSHOTS names a
// directory (scripts/doc-screenshots.sh).
func TestDocScreenshots(t *testing.T) {
	dir := os.Getenv("SCRUTIN_DOC_SCREENSHOTS")
	if dir == "" {
		t.Skip("pictures for the README: SCRUTIN_DOC_SCREENSHOTS=DIR takes them (scripts/doc-screenshots.sh)")
	}
	exe := findChromium()
	if exe == "" {
		t.Fatal("no Chromium found")
	}
	for _, lang := range []i18n.Lang{i18n.English, i18n.French} {
		t.Run(string(lang), func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, filepath.Join(t.TempDir(), "scrutin.db"), time.Now)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := Bootstrap(ctx, db, BootstrapOptions{AdminPassword: adminPassword, DemoModel: examples.ElectionIn(string(lang)),
				Password: fastPasswords, Lang: lang, DemoJobs: true}); err != nil {
				t.Fatal(err)
			}
			srv, err := New(testConfig(&clock{}), db, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			if err := srv.jobs.start(ctx); err != nil {
				t.Fatal(err)
			}
			defer srv.jobs.stop()
			hs := httptest.NewServer(srv.Handler())
			defer hs.Close()
			// The first start's run and plan, as the server computes them.
			ts := &testServer{url: hs.URL, db: db, srv: srv}
			admin := ts.signIn(t, DefaultAdminEmail, adminPassword)
			for _, kind := range []string{"runs", "plans"} {
				deadline := time.Now().Add(5 * time.Minute)
				for {
					var l list[struct{ Status string }]
					admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/"+kind, nil).decode(&l)
					if len(l.Items) == 1 && l.Items[0].Status == "succeeded" {
						break
					}
					if time.Now().After(deadline) || len(l.Items) == 1 && l.Items[0].Status != "queued" && l.Items[0].Status != "running" {
						t.Fatalf("the demonstration's %s: %+v", kind, l.Items)
					}
					time.Sleep(250 * time.Millisecond)
				}
			}
			opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
				chromedp.Flag("disable-background-networking", true), chromedp.NoFirstRun, chromedp.Flag("lang", string(lang)),
				chromedp.WindowSize(1440, 900), chromedp.UserDataDir(t.TempDir()))
			actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
			defer cancelAlloc()
			tab, cancelTab := chromedp.NewContext(actx)
			defer cancelTab()
			tctx, cancel := context.WithTimeout(tab, 2*time.Minute)
			defer cancel()
			bDo(t, tctx, "signing in", chromedp.Navigate(hs.URL+"/signin"))
			if string(lang) != "en" {
				bLoad(t, tctx, "choosing "+string(lang), chromedp.Click(chromedp.CSS(fmt.Sprintf(`form.lang-switch button[value=%q]`, lang))))
			}
			bLoad(t, tctx, "signing in", chromedp.Steps(
				chromedp.SendKeys(chromedp.ID("email"), DefaultAdminEmail),
				chromedp.SendKeys(chromedp.ID("password"), adminPassword+"\r"),
			))
			for _, vp := range []struct{ w, h int64 }{{1440, 900}, {390, 844}} {
				if _, err := chromedp.Call(tctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: vp.w, Height: vp.h, DeviceScaleFactor: 1, Mobile: vp.w < 600}); err != nil {
					t.Fatal(err)
				}
				bDo(t, tctx, "the dashboard", chromedp.Navigate(hs.URL+"/orgs/demo"))
				bWait(t, tctx, "the headline and the charts", `document.querySelector(".answer") && document.readyState == "complete" && Array.from(document.querySelectorAll("[data-chart]")).every(c => c.querySelector("svg path"))`, time.Minute)
				if h := bText(t, tctx, ".answer"); !strings.Contains(h, map[i18n.Lang]string{i18n.English: "Yes", i18n.French: "Oui"}[lang]) {
					t.Errorf("the headline (%s, %d px): %q", lang, vp.w, h)
				}
				time.Sleep(500 * time.Millisecond) // the charts' animation
				png, err := chromedp.Run(tctx, chromedp.CaptureScreenshot())
				if err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(dir, fmt.Sprintf("dashboard-%d-%s.png", vp.w, lang))
				if err := os.WriteFile(file, png, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("%s: %s", file, bText(t, tctx, ".answer"))
			}
		})
	}
}

package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
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

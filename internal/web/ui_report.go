package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/runreport"
	"github.com/scrutin/scrutin/internal/store"
)

// The report of a run, to download: the very report `scrutin report --run
// ID` writes (runreport.Load, report.Build, Render), in the page's language,
// as self-contained HTML, Markdown or PDF (printed by headless Chromium
// when the machine has one). The report recommends the latest plan stored
// for the run (runreport.LatestPlan), and is then built in the request;
// without one, a plan is computed on the run's own simulated years, which
// takes seconds: in the background (ui_reportwait.go), bounded by the
// run's trials, a few at a time, while a page shows its progress, and the
// report is kept for the next downloads of the same run (until a plan of
// it is stored).

// reportFile is a format's media type and file name extension.
var reportFile = map[string]struct{ Type, Ext string }{
	"html": {"text/html; charset=utf-8", "html"},
	"md":   {"text/markdown; charset=utf-8", "md"},
	"pdf":  {"application/pdf", "pdf"},
}

// Limits of the report cache: the built reports kept, and the builds
// computed at once (each uses SimWorkers goroutines).
const (
	maxCachedReports = 16
	maxReportBuilds  = 2
)

// reportCache keeps the reports last built, by organisation and run (a
// succeeded run's report changes only by its date), bounds the builds
// under way, and runs the builds started in the background (ui_reportwait.go).
type reportCache struct {
	builds chan struct{}
	mu     sync.Mutex
	items  map[reportKey]*report.Report
	order  []reportKey // oldest first
	// The background builds, by report, until they are kept (or, when
	// they failed, until their failure is shown); they end with life.
	pending map[reportKey]*reportBuild
	life    context.Context
	stop    context.CancelFunc
}

// buildFunc builds a report, reporting its progress to progress (nil: not
// reported).
type buildFunc func(ctx context.Context, progress func(done, total int64)) (*report.Report, error)

type reportKey struct {
	org  string
	run  int64
	plan int64 // the stored plan it recommends, 0 for one it computes
}

func newReportCache() *reportCache {
	life, stop := context.WithCancel(context.Background())
	return &reportCache{builds: make(chan struct{}, maxReportBuilds), items: map[reportKey]*report.Report{},
		pending: map[reportKey]*reportBuild{}, life: life, stop: stop}
}

func (c *reportCache) lookup(k reportKey) *report.Report {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.items[k]
}

func (c *reportCache) put(k reportKey, r *report.Report) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(k, r)
}

func (c *reportCache) putLocked(k reportKey, r *report.Report) {
	if _, ok := c.items[k]; !ok {
		c.order = append(c.order, k)
	}
	c.items[k] = r
	for len(c.order) > maxCachedReports {
		delete(c.items, c.order[0])
		c.order = c.order[1:]
	}
}

// get returns the report of k, built by build unless it is kept; it
// waits for a turn to build (or for ctx to end).
func (c *reportCache) get(ctx context.Context, k reportKey, build buildFunc) (*report.Report, error) {
	if r := c.lookup(k); r != nil {
		return r, nil
	}
	select {
	case c.builds <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.builds }()
	// Another request may have built it while this one waited.
	if r := c.lookup(k); r != nil {
		return r, nil
	}
	r, err := build(ctx, nil)
	if err != nil {
		return nil, err
	}
	c.put(k, r)
	return r, nil
}

// reportInputs reads what the report of the organisation's run needs, as
// `scrutin report --run` does, with the CLI's defaults (the latest plan
// stored for the run, else the plan with the largest net benefit,
// objective mean, 3-year horizon), and the key it is kept under.
func (s *Server) reportInputs(ctx context.Context, org string, id int64) (*model.Model, report.Options, reportKey, error) {
	opt := report.Options{Objective: plan.ObjectiveMean, Horizon: plan.DefaultHorizon, Workers: s.cfg.SimWorkers,
		Generated: s.cfg.Now().UTC()}
	m, err := runreport.Load(ctx, s.db, org, id, &opt)
	if err != nil {
		return nil, opt, reportKey{}, err
	}
	return m, opt, reportKey{org, id, opt.Origin.Plan}, nil
}

// reportBuilder builds the report of m with opt, reporting its progress.
func reportBuilder(m *model.Model, opt report.Options) buildFunc {
	return func(ctx context.Context, progress func(done, total int64)) (*report.Report, error) {
		opt.Progress = progress
		return report.Build(ctx, m, opt)
	}
}

// reportPDFPage is the data of the page that says PDF needs Chromium.
type reportPDFPage struct {
	Run  *store.Run
	HTML string // the URL of the HTML report
}

// reportRun reads what a report's pages ask for: the run of the path, which
// must have succeeded, and the format (?format=html, md or pdf; html by
// default).
func (s *Server) reportRun(r *http.Request, v *view) (*store.Run, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, "", err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "html"
	}
	if !slices.Contains(report.Formats, format) {
		return nil, "", badRequest("%s", v.P.T("download.badformat", format))
	}
	run, err := s.db.Run(r.Context(), v.Org.ID, id)
	if err != nil {
		return nil, "", err
	}
	if run.Status != store.RunSucceeded {
		return nil, "", model.Errorf(model.ECONFLICT, "%s", v.P.T("download.notready", run.ID, v.P.T("status."+run.Status)))
	}
	return run, format, nil
}

// runReportDownload sends the report of a succeeded run as an attachment
// (?format=html, md or pdf; html by default).
func (s *Server) runReportDownload(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, org := r.Context(), v.Org.ID
	run, format, err := s.reportRun(r, v)
	if err != nil {
		return err
	}
	id := run.ID
	var browser string
	if format == "pdf" {
		// Before the work, not after it.
		if browser, err = report.FindChromium(); err != nil {
			v.Title, v.Nav = v.P.T("download.nopdf.title"), "runs"
			v.Page = &reportPDFPage{Run: run, HTML: orgURL(org, "/runs/%d/report?format=html", run.ID)}
			return s.render(w, http.StatusNotImplemented, "reportpdf", v)
		}
	}
	m, opt, key, err := s.reportInputs(ctx, org, id)
	if err != nil {
		return err
	}
	rep := s.reports.lookup(key)
	if rep == nil && opt.Origin.Plan == 0 {
		// The report must compute a plan (seconds): in the background,
		// while a page shows how far it has got, then downloads it.
		if err := s.reports.start(key, reportBuilder(m, opt)); err != nil {
			return err
		}
		return seeOther(w, r, reportWaitURL(org, id, format))
	}
	if rep == nil {
		// A stored plan: only the figures to lay out, at once.
		if rep, err = s.reports.get(ctx, key, reportBuilder(m, opt)); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := rep.Render(ctx, &buf, format, v.Lang, report.PDFOptions{Browser: browser}); err != nil {
		return fmt.Errorf("run %d: %s report: %w", run.ID, format, err)
	}
	f := reportFile[format]
	h := w.Header()
	h.Set("Content-Type", f.Type)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="scrutin-run-%d.%s"`, run.ID, f.Ext))
	h.Set("Content-Language", string(v.Lang))
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "Cookie, Accept-Language")
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(buf.Bytes()); err != nil {
		return errWritten
	}
	return nil
}

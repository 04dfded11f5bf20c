package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/store"
)

// A report that must compute a plan takes seconds (5.9 s for the demo
// model's 100,000 years). Its download link then starts the build in the
// background and sends the browser to a page that shows how far it has
// got: htmx polls its progress every second; without JavaScript the page
// reloads itself every 2 seconds. Once the report is kept, the page
// downloads it (a refresh to the download link, which now answers at
// once) and says so, with a link to download it again.

// Limits of the background builds: those waiting or under way at once
// (each report of a run counts once, however many ask), and how long one
// may take.
const (
	maxPendingReports = 8
	maxReportBuild    = 10 * time.Minute
)

// reportBuild is a report built in the background.
type reportBuild struct {
	// permille is the work done, in thousandths; -1 while the build waits
	// for a turn.
	permille atomic.Int64
	done     chan struct{}
	err      error // set before done is closed
}

// Percent is the work done, 0 to 100 (rounded down); -1 while waiting.
func (b *reportBuild) Percent() int {
	p := b.permille.Load()
	if p < 0 {
		return -1
	}
	return int(p / 10)
}

// ended says whether the build has ended, and its error.
func (b *reportBuild) ended() (bool, error) {
	select {
	case <-b.done:
		return true, b.err
	default:
		return false, nil
	}
}

// start builds the report of k in the background, unless it is kept or
// being built already (a build that failed is started again). Past
// maxPendingReports builds at once, it answers that the server is busy
// (503) and starts nothing.
func (c *reportCache) start(k reportKey, build buildFunc) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items[k] != nil {
		return nil
	}
	if b := c.pending[k]; b != nil {
		if ended, err := b.ended(); !ended || err == nil {
			return nil
		}
	}
	if len(c.pending) >= maxPendingReports {
		return &protocolError{status: http.StatusServiceUnavailable, code: model.ECONFLICT,
			msg: "too many reports are being prepared at once: try again in a minute"}
	}
	b := &reportBuild{done: make(chan struct{})}
	b.permille.Store(-1)
	c.pending[k] = b
	go c.run(k, b, build)
	return nil
}

// run waits for a turn, builds, and keeps the report.
func (c *reportCache) run(k reportKey, b *reportBuild, build buildFunc) {
	ctx, cancel := context.WithTimeout(c.life, maxReportBuild)
	defer cancel()
	r, err := func() (*report.Report, error) {
		select {
		case c.builds <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		defer func() { <-c.builds }()
		b.permille.Store(0)
		return build(ctx, func(done, total int64) {
			// The total grows as the planner learns what it needs: the
			// share shown never goes back.
			if total > 0 {
				if p := min(999, 1000*done/total); p > b.permille.Load() {
					b.permille.Store(p)
				}
			}
		})
	}()
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		c.putLocked(k, r)
		delete(c.pending, k)
	}
	b.err = err
	close(b.done)
}

// pendingBuild is the background build of k, if any.
func (c *reportCache) pendingBuild(k reportKey) *reportBuild {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pending[k]
}

// forget drops a build that failed, once its failure is shown.
func (c *reportCache) forget(k reportKey, b *reportBuild) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending[k] == b {
		delete(c.pending, k)
	}
}

// reportWaitURL is the page that waits for the report of run id.
func reportWaitURL(org string, id int64, format string) string {
	return orgURL(org, "/runs/%d/report/wait?%s", id, url.Values{"format": {format}}.Encode())
}

// reportWaitPage is the data of the page that waits for a report.
type reportWaitPage struct {
	Run      *store.Run
	Build    *reportBuild // nil once the report is ready
	Download string       // the download link
	Back     string       // the run's page
	Self     string       // this page
}

// Percent is the build's progress (0 to 100), -1 while it waits for a
// turn, 100 once the report is ready.
func (p *reportWaitPage) Percent() int {
	if p.Build == nil {
		return 100
	}
	return p.Build.Percent()
}

// Announced is the progress rounded down to 10 %, for the live region.
func (p *reportWaitPage) Announced() int { return int(math.Max(0, float64(p.Percent()/10*10))) }

// runReportWait is the page that waits for the report of a run that must
// compute a plan: its progress while it is built, then its download.
// With HX-Request it is the progress fragment alone, which has htmx
// reload the page once the build has ended.
func (s *Server) runReportWait(w http.ResponseWriter, r *http.Request, v *view) error {
	org := v.Org.ID
	run, format, err := s.reportRun(r, v)
	if err != nil {
		return err
	}
	id := run.ID
	download := orgURL(org, "/runs/%d/report?%s", id, url.Values{"format": {format}}.Encode())
	k := reportKey{org, id, 0}
	page := &reportWaitPage{Run: run, Download: download, Back: orgURL(org, "/runs/%d", id), Self: reportWaitURL(org, id, format)}
	v.Title, v.Nav, v.Page = v.P.T("download.wait.title"), "runs", page
	fragment := r.Header.Get("HX-Request") != ""
	if s.reports.lookup(k) == nil {
		b := s.reports.pendingBuild(k)
		if b == nil {
			if fragment {
				w.Header().Set("HX-Refresh", "true")
				return s.renderFragment(w, "reportwait", "waitprogress", v)
			}
			// Nothing under way (a server started since, or a plan stored
			// meanwhile): the download link knows what to do.
			return seeOther(w, r, download)
		}
		ended, berr := b.ended()
		if ended && berr != nil {
			if fragment {
				w.Header().Set("HX-Refresh", "true")
				return s.renderFragment(w, "reportwait", "waitprogress", v)
			}
			s.reports.forget(k, b)
			return berr
		}
		if !ended {
			page.Build = b
			if fragment {
				return s.renderFragment(w, "reportwait", "waitprogress", v)
			}
			v.Refresh = 2
			return s.render(w, http.StatusOK, "reportwait", v)
		}
	}
	if fragment {
		w.Header().Set("HX-Refresh", "true")
		return s.renderFragment(w, "reportwait", "waitprogress", v)
	}
	return s.render(w, http.StatusOK, "reportwait", v)
}

package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"sync"

	"github.com/scrutin/scrutin/internal/ebios"
	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/store"
)

// The EBIOS RM study of a run, a page per workshop (issue 14): computed
// on the run's simulated periods, with the run's latest stored plan as
// its treatment, as the run's report has it. The study is edited in the
// model (its ebios: block), in the editor.

// ebiosPage is the data of a study's page.
type ebiosPage struct {
	Run       *store.Run
	ModelName string
	// Workshop is the section shown: 0 the scales, 1–5 the workshops.
	Workshop int
	Titles   []string
	Body     template.HTML
	// Plan is the stored plan used as the treatment (0: none).
	Plan int64
	Org  string
}

// URL is the page of section i.
func (p *ebiosPage) URL(i int) string { return orgURL(p.Org, "/runs/%d/ebios/%d", p.Run.ID, i) }

// EditURL is the model's editor, where the study is written.
func (p *ebiosPage) EditURL() string { return orgURL(p.Org, "/models/%d", p.Run.ModelID) }

// ReportURL is the run's report, which carries the study too.
func (p *ebiosPage) ReportURL() string { return orgURL(p.Org, "/runs/%d/report?format=html", p.Run.ID) }

// studyCache keeps the studies computed for the pages, by run and plan:
// a few, since each is a simulation away.
type studyCache struct {
	mu      sync.Mutex
	studies map[reportKey]*ebios.Study
}

const maxStudies = 16

func (c *studyCache) get(ctx context.Context, k reportKey, build func(context.Context) (*ebios.Study, error)) (*ebios.Study, error) {
	c.mu.Lock()
	st := c.studies[k]
	c.mu.Unlock()
	if st != nil {
		return st, nil
	}
	st, err := build(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.studies == nil || len(c.studies) >= maxStudies {
		c.studies = map[reportKey]*ebios.Study{}
	}
	c.studies[k] = st
	return st, nil
}

func (s *Server) ebiosRedirect(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return seeOther(w, r, orgURL(v.Org.ID, "/runs/%d/ebios/1", id))
}

func (s *Server) ebiosPageOf(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, org := r.Context(), v.Org.ID
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 || n > 5 {
		return model.Errorf(model.ENOTFOUND, "%s", v.P.T("ebiosui.nosection", r.PathValue("n")))
	}
	run, err := s.db.Run(ctx, org, id)
	if err != nil {
		return err
	}
	if run.Status != store.RunSucceeded {
		return model.Errorf(model.ECONFLICT, "%s", v.P.T("download.notready", run.ID, v.P.T("status."+run.Status)))
	}
	m, opt, key, err := s.reportInputs(ctx, org, id)
	if err != nil {
		return err
	}
	if m.Ebios == nil {
		return model.Errorf(model.ENOTFOUND, "%s", v.P.T("ebiosui.none"))
	}
	st, err := s.studies.get(ctx, key, func(ctx context.Context) (*ebios.Study, error) {
		cm, _, err := evidence.Calibrate(m, opt.Evidence)
		if err != nil {
			return nil, err
		}
		eo := ebios.Options{Trials: opt.Trials, Seed: opt.Seed, Controls: opt.Controls, Workers: s.cfg.SimWorkers}
		if p := opt.Plan; p != nil {
			eo.After = slices.Concat(p.Implemented, p.Selected)
		}
		return ebios.Compute(ctx, cm, eo)
	})
	if err != nil {
		return fmt.Errorf("run %d: EBIOS RM study: %w", id, err)
	}
	var body bytes.Buffer
	if err := report.EbiosSectionHTML(&body, st, v.Lang, n); err != nil {
		return err
	}
	page := &ebiosPage{Run: run, ModelName: m.Name, Workshop: n, Titles: report.EbiosSections(st, v.Lang),
		Body: template.HTML(body.String()), Plan: opt.Origin.Plan, Org: org} // #nosec: escaped by the report's writer
	v.Title, v.Nav, v.Page = page.Titles[n]+" · "+v.P.T("ebiosui.title"), "runs", page
	return s.render(w, http.StatusOK, "ebios", v)
}

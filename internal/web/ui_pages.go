package web

import (
	"cmp"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
	"github.com/scrutin/scrutin/internal/store"
)

// The organisation switcher, the dashboard, the lists of models and
// runs, the national view and the audit log.

// maxListed bounds the models a page lists.
const maxListed = 1000

func (s *Server) orgsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Title = v.P.T("orgs.title")
	return s.render(w, http.StatusOK, "orgs", v)
}

// dashModel is a model on the dashboard, with the figures of its latest
// succeeded run (Result nil when it has none).
type dashModel struct {
	ID       int64
	Name     string
	Revision int
	Run      *store.Run
	Result   *runResult
	State    string // toleranceState
}

type dashboardPage struct {
	Models  []dashModel
	Chosen  *dashModel
	Verdict string
	// Headline answers "is the risk significant?" first (ui_answer.go);
	// nil when the organisation has no model.
	Headline *headline
	// ResultHTML is the chosen run's figures, curve, grid and top
	// scenarios (the dashboard-result template), rendered once per run
	// and language.
	ResultHTML template.HTML
	// Trend lists the succeeded runs of the chosen model, oldest first.
	Trend      []trendPoint
	TrendChart *chart
}

// dashResult is the data of the dashboard-result template: what the
// dashboard shows of a run that depends on nothing but the run (its
// prepared result, immutable), its organisation and the language.
type dashResult struct {
	P         *i18n.Printer
	RR        *runResult
	OrgID     string
	RunID     int64
	LEC       *chart
	Tolerance []sim.TolerancePoint
	Top       []scenarioRow
	TopMax    float64
}

// dashResultHTML renders the dashboard-result template of the chosen
// model's run, or takes it from the run's prepared result, which keeps it
// by language: the larger part of the page, and of its cost.
func (s *Server) dashResultHTML(v *view, c *dashModel) (template.HTML, error) {
	rr := c.Result
	key := string(v.Lang) + " " + v.Org.ID
	if h, ok := rr.dashboard.Load(key); ok {
		return h.(template.HTML), nil
	}
	res := rr.Result
	d := dashResult{P: v.P, RR: rr, OrgID: v.Org.ID, RunID: c.Run.ID, LEC: lecChart("lec-data", v.P, res)}
	if t := res.Portfolio.Tolerance; t != nil {
		d.Tolerance = t.Points
	}
	d.Top = rr.Scenarios[:min(topScenarios, len(rr.Scenarios))]
	if len(d.Top) > 0 {
		d.TopMax = d.Top[0].Mean
	}
	var b strings.Builder
	if err := s.tmpl.pages["dashboard"].ExecuteTemplate(&b, "dashboard-result", d); err != nil {
		return "", fmt.Errorf("template dashboard-result: %w", err)
	}
	h := template.HTML(b.String())
	rr.dashboard.Store(key, h)
	return h, nil
}

// topScenarios is how many scenarios the dashboard ranks.
const topScenarios = 10

// trendRuns is how many of the latest succeeded runs the trend shows.
const trendRuns = 30

// dashboard shows the organisation's risk: every model's latest
// succeeded run in a table, and for the chosen one (?model=ID, else the
// one that ran last) its loss exceedance curve against the tolerance, the
// EBIOS RM grid, the scenarios that weigh most and the trend across runs.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, org := r.Context(), v.Org.ID
	rememberOrg(w, r, v)
	// The page depends on the view and on the organisation's models and
	// runs, whose data version is read before them: a page rendered from
	// them holds while the version is the same.
	version, err := s.db.OrgDataVersion(ctx, org)
	if err != nil {
		return err
	}
	key := dashboardKey(v, version)
	if body := s.dashboards.get(key); body != nil {
		return writeHTML(w, http.StatusOK, v.Lang, body)
	}
	models, err := s.db.Models(ctx, org, store.Page{Limit: maxListed})
	if err != nil {
		return err
	}
	// The runs without their results: those kept prepared (the usual
	// case) are not read again.
	latest, err := s.db.LatestRuns(ctx, org)
	if err != nil {
		return err
	}
	byModel := map[int64]*store.Run{}
	for i := range latest {
		byModel[latest[i].ModelID] = &latest[i]
	}
	page := &dashboardPage{}
	want, _ := strconv.ParseInt(r.URL.Query().Get("model"), 10, 64)
	for _, m := range models {
		dm := dashModel{ID: m.ID, Name: m.Name, Revision: m.Revision, State: "none"}
		if run := byModel[m.ID]; run != nil {
			rr := s.results.get(run)
			if rr == nil {
				full, err := s.db.Run(ctx, org, run.ID)
				if model.ErrorCode(err) == model.ENOTFOUND {
					page.Models = append(page.Models, dm) // deleted since listed
					continue
				}
				if err != nil {
					return err
				}
				if rr, err = s.result(ctx, full, m.Name); err != nil {
					return err
				}
			}
			dm.Run, dm.Result, dm.State = run, rr, toleranceState(rr.Result.Portfolio.Tolerance)
		}
		page.Models = append(page.Models, dm)
	}
	for i := range page.Models {
		dm := &page.Models[i]
		switch {
		case dm.Result == nil:
		case dm.ID == want:
			page.Chosen = dm
		case want == 0 && (page.Chosen == nil || dm.Run.ID > page.Chosen.Run.ID):
			page.Chosen = dm
		}
	}
	v.Title, v.Nav, v.Page = v.P.T("dashboard.title"), "dashboard", page
	if want != 0 && page.Chosen == nil {
		return orgNotFound()
	}
	if c := page.Chosen; c != nil {
		res := c.Result.Result
		if res.CycleYears != 0 {
			// The chosen model has a calendar: its figures are per election.
			v.P = v.P.WithVariant("election")
		}
		v.Charts = true
		page.Verdict = verdict(v.P, res)
		if page.Headline, err = s.answer(ctx, v.P, org, c); err != nil {
			return err
		}
		if page.ResultHTML, err = s.dashResultHTML(v, c); err != nil {
			return err
		}
		if err := s.trend(r, c, page); err != nil {
			return err
		}
		page.TrendChart = trendChart("trend-data", v.P, res.Currency, page.Trend)
	} else if len(page.Models) > 0 {
		if page.Headline, err = s.noAnswer(ctx, v.P, org, page.Models); err != nil {
			return err
		}
	}
	if h := page.Headline; h != nil && (h.PendingPlan != 0 || h.PendingRun != 0) {
		v.Refresh = 3 // without JavaScript; with it, the headline polls the job
	}
	body, err := s.renderBytes("dashboard", v)
	if err != nil {
		return err
	}
	s.dashboards.put(key, body)
	return writeHTML(w, http.StatusOK, v.Lang, body)
}

// trend fills in the chosen model's portfolio mean and P90 across its
// latest succeeded runs.
func (s *Server) trend(r *http.Request, c *dashModel, page *dashboardPage) error {
	ctx := r.Context()
	runs, err := s.db.Runs(ctx, c.Run.OrgID, c.ID, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	var done []store.Run
	for _, run := range runs {
		if run.Status == store.RunSucceeded && run.FinishedAt != nil && len(done) < trendRuns {
			done = append(done, run)
		}
	}
	slices.Reverse(done)
	figs, err := s.trendOf(ctx, c.Run.OrgID, done)
	if err != nil {
		return err
	}
	for i, run := range done {
		page.Trend = append(page.Trend, trendPoint{RunID: run.ID, At: *run.FinishedAt, Mean: figs[i].Mean, P90: figs[i].P90})
	}
	return nil
}

// modelRow is a model in the list, with its latest run of any status.
type modelRow struct {
	store.Model
	Run *store.Run
}

func (s *Server) modelsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, org := r.Context(), v.Org.ID
	models, err := s.db.Models(ctx, org, store.Page{Limit: maxListed})
	if err != nil {
		return err
	}
	runs, err := s.db.Runs(ctx, org, 0, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	last := map[int64]*store.Run{}
	for i := range runs {
		if last[runs[i].ModelID] == nil {
			last[runs[i].ModelID] = &runs[i]
		}
	}
	rows := make([]modelRow, len(models))
	for i, m := range models {
		rows[i] = modelRow{Model: m, Run: last[m.ID]}
	}
	v.Title, v.Nav, v.Page = v.P.T("models.title"), "models", rows
	return s.render(w, http.StatusOK, "models", v)
}

// runRow is a run in the list, with its model's name.
type runRow struct {
	store.Run
	ModelName string
}

type runsPage struct {
	Runs []runRow
	Next string // the cursor of the next page, "" on the last
}

// listPage is the page size of the runs and the audit log.
const listPage = 50

func (s *Server) runsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, org := r.Context(), v.Org.ID
	p, err := PageParams{Limit: listPage, Cursor: r.URL.Query().Get("cursor")}.page()
	if err != nil {
		return err
	}
	runs, err := s.db.Runs(ctx, org, 0, p)
	if err != nil {
		return err
	}
	names, err := s.modelNames(ctx, org)
	if err != nil {
		return err
	}
	page := &runsPage{}
	for _, run := range runs {
		page.Runs = append(page.Runs, runRow{Run: run, ModelName: names[run.ModelID]})
	}
	page.Next = paged(runs, p, func(r store.Run) int64 { return r.ID }).Body.NextCursor
	v.Title, v.Nav, v.Page = v.P.T("runs.title"), "runs", page
	return s.render(w, http.StatusOK, "runs", v)
}

// nationalPage shows an agency what the organisations that share with it
// share: per organisation and model, the portfolio figures and the
// verdict, exactly what the API's national view holds.
func (s *Server) nationalPage(w http.ResponseWriter, r *http.Request, v *view) error {
	nv, err := s.nationalOf(r.Context(), v.Org.ID)
	if err != nil {
		return err
	}
	joint, err := s.loadJointPanel(r, v)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "queued":
		v.Flash = v.P.T("joint.done.queued")
	case "nomember":
		v.Flash = v.P.T("joint.done.nomember")
	}
	v.Title, v.Nav, v.Page = v.P.T("national.title"), "national", &nationalPage{nationalView: nv, Summary: nationalSummaryOf(nv), Joint: joint}
	return s.render(w, http.StatusOK, "national", v)
}

// nationalPage is the national view with what the agency reads first: a
// summary across the organisations and the models beyond their tolerance.
type nationalPage struct {
	*nationalView
	Summary nationalSummary
	Joint   *jointPanel
}

type nationalSummary struct {
	Orgs, Models, Results, Exceeding, Within int
	// Totals sums the mean annual losses per currency (models in
	// different currencies are not added up).
	Totals []moneyTotal
	// Exceed lists the models beyond their tolerance, the largest mean
	// loss first (within a currency).
	Exceed []nationalAlert
}

type moneyTotal struct {
	Currency string
	Mean     float64
}

type nationalAlert struct {
	OrgID, Org, Model, Currency string
	Mean, P99                   float64
}

func nationalSummaryOf(nv *nationalView) nationalSummary {
	var sum nationalSummary
	totals := map[string]float64{}
	for _, o := range nv.Organisations {
		sum.Orgs++
		for _, m := range o.Models {
			sum.Models++
			if m.AsOf == nil {
				continue
			}
			sum.Results++
			totals[m.Currency] += m.Portfolio.Mean
			if m.Tolerance == nil {
				continue
			}
			if m.Tolerance.Breached {
				sum.Exceeding++
				sum.Exceed = append(sum.Exceed, nationalAlert{OrgID: o.ID, Org: o.Name, Model: m.Model, Currency: m.Currency,
					Mean: m.Portfolio.Mean, P99: m.Portfolio.Quantiles["p99"]})
			} else {
				sum.Within++
			}
		}
	}
	for c, t := range totals {
		sum.Totals = append(sum.Totals, moneyTotal{c, t})
	}
	slices.SortFunc(sum.Totals, func(a, b moneyTotal) int { return strings.Compare(a.Currency, b.Currency) })
	slices.SortStableFunc(sum.Exceed, func(a, b nationalAlert) int {
		if a.Currency != b.Currency {
			return strings.Compare(a.Currency, b.Currency)
		}
		return cmp.Compare(b.Mean, a.Mean)
	})
	return sum
}

// modelNames are the names of the organisation's models, by id, for the
// lists of runs and plans.
func (s *Server) modelNames(ctx context.Context, org string) (map[int64]string, error) {
	models, err := s.db.Models(ctx, org, store.Page{Limit: maxListed})
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(models))
	for _, m := range models {
		names[m.ID] = m.Name
	}
	return names, nil
}

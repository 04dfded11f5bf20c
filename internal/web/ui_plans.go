package web

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/store"
)

// Mitigation plans on the pages: the list, the form that starts one from
// a model (the parameters of the API's create-plan), and the plan's page,
// which follows the plan while it is queued or running (htmx polls a
// fragment; without JavaScript the page reloads itself), then shows the
// verdict, the efficient frontier, the chosen portfolio and each
// control's return on security investment.

// planRow is a plan in the list.
type planRow struct {
	store.Plan
	ModelName string
	Spec      planSpec
	Currency  string
}

type plansPage struct {
	Plans []planRow
	Next  string
}

func (s *Server) plansPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, org := r.Context(), v.Org.ID
	p, err := PageParams{Limit: listPage, Cursor: r.URL.Query().Get("cursor")}.page()
	if err != nil {
		return err
	}
	plans, err := s.db.Plans(ctx, org, p)
	if err != nil {
		return err
	}
	names, err := s.modelNames(ctx, org)
	if err != nil {
		return err
	}
	page := &plansPage{}
	currencies := map[[2]int64]string{}
	for _, pl := range plans {
		row := planRow{Plan: pl, ModelName: names[pl.ModelID]}
		json.Unmarshal(pl.Request, &row.Spec) // written by queuePlan
		row.Currency = s.planCurrency(ctx, &pl, row.ModelName, currencies)
		page.Plans = append(page.Plans, row)
	}
	page.Next = paged(plans, p, func(p store.Plan) int64 { return p.ID }).Body.NextCursor
	v.Title, v.Nav, v.Page = v.P.T("plans.title"), "plans", page
	return s.render(w, http.StatusOK, "plans", v)
}

// planCurrency is the currency of the revision a plan is of ("" when it
// cannot be read), remembered in seen for the other plans of the list.
func (s *Server) planCurrency(ctx context.Context, p *store.Plan, name string, seen map[[2]int64]string) string {
	k := [2]int64{p.ModelID, int64(p.Revision)}
	if c, ok := seen[k]; ok {
		return c
	}
	c := ""
	if rev, err := s.db.Revision(ctx, p.OrgID, p.ModelID, p.Revision); err == nil {
		if m, err := decodeRevision(name, rev); err == nil {
			c = m.Currency
		}
	}
	seen[k] = c
	return c
}

// planFormPage is the data of the plan form.
type planFormPage struct {
	Model     *store.Model
	Revision  int
	Currency  string
	Budget    string
	Objective string
	Horizon   string
	Trials    string
	Seed      string
	MaxTrials int64
	// Objectives are plan.Objectives and those of the model's harm
	// dimensions; Candidates the proposed controls, CandidatesCost what
	// they cost together a year (one-off costs spread over the default
	// horizon).
	Objectives     []objectiveChoice
	Candidates     []model.Control
	CandidatesCost float64
	// Evidence is the organisation's evidence, offered when the model has
	// an evidence: section.
	Evidence []evidenceChoice
	Error    string
}

// evidenceChoice is a piece of evidence in a form, checked or not.
type evidenceChoice struct {
	store.Evidence
	Checked bool
}

// newPlanForm fills in the form for a revision of the model.
func (s *Server) newPlanForm(ctx context.Context, org string, sm *store.Model, rev int, m *model.Model) (*planFormPage, error) {
	page := &planFormPage{Model: sm, Revision: rev, Currency: m.Currency, MaxTrials: s.cfg.MaxTrials,
		Objective: plan.ObjectiveMean, Objectives: objectiveChoices(m), Horizon: strconv.FormatFloat(plan.DefaultHorizon, 'f', -1, 64)}
	for _, c := range m.Controls {
		if c.Status == model.StatusProposed {
			page.Candidates = append(page.Candidates, c)
			page.CandidatesCost += m.ControlCost(&c).Annualised(plan.DefaultHorizon)
		}
	}
	var err error
	page.Evidence, err = s.evidenceChoices(ctx, org, m, func(store.Evidence) bool { return false })
	return page, err
}

func (s *Server) planFormPageOf(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sm, rev, m, err := loadRevision(r.Context(), s.db, v.Org.ID, id, 0)
	if err != nil {
		return err
	}
	page, err := s.newPlanForm(r.Context(), v.Org.ID, sm, rev.Revision, m)
	if err != nil {
		return err
	}
	trials, seed, _ := trialsAndSeed(m, nil, nil, math.MaxInt64)
	page.Trials, page.Seed = strconv.FormatInt(trials, 10), strconv.FormatUint(seed, 10)
	page.Budget = strconv.FormatFloat(defaultPlanBudget(m), 'f', -1, 64)
	page.fillFrom(r.URL.Query())
	v.Title, v.Nav, v.Page = v.P.T("planform.title", sm.Name), "plans", page
	return s.render(w, http.StatusOK, "planform", v)
}

// fillFrom fills the form in from a plan again's query (budget,
// objective, horizon, trials, seed, evidence); what does not read is left
// as it was.
func (page *planFormPage) fillFrom(q url.Values) {
	if b, err := strconv.ParseFloat(q.Get("budget"), 64); err == nil && b >= 0 && !math.IsInf(b, 0) {
		page.Budget = strconv.FormatFloat(b, 'f', -1, 64)
	}
	if o := q.Get("objective"); slices.ContainsFunc(page.Objectives, func(c objectiveChoice) bool { return c.Value == o }) {
		page.Objective = o
	}
	if h, err := strconv.ParseFloat(q.Get("horizon"), 64); err == nil && h > 0 && !math.IsInf(h, 0) {
		page.Horizon = strconv.FormatFloat(h, 'f', -1, 64)
	}
	trialsAndSeedFrom(q, &page.Trials, &page.Seed)
	for i := range page.Evidence {
		page.Evidence[i].Checked = slices.Contains(q["evidence"], strconv.FormatInt(page.Evidence[i].ID, 10))
	}
}

// startPlan queues a plan from the form, then goes to the plan's page;
// what is wrong with the form is said above it, the values kept.
func (s *Server) startPlan(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, org := r.Context(), v.Org.ID
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	form, err := readForm(w, r, maxSmallBody)
	if err != nil {
		return err
	}
	revNo, _ := strconv.Atoi(form.Get("revision"))
	sm, rev, m, err := loadRevision(ctx, s.db, org, id, max(revNo, 0))
	if err != nil {
		return err
	}
	page, err := s.newPlanForm(ctx, org, sm, rev.Revision, m)
	if err != nil {
		return err
	}
	page.Budget, page.Objective = strings.TrimSpace(form.Get("budget")), form.Get("objective")
	page.Horizon, page.Trials, page.Seed = strings.TrimSpace(form.Get("horizon")), strings.TrimSpace(form.Get("trials")), strings.TrimSpace(form.Get("seed"))
	req := planRequest{Revision: rev.Revision, Objective: page.Objective}
	for i := range page.Evidence {
		e := &page.Evidence[i]
		if e.Checked = slices.Contains(form["evidence"], strconv.FormatInt(e.ID, 10)); e.Checked {
			req.Evidence = append(req.Evidence, e.ID)
		}
	}
	fail := func(msg string) error {
		page.Error = msg
		v.Title, v.Nav, v.Page = v.P.T("planform.title", sm.Name), "plans", page
		return s.render(w, http.StatusUnprocessableEntity, "planform", v)
	}
	if req.Budget, err = strconv.ParseFloat(strings.ReplaceAll(page.Budget, " ", ""), 64); err != nil || req.Budget < 0 || math.IsInf(req.Budget, 0) || math.IsNaN(req.Budget) {
		return fail(v.P.T("planform.badbudget"))
	}
	if !slices.ContainsFunc(page.Objectives, func(c objectiveChoice) bool { return c.Value == req.Objective }) {
		return fail(v.P.T("planform.badobjective"))
	}
	if page.Horizon != "" {
		if req.Horizon, err = strconv.ParseFloat(page.Horizon, 64); err != nil || !(req.Horizon > 0) || math.IsInf(req.Horizon, 0) {
			return fail(v.P.T("planform.badhorizon"))
		}
	}
	var msg string
	if req.Trials, req.Seed, msg = s.trialsAndSeed(v.P, page.Trials, page.Seed); msg != "" {
		return fail(msg)
	}
	p, err := s.queuePlan(ctx, org, id, req)
	if model.ErrorCode(err) == model.EINVALID {
		return fail(errorMessage(v.P, err, ""))
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, orgURL(org, "/plans/%d", p.ID))
}

// planPage is the data of a plan's page.
type planPage struct {
	Plan      *store.Plan
	ModelName string
	Spec      planSpec
	Currency  string
	// Once succeeded:
	Result   *plan.Result
	Verdict  string
	State    string // within | exceeds | none, after the plan
	Frontier *chart
	// Chosen are the controls the plan adds, Kept those implemented.
	Chosen []plan.Control
	Kept   []namedID
	// Names are the candidates' names by id; ScenarioNames the model's
	// scenarios'.
	Names         map[string]string
	ScenarioNames map[string]string
}

// AgainQuery is the plan form's query that plans again as this plan did:
// its budget, objective, horizon, trials, seed and evidence.
func (p *planPage) AgainQuery() string {
	sp := p.Spec
	q := url.Values{"budget": {strconv.FormatFloat(sp.Budget, 'f', -1, 64)}, "objective": {sp.Objective},
		"trials": {strconv.FormatInt(sp.Trials, 10)}, "seed": {strconv.FormatUint(sp.Seed, 10)}}
	if sp.Horizon > 0 {
		q.Set("horizon", strconv.FormatFloat(sp.Horizon, 'f', -1, 64))
	}
	for _, e := range sp.Evidence {
		q.Add("evidence", strconv.FormatInt(e, 10))
	}
	return "?" + q.Encode()
}

// Active says whether the plan is still queued or running.
func (p *planPage) Active() bool {
	return p.Plan.Status == store.RunQueued || p.Plan.Status == store.RunRunning
}

// Objective is the objective's figure of a risk.
func (p *planPage) Objective(r plan.Risk) float64 { return r.Stat(p.Spec.Objective) }

// riskRow is a figure of the annual loss before and after the plan.
type riskRow struct {
	Name                     string // mean, p90, p95, p99
	Before, After, Reduction float64
	Objective                bool
}

// RiskRows are the annual loss's figures before and after the plan.
func (p *planPage) RiskRows() []riskRow {
	b, a := p.Result.Baseline, p.Result.Residual
	rows := []riskRow{{"mean", b.Mean, a.Mean, 0, false}, {"p90", b.P90, a.P90, 0, false}, {"p95", b.P95, a.P95, 0, false}, {"p99", b.P99, a.P99, 0, false}}
	for i := range rows {
		rows[i].Reduction = rows[i].Before - rows[i].After
		rows[i].Objective = rows[i].Name == p.Result.Objective
	}
	return rows
}

// ROSI is a return on security investment as a percentage, or a dash
// when the control costs nothing.
func (p *planPage) ROSI(pr *i18n.Printer, r *float64) string {
	if r == nil {
		return "—"
	}
	return pr.T("plan.rosi.value", pr.Number(100**r, 0))
}

// Years formats a number of years: whole, or with one decimal.
func (p *planPage) Years(pr *i18n.Printer, y float64) i18n.Count {
	if y == math.Trunc(y) {
		return pr.Count(y, 0)
	}
	return pr.Count(y, 1)
}

// ControlNames lists the names of controls by id, in the reader's
// language when there are none.
func (p *planPage) ControlNames(pr *i18n.Printer, ids []string) string {
	if len(ids) == 0 {
		return pr.T("plan.nothing")
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = cmpOr(p.Names[id], id)
	}
	return strings.Join(out, ", ")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *Server) loadPlanPage(r *http.Request, v *view) (*planPage, error) {
	ctx, org := r.Context(), v.Org.ID
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := s.db.Plan(ctx, org, id)
	if err != nil {
		return nil, err
	}
	m, err := s.db.Model(ctx, org, p.ModelID)
	if err != nil {
		return nil, err
	}
	page := &planPage{Plan: p, ModelName: m.Name}
	json.Unmarshal(p.Request, &page.Spec) // written by queuePlan
	page.Currency = s.planCurrency(ctx, p, m.Name, map[[2]int64]string{})
	return page, nil
}

func (s *Server) planPageOf(w http.ResponseWriter, r *http.Request, v *view) error {
	page, err := s.loadPlanPage(r, v)
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Page = v.P.T("plan.title", page.Plan.ID, page.ModelName), "plans", page
	switch {
	case page.Active():
		v.Refresh = 2
	case page.Plan.Status == store.RunSucceeded:
		var res plan.Result
		if err := json.Unmarshal(page.Plan.Result, &res); err != nil {
			return fmt.Errorf("plan %d: stored result: %w", page.Plan.ID, err)
		}
		page.Result, page.Currency, v.Charts = &res, res.Currency, true
		if res.CycleYears != 0 {
			// A model with a calendar: one simulated trial is one election.
			v.P = v.P.WithVariant("election")
		}
		page.Verdict, page.State = planVerdict(v.P, &res)
		page.Frontier = frontierChart("frontier-data", v.P, page)
		page.Names = map[string]string{}
		for _, c := range res.Controls {
			page.Names[c.ID] = c.Name
			if c.Selected {
				page.Chosen = append(page.Chosen, c)
			}
		}
		// The revision's names: a revision that cannot be read leaves ids.
		names := map[string]string{}
		page.ScenarioNames = map[string]string{}
		if rev, err := s.db.Revision(r.Context(), v.Org.ID, page.Plan.ModelID, page.Plan.Revision); err == nil {
			if m, err := decodeRevision(page.ModelName, rev); err == nil {
				for _, c := range m.Controls {
					names[c.ID] = c.Name
				}
				for _, sc := range m.Scenarios {
					page.ScenarioNames[sc.ID] = sc.Name
				}
			}
		}
		for _, id := range res.Implemented {
			page.Kept = append(page.Kept, namedID{id, names[id]})
		}
	}
	return s.render(w, http.StatusOK, "plan", v)
}

// planProgress is the fragment that htmx polls while the plan is queued
// or running; once it has ended, it tells htmx to reload the page.
func (s *Server) planProgress(w http.ResponseWriter, r *http.Request, v *view) error {
	page, err := s.loadPlanPage(r, v)
	if err != nil {
		return err
	}
	v.Page = page
	return s.progressFragment(w, r, v, page.Active(), "plan", "planprogress")
}

// cancelPlanForm cancels the plan and comes back to its page (a plan
// that has ended meanwhile stays as it is).
func (s *Server) cancelPlanForm(w http.ResponseWriter, r *http.Request, v *view) error {
	return cancelJobForm(w, r, v, "/plans/%d", func(ctx context.Context, org string, id int64) error {
		_, err := s.stopPlan(ctx, org, id)
		return err
	})
}

// frontierChart is the efficient frontier: each portfolio's annualised
// cost against the objective's annual loss, the chosen one apart.
func frontierChart(id string, p *i18n.Printer, page *planPage) *chart {
	res := page.Result
	cur := p.Currency(res.Currency)
	c := &chart{ID: id, Kind: "frontier", Lang: p.Lang(), Currency: cur,
		XLabel: p.T("plan.axis.cost", cur), YLabel: p.T("plan.axis.loss", p.T("plan.short."+res.Objective), cur)}
	if hv, _ := page.harmObjective(); hv != nil {
		c.YUnit = page.ObjectiveUnit(p)
		c.YLabel = p.T("plan.axis.harm", page.ObjectiveLabel(p), c.YUnit)
	}
	all := chartSeries{Name: p.T("plan.frontier.series"), Role: "main"}
	chosen := chartSeries{Name: p.T("plan.frontier.chosen"), Role: "chosen"}
	for _, f := range res.Frontier {
		all.Points = append(all.Points, [2]float64{f.Cost, f.Objective})
		if f.Chosen {
			chosen.Points = append(chosen.Points, [2]float64{f.Cost, f.Objective})
		}
	}
	if len(chosen.Points) == 0 { // a heuristic plan's choice may lie off the ladder
		y := page.Objective(res.Residual)
		if hv, stat := page.harmObjective(); hv != nil {
			y = harmStat(hv.After, stat)
		}
		chosen.Points = append(chosen.Points, [2]float64{res.Cost, y})
	}
	c.Series = []chartSeries{all, chosen}
	return c
}

// planVerdict says in the reader's language whether the risk is
// significant before and after the plan (as report.PlanVerdicts does in
// English), and the state after it: within, exceeds or none.
func planVerdict(p *i18n.Printer, res *plan.Result) (string, string) {
	cur := res.Currency
	v := &res.Significance.Portfolio
	if !res.Significance.Tolerance || len(v.Points) == 0 {
		return p.T("plan.verdict.none", p.Money(v.Before.Mean, cur), p.Money(v.After.Mean, cur)), "none"
	}
	key := report.PlanKeyPoint(v)
	exceeded := func(after bool) int {
		n := 0
		for _, pt := range v.Points {
			if (after && pt.After > pt.Limit) || (!after && pt.Before > pt.Limit) {
				n++
			}
		}
		return n
	}
	loss, before, after, limit := p.Money(key.Loss, cur), p.Percent(key.Before), p.Percent(key.After), p.Percent(key.Limit)
	n := len(v.Points)
	switch {
	case v.SignificantBefore && v.SignificantAfter:
		return p.T("plan.verdict.still", loss, before, after, limit, exceeded(false), n, exceeded(true)), "exceeds"
	case v.SignificantBefore:
		return p.T("plan.verdict.fixed", loss, before, after, limit, exceeded(false), n), "within"
	case v.SignificantAfter:
		return p.T("plan.verdict.worse", loss, before, after, limit, exceeded(true), n), "exceeds"
	}
	return p.T("plan.verdict.within", loss, before, after, limit), "within"
}

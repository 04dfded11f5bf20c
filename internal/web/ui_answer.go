package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/runreport"
	"github.com/scrutin/scrutin/internal/store"
)

// The answer first: where signing in lands, and the dashboard's headline
// that answers "is the risk significant?" in one sentence.

// orgCookie keeps the organisation whose dashboard the user opened last,
// where signing in lands when they are a member of several.
const orgCookie = "scrutin_org"

// landing is where a signed-in user goes when they asked for no page in
// particular: the dashboard of the organisation they opened last (still
// one of theirs), else of their only organisation, else the list of
// their organisations.
func landing(r *http.Request, orgs []orgView) string {
	if c, err := r.Cookie(orgCookie); err == nil {
		if i := slices.IndexFunc(orgs, func(o orgView) bool { return o.ID == c.Value }); i >= 0 {
			return "/orgs/" + orgs[i].ID
		}
	}
	if len(orgs) == 1 {
		return "/orgs/" + orgs[0].ID
	}
	return "/orgs"
}

// rememberOrg keeps the organisation of the page (one the user is a
// member of) as the one signing in lands on.
func rememberOrg(w http.ResponseWriter, r *http.Request, v *view) {
	if v.Org == nil || v.Org.Role == "" { // the administrator, not a member
		return
	}
	if c, err := r.Cookie(orgCookie); err == nil && c.Value == v.Org.ID {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: orgCookie, Value: v.Org.ID, Path: "/", MaxAge: int(365 * 24 * time.Hour / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: infoFrom(r.Context()).secure})
}

// headline answers the seed question for the run the dashboard shows.
type headline struct {
	// State is "significant", "within", "none" (no tolerance in the
	// model) or "norun" (no succeeded run to answer from).
	State string
	// Answer is the short answer ("Yes: the risk is significant."),
	// Detail the figures behind it, in the same sentence.
	Answer, Detail string
	// RunID is the run answered from, PlanID the plan stored for it (0
	// when there is none); ModelID the model to run when State is norun.
	RunID, PlanID, ModelID int64
	// PlanForm is the plan form of the run's model, filled in with the
	// run's trials, seed and evidence (so that the plan made is the run's),
	// when no plan is stored for the run.
	PlanForm string
	// PendingPlan is a plan of the run still queued or running, when none
	// is stored yet; PendingRun a run under way when none has finished.
	// The page reloads when it ends.
	PendingPlan, PendingRun int64
}

// pendingScan is how many of the latest jobs are looked through for one
// under way.
const pendingScan = 50

// active says whether a job's status is queued or running.
func active(status string) bool { return status == store.RunQueued || status == store.RunRunning }

// answer is the headline of run c: its verdict against the model's
// tolerance, with the figure of a bad year (P90, as the run page shows it)
// and, when a plan is stored for the run (runreport.LatestPlan: the one its
// report recommends), the plan's annual cost and whether it brings the
// risk within tolerance.
func (s *Server) answer(ctx context.Context, p *i18n.Printer, org string, c *dashModel) (*headline, error) {
	res := c.Result.Result
	h := &headline{RunID: c.Run.ID, State: toleranceState(res.Portfolio.Tolerance)}
	if res.Verdict != nil { // a model with harms: the run's verdict over every tolerance
		h.State = harmState(c.Result)
	}
	if h.State == "exceeds" {
		h.State = "significant"
	}
	id, pl, err := runreport.LatestPlan(ctx, s.db, org, c.Run, res)
	if err != nil {
		return nil, err
	}
	h.PlanID = id
	bad := p.Money(res.Portfolio.Quantiles.P90, res.Currency)
	key := "answer." + h.State
	h.Answer = p.T(key)
	if pl == nil {
		if h.PendingPlan, err = s.pendingPlan(ctx, org, c.Run); err != nil {
			return nil, err
		}
		q := url.Values{"trials": {strconv.FormatInt(c.Run.Trials, 10)}, "seed": {strconv.FormatUint(c.Run.Seed, 10)}}
		for _, e := range c.Run.Evidence {
			q.Add("evidence", strconv.FormatInt(e, 10))
		}
		h.PlanForm = fmt.Sprintf("/orgs/%s/models/%d/plan?%s", org, c.ID, q.Encode())
	}
	if res.Verdict != nil {
		h.Detail = harmAnswerDetail(p, c.Result, h.State, pl)
		return h, nil
	}
	switch {
	case pl == nil:
		h.Detail = p.T(key+".detail", bad)
	case h.State == "none":
		h.Detail = p.T(key+".plan", bad, p.Money(pl.Residual.P90, res.Currency), p.Money(pl.Cost, res.Currency))
	default:
		h.Detail = p.T(key+".plan."+planState(pl), bad, p.Money(pl.Cost, res.Currency))
	}
	return h, nil
}

// planState is "within" when the plan leaves the risk within tolerance,
// "exceeds" when not.
func planState(pl *plan.Result) string {
	if pl.Significance.Portfolio.SignificantAfter {
		return "exceeds"
	}
	return "within"
}

// pendingPlan is the latest plan of run still queued or running that
// would become its stored plan (LatestPlan's request: the run's model
// revision, trials, seed and evidence), among the organisation's latest
// plans; 0 when there is none.
func (s *Server) pendingPlan(ctx context.Context, org string, run *store.Run) (int64, error) {
	plans, err := s.db.Plans(ctx, org, store.Page{Limit: pendingScan})
	if err != nil {
		return 0, err
	}
	for _, sp := range plans {
		if sp.ModelID != run.ModelID || sp.Revision != run.Revision || !active(sp.Status) {
			continue
		}
		var req planSpec
		if json.Unmarshal(sp.Request, &req) != nil || req.Trials != run.Trials || req.Seed != run.Seed ||
			len(req.Evidence) != len(run.Evidence) || slices.ContainsFunc(req.Evidence, func(id int64) bool { return !slices.Contains(run.Evidence, id) }) {
			continue
		}
		return sp.ID, nil
	}
	return 0, nil
}

// noAnswer is the headline of an organisation whose models have no
// succeeded run: the run under way, if any, else the first model to run.
func (s *Server) noAnswer(ctx context.Context, p *i18n.Printer, org string, models []dashModel) (*headline, error) {
	h := &headline{State: "norun", Answer: p.T("answer.norun"), Detail: p.T("answer.norun.detail")}
	runs, err := s.db.Runs(ctx, org, 0, store.Page{Limit: pendingScan})
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		if active(r.Status) {
			h.PendingRun, h.Detail = r.ID, p.T("answer.norun.pending")
			return h, nil
		}
	}
	if len(models) > 0 {
		h.ModelID = models[0].ID
	}
	return h, nil
}

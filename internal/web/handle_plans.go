package web

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/store"
)

type planRequest struct {
	Budget    float64 `json:"budget" minimum:"0" doc:"The most the chosen controls may cost per year, annualised, in the model's currency"`
	Objective string  `json:"objective,omitempty" maxLength:"200" doc:"What to minimise (default mean): mean, p90, p95 or p99 of the annual loss, or harm:ID:mean, harm:ID:p90, harm:ID:p95 or harm:ID:p99 of the annual harm of the model's harm dimension ID"`
	Horizon   float64 `json:"horizon,omitempty" exclusiveMinimum:"0" doc:"Years over which one-off costs are spread (default 3)"`
	Trials    *int64  `json:"trials,omitempty" minimum:"1" doc:"Simulated years (default: the model's trials, else 100000)"`
	Seed      *uint64 `json:"seed,omitempty" doc:"Random seed (default: the model's seed, else 1)"`
	Evidence  []int64 `json:"evidence,omitempty" maxItems:"1000" doc:"Ids of the organisation's evidence to calibrate with"`
	Revision  int     `json:"revision,omitempty" minimum:"0" doc:"Revision to plan for (default: the latest)"`
}

// planView is a plan as the API shows it.
type planView struct {
	ID         int64           `json:"id"`
	Org        string          `json:"org"`
	ModelID    int64           `json:"model_id"`
	Revision   int             `json:"revision"`
	Status     string          `json:"status" enum:"queued,running,succeeded,failed,canceled"`
	Error      string          `json:"error,omitempty"`
	Request    planSpec        `json:"request"`
	Result     json.RawMessage `json:"result,omitempty" doc:"When succeeded: the plan, as scrutin plan --format json prints it"`
	CreatedBy  int64           `json:"created_by"`
	CreatedAt  time.Time       `json:"created_at"`
	StartedAt  *time.Time      `json:"started_at,omitempty"`
	FinishedAt *time.Time      `json:"finished_at,omitempty"`
	Attempts   int             `json:"attempts" doc:"Times a server has claimed the plan, as for runs"`
}

func viewPlan(p *store.Plan) planView {
	v := planView{ID: p.ID, Org: p.OrgID, ModelID: p.ModelID, Revision: p.Revision, Status: p.Status, Error: p.Error,
		Result: p.Result, CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt, StartedAt: p.StartedAt, FinishedAt: p.FinishedAt, Attempts: p.Attempts}
	json.Unmarshal(p.Request, &v.Request) // written by createPlan
	if v.Request.Evidence == nil {
		v.Request.Evidence = []int64{}
	}
	return v
}

type planOutput struct {
	Body planView
}

type queuedPlanOutput struct {
	Location string `header:"Location"`
	Body     planView
}

// createPlan checks the request as `scrutin plan` would and queues the
// plan.
func (s *Server) createPlan(ctx context.Context, in *struct {
	ModelPath
	Body planRequest
}) (*queuedPlanOutput, error) {
	p, err := s.queuePlan(ctx, in.Org, in.ID, in.Body)
	if err != nil {
		return nil, err
	}
	return &queuedPlanOutput{Location: fmt.Sprintf("%s/orgs/%s/plans/%d", apiPrefix, in.Org, p.ID), Body: viewPlan(p)}, nil
}

// queuePlan checks a plan request as `scrutin plan` would (evidence,
// calibration, budget, objective, horizon, trials), queues the plan and
// records it in the audit log; the caller needs the analyst role. The API
// and the pages both queue plans through it.
func (s *Server) queuePlan(ctx context.Context, org string, modelID int64, req planRequest) (*store.Plan, error) {
	u, err := s.authorize(ctx, org, store.RoleAnalyst, false)
	if err != nil {
		return nil, err
	}
	_, rev, m, err := loadRevision(ctx, s.db, org, modelID, req.Revision)
	if err != nil {
		return nil, err
	}
	files, err := evidenceFiles(ctx, s.db, org, req.Evidence)
	if err != nil {
		return nil, err
	}
	if _, _, err := evidence.Calibrate(m, files); err != nil {
		return nil, err
	}
	spec := planSpec{Budget: req.Budget, Objective: req.Objective, Horizon: req.Horizon, Evidence: req.Evidence}
	if spec.Objective == "" {
		spec.Objective = plan.ObjectiveMean
	}
	if _, err := plan.CheckObjective(m, spec.Objective); err != nil {
		return nil, err
	}
	if spec.Horizon == 0 {
		spec.Horizon = plan.DefaultHorizon
	}
	if math.IsInf(spec.Budget, 0) || math.IsNaN(spec.Budget) {
		return nil, model.Errorf(model.EINVALID, "the budget must be a finite amount")
	}
	if spec.Evidence == nil {
		spec.Evidence = []int64{}
	}
	if spec.Trials, spec.Seed, err = trialsAndSeed(m, req.Trials, req.Seed, s.cfg.MaxTrials); err != nil {
		return nil, err
	}
	request, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	p := &store.Plan{OrgID: org, ModelID: modelID, Revision: rev.Revision, Request: request, CreatedBy: u.ID}
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.CreatePlan(ctx, p); err != nil {
			return err
		}
		return record(ctx, tx, org, "plan.create", target("plan", p.ID), map[string]any{"model": modelID, "revision": p.Revision, "request": spec})
	})
	if err != nil {
		return nil, err
	}
	s.jobs.queued(kindPlan, p.ID)
	return p, nil
}

type planInput struct {
	OrgPath
	ID int64 `path:"id" minimum:"1" doc:"Plan id"`
}

func (s *Server) getPlan(ctx context.Context, in *planInput) (*planOutput, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	p, err := s.db.Plan(ctx, in.Org, in.ID)
	if err != nil {
		return nil, err
	}
	return &planOutput{Body: viewPlan(p)}, nil
}

func (s *Server) listPlans(ctx context.Context, in *struct {
	OrgPath
	PageParams
}) (*listOutput[planView], error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	p, err := in.page()
	if err != nil {
		return nil, err
	}
	ps, err := s.db.Plans(ctx, in.Org, p)
	if err != nil {
		return nil, err
	}
	views := make([]planView, len(ps))
	for i := range ps {
		views[i] = viewPlan(&ps[i])
	}
	return paged(views, p, func(v planView) int64 { return v.ID }), nil
}

func (s *Server) cancelPlan(ctx context.Context, in *planInput) (*planOutput, error) {
	p, err := s.stopPlan(ctx, in.Org, in.ID)
	if err != nil {
		return nil, err
	}
	return &planOutput{Body: viewPlan(p)}, nil
}

// stopPlan cancels a queued or running plan (analysts), records it in the
// audit log and stops its worker; ECONFLICT when it has ended.
func (s *Server) stopPlan(ctx context.Context, org string, id int64) (*store.Plan, error) {
	if _, err := s.authorize(ctx, org, store.RoleAnalyst, false); err != nil {
		return nil, err
	}
	var p *store.Plan
	err := s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.CancelPlan(ctx, org, id); err != nil {
			return err
		}
		var err error
		if p, err = tx.Plan(ctx, org, id); err != nil {
			return err
		}
		return record(ctx, tx, org, "plan.cancel", target("plan", id), nil)
	})
	if err != nil {
		return nil, err
	}
	s.jobs.cancel(kindPlan, id)
	return p, nil
}

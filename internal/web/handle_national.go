package web

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/national"
	"github.com/scrutin/scrutin/internal/store"
)

// Joint national risk (DESIGN.md section 14): an organisation that shares
// with an agency opts in to its national runs with one of its models; the
// agency queues national runs, which simulate the latest succeeded run of
// every opted-in model together (package national) and show the agency
// portfolio-level figures only.

const kindNational = "national"

type jointInput struct {
	OrgPath
	Agency string `path:"agency" pattern:"^[A-Za-z0-9][A-Za-z0-9._-]*$" maxLength:"100" doc:"The agency's organisation id"`
	Body   struct {
		ModelID int64 `json:"model_id" minimum:"1" doc:"The model whose latest succeeded run the agency's national runs simulate"`
	}
}

// setJoint opts the organisation in to the agency's national runs with a
// model (owners); the organisation must share with the agency.
func (s *Server) setJoint(ctx context.Context, in *jointInput) (*shareOutput, error) {
	return s.changeJoint(ctx, &shareInput{OrgPath: in.OrgPath, Agency: in.Agency}, &in.Body.ModelID)
}

func (s *Server) unsetJoint(ctx context.Context, in *shareInput) (*shareOutput, error) {
	return s.changeJoint(ctx, in, nil)
}

func (s *Server) changeJoint(ctx context.Context, in *shareInput, modelID *int64) (*shareOutput, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleOwner, false); err != nil {
		return nil, err
	}
	err := s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.SetJoint(ctx, in.Org, in.Agency, modelID); err != nil {
			return err
		}
		if modelID == nil {
			return record(ctx, tx, in.Org, "share.unjoint", "org/"+in.Agency, nil)
		}
		return record(ctx, tx, in.Org, "share.joint", "org/"+in.Agency, map[string]any{"model": *modelID})
	})
	if err != nil {
		return nil, err
	}
	shares, err := s.db.Shares(ctx, in.Org)
	if err != nil {
		return nil, err
	}
	for i := range shares {
		if shares[i].AgencyID == in.Agency {
			return &shareOutput{Body: &shares[i]}, nil
		}
	}
	return nil, model.Errorf(model.ENOTFOUND, "share not found")
}

type nationalRunRequest struct {
	Trials *int64  `json:"trials,omitempty" minimum:"1" doc:"Simulated years (or elections) of each simulation (default 100000)"`
	Seed   *uint64 `json:"seed,omitempty" doc:"Random seed (default 1)"`
}

// nationalRunView is a national run as the API shows it.
type nationalRunView struct {
	ID         int64                  `json:"id"`
	Agency     string                 `json:"agency"`
	Trials     int64                  `json:"trials"`
	Seed       uint64                 `json:"seed"`
	Members    []store.NationalMember `json:"members" nullable:"false" doc:"The organisations' runs it simulates together"`
	Status     string                 `json:"status" enum:"queued,running,succeeded,failed,canceled"`
	Error      string                 `json:"error,omitempty"`
	Progress   float64                `json:"progress" doc:"From 0 to 1"`
	Result     json.RawMessage        `json:"result,omitempty" doc:"When succeeded: the national portfolio, each organisation's part, the independent-actors comparison and the shared activities, as scrutin national --format json prints them"`
	CreatedBy  int64                  `json:"created_by"`
	CreatedAt  time.Time              `json:"created_at"`
	StartedAt  *time.Time             `json:"started_at,omitempty"`
	FinishedAt *time.Time             `json:"finished_at,omitempty"`
	Attempts   int                    `json:"attempts"`
}

func viewNationalRun(n *store.NationalRun) nationalRunView {
	return nationalRunView{ID: n.ID, Agency: n.OrgID, Trials: n.Trials, Seed: n.Seed, Members: n.Members, Status: n.Status,
		Error: n.Error, Progress: n.Progress, Result: n.Result, CreatedBy: n.CreatedBy, CreatedAt: n.CreatedAt,
		StartedAt: n.StartedAt, FinishedAt: n.FinishedAt, Attempts: n.Attempts}
}

type nationalRunOutput struct {
	Body nationalRunView
}

type queuedNationalRunOutput struct {
	Location string `header:"Location"`
	Body     nationalRunView
}

// createNationalRun queues a national run of the agency (analysts).
func (s *Server) createNationalRun(ctx context.Context, in *struct {
	OrgPath
	Body nationalRunRequest
}) (*queuedNationalRunOutput, error) {
	n, err := s.queueNationalRun(ctx, in.Org, in.Body)
	if err != nil {
		return nil, err
	}
	return &queuedNationalRunOutput{Location: fmt.Sprintf("%s/orgs/%s/national-runs/%d", apiPrefix, in.Org, n.ID), Body: viewNationalRun(n)}, nil
}

// queueNationalRun queues a national run of the agency: its members are
// the latest succeeded runs of the models the organisations that share
// with it opted in with, fixed now.
func (s *Server) queueNationalRun(ctx context.Context, org string, req nationalRunRequest) (*store.NationalRun, error) {
	u, err := s.authorize(ctx, org, store.RoleAnalyst, false)
	if err != nil {
		return nil, err
	}
	if err := s.mustBeAgency(ctx, org); err != nil {
		return nil, err
	}
	trials, seed := int64(defaultTrials), uint64(defaultSeed)
	if req.Trials != nil {
		trials = *req.Trials
	}
	if req.Seed != nil {
		seed = *req.Seed
	}
	if trials < 1 || trials > s.cfg.MaxTrials {
		return nil, model.Errorf(model.EINVALID, "trials must lie between 1 and %d, got %d", s.cfg.MaxTrials, trials)
	}
	members, missing, err := s.db.JointMembers(ctx, org)
	if err != nil {
		return nil, err
	}
	if len(members) == 0 {
		if len(missing) > 0 {
			return nil, model.Errorf(model.EINVALID, "no organisation has a succeeded run of the model it opted in to national runs with (waiting: %v)", missing)
		}
		return nil, model.Errorf(model.EINVALID, "no organisation that shares with %s has opted in to national runs", org)
	}
	n := &store.NationalRun{OrgID: org, Trials: trials, Seed: seed, Members: members, CreatedBy: u.ID}
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.CreateNationalRun(ctx, n); err != nil {
			return err
		}
		return record(ctx, tx, org, "national-run.create", target("national-run", n.ID), map[string]any{
			"trials": trials, "seed": seed, "members": members, "waiting": missing})
	})
	if err != nil {
		return nil, err
	}
	s.jobs.queued(kindNational, n.ID)
	return n, nil
}

// mustBeAgency is ENOTFOUND unless org is an agency.
func (s *Server) mustBeAgency(ctx context.Context, org string) error {
	o, err := s.db.Org(ctx, org)
	if err != nil {
		return err
	}
	if o.Kind != model.KindAgency {
		return model.Errorf(model.ENOTFOUND, "no national runs: %s is a %s, not an agency", o.ID, o.Kind)
	}
	return nil
}

type nationalRunInput struct {
	OrgPath
	ID int64 `path:"id" minimum:"1" doc:"National run id"`
}

func (s *Server) getNationalRun(ctx context.Context, in *nationalRunInput) (*nationalRunOutput, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	n, err := s.db.NationalRun(ctx, in.Org, in.ID)
	if err != nil {
		return nil, err
	}
	return &nationalRunOutput{Body: viewNationalRun(n)}, nil
}

func (s *Server) listNationalRuns(ctx context.Context, in *struct {
	OrgPath
	PageParams
}) (*listOutput[nationalRunView], error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	p, err := in.page()
	if err != nil {
		return nil, err
	}
	ns, err := s.db.NationalRuns(ctx, in.Org, p)
	if err != nil {
		return nil, err
	}
	views := make([]nationalRunView, len(ns))
	for i := range ns {
		views[i] = viewNationalRun(&ns[i])
	}
	return paged(views, p, func(v nationalRunView) int64 { return v.ID }), nil
}

func (s *Server) cancelNationalRun(ctx context.Context, in *nationalRunInput) (*nationalRunOutput, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleAnalyst, false); err != nil {
		return nil, err
	}
	var n *store.NationalRun
	err := s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.CancelNationalRun(ctx, in.Org, in.ID); err != nil {
			return err
		}
		var err error
		if n, err = tx.NationalRun(ctx, in.Org, in.ID); err != nil {
			return err
		}
		return record(ctx, tx, in.Org, "national-run.cancel", target("national-run", in.ID), nil)
	})
	if err != nil {
		return nil, err
	}
	s.jobs.cancel(kindNational, in.ID)
	return &nationalRunOutput{Body: viewNationalRun(n)}, nil
}

func (r *runner) execNational(ctx context.Context, n *store.NationalRun) {
	log := r.log.With("job", kindNational, "national_run_id", n.ID, "org", n.OrgID)
	jctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	defer r.track(kindNational, n.ID, cancel)()
	r.waited(kindNational, n.CreatedAt, n.StartedAt)
	start := time.Now()
	result, err := r.simulateNational(jctx, n, cancel)
	status, msg := r.outcome(ctx, jctx, err, log)
	r.finished(ctx, kindNational, n.ID, status, result, msg, log, time.Since(start))
}

// simulateNational executes a national run: each member's run as it ran
// (its revision, controls in force and evidence), simulated together.
func (r *runner) simulateNational(ctx context.Context, n *store.NationalRun, cancel context.CancelCauseFunc) ([]byte, error) {
	var members []national.Member
	for _, mb := range n.Members {
		run, err := r.db.Run(ctx, mb.Org, mb.RunID)
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, model.Errorf(model.ENOTFOUND, "organisation %s: run %d, which this national run simulates, no longer exists", mb.Org, mb.RunID)
		}
		if err != nil {
			return nil, err
		}
		cm, _, err := calibratedModel(ctx, r.db, run)
		if err != nil {
			return nil, fmt.Errorf("organisation %s: %w", mb.Org, err)
		}
		members = append(members, national.Member{Org: mb.Org, Model: cm, Controls: run.Controls})
	}
	var done, total atomic.Int64
	total.Store(1)
	stop := r.progress(ctx, func(ctx context.Context, d int64) error {
		return r.db.UpdateNationalRunProgress(ctx, n.ID, min(1, float64(d)/float64(total.Load())))
	}, &done, cancel, "national_run_id", n.ID)
	res, err := national.Run(ctx, members, national.Options{Trials: n.Trials, Seed: n.Seed, Workers: r.cfg.SimWorkers,
		Progress: func(d, t int64) { total.Store(t); done.Store(d) }})
	stop()
	if err != nil {
		return nil, err
	}
	return json.Marshal(res)
}

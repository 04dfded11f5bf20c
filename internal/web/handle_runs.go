package web

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/store"
)

type runRequest struct {
	Trials   *int64   `json:"trials,omitempty" minimum:"1" doc:"Simulated years (default: the model's trials, else 100000)"`
	Seed     *uint64  `json:"seed,omitempty" doc:"Random seed (default: the model's seed, else 1)"`
	With     []string `json:"with,omitempty" maxItems:"1000" doc:"Proposed controls to switch on (what-if)"`
	Without  []string `json:"without,omitempty" maxItems:"1000" doc:"Implemented controls to switch off (what-if)"`
	Evidence []int64  `json:"evidence,omitempty" maxItems:"1000" doc:"Ids of the organisation's evidence to calibrate with, as the model's evidence: section says"`
	Live     []string `json:"live,omitempty" maxItems:"10" doc:"Kinds of the organisation's live evidence (zeek, eve …) to calibrate with as they are now: each is copied into evidence (as POST …/evidence-streams/{kind}/snapshot) whose id the run records"`
	Revision int      `json:"revision,omitempty" minimum:"0" doc:"Revision to run (default: the latest)"`
}

type createRunInput struct {
	ModelPath
	Body runRequest
}

// runView is a run as the API shows it.
type runView struct {
	ID         int64           `json:"id"`
	Org        string          `json:"org"`
	ModelID    int64           `json:"model_id"`
	Revision   int             `json:"revision"`
	Trials     int64           `json:"trials"`
	Seed       uint64          `json:"seed"`
	Controls   []string        `json:"controls" nullable:"false" doc:"Controls in force"`
	Evidence   []int64         `json:"evidence" nullable:"false" doc:"Evidence calibrated with"`
	Status     string          `json:"status" enum:"queued,running,succeeded,failed,canceled"`
	Error      string          `json:"error,omitempty"`
	Progress   float64         `json:"progress" doc:"From 0 to 1"`
	Result     json.RawMessage `json:"result,omitempty" doc:"When succeeded: the result, in the shape of scrutin run --format json (DESIGN.md), with calibration when evidence was used"`
	CreatedBy  int64           `json:"created_by"`
	CreatedAt  time.Time       `json:"created_at"`
	StartedAt  *time.Time      `json:"started_at,omitempty"`
	FinishedAt *time.Time      `json:"finished_at,omitempty"`
	Attempts   int             `json:"attempts" doc:"Times a server has claimed the run; one that stops while running it each time (crash) makes it fail after the server's limit (3 by default)"`
	// body, when set, is the whole JSON of the run, written before
	// (runBodies): the other fields are not set.
	body []byte
}

func viewRun(r *store.Run) runView {
	controls, ids := r.Controls, r.Evidence
	if controls == nil {
		controls = []string{}
	}
	if ids == nil {
		ids = []int64{}
	}
	return runView{ID: r.ID, Org: r.OrgID, ModelID: r.ModelID, Revision: r.Revision, Trials: r.Trials, Seed: r.Seed,
		Controls: controls, Evidence: ids, Status: r.Status, Error: r.Error, Progress: r.Progress, Result: r.Result,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, Attempts: r.Attempts}
}

type runOutput struct {
	Body runView
}

type queuedRunOutput struct {
	Location string `header:"Location"`
	Body     runView
}

// createRun checks the request as `scrutin run` would (controls,
// evidence, calibration, trials) and queues the run.
func (s *Server) createRun(ctx context.Context, in *createRunInput) (*queuedRunOutput, error) {
	run, err := s.queueRun(ctx, in.Org, in.ID, in.Body)
	if err != nil {
		return nil, err
	}
	return &queuedRunOutput{Location: fmt.Sprintf("%s/orgs/%s/runs/%d", apiPrefix, in.Org, run.ID), Body: viewRun(run)}, nil
}

// queueRun checks a run request as `scrutin run` would (controls,
// evidence, calibration, trials), queues the run and records it in the
// audit log; the caller needs the analyst role. The API and the pages
// both queue runs through it.
func (s *Server) queueRun(ctx context.Context, org string, modelID int64, req runRequest) (*store.Run, error) {
	u, err := s.authorize(ctx, org, store.RoleAnalyst, false)
	if err != nil {
		return nil, err
	}
	_, rev, m, err := loadRevision(ctx, s.db, org, modelID, req.Revision)
	if err != nil {
		return nil, err
	}
	inForce, err := m.InForce(req.With, req.Without)
	if err != nil {
		return nil, err
	}
	for _, kind := range req.Live {
		e, err := s.snapshot(ctx, org, kind, u.ID)
		if err != nil {
			return nil, err
		}
		req.Evidence = append(req.Evidence, e.ID)
	}
	files, err := evidenceFiles(ctx, s.db, org, req.Evidence)
	if err != nil {
		return nil, err
	}
	if _, _, err := evidence.Calibrate(m, files); err != nil {
		return nil, err
	}
	trials, seed, err := trialsAndSeed(m, req.Trials, req.Seed, s.cfg.MaxTrials)
	if err != nil {
		return nil, err
	}
	run := &store.Run{OrgID: org, ModelID: modelID, Revision: rev.Revision, Trials: trials, Seed: seed,
		Controls: inForce, Evidence: req.Evidence, CreatedBy: u.ID}
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.CreateRun(ctx, run); err != nil {
			return err
		}
		return record(ctx, tx, org, "run.create", target("run", run.ID), map[string]any{"model": modelID,
			"revision": run.Revision, "trials": trials, "seed": seed, "controls": inForce, "evidence": req.Evidence})
	})
	if err != nil {
		return nil, err
	}
	s.jobs.queued(kindRun, run.ID)
	return run, nil
}

// RunPath are the path parameters of a run.
type RunPath struct {
	OrgPath
	ID int64 `path:"id" minimum:"1" doc:"Run id"`
}

type runInput struct {
	RunPath
}

func (s *Server) getRun(ctx context.Context, in *runInput) (*runOutput, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	if body := s.runBodies.get(in.Org, in.ID); body != nil {
		// Kept for a run that has finished, which does not change again:
		// that it still exists is all there is to check.
		if err := s.db.RunExists(ctx, in.Org, in.ID); err != nil {
			return nil, err
		}
		return &runOutput{Body: runView{body: body}}, nil
	}
	r, err := s.db.Run(ctx, in.Org, in.ID)
	if err != nil {
		return nil, err
	}
	v := viewRun(r)
	if r.Status == store.RunSucceeded && len(v.Result) > 0 {
		if body, ok := v.appendJSON(nil); ok {
			s.runBodies.put(r.OrgID, r.ID, body)
			v.body = body
		}
	}
	return &runOutput{Body: v}, nil
}

func (s *Server) listRuns(ctx context.Context, in *struct {
	OrgPath
	PageParams
	Model int64 `query:"model" minimum:"0" doc:"Only the runs of this model"`
}) (*listOutput[runView], error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	p, err := in.page()
	if err != nil {
		return nil, err
	}
	rs, err := s.db.Runs(ctx, in.Org, in.Model, p)
	if err != nil {
		return nil, err
	}
	views := make([]runView, len(rs))
	for i := range rs {
		views[i] = viewRun(&rs[i])
	}
	return paged(views, p, func(r runView) int64 { return r.ID }), nil
}

func (s *Server) cancelRun(ctx context.Context, in *runInput) (*runOutput, error) {
	r, err := s.stopRun(ctx, in.Org, in.ID)
	if err != nil {
		return nil, err
	}
	return &runOutput{Body: viewRun(r)}, nil
}

// stopRun cancels a queued or running run (analysts) and records it in
// the audit log, for the API and the pages.
func (s *Server) stopRun(ctx context.Context, org string, id int64) (*store.Run, error) {
	if _, err := s.authorize(ctx, org, store.RoleAnalyst, false); err != nil {
		return nil, err
	}
	var r *store.Run
	err := s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.CancelRun(ctx, org, id); err != nil {
			return err
		}
		var err error
		if r, err = tx.Run(ctx, org, id); err != nil {
			return err
		}
		return record(ctx, tx, org, "run.cancel", target("run", id), nil)
	})
	if err != nil {
		return nil, err
	}
	s.jobs.cancel(kindRun, id)
	return r, nil
}

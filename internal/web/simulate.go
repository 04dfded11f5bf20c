package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/sim"
	"github.com/scrutin/scrutin/internal/store"
)

// Defaults when neither the request nor the model says, as for the
// command line.
const (
	defaultTrials = 100_000
	defaultSeed   = 1
)

// progressEvery is how often a running run's progress is stored (and how
// soon a worker learns that another server canceled its run).
const progressEvery = 500 * time.Millisecond

// decodeRevision decodes a stored revision; its problems name the model
// as "MODEL@REVISION".
func decodeRevision(name string, rev *store.Revision) (*model.Model, error) {
	return model.Decode(fmt.Sprintf("%s@%d", name, rev.Revision), []byte(rev.YAML))
}

// loadRevision reads and decodes a revision of an organisation's model
// (0: the latest).
func loadRevision(ctx context.Context, db *store.DB, org string, modelID int64, revision int) (*store.Model, *store.Revision, *model.Model, error) {
	sm, err := db.Model(ctx, org, modelID)
	if err != nil {
		return nil, nil, nil, err
	}
	rev, err := db.Revision(ctx, org, modelID, revision)
	if err != nil {
		return nil, nil, nil, err
	}
	m, err := decodeRevision(sm.Name, rev)
	if err != nil {
		return nil, nil, nil, err
	}
	return sm, rev, m, nil
}

// evidenceFiles reads the organisation's evidence, as calibration wants
// it; each is named after its name.
func evidenceFiles(ctx context.Context, db *store.DB, org string, ids []int64) ([]*evidence.EvidenceFile, error) {
	var files []*evidence.EvidenceFile
	for _, id := range ids {
		e, err := db.Evidence(ctx, org, id)
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, model.Errorf(model.ENOTFOUND, "evidence %d not found", id)
		}
		if err != nil {
			return nil, err
		}
		f, err := evidence.ReadEvidenceFile(e.Name, bytes.NewReader(e.Summary))
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// trialsAndSeed resolves a request's trials and seed: given, else the
// model's, else the defaults; trials must lie within 1 and limit.
func trialsAndSeed(m *model.Model, trials *int64, seed *uint64, limit int64) (int64, uint64, error) {
	t, s := int64(defaultTrials), uint64(defaultSeed)
	if m.Trials > 0 {
		t = m.Trials
	}
	if trials != nil {
		t = *trials
	}
	if m.Seed != 0 {
		s = m.Seed
	}
	if seed != nil {
		s = *seed
	}
	if t < 1 || t > limit {
		return 0, 0, model.Errorf(model.EINVALID, "trials must lie between 1 and %d, got %d", limit, t)
	}
	return t, s, nil
}

func (r *runner) execRun(ctx context.Context, run *store.Run) {
	log := r.log.With("job", kindRun, "run_id", run.ID, "org", run.OrgID)
	jctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	defer r.track(kindRun, run.ID, cancel)()
	r.waited(kindRun, run.CreatedAt, run.StartedAt)
	start := time.Now()
	result, err := r.simulate(jctx, run, cancel)
	status, msg := r.outcome(ctx, jctx, err, log)
	r.finished(ctx, kindRun, run.ID, status, result, msg, log, time.Since(start))
}

// simulate executes a run as `scrutin run` would: the revision, the
// controls in force, calibrated with the evidence, and the JSON result.
func (r *runner) simulate(ctx context.Context, run *store.Run, cancel context.CancelCauseFunc) ([]byte, error) {
	cm, updates, err := calibratedModel(ctx, r.db, run)
	if err != nil {
		return nil, err
	}
	controls := run.Controls
	var done atomic.Int64
	stop := r.progress(ctx, func(ctx context.Context, d int64) error {
		return r.db.UpdateRunProgress(ctx, run.ID, float64(d)/float64(run.Trials))
	}, &done, cancel, "run_id", run.ID)
	res, err := sim.Run(ctx, cm, sim.Options{Trials: run.Trials, Seed: run.Seed, Controls: controls,
		Workers: r.cfg.SimWorkers, Progress: func(d, _ int64) { done.Store(d) }})
	stop()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := report.JSON(&buf, report.WithCalibration(res, updates)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// calibratedModel is the model a run simulates: its revision, calibrated
// with its evidence.
func calibratedModel(ctx context.Context, db *store.DB, run *store.Run) (*model.Model, []evidence.Update, error) {
	_, _, m, err := loadRevision(ctx, db, run.OrgID, run.ModelID, run.Revision)
	if err != nil {
		return nil, nil, err
	}
	files, err := evidenceFiles(ctx, db, run.OrgID, run.Evidence)
	if err != nil {
		return nil, nil, err
	}
	return evidence.Calibrate(m, files)
}

// progress stores a job's progress (through update, given the simulated
// years so far) now and then until the returned function is called, and
// counts the simulated years. A job that the store no longer has running
// here was canceled, maybe on another server, or taken over: its context
// is canceled. logArgs name the job in the log.
func (r *runner) progress(ctx context.Context, update func(context.Context, int64) error, done *atomic.Int64, cancel context.CancelCauseFunc, logArgs ...any) func() {
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		var last int64
		flush := func(write bool) {
			d := done.Load()
			if d == last {
				return
			}
			r.metrics.years.Add(float64(d - last))
			last = d
			if !write {
				return
			}
			err := update(ctx, d)
			switch {
			case model.ErrorCode(err) == model.ECONFLICT:
				cancel(errLeaseLost)
			case err != nil && ctx.Err() == nil:
				r.log.Warn("storing a job's progress", append(logArgs, "error", err.Error())...)
			}
		}
		for {
			select {
			case <-stop:
				flush(false)
				return
			case <-t.C:
				flush(true)
			}
		}
	}()
	return func() { close(stop); <-stopped }
}

// planSpec is a plan's request as stored: every default resolved.
type planSpec struct {
	Budget    float64 `json:"budget"`
	Objective string  `json:"objective"`
	Horizon   float64 `json:"horizon"`
	Trials    int64   `json:"trials"`
	Seed      uint64  `json:"seed"`
	Evidence  []int64 `json:"evidence"`
}

func (r *runner) execPlan(ctx context.Context, p *store.Plan) {
	log := r.log.With("job", kindPlan, "plan_id", p.ID, "org", p.OrgID)
	jctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	defer r.track(kindPlan, p.ID, cancel)()
	r.waited(kindPlan, p.CreatedAt, p.StartedAt)
	start := time.Now()
	result, err := r.optimize(jctx, p)
	status, msg := r.outcome(ctx, jctx, err, log)
	r.finished(ctx, kindPlan, p.ID, status, result, msg, log, time.Since(start))
}

// optimize executes a plan as `scrutin plan` would.
func (r *runner) optimize(ctx context.Context, p *store.Plan) ([]byte, error) {
	var spec planSpec
	if err := json.Unmarshal(p.Request, &spec); err != nil {
		return nil, fmt.Errorf("plan %d: stored request: %w", p.ID, err)
	}
	_, _, m, err := loadRevision(ctx, r.db, p.OrgID, p.ModelID, p.Revision)
	if err != nil {
		return nil, err
	}
	files, err := evidenceFiles(ctx, r.db, p.OrgID, spec.Evidence)
	if err != nil {
		return nil, err
	}
	cm, _, err := evidence.Calibrate(m, files)
	if err != nil {
		return nil, err
	}
	res, err := plan.Optimize(ctx, cm, plan.Options{Budget: spec.Budget, Objective: spec.Objective, Horizon: spec.Horizon,
		Trials: spec.Trials, Seed: spec.Seed, Workers: r.cfg.SimWorkers})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := report.PlanJSON(&buf, res); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

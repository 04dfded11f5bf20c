package store

import (
	"context"
	"math"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

const runColumns = `id, org_id, model_id, revision, trials, seed, controls, evidence, status, error, progress, result,
	created_by, created_at, started_at, finished_at, attempts`

// runListColumns leave the result out.
var runListColumns = strings.Replace(runColumns, "result", "NULL", 1)

func scanRun(r rowScanner, run *Run) error {
	var seed int64
	err := r.Scan(&run.ID, &run.OrgID, &run.ModelID, &run.Revision, &run.Trials, &seed,
		listJSON[string]{&run.Controls}, listJSON[int64]{&run.Evidence}, &run.Status, &run.Error, &run.Progress, rawJSON{&run.Result},
		&run.CreatedBy, scanTime(&run.CreatedAt), scanTimePtr(&run.StartedAt), scanTimePtr(&run.FinishedAt), &run.Attempts)
	run.Seed = uint64(seed)
	return err
}

// CreateRun queues r: it stores r with status queued and sets ID,
// Status, Progress and CreatedAt (and Revision, when 0, to the model's
// latest). The caller sets OrgID, ModelID, Trials, Seed, Controls and
// CreatedBy. A model (or revision) that is not the organisation's is
// ENOTFOUND.
func (db *DB) CreateRun(ctx context.Context, r *Run) error {
	if r.Trials <= 0 {
		return model.Errorf(model.EINVALID, "a run needs a positive number of trials, not %d", r.Trials)
	}
	return db.WithTx(ctx, func(tx *DB) error {
		rev, err := tx.jobRevision(ctx, r.OrgID, r.ModelID, r.Revision)
		if err != nil {
			return err
		}
		at := tx.time()
		err = tx.queryRow(ctx, `INSERT INTO runs (org_id, model_id, revision, trials, seed, controls, evidence, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.OrgID, r.ModelID, rev, r.Trials, int64(r.Seed), listArg(r.Controls), listArg(r.Evidence), r.CreatedBy, tx.timeArg(at)).Scan(&r.ID)
		if err != nil {
			return dbError(err, "run")
		}
		if r.Controls == nil {
			r.Controls = []string{}
		}
		if r.Evidence == nil {
			r.Evidence = []int64{}
		}
		r.Revision, r.Status, r.Error, r.Progress, r.Result, r.Attempts = rev, RunQueued, "", 0, nil, 0
		r.CreatedAt, r.StartedAt, r.FinishedAt = at, nil, nil
		return nil
	})
}

// Run returns the organisation's run, with its result.
func (db *DB) Run(ctx context.Context, orgID string, id int64) (*Run, error) {
	var r Run
	err := scanRun(db.queryRow(ctx, `SELECT `+runColumns+` FROM runs WHERE org_id = ? AND id = ?`, orgID, id), &r)
	if err != nil {
		return nil, dbError(err, "run")
	}
	return &r, nil
}

// RunExists is nil when the organisation has the run, else ENOTFOUND
// (as Run), without reading the run.
func (db *DB) RunExists(ctx context.Context, orgID string, id int64) error {
	return db.mustExist(ctx, "run", `SELECT 1 FROM runs WHERE org_id = ? AND id = ?`, orgID, id)
}

// Runs lists the organisation's runs, of one model or, with modelID 0,
// of all, newest first, without their results. A model that is not the
// organisation's is ENOTFOUND.
func (db *DB) Runs(ctx context.Context, orgID string, modelID int64, p Page) ([]Run, error) {
	q, args := `SELECT `+runListColumns+` FROM runs WHERE org_id = ? AND id < ?`, []any{orgID, p.after()}
	if modelID != 0 {
		if err := db.mustExist(ctx, "model", `SELECT 1 FROM models WHERE org_id = ? AND id = ?`, orgID, modelID); err != nil {
			return nil, err
		}
		q += ` AND model_id = ?`
		args = append(args, modelID)
	}
	return list(ctx, db, "runs", scanRun, q+` ORDER BY id DESC LIMIT CAST(? AS BIGINT)`, append(args, p.limit())...)
}

// jobColumns are the columns claimJob returns, by table.
var jobColumns = map[string]string{runJobs.name: runColumns, planJobs.name: planColumns, nationalJobs.name: nationalColumns}

// ClaimRun gives the next queued run, of any organisation, to this
// handle (fairly between organisations; see fair.go): it is now running,
// leased to this handle for the lease time, one more attempt, and no
// other claim returns it. It returns nil, nil when no run is queued.
func (db *DB) ClaimRun(ctx context.Context) (*Run, error) {
	var r Run
	ok, err := db.claimJob(ctx, []jobTable{runJobs}, jobColumns, func(_ jobTable, row rowScanner) error { return scanRun(row, &r) })
	if !ok || err != nil {
		return nil, err
	}
	return &r, nil
}

// ClaimJob claims the next queued job, run or plan, as ClaimRun does:
// one of the two is not nil, unless no job is queued.
func (db *DB) ClaimJob(ctx context.Context) (*Run, *Plan, error) {
	var r Run
	var p Plan
	var kind jobTable
	ok, err := db.claimJob(ctx, []jobTable{runJobs, planJobs}, jobColumns, func(t jobTable, row rowScanner) error {
		kind = t
		if t == planJobs {
			return scanPlan(row, &p)
		}
		return scanRun(row, &r)
	})
	switch {
	case !ok || err != nil:
		return nil, nil, err
	case kind == planJobs:
		return nil, &p, nil
	}
	return &r, nil, nil
}

// UpdateRunProgress records the progress (0 to 1) of a run this handle
// runs. A run that is no longer running, or no longer leased to this
// handle, is ECONFLICT: canceled, or taken over by another server after
// the lease ended; the worker should stop it.
func (db *DB) UpdateRunProgress(ctx context.Context, id int64, progress float64) error {
	if math.IsNaN(progress) || progress < 0 || progress > 1 {
		return model.Errorf(model.EINVALID, "progress %v is not between 0 and 1", progress)
	}
	res, err := db.exec(ctx, `UPDATE runs SET progress = ? WHERE id = ? AND status = 'running' AND lease_owner = ?`, progress, id, db.owner)
	return db.jobChanged(ctx, res, err, runJobs, "", id)
}

// FinishRun records the end of a run this handle runs: status succeeded
// (progress then 1), failed or canceled, its result (JSON, may be empty)
// and error message. A run that is no longer running (canceled
// meanwhile) or no longer leased to this handle is ECONFLICT and keeps
// its state.
func (db *DB) FinishRun(ctx context.Context, id int64, status string, result []byte, errMsg string) error {
	setProgress := ""
	if status == RunSucceeded {
		setProgress = ", progress = 1"
	}
	return db.finishJob(ctx, runJobs, id, status, result, errMsg, setProgress)
}

// CancelRun cancels the organisation's queued or running run (its worker
// learns it at its next UpdateRunProgress, RenewRunLease or FinishRun). A
// finished run is ECONFLICT.
func (db *DB) CancelRun(ctx context.Context, orgID string, id int64) error {
	return db.cancelJob(ctx, runJobs, orgID, id)
}

// RenewRunLease extends the lease of a run this handle runs to the lease
// time from now. ECONFLICT: the run was canceled, or its lease ended and
// another server took it; stop it.
func (db *DB) RenewRunLease(ctx context.Context, id int64) error {
	return db.renewLease(ctx, runJobs, id)
}

// ReleaseRun puts a run this handle runs back in the queue without
// counting the attempt (a server stopping gracefully); ECONFLICT as for
// RenewRunLease.
func (db *DB) ReleaseRun(ctx context.Context, id int64) error {
	return db.releaseJob(ctx, runJobs, id)
}

// RequeueExpiredRuns ends the runs whose lease has ended, left by servers
// that stopped without releasing them: each is queued again, or fails
// with the reason once it has been claimed maxAttempts times. It returns
// their ids. A server calls it at start-up and then now and then.
func (db *DB) RequeueExpiredRuns(ctx context.Context, maxAttempts int) (requeued, failed []int64, err error) {
	return db.requeueExpired(ctx, runJobs, maxAttempts)
}

// LatestResults returns, for each model of the organisation, its latest
// succeeded run (the one created last), with its result, by model id.
func (db *DB) LatestResults(ctx context.Context, orgID string) ([]Run, error) {
	return list(ctx, db, "runs", scanRun, `SELECT `+runColumns+latestRuns, orgID)
}

// LatestRuns is LatestResults without the results, which a caller that
// keeps them prepared need not read again.
func (db *DB) LatestRuns(ctx context.Context, orgID string) ([]Run, error) {
	return list(ctx, db, "runs", scanRun, `SELECT `+runListColumns+latestRuns, orgID)
}

const latestRuns = ` FROM runs r
		WHERE org_id = ? AND status = 'succeeded' AND id = (SELECT MAX(id) FROM runs l
			WHERE l.org_id = r.org_id AND l.model_id = r.model_id AND l.status = 'succeeded')
		ORDER BY model_id`

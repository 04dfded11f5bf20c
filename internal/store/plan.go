package store

import (
	"context"
	"strings"
)

const planColumns = `id, org_id, model_id, revision, status, error, request, result, created_by, created_at,
	started_at, finished_at, attempts`

// planListColumns leave the result out.
var planListColumns = strings.Replace(planColumns, "result", "NULL", 1)

func scanPlan(r rowScanner, p *Plan) error {
	return r.Scan(&p.ID, &p.OrgID, &p.ModelID, &p.Revision, &p.Status, &p.Error, rawJSON{&p.Request}, rawJSON{&p.Result},
		&p.CreatedBy, scanTime(&p.CreatedAt), scanTimePtr(&p.StartedAt), scanTimePtr(&p.FinishedAt), &p.Attempts)
}

// CreatePlan queues p: it stores p with status queued and sets ID,
// Status and CreatedAt (and Revision, when 0, to the model's latest). The
// caller sets OrgID, ModelID, Request (JSON) and CreatedBy. A model (or
// revision) that is not the organisation's is ENOTFOUND.
func (db *DB) CreatePlan(ctx context.Context, p *Plan) error {
	if err := checkJSON("plan request", p.Request, false); err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *DB) error {
		rev, err := tx.jobRevision(ctx, p.OrgID, p.ModelID, p.Revision)
		if err != nil {
			return err
		}
		at := tx.time()
		err = tx.queryRow(ctx, `INSERT INTO plans (org_id, model_id, revision, request, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			p.OrgID, p.ModelID, rev, jsonArg(p.Request), p.CreatedBy, tx.timeArg(at)).Scan(&p.ID)
		if err != nil {
			return dbError(err, "plan")
		}
		p.Revision, p.Status, p.Error, p.Result, p.Attempts = rev, RunQueued, "", nil, 0
		p.CreatedAt, p.StartedAt, p.FinishedAt = at, nil, nil
		return nil
	})
}

// Plan returns the organisation's plan, with its result.
func (db *DB) Plan(ctx context.Context, orgID string, id int64) (*Plan, error) {
	var p Plan
	err := scanPlan(db.queryRow(ctx, `SELECT `+planColumns+` FROM plans WHERE org_id = ? AND id = ?`, orgID, id), &p)
	if err != nil {
		return nil, dbError(err, "plan")
	}
	return &p, nil
}

// Plans lists the organisation's plans, newest first, without their
// results.
func (db *DB) Plans(ctx context.Context, orgID string, p Page) ([]Plan, error) {
	return list(ctx, db, "plans", scanPlan, `SELECT `+planListColumns+` FROM plans
		WHERE org_id = ? AND id < ? ORDER BY id DESC LIMIT CAST(? AS BIGINT)`, orgID, p.after(), p.limit())
}

// ClaimPlan gives the next queued plan to this handle, as ClaimRun does
// runs; nil, nil when none is queued.
func (db *DB) ClaimPlan(ctx context.Context) (*Plan, error) {
	var p Plan
	ok, err := db.claimJob(ctx, []jobTable{planJobs}, jobColumns, func(_ jobTable, row rowScanner) error { return scanPlan(row, &p) })
	if !ok || err != nil {
		return nil, err
	}
	return &p, nil
}

// FinishPlan records the end of a plan this handle runs, as FinishRun
// does.
func (db *DB) FinishPlan(ctx context.Context, id int64, status string, result []byte, errMsg string) error {
	return db.finishJob(ctx, planJobs, id, status, result, errMsg, "")
}

// CancelPlan cancels the organisation's queued or running plan, as
// CancelRun does.
func (db *DB) CancelPlan(ctx context.Context, orgID string, id int64) error {
	return db.cancelJob(ctx, planJobs, orgID, id)
}

// RenewPlanLease, ReleasePlan and RequeueExpiredPlans do for plans what
// RenewRunLease, ReleaseRun and RequeueExpiredRuns do for runs.
func (db *DB) RenewPlanLease(ctx context.Context, id int64) error {
	return db.renewLease(ctx, planJobs, id)
}

func (db *DB) ReleasePlan(ctx context.Context, id int64) error {
	return db.releaseJob(ctx, planJobs, id)
}

func (db *DB) RequeueExpiredPlans(ctx context.Context, maxAttempts int) (requeued, failed []int64, err error) {
	return db.requeueExpired(ctx, planJobs, maxAttempts)
}

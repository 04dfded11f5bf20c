package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

const planColumns = `id, org_id, model_id, revision, status, error, request, result, created_by, created_at,
	started_at, finished_at`

// planListColumns leave the result out.
var planListColumns = strings.Replace(planColumns, "result", "NULL", 1)

func scanPlan(r rowScanner, p *Plan) error {
	return r.Scan(&p.ID, &p.OrgID, &p.ModelID, &p.Revision, &p.Status, &p.Error, rawJSON{&p.Request}, rawJSON{&p.Result},
		&p.CreatedBy, scanTime(&p.CreatedAt), scanTimePtr(&p.StartedAt), scanTimePtr(&p.FinishedAt))
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
		p.Revision, p.Status, p.Error, p.Result = rev, RunQueued, "", nil
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
		WHERE org_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, orgID, p.after(), p.limit())
}

// ClaimPlan gives the oldest queued plan to the calling worker, as
// ClaimRun does runs; nil, nil when none is queued.
func (db *DB) ClaimPlan(ctx context.Context) (*Plan, error) {
	var p Plan
	err := db.claimJob(ctx, "plans", planColumns, func(row rowScanner) error { return scanPlan(row, &p) })
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, dbError(err, "plan")
	}
	return &p, nil
}

// FinishPlan records the end of a running plan, as FinishRun does.
func (db *DB) FinishPlan(ctx context.Context, id int64, status string, result []byte, errMsg string) error {
	return db.finishJob(ctx, "plans", "plan", id, status, result, errMsg, "")
}

// CancelPlan cancels the organisation's queued or running plan, as
// CancelRun does.
func (db *DB) CancelPlan(ctx context.Context, orgID string, id int64) error {
	return db.cancelJob(ctx, "plans", "plan", orgID, id)
}

// RequeueRunningPlans puts the plans left running back in the queue, as
// RequeueRunning does runs.
func (db *DB) RequeueRunningPlans(ctx context.Context) (int, error) {
	return db.requeueJobs(ctx, "plans", "")
}

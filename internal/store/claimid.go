package store

import (
	"context"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

// Claims of one job by its id, for servers whose jobs a queue outside
// the database delivers (NATS JetStream: scrutin serve --nats, scrutin
// worker --db). The database stays the record of every job: the queue
// only says which job to take.

// ClaimState says why a job could not be claimed.
type ClaimState int

const (
	// Claimed: the job is now running, leased to this handle.
	Claimed ClaimState = iota
	// Gone: the job has ended (or was canceled, or deleted): nothing to do.
	Gone
	// Busy: another handle runs it and its lease has not ended: try
	// again after Busy's wait.
	Busy
)

// claimID claims job id of t for this handle: queued, or running under a
// lease that has ended (its server died) and claimed fewer than
// maxAttempts times. A job whose lease has ended at its last attempt
// fails, as RequeueExpiredRuns does it.
func (db *DB) claimID(ctx context.Context, t jobTable, id int64, maxAttempts int, scan func(rowScanner) error) (ClaimState, time.Duration, error) {
	now := db.time()
	row := db.queryRow(ctx, `UPDATE `+t.name+` SET status = 'running', started_at = ?, attempts = attempts + 1,
		lease_owner = ?, lease_until = ?`+t.resetProgress+`
		WHERE id = ? AND (status = 'queued' OR (status = 'running' AND (lease_until IS NULL OR lease_until < ?) AND attempts < ?))
		RETURNING `+jobColumns[t.name], db.timeArg(now), db.owner, db.leaseEnd(), id, db.timeArg(now), maxAttempts)
	err := scan(row)
	if err == nil {
		return Claimed, 0, nil
	}
	if !isNoRows(err) {
		return 0, 0, dbError(err, t.what)
	}
	var status string
	var until *time.Time
	var attempts int
	err = db.queryRow(ctx, `SELECT status, lease_until, attempts FROM `+t.name+` WHERE id = ?`, id).Scan(&status, scanTimePtr(&until), &attempts)
	if isNoRows(err) {
		return Gone, 0, nil
	}
	if err != nil {
		return 0, 0, dbError(err, t.what)
	}
	if status != RunRunning {
		return Gone, 0, nil
	}
	if until != nil && until.After(now) {
		return Busy, until.Sub(now), nil
	}
	// Its lease has ended at its last attempt.
	_, failed, err := db.requeueExpired(ctx, t, maxAttempts)
	if err != nil {
		return 0, 0, err
	}
	for _, f := range failed {
		if f == id {
			return Gone, 0, nil
		}
	}
	return Busy, time.Second, nil
}

// ClaimRunID claims run id (see ClaimState); the run is returned when
// Claimed.
func (db *DB) ClaimRunID(ctx context.Context, id int64, maxAttempts int) (*Run, ClaimState, time.Duration, error) {
	var r Run
	st, wait, err := db.claimID(ctx, runJobs, id, maxAttempts, func(row rowScanner) error { return scanRun(row, &r) })
	if st != Claimed || err != nil {
		return nil, st, wait, err
	}
	return &r, st, 0, nil
}

// ClaimPlanID is ClaimRunID for plans.
func (db *DB) ClaimPlanID(ctx context.Context, id int64, maxAttempts int) (*Plan, ClaimState, time.Duration, error) {
	var p Plan
	st, wait, err := db.claimID(ctx, planJobs, id, maxAttempts, func(row rowScanner) error { return scanPlan(row, &p) })
	if st != Claimed || err != nil {
		return nil, st, wait, err
	}
	return &p, st, 0, nil
}

// ClaimNationalRunID is ClaimRunID for national runs.
func (db *DB) ClaimNationalRunID(ctx context.Context, id int64, maxAttempts int) (*NationalRun, ClaimState, time.Duration, error) {
	var n NationalRun
	st, wait, err := db.claimID(ctx, nationalJobs, id, maxAttempts, func(row rowScanner) error { return scanNational(row, &n) })
	if st != Claimed || err != nil {
		return nil, st, wait, err
	}
	return &n, st, 0, nil
}

// QueuedJob is a job waiting in the queue.
type QueuedJob struct {
	Kind string // "run", "plan" or "national"
	ID   int64
}

// QueuedSince lists the jobs queued before t, oldest first, at most
// limit: those a queue outside the database may have lost.
func (db *DB) QueuedSince(ctx context.Context, t time.Time, limit int) ([]QueuedJob, error) {
	if limit < 1 {
		return nil, model.Errorf(model.EINVALID, "a list of at most %d jobs", limit)
	}
	var out []QueuedJob
	for _, k := range []struct {
		kind string
		t    jobTable
	}{{"run", runJobs}, {"plan", planJobs}, {"national", nationalJobs}} {
		// A job queued again keeps its created_at: started_at is cleared,
		// so created_at is the right age for both.
		ids, err := list(ctx, db, k.t.name, func(r rowScanner, id *int64) error { return r.Scan(id) },
			`SELECT id FROM `+k.t.name+` WHERE status = 'queued' AND created_at < ? ORDER BY id LIMIT CAST(? AS BIGINT)`, db.timeArg(t), limit)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out = append(out, QueuedJob{Kind: k.kind, ID: id})
		}
	}
	return out, nil
}

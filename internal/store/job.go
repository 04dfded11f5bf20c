package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/scrutin/scrutin/internal/model"
)

// Runs and plans are jobs: queued → running (claimed by one worker) →
// succeeded | failed | canceled. The functions here serve both tables.

// claimJob moves the oldest queued job of table to running and returns
// its row (columns cols) for scan; sql.ErrNoRows when none is queued.
// On SQLite the single UPDATE runs under the database's write lock; on
// PostgreSQL SKIP LOCKED lets concurrent workers pass over a row another
// is claiming instead of waiting for it and then finding it taken.
func (db *DB) claimJob(ctx context.Context, table, cols string, scan func(rowScanner) error) error {
	pick := `SELECT id FROM ` + table + ` WHERE status = 'queued' ORDER BY id LIMIT 1`
	if db.dialect == Postgres {
		pick += ` FOR UPDATE SKIP LOCKED`
	}
	return scan(db.queryRow(ctx, `UPDATE `+table+` SET status = 'running', started_at = ?
		WHERE id = (`+pick+`) AND status = 'queued' RETURNING `+cols, db.timeArg(db.time())))
}

func validFinish(status string) error {
	switch status {
	case RunSucceeded, RunFailed, RunCanceled:
		return nil
	}
	return model.Errorf(model.EINVALID, "a job cannot finish as %q", status)
}

// finishJob records the end of a running job of table. A job that is no
// longer running (canceled meanwhile) is ECONFLICT and keeps its status.
func (db *DB) finishJob(ctx context.Context, table, what string, id int64, status string, result []byte, errMsg string, setProgress string) error {
	if err := validFinish(status); err != nil {
		return err
	}
	if err := checkJSON(what+" result", result, true); err != nil {
		return err
	}
	res, err := db.exec(ctx, `UPDATE `+table+` SET status = ?, result = ?, error = ?, finished_at = ?`+setProgress+`
		WHERE id = ? AND status = 'running'`, status, jsonArg(result), errMsg, db.timeArg(db.time()), id)
	return db.jobChanged(ctx, res, err, table, what, "", id)
}

// cancelJob cancels the organisation's queued or running job; one that
// has already finished is ECONFLICT.
func (db *DB) cancelJob(ctx context.Context, table, what, orgID string, id int64) error {
	res, err := db.exec(ctx, `UPDATE `+table+` SET status = 'canceled', finished_at = ?
		WHERE org_id = ? AND id = ? AND status IN ('queued', 'running')`, db.timeArg(db.time()), orgID, id)
	return db.jobChanged(ctx, res, err, table, what, orgID, id)
}

// requeueJobs puts the running jobs of table back in the queue: at
// start-up, the jobs a stopped server was running.
func (db *DB) requeueJobs(ctx context.Context, table, setProgress string) (int, error) {
	res, err := db.exec(ctx, `UPDATE `+table+` SET status = 'queued', started_at = NULL`+setProgress+` WHERE status = 'running'`)
	if err != nil {
		return 0, dbError(err, table)
	}
	n, err := res.RowsAffected()
	return int(n), dbError(err, table)
}

// jobChanged turns the outcome of an UPDATE of job id that expects a
// given status into an error: none if a row changed, else ENOTFOUND if
// the job does not exist (in orgID, unless "") or ECONFLICT naming its
// status.
func (db *DB) jobChanged(ctx context.Context, res sql.Result, err error, table, what, orgID string, id int64) error {
	if err != nil {
		return dbError(err, what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return dbError(err, what)
	}
	if n > 0 {
		return nil
	}
	q, args := `SELECT status FROM `+table+` WHERE id = ?`, []any{id}
	if orgID != "" {
		q += ` AND org_id = ?`
		args = append(args, orgID)
	}
	var status string
	if err := db.queryRow(ctx, q, args...).Scan(&status); err != nil {
		return dbError(err, what)
	}
	if what == "plan" {
		return model.Errorf(model.ECONFLICT, "plan %d is %s", id, statusText(status))
	}
	return model.Errorf(model.ECONFLICT, "run %d is %s", id, statusText(status))
}

// statusText is a job's status in a message.
func statusText(status string) model.Text {
	switch status {
	case RunQueued:
		return model.T("queued")
	case RunRunning:
		return model.T("running")
	case RunSucceeded:
		return model.T("succeeded")
	case RunFailed:
		return model.T("failed")
	case RunCanceled:
		return model.T("canceled")
	}
	return model.T("%s", status)
}

// jobRevision checks that the model is the organisation's and has the
// revision, and returns the revision: the latest for 0.
func (db *DB) jobRevision(ctx context.Context, orgID string, modelID int64, revision int) (int, error) {
	if revision < 0 {
		return 0, model.Errorf(model.EINVALID, "negative revision %d", revision)
	}
	var latest int
	err := db.queryRow(ctx, `SELECT revision FROM models WHERE org_id = ? AND id = ?`, orgID, modelID).Scan(&latest)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("model")
	}
	if err != nil {
		return 0, dbError(err, "model")
	}
	switch {
	case revision == 0:
		return latest, nil
	case revision > latest:
		return 0, model.Errorf(model.ENOTFOUND, "revision %d not found", revision)
	}
	return revision, nil
}

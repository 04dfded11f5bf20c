package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

// Runs and plans are jobs: queued → running → succeeded | failed |
// canceled. A running job is leased to the store handle that claimed it
// (one handle is one server): the lease names its owner and ends at
// lease_until unless the owner renews it. Only the owner may record the
// job's progress and end, renew or release it. A job whose lease has
// ended belongs to a server that stopped without saying so (a crash, a
// kill, a lost connection): RequeueExpiredRuns puts it back in the queue,
// unless it has already been claimed the maximum number of times, when
// it fails with the reason instead, so that a job that kills the server
// cannot make it crash for ever. The functions here serve both tables.

// Defaults of the job leases.
const (
	// DefaultLeaseTTL is how long a lease lasts unless renewed.
	DefaultLeaseTTL = 30 * time.Second
	// DefaultMaxAttempts is how many times a job is claimed before a
	// server that stops while running it makes it fail.
	DefaultMaxAttempts = 3
)

// jobTable is one table of jobs.
type jobTable struct {
	name, what string // "runs", "run"
	// resetProgress is the SET clause that clears the progress of a job
	// queued again ("" if the table has none).
	resetProgress string
}

var (
	runJobs  = jobTable{name: "runs", what: "run", resetProgress: ", progress = 0"}
	planJobs = jobTable{name: "plans", what: "plan"}
)

// newLeaseOwner names a store handle as the owner of its leases: host,
// process and a random part, so that a server started again is a new
// owner and two handles of one process are two owners.
func newLeaseOwner() (string, error) {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	if len(host) > 64 {
		host = host[:64]
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:])), nil
}

// LeaseOwner is the name under which this handle holds the jobs it
// claims (host/pid/random).
func (db *DB) LeaseOwner() string { return db.owner }

// SetLeaseTTL sets how long the leases of this handle's claims and
// renewals last (DefaultLeaseTTL until then; d <= 0 restores it). Call
// it before the handle claims jobs; a server renews its leases well
// within d (a third of it). Every server on one database should use
// leases longer than the difference between their clocks.
func (db *DB) SetLeaseTTL(d time.Duration) {
	if d <= 0 {
		d = DefaultLeaseTTL
	}
	db.leaseTTL = d
}

// leaseEnd is the end of a lease taken or renewed now.
func (db *DB) leaseEnd() any { return db.timeArg(db.time().Add(db.leaseTTL)) }

// claimJob claims the next queued job of tables for this handle (see
// fairTurns for the order): it is running, leased to db, one more
// attempt; scan reads its row (the columns of its table, cols[table]).
// It reports whether a job was claimed. On SQLite the transaction holds
// the database's write lock, so claims are serialized; on PostgreSQL SKIP
// LOCKED lets concurrent claims pass over a row another is claiming
// instead of waiting for it, and a claim that finds an organisation's
// jobs all taken tries the next organisation.
func (db *DB) claimJob(ctx context.Context, tables []jobTable, cols map[string]string, scan func(t jobTable, row rowScanner) error) (bool, error) {
	claimed := false
	err := db.WithTx(ctx, func(tx *DB) error {
		turns, err := tx.fairTurns(ctx, tables)
		if err != nil {
			return err
		}
		for _, turn := range turns {
			for _, t := range turn.tables {
				ok, err := tx.claimOf(ctx, t, turn.org, cols[t.name], scan)
				if err != nil || ok {
					claimed = ok
					return err
				}
			}
		}
		return nil
	})
	return claimed, err
}

// claimOf claims the organisation's oldest queued job of table t.
func (db *DB) claimOf(ctx context.Context, t jobTable, org, cols string, scan func(t jobTable, row rowScanner) error) (bool, error) {
	pick := `SELECT id FROM ` + t.name + ` WHERE org_id = ? AND status = 'queued' ORDER BY id LIMIT 1`
	if db.dialect == Postgres {
		pick += ` FOR UPDATE SKIP LOCKED`
	}
	row := db.queryRow(ctx, `UPDATE `+t.name+` SET status = 'running', started_at = ?, attempts = attempts + 1,
		lease_owner = ?, lease_until = ?
		WHERE id = (`+pick+`) AND status = 'queued' RETURNING `+cols,
		db.timeArg(db.time()), db.owner, db.leaseEnd(), org)
	err := scan(t, row)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, dbError(err, t.what)
	}
	return true, nil
}

func validFinish(status string) error {
	switch status {
	case RunSucceeded, RunFailed, RunCanceled:
		return nil
	}
	return model.Errorf(model.EINVALID, "a job cannot finish as %q", status)
}

// finishJob records the end of a job this handle runs. A job that is no
// longer running (canceled meanwhile), or no longer leased to this
// handle, is ECONFLICT and keeps its state.
func (db *DB) finishJob(ctx context.Context, t jobTable, id int64, status string, result []byte, errMsg string, setProgress string) error {
	if err := validFinish(status); err != nil {
		return err
	}
	if err := checkJSON(t.what+" result", result, true); err != nil {
		return err
	}
	res, err := db.exec(ctx, `UPDATE `+t.name+` SET status = ?, result = ?, error = ?, finished_at = ?, lease_until = NULL`+setProgress+`
		WHERE id = ? AND status = 'running' AND lease_owner = ?`, status, jsonArg(result), errMsg, db.timeArg(db.time()), id, db.owner)
	return db.jobChanged(ctx, res, err, t, "", id)
}

// cancelJob cancels the organisation's queued or running job; one that
// has already finished is ECONFLICT. The server running it learns it at
// its next renewal or progress update.
func (db *DB) cancelJob(ctx context.Context, t jobTable, orgID string, id int64) error {
	res, err := db.exec(ctx, `UPDATE `+t.name+` SET status = 'canceled', finished_at = ?, lease_until = NULL
		WHERE org_id = ? AND id = ? AND status IN ('queued', 'running')`, db.timeArg(db.time()), orgID, id)
	return db.jobChanged(ctx, res, err, t, orgID, id)
}

// renewLease extends the lease of a job this handle runs by the lease
// time from now; ECONFLICT when the job is no longer running (canceled)
// or no longer leased to this handle (the lease ended and another server
// took the job): the caller must stop it.
func (db *DB) renewLease(ctx context.Context, t jobTable, id int64) error {
	res, err := db.exec(ctx, `UPDATE `+t.name+` SET lease_until = ? WHERE id = ? AND status = 'running' AND lease_owner = ?`,
		db.leaseEnd(), id, db.owner)
	return db.jobChanged(ctx, res, err, t, "", id)
}

// releaseJob puts a job this handle runs back in the queue, for any
// server to claim, without counting the attempt: a server that stops
// gracefully interrupts its jobs through no fault of theirs. ECONFLICT as
// for renewLease.
func (db *DB) releaseJob(ctx context.Context, t jobTable, id int64) error {
	res, err := db.exec(ctx, `UPDATE `+t.name+` SET status = 'queued', started_at = NULL,
		attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, lease_owner = '', lease_until = NULL`+t.resetProgress+`
		WHERE id = ? AND status = 'running' AND lease_owner = ?`, id, db.owner)
	return db.jobChanged(ctx, res, err, t, "", id)
}

// requeueExpired ends the running jobs of t whose lease has ended (or
// that have none: left by a server older than leases): each is queued
// again, or fails when it has been claimed maxAttempts times already. It
// returns the ids of both. Several servers may do it at once: each job
// is requeued or failed by one of them only.
func (db *DB) requeueExpired(ctx context.Context, t jobTable, maxAttempts int) (requeued, failed []int64, err error) {
	if maxAttempts < 1 {
		return nil, nil, fmt.Errorf("store: %s: at most %d attempts: want at least 1", t.name, maxAttempts)
	}
	type expired struct {
		id       int64
		attempts int
	}
	err = db.WithTx(ctx, func(tx *DB) error {
		requeued, failed = nil, nil
		now := tx.timeArg(tx.time())
		const ended = ` AND status = 'running' AND (lease_until IS NULL OR lease_until < ?)`
		jobs, err := list(ctx, tx, t.name, func(r rowScanner, e *expired) error { return r.Scan(&e.id, &e.attempts) },
			`SELECT id, attempts FROM `+t.name+` WHERE 1 = 1`+ended+` ORDER BY id`, now)
		if err != nil {
			return err
		}
		for _, j := range jobs {
			var res sql.Result
			if j.attempts >= maxAttempts {
				res, err = tx.exec(ctx, `UPDATE `+t.name+` SET status = 'failed', error = ?, finished_at = ?, lease_until = NULL
					WHERE id = ?`+ended, attemptsExhausted(j.attempts), now, j.id, now)
			} else {
				res, err = tx.exec(ctx, `UPDATE `+t.name+` SET status = 'queued', started_at = NULL, lease_owner = '', lease_until = NULL`+t.resetProgress+`
					WHERE id = ?`+ended, j.id, now)
			}
			if err != nil {
				return dbError(err, t.what)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return dbError(err, t.what)
			}
			if n == 0 {
				continue // another server got there first
			}
			if j.attempts >= maxAttempts {
				failed = append(failed, j.id)
			} else {
				requeued = append(requeued, j.id)
			}
		}
		return nil
	})
	return requeued, failed, err
}

// attemptsExhausted is the error of a job given up after n attempts.
func attemptsExhausted(n int) string {
	return fmt.Sprintf("stopped after %d attempts: the server stopped while running it each time "+
		"(a crash, a kill or a lost database connection), so it is not tried again; see the server's log", n)
}

// jobChanged turns the outcome of an UPDATE of job id that expects a
// given status into an error: none if a row changed, else ENOTFOUND if
// the job does not exist (in orgID, unless "") or ECONFLICT naming its
// status, or saying that another server runs it.
func (db *DB) jobChanged(ctx context.Context, res sql.Result, err error, t jobTable, orgID string, id int64) error {
	if err != nil {
		return dbError(err, t.what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return dbError(err, t.what)
	}
	if n > 0 {
		return nil
	}
	q, args := `SELECT status, lease_owner FROM `+t.name+` WHERE id = ?`, []any{id}
	if orgID != "" {
		q += ` AND org_id = ?`
		args = append(args, orgID)
	}
	var status, owner string
	if err := db.queryRow(ctx, q, args...).Scan(&status, &owner); err != nil {
		return dbError(err, t.what)
	}
	if status == RunRunning && owner != db.owner && orgID == "" {
		switch t {
		case planJobs:
			return model.Errorf(model.ECONFLICT, "plan %d is running on another server", id)
		case nationalJobs:
			return model.Errorf(model.ECONFLICT, "national run %d is running on another server", id)
		}
		return model.Errorf(model.ECONFLICT, "run %d is running on another server", id)
	}
	if t.what == "plan" {
		return model.Errorf(model.ECONFLICT, "plan %d is %s", id, statusText(status))
	}
	if t == nationalJobs {
		return model.Errorf(model.ECONFLICT, "national run %d is %s", id, statusText(status))
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

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

// NationalRun is an agency's run of the joint national risk: the latest
// succeeded runs of the models the organisations that share with it
// opted in with, simulated together (package national).
type NationalRun struct {
	ID         int64            `json:"id"`
	OrgID      string           `json:"org"` // the agency
	Trials     int64            `json:"trials"`
	Seed       uint64           `json:"seed"`
	Members    []NationalMember `json:"members"`
	Status     string           `json:"status"`
	Error      string           `json:"error,omitempty"`
	Progress   float64          `json:"progress"`
	Result     json.RawMessage  `json:"result,omitempty"`
	CreatedBy  int64            `json:"created_by"`
	CreatedAt  time.Time        `json:"created_at"`
	StartedAt  *time.Time       `json:"started_at,omitempty"`
	FinishedAt *time.Time       `json:"finished_at,omitempty"`
	Attempts   int              `json:"attempts"`
}

// NationalMember is one organisation's part of a national run: the run
// of its model that it contributes.
type NationalMember struct {
	Org      string `json:"org"`
	ModelID  int64  `json:"model_id"`
	RunID    int64  `json:"run_id"`
	Revision int    `json:"revision"`
}

var nationalJobs = jobTable{name: "national_runs", what: "national run", resetProgress: ", progress = 0"}

const nationalColumns = `id, org_id, trials, seed, members, status, error, progress, result,
	created_by, created_at, started_at, finished_at, attempts`

var nationalListColumns = strings.Replace(nationalColumns, "result", "NULL", 1)

func scanNational(r rowScanner, n *NationalRun) error {
	var seed int64
	var members json.RawMessage
	err := r.Scan(&n.ID, &n.OrgID, &n.Trials, &seed, rawJSON{&members}, &n.Status, &n.Error, &n.Progress, rawJSON{&n.Result},
		&n.CreatedBy, scanTime(&n.CreatedAt), scanTimePtr(&n.StartedAt), scanTimePtr(&n.FinishedAt), &n.Attempts)
	if err != nil {
		return err
	}
	n.Seed = uint64(seed)
	n.Members = nil
	return json.Unmarshal(members, &n.Members)
}

// SetJoint opts the organisation in to the agency's national runs with
// its model modelID, or out of them (nil). It needs a share with the
// agency (ENOTFOUND otherwise) and a model of the organisation's
// (ENOTFOUND otherwise).
func (db *DB) SetJoint(ctx context.Context, orgID, agencyID string, modelID *int64) error {
	return db.WithTx(ctx, func(tx *DB) error {
		if modelID != nil {
			if err := tx.mustExist(ctx, "model", `SELECT 1 FROM models WHERE org_id = ? AND id = ?`, orgID, *modelID); err != nil {
				return err
			}
		}
		return tx.execOne(ctx, "share", `UPDATE shares SET joint_model_id = ? WHERE org_id = ? AND agency_id = ?`, modelID, orgID, agencyID)
	})
}

// JointMembers lists, by organisation id, the latest succeeded run of the
// model each organisation that shares with the agency opted in with.
// Organisations whose model has no succeeded run (or was deleted) are
// returned in missing.
func (db *DB) JointMembers(ctx context.Context, agencyID string) (members []NationalMember, missing []string, err error) {
	shares, err := db.SharedWith(ctx, agencyID)
	if err != nil {
		return nil, nil, err
	}
	for _, sh := range shares {
		if sh.JointModelID == nil {
			continue
		}
		m := NationalMember{Org: sh.OrgID, ModelID: *sh.JointModelID}
		err := db.queryRow(ctx, `SELECT id, revision FROM runs WHERE org_id = ? AND model_id = ? AND status = 'succeeded'
			ORDER BY id DESC LIMIT 1`, sh.OrgID, m.ModelID).Scan(&m.RunID, &m.Revision)
		if isNoRows(err) {
			missing = append(missing, sh.OrgID)
			continue
		}
		if err != nil {
			return nil, nil, dbError(err, "run")
		}
		members = append(members, m)
	}
	return members, missing, nil
}

// CreateNationalRun queues n: it stores it with status queued and sets
// ID, Status, Progress and CreatedAt. The caller sets OrgID (an agency),
// Trials, Seed, Members (from JointMembers) and CreatedBy.
func (db *DB) CreateNationalRun(ctx context.Context, n *NationalRun) error {
	if n.Trials <= 0 {
		return model.Errorf(model.EINVALID, "a national run needs a positive number of trials, not %d", n.Trials)
	}
	if len(n.Members) == 0 {
		return model.Errorf(model.EINVALID, "a national run needs at least one organisation")
	}
	members, err := json.Marshal(n.Members)
	if err != nil {
		return err
	}
	at := db.time()
	err = db.queryRow(ctx, `INSERT INTO national_runs (org_id, trials, seed, members, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		n.OrgID, n.Trials, int64(n.Seed), string(members), n.CreatedBy, db.timeArg(at)).Scan(&n.ID)
	if err != nil {
		return dbError(err, "national run")
	}
	n.Status, n.Error, n.Progress, n.Result, n.Attempts = RunQueued, "", 0, nil, 0
	n.CreatedAt, n.StartedAt, n.FinishedAt = at, nil, nil
	return nil
}

// NationalRun returns the agency's national run, with its result.
func (db *DB) NationalRun(ctx context.Context, orgID string, id int64) (*NationalRun, error) {
	var n NationalRun
	err := scanNational(db.queryRow(ctx, `SELECT `+nationalColumns+` FROM national_runs WHERE org_id = ? AND id = ?`, orgID, id), &n)
	if err != nil {
		return nil, dbError(err, "national run")
	}
	return &n, nil
}

// NationalRuns lists the agency's national runs, newest first, without
// their results.
func (db *DB) NationalRuns(ctx context.Context, orgID string, p Page) ([]NationalRun, error) {
	return list(ctx, db, "national runs", scanNational, `SELECT `+nationalListColumns+` FROM national_runs
		WHERE org_id = ? AND id < ? ORDER BY id DESC LIMIT CAST(? AS BIGINT)`, orgID, p.after(), p.limit())
}

// LatestNationalRun is the agency's latest succeeded national run, with
// its result; ENOTFOUND when there is none.
func (db *DB) LatestNationalRun(ctx context.Context, orgID string) (*NationalRun, error) {
	var n NationalRun
	err := scanNational(db.queryRow(ctx, `SELECT `+nationalColumns+` FROM national_runs
		WHERE org_id = ? AND status = 'succeeded' ORDER BY id DESC LIMIT 1`, orgID), &n)
	if err != nil {
		return nil, dbError(err, "national run")
	}
	return &n, nil
}

// ClaimNationalRun gives the oldest queued national run, of any agency,
// to this handle, as ClaimRun does runs; nil, nil when none is queued.
// National runs are few (an agency's, now and then) and go before the
// organisations' runs and plans.
func (db *DB) ClaimNationalRun(ctx context.Context) (*NationalRun, error) {
	var n NationalRun
	pick := `SELECT id FROM national_runs WHERE status = 'queued' ORDER BY id LIMIT 1`
	if db.dialect == Postgres {
		pick += ` FOR UPDATE SKIP LOCKED`
	}
	err := db.WithTx(ctx, func(tx *DB) error {
		return scanNational(tx.queryRow(ctx, `UPDATE national_runs SET status = 'running', started_at = ?, attempts = attempts + 1,
			lease_owner = ?, lease_until = ?
			WHERE id = (`+pick+`) AND status = 'queued' RETURNING `+nationalColumns,
			tx.timeArg(tx.time()), tx.owner, tx.leaseEnd()), &n)
	})
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, dbError(err, "national run")
	}
	return &n, nil
}

// UpdateNationalRunProgress, FinishNationalRun, CancelNationalRun,
// RenewNationalRunLease, ReleaseNationalRun and RequeueExpiredNationalRuns
// do for national runs what their namesakes do for runs.
func (db *DB) UpdateNationalRunProgress(ctx context.Context, id int64, progress float64) error {
	if math.IsNaN(progress) || progress < 0 || progress > 1 {
		return model.Errorf(model.EINVALID, "progress %v is not between 0 and 1", progress)
	}
	res, err := db.exec(ctx, `UPDATE national_runs SET progress = ? WHERE id = ? AND status = 'running' AND lease_owner = ?`, progress, id, db.owner)
	return db.jobChanged(ctx, res, err, nationalJobs, "", id)
}

func (db *DB) FinishNationalRun(ctx context.Context, id int64, status string, result []byte, errMsg string) error {
	setProgress := ""
	if status == RunSucceeded {
		setProgress = ", progress = 1"
	}
	return db.finishJob(ctx, nationalJobs, id, status, result, errMsg, setProgress)
}

func (db *DB) CancelNationalRun(ctx context.Context, orgID string, id int64) error {
	return db.cancelJob(ctx, nationalJobs, orgID, id)
}

func (db *DB) RenewNationalRunLease(ctx context.Context, id int64) error {
	return db.renewLease(ctx, nationalJobs, id)
}

func (db *DB) ReleaseNationalRun(ctx context.Context, id int64) error {
	return db.releaseJob(ctx, nationalJobs, id)
}

func (db *DB) RequeueExpiredNationalRuns(ctx context.Context, maxAttempts int) (requeued, failed []int64, err error) {
	return db.requeueExpired(ctx, nationalJobs, maxAttempts)
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

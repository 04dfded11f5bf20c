package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

const auditColumns = `id, at, org_id, user_id, email, action, target, details, remote`

func scanAudit(r rowScanner, e *AuditEntry) error {
	var user sql.NullInt64
	err := r.Scan(&e.ID, scanTime(&e.At), &e.OrgID, &user, &e.Email, &e.Action, &e.Target, rawJSON{&e.Details}, &e.Remote)
	e.UserID = user.Int64
	return err
}

// Audit appends e to the audit log and sets its ID and At. The caller
// sets Action and, as they apply, OrgID ("" for site-wide changes),
// UserID, Target, Details (JSON) and Remote; Email, when empty, is the
// user's, kept as it was at the time. To record a change together with
// its entry, call both inside WithTx.
func (db *DB) Audit(ctx context.Context, e *AuditEntry) error {
	if strings.TrimSpace(e.Action) == "" {
		return model.Errorf(model.EINVALID, "audit entry without an action")
	}
	if err := checkJSON("audit details", e.Details, true); err != nil {
		return err
	}
	var user any
	if e.UserID != 0 {
		user = e.UserID
		if e.Email == "" {
			err := db.queryRow(ctx, `SELECT email FROM users WHERE id = ?`, e.UserID).Scan(&e.Email)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return dbError(err, "audit entry")
			}
		}
	}
	at := db.time()
	err := db.queryRow(ctx, `INSERT INTO audit (at, org_id, user_id, email, action, target, details, remote)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		db.timeArg(at), e.OrgID, user, e.Email, e.Action, e.Target, jsonArg(e.Details), e.Remote).Scan(&e.ID)
	if err != nil {
		return dbError(err, "audit entry")
	}
	e.At = at
	return nil
}

// AuditLog lists the organisation's audit entries, newest first; orgID ""
// lists the site-wide ones.
func (db *DB) AuditLog(ctx context.Context, orgID string, p Page) ([]AuditEntry, error) {
	return list(ctx, db, "audit log", scanAudit, `SELECT `+auditColumns+` FROM audit
		WHERE org_id = ? AND id < ? ORDER BY id DESC LIMIT CAST(? AS BIGINT)`, orgID, p.after(), p.limit())
}

package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/scrutin/scrutin/internal/model"
)

const shareColumns = `org_id, agency_id, created_by, created_at, joint_model_id`

func scanShare(r rowScanner, s *Share) error {
	return r.Scan(&s.OrgID, &s.AgencyID, &s.CreatedBy, scanTime(&s.CreatedAt), &s.JointModelID)
}

// Share lets the agency see the organisation's shared results (its
// national view). An unknown organisation or agency is ENOTFOUND; an
// organisation that is not of kind agency, or the organisation itself,
// EINVALID; an existing share ECONFLICT.
func (db *DB) Share(ctx context.Context, orgID, agencyID string, by int64) error {
	if orgID == agencyID {
		return model.Errorf(model.EINVALID, "an organisation cannot share with itself")
	}
	return db.WithTx(ctx, func(tx *DB) error {
		if err := tx.mustExist(ctx, "organisation", `SELECT 1 FROM orgs WHERE id = ?`, orgID); err != nil {
			return err
		}
		var kind string
		err := tx.queryRow(ctx, `SELECT kind FROM orgs WHERE id = ?`, agencyID).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("agency")
		}
		if err != nil {
			return dbError(err, "agency")
		}
		if kind != model.KindAgency {
			return model.Errorf(model.EINVALID, "%s is a %s, not an agency: results are shared with agencies only", agencyID, kind)
		}
		_, err = tx.exec(ctx, `INSERT INTO shares (org_id, agency_id, created_by, created_at) VALUES (?, ?, ?, ?)`,
			orgID, agencyID, by, tx.timeArg(tx.time()))
		return dbError(err, "share with "+agencyID)
	})
}

// Unshare withdraws the organisation's share with the agency.
func (db *DB) Unshare(ctx context.Context, orgID, agencyID string) error {
	return db.execOne(ctx, "share", `DELETE FROM shares WHERE org_id = ? AND agency_id = ?`, orgID, agencyID)
}

// Shares lists the agencies the organisation shares with, by agency id.
func (db *DB) Shares(ctx context.Context, orgID string) ([]Share, error) {
	return list(ctx, db, "shares", scanShare, `SELECT `+shareColumns+` FROM shares WHERE org_id = ? ORDER BY agency_id`, orgID)
}

// SharedWith lists the organisations that share with the agency, by
// organisation id.
func (db *DB) SharedWith(ctx context.Context, agencyID string) ([]Share, error) {
	return list(ctx, db, "shares", scanShare, `SELECT `+shareColumns+` FROM shares WHERE agency_id = ? ORDER BY org_id`, agencyID)
}

// SharedLatestResults is LatestResults(orgID) as the agency sees it: the
// organisation's latest succeeded runs if it shares with the agency,
// ENOTFOUND otherwise. The national view should read results through it,
// so that the share is checked in the query, not only by the handler.
func (db *DB) SharedLatestResults(ctx context.Context, agencyID, orgID string) ([]Run, error) {
	if err := db.mustExist(ctx, "organisation", `SELECT 1 FROM shares WHERE org_id = ? AND agency_id = ?`, orgID, agencyID); err != nil {
		return nil, err
	}
	return list(ctx, db, "runs", scanRun, `SELECT `+runColumns+` FROM runs r
		WHERE org_id = ? AND status = 'succeeded' AND id = (SELECT MAX(id) FROM runs l
			WHERE l.org_id = r.org_id AND l.model_id = r.model_id AND l.status = 'succeeded')
		AND EXISTS (SELECT 1 FROM shares s WHERE s.org_id = r.org_id AND s.agency_id = ?)
		ORDER BY model_id`, orgID, agencyID)
}

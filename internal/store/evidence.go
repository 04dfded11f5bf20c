package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

const evidenceColumns = `id, org_id, name, kind, summary, created_by, created_at, format, file_name, bytes, counts`

// evidenceListColumns leave the summary out.
var evidenceListColumns = strings.Replace(evidenceColumns, "summary", "NULL", 1)

func scanEvidence(r rowScanner, e *Evidence) error {
	var counts json.RawMessage
	err := r.Scan(&e.ID, &e.OrgID, &e.Name, &e.Kind, rawJSON{&e.Summary}, &e.CreatedBy, scanTime(&e.CreatedAt),
		&e.Format, &e.FileName, &e.Bytes, rawJSON{&counts})
	if err != nil {
		return err
	}
	e.Counts = map[string]int64{}
	if len(counts) > 0 {
		if err := json.Unmarshal(counts, &e.Counts); err != nil {
			return fmt.Errorf("store: evidence %d: counts: %w", e.ID, err)
		}
	}
	return nil
}

// CreateEvidence stores the organisation's evidence summary e and sets
// its ID and CreatedAt. Kind is telemetry or phishing; Summary must be
// JSON. Format, FileName, Bytes and Counts are optional. An unknown
// organisation is ENOTFOUND.
func (db *DB) CreateEvidence(ctx context.Context, e *Evidence) error {
	e.Name = strings.TrimSpace(e.Name)
	switch {
	case e.Name == "":
		return model.Errorf(model.EINVALID, "evidence without a name")
	case e.Kind != "telemetry" && e.Kind != "phishing":
		return model.Errorf(model.EINVALID, "unknown evidence kind %q (telemetry or phishing)", e.Kind)
	case e.Bytes < 0:
		return model.Errorf(model.EINVALID, "evidence of %d bytes", e.Bytes)
	}
	if e.Counts == nil {
		e.Counts = map[string]int64{}
	}
	counts, err := json.Marshal(e.Counts)
	if err != nil {
		return err
	}
	if err := checkJSON("evidence summary", e.Summary, false); err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *DB) error {
		if err := tx.mustExist(ctx, "organisation", `SELECT 1 FROM orgs WHERE id = ?`, e.OrgID); err != nil {
			return err
		}
		at := tx.time()
		err := tx.queryRow(ctx, `INSERT INTO evidence (org_id, name, kind, summary, created_by, created_at, format, file_name, bytes, counts)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			e.OrgID, e.Name, e.Kind, jsonArg(e.Summary), e.CreatedBy, tx.timeArg(at), e.Format, e.FileName, e.Bytes, jsonArg(counts)).Scan(&e.ID)
		if err != nil {
			return dbError(err, "evidence")
		}
		e.CreatedAt = at
		return nil
	})
}

// Evidence returns the organisation's evidence, with its summary.
func (db *DB) Evidence(ctx context.Context, orgID string, id int64) (*Evidence, error) {
	var e Evidence
	err := scanEvidence(db.queryRow(ctx, `SELECT `+evidenceColumns+` FROM evidence WHERE org_id = ? AND id = ?`, orgID, id), &e)
	if err != nil {
		return nil, dbError(err, "evidence")
	}
	return &e, nil
}

// EvidenceList lists the organisation's evidence, newest first, without
// the summaries.
func (db *DB) EvidenceList(ctx context.Context, orgID string, p Page) ([]Evidence, error) {
	return list(ctx, db, "evidence", scanEvidence, `SELECT `+evidenceListColumns+` FROM evidence
		WHERE org_id = ? AND id < ? ORDER BY id DESC LIMIT CAST(? AS BIGINT)`, orgID, p.after(), p.limit())
}

// DeleteEvidence deletes the organisation's evidence.
func (db *DB) DeleteEvidence(ctx context.Context, orgID string, id int64) error {
	return db.execOne(ctx, "evidence", `DELETE FROM evidence WHERE org_id = ? AND id = ?`, orgID, id)
}

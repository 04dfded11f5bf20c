package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

const modelColumns = `id, org_id, name, revision, created_at, updated_at`

func scanModel(r rowScanner, m *Model) error {
	return r.Scan(&m.ID, &m.OrgID, &m.Name, &m.Revision, scanTime(&m.CreatedAt), scanTime(&m.UpdatedAt))
}

// CreateModel stores a new model of the organisation with rev as its
// revision 1, in one transaction, and fills in rev (ModelID, Revision,
// Author, CreatedAt; the caller sets YAML, Message and AuthorID). A name
// the organisation already uses is ECONFLICT; an unknown organisation
// ENOTFOUND; an unknown author EINVALID.
func (db *DB) CreateModel(ctx context.Context, orgID, name string, rev *Revision) (*Model, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, model.Errorf(model.EINVALID, "empty model name")
	}
	var m Model
	err := db.WithTx(ctx, func(tx *DB) error {
		if err := tx.mustExist(ctx, "organisation", `SELECT 1 FROM orgs WHERE id = ?`, orgID); err != nil {
			return err
		}
		author, err := tx.authorEmail(ctx, rev.AuthorID)
		if err != nil {
			return err
		}
		at := tx.timeArg(tx.time())
		err = scanModel(tx.queryRow(ctx, `INSERT INTO models (org_id, name, revision, created_at, updated_at)
			VALUES (?, ?, 1, ?, ?) RETURNING `+modelColumns, orgID, name, at, at), &m)
		if err != nil {
			return dbError(err, "model "+name)
		}
		return tx.insertRevision(ctx, &m, author, rev)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// SaveModel stores rev as the next revision of the model, provided the
// model's latest revision is still baseRevision (the one the author
// edited): otherwise it is ECONFLICT and nothing changes. The check and
// the change are one transaction, so of two saves on the same base
// exactly one wins. rev is filled in as by CreateModel.
func (db *DB) SaveModel(ctx context.Context, orgID string, modelID int64, baseRevision int, rev *Revision) (*Model, error) {
	var m Model
	err := db.WithTx(ctx, func(tx *DB) error {
		author, err := tx.authorEmail(ctx, rev.AuthorID)
		if err != nil {
			return err
		}
		// The row lock the UPDATE takes (PostgreSQL), or the write lock of
		// the IMMEDIATE transaction (SQLite), orders concurrent saves; the
		// later one then finds revision moved on and changes nothing.
		err = scanModel(tx.queryRow(ctx, `UPDATE models SET revision = revision + 1, updated_at = ?
			WHERE org_id = ? AND id = ? AND revision = ? RETURNING `+modelColumns,
			tx.timeArg(tx.time()), orgID, modelID, baseRevision), &m)
		if errors.Is(err, sql.ErrNoRows) {
			cur, err := tx.Model(ctx, orgID, modelID)
			if err != nil {
				return err
			}
			return model.Errorf(model.ECONFLICT, "model %s was saved as revision %d since revision %d: reload it", cur.Name, cur.Revision, baseRevision)
		}
		if err != nil {
			return dbError(err, "model")
		}
		return tx.insertRevision(ctx, &m, author, rev)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// authorEmail is the email of the user id, EINVALID when none.
func (db *DB) authorEmail(ctx context.Context, id int64) (string, error) {
	var email string
	err := db.queryRow(ctx, `SELECT email FROM users WHERE id = ?`, id).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", model.Errorf(model.EINVALID, "unknown author (user %d)", id)
	}
	return email, dbError(err, "author")
}

// insertRevision stores rev as revision m.Revision of m.
func (db *DB) insertRevision(ctx context.Context, m *Model, author string, rev *Revision) error {
	_, err := db.exec(ctx, `INSERT INTO revisions (model_id, revision, yaml, message, author_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, m.ID, m.Revision, rev.YAML, rev.Message, rev.AuthorID, db.timeArg(m.UpdatedAt))
	if err != nil {
		return dbError(err, "revision")
	}
	rev.ModelID, rev.Revision, rev.Author, rev.CreatedAt = m.ID, m.Revision, author, m.UpdatedAt
	return nil
}

// Model returns the organisation's model.
func (db *DB) Model(ctx context.Context, orgID string, modelID int64) (*Model, error) {
	var m Model
	err := scanModel(db.queryRow(ctx, `SELECT `+modelColumns+` FROM models WHERE org_id = ? AND id = ?`, orgID, modelID), &m)
	if err != nil {
		return nil, dbError(err, "model")
	}
	return &m, nil
}

// Models lists the organisation's models, newest first.
func (db *DB) Models(ctx context.Context, orgID string, p Page) ([]Model, error) {
	return list(ctx, db, "models", scanModel, `SELECT `+modelColumns+` FROM models
		WHERE org_id = ? AND id < ? ORDER BY id DESC LIMIT CAST(? AS BIGINT)`, orgID, p.after(), p.limit())
}

const revisionSelect = `SELECT r.model_id, r.revision, %s, r.message, r.author_id, u.email, r.created_at
	FROM revisions r JOIN models m ON m.id = r.model_id JOIN users u ON u.id = r.author_id`

func scanRevision(r rowScanner, v *Revision) error {
	return r.Scan(&v.ModelID, &v.Revision, &v.YAML, &v.Message, &v.AuthorID, &v.Author, scanTime(&v.CreatedAt))
}

// Revision returns a revision of the organisation's model, with its YAML;
// revision 0 is the latest.
func (db *DB) Revision(ctx context.Context, orgID string, modelID int64, revision int) (*Revision, error) {
	q := strings.Replace(revisionSelect, "%s", "r.yaml", 1) + ` WHERE m.org_id = ? AND r.model_id = ? AND `
	args := []any{orgID, modelID}
	if revision == 0 {
		q += `r.revision = m.revision`
	} else {
		q += `r.revision = ?`
		args = append(args, revision)
	}
	var v Revision
	if err := scanRevision(db.queryRow(ctx, q, args...), &v); err != nil {
		return nil, dbError(err, "revision")
	}
	return &v, nil
}

// Revisions lists the revisions of the organisation's model, newest
// first, without their YAML; p.After is a revision number. A model that
// is not the organisation's is ENOTFOUND.
func (db *DB) Revisions(ctx context.Context, orgID string, modelID int64, p Page) ([]Revision, error) {
	if err := db.mustExist(ctx, "model", `SELECT 1 FROM models WHERE org_id = ? AND id = ?`, orgID, modelID); err != nil {
		return nil, err
	}
	q := strings.Replace(revisionSelect, "%s", "''", 1) +
		` WHERE m.org_id = ? AND r.model_id = ? AND r.revision < CAST(? AS BIGINT) ORDER BY r.revision DESC LIMIT CAST(? AS BIGINT)`
	return list(ctx, db, "revisions", scanRevision, q, orgID, modelID, p.after(), p.limit())
}

// DeleteModel deletes the organisation's model with its revisions, runs
// and plans.
func (db *DB) DeleteModel(ctx context.Context, orgID string, modelID int64) error {
	return db.execOne(ctx, "model", `DELETE FROM models WHERE org_id = ? AND id = ?`, orgID, modelID)
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/scrutin/scrutin/internal/model"
)

const orgColumns = `id, name, kind, created_at`

func scanOrg(r rowScanner, o *Org) error {
	return r.Scan(&o.ID, &o.Name, &o.Kind, scanTime(&o.CreatedAt))
}

// CreateOrg stores o and sets its CreatedAt. The id is chosen by the
// caller (as in model files): a duplicate is ECONFLICT.
func (db *DB) CreateOrg(ctx context.Context, o *Org) error {
	switch {
	case len(o.ID) > 100 || !model.IDPattern.MatchString(o.ID):
		return model.Errorf(model.EINVALID, "invalid organisation id %q (letters, digits, '.', '_', '-')", o.ID)
	case o.Name == "":
		return model.Errorf(model.EINVALID, "organisation %s: empty name", o.ID)
	case !slices.Contains(model.OrganizationKinds, o.Kind):
		return model.Errorf(model.EINVALID, "organisation %s: unknown kind %q", o.ID, o.Kind)
	}
	at := db.time()
	_, err := db.exec(ctx, `INSERT INTO orgs (id, name, kind, created_at) VALUES (?, ?, ?, ?)`,
		o.ID, o.Name, o.Kind, db.timeArg(at))
	if err != nil {
		return dbError(err, "organisation "+o.ID)
	}
	o.CreatedAt = at
	return nil
}

// Org returns the organisation with the given id.
func (db *DB) Org(ctx context.Context, id string) (*Org, error) {
	var o Org
	if err := scanOrg(db.queryRow(ctx, `SELECT `+orgColumns+` FROM orgs WHERE id = ?`, id), &o); err != nil {
		return nil, dbError(err, "organisation")
	}
	return &o, nil
}

// Orgs lists all organisations, by id. Organisation ids are strings, so
// here p.After is not a cursor but the number of organisations already
// listed (an offset).
func (db *DB) Orgs(ctx context.Context, p Page) ([]Org, error) {
	return list(ctx, db, "organisations", scanOrg,
		`SELECT `+orgColumns+` FROM orgs ORDER BY id LIMIT CAST(? AS BIGINT) OFFSET ?`, p.limit(), max(p.After, 0))
}

const memberSelect = `SELECT m.org_id, m.user_id, u.email, u.name, m.role, u.disabled_at IS NOT NULL, o.name, o.kind
	FROM members m JOIN users u ON u.id = m.user_id JOIN orgs o ON o.id = m.org_id`

func scanMember(r rowScanner, m *Member) error {
	return r.Scan(&m.OrgID, &m.UserID, &m.Email, &m.Name, &m.Role, &m.Disabled, &m.OrgName, &m.OrgKind)
}

// OrgDataVersion is the organisation's data version: a number that
// changes with every committed change of the organisation's models and
// runs, made by any server (the database keeps it, in the transaction of
// the change), and only then. An unknown organisation is ENOTFOUND.
func (db *DB) OrgDataVersion(ctx context.Context, orgID string) (int64, error) {
	var v int64
	if err := db.queryRow(ctx, `SELECT data_version FROM orgs WHERE id = ?`, orgID).Scan(&v); err != nil {
		return 0, dbError(err, "organisation")
	}
	return v, nil
}

// OrgsOf lists the organisations the user is a member of, with the role,
// by organisation id.
func (db *DB) OrgsOf(ctx context.Context, userID int64) ([]Member, error) {
	return list(ctx, db, "memberships", scanMember, memberSelect+` WHERE m.user_id = ? ORDER BY m.org_id`, userID)
}

func validRole(role string) bool {
	return role == RoleViewer || role == RoleAnalyst || role == RoleOwner
}

// SetMember gives the user the role in the organisation, adding the
// membership or changing its role. An unknown organisation or user is
// ENOTFOUND. Whether the last owner may be demoted is the caller's rule.
func (db *DB) SetMember(ctx context.Context, orgID string, userID int64, role string) error {
	if !validRole(role) {
		return model.Errorf(model.EINVALID, "unknown role %q (viewer, analyst or owner)", role)
	}
	return db.WithTx(ctx, func(tx *DB) error {
		if err := tx.mustExist(ctx, "organisation", `SELECT 1 FROM orgs WHERE id = ?`, orgID); err != nil {
			return err
		}
		if err := tx.mustExist(ctx, "user", `SELECT 1 FROM users WHERE id = ?`, userID); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO members (org_id, user_id, role) VALUES (?, ?, ?)
			ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role`, orgID, userID, role)
		return dbError(err, "member")
	})
}

// RemoveMember removes the user from the organisation.
func (db *DB) RemoveMember(ctx context.Context, orgID string, userID int64) error {
	return db.execOne(ctx, "member", `DELETE FROM members WHERE org_id = ? AND user_id = ?`, orgID, userID)
}

// Members lists the organisation's members, by email.
func (db *DB) Members(ctx context.Context, orgID string) ([]Member, error) {
	return list(ctx, db, "members", scanMember, memberSelect+` WHERE m.org_id = ? ORDER BY lower(u.email)`, orgID)
}

// Role is the user's role in the organisation, "" when not a member
// (also of an organisation that does not exist).
func (db *DB) Role(ctx context.Context, orgID string, userID int64) (string, error) {
	var role string
	err := db.queryRow(ctx, `SELECT role FROM members WHERE org_id = ? AND user_id = ?`, orgID, userID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", dbError(err, "member")
	}
	return role, nil
}

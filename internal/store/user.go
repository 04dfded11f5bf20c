package store

import (
	"context"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

const userColumns = `id, email, name, admin, password_hash, language, created_at, disabled_at`

func scanUser(r rowScanner, u *User) error {
	return r.Scan(&u.ID, &u.Email, &u.Name, &u.Admin, &u.PasswordHash, &u.Language, scanTime(&u.CreatedAt), scanTimePtr(&u.DisabledAt))
}

// CreateUser stores u and sets its ID and CreatedAt. Emails are unique
// without regard to case: a duplicate is ECONFLICT.
func (db *DB) CreateUser(ctx context.Context, u *User) error {
	u.Email = strings.TrimSpace(u.Email)
	if u.Email == "" || !strings.Contains(u.Email, "@") {
		return model.Errorf(model.EINVALID, "invalid email address %q", u.Email)
	}
	at := db.time()
	err := db.queryRow(ctx, `INSERT INTO users (email, name, admin, password_hash, language, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Email, u.Name, u.Admin, u.PasswordHash, u.Language, db.timeArg(at)).Scan(&u.ID)
	if err != nil {
		return dbError(err, "user "+u.Email)
	}
	u.CreatedAt = at
	return nil
}

// UserByID returns the user with the given id.
func (db *DB) UserByID(ctx context.Context, id int64) (*User, error) {
	var u User
	err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id), &u)
	if err != nil {
		return nil, dbError(err, "user")
	}
	return &u, nil
}

// UserByEmail returns the user with the given email, whatever its case.
func (db *DB) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE lower(email) = lower(CAST(? AS TEXT))`,
		strings.TrimSpace(email)), &u)
	if err != nil {
		return nil, dbError(err, "user")
	}
	return &u, nil
}

// UpdateUser stores u's name, password hash, language and administrator
// flag (not its email, nor whether it is disabled: SetUserDisabled).
func (db *DB) UpdateUser(ctx context.Context, u *User) error {
	defer db.accountsChanged()
	return db.execOne(ctx, "user", `UPDATE users SET name = ?, password_hash = ?, language = ?, admin = ? WHERE id = ?`,
		u.Name, u.PasswordHash, u.Language, u.Admin, u.ID)
}

// Users lists the users, newest first.
func (db *DB) Users(ctx context.Context, p Page) ([]User, error) {
	return list(ctx, db, "users", scanUser,
		`SELECT `+userColumns+` FROM users WHERE id < ? ORDER BY id DESC LIMIT CAST(? AS BIGINT)`, p.after(), p.limit())
}

// SetUserDisabled disables the user (from now) or enables them again. It
// does not touch their tokens: the caller deletes them (DeleteUserTokens)
// in the same transaction.
func (db *DB) SetUserDisabled(ctx context.Context, id int64, disabled bool) error {
	var at any
	if disabled {
		at = db.timeArg(db.time())
	}
	defer db.accountsChanged()
	return db.execOne(ctx, "user", `UPDATE users SET disabled_at = ? WHERE id = ?`, at, id)
}

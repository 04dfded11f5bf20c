package store

import (
	"context"

	"github.com/scrutin/scrutin/internal/model"
)

const tokenColumns = `id, user_id, kind, name, hash, created_at, expires_at, last_used`

func scanToken(r rowScanner, t *Token) error {
	return r.Scan(&t.ID, &t.UserID, &t.Kind, &t.Name, &t.Hash,
		scanTime(&t.CreatedAt), scanTimePtr(&t.ExpiresAt), scanTimePtr(&t.LastUsed))
}

// CreateToken stores t (its Hash the SHA-256 of the secret, which is
// never stored) and sets its ID and CreatedAt; ExpiresAt nil never
// expires. A hash already stored is ECONFLICT.
func (db *DB) CreateToken(ctx context.Context, t *Token) error {
	if t.Kind != "api" && t.Kind != "session" {
		return model.Errorf(model.EINVALID, "unknown token kind %q (api or session)", t.Kind)
	}
	if len(t.Hash) == 0 {
		return model.Errorf(model.EINVALID, "token without a hash")
	}
	if t.ExpiresAt != nil {
		e := t.ExpiresAt.UTC().Truncate(timePrecision)
		t.ExpiresAt = &e
	}
	at := db.time()
	err := db.queryRow(ctx, `INSERT INTO tokens (user_id, kind, name, hash, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		t.UserID, t.Kind, t.Name, t.Hash, db.timeArg(at), db.timePtrArg(t.ExpiresAt)).Scan(&t.ID)
	if err != nil {
		return dbError(err, "token")
	}
	t.CreatedAt, t.LastUsed = at, nil
	return nil
}

// TokenByHash returns the token with the given hash, unless it has
// expired: an expired token is ENOTFOUND, like an unknown one.
func (db *DB) TokenByHash(ctx context.Context, hash []byte) (*Token, error) {
	var t Token
	err := scanToken(db.queryRow(ctx, `SELECT `+tokenColumns+` FROM tokens
		WHERE hash = ? AND (expires_at IS NULL OR expires_at > ?)`, hash, db.timeArg(db.time())), &t)
	if err != nil {
		return nil, dbError(err, "token")
	}
	return &t, nil
}

// TouchToken records that the token was used now.
func (db *DB) TouchToken(ctx context.Context, id int64) error {
	return db.execOne(ctx, "token", `UPDATE tokens SET last_used = ? WHERE id = ?`, db.timeArg(db.time()), id)
}

// DeleteToken deletes the token (signing out, revoking). A handler acting
// for a user should rather call DeleteUserToken, which checks the owner.
func (db *DB) DeleteToken(ctx context.Context, id int64) error {
	defer db.accountsChanged()
	return db.execOne(ctx, "token", `DELETE FROM tokens WHERE id = ?`, id)
}

// DeleteUserToken deletes the token if it is the user's; another user's
// token is ENOTFOUND.
func (db *DB) DeleteUserToken(ctx context.Context, userID, id int64) error {
	defer db.accountsChanged()
	return db.execOne(ctx, "token", `DELETE FROM tokens WHERE id = ? AND user_id = ?`, id, userID)
}

// DeleteUserTokens deletes the user's tokens of the kind ("api",
// "session", or "" for both) and returns how many.
func (db *DB) DeleteUserTokens(ctx context.Context, userID int64, kind string) (int, error) {
	if kind != "" && kind != "api" && kind != "session" {
		return 0, model.Errorf(model.EINVALID, "unknown token kind %q (api or session)", kind)
	}
	defer db.accountsChanged()
	res, err := db.exec(ctx, `DELETE FROM tokens WHERE user_id = ? AND (? = '' OR kind = ?)`, userID, kind, kind)
	if err != nil {
		return 0, dbError(err, "tokens")
	}
	n, err := res.RowsAffected()
	return int(n), dbError(err, "tokens")
}

// DeleteExpiredTokens deletes the tokens that have expired and returns
// how many.
func (db *DB) DeleteExpiredTokens(ctx context.Context) (int, error) {
	defer db.accountsChanged()
	res, err := db.exec(ctx, `DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at <= ?`, db.timeArg(db.time()))
	if err != nil {
		return 0, dbError(err, "tokens")
	}
	n, err := res.RowsAffected()
	return int(n), dbError(err, "tokens")
}

// Tokens lists the user's tokens, expired ones included, newest first.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	return list(ctx, db, "tokens", scanToken,
		`SELECT `+tokenColumns+` FROM tokens WHERE user_id = ? ORDER BY id DESC`, userID)
}

package store

import (
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

// testAccounts: disabling a user is recorded with its time and undone by
// enabling; a user's tokens and sessions can be deleted all at once, of
// one kind or both, without touching another user's.
func testAccounts(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	f := newFixture(t, db)
	at := c.peek()
	must(t, db.SetUserDisabled(ctx, f.alice.ID, true))
	u, err := db.UserByID(ctx, f.alice.ID)
	must(t, err)
	if u.DisabledAt == nil || !u.DisabledAt.Equal(at) {
		t.Fatalf("disabled at %v, want %v", u.DisabledAt, at)
	}
	u, err = db.UserByEmail(ctx, f.alice.Email)
	must(t, err)
	if u.DisabledAt == nil {
		t.Fatal("UserByEmail does not say the user is disabled")
	}
	ms, err := db.Members(ctx, f.a.ID)
	must(t, err)
	for _, m := range ms {
		if m.Disabled != (m.UserID == f.alice.ID) {
			t.Errorf("member %+v", m)
		}
	}
	must(t, db.SetUserDisabled(ctx, f.alice.ID, false))
	if u, _ = db.UserByID(ctx, f.alice.ID); u.DisabledAt != nil {
		t.Fatalf("enabled, still disabled at %v", u.DisabledAt)
	}
	wantCode(t, db.SetUserDisabled(ctx, f.bob.ID+100, true), model.ENOTFOUND)

	exp := at.Add(time.Hour)
	for i, tok := range []*Token{
		{UserID: f.alice.ID, Kind: "session", Hash: []byte("s1"), ExpiresAt: &exp},
		{UserID: f.alice.ID, Kind: "session", Hash: []byte("s2"), ExpiresAt: &exp},
		{UserID: f.alice.ID, Kind: "api", Hash: []byte("a1")},
		{UserID: f.bob.ID, Kind: "api", Hash: []byte("b1")},
	} {
		if err := db.CreateToken(ctx, tok); err != nil {
			t.Fatalf("token %d: %v", i, err)
		}
	}
	n, err := db.DeleteUserTokens(ctx, f.alice.ID, "session")
	must(t, err)
	if n != 2 {
		t.Errorf("%d sessions deleted, want 2", n)
	}
	n, err = db.DeleteUserTokens(ctx, f.alice.ID, "")
	must(t, err)
	if n != 1 {
		t.Errorf("%d tokens deleted, want 1", n)
	}
	if _, err := db.TokenByHash(ctx, []byte("b1")); err != nil {
		t.Errorf("another user's token went too: %v", err)
	}
	_, err = db.DeleteUserTokens(ctx, f.alice.ID, "cookie")
	wantCode(t, err, model.EINVALID)
}

// testAccountsVersion: every change to what identifies a caller (a
// user's row, the deletion of tokens) made through the handle changes
// AccountsVersion once it is visible to other readers (inside a
// transaction: after the commit, not before); reads, new tokens and
// touches do not.
func testAccountsVersion(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	f := newFixture(t, db)
	tok := func(hash string) *Token {
		t.Helper()
		tk := &Token{UserID: f.alice.ID, Kind: "api", Hash: []byte(hash)}
		must(t, db.CreateToken(ctx, tk))
		return tk
	}
	same := func(what string, fn func()) {
		t.Helper()
		v := db.AccountsVersion()
		fn()
		if got := db.AccountsVersion(); got != v {
			t.Errorf("%s changed the version (%d to %d)", what, v, got)
		}
	}
	changes := func(what string, fn func()) {
		t.Helper()
		v := db.AccountsVersion()
		fn()
		if got := db.AccountsVersion(); got == v {
			t.Errorf("%s did not change the version (%d)", what, v)
		}
	}
	var t1, t2 *Token
	same("creating tokens", func() { t1, t2, _ = tok("v1"), tok("v2"), tok("v3") })
	same("reading", func() {
		_, err := db.TokenByHash(ctx, t1.Hash)
		must(t, err)
		_, err = db.UserByID(ctx, f.alice.ID)
		must(t, err)
	})
	same("touching a token", func() { must(t, db.TouchToken(ctx, t1.ID)) })
	changes("DeleteToken", func() { must(t, db.DeleteToken(ctx, t1.ID)) })
	changes("DeleteUserToken", func() { must(t, db.DeleteUserToken(ctx, f.alice.ID, t2.ID)) })
	changes("DeleteUserTokens", func() {
		_, err := db.DeleteUserTokens(ctx, f.alice.ID, "")
		must(t, err)
	})
	exp := c.peek().Add(time.Minute)
	must(t, db.CreateToken(ctx, &Token{UserID: f.bob.ID, Kind: "session", Hash: []byte("v4"), ExpiresAt: &exp}))
	c.Set(c.Now().Add(time.Hour))
	changes("DeleteExpiredTokens", func() {
		_, err := db.DeleteExpiredTokens(ctx)
		must(t, err)
	})
	changes("UpdateUser", func() {
		u, err := db.UserByID(ctx, f.alice.ID)
		must(t, err)
		u.Language = "fr"
		must(t, db.UpdateUser(ctx, u))
	})
	changes("SetUserDisabled", func() { must(t, db.SetUserDisabled(ctx, f.alice.ID, true)) })

	// In a transaction, the change counts once committed: a reader that
	// read the version during the transaction read the rows before it.
	v := db.AccountsVersion()
	err := db.WithTx(ctx, func(tx *DB) error {
		if err := tx.SetUserDisabled(ctx, f.alice.ID, false); err != nil {
			return err
		}
		if _, err := tx.DeleteUserTokens(ctx, f.alice.ID, ""); err != nil {
			return err
		}
		if got := db.AccountsVersion(); got != v {
			t.Errorf("the version changed before the commit (%d to %d)", v, got)
		}
		return nil
	})
	must(t, err)
	if db.AccountsVersion() == v {
		t.Error("a committed transaction did not change the version")
	}
}

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

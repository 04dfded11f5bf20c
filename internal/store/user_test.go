package store

import (
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

func testUsers(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	at := c.peek()
	u := &User{Email: "Ada@Example.org", Name: "Ada", PasswordHash: "$argon2id$x", Language: "fr"}
	must(t, db.CreateUser(ctx, u))
	if u.ID == 0 || u.CreatedAt != at {
		t.Fatalf("created %+v, want an id and CreatedAt %v", u, at)
	}

	for _, tt := range []struct {
		name  string
		email string
		code  string
	}{
		{"same email", "Ada@Example.org", model.ECONFLICT},
		{"other case", "ada@EXAMPLE.ORG", model.ECONFLICT},
		{"empty", "", model.EINVALID},
		{"blank", "  ", model.EINVALID},
		{"no at", "ada", model.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, db.CreateUser(ctx, &User{Email: tt.email}), tt.code)
		})
	}

	got, err := db.UserByID(ctx, u.ID)
	must(t, err)
	if *got != *u {
		t.Fatalf("UserByID = %+v, want %+v", got, u)
	}
	for _, email := range []string{"Ada@Example.org", "ada@example.org", " ADA@EXAMPLE.ORG "} {
		got, err := db.UserByEmail(ctx, email)
		must(t, err)
		if got.ID != u.ID {
			t.Fatalf("UserByEmail(%q) = %+v", email, got)
		}
	}
	_, err = db.UserByEmail(ctx, "nobody@example.org")
	wantCode(t, err, model.ENOTFOUND)
	_, err = db.UserByID(ctx, u.ID+100)
	wantCode(t, err, model.ENOTFOUND)

	u.Name, u.PasswordHash, u.Language, u.Admin = "Ada L.", "$argon2id$y", "en", true
	u.Email = "changed@example.org" // not stored by UpdateUser
	must(t, db.UpdateUser(ctx, u))
	got, err = db.UserByID(ctx, u.ID)
	must(t, err)
	if got.Name != "Ada L." || got.PasswordHash != "$argon2id$y" || got.Language != "en" || !got.Admin || got.Email != "Ada@Example.org" {
		t.Fatalf("after UpdateUser: %+v", got)
	}
	wantCode(t, db.UpdateUser(ctx, &User{ID: u.ID + 100, Name: "x"}), model.ENOTFOUND)

	users, err := db.Users(ctx, Page{})
	must(t, err)
	if len(users) != 1 || users[0].ID != u.ID {
		t.Fatalf("Users = %+v", users)
	}
}

func testOrgs(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	at := c.peek()
	o := &Org{ID: "campaign-2026", Name: "Campaign 2026", Kind: model.KindCampaign}
	must(t, db.CreateOrg(ctx, o))
	if o.CreatedAt != at {
		t.Fatalf("CreatedAt = %v, want %v", o.CreatedAt, at)
	}
	got, err := db.Org(ctx, o.ID)
	must(t, err)
	if *got != *o {
		t.Fatalf("Org = %+v, want %+v", got, o)
	}
	_, err = db.Org(ctx, "nope")
	wantCode(t, err, model.ENOTFOUND)

	for _, tt := range []struct {
		name string
		org  Org
		code string
	}{
		{"duplicate", Org{ID: "campaign-2026", Name: "Again", Kind: model.KindParty}, model.ECONFLICT},
		{"empty id", Org{ID: "", Name: "X", Kind: model.KindParty}, model.EINVALID},
		{"bad id", Org{ID: "a b", Name: "X", Kind: model.KindParty}, model.EINVALID},
		{"leading dash", Org{ID: "-a", Name: "X", Kind: model.KindParty}, model.EINVALID},
		{"empty name", Org{ID: "x", Name: "", Kind: model.KindParty}, model.EINVALID},
		{"unknown kind", Org{ID: "x", Name: "X", Kind: "club"}, model.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.org
			wantCode(t, db.CreateOrg(ctx, &o), tt.code)
		})
	}
	for _, kind := range model.OrganizationKinds {
		must(t, db.CreateOrg(ctx, &Org{ID: "k-" + kind, Name: kind, Kind: kind}))
	}
	all, err := db.Orgs(ctx, Page{})
	must(t, err)
	if len(all) != 1+len(model.OrganizationKinds) {
		t.Fatalf("Orgs: %d, want %d", len(all), 1+len(model.OrganizationKinds))
	}
	// Paging by offset, in id order.
	var paged []Org
	for p := (Page{Limit: 2}); ; p.After += 2 {
		page, err := db.Orgs(ctx, p)
		must(t, err)
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
	}
	if len(paged) != len(all) {
		t.Fatalf("paged %d orgs, want %d", len(paged), len(all))
	}
	for i := range paged {
		if paged[i] != all[i] || (i > 0 && paged[i-1].ID >= paged[i].ID) {
			t.Fatalf("paged orgs out of order: %v", paged)
		}
	}
}

func testMembers(t *testing.T, open opener) {
	db := open(t, nil)
	f := newFixture(t, db)
	carol := &User{Email: "carol@example.org", Name: "Carol"}
	must(t, db.CreateUser(ctx, carol))

	role, err := db.Role(ctx, f.a.ID, carol.ID)
	must(t, err)
	if role != "" {
		t.Fatalf("role of a non-member = %q", role)
	}
	must(t, db.SetMember(ctx, f.a.ID, carol.ID, RoleViewer))
	must(t, db.SetMember(ctx, f.b.ID, carol.ID, RoleAnalyst))
	must(t, db.SetMember(ctx, f.a.ID, carol.ID, RoleAnalyst)) // an update
	role, err = db.Role(ctx, f.a.ID, carol.ID)
	must(t, err)
	if role != RoleAnalyst {
		t.Fatalf("role = %q, want analyst", role)
	}
	role, err = db.Role(ctx, "no-such-org", carol.ID)
	if err != nil || role != "" {
		t.Fatalf("role in an unknown organisation = %q, %v", role, err)
	}

	for _, tt := range []struct {
		name   string
		org    string
		user   int64
		role   string
		code   string
		remove bool
	}{
		{name: "bad role", org: f.a.ID, user: carol.ID, role: "admin", code: model.EINVALID},
		{name: "empty role", org: f.a.ID, user: carol.ID, role: "", code: model.EINVALID},
		{name: "unknown org", org: "nope", user: carol.ID, role: RoleViewer, code: model.ENOTFOUND},
		{name: "unknown user", org: f.a.ID, user: carol.ID + 100, role: RoleViewer, code: model.ENOTFOUND},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, db.SetMember(ctx, tt.org, tt.user, tt.role), tt.code)
		})
	}

	members, err := db.Members(ctx, f.a.ID)
	must(t, err)
	want := []Member{
		{OrgID: f.a.ID, UserID: f.alice.ID, Email: f.alice.Email, Name: "Alice", Role: RoleOwner, OrgName: f.a.Name, OrgKind: f.a.Kind},
		{OrgID: f.a.ID, UserID: carol.ID, Email: carol.Email, Name: "Carol", Role: RoleAnalyst, OrgName: f.a.Name, OrgKind: f.a.Kind},
	}
	if len(members) != len(want) || members[0] != want[0] || members[1] != want[1] {
		t.Fatalf("Members = %+v, want %+v", members, want)
	}
	orgs, err := db.OrgsOf(ctx, carol.ID)
	must(t, err)
	if len(orgs) != 2 || orgs[0].OrgID != f.b.ID || orgs[0].Role != RoleAnalyst || orgs[0].OrgName != f.b.Name ||
		orgs[1].OrgID != f.a.ID || orgs[1].Role != RoleAnalyst {
		t.Fatalf("OrgsOf = %+v", orgs)
	}

	must(t, db.RemoveMember(ctx, f.a.ID, carol.ID))
	wantCode(t, db.RemoveMember(ctx, f.a.ID, carol.ID), model.ENOTFOUND)
	role, err = db.Role(ctx, f.a.ID, carol.ID)
	if err != nil || role != "" {
		t.Fatalf("role after removal = %q, %v", role, err)
	}
	orgs, err = db.OrgsOf(ctx, carol.ID)
	must(t, err)
	if len(orgs) != 1 || orgs[0].OrgID != f.b.ID {
		t.Fatalf("OrgsOf after removal = %+v", orgs)
	}
	none, err := db.Members(ctx, "nope")
	if err != nil || len(none) != 0 {
		t.Fatalf("Members of an unknown organisation = %v, %v", none, err)
	}
}

func testTokens(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	f := newFixture(t, db)
	start := c.peek()
	exp := start.Add(time.Hour)
	session := &Token{UserID: f.alice.ID, Kind: "session", Hash: []byte("session-hash"), ExpiresAt: &exp}
	api := &Token{UserID: f.alice.ID, Kind: "api", Name: "ci", Hash: []byte("api-hash")}
	must(t, db.CreateToken(ctx, session))
	must(t, db.CreateToken(ctx, api))
	bobs := &Token{UserID: f.bob.ID, Kind: "api", Hash: []byte("bob-hash")}
	must(t, db.CreateToken(ctx, bobs))

	for _, tt := range []struct {
		name string
		tok  Token
		code string
	}{
		{"same hash", Token{UserID: f.bob.ID, Kind: "api", Hash: []byte("api-hash")}, model.ECONFLICT},
		{"no hash", Token{UserID: f.bob.ID, Kind: "api"}, model.EINVALID},
		{"bad kind", Token{UserID: f.bob.ID, Kind: "cookie", Hash: []byte("x")}, model.EINVALID},
		{"unknown user", Token{UserID: f.bob.ID + 100, Kind: "api", Hash: []byte("y")}, model.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tok := tt.tok
			wantCode(t, db.CreateToken(ctx, &tok), tt.code)
		})
	}

	got, err := db.TokenByHash(ctx, []byte("api-hash"))
	must(t, err)
	if got.ID != api.ID || got.Name != "ci" || got.ExpiresAt != nil || got.LastUsed != nil || !got.CreatedAt.Equal(api.CreatedAt) {
		t.Fatalf("TokenByHash = %+v, want %+v", got, api)
	}
	got, err = db.TokenByHash(ctx, []byte("session-hash"))
	must(t, err)
	if got.ExpiresAt == nil || !got.ExpiresAt.Equal(exp) {
		t.Fatalf("ExpiresAt = %v, want %v", got.ExpiresAt, exp)
	}
	_, err = db.TokenByHash(ctx, []byte("unknown"))
	wantCode(t, err, model.ENOTFOUND)

	usedAt := c.peek()
	must(t, db.TouchToken(ctx, api.ID))
	got, err = db.TokenByHash(ctx, []byte("api-hash"))
	must(t, err)
	if got.LastUsed == nil || !got.LastUsed.Equal(usedAt) {
		t.Fatalf("LastUsed = %v, want %v", got.LastUsed, usedAt)
	}
	wantCode(t, db.TouchToken(ctx, api.ID+100), model.ENOTFOUND)

	toks, err := db.Tokens(ctx, f.alice.ID)
	must(t, err)
	if len(toks) != 2 || toks[0].ID != api.ID || toks[1].ID != session.ID {
		t.Fatalf("Tokens = %+v", toks)
	}

	// Expiry: an hour later the session is gone, the API token is not.
	c.Set(exp)
	_, err = db.TokenByHash(ctx, []byte("session-hash"))
	wantCode(t, err, model.ENOTFOUND)
	n, err := db.DeleteExpiredTokens(ctx)
	if err != nil || n != 1 {
		t.Fatalf("DeleteExpiredTokens = %d, %v; want 1", n, err)
	}
	toks, err = db.Tokens(ctx, f.alice.ID)
	must(t, err)
	if len(toks) != 1 || toks[0].ID != api.ID {
		t.Fatalf("Tokens after expiry = %+v", toks)
	}

	wantCode(t, db.DeleteUserToken(ctx, f.alice.ID, bobs.ID), model.ENOTFOUND)
	must(t, db.DeleteUserToken(ctx, f.bob.ID, bobs.ID))
	must(t, db.DeleteToken(ctx, api.ID))
	wantCode(t, db.DeleteToken(ctx, api.ID), model.ENOTFOUND)
	_, err = db.TokenByHash(ctx, []byte("api-hash"))
	wantCode(t, err, model.ENOTFOUND)
}

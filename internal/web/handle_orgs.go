package web

import (
	"context"
	"strconv"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// OrgPath is the path parameter of an organisation.
type OrgPath struct {
	Org string `path:"org" pattern:"^[A-Za-z0-9][A-Za-z0-9._-]*$" maxLength:"100" doc:"Organisation id"`
}

// Users

type createUserInput struct {
	Body struct {
		Email    string `json:"email" minLength:"3" maxLength:"254" example:"alice@example.org"`
		Password string `json:"password" minLength:"8" maxLength:"1024"`
		Name     string `json:"name,omitempty" maxLength:"200"`
		Admin    bool   `json:"admin,omitempty" doc:"Make the user a site administrator"`
	}
}

type userOutput struct {
	Body *store.User
}

func (s *Server) createUser(ctx context.Context, in *createUserInput) (*userOutput, error) {
	if _, err := admin(ctx); err != nil {
		return nil, err
	}
	hash, err := s.passwords.hash(ctx, in.Body.Password)
	if err != nil {
		return nil, err
	}
	u := &store.User{Email: in.Body.Email, Name: in.Body.Name, Admin: in.Body.Admin, PasswordHash: hash}
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return record(ctx, tx, "", "user.create", target("user", u.ID), map[string]any{"email": u.Email, "admin": u.Admin})
	})
	if err != nil {
		return nil, err
	}
	return &userOutput{Body: u}, nil
}

type listInput struct {
	PageParams
}

func (s *Server) listUsers(ctx context.Context, in *listInput) (*listOutput[store.User], error) {
	if _, err := admin(ctx); err != nil {
		return nil, err
	}
	p, err := in.page()
	if err != nil {
		return nil, err
	}
	us, err := s.db.Users(ctx, p)
	if err != nil {
		return nil, err
	}
	return paged(us, p, func(u store.User) int64 { return u.ID }), nil
}

// Organisations

type createOrgInput struct {
	Body struct {
		ID    string `json:"id" pattern:"^[A-Za-z0-9][A-Za-z0-9._-]*$" maxLength:"100" example:"party-a"`
		Name  string `json:"name" minLength:"1" maxLength:"200"`
		Kind  string `json:"kind" enum:"agency,party,campaign,ministry,election-authority,operator,municipality,prefecture,vendor,media"`
		Owner string `json:"owner,omitempty" maxLength:"254" doc:"Email of the first owner (default: the administrator creating it)"`
	}
}

type orgOutput struct {
	Body *store.Org
}

func (s *Server) createOrg(ctx context.Context, in *createOrgInput) (*orgOutput, error) {
	u, err := admin(ctx)
	if err != nil {
		return nil, err
	}
	owner := u
	if in.Body.Owner != "" {
		if owner, err = s.db.UserByEmail(ctx, in.Body.Owner); err != nil {
			return nil, err
		}
	}
	o := &store.Org{ID: in.Body.ID, Name: in.Body.Name, Kind: in.Body.Kind}
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.CreateOrg(ctx, o); err != nil {
			return err
		}
		if err := record(ctx, tx, "", "org.create", "org/"+o.ID, map[string]any{"name": o.Name, "kind": o.Kind}); err != nil {
			return err
		}
		if err := tx.SetMember(ctx, o.ID, owner.ID, store.RoleOwner); err != nil {
			return err
		}
		return record(ctx, tx, o.ID, "member.set", target("user", owner.ID), map[string]any{"email": owner.Email, "role": store.RoleOwner})
	})
	if err != nil {
		return nil, err
	}
	return &orgOutput{Body: o}, nil
}

// listOrgs lists the caller's organisations; every one for the
// administrator (paged by offset).
func (s *Server) listOrgs(ctx context.Context, in *listInput) (*listOutput[orgView], error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	me, err := s.meOf(ctx, u)
	if err != nil {
		return nil, err
	}
	if !u.Admin {
		return &listOutput[orgView]{Body: list[orgView]{Items: me.Orgs}}, nil
	}
	p, err := in.page()
	if err != nil {
		return nil, err
	}
	os, err := s.db.Orgs(ctx, p)
	if err != nil {
		return nil, err
	}
	roles := map[string]string{}
	for _, o := range me.Orgs {
		roles[o.ID] = o.Role
	}
	out := &listOutput[orgView]{Body: list[orgView]{Items: []orgView{}}}
	for _, o := range os {
		out.Body.Items = append(out.Body.Items, orgView{ID: o.ID, Name: o.Name, Kind: o.Kind, Role: roles[o.ID]})
	}
	if len(os) > 0 && len(os) >= min(max(p.Limit, 1), store.MaxLimit) {
		out.Body.NextCursor = strconv.FormatInt(p.After+int64(len(os)), 10)
	}
	return out, nil
}

type orgInput struct {
	OrgPath
}

func (s *Server) getOrg(ctx context.Context, in *orgInput) (*orgOutput, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, true); err != nil {
		return nil, err
	}
	o, err := s.db.Org(ctx, in.Org)
	if err != nil {
		return nil, err
	}
	return &orgOutput{Body: o}, nil
}

// Members

type membersOutput struct {
	Body list[store.Member]
}

func (s *Server) listMembers(ctx context.Context, in *orgInput) (*membersOutput, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, true); err != nil {
		return nil, err
	}
	ms, err := s.db.Members(ctx, in.Org)
	if err != nil {
		return nil, err
	}
	return &membersOutput{Body: list[store.Member]{Items: ms}}, nil
}

// MemberPath are the path parameters of a member.
type MemberPath struct {
	OrgPath
	Email string `path:"email" minLength:"3" maxLength:"254" doc:"The member's email"`
}

type setMemberInput struct {
	MemberPath
	Body struct {
		Role string `json:"role" enum:"viewer,analyst,owner"`
	}
}

type memberOutput struct {
	Body store.Member
}

func (s *Server) setMember(ctx context.Context, in *setMemberInput) (*memberOutput, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleOwner, true); err != nil {
		return nil, err
	}
	u, err := s.db.UserByEmail(ctx, in.Email)
	if err != nil {
		return nil, err
	}
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		if in.Body.Role != store.RoleOwner {
			if err := keepAnOwner(ctx, tx, in.Org, u.ID); err != nil {
				return err
			}
		}
		if err := tx.SetMember(ctx, in.Org, u.ID, in.Body.Role); err != nil {
			return err
		}
		return record(ctx, tx, in.Org, "member.set", target("user", u.ID), map[string]any{"email": u.Email, "role": in.Body.Role})
	})
	if err != nil {
		return nil, err
	}
	return &memberOutput{Body: store.Member{OrgID: in.Org, UserID: u.ID, Email: u.Email, Name: u.Name, Role: in.Body.Role}}, nil
}

type memberInput struct {
	MemberPath
}

func (s *Server) removeMember(ctx context.Context, in *memberInput) (*struct{}, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleOwner, true); err != nil {
		return nil, err
	}
	u, err := s.db.UserByEmail(ctx, in.Email)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil, model.Errorf(model.ENOTFOUND, "member not found")
	}
	if err != nil {
		return nil, err
	}
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := keepAnOwner(ctx, tx, in.Org, u.ID); err != nil {
			return err
		}
		if err := tx.RemoveMember(ctx, in.Org, u.ID); err != nil {
			return err
		}
		return record(ctx, tx, in.Org, "member.remove", target("user", u.ID), map[string]any{"email": u.Email})
	})
	return nil, err
}

// keepAnOwner refuses to take the owner role from the organisation's
// last owner: someone must be able to manage it.
func keepAnOwner(ctx context.Context, tx *store.DB, org string, userID int64) error {
	ms, err := tx.Members(ctx, org)
	if err != nil {
		return err
	}
	owners, email := 0, ""
	for _, m := range ms {
		if m.Role == store.RoleOwner {
			owners++
			if m.UserID == userID {
				email = m.Email
			}
		}
	}
	if email != "" && owners == 1 {
		return model.Errorf(model.ECONFLICT, "%s is the last owner of %s: make someone else owner first", email, org)
	}
	return nil
}

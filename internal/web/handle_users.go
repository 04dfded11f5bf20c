package web

import (
	"context"
	"slices"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// Managing accounts: disable and enable a user, reset their password,
// revoke their tokens and sessions. Who may act on whom (manageable):
//
//   - the site administrator, on every user but themselves;
//   - an owner of an organisation, on a user who is a member of at least
//     one organisation the owner owns and of no organisation the owner
//     does not own (acting on a user who also works for another
//     organisation would act on that organisation's member too: only the
//     administrator may), and who is not the administrator.
//
// Nobody acts on their own account here (PUT /me/password changes one's
// own password; DELETE /auth/token ends one's own token or session). A
// user who shares no organisation with an owner is, for that owner, as
// if they did not exist (404). Each action is recorded in the site's
// audit log and in the log of each organisation of the user.

// UserPath names a user by email.
type UserPath struct {
	Email string `path:"email" minLength:"3" maxLength:"254" doc:"The user's email"`
}

type userInput struct {
	UserPath
}

type resetPasswordInput struct {
	UserPath
	Body struct {
		Password string `json:"password" minLength:"8" maxLength:"1024" doc:"The new password (at least 8 characters, not a common password)"`
	}
}

type revokedOutput struct {
	Body struct {
		Revoked int `json:"revoked" doc:"How many tokens and sessions were revoked"`
	}
}

// manageable returns the user with the email if the caller may act on
// their account, with the organisations the user belongs to.
func (s *Server) manageable(ctx context.Context, email string) (*store.User, []store.Member, error) {
	me, err := caller(ctx)
	if err != nil {
		return nil, nil, err
	}
	notFound := model.Errorf(model.ENOTFOUND, "user not found")
	u, err := s.db.UserByEmail(ctx, email)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil, nil, notFound
	}
	if err != nil {
		return nil, nil, err
	}
	if u.ID == me.ID {
		return nil, nil, model.Errorf(model.ECONFLICT, "this is your own account: change your password with PUT /api/v1/me/password, end your token with DELETE /api/v1/auth/token")
	}
	theirs, err := s.db.OrgsOf(ctx, u.ID)
	if err != nil {
		return nil, nil, err
	}
	if !me.Admin {
		mine, err := s.db.OrgsOf(ctx, me.ID)
		if err != nil {
			return nil, nil, err
		}
		if err := mayManage(me, mine, u, theirs); err != nil {
			return nil, nil, err
		}
	}
	return u, theirs, nil
}

// mayManage applies the rule above for a caller who is not the
// administrator, given both users' memberships.
func mayManage(me *store.User, mine []store.Member, u *store.User, theirs []store.Member) error {
	role := map[string]string{}
	for _, m := range mine {
		role[m.OrgID] = m.Role
	}
	shared := slices.ContainsFunc(theirs, func(m store.Member) bool { return role[m.OrgID] != "" })
	if !shared {
		return model.Errorf(model.ENOTFOUND, "user not found")
	}
	if !slices.ContainsFunc(theirs, func(m store.Member) bool { return role[m.OrgID] == store.RoleOwner }) {
		return model.Errorf(model.EFORBIDDEN, "this needs the owner role in an organisation of %s", u.Email)
	}
	if u.Admin {
		return model.Errorf(model.EFORBIDDEN, "only the site administrator may do this to the site administrator")
	}
	for _, m := range theirs {
		if role[m.OrgID] != store.RoleOwner {
			return model.Errorf(model.EFORBIDDEN, "%s also belongs to an organisation you do not own: ask the site administrator", u.Email)
		}
	}
	return nil
}

// recordUser records an action on u's account in the site's audit log
// and in the log of each of u's organisations.
func recordUser(ctx context.Context, tx *store.DB, u *store.User, orgs []store.Member, action string, details map[string]any) error {
	if details == nil {
		details = map[string]any{}
	}
	details["email"] = u.Email
	if err := record(ctx, tx, "", action, target("user", u.ID), details); err != nil {
		return err
	}
	for _, m := range orgs {
		if err := record(ctx, tx, m.OrgID, action, target("user", u.ID), details); err != nil {
			return err
		}
	}
	return nil
}

// setDisabled disables or enables the user; disabling deletes their
// tokens and sessions in the same transaction, so that they stop working
// at once.
func (s *Server) setDisabled(ctx context.Context, email string, disabled bool) (*store.User, error) {
	u, orgs, err := s.manageable(ctx, email)
	if err != nil {
		return nil, err
	}
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.SetUserDisabled(ctx, u.ID, disabled); err != nil {
			return err
		}
		if !disabled {
			return recordUser(ctx, tx, u, orgs, "user.enable", nil)
		}
		n, err := tx.DeleteUserTokens(ctx, u.ID, "")
		if err != nil {
			return err
		}
		return recordUser(ctx, tx, u, orgs, "user.disable", map[string]any{"revoked": n})
	})
	if err != nil {
		return nil, err
	}
	return s.db.UserByID(ctx, u.ID)
}

func (s *Server) disableUser(ctx context.Context, in *userInput) (*userOutput, error) {
	u, err := s.setDisabled(ctx, in.Email, true)
	if err != nil {
		return nil, err
	}
	return &userOutput{Body: u}, nil
}

func (s *Server) enableUser(ctx context.Context, in *userInput) (*userOutput, error) {
	u, err := s.setDisabled(ctx, in.Email, false)
	if err != nil {
		return nil, err
	}
	return &userOutput{Body: u}, nil
}

// resetPassword sets a new password for the user (checked as every new
// password is) and revokes their tokens and sessions.
func (s *Server) resetPassword(ctx context.Context, in *resetPasswordInput) (*struct{}, error) {
	u, orgs, err := s.manageable(ctx, in.Email)
	if err != nil {
		return nil, err
	}
	hash, err := s.passwords.hash(ctx, in.Body.Password)
	if err != nil {
		return nil, err
	}
	return nil, s.db.WithTx(ctx, func(tx *store.DB) error {
		cur, err := tx.UserByID(ctx, u.ID)
		if err != nil {
			return err
		}
		cur.PasswordHash = hash
		if err := tx.UpdateUser(ctx, cur); err != nil {
			return err
		}
		n, err := tx.DeleteUserTokens(ctx, u.ID, "")
		if err != nil {
			return err
		}
		return recordUser(ctx, tx, u, orgs, "user.password.reset", map[string]any{"revoked": n})
	})
}

// revokeUserTokens revokes every token and session of the user.
func (s *Server) revokeUserTokens(ctx context.Context, in *userInput) (*revokedOutput, error) {
	u, orgs, err := s.manageable(ctx, in.Email)
	if err != nil {
		return nil, err
	}
	out := &revokedOutput{}
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		n, err := tx.DeleteUserTokens(ctx, u.ID, "")
		if err != nil {
			return err
		}
		out.Body.Revoked = n
		return recordUser(ctx, tx, u, orgs, "user.tokens.revoke", map[string]any{"revoked": n})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

type changePasswordInput struct {
	Body struct {
		Current  string `json:"current" minLength:"1" maxLength:"4096" doc:"The current password"`
		Password string `json:"password" minLength:"8" maxLength:"1024" doc:"The new password (at least 8 characters, not a common password)"`
	}
}

// changeMyPassword changes the caller's password, given the current one
// (within the sign-in rate limits), and revokes their other tokens and
// sessions: the one of this request goes on working.
func (s *Server) changeMyPassword(ctx context.Context, in *changePasswordInput) (*struct{}, error) {
	me, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.signIn(ctx, credentials{Email: me.Email, Password: in.Body.Current}); err != nil {
		if model.ErrorCode(err) == model.EUNAUTHORIZED {
			return nil, model.Errorf(model.EFORBIDDEN, "the current password is wrong")
		}
		return nil, err
	}
	hash, err := s.passwords.hash(ctx, in.Body.Password)
	if err != nil {
		return nil, err
	}
	keep := infoFrom(ctx).token
	return nil, s.db.WithTx(ctx, func(tx *store.DB) error {
		cur, err := tx.UserByID(ctx, me.ID)
		if err != nil {
			return err
		}
		cur.PasswordHash = hash
		if err := tx.UpdateUser(ctx, cur); err != nil {
			return err
		}
		ts, err := tx.Tokens(ctx, me.ID)
		if err != nil {
			return err
		}
		n := 0
		for _, t := range ts {
			if keep != nil && t.ID == keep.ID {
				continue
			}
			if err := tx.DeleteToken(ctx, t.ID); err != nil {
				return err
			}
			n++
		}
		return record(ctx, tx, "", "user.password.change", target("user", me.ID), map[string]any{"revoked": n})
	})
}

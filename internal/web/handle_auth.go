package web

import (
	"context"
	"net/http"
	"time"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

type credentials struct {
	Email    string `json:"email" minLength:"1" maxLength:"254" example:"admin@localhost"`
	Password string `json:"password" minLength:"1" maxLength:"4096"`
}

type tokenInput struct {
	Body struct {
		Email     string `json:"email" minLength:"1" maxLength:"254" example:"admin@localhost"`
		Password  string `json:"password" minLength:"1" maxLength:"4096"`
		Name      string `json:"name,omitempty" maxLength:"100" doc:"A label for the token"`
		ExpiresIn int64  `json:"expires_in,omitempty" minimum:"60" maximum:"315576000" doc:"Seconds until the token expires; when omitted, the server's token life (serve --token-ttl, 30 days by default), which is also the most one may ask for"`
	}
}

type tokenOutput struct {
	Body struct {
		Token     string     `json:"token" doc:"Send it as Authorization: Bearer TOKEN. It is shown once: only its hash is stored."`
		ExpiresAt *time.Time `json:"expires_at,omitempty"`
	}
}

type loginInput struct {
	Body credentials
}

type loginOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
	Body      meView
}

type logoutOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
}

type meOutput struct {
	Body meView
}

// meView is the caller and their organisations.
type meView struct {
	User *store.User `json:"user"`
	Orgs []orgView   `json:"orgs" nullable:"false"`
}

// orgView is an organisation and, when the caller is a member, their role.
type orgView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	Role string `json:"role,omitempty"`
}

// signIn checks an email and password, within the sign-in rate limits.
// It answers the same for an unknown email as for a wrong password, and
// takes as long.
func (s *Server) signIn(ctx context.Context, c credentials) (*store.User, error) {
	info := infoFrom(ctx)
	if ok, wait := s.limiter.allow(info.remote, c.Email); !ok {
		return nil, tooManyAttempts(wait)
	}
	u, err := s.db.UserByEmail(ctx, c.Email)
	if err != nil && model.ErrorCode(err) != model.ENOTFOUND {
		return nil, err
	}
	hash := ""
	if u != nil {
		hash = u.PasswordHash
	}
	ok, err := s.passwords.check(ctx, c.Password, hash)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.Errorf(model.EUNAUTHORIZED, "wrong email or password")
	}
	if u.DisabledAt != nil {
		// Said only to whoever knows the password.
		return nil, errDisabled
	}
	info.user = u
	return u, nil
}

// errDisabled is the answer to signing in, or to credentials, of a
// disabled user.
var errDisabled = model.Errorf(model.EUNAUTHORIZED, "this account is disabled: ask an owner of your organisation or the site administrator")

func (s *Server) createToken(ctx context.Context, in *tokenInput) (*tokenOutput, error) {
	u, err := s.signIn(ctx, credentials{Email: in.Body.Email, Password: in.Body.Password})
	if err != nil {
		return nil, err
	}
	life := s.cfg.TokenTTL
	if in.Body.ExpiresIn > 0 {
		life = time.Duration(in.Body.ExpiresIn) * time.Second
	}
	if life > s.cfg.TokenTTL {
		return nil, model.Errorf(model.EINVALID, "expires_in may be at most %d seconds (the server's token life, %s)", int64(s.cfg.TokenTTL/time.Second), s.cfg.TokenTTL)
	}
	secret, hash := newSecret()
	at := s.cfg.Now().Add(life)
	t := &store.Token{UserID: u.ID, Kind: "api", Name: in.Body.Name, Hash: hash, ExpiresAt: &at}
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.CreateToken(ctx, t); err != nil {
			return err
		}
		return record(ctx, tx, "", "token.create", target("token", t.ID), map[string]any{"name": t.Name, "expires_at": t.ExpiresAt})
	})
	if err != nil {
		return nil, err
	}
	out := &tokenOutput{}
	out.Body.Token, out.Body.ExpiresAt = secret, t.ExpiresAt
	return out, nil
}

func (s *Server) revokeToken(ctx context.Context, _ *struct{}) (*struct{}, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	t := infoFrom(ctx).token
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.DeleteUserToken(ctx, u.ID, t.ID); err != nil {
			return err
		}
		return record(ctx, tx, "", "token.revoke", target("token", t.ID), nil)
	})
	return nil, err
}

func (s *Server) login(ctx context.Context, in *loginInput) (*loginOutput, error) {
	u, err := s.signIn(ctx, in.Body)
	if err != nil {
		return nil, err
	}
	cookie, err := s.startSession(ctx, u)
	if err != nil {
		return nil, err
	}
	me, err := s.meOf(ctx, u)
	if err != nil {
		return nil, err
	}
	return &loginOutput{SetCookie: cookie, Body: *me}, nil
}

// startSession creates a session of the user who just signed in, records
// it in the audit log and returns its cookie (for the API and the pages).
func (s *Server) startSession(ctx context.Context, u *store.User) (http.Cookie, error) {
	secret, hash := newSecret()
	exp := s.cfg.Now().Add(s.cfg.SessionTTL)
	t := &store.Token{UserID: u.ID, Kind: "session", Hash: hash, ExpiresAt: &exp}
	err := s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.CreateToken(ctx, t); err != nil {
			return err
		}
		return record(ctx, tx, "", "session.create", target("token", t.ID), nil)
	})
	if err != nil {
		return http.Cookie{}, err
	}
	return newSessionCookie(infoFrom(ctx).secure, secret, s.cfg.SessionTTL), nil
}

// logout ends the session of the cookie, if any, and removes the cookie.
func (s *Server) logout(ctx context.Context, _ *struct{}) (*logoutOutput, error) {
	cookie, err := s.endSession(ctx)
	if err != nil {
		return nil, err
	}
	return &logoutOutput{SetCookie: cookie}, nil
}

// endSession ends the session of the request's cookie, if any, records
// it in the audit log and returns the cookie that removes it.
func (s *Server) endSession(ctx context.Context) (http.Cookie, error) {
	info := infoFrom(ctx)
	if t := info.token; t != nil && t.Kind == "session" {
		err := s.db.WithTx(ctx, func(tx *store.DB) error {
			if err := tx.DeleteUserToken(ctx, t.UserID, t.ID); err != nil {
				return err
			}
			return record(ctx, tx, "", "session.delete", target("token", t.ID), nil)
		})
		if err != nil {
			return http.Cookie{}, err
		}
	}
	return newSessionCookie(info.secure, "", -1), nil
}

func (s *Server) me(ctx context.Context, _ *struct{}) (*meOutput, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	me, err := s.meOf(ctx, u)
	if err != nil {
		return nil, err
	}
	return &meOutput{Body: *me}, nil
}

func (s *Server) meOf(ctx context.Context, u *store.User) (*meView, error) {
	ms, err := s.db.OrgsOf(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	me := &meView{User: u, Orgs: []orgView{}}
	for _, m := range ms {
		me.Orgs = append(me.Orgs, orgView{ID: m.OrgID, Name: m.OrgName, Kind: m.OrgKind, Role: m.Role})
	}
	return me, nil
}

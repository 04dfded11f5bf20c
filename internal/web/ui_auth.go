package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// Signing in and out, and the language, on the pages. They use the same
// logic as the API (signIn with its rate limits, startSession,
// endSession), so a session is a session however it was opened.

// signInPage is the data of the sign-in page.
type signInPage struct {
	Email string
	Next  string
	Error string
}

// home sends a signed-in user to where they land (landing: their
// organisation's dashboard), anyone else to the sign-in page.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	u := infoFrom(r.Context()).user
	if u == nil {
		s.toSignIn(w, r)
		return
	}
	to := "/orgs"
	if me, err := s.meOf(r.Context(), u); err == nil {
		to = landing(r, me.Orgs)
	}
	http.Redirect(w, r, to, http.StatusFound)
}

// nextOf is where signing in goes on to: the page asked for (next, a
// path of this site), or where the user lands (landing) when none was or
// it was no path of this site.
func (s *Server) nextOf(r *http.Request, u *store.User, next string) (string, error) {
	if next != "" && safeNext(next) == next {
		return next, nil
	}
	me, err := s.meOf(r.Context(), u)
	if err != nil {
		return "", err
	}
	return landing(r, me.Orgs), nil
}

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request, v *view) error {
	next := r.URL.Query().Get("next")
	if safeNext(next) != next {
		next = "" // not a path of this site: where the user lands
	}
	if v.User != nil {
		to, err := s.nextOf(r, v.User, next)
		if err != nil {
			return err
		}
		return seeOther(w, r, to)
	}
	v.Title = v.P.T("signin.title")
	v.Page = &signInPage{Next: next}
	return s.render(w, http.StatusOK, "signin", v)
}

// signInSubmit checks the form's email and password (within the sign-in
// rate limits), opens a session and goes on to next.
func (s *Server) signInSubmit(w http.ResponseWriter, r *http.Request, v *view) error {
	form, err := readForm(w, r, maxSmallBody)
	if err != nil {
		return err
	}
	page := &signInPage{Email: form.Get("email"), Next: form.Get("next")}
	if safeNext(page.Next) != page.Next {
		page.Next = ""
	}
	v.Title, v.Page = v.P.T("signin.title"), page
	ctx := r.Context()
	u, err := s.signIn(ctx, credentials{Email: form.Get("email"), Password: form.Get("password")})
	if err != nil {
		var status int
		switch b := errorResponse(ctx, err); b.status {
		case http.StatusUnauthorized:
			status, page.Error = b.status, v.P.T("signin.wrong")
			if errors.Is(err, errDisabled) {
				page.Error = v.P.T("signin.disabled")
			}
		case http.StatusTooManyRequests:
			status, page.Error = b.status, v.P.T("signin.toomany")
			if pe := (*protocolError)(nil); errors.As(err, &pe) {
				w.Header()["Retry-After"] = pe.header["Retry-After"]
			}
		default:
			return err
		}
		return s.render(w, status, "signin", v)
	}
	cookie, err := s.startSession(ctx, u)
	if err != nil {
		return err
	}
	http.SetCookie(w, &cookie)
	to, err := s.nextOf(r, u, page.Next)
	if err != nil {
		return err
	}
	return seeOther(w, r, to)
}

func (s *Server) signOutForm(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Title = v.P.T("signout.title")
	return s.render(w, http.StatusOK, "signout", v)
}

// signOutSubmit ends the session and removes its cookie.
func (s *Server) signOutSubmit(w http.ResponseWriter, r *http.Request, v *view) error {
	cookie, err := s.endSession(r.Context())
	if err != nil {
		return err
	}
	http.SetCookie(w, &cookie)
	return seeOther(w, r, "/signin")
}

// setLanguage stores the language chosen: as the user's preference when
// signed in, and in a cookie for the visitor (which also serves after
// signing out).
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request, v *view) error {
	form, err := readForm(w, r, maxSmallBody)
	if err != nil {
		return err
	}
	lang, ok := i18n.Parse(form.Get("lang"))
	if !ok {
		return model.Errorf(model.EINVALID, "unknown language %q", form.Get("lang"))
	}
	ctx := r.Context()
	if u := v.User; u != nil && u.Language != string(lang) {
		err := s.db.WithTx(ctx, func(tx *store.DB) error {
			cur, err := tx.UserByID(ctx, u.ID)
			if err != nil {
				return err
			}
			cur.Language = string(lang)
			if err := tx.UpdateUser(ctx, cur); err != nil {
				return err
			}
			return record(ctx, tx, "", "user.language", target("user", u.ID), map[string]any{"language": lang})
		})
		if err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(lang), Path: "/", MaxAge: int(365 * 24 * time.Hour / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: infoFrom(ctx).secure})
	return seeOther(w, r, safeNext(form.Get("next")))
}

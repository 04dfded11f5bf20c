package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/store"
)

// The account actions of the members and administration pages: disable,
// enable, reset the password of, and sign out everywhere (revoke the
// tokens and sessions of) a user. They call the API's functions, so the
// rule of who may act on whom (handle_users.go), the transactions and
// the audit log are the same; the pages show the actions only where the
// rule allows them.

// accountActions are the values of the forms' "do" field.
var accountActions = []string{"disable", "enable", "revoke", "password"}

// accountsRoutes registers the forms of this file.
func (s *Server) accountsRoutes() {
	s.mux.Handle("POST /orgs/{org}/accounts", s.orgPage(store.RoleOwner, true, s.memberAccountForm))
	s.mux.Handle("POST /admin/accounts", s.page(s.adminAccountForm))
}

// manageableMembers says which members of the page the caller may act on.
func (s *Server) manageableMembers(r *http.Request, v *view, ms []store.Member) (map[int64]bool, error) {
	ctx, me := r.Context(), v.User
	out := map[int64]bool{}
	var mine []store.Member
	if !me.Admin {
		var err error
		if mine, err = s.db.OrgsOf(ctx, me.ID); err != nil {
			return nil, err
		}
		owner := false
		for _, m := range mine {
			owner = owner || m.OrgID == v.Org.ID && m.Role == store.RoleOwner
		}
		if !owner {
			return out, nil
		}
	}
	for _, m := range ms {
		if m.UserID == me.ID {
			continue
		}
		if me.Admin {
			out[m.UserID] = true
			continue
		}
		u, err := s.db.UserByID(ctx, m.UserID)
		if err != nil {
			return nil, err
		}
		theirs, err := s.db.OrgsOf(ctx, m.UserID)
		if err != nil {
			return nil, err
		}
		out[m.UserID] = mayManage(me, mine, u, theirs) == nil
	}
	return out, nil
}

// accountAction carries out the form's action and returns the flash's
// key, or a message to show with the form (in the page's language), or
// an error for the error page.
func (s *Server) accountAction(w http.ResponseWriter, r *http.Request, v *view) (done, email, msg string, err error) {
	form, err := readForm(w, r, maxAdminForm)
	if err != nil {
		return "", "", "", err
	}
	email, do := strings.TrimSpace(form.Get("email")), form.Get("do")
	ctx := r.Context()
	in := &userInput{UserPath{Email: email}}
	switch do {
	case "disable", "enable":
		_, err = s.setDisabled(ctx, email, do == "disable")
	case "revoke":
		_, err = s.revokeUserTokens(ctx, in)
	case "password":
		pw := form.Get("password")
		if n := len([]rune(pw)); n < minPassword || n > maxPassword {
			return "", email, v.P.T("admin.badpassword"), nil
		}
		rin := &resetPasswordInput{UserPath: in.UserPath}
		rin.Body.Password = pw
		_, err = s.resetPassword(ctx, rin)
	default:
		return "", email, v.P.T("account.badaction"), nil
	}
	if err != nil {
		if m := formMessage(v, err, "account.nouser"); m != "" {
			return "", email, m, nil
		}
		return "", email, "", err
	}
	return do, email, "", nil
}

func (s *Server) memberAccountForm(w http.ResponseWriter, r *http.Request, v *view) error {
	done, email, msg, err := s.accountAction(w, r, v)
	if err != nil {
		return err
	}
	if msg != "" {
		return s.membersFailed(w, r, v, func(*membersPage) {}, msg)
	}
	return seeOther(w, r, orgURL(v.Org.ID, "/members?done=account-%s&who=%s", done, url.QueryEscape(email)))
}

func (s *Server) adminAccountForm(w http.ResponseWriter, r *http.Request, v *view) error {
	if _, err := admin(r.Context()); err != nil {
		return err
	}
	done, email, msg, err := s.accountAction(w, r, v)
	if err != nil {
		return err
	}
	if msg != "" {
		return s.adminFailed(w, r, v, func(p *adminPage) { p.AccountError = msg })
	}
	return seeOther(w, r, "/admin?done=account-"+done+"&who="+url.QueryEscape(email))
}

// accountFlash is the flash of an account action done, or "".
func accountFlash(p *i18n.Printer, done, who string) string {
	for _, a := range accountActions {
		if done == "account-"+a {
			return p.T("account.done."+a, who)
		}
	}
	return ""
}

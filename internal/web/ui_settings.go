package web

import (
	"context"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// The pages that manage people: an organisation's members and the
// agencies it shares with (owners change them, members read them), and
// the site administration (accounts and organisations). The forms call
// the same functions as the API, so the checks, the transactions and the
// audit log are the same; what the API's schema checks (patterns, enums,
// lengths), the forms check here, with messages in the reader's language.

// settingsRoutes registers the pages of this file.
func (s *Server) settingsRoutes() {
	s.mux.Handle("GET /orgs/{org}/members", s.orgPage(store.RoleViewer, true, s.membersPage))
	s.mux.Handle("POST /orgs/{org}/members", s.orgPage(store.RoleOwner, true, s.setMemberForm))
	s.mux.Handle("POST /orgs/{org}/members/remove", s.orgPage(store.RoleOwner, true, s.removeMemberForm))
	s.mux.Handle("POST /orgs/{org}/shares", s.orgPage(store.RoleOwner, false, s.shareForm))
	s.mux.Handle("POST /orgs/{org}/shares/remove", s.orgPage(store.RoleOwner, false, s.unshareForm))
	s.nationalRoutes()
	s.mux.Handle("GET /admin", s.page(s.adminPage))
	s.mux.Handle("POST /admin/users", s.page(s.createUserForm))
	s.mux.Handle("POST /admin/orgs", s.page(s.createOrgForm))
	s.accountsRoutes()
}

// maxAdminForm bounds the forms of this file.
const maxAdminForm = 16 << 10

// membersPage is the data of the members and sharing page.
type membersPage struct {
	Members  []store.Member
	Shares   []store.Share
	Agencies []store.Org // agencies one may share with (not yet shared)
	// Models are the organisation's models, by id, for the national runs
	// it takes part in with one of them.
	Models     []store.Model
	ModelNames map[int64]string
	CanEdit    bool
	CanShare   bool
	// Manage holds the members whose account the reader may act on
	// (disable, reset the password of, sign out everywhere).
	Manage map[int64]bool
	Me     int64
	Roles  []string
	// The forms, filled in again after an error.
	Email, Role, Agency string
	Error               string
}

func (s *Server) loadMembersPage(r *http.Request, v *view) (*membersPage, error) {
	ctx, org := r.Context(), v.Org.ID
	ms, err := s.db.Members(ctx, org)
	if err != nil {
		return nil, err
	}
	shares, err := s.db.Shares(ctx, org)
	if err != nil {
		return nil, err
	}
	page := &membersPage{Members: ms, Shares: shares, Me: v.User.ID, Role: store.RoleViewer,
		Roles:   []string{store.RoleViewer, store.RoleAnalyst, store.RoleOwner},
		CanEdit: v.Can(store.RoleOwner) || v.User.Admin, CanShare: v.Can(store.RoleOwner)}
	if page.Manage, err = s.manageableMembers(r, v, ms); err != nil {
		return nil, err
	}
	if page.Models, err = s.db.Models(ctx, org, store.Page{Limit: 1000}); err != nil {
		return nil, err
	}
	page.ModelNames = map[int64]string{}
	for _, m := range page.Models {
		page.ModelNames[m.ID] = m.Name
	}
	if page.CanShare {
		orgs, err := s.db.Orgs(ctx, store.Page{Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			shared := slices.ContainsFunc(shares, func(sh store.Share) bool { return sh.AgencyID == o.ID })
			if o.Kind == model.KindAgency && o.ID != org && !shared {
				page.Agencies = append(page.Agencies, o)
			}
		}
	}
	return page, nil
}

func (s *Server) membersPage(w http.ResponseWriter, r *http.Request, v *view) error {
	page, err := s.loadMembersPage(r, v)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	switch done, who := q.Get("done"), q.Get("who"); done {
	case "set":
		v.Flash = v.P.T("members.done.set", who, v.P.T("role."+q.Get("role")))
	case "remove":
		v.Flash = v.P.T("members.done.remove", who)
	case "share":
		v.Flash = v.P.T("shares.done.share", who)
	case "unshare":
		v.Flash = v.P.T("shares.done.unshare", who)
	case "joint":
		v.Flash = v.P.T("joint.done.joint", who)
	case "unjoint":
		v.Flash = v.P.T("joint.done.unjoint", who)
	default:
		v.Flash = accountFlash(v.P, done, who)
	}
	v.Title, v.Nav, v.Page = v.P.T("members.title"), "members", page
	return s.render(w, http.StatusOK, "members", v)
}

// membersFailed shows the page again with the form as sent and what went
// wrong; errors that are not about the form go to the error page.
func (s *Server) membersFailed(w http.ResponseWriter, r *http.Request, v *view, fill func(*membersPage), msg string) error {
	page, err := s.loadMembersPage(r, v)
	if err != nil {
		return err
	}
	fill(page)
	page.Error = msg
	v.Title, v.Nav, v.Page = v.P.T("members.title"), "members", page
	return s.render(w, http.StatusUnprocessableEntity, "members", v)
}

// formMessage is the message of an error the user can correct, in the
// reader's language when it has a key, or "" when the error is not about
// the form.
func formMessage(v *view, err error, notFound string) string {
	switch model.ErrorCode(err) {
	case model.ENOTFOUND:
		return v.P.T(notFound)
	case model.EINVALID, model.ECONFLICT:
		return errorMessage(v.P, err, "")
	}
	return ""
}

func (s *Server) setMemberForm(w http.ResponseWriter, r *http.Request, v *view) error {
	form, err := readForm(w, r, maxAdminForm)
	if err != nil {
		return err
	}
	email, role := strings.TrimSpace(form.Get("email")), form.Get("role")
	fill := func(p *membersPage) { p.Email, p.Role = email, role }
	if !validEmail(email) || len(email) > 254 {
		return s.membersFailed(w, r, v, fill, v.P.T("members.bademail"))
	}
	if _, ok := roleRank[role]; !ok {
		return s.membersFailed(w, r, v, fill, v.P.T("members.badrole"))
	}
	in := &setMemberInput{MemberPath: MemberPath{OrgPath: OrgPath{Org: v.Org.ID}, Email: email}}
	in.Body.Role = role
	if _, err := s.setMember(r.Context(), in); err != nil {
		if msg := formMessage(v, err, "members.bademail"); msg != "" {
			return s.membersFailed(w, r, v, fill, msg)
		}
		return err
	}
	return seeOther(w, r, orgURL(v.Org.ID, "/members?done=set&who=%s&role=%s", url.QueryEscape(email), role))
}

func (s *Server) removeMemberForm(w http.ResponseWriter, r *http.Request, v *view) error {
	form, err := readForm(w, r, maxAdminForm)
	if err != nil {
		return err
	}
	email := strings.TrimSpace(form.Get("email"))
	in := &memberInput{MemberPath: MemberPath{OrgPath: OrgPath{Org: v.Org.ID}, Email: email}}
	if _, err := s.removeMember(r.Context(), in); err != nil {
		if msg := formMessage(v, err, "members.bademail"); msg != "" {
			return s.membersFailed(w, r, v, func(*membersPage) {}, msg)
		}
		return err
	}
	if v.User.Email == email && !v.User.Admin {
		return seeOther(w, r, "/orgs") // no longer a member: the page is gone
	}
	return seeOther(w, r, orgURL(v.Org.ID, "/members?done=remove&who=%s", url.QueryEscape(email)))
}

func (s *Server) shareForm(w http.ResponseWriter, r *http.Request, v *view) error {
	form, err := readForm(w, r, maxAdminForm)
	if err != nil {
		return err
	}
	agency := strings.TrimSpace(form.Get("agency"))
	fill := func(p *membersPage) { p.Agency = agency }
	if !model.IDPattern.MatchString(agency) || len(agency) > 100 {
		return s.membersFailed(w, r, v, fill, v.P.T("shares.badagency"))
	}
	in := &shareInput{OrgPath: OrgPath{Org: v.Org.ID}, Agency: agency}
	if _, err := s.share(r.Context(), in); err != nil {
		if msg := formMessage(v, err, "shares.badagency"); msg != "" {
			return s.membersFailed(w, r, v, fill, msg)
		}
		return err
	}
	return seeOther(w, r, orgURL(v.Org.ID, "/members?done=share&who=%s", url.QueryEscape(agency)))
}

func (s *Server) unshareForm(w http.ResponseWriter, r *http.Request, v *view) error {
	form, err := readForm(w, r, maxAdminForm)
	if err != nil {
		return err
	}
	agency := strings.TrimSpace(form.Get("agency"))
	in := &shareInput{OrgPath: OrgPath{Org: v.Org.ID}, Agency: agency}
	if _, err := s.unshare(r.Context(), in); err != nil {
		if msg := formMessage(v, err, "shares.badagency"); msg != "" {
			return s.membersFailed(w, r, v, func(*membersPage) {}, msg)
		}
		return err
	}
	return seeOther(w, r, orgURL(v.Org.ID, "/members?done=unshare&who=%s", url.QueryEscape(agency)))
}

// adminPage is the data of the site administration page.
type adminPage struct {
	Users []store.User
	Orgs  []store.Org
	Kinds []string
	// The forms, filled in again after an error.
	UserEmail, UserName     string
	UserAdmin               bool
	OrgID, OrgName, OrgKind string
	OrgOwner                string
	UserError, OrgError     string
	AccountError            string
	MoreUsers, MoreOrgs     bool
	Me                      int64
}

// adminListed is how many accounts and organisations the page lists.
const adminListed = 500

func (s *Server) loadAdminPage(ctx context.Context) (*adminPage, error) {
	us, err := s.db.Users(ctx, store.Page{Limit: adminListed + 1})
	if err != nil {
		return nil, err
	}
	orgs, err := s.db.Orgs(ctx, store.Page{Limit: adminListed + 1})
	if err != nil {
		return nil, err
	}
	p := &adminPage{Users: us, Orgs: orgs, Kinds: model.OrganizationKinds, OrgKind: model.KindParty}
	if len(p.Users) > adminListed {
		p.Users, p.MoreUsers = p.Users[:adminListed], true
	}
	if len(p.Orgs) > adminListed {
		p.Orgs, p.MoreOrgs = p.Orgs[:adminListed], true
	}
	return p, nil
}

func (s *Server) adminPage(w http.ResponseWriter, r *http.Request, v *view) error {
	if _, err := admin(r.Context()); err != nil {
		return err
	}
	page, err := s.loadAdminPage(r.Context())
	if err != nil {
		return err
	}
	switch q := r.URL.Query(); q.Get("done") {
	case "user":
		v.Flash = v.P.T("admin.done.user", q.Get("who"))
	case "org":
		v.Flash = v.P.T("admin.done.org", q.Get("who"))
	default:
		v.Flash = accountFlash(v.P, q.Get("done"), q.Get("who"))
	}
	page.Me = v.User.ID
	v.Title, v.Page = v.P.T("admin.title"), page
	return s.render(w, http.StatusOK, "admin", v)
}

func (s *Server) adminFailed(w http.ResponseWriter, r *http.Request, v *view, fill func(*adminPage)) error {
	page, err := s.loadAdminPage(r.Context())
	if err != nil {
		return err
	}
	fill(page)
	page.Me = v.User.ID
	v.Title, v.Page = v.P.T("admin.title"), page
	return s.render(w, http.StatusUnprocessableEntity, "admin", v)
}

func (s *Server) createUserForm(w http.ResponseWriter, r *http.Request, v *view) error {
	if _, err := admin(r.Context()); err != nil {
		return err
	}
	form, err := readForm(w, r, maxAdminForm)
	if err != nil {
		return err
	}
	in := &createUserInput{}
	in.Body.Email, in.Body.Name = strings.TrimSpace(form.Get("email")), strings.TrimSpace(form.Get("name"))
	in.Body.Password, in.Body.Admin = form.Get("password"), form.Get("admin") == "on"
	fail := func(msg string) error {
		return s.adminFailed(w, r, v, func(p *adminPage) {
			p.UserEmail, p.UserName, p.UserAdmin, p.UserError = in.Body.Email, in.Body.Name, in.Body.Admin, msg
		})
	}
	switch {
	case len(in.Body.Email) > 254 || !validEmail(in.Body.Email):
		return fail(v.P.T("members.bademail"))
	case len(in.Body.Password) < 8 || len(in.Body.Password) > 1024:
		return fail(v.P.T("admin.badpassword"))
	case len(in.Body.Name) > 200:
		return fail(v.P.T("admin.badname"))
	}
	if _, err := s.createUser(r.Context(), in); err != nil {
		if msg := formMessage(v, err, "members.bademail"); msg != "" {
			return fail(msg)
		}
		return err
	}
	return seeOther(w, r, "/admin?done=user&who="+url.QueryEscape(in.Body.Email))
}

func (s *Server) createOrgForm(w http.ResponseWriter, r *http.Request, v *view) error {
	if _, err := admin(r.Context()); err != nil {
		return err
	}
	form, err := readForm(w, r, maxAdminForm)
	if err != nil {
		return err
	}
	in := &createOrgInput{}
	in.Body.ID, in.Body.Name = strings.TrimSpace(form.Get("id")), strings.TrimSpace(form.Get("name"))
	in.Body.Kind, in.Body.Owner = form.Get("kind"), strings.TrimSpace(form.Get("owner"))
	fail := func(msg string) error {
		return s.adminFailed(w, r, v, func(p *adminPage) {
			p.OrgID, p.OrgName, p.OrgKind, p.OrgOwner, p.OrgError = in.Body.ID, in.Body.Name, in.Body.Kind, in.Body.Owner, msg
		})
	}
	switch {
	case !model.IDPattern.MatchString(in.Body.ID) || len(in.Body.ID) > 100:
		return fail(v.P.T("admin.badid"))
	case in.Body.Name == "" || len(in.Body.Name) > 200:
		return fail(v.P.T("admin.badname"))
	case !slices.Contains(model.OrganizationKinds, in.Body.Kind):
		return fail(v.P.T("admin.badkind"))
	case in.Body.Owner != "" && (len(in.Body.Owner) > 254 || !validEmail(in.Body.Owner)):
		return fail(v.P.T("members.bademail"))
	}
	if _, err := s.createOrg(r.Context(), in); err != nil {
		if msg := formMessage(v, err, "members.bademail"); msg != "" {
			return fail(msg)
		}
		return err
	}
	return seeOther(w, r, "/admin?done=org&who="+url.QueryEscape(in.Body.ID))
}

// validEmail accepts a bare address (no display name).
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/national"
	"github.com/scrutin/scrutin/internal/store"
)

// The pages of joint national risk: an organisation's owners opt in to an
// agency's national runs with a model (on the members and sharing page),
// and the agency's national view shows its latest national run and lets
// its analysts start one. The forms call the API's functions.

func (s *Server) nationalRoutes() {
	s.mux.Handle("POST /orgs/{org}/shares/joint", s.orgPage(store.RoleOwner, false, s.jointForm))
	s.mux.Handle("POST /orgs/{org}/shares/unjoint", s.orgPage(store.RoleOwner, false, s.unjointForm))
	s.mux.Handle("POST /orgs/{org}/national-runs", s.orgPage(store.RoleAnalyst, false, s.nationalRunForm))
}

func (s *Server) jointForm(w http.ResponseWriter, r *http.Request, v *view) error {
	form, err := readForm(w, r, maxAdminForm)
	if err != nil {
		return err
	}
	agency := strings.TrimSpace(form.Get("agency"))
	id, err := strconv.ParseInt(form.Get("model"), 10, 64)
	if err != nil || id < 1 || !model.IDPattern.MatchString(agency) {
		return s.membersFailed(w, r, v, func(*membersPage) {}, v.P.T("joint.badmodel"))
	}
	in := &shareInput{OrgPath: OrgPath{Org: v.Org.ID}, Agency: agency}
	if _, err := s.changeJoint(r.Context(), in, &id); err != nil {
		if msg := formMessage(v, err, "joint.badmodel"); msg != "" {
			return s.membersFailed(w, r, v, func(*membersPage) {}, msg)
		}
		return err
	}
	return seeOther(w, r, orgURL(v.Org.ID, "/members?done=joint&who=%s", url.QueryEscape(agency)))
}

func (s *Server) unjointForm(w http.ResponseWriter, r *http.Request, v *view) error {
	form, err := readForm(w, r, maxAdminForm)
	if err != nil {
		return err
	}
	agency := strings.TrimSpace(form.Get("agency"))
	in := &shareInput{OrgPath: OrgPath{Org: v.Org.ID}, Agency: agency}
	if _, err := s.changeJoint(r.Context(), in, nil); err != nil {
		if msg := formMessage(v, err, "shares.badagency"); msg != "" {
			return s.membersFailed(w, r, v, func(*membersPage) {}, msg)
		}
		return err
	}
	return seeOther(w, r, orgURL(v.Org.ID, "/members?done=unjoint&who=%s", url.QueryEscape(agency)))
}

// nationalRunForm queues a national run with the default trials and seed.
func (s *Server) nationalRunForm(w http.ResponseWriter, r *http.Request, v *view) error {
	if _, err := readForm(w, r, maxAdminForm); err != nil {
		return err
	}
	if _, err := s.queueNationalRun(r.Context(), v.Org.ID, nationalRunRequest{}); err != nil {
		if model.ErrorCode(err) == model.EINVALID {
			return seeOther(w, r, orgURL(v.Org.ID, "/national?done=nomember"))
		}
		return err
	}
	return seeOther(w, r, orgURL(v.Org.ID, "/national?done=queued"))
}

// jointPanel is what the national view shows of national runs: the
// latest one (any status) and the latest succeeded one's figures.
type jointPanel struct {
	Latest   *store.NationalRun
	Result   *national.Result
	Members  []store.NationalMember
	CanStart bool
}

// loadJointPanel reads the agency's national runs for its national view.
func (s *Server) loadJointPanel(r *http.Request, v *view) (*jointPanel, error) {
	ctx := r.Context()
	p := &jointPanel{CanStart: v.Can(store.RoleAnalyst)}
	runs, err := s.db.NationalRuns(ctx, v.Org.ID, store.Page{Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(runs) > 0 {
		p.Latest = &runs[0]
	}
	done, err := s.db.LatestNationalRun(ctx, v.Org.ID)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	var res national.Result
	if err := json.Unmarshal(done.Result, &res); err != nil {
		return nil, err
	}
	p.Result, p.Members = &res, done.Members
	return p, nil
}

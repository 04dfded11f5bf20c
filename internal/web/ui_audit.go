package web

import (
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scrutin/scrutin/internal/store"
)

// The audit log page: each entry as a sentence in the reader's language
// ("Alice ran the model Election as run #12 (100,000 years, seed 1)"),
// with the names of the users, models, runs and plans it is about as they
// are now (or as recorded, or their id, when they are gone), filtered by
// user, action and dates with a form that works without JavaScript, a
// page at a time.

// auditActions are the actions the server records (record and recordUser
// calls; a test checks the list against the code), in the order of the
// filter's choices. Each has a label ("action.X") and a sentence
// ("audit.say.X").
var auditActions = []string{
	"model.create", "model.save", "model.delete",
	"run.create", "run.cancel", "plan.create", "plan.cancel",
	"evidence.upload", "evidence.delete",
	"member.set", "member.remove", "share.create", "share.delete", "share.joint", "share.unjoint",
	"national-run.create", "national-run.cancel",
	"user.enable", "user.disable", "user.password.reset", "user.tokens.revoke",
	"org.create", "site.bootstrap", "user.create", "user.language", "user.password.change",
	"session.create", "session.delete", "token.create", "token.revoke",
}

// auditActionPattern bounds the action of a filter: an action recorded
// by an older or newer server may not be in auditActions.
var auditActionPattern = regexp.MustCompile(`^[a-z][a-z0-9._-]{0,63}$`)

// auditQuery is the audit log's filter, as the form and the API send it.
type auditQuery struct {
	User, Action, From, To string
}

// maxAuditParam bounds each parameter before it is parsed.
const maxAuditParam = 64

// auditProblem is what is wrong with one field of a filter: a catalogue
// key and its arguments (so that the page and the API each say it in
// their language).
type auditProblem struct {
	Field string
	Key   string
	Args  []any
}

// filter parses q: the user id (positive), the action, and the days From
// and To (YYYY-MM-DD, UTC; To included). Every problem is listed.
func (q auditQuery) filter() (store.AuditFilter, []auditProblem) {
	var f store.AuditFilter
	var bad []auditProblem
	clip := func(s string) string {
		if len(s) > maxAuditParam {
			return s[:maxAuditParam] + "…"
		}
		return s
	}
	if q.User != "" {
		id, err := strconv.ParseInt(q.User, 10, 64)
		if err != nil || id < 1 || len(q.User) > maxAuditParam {
			bad = append(bad, auditProblem{"user", "audit.bad.user", []any{strconv.Quote(clip(q.User))}})
		}
		f.UserID = id
	}
	if q.Action != "" {
		if !auditActionPattern.MatchString(q.Action) {
			bad = append(bad, auditProblem{"action", "audit.bad.action", []any{strconv.Quote(clip(q.Action))}})
		}
		f.Action = q.Action
	}
	day := func(field, label, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil || len(s) != len(time.DateOnly) || t.Year() < 1970 {
			bad = append(bad, auditProblem{field, "audit.bad.date", []any{label, strconv.Quote(clip(s))}})
			return time.Time{}
		}
		return t
	}
	f.From = day("from", "audit.filter.from", q.From)
	to := day("to", "audit.filter.to", q.To)
	if !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
	}
	if !f.From.IsZero() && !to.IsZero() && to.Before(f.From) {
		bad = append(bad, auditProblem{"to", "audit.bad.range", []any{q.From, q.To}})
	}
	return f, bad
}

// values is q as a query string's values, without the empty ones.
func (q auditQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"user": q.User, "action": q.Action, "from": q.From, "to": q.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

type auditPage struct {
	Query    auditQuery
	Problems map[string]string // by field
	Users    []auditUserChoice
	Actions  []auditActionChoice
	Rows     []auditRow
	Filtered bool
	Next     string // the URL of the next page, "" on the last
	Newest   string // the URL of the first page, "" on it
}

type auditUserChoice struct {
	ID       int64
	Label    string
	Selected bool
}

type auditActionChoice struct {
	Action, Label string
	Selected      bool
}

// auditRow is an entry as the page shows it.
type auditRow struct {
	ID       int64
	At       time.Time
	Sentence template.HTML
	Details  []auditDetail // an unknown action's details
	Remote   string
}

type auditDetail struct{ Key, Value string }

// auditPageOf shows the organisation's audit log, newest first, a page at
// a time (owners and the site administrator), filtered as the query says.
func (s *Server) auditPageOf(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, org := r.Context(), v.Org.ID
	rq := r.URL.Query()
	get := func(k string) string { return strings.TrimSpace(rq.Get(k)) }
	q := auditQuery{User: get("user"), Action: get("action"), From: get("from"), To: get("to")}
	page := &auditPage{Query: q, Problems: map[string]string{}}
	v.Title, v.Nav, v.Page = v.P.T("audit.title"), "audit", page

	// The choices of the form; a user past the first MaxAuditUsers is
	// filtered on all the same.
	users, err := s.db.AuditUsers(ctx, org)
	if err != nil {
		return err
	}
	f, bad := q.filter()
	known := f.UserID == 0
	for _, u := range users {
		label := u.Email
		switch {
		case u.EmailNow == "":
			label = v.P.T("audit.filter.gone", strconv.FormatInt(u.ID, 10)) + " · " + u.Email
		case u.Name != "":
			label = u.Name + " (" + u.EmailNow + ")"
		default:
			label = u.EmailNow
		}
		page.Users = append(page.Users, auditUserChoice{u.ID, label, u.ID == f.UserID})
		known = known || u.ID == f.UserID
	}
	if !known && len(bad) == 0 && len(users) < store.MaxAuditUsers {
		bad = append(bad, auditProblem{"user", "audit.bad.user", []any{strconv.Quote(q.User)}})
	}
	for _, a := range auditActions {
		page.Actions = append(page.Actions, auditActionChoice{a, v.ActionName(a), a == f.Action})
	}
	if f.Action != "" && len(bad) == 0 && !slices.Contains(auditActions, f.Action) {
		// An action of another version of the server: offered so that the
		// form shows what is filtered.
		page.Actions = append(page.Actions, auditActionChoice{f.Action, f.Action, true})
	}
	page.Filtered = q != auditQuery{}

	cursor := rq.Get("cursor")
	p, perr := PageParams{Limit: listPage, Cursor: cursor}.page()
	if perr != nil || len(cursor) > maxAuditParam {
		bad = append(bad, auditProblem{"cursor", "audit.bad.cursor", []any{strconv.Quote(clipText(cursor, maxAuditParam))}})
	}
	if len(bad) > 0 {
		for _, b := range bad {
			args := b.Args
			if b.Key == "audit.bad.date" {
				args = []any{v.P.T(args[0].(string)), args[1]}
			}
			page.Problems[b.Field] = v.P.T(b.Key, args...)
		}
		return s.render(w, http.StatusBadRequest, "audit", v)
	}

	es, err := s.db.AuditSearch(ctx, org, f, p)
	if err != nil {
		return err
	}
	page.Rows, err = s.auditRows(r, v, es)
	if err != nil {
		return err
	}
	base := q.values()
	if next := paged(es, p, func(e store.AuditEntry) int64 { return e.ID }).Body.NextCursor; next != "" {
		nv := q.values()
		nv.Set("cursor", next)
		page.Next = "?" + nv.Encode()
	}
	if cursor != "" {
		page.Newest = "?" + base.Encode()
	}
	return s.render(w, http.StatusOK, "audit", v)
}

// clipText is s cut to at most n bytes, on a rune boundary.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// auditRows turns entries into sentences, with the names of what they
// are about read once for the page.
func (s *Server) auditRows(r *http.Request, v *view, es []store.AuditEntry) ([]auditRow, error) {
	says := make([]*auditSay, len(es))
	var refs []store.Ref
	for i, e := range es {
		a := newAuditSay(v.P, v.Org.ID, e)
		says[i] = a
		refs = append(refs, a.refs()...)
	}
	names, err := s.db.Names(r.Context(), v.Org.ID, refs)
	if err != nil {
		return nil, err
	}
	rows := make([]auditRow, len(es))
	for i, a := range says {
		a.names = names
		rows[i] = auditRow{ID: a.e.ID, At: a.e.At, Remote: a.e.Remote, Sentence: a.sentence(), Details: a.extra}
	}
	return rows, nil
}

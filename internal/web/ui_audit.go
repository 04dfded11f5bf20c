package web

import (
	"encoding/json"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/scrutin/scrutin/internal/i18n"
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
	"member.set", "member.remove", "share.create", "share.delete",
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
	if !known && len(bad) == 0 {
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

// auditSay writes one entry as a sentence. The names in it are escaped
// HTML; the catalogue's sentences hold no markup of their own (a test
// checks), so the result is safe HTML.
type auditSay struct {
	p       *i18n.Printer
	org     string
	e       store.AuditEntry
	details map[string]json.RawMessage
	names   map[store.Ref]string
	extra   []auditDetail
}

func newAuditSay(p *i18n.Printer, org string, e store.AuditEntry) *auditSay {
	a := &auditSay{p: p, org: org, e: e}
	if len(e.Details) > 0 {
		// Details this server did not write (or not as an object) leave
		// the map empty: the sentence says what it can without them.
		_ = json.Unmarshal(e.Details, &a.details)
	}
	return a
}

// target is the kind and id of the entry's target ("run/12").
func (a *auditSay) target() (kind, id string) {
	kind, id, _ = strings.Cut(a.e.Target, "/")
	return kind, id
}

// refs are the things whose names the sentence needs.
func (a *auditSay) refs() []store.Ref {
	var out []store.Ref
	if a.e.UserID != 0 {
		out = append(out, store.Ref{Kind: "user", ID: strconv.FormatInt(a.e.UserID, 10)})
	}
	if kind, id := a.target(); kind != "" && id != "" {
		if _, ok := refKinds[kind]; ok {
			out = append(out, store.Ref{Kind: kind, ID: id})
		}
	}
	if m := a.num("model"); m > 0 {
		out = append(out, store.Ref{Kind: "model", ID: strconv.FormatInt(int64(m), 10)})
	}
	return out
}

// refKinds are the kinds of targets whose names are read, with the path
// of their page in the organisation ("" when they have none there).
var refKinds = map[string]string{
	"user": "", "org": "", "token": "",
	"model": "/models/%s", "run": "/runs/%s", "plan": "/plans/%s", "evidence": "/evidence/%s",
}

// str is a detail as text ("" when absent or not a string).
func (a *auditSay) str(k string) string {
	var s string
	if raw, ok := a.details[k]; ok {
		_ = json.Unmarshal(raw, &s)
	}
	return s
}

// num is a detail as a number (NaN when absent or not a number).
func (a *auditSay) num(k string) float64 {
	var x float64
	if raw, ok := a.details[k]; ok && json.Unmarshal(raw, &x) == nil {
		return x
	}
	return math.NaN()
}

// count is the length of a detail that is a list (-1 when it is none).
func (a *auditSay) count(k string) int {
	var xs []json.RawMessage
	if raw, ok := a.details[k]; ok && json.Unmarshal(raw, &xs) == nil {
		return len(xs)
	}
	return -1
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// name is a name in the sentence, set apart.
func name(s string) string { return `<b class="audit-name">` + esc(s) + `</b>` }

// who is the author of the change: the user's name now, else the email
// recorded, else the server (no request) or an anonymous visitor.
func (a *auditSay) who() string {
	e := a.e
	if e.UserID != 0 {
		if n, ok := a.names[store.Ref{Kind: "user", ID: strconv.FormatInt(e.UserID, 10)}]; ok {
			return name(n)
		}
		if e.Email != "" {
			return name(e.Email)
		}
		return name(a.p.T("audit.filter.gone", strconv.FormatInt(e.UserID, 10)))
	}
	if e.Email != "" {
		return name(e.Email)
	}
	if e.Remote == "" {
		return esc(a.p.T("audit.who.server"))
	}
	return esc(a.p.T("audit.who.anonymous"))
}

// thing names what kind/id is: its name now, linked to its page while it
// exists; else the name recorded with "(deleted)"; else its number.
func (a *auditSay) thing(kind, id, recorded string) string {
	if id == "" {
		if recorded != "" {
			return name(recorded)
		}
		return "?"
	}
	n, exists := a.names[store.Ref{Kind: kind, ID: id}]
	if !exists && recorded != "" {
		return name(recorded) + ` <span class="muted">` + esc(a.p.T("audit.gone")) + `</span>`
	}
	if !exists {
		return esc(a.p.T("audit.ref", id))
	}
	if n == "" {
		n = recorded
	}
	label := name(n)
	if kind == "run" || kind == "plan" {
		// A run or plan is known by its number; its name is its model's.
		label = esc(a.p.T("audit.ref", id))
	}
	if path := refKinds[kind]; path != "" {
		return `<a href="` + esc(orgURL(a.org, path, id)) + `">` + label + `</a>`
	}
	return label
}

// targetThing is thing for the entry's target.
func (a *auditSay) targetThing(recorded string) string {
	kind, id := a.target()
	return a.thing(kind, id, recorded)
}

// model is the model of a run or plan entry (details "model").
func (a *auditSay) model() string {
	m := a.num("model")
	if math.IsNaN(m) {
		return "?"
	}
	return a.thing("model", strconv.FormatInt(int64(m), 10), "")
}

// targetUser is the user an entry is about: their name now, else the
// email recorded, else their number.
func (a *auditSay) targetUser() string {
	_, id := a.target()
	if n, ok := a.names[store.Ref{Kind: "user", ID: id}]; ok {
		return name(n)
	}
	if em := a.str("email"); em != "" {
		return name(em)
	}
	return esc(a.p.T("audit.filter.gone", id))
}

// part is one item of the parenthesis that follows a sentence.
func (a *auditSay) part(key string, args ...any) string {
	return a.p.T(key, args...)
}

func (a *auditSay) countPart(key, detail string) string {
	if n := a.count(detail); n > 0 {
		return a.part(key, a.p.Count(float64(n), 0))
	}
	return ""
}

func (a *auditSay) numPart(key, detail string, decimals int) string {
	if x := a.num(detail); !math.IsNaN(x) {
		return a.part(key, a.p.Count(x, decimals))
	}
	return ""
}

func (a *auditSay) revoked() string {
	if x := a.num("revoked"); x > 0 {
		return a.part("audit.part.revoked", a.p.Count(x, 0))
	}
	return ""
}

// sentence is the entry as a sentence, with the details it has in a
// parenthesis; an action it does not know is said generically, with its
// details beside.
func (a *auditSay) sentence() template.HTML {
	p, who := a.p, a.who()
	var main string
	var parts []string
	say := func(args ...any) string { return p.T("audit.say."+a.e.Action, append([]any{who}, args...)...) }
	switch a.e.Action {
	case "site.bootstrap":
		main = say(name(a.str("admin")))
	case "org.create":
		main = say(a.targetThing(a.str("name")))
		if k := a.str("kind"); k != "" {
			parts = append(parts, tOr(p, "kind."+k, k))
		}
	case "member.set":
		main = say(a.targetUser(), esc(tOr(p, "role."+a.str("role"), a.str("role"))))
	case "member.remove", "user.enable", "user.password.reset", "user.tokens.revoke":
		main = say(a.targetUser())
		parts = append(parts, a.revoked())
	case "user.disable":
		main = say(a.targetUser())
		parts = append(parts, a.revoked())
	case "user.create":
		main = say(a.targetUser())
		var admin bool
		if raw, ok := a.details["admin"]; ok && json.Unmarshal(raw, &admin) == nil && admin {
			parts = append(parts, p.T("audit.admin"))
		}
	case "user.password.change":
		main = say()
		parts = append(parts, a.revoked())
	case "user.language":
		l := a.str("language")
		main = say(esc(tOr(p, "audit.lang."+l, l)))
	case "model.create", "model.delete":
		main = say(a.targetThing(a.str("name")))
		parts = append(parts, a.numPart("audit.part.revision", "revision", 0))
		if m := a.str("message"); m != "" && a.e.Action == "model.create" {
			parts = append(parts, p.T("audit.part.message", m))
		}
	case "model.save":
		rev := "?"
		if x := a.num("revision"); !math.IsNaN(x) {
			rev = p.Number(x, 0)
		}
		main = say(a.targetThing(a.str("name")), esc(rev))
		if m := a.str("message"); m != "" {
			parts = append(parts, p.T("audit.part.message", m))
		}
	case "run.create":
		main = say(a.model(), a.targetThing(""))
		parts = append(parts, a.numPart("audit.part.years", "trials", 0), a.numPart("audit.part.seed", "seed", 0),
			a.countPart("audit.part.controls", "controls"), a.countPart("audit.part.evidence", "evidence"))
	case "plan.create":
		main = say(a.model(), a.targetThing(""))
		parts = append(parts, a.planParts()...)
	case "run.cancel", "plan.cancel", "token.revoke":
		main = say(a.targetThing(""))
	case "evidence.upload":
		main = say(a.targetThing(a.str("name")))
		if k := a.str("kind"); k != "" {
			parts = append(parts, tOr(p, "evidence.kind."+k, k))
		}
		if b := a.num("bytes"); b > 0 {
			parts = append(parts, byteSize(p, int64(b)))
		}
	case "evidence.delete":
		main = say(a.targetThing(a.str("name")))
	case "share.create", "share.delete":
		main = say(a.targetThing(""))
	case "token.create":
		main = say(a.targetThing(a.str("name")))
		if t, err := time.Parse(time.RFC3339Nano, a.str("expires_at")); err == nil {
			parts = append(parts, p.T("audit.part.expires", p.Date(t)))
		}
	case "session.create", "session.delete":
		main = say()
	default:
		action := name(a.e.Action)
		if label := tOr(p, "action."+a.e.Action, ""); label != "" {
			action = esc(label)
		}
		if a.e.Target != "" {
			main = p.T("audit.say.unknown.target", who, action, a.targetThing(""))
		} else {
			main = p.T("audit.say.unknown", who, action)
		}
		a.extra = a.detailList()
	}
	var kept []string
	for _, s := range parts {
		if s != "" {
			kept = append(kept, esc(s))
		}
	}
	if len(kept) > 0 {
		main += " (" + strings.Join(kept, ", ") + ")"
	}
	return template.HTML(main)
}

// planParts are a plan request's figures (details "request").
func (a *auditSay) planParts() []string {
	var req planSpec
	raw, ok := a.details["request"]
	if !ok || json.Unmarshal(raw, &req) != nil {
		return nil
	}
	p := a.p
	out := []string{p.T("audit.part.budget", p.Number(req.Budget, 0))}
	if req.Objective != "" {
		out = append(out, p.T("audit.part.objective", tOr(p, "plan.short."+req.Objective, req.Objective)))
	}
	if req.Horizon > 0 {
		out = append(out, p.T("audit.part.horizon", p.Count(req.Horizon, decimalsOf(req.Horizon))))
	}
	if req.Trials > 0 {
		out = append(out, p.T("audit.part.years", p.Count(float64(req.Trials), 0)))
	}
	out = append(out, p.T("audit.part.seed", p.Count(float64(req.Seed), 0)))
	if n := len(req.Evidence); n > 0 {
		out = append(out, p.T("audit.part.evidence", p.Count(float64(n), 0)))
	}
	return out
}

func decimalsOf(x float64) int {
	if x == math.Trunc(x) {
		return 0
	}
	return 1
}

// detailList is an unknown action's details, key by key, in order.
func (a *auditSay) detailList() []auditDetail {
	if len(a.details) == 0 {
		if len(a.e.Details) > 0 {
			return []auditDetail{{"", string(a.e.Details)}}
		}
		return nil
	}
	keys := make([]string, 0, len(a.details))
	for k := range a.details {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]auditDetail, 0, len(keys))
	for _, k := range keys {
		var s string
		if json.Unmarshal(a.details[k], &s) != nil {
			s = string(a.details[k])
		}
		out = append(out, auditDetail{k, s})
	}
	return out
}

// tOr is key in p's language, or fallback when no catalogue has it.
func tOr(p *i18n.Printer, key, fallback string) string {
	if s := p.T(key); s != key {
		return s
	}
	return fallback
}

package web

import (
	"encoding/json"
	"html/template"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/store"
)

// An audit entry as a sentence in the reader's language, from its action,
// target and details (what record wrote), with the names of what it is
// about as they are now (ui_audit.go reads them for the page).

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
	case "share.create", "share.delete", "share.unjoint", "national-run.cancel":
		main = say(a.targetThing(""))
	case "share.joint":
		main = say(a.targetThing(""), a.model())
	case "national-run.create":
		main = say(a.targetThing(""))
		parts = append(parts, a.numPart("audit.part.years", "trials", 0), a.numPart("audit.part.seed", "seed", 0),
			a.countPart("audit.part.organisations", "members"))
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
		out = append(out, p.T("audit.part.objective", objectiveLabel(p, req.Objective, "")))
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

package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// The model editor: a plain textarea beside its line numbers (no editor
// library: it works with the keyboard, screen readers and without
// JavaScript). On save the server validates the model as the API does;
// the problems are listed, each linking to its line, and marked beside
// the line numbers. Saves are optimistic: the form carries the revision
// it was edited from, and a stale one is refused with a link to what
// changed meanwhile, keeping the text being edited.

// editorPage is the data of the editor.
type editorPage struct {
	// Model is nil for a new model, whose Name the form asks for.
	Model *store.Model
	Name  string
	// Revision is the revision shown (its author, time and message);
	// Old says it is not the latest (?rev=N): saving it restores it.
	Revision *store.Revision
	Old      bool
	// Base is the revision the text was edited from.
	Base     int
	YAML     string
	Message  string
	Lines    []editorLine
	Problems []Problem
	// Conflict is the latest revision when a save found the model saved
	// since StaleBase, the revision the text was edited from (0: no
	// conflict); Error, another failure to save.
	Conflict  int
	StaleBase int
	Error     string
	CanEdit   bool
	Rows      int
	// Integrity is the outcome integrity section of a model with
	// contests (ui_integrity.go), nil otherwise.
	Integrity *integrityView
}

// editorLine is a line number in the editor's gutter, with the problems
// found on that line.
type editorLine struct {
	N        int
	Problems []string
}

// withLines numbers the lines of the text and marks those with problems.
func (e *editorPage) withLines() *editorPage {
	n := strings.Count(e.YAML, "\n") + 1
	if strings.HasSuffix(e.YAML, "\n") {
		n--
	}
	n = max(n, 1)
	e.Lines = make([]editorLine, n)
	for i := range e.Lines {
		e.Lines[i].N = i + 1
	}
	for _, p := range e.Problems {
		if p.Line >= 1 && p.Line <= n {
			e.Lines[p.Line-1].Problems = append(e.Lines[p.Line-1].Problems, p.Message)
		}
	}
	e.Rows = max(n+1, 12)
	return e
}

// normalizeText turns the CR LF line ends that browsers send from a
// textarea into LF, as the model was written.
func normalizeText(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

func (s *Server) editorPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, org := r.Context(), v.Org.ID
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.db.Model(ctx, org, id)
	if err != nil {
		return err
	}
	revNo := 0
	if q := r.URL.Query().Get("rev"); q != "" {
		if revNo, err = strconv.Atoi(q); err != nil || revNo < 1 {
			return badRequest("invalid revision %q", q)
		}
	}
	rev, err := s.db.Revision(ctx, org, id, revNo)
	if err != nil {
		return err
	}
	page := &editorPage{Model: m, Revision: rev, Old: rev.Revision != m.Revision, Base: m.Revision, YAML: rev.YAML,
		CanEdit: v.Can(store.RoleAnalyst)}
	if saved := r.URL.Query().Get("saved"); saved != "" {
		if n, err := strconv.Atoi(saved); err == nil {
			v.Flash = v.P.T("editor.saved", n)
		}
	}
	status := http.StatusOK
	// A stored revision is valid; one that no longer decodes (a newer
	// server's rules) still shows its text, without the section.
	if dm, err := decodeRevision(m.Name, rev); err == nil {
		page.Integrity = integrityOf(v.P, dm, r.URL.Query(), v.P.Currency(dm.Currency))
		if page.Integrity != nil {
			if page.Old {
				page.Integrity.Rev = rev.Revision
			}
			if page.Integrity.RiskError != "" {
				status = http.StatusBadRequest
			}
		}
	}
	v.Title, v.Nav, v.Page = m.Name, "models", page.withLines()
	return s.render(w, status, "editor", v)
}

// modelForm reads the form of the editor: a model is at most
// MaxModelBytes, which URL-encoding may triple.
func (s *Server) modelForm(w http.ResponseWriter, r *http.Request) (yaml, message string, form map[string][]string, err error) {
	f, err := readForm(w, r, 3*s.cfg.MaxModelBytes+maxSmallBody)
	if err != nil {
		return "", "", nil, err
	}
	yaml = normalizeText(f.Get("yaml"))
	if int64(len(yaml)) > s.cfg.MaxModelBytes {
		return "", "", nil, tooLarge(s.cfg.MaxModelBytes)
	}
	return yaml, strings.TrimSpace(f.Get("message")), f, nil
}

// saveModelForm saves the editor's text as the model's next revision.
func (s *Server) saveModelForm(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, org := r.Context(), v.Org.ID
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	yaml, message, form, err := s.modelForm(w, r)
	if err != nil {
		return err
	}
	base, _ := strconv.Atoi(first(form["base_revision"]))
	m, err := s.saveRevision(ctx, org, id, base, yaml, message)
	if err == nil {
		return seeOther(w, r, orgURL(org, "/models/%d?saved=%d", m.ID, m.Revision))
	}
	// Show the text again, with what went wrong.
	cur, merr := s.db.Model(ctx, org, id)
	if merr != nil {
		return merr
	}
	rev, rerr := s.db.Revision(ctx, org, id, 0)
	if rerr != nil {
		return rerr
	}
	page := &editorPage{Model: cur, Revision: rev, Base: base, YAML: yaml, Message: message, CanEdit: true}
	status, err := page.failed(v, err)
	if err != nil {
		return err
	}
	if page.Conflict != 0 {
		// Saving again, after a look at what changed, replaces the
		// latest revision with this text: the page says so.
		page.Conflict, page.StaleBase, page.Base = cur.Revision, base, cur.Revision
	}
	v.Title, v.Nav, v.Page = cur.Name, "models", page.withLines()
	return s.render(w, status, "editor", v)
}

// failed records in the page why a save failed, and returns the status
// to answer, or the error when it is not about the text.
func (e *editorPage) failed(v *view, err error) (int, error) {
	var ve *model.ValidationError
	switch {
	case errors.As(err, &ve):
		for _, p := range ve.Problems {
			e.Problems = append(e.Problems, Problem{Line: p.Line, Column: p.Column, Path: p.Path, Message: problemText(v.P, p)})
		}
		e.Error = v.P.T("editor.invalid", len(e.Problems))
		return http.StatusUnprocessableEntity, nil
	case model.ErrorCode(err) == model.ECONFLICT && e.Model != nil:
		e.Conflict = -1
		return http.StatusConflict, nil
	case model.ErrorCode(err) == model.ECONFLICT:
		e.Error = v.P.T("editor.duplicate", e.Name)
		return http.StatusConflict, nil
	case model.ErrorCode(err) == model.EINVALID:
		e.Error = errorMessage(v.P, err, "")
		return http.StatusUnprocessableEntity, nil
	}
	return 0, err
}

// errorMessage is what err says, in the page's language when the
// catalogue has it; else as said instead, when not "", else as it is.
func errorMessage(pr *i18n.Printer, err error, instead string) string {
	t := model.ErrorText(err)
	if t.Format == "%s" && instead != "" {
		return instead
	}
	return pr.Message(t)
}

// problemText is what p says, in the page's language.
func problemText(pr *i18n.Printer, p model.Problem) string {
	if p.Text.Format == "" {
		return p.Message
	}
	return pr.Message(p.Text)
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// pathID reads a positive integer path parameter; anything else is a page
// that does not exist.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id < 1 {
		return 0, model.Errorf(model.ENOTFOUND, "no such page")
	}
	return id, nil
}

// newModelPage is the editor of a new model, started from the minimal
// example.
func (s *Server) newModelPage(w http.ResponseWriter, r *http.Request, v *view) error {
	src, err := examples.Files.ReadFile("minimal.yaml")
	if err != nil {
		return err
	}
	page := &editorPage{YAML: string(src), CanEdit: true}
	v.Title, v.Nav, v.Page = v.P.T("editor.new"), "models", page.withLines()
	return s.render(w, http.StatusOK, "editor", v)
}

func (s *Server) createModelForm(w http.ResponseWriter, r *http.Request, v *view) error {
	org := v.Org.ID
	yaml, message, form, err := s.modelForm(w, r)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(first(form["name"]))
	page := &editorPage{Name: name, YAML: yaml, Message: message, CanEdit: true}
	if name == "" {
		page.Error = v.P.T("editor.noname")
		v.Title, v.Nav, v.Page = v.P.T("editor.new"), "models", page.withLines()
		return s.render(w, http.StatusUnprocessableEntity, "editor", v)
	}
	m, err := s.newModel(r.Context(), org, name, yaml, message)
	if err == nil {
		return seeOther(w, r, orgURL(org, "/models/%d?saved=%d", m.ID, m.Revision))
	}
	status, err := page.failed(v, err)
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Page = v.P.T("editor.new"), "models", page.withLines()
	return s.render(w, status, "editor", v)
}

type historyPage struct {
	Model     *store.Model
	Revisions []store.Revision
	Next      string
}

// historyPageOf lists the model's revisions, newest first.
func (s *Server) historyPageOf(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, org := r.Context(), v.Org.ID
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.db.Model(ctx, org, id)
	if err != nil {
		return err
	}
	p, err := PageParams{Limit: listPage, Cursor: r.URL.Query().Get("cursor")}.page()
	if err != nil {
		return err
	}
	revs, err := s.db.Revisions(ctx, org, id, p)
	if err != nil {
		return err
	}
	page := &historyPage{Model: m, Revisions: revs,
		Next: paged(revs, p, func(r store.Revision) int64 { return int64(r.Revision) }).Body.NextCursor}
	v.Title, v.Nav, v.Page = v.P.T("history.title", m.Name), "models", page
	return s.render(w, http.StatusOK, "history", v)
}

// diffRow is a line of a unified diff: Kind "hunk", "add", "del", "same"
// or "note"; Old and New are its line numbers (0: none).
type diffRow struct {
	Kind     string
	Old, New int
	Text     string
}

type diffPage struct {
	Model    *store.Model
	From, To int
	Rows     []diffRow
	Added    int
	Removed  int
}

// parseDiff turns a unified diff into rows with line numbers.
func parseDiff(d string) (rows []diffRow, added, removed int) {
	old, cur := 0, 0
	for _, line := range strings.Split(strings.TrimSuffix(d, "\n"), "\n") {
		switch {
		case line == "":
			continue
		case strings.HasPrefix(line, "--- ") || strings.HasPrefix(line, "+++ "):
			continue
		case strings.HasPrefix(line, "@@"):
			var a, b int
			fmt.Sscanf(line, "@@ -%d", &a)
			if i := strings.Index(line, " +"); i >= 0 {
				fmt.Sscanf(line[i:], " +%d", &b)
			}
			old, cur = a, b
			rows = append(rows, diffRow{Kind: "hunk", Text: line})
		case line[0] == '+':
			rows = append(rows, diffRow{Kind: "add", New: cur, Text: line[1:]})
			cur++
			added++
		case line[0] == '-':
			rows = append(rows, diffRow{Kind: "del", Old: old, Text: line[1:]})
			old++
			removed++
		case line[0] == '\\':
			rows = append(rows, diffRow{Kind: "note", Text: line[1:]})
		default:
			rows = append(rows, diffRow{Kind: "same", Old: old, New: cur, Text: line[1:]})
			old++
			cur++
		}
	}
	return rows, added, removed
}

// diffPageOf shows what changed between two revisions (?from=&to=, by
// default the latest and the one before).
func (s *Server) diffPageOf(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	rev := func(k string) (int, error) {
		if q.Get(k) == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(q.Get(k))
		if err != nil || n < 0 {
			return 0, badRequest("invalid revision %q", q.Get(k))
		}
		return n, nil
	}
	from, err := rev("from")
	if err != nil {
		return err
	}
	to, err := rev("to")
	if err != nil {
		return err
	}
	d, err := s.revisionDiff(r.Context(), v.Org.ID, id, from, to)
	if err != nil {
		return err
	}
	page := &diffPage{Model: d.model, From: d.from, To: d.to}
	page.Rows, page.Added, page.Removed = parseDiff(d.diff)
	v.Title, v.Nav, v.Page = v.P.T("diff.title", d.model.Name, d.from, d.to), "models", page
	return s.render(w, http.StatusOK, "diff", v)
}

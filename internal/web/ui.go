package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// The web UI: server-rendered pages (html/template), enhanced by htmx and
// ECharts when JavaScript runs, and whole without it (every chart has its
// table). Templates are embedded and parsed once, in New; every text goes
// through i18n, every number through an i18n.Printer.
//
// Pages are handlers of type uiHandler, wrapped by s.page (a signed-in
// user), s.orgPage (a member of the organisation with a role) or
// s.publicPage (anyone); each fills in a view, whose Page field carries
// the page's own data, and renders a template of templates/ inside the
// layout.

//go:embed templates/*.html
var templateFiles embed.FS

// langCookie keeps the language a visitor chose before signing in.
const langCookie = "scrutin_lang"

// templates are the parsed pages, by file name without ".html".
type templates struct {
	pages map[string]*template.Template
	bufs  sync.Pool
}

// parseTemplates parses the layout and partials once, then each page on
// a clone of them.
func parseTemplates(a *assets) (*templates, error) {
	funcs := template.FuncMap{
		"asset": a.url,
		"json":  jsonJS,
		"add":   func(a, b int) int { return a + b },
		"sub":   func(a, b int) int { return a - b },
		"pct":   pct,
		"query": func(k string, v any) template.URL { return template.URL(url.Values{k: {fmt.Sprint(v)}}.Encode()) },
		"dict":  dict,
		"list":  func(xs ...int) []int { return xs },
		"div":   func(a, b float64) float64 { return a / b },
		"float": toFloat,
		"deref": func(p *int64) int64 { return *p },
	}
	base, err := template.New("layout").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{pages: map[string]*template.Template{}, bufs: sync.Pool{New: func() any { return new(bytes.Buffer) }}}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		c, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if t.pages[name], err = c.ParseFS(templateFiles, n); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// jsonJS is v as JSON for a data island (<script type="application/json">):
// encoding/json escapes <, > and &, so the text cannot close the element.
func jsonJS(v any) (template.JS, error) {
	b, err := json.Marshal(v)
	return template.JS(b), err
}

// dict makes a map of its key, value arguments, to pass several values
// to a template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// toFloat converts the integers of the templates for i18n.Printer.Number.
func toFloat(x any) (float64, error) {
	switch v := x.(type) {
	case int:
		return float64(v), nil
	case int64:
		return float64(v), nil
	case uint64:
		return float64(v), nil
	case float64:
		return v, nil
	}
	return 0, fmt.Errorf("float: %T is not a number", x)
}

// pct is 100·x/max, bounded to [0, 100], for the widths of bars.
func pct(x, max float64) float64 {
	if max <= 0 || x <= 0 {
		return 0
	}
	return min(100, 100*x/max)
}

// view is what every page's template gets: the layout's data and, in
// Page, the page's own.
type view struct {
	P     *i18n.Printer
	Lang  i18n.Lang
	Title string
	// User is the signed-in user (nil on public pages), Orgs their
	// organisations for the switcher, Org the page's organisation.
	User *store.User
	Orgs []orgView
	Org  *orgView
	// Nav names the section of the organisation's menu to highlight.
	Nav string
	// Path is the request's path and query, where the language form
	// comes back to.
	Path string
	// Charts loads ECharts (pages with charts only); Refresh, when
	// positive, reloads a page without JavaScript every Refresh seconds.
	Charts  bool
	Refresh int
	// Flash is a message about what just happened ("Saved as revision 3").
	Flash string
	Page  any
}

// Can says whether the user's role in the page's organisation is at
// least role.
func (v *view) Can(role string) bool {
	return v.Org != nil && roleRank[v.Org.Role] >= roleRank[role]
}

// IsAgency says whether the page's organisation is an agency (it has a
// national view).
func (v *view) IsAgency() bool { return v.Org != nil && v.Org.Kind == model.KindAgency }

// ActionName is an audit log action in the reader's language, or as it
// is when the catalogue does not name it.
func (v *view) ActionName(action string) string {
	key := "action." + action
	if s := v.P.T(key); s != key {
		return s
	}
	return action
}

// Languages are the choices of the language form.
func (v *view) Languages() []langChoice {
	return []langChoice{{"en", "English", v.Lang == i18n.English}, {"fr", "Français", v.Lang == i18n.French}}
}

type langChoice struct {
	Code, Name string
	Selected   bool
}

// uiHandler is a page: it fills in v and renders, or returns an error
// that s.renderError turns into a page.
type uiHandler func(w http.ResponseWriter, r *http.Request, v *view) error

// newView starts the view of a request: the caller (if any) and the
// language.
func (s *Server) newView(r *http.Request) *view {
	u := infoFrom(r.Context()).user
	lang := s.language(r, u)
	v := &view{P: i18n.New(lang), Lang: lang, User: u, Path: r.URL.RequestURI()}
	if u != nil {
		// For the switcher; a failure here shows an empty one (the page's
		// own queries will report a database that does not answer).
		if me, err := s.meOf(r.Context(), u); err == nil {
			v.Orgs = me.Orgs
		}
	}
	return v
}

// language is the page's language: the user's preference, else the
// visitor's cookie, else the browser's Accept-Language, else English.
func (s *Server) language(r *http.Request, u *store.User) i18n.Lang {
	pref := ""
	if u != nil {
		pref = u.Language
	}
	if pref == "" {
		if c, err := r.Cookie(langCookie); err == nil {
			pref = c.Value
		}
	}
	return i18n.Negotiate(pref, r.Header.Get("Accept-Language"))
}

// publicPage serves a page to anyone.
func (s *Server) publicPage(h uiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(r)
		if err := h(w, r, v); err != nil {
			s.renderError(w, r, v, err)
		}
	}
}

// page serves a page to a signed-in user; anyone else is sent to the
// sign-in page, and comes back here after.
func (s *Server) page(h uiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(r)
		if v.User == nil {
			s.toSignIn(w, r)
			return
		}
		if err := h(w, r, v); err != nil {
			s.renderError(w, r, v, err)
		}
	}
}

// orgPage serves a page of the organisation {org} to its members with at
// least role need (and, with asAdmin, to the site administrator). To
// anyone else the organisation does not exist: the same 404 page as for
// one that does not.
func (s *Server) orgPage(need string, asAdmin bool, h uiHandler) http.HandlerFunc {
	return s.page(func(w http.ResponseWriter, r *http.Request, v *view) error {
		org := r.PathValue("org")
		for i := range v.Orgs {
			if v.Orgs[i].ID == org {
				v.Org = &v.Orgs[i]
			}
		}
		var err error
		if v.Org != nil {
			// A member: their role was read with the organisations of the
			// switcher, in this request.
			_, err = s.authorizeRole(r.Context(), v.User, org, v.Org.Role, need, asAdmin)
		} else {
			_, err = s.authorize(r.Context(), org, need, asAdmin)
		}
		if err != nil {
			return err
		}
		if v.Org == nil { // the administrator, who is not a member
			o, err := s.db.Org(r.Context(), org)
			if err != nil {
				return err
			}
			v.Org = &orgView{ID: o.ID, Name: o.Name, Kind: o.Kind}
		}
		return h(w, r, v)
	})
}

// toSignIn sends a visitor without a session to the sign-in page, which
// brings them back to where they were going (a GET) or to the page they
// came from (htmx asks to be told to navigate rather than follow).
func (s *Server) toSignIn(w http.ResponseWriter, r *http.Request) {
	next := "/orgs"
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		next = r.URL.RequestURI()
	}
	to := "/signin?" + url.Values{"next": {next}}.Encode()
	if r.Header.Get("HX-Request") != "" {
		w.Header().Set("HX-Redirect", to)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, to, http.StatusFound)
}

// safeNext is where to go after signing in or changing the language: a
// path of this site ("/orgs/demo?model=1"), never another site's URL;
// anything else is /orgs.
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/orgs"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "//") {
		return "/orgs"
	}
	return next
}

// render executes the page's template in the layout and writes it; the
// page is rendered whole before a byte is written, so a failure is an
// error page, not half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, v *view) error {
	return s.write(w, status, name, "layout", v)
}

// renderFragment writes a named template of the page alone (for htmx).
func (s *Server) renderFragment(w http.ResponseWriter, name, fragment string, v *view) error {
	return s.write(w, http.StatusOK, name, fragment, v)
}

func (s *Server) write(w http.ResponseWriter, status int, name, tmpl string, v *view) error {
	t, ok := s.tmpl.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	buf := s.tmpl.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer s.tmpl.bufs.Put(buf)
	if err := t.ExecuteTemplate(buf, tmpl, v); err != nil {
		return fmt.Errorf("template %s: %w", name, err)
	}
	return writeHTML(w, status, v.Lang, buf.Bytes())
}

// renderBytes renders the page's template in the layout, as render does,
// into a new slice.
func (s *Server) renderBytes(name string, v *view) ([]byte, error) {
	t, ok := s.tmpl.pages[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	buf := s.tmpl.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer s.tmpl.bufs.Put(buf)
	if err := t.ExecuteTemplate(buf, "layout", v); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return bytes.Clone(buf.Bytes()), nil
}

// writeHTML answers a page rendered in the language.
func writeHTML(w http.ResponseWriter, status int, lang i18n.Lang, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", string(lang))
	h.Set("Vary", "Cookie, Accept-Language")
	// Said, the length spares the chunked encoding's last write.
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if _, err := w.Write(body); err != nil {
		return errWritten
	}
	return nil
}

// errWritten says that the answer has begun: nothing more can be sent.
var errWritten = errors.New("the response was already written")

// errorPage is the data of the error page.
type errorPage struct {
	Status    int
	Heading   string
	Message   string
	RequestID string
}

// renderError answers a page's error with a page in the user's language:
// 401 sends to the sign-in page, 404 (also what is another
// organisation's), 403, 409, 422, 429 and 500 say what happened in a
// sentence of the catalogue, never an internal detail.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, v *view, err error) {
	if errors.Is(err, errWritten) {
		return
	}
	b := errorResponse(r.Context(), err)
	p := &errorPage{Status: b.status, RequestID: b.Detail.RequestID}
	switch b.status {
	case http.StatusUnauthorized:
		s.toSignIn(w, r)
		return
	case http.StatusNotFound:
		p.Heading, p.Message = v.P.T("error.notfound.title"), v.P.T("error.notfound")
	case http.StatusForbidden:
		p.Heading, p.Message = v.P.T("error.forbidden.title"), v.P.T("error.forbidden")
	case http.StatusTooManyRequests:
		p.Heading, p.Message = v.P.T("error.toomany.title"), v.P.T("error.toomany")
	case http.StatusMethodNotAllowed:
		p.Heading, p.Message = v.P.T("error.method.title"), v.P.T("error.method")
	case http.StatusInsufficientStorage:
		p.Heading, p.Message = v.P.T("error.full.title"), v.P.T("error.full")
	case http.StatusConflict, http.StatusUnprocessableEntity, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		p.Heading, p.Message = v.P.T("error.invalid.title"), errorMessage(v.P, err, b.Detail.Message)
	default:
		p.Heading, p.Message = v.P.T("error.internal.title"), v.P.T("error.internal", b.Detail.RequestID)
	}
	if pe := (*protocolError)(nil); errors.As(err, &pe) {
		for k, vs := range pe.header {
			w.Header()[k] = vs
		}
	}
	v.Title, v.Page, v.Charts, v.Refresh = p.Heading, p, false, 0
	if werr := s.render(w, b.status, "error", v); werr != nil && !errors.Is(werr, errWritten) {
		infoFrom(r.Context()).log.Error("rendering the error page", "error", werr.Error())
		http.Error(w, http.StatusText(b.status), b.status)
	}
}

// uiNotFound answers the paths of the UI that no route matches.
func (s *Server) uiNotFound(w http.ResponseWriter, r *http.Request, allow []string) {
	v := s.newView(r)
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.renderError(w, r, v, &protocolError{status: http.StatusMethodNotAllowed, code: codeNoMethod, msg: "method not allowed"})
		return
	}
	s.renderError(w, r, v, model.Errorf(model.ENOTFOUND, "no such page"))
}

// isUIPath says whether a path belongs to the pages (rather than the API,
// the operations routes or the static files).
func isUIPath(p string) bool {
	for _, pre := range []string{apiPrefix + "/", assetsPrefix} {
		if strings.HasPrefix(p, pre) {
			return false
		}
	}
	switch p {
	case "/healthz", "/readyz", "/metrics", apiPrefix:
		return false
	}
	return true
}

// formValue reads a form of at most limit bytes and returns its values;
// a body too large is a 413.
func readForm(w http.ResponseWriter, r *http.Request, limit int64) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge(limit)
		}
		return nil, badRequest("the form cannot be read: %v", err)
	}
	return r.PostForm, nil
}

// seeOther redirects after a successful POST.
func seeOther(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// orgURL is the path of a page of an organisation.
func orgURL(org string, format string, args ...any) string {
	return "/orgs/" + url.PathEscape(org) + fmt.Sprintf(format, args...)
}

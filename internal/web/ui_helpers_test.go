package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/scrutin/scrutin/internal/i18n"
)

// uiWorld is a running server with organisations, users and runs, for the
// tests of the pages (and the browser tests):
//
//	party-a (party)   alice owner, dan analyst, carol viewer; model "minimal" run once (succeeded)
//	                  and twice more for a trend; shares with anssi
//	party-b (party)   bob owner; model "minimal", never run
//	anssi (agency)    eve owner
//	demo (campaign)   the administrator, owner; the example election model, run once
type uiWorld struct {
	ts                          *testServer
	admin, alice, dan, bob, eve *client // API clients (tokens)
	minimal, bMinimal, election int64   // model ids
	run, electionRun            int64   // succeeded runs (party-a's latest, demo's)
	runs                        []int64 // party-a's succeeded runs, oldest first
}

// uiTrials keeps the tests' runs quick.
const uiTrials = 3000

func newUIWorld(t testing.TB) *uiWorld {
	t.Helper()
	c := &clock{}
	cfg := testConfig(c)
	w := &uiWorld{ts: startServer(t, ":memory:", cfg, c)}
	w.admin = w.ts.signIn(t, DefaultAdminEmail, adminPassword)
	for _, u := range []string{"alice", "carol", "dan", "bob", "eve"} {
		w.admin.want(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": u + "@example.org", "password": u + "-password", "name": strings.ToUpper(u[:1]) + u[1:]})
	}
	for _, o := range [][4]string{{"party-a", "Party A", "party", "alice"}, {"party-b", "Party B", "party", "bob"}, {"anssi", "National agency", "agency", "eve"}} {
		w.admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": o[0], "name": o[1], "kind": o[2], "owner": o[3] + "@example.org"})
	}
	w.alice = w.ts.signIn(t, "alice@example.org", "alice-password")
	w.bob = w.ts.signIn(t, "bob@example.org", "bob-password")
	w.eve = w.ts.signIn(t, "eve@example.org", "eve-password")
	w.alice.want(http.StatusOK, "PUT", "/api/v1/orgs/party-a/members/carol@example.org", map[string]string{"role": "viewer"})
	w.alice.want(http.StatusOK, "PUT", "/api/v1/orgs/party-a/members/dan@example.org", map[string]string{"role": "analyst"})
	w.dan = w.ts.signIn(t, "dan@example.org", "dan-password")
	yaml := exampleModel(t, "minimal.yaml")
	var saved savedModel
	w.dan.want(http.StatusCreated, "POST", "/api/v1/orgs/party-a/models", map[string]string{"name": "minimal", "yaml": yaml, "message": "first"}).decode(&saved)
	w.minimal = saved.ID
	w.bob.want(http.StatusCreated, "POST", "/api/v1/orgs/party-b/models", map[string]string{"name": "minimal", "yaml": yaml}).decode(&saved)
	w.bMinimal = saved.ID
	for _, body := range []map[string]any{{"trials": uiTrials, "seed": 1}, {"trials": uiTrials, "seed": 2, "with": []string{"security-keys"}}, {"trials": uiTrials, "seed": 3}} {
		w.runs = append(w.runs, w.runModel(t, w.dan, "party-a", w.minimal, body))
	}
	w.run = w.runs[len(w.runs)-1]
	w.alice.want(http.StatusOK, "PUT", "/api/v1/orgs/party-a/shares/anssi", nil)
	var models list[map[string]any]
	w.admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/models", nil).decode(&models)
	w.election = int64(models.Items[0]["id"].(float64))
	w.electionRun = w.runModel(t, w.admin, "demo", w.election, map[string]any{"trials": uiTrials})
	return w
}

// runModel runs a model through the API and waits for the run to succeed.
func (w *uiWorld) runModel(t testing.TB, c *client, org string, id int64, body map[string]any) int64 {
	t.Helper()
	var r runView
	c.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/%s/models/%d/runs", org, id), body).decode(&r)
	done := waitFor(t, c, fmt.Sprintf("/api/v1/orgs/%s/runs/%d", org, r.ID), 60*time.Second, func(v runView) bool {
		return v.Status != "queued" && v.Status != "running"
	})
	if done.Status != "succeeded" {
		t.Fatalf("run %d: %s %s", r.ID, done.Status, done.Error)
	}
	return r.ID
}

// browser is a visitor of the pages: cookies kept, redirects not
// followed (the tests look at them), a language of its own.
type browser struct {
	t      testing.TB
	base   string
	hc     *http.Client
	accept string      // Accept-Language
	header http.Header // sent with every request (X-Forwarded-For…)
}

func (ts *testServer) browser(t testing.TB, acceptLanguage string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: ts.url, accept: acceptLanguage, hc: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signedIn is a browser that signed in through the form.
func (ts *testServer) signedIn(t testing.TB, email, password, acceptLanguage string) *browser {
	t.Helper()
	b := ts.browser(t, acceptLanguage)
	r := b.post("/signin", url.Values{"email": {email}, "password": {password}, "next": {"/orgs"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/orgs" {
		t.Fatalf("sign in as %s: %d %s", email, r.status, r.header.Get("Location"))
	}
	return b
}

// page is an answer to the browser.
type page struct {
	t      testing.TB
	path   string
	status int
	header http.Header
	body   string
}

func (b *browser) do(method, path string, body io.Reader, header http.Header) *page {
	b.t.Helper()
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if b.accept != "" {
		req.Header.Set("Accept-Language", b.accept)
	}
	res, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	if m := fmtError.Find(data); m != nil && strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		b.t.Errorf("%s %s: a message formatted with the wrong arguments: %q", method, path, m)
	}
	return &page{t: b.t, path: path, status: res.StatusCode, header: res.Header, body: string(data)}
}

// fmtError is what fmt writes for a verb whose argument is missing, extra
// or of the wrong type ("%!s(int64=3)", "%!d(MISSING)", "%!(EXTRA …)"):
// a page must never show it.
var fmtError = regexp.MustCompile(`%!(?:[a-zA-Z]\(|\((?:EXTRA|BADINDEX|NOVERB|BADWIDTH|BADPREC))[^)]{0,60}\)?`)

func (b *browser) get(path string) *page { b.t.Helper(); return b.do("GET", path, nil, nil) }

// post sends a form, as a page of this site would (same origin).
func (b *browser) post(path string, form url.Values) *page {
	b.t.Helper()
	return b.do("POST", path, strings.NewReader(form.Encode()), http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"}, "Origin": {b.base}, "Sec-Fetch-Site": {"same-origin"}})
}

// want fails the test unless the page has the status.
func (p *page) want(status int) *page {
	p.t.Helper()
	if p.status != status {
		p.t.Fatalf("%s: status %d, want %d:\n%s", p.path, p.status, status, truncate(p.body, 3000))
	}
	return p
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// contains fails the test unless the page's text has each of the strings
// (HTML entities decoded, tags kept).
func (p *page) contains(ss ...string) *page {
	p.t.Helper()
	text := html.UnescapeString(p.body)
	for _, s := range ss {
		if !strings.Contains(text, s) {
			p.t.Errorf("%s: no %q in the page:\n%s", p.path, s, truncate(text, 4000))
		}
	}
	return p
}

func (p *page) lacks(ss ...string) *page {
	p.t.Helper()
	text := html.UnescapeString(p.body)
	for _, s := range ss {
		if strings.Contains(text, s) {
			p.t.Errorf("%s: %q is in the page", p.path, s)
		}
	}
	return p
}

// voidElements have no end tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// checkHTML checks what every page must be: well formed (every element
// closed, in order), with a language, one h1, a main landmark and a skip
// link; unique ids; a label for every field; a caption and headers for
// every table; no inline script, style or event handler (the CSP forbids
// them), scripts only from /assets/ (or JSON data islands), and links and
// forms only to this site. assets lists the served static paths.
func checkHTML(t testing.TB, where, body string, assets map[string]*asset) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s: "+format, append([]any{where}, args...)...)
	}
	// Well-formedness, with the tokenizer: the parser would silently
	// repair what a browser repairs.
	z := html.NewTokenizer(strings.NewReader(body))
	var stack []string
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				fail("tokenizer: %v", z.Err())
			}
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken:
			if !voidElements[tok.Data] {
				stack = append(stack, tok.Data)
			}
		case html.EndTagToken:
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				fail("</%s> closes <%s> (open: %v)", tok.Data, last(stack), stack)
				return
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		fail("unclosed elements %v", stack)
	}
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		fail("parse: %v", err)
		return
	}
	ids := map[string]int{}
	labelled := map[string]bool{}
	var fields []*html.Node
	h1, mains := 0, 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
				if strings.HasPrefix(a.Key, "on") {
					fail("<%s %s>: an inline event handler", n.Data, a.Key)
				}
			}
			if _, ok := attrs["style"]; ok && n.Namespace == "" {
				fail("<%s style=…>: an inline style (the CSP forbids it)", n.Data)
			}
			if id, ok := attrs["id"]; ok {
				ids[id]++
			}
			switch n.Data {
			case "html":
				if attrs["lang"] == "" {
					fail("<html> without lang")
				}
			case "h1":
				h1++
			case "main":
				mains++
			case "style":
				fail("a <style> element (the CSP forbids it)")
			case "script":
				src, typ := attrs["src"], attrs["type"]
				switch {
				case typ == "application/json":
					if src != "" {
						fail("a data island with a src")
					}
				case src == "":
					fail("an inline <script> (the CSP forbids it)")
				case n.FirstChild != nil:
					fail("<script src=%s> with content", src)
				}
			case "label":
				if f := attrs["for"]; f != "" {
					labelled[f] = true
				}
			case "input", "select", "textarea":
				if attrs["type"] != "hidden" && attrs["type"] != "submit" {
					fields = append(fields, n)
				}
			case "table":
				if !hasChild(n, "caption") {
					fail("a table without a caption")
				}
				if !hasDescendant(n, "th") {
					fail("a table without headers")
				}
			case "button":
				if strings.TrimSpace(textOf(n)) == "" && attrs["aria-label"] == "" {
					fail("a button without a name")
				}
			}
			for _, k := range []string{"href", "src", "action"} {
				v, ok := attrs[k]
				if !ok || n.Namespace != "" {
					continue
				}
				switch {
				case strings.HasPrefix(v, "#"), strings.HasPrefix(v, "?"):
				case !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "//"):
					fail("<%s %s=%q>: not a link to this site", n.Data, k, v)
				case strings.HasPrefix(v, assetsPrefix):
					if assets[strings.TrimPrefix(v, assetsPrefix)] == nil {
						fail("<%s %s=%q>: no such asset", n.Data, k, v)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for id, n := range ids {
		if n > 1 {
			fail("id %q used %d times", id, n)
		}
	}
	for _, f := range fields {
		id, aria := attr(f, "id"), attr(f, "aria-label")+attr(f, "aria-labelledby")
		if !labelled[id] && aria == "" && !insideLabel(f) {
			fail("<%s name=%q> without a label", f.Data, attr(f, "name"))
		}
	}
	if h1 != 1 || mains != 1 {
		fail("%d h1 and %d main, want one of each", h1, mains)
	}
	if !strings.Contains(body, `class="skip-link" href="#main"`) {
		fail("no skip link")
	}
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasChild(n *html.Node, tag string) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == tag {
			return true
		}
	}
	return false
}

func hasDescendant(n *html.Node, tag string) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == tag || hasDescendant(c, tag) {
			return true
		}
	}
	return false
}

func insideLabel(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == "label" {
			return true
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var b bytes.Buffer
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// visibleText is the page's text as a reader sees it: without scripts'
// content (the data islands), attributes or tags.
func visibleText(body string) string {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return ""
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		if n.Type == html.ElementNode {
			for _, k := range []string{"aria-label", "title", "placeholder"} {
				if v := attr(n, k); v != "" {
					b.WriteString(v)
					b.WriteByte(' ')
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return b.String()
}

var verbPattern = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// englishPhrases are the fixed parts of the English messages that French
// says otherwise: none of them may show on a French page.
func englishPhrases() []string {
	en, fr := i18n.New(i18n.English), i18n.New(i18n.French)
	var out []string
	for _, k := range i18n.Keys(i18n.English) {
		if en.T(k) == fr.T(k) {
			continue
		}
		for _, part := range verbPattern.Split(en.T(k), -1) {
			part = strings.TrimSpace(part)
			if len(part) >= 12 && strings.Contains(part, " ") && !strings.Contains(fr.T(k), part) {
				out = append(out, part)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

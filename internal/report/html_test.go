package report

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenTrials keeps the golden reports quick to compute; the figures are
// bit-for-bit reproducible whatever the machine.
const goldenTrials = 20_000

// reportCase is a report under test: a model, the evidence files it
// counts from, and the options.
type reportCase struct {
	name  string
	model string // under examples/
	// file, when set, is the model's path from the repository's root
	// instead.
	file   string
	budget *float64
	files  func(t testing.TB) []*evidence.EvidenceFile
}

func reportCases() []reportCase {
	return []reportCase{
		{name: "minimal", model: "minimal.yaml"},
		{name: "calibration", model: "calibration.yaml", files: calibrationEvidence},
		// Harm dimensions, harm tolerances and a calendar (issue 13).
		{name: "harms-small", file: "cmd/scrutin/testdata/harms-small.yaml"},
		// Contests, an audit control, scenarios that name a contest (issue 15).
		{name: "integrity", file: "internal/report/testdata/integrity.yaml"},
	}
}

var (
	builtMu sync.Mutex
	built   = map[string]*Report{}
)

// buildCase builds (once per test binary) the report of a case.
func buildCase(t testing.TB, c reportCase) *Report {
	t.Helper()
	builtMu.Lock()
	defer builtMu.Unlock()
	if r, ok := built[c.name]; ok {
		return r
	}
	r := buildReport(t, c)
	built[c.name] = r
	return r
}

func buildReport(t testing.TB, c reportCase) *Report {
	t.Helper()
	file := "examples/" + c.model
	if c.file != "" {
		file = c.file
	}
	m := loadModel(t, file)
	opt := Options{Trials: goldenTrials, Seed: 1, Budget: c.budget,
		Origin: Origin{File: file}, Generated: time.Date(2017, 5, 5, 20, 0, 0, 0, time.UTC)}
	if c.files != nil {
		opt.Evidence = c.files(t)
	}
	r, err := Build(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func loadExample(t testing.TB, name string) *model.Model {
	t.Helper()
	return loadModel(t, "examples/"+name)
}

// loadModel loads a model by its path from the repository's root.
func loadModel(t testing.TB, file string) *model.Model {
	t.Helper()
	name := filepath.Base(file)
	src, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(file)))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Decode(name, src)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// calibrationEvidence makes the evidence files of examples/calibration.yaml
// as `scrutin ingest` and `scrutin phishing` would, from examples/evidence/.
func calibrationEvidence(t testing.TB) []*evidence.EvidenceFile {
	t.Helper()
	dir := filepath.Join("..", "..", "examples", "evidence")
	in, err := evidence.NewIngester(evidence.TelemetryOptions{Kind: evidence.KindSSHD, Year: 2017})
	if err != nil {
		t.Fatal(err)
	}
	log, err := os.ReadFile(filepath.Join(dir, "auth.log"))
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Ingest(context.Background(), "auth.log", bytes.NewReader(log)); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(in.Summary())
	if err != nil {
		t.Fatal(err)
	}
	ssh, err := evidence.ReadEvidenceFile("ssh.json", bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	var campaigns []evidence.PhishingCampaign
	for _, name := range []string{"gophish-q1", "gophish-q2"} {
		f, err := os.Open(filepath.Join(dir, name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		p, err := evidence.ParsePhishing(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for i := range p.Campaigns {
			p.Campaigns[i].Name, p.Campaigns[i].Source = name, name+".csv"
		}
		campaigns = append(campaigns, p.Campaigns...)
	}
	var buf bytes.Buffer
	if err := evidence.AnalysePhishing(campaigns, evidence.PhishingOptions{}).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	phishing, err := evidence.ReadEvidenceFile("phishing.json", &buf)
	if err != nil {
		t.Fatal(err)
	}
	return []*evidence.EvidenceFile{ssh, phishing}
}

type rendering struct {
	ext    string
	render func(r *Report, w io.Writer, l i18n.Lang) error
}

var renderings = []rendering{
	{"html", (*Report).HTML},
	{"md", (*Report).Markdown},
}

func render(t testing.TB, r *Report, ext string, l i18n.Lang) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, rd := range renderings {
		if rd.ext == ext {
			if err := rd.render(r, &buf, l); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}
	}
	t.Fatalf("no rendering %s", ext)
	return nil
}

// TestGolden compares the HTML and Markdown reports, in English and
// French, with testdata (go test -update rewrites them).
func TestGolden(t *testing.T) {
	for _, c := range reportCases() {
		for _, rd := range renderings {
			for _, l := range i18n.Languages() {
				name := fmt.Sprintf("report-%s.%s.%s", c.name, l, rd.ext)
				t.Run(name, func(t *testing.T) {
					got := render(t, buildCase(t, c), rd.ext, l)
					path := filepath.Join("testdata", name)
					if *update {
						if err := os.MkdirAll("testdata", 0o755); err != nil {
							t.Fatal(err)
						}
						if err := os.WriteFile(path, got, 0o644); err != nil {
							t.Fatal(err)
						}
						return
					}
					want, err := os.ReadFile(path)
					if err != nil {
						t.Fatalf("%v (go test -update writes it)", err)
					}
					if !bytes.Equal(got, want) {
						t.Errorf("%s differs from the golden file (go test -update rewrites it after checking the diff):\n%s", name, firstDiff(got, want))
					}
				})
			}
		}
	}
}

func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n got  %.300s\n want %.300s", i+1, a, b)
		}
	}
	return "(lengths differ)"
}

// TestDeterministic: the same model and options give the same bytes, built
// again with another number of workers.
func TestDeterministic(t *testing.T) {
	c := reportCases()[0]
	a := buildCase(t, c)
	m := loadExample(t, c.model)
	b, err := Build(context.Background(), m, Options{Trials: goldenTrials, Seed: 1, Workers: 1,
		Origin: a.Origin, Generated: a.Generated})
	if err != nil {
		t.Fatal(err)
	}
	for _, rd := range renderings {
		for _, l := range i18n.Languages() {
			x, y := render(t, a, rd.ext, l), render(t, b, rd.ext, l)
			if !bytes.Equal(x, y) {
				t.Errorf("%s %s: two builds differ:\n%s", rd.ext, l, firstDiff(x, y))
			}
			if z := render(t, a, rd.ext, l); !bytes.Equal(x, z) {
				t.Errorf("%s %s: two renderings differ", rd.ext, l)
			}
		}
	}
}

// TestSelfContained parses every HTML report as XML and checks that it
// references nothing outside itself, that each chart comes with a table,
// that headings go down one level at a time and that ids are unique.
func TestSelfContained(t *testing.T) {
	for _, c := range reportCases() {
		for _, l := range i18n.Languages() {
			t.Run(c.name+"."+string(l), func(t *testing.T) {
				doc := render(t, buildCase(t, c), "html", l)
				for _, p := range checkHTML(doc, string(l)) {
					t.Error(p)
				}
			})
		}
	}
}

// forbidden elements load or run something.
var forbidden = map[string]bool{"script": true, "link": true, "iframe": true, "object": true, "embed": true,
	"img": true, "image": true, "audio": true, "video": true, "source": true, "track": true, "base": true,
	"frame": true, "frameset": true, "form": true, "foreignobject": true, "use": true, "picture": true, "applet": true}

var cssURL = regexp.MustCompile(`(?i)url\(\s*['"]?([^'")]*)`)

// checkCSS reports url( that is not data:, and @import.
func checkCSS(where, css string) []string {
	var out []string
	if strings.Contains(strings.ToLower(css), "@import") {
		out = append(out, where+": @import")
	}
	for _, m := range cssURL.FindAllStringSubmatch(css, -1) {
		if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(m[1])), "data:") {
			out = append(out, where+": url("+m[1]+")")
		}
	}
	return out
}

// checkHTML returns the problems of an HTML report.
func checkHTML(doc []byte, lang string) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if !bytes.HasPrefix(doc, []byte("<!DOCTYPE html>\n<html lang=\""+lang+"\">")) {
		add("the document does not open with <!DOCTYPE html> and <html lang=%q>", lang)
	}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = true
	ids := map[string]int{}
	var hrefs, labelled []string
	lastHeading := 0
	var stack []string
	// pending is the id of a chart's figure not yet followed by a table.
	pending, figures := "", 0
	svgs, style := 0, false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			add("not well-formed: %v", err)
			return problems
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(tk.Name.Local)
			stack = append(stack, name)
			if forbidden[name] {
				add("forbidden element <%s>", name)
			}
			for _, a := range tk.Attr {
				an := strings.ToLower(a.Name.Local)
				switch {
				case a.Name.Space == "" && an == "xmlns":
					if a.Value != "http://www.w3.org/2000/svg" {
						add("<%s xmlns=%q>", name, a.Value)
					}
					continue
				case an == "src" || an == "srcset" || an == "data" || an == "action" || an == "poster" || an == "background":
					add("<%s %s=%q>: a reference", name, an, a.Value)
				case an == "href":
					if !strings.HasPrefix(a.Value, "#") {
						add("<%s href=%q>: not an anchor in the document", name, a.Value)
					}
					hrefs = append(hrefs, strings.TrimPrefix(a.Value, "#"))
				case an == "style":
					problems = append(problems, checkCSS("style attribute", a.Value)...)
				case strings.HasPrefix(an, "on"):
					add("<%s %s>: an event handler", name, an)
				case an == "id":
					ids[a.Value]++
				case an == "aria-labelledby":
					labelled = append(labelled, strings.Fields(a.Value)...)
				case an == "http-equiv":
					add("<%s http-equiv=%q>", name, a.Value)
				}
				if v := strings.ToLower(a.Value); strings.Contains(v, "http:") || strings.Contains(v, "https:") ||
					strings.Contains(v, "//") || strings.Contains(v, "javascript:") {
					add("<%s %s=%q>: looks like an external reference", name, an, a.Value)
				}
			}
			if len(name) == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6' {
				level := int(name[1] - '0')
				if lastHeading == 0 && level != 1 {
					add("the first heading is <%s>, not <h1>", name)
				}
				if level > lastHeading+1 {
					add("heading <%s> after <h%d>: a level skipped", name, lastHeading)
				}
				lastHeading = level
			}
			switch name {
			case "style":
				style = true
			case "figure":
				if pending != "" {
					add("figure %s: a chart without a data table after it", pending)
				}
				figures++
				pending = ""
			case "svg":
				svgs++
				if !slicesContains(stack, "figure") {
					add("an <svg> outside a <figure>")
				}
				pending = strconv.Itoa(figures)
			case "table":
				pending = ""
			case "h1", "h2", "h3", "h4", "h5", "h6", "section":
				if pending != "" {
					add("figure %s: a chart without a data table after it", pending)
					pending = ""
				}
			}
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			if strings.ToLower(tk.Name.Local) == "style" {
				style = false
			}
		case xml.CharData:
			if style {
				problems = append(problems, checkCSS("<style>", string(tk))...)
			}
		case xml.ProcInst:
			add("processing instruction %s", tk.Target)
		case xml.Directive:
			if !strings.EqualFold(string(tk), "DOCTYPE html") {
				add("directive <!%s>", tk)
			}
		}
	}
	if svgs == 0 {
		add("no chart")
	}
	if pending != "" {
		add("figure %s: a chart without a data table after it", pending)
	}
	for id, n := range ids {
		if n > 1 {
			add("id %q used %d times", id, n)
		}
	}
	for _, h := range append(hrefs, labelled...) {
		if ids[h] == 0 {
			add("reference to a missing id %q", h)
		}
	}
	return problems
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestCheckHTML: the checker itself catches what it must.
func TestCheckHTML(t *testing.T) {
	ok := `<!DOCTYPE html>
<html lang="en"><head><style>a { color: red; background: url(data:image/png;base64,AA==) }</style></head>
<body><h1 id="t">T</h1><h2><a href="#t">x</a></h2><figure><svg xmlns="http://www.w3.org/2000/svg"></svg></figure><table></table></body></html>`
	if p := checkHTML([]byte(ok), "en"); len(p) != 0 {
		t.Errorf("a good document: %v", p)
	}
	for _, bad := range []string{
		`<script>alert(1)</script>`,
		`<img src="x.png" />`,
		`<a href="https://example.org/">x</a>`,
		`<link rel="stylesheet" href="s.css" />`,
		`<style>@import "x.css";</style>`,
		`<style>b { background: url(x.png) }</style>`,
		`<p style="background: url('https://x/y.png')">x</p>`,
		`<figure><svg xmlns="http://www.w3.org/2000/svg"></svg></figure>`,
		`<figure><svg xmlns="http://www.w3.org/2000/svg"></svg></figure><h2>no table</h2>`,
		`<h4>skipped</h4>`,
		`<p>unclosed`,
		`<svg xmlns="http://www.w3.org/2000/svg"><image href="x.png" /></svg>`,
		`<a href="#nowhere">x</a>`,
	} {
		doc := strings.Replace(ok, `</body>`, bad+`</body>`, 1)
		if p := checkHTML([]byte(doc), "en"); len(p) == 0 {
			t.Errorf("%s: not caught", bad)
		}
	}
}

// englishWords must not appear in the French report (outside the model's
// own names and descriptions, which are the user's words).
var englishWords = []string{"the", "and", "with", "of", "loss", "losses", "year", "years", "Before", "before", "after",
	"Mean", "mean", "annual", "probability", "Scenario", "Scenarios", "Evidence", "Assumptions", "Method", "Controls",
	"Control", "significant", "exceeds", "within", "per", "cost", "Recommended", "recommended", "simulated", "seed",
	"money", "Contents", "Yes", "No", "yes", "no", "none", "between", "shape", "rate", "Report", "Threat", "actor",
	"Kind", "Asset", "Label", "Scale", "Effects", "proposed", "force", "frontier", "harm", "Harm", "election",
	"Window", "window", "tolerance", "times", "any", "chance", "above"}

// TestFrenchIsFrench: no English word of the report's own in the French
// reports.
func TestFrenchIsFrench(t *testing.T) {
	for _, c := range reportCases() {
		r := buildCase(t, c)
		for _, ext := range []string{"html", "md"} {
			text := string(render(t, r, ext, i18n.French))
			if ext == "html" {
				text = visibleText(t, text)
			}
			text = removeModelWords(text, r)
			for _, w := range englishWords {
				re := regexp.MustCompile(`(^|[^\p{L}])` + regexp.QuoteMeta(w) + `($|[^\p{L}])`)
				if loc := re.FindStringIndex(text); loc != nil {
					from, to := max(0, loc[0]-60), min(len(text), loc[1]+60)
					t.Errorf("%s %s: English word %q in the French report: …%s…", c.name, ext, w, text[from:to])
				}
			}
		}
	}
}

// visibleText is the text of an HTML document, without its stylesheet.
func visibleText(t *testing.T, doc string) string {
	dec := xml.NewDecoder(strings.NewReader(doc))
	var b strings.Builder
	style := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return b.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			style = tk.Name.Local == "style"
			b.WriteByte(' ')
		case xml.EndElement:
			style = false
			b.WriteByte(' ')
		case xml.CharData:
			if !style {
				b.Write(tk)
			}
		}
	}
}

// removeModelWords blanks the model's own words out of a report: names,
// descriptions, ids, kinds, sources, labels and file names.
func removeModelWords(text string, r *Report) string {
	m := r.Model
	var words []string
	add := func(s ...string) {
		for _, x := range s {
			if x != "" {
				words = append(words, x, mdEscape(x))
			}
		}
	}
	add(m.Name, m.Description, r.Origin.File)
	for _, o := range m.Organizations {
		add(o.Name, o.ID)
	}
	for _, a := range m.Assets {
		add(a.Name, a.ID, a.Kind, a.Description)
	}
	for _, a := range m.Actors {
		add(a.Name, a.ID, a.Description)
	}
	for _, c := range m.Controls {
		add(c.Name, c.ID, c.Description)
	}
	for _, s := range m.Scenarios {
		add(s.Name, truncate(s.Name, 46), s.ID, s.Description)
		for _, d := range []*model.Dist{&s.Frequency, s.Vulnerability.Prob, &s.Magnitude} {
			if d != nil {
				add(d.Label)
			}
		}
	}
	for _, e := range m.Evidence {
		add(e.ID, e.Source)
	}
	for _, h := range m.Harms {
		add(h.Name, Lower(h.Name), h.ID, h.Unit, h.Description)
	}
	if m.Calendar != nil {
		for _, w := range m.Calendar.Windows {
			add(w.Name, Lower(w.Name), w.ID)
		}
	}
	for _, c := range m.Contests {
		add(c.Name, truncate(c.Name, 32), c.ID, c.Description)
		for name := range c.Candidates {
			add(name)
		}
		for _, u := range c.Units {
			add(u.Name, u.ID, u.Counting)
		}
	}
	for _, u := range r.Updates {
		for _, o := range u.Evidence {
			add(o.Source)
		}
	}
	// Longest first, so that a name is not cut by one of its words.
	for i := range words {
		for j := i + 1; j < len(words); j++ {
			if len(words[j]) > len(words[i]) {
				words[i], words[j] = words[j], words[i]
			}
		}
	}
	for _, w := range words {
		text = strings.ReplaceAll(text, w, " ")
	}
	return text
}

// TestEnglishHasNoKeys: every message the reports use exists (a missing
// one would show as its key).
func TestEnglishHasNoKeys(t *testing.T) {
	for _, c := range reportCases() {
		r := buildCase(t, c)
		for _, l := range i18n.Languages() {
			for _, ext := range []string{"html", "md"} {
				if s := string(render(t, r, ext, l)); strings.Contains(s, "report.") {
					i := strings.Index(s, "report.")
					t.Errorf("%s %s %s: a message key: …%s…", c.name, l, ext, s[max(0, i-40):min(len(s), i+60)])
				}
			}
		}
	}
}

// TestBuildWithBudget: with a budget the plan is plan.Optimize's at that
// budget, and the report says so.
func TestBuildWithBudget(t *testing.T) {
	budget := 1000.0 // less than security-keys costs a year
	r := buildReport(t, reportCase{name: "budget", model: "minimal.yaml", budget: &budget})
	if r.Basis != BasisBudget || len(r.Plan.Selected) != 0 || r.Residual != r.Result {
		t.Errorf("a budget that buys nothing: basis %s, selected %v", r.Basis, r.Plan.Selected)
	}
	html := string(render(t, r, "html", i18n.English))
	if !strings.Contains(html, "none fits the budget") || !strings.Contains(html, "within the budget of 1,000") {
		t.Errorf("the report does not say that nothing fits the budget")
	}
	n := buildCase(t, reportCases()[0])
	if n.Basis != BasisNetBenefit || len(n.Plan.Selected) != 1 || n.Plan.Selected[0] != "security-keys" {
		t.Errorf("net benefit: basis %s, selected %v", n.Basis, n.Plan.Selected)
	}
	if net := n.Plan.Reduction - n.Plan.Cost; net <= 0 {
		t.Errorf("the recommended plan's net benefit is %g", net)
	}
}

// TestStoredResult: a report of a stored run's result (decoded from its
// JSON) reads the same as one that simulates again.
func TestStoredResult(t *testing.T) {
	c := reportCases()[0]
	r := buildCase(t, c)
	var buf bytes.Buffer
	if err := JSON(&buf, r.Result); err != nil {
		t.Fatal(err)
	}
	var stored sim.Result
	if err := json.Unmarshal(buf.Bytes(), &stored); err != nil {
		t.Fatal(err)
	}
	s, err := Build(context.Background(), loadExample(t, c.model), Options{Trials: goldenTrials, Seed: 1, Result: &stored,
		Origin: r.Origin, Generated: r.Generated})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range i18n.Languages() {
		if a, b := render(t, r, "html", l), render(t, s, "html", l); !bytes.Equal(a, b) {
			t.Errorf("%s: the stored result's report differs:\n%s", l, firstDiff(b, a))
		}
	}
	wrong := stored
	wrong.Seed = 2
	if _, err := Build(context.Background(), loadExample(t, c.model), Options{Trials: goldenTrials, Seed: 1, Result: &wrong}); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("a result of another seed: %v", err)
	}
}

// TestPDF prints the minimal report with Chromium, when it is installed.
func TestPDF(t *testing.T) {
	if _, err := FindChromium(); err != nil {
		t.Skipf("no Chromium on PATH (%v): PDF not tested", err)
	}
	html := render(t, buildCase(t, reportCases()[0]), "html", i18n.French)
	var out bytes.Buffer
	if err := PDF(context.Background(), &out, html, PDFOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out.Bytes(), []byte("%PDF")) || out.Len() < 10_000 {
		t.Errorf("not a PDF: %d bytes starting %q", out.Len(), out.Bytes()[:min(out.Len(), 8)])
	}
}

// TestNoChromium: without Chromium the error says what to do.
func TestNoChromium(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := PDF(context.Background(), io.Discard, []byte("<html></html>"), PDFOptions{})
	if !errors.Is(err, ErrNoChromium) || !strings.Contains(err.Error(), "apt-get install chromium") {
		t.Errorf("got %v", err)
	}
}

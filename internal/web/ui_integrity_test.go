package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/report"
)

// integrityModelFile is a model with two contests (one with counting
// units and a risk-limiting audit at 5 %), shared with the report's tests.
const integrityModelFile = "../report/testdata/integrity.yaml"

// integrityServer is a server whose demo organisation holds the model of
// integrityModelFile (its id returned) and the minimal example, without
// contests (its id second).
func integrityServer(t *testing.T) (ts *testServer, admin *client, contests, minimal int64) {
	t.Helper()
	c := &clock{}
	ts = startServer(t, ":memory:", testConfig(c), c)
	admin = ts.signIn(t, DefaultAdminEmail, adminPassword)
	var saved savedModel
	admin.want(http.StatusCreated, "POST", "/api/v1/orgs/demo/models", map[string]string{"name": "integrity", "yaml": string(readFile(t, integrityModelFile))}).decode(&saved)
	contests = saved.ID
	admin.want(http.StatusCreated, "POST", "/api/v1/orgs/demo/models", map[string]string{"name": "minimal", "yaml": exampleModel(t, "minimal.yaml")}).decode(&saved)
	return ts, admin, contests, saved.ID
}

// integrityModel decodes integrityModelFile.
func integrityModel(t *testing.T) *model.Model {
	t.Helper()
	m, err := model.Decode("integrity.yaml", readFile(t, integrityModelFile))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// docFigures are the numbers of a contest's `scrutin audit --format json`
// document, as the page must write them in p's language.
func docFigures(t *testing.T, p *i18n.Printer, c report.ContestAudit) []string {
	t.Helper()
	b, err := json.Marshal(report.IntegrityDoc(c))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Ballots       int64    `json:"ballots"`
		Winners       []string `json:"winners"`
		DilutedMargin float64  `json:"diluted_margin"`
		VotesToFlip   int64    `json:"votes_to_flip"`
		UnitsToFlip   *int     `json:"units_to_flip"`
		RiskLimit     float64  `json:"risk_limit"`
		Bravo         struct {
			ASN         int64             `json:"asn"`
			SampleSizes map[string]*int64 `json:"sample_sizes"`
		} `json:"bravo"`
		Comparison struct {
			SampleSize int64 `json:"sample_size"`
		} `json:"comparison"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	n := func(x int64) string { return p.Number(float64(x), 0) }
	out := []string{n(d.Ballots), strings.Join(d.Winners, ", "), report.Share(p, d.DilutedMargin), n(d.VotesToFlip),
		report.Share(p, d.RiskLimit), n(d.Bravo.ASN), n(d.Comparison.SampleSize)}
	if d.UnitsToFlip != nil {
		out = append(out, n(int64(*d.UnitsToFlip)))
	}
	for _, q := range []string{"0.7", "0.8", "0.9"} {
		if s := d.Bravo.SampleSizes[q]; s != nil {
			out = append(out, n(*s))
		}
	}
	return out
}

// cells are the texts of the cells of the figures table of a contest.
func cells(t *testing.T, p *page, contest string) string {
	t.Helper()
	i := strings.Index(p.body, `data-contest="`+contest+`"`)
	if i < 0 {
		t.Fatalf("%s: no figures table of %q", p.path, contest)
	}
	s := p.body[i:]
	s = s[:strings.Index(s, "</table>")]
	return htmlText(s)
}

// TestIntegrityModelPage: the model page of a model with contests has an
// outcome integrity section: each contest's sentences (report's, as
// `scrutin audit` says them) and a table whose figures are those of
// `scrutin audit --format json`, at the contest's risk limit; the audit
// control with its computed sample and cost; the chart. ?risk= assesses
// every contest at another risk limit; an invalid one is refused with a
// clear message, not a 500. A model without contests has no section.
func TestIntegrityModelPage(t *testing.T) {
	ts, _, id, minimal := integrityServer(t)
	m := integrityModel(t)
	path := fmt.Sprintf("/orgs/demo/models/%d", id)
	for _, lang := range []i18n.Lang{i18n.English, i18n.French} {
		t.Run(string(lang), func(t *testing.T) {
			pr := i18n.New(lang)
			b := ts.signedIn(t, DefaultAdminEmail, adminPassword, string(lang))
			for _, risk := range []float64{0, 0.2} {
				q := ""
				if risk != 0 {
					q = "?risk=" + fmt.Sprint(risk)
				}
				p := b.get(path + q).want(http.StatusOK)
				checkHTML(t, p.path, p.body, ts.srv.assets.byPath)
				p.contains(`id="integrity"`, pr.T("integrity.title"), `<svg class="chart"`, `href="#integrity"`)
				text := htmlText(p.body)
				for _, c := range report.AssessContests(m, risk) {
					if c.Err != nil {
						t.Fatal(c.Err)
					}
					for _, s := range report.IntegritySentences(pr, c.Audit) {
						if !strings.Contains(text, "<p>"+s+"</p>") {
							t.Errorf("risk %v: sentence %q not on the page", risk, s)
						}
					}
					table := cells(t, p, c.Audit.ID)
					for _, f := range docFigures(t, pr, c.Audit) {
						if !strings.Contains(table, `<td class="num">`+f) {
							t.Errorf("risk %v, %s: figure %q not in its table:\n%s", risk, c.Audit.ID, f, table)
						}
					}
				}
				// The audit control: its sample at its own risk limit
				// (5 %), whatever the page's, and its yearly cost: fixed
				// part plus sample × cost per ballot.
				ctl := m.ControlByID("rla")
				n, err := m.AuditSample(ctl)
				if err != nil {
					t.Fatal(err)
				}
				ctrl := p.body[strings.Index(p.body, `data-control="rla"`):]
				ctrl = htmlText(ctrl[:strings.Index(ctrl, "</tr>")])
				for _, want := range []string{pr.Number(float64(n), 0), report.Share(pr, 0.05), pr.Money(1000+2*float64(n), pr.Currency("EUR")), "Mayoral election"} {
					if !strings.Contains(ctrl, want) {
						t.Errorf("control row lacks %q: %s", want, ctrl)
					}
				}
			}
			// The figures move with the risk limit.
			own, loose := b.get(path).want(http.StatusOK), b.get(path+"?risk=0.2").want(http.StatusOK)
			if cells(t, own, "mayor") == cells(t, loose, "mayor") {
				t.Error("?risk=0.2 did not change the figures")
			}
			// A decimal comma, as French writes it, is the same number.
			if comma := b.get(path + "?risk=0,2").want(http.StatusOK); cells(t, comma, "mayor") != cells(t, loose, "mayor") {
				t.Error("?risk=0,2 is not ?risk=0.2")
			}
			for _, bad := range []string{"0", "1", "1.5", "-0.1", "abc", "NaN", "Inf", strings.Repeat("9", 5000)} {
				p := b.get(path + "?risk=" + url.QueryEscape(bad)).want(http.StatusBadRequest)
				shown := bad
				if len(shown) > 32 {
					shown = shown[:32] + "…"
				}
				p.contains(`id="risk-error"`, `aria-invalid="true"`)
				if !strings.Contains(htmlText(p.body), pr.T("integrity.risk.invalid", shown)) {
					t.Errorf("risk %.40q: no clear error", bad)
				}
				if sec := p.body[strings.Index(p.body, `id="integrity"`):]; strings.Contains(sec, strings.Repeat("9", 33)) {
					t.Error("the section echoes the long risk limit whole")
				}
			}
			b.get(fmt.Sprintf("/orgs/demo/models/%d", minimal)).want(http.StatusOK).lacks(`id="integrity"`, `href="#integrity"`)
		})
	}
}

// BenchmarkIntegritySection is the work the model page adds for a model
// with contests: two assessments per contest and the chart's 41 points.
func BenchmarkIntegritySection(b *testing.B) {
	m, err := model.Decode("integrity.yaml", readFile(b, integrityModelFile))
	if err != nil {
		b.Fatal(err)
	}
	p := i18n.New(i18n.French)
	for b.Loop() {
		if iv := integrityOf(p, m, url.Values{}, "€"); iv == nil || iv.Chart == "" {
			b.Fatal("no section")
		}
	}
}

// TestIntegrityOldRevision: the section of an old revision (?rev=1) is
// that revision's, and its risk limit form keeps the revision.
func TestIntegrityOldRevision(t *testing.T) {
	ts, admin, id, _ := integrityServer(t)
	yaml := strings.Replace(string(readFile(t, integrityModelFile)), "{Alice: 600, Bob: 400}", "{Alice: 700, Bob: 300}", 1)
	admin.want(http.StatusOK, "PUT", fmt.Sprintf("/api/v1/orgs/demo/models/%d", id), map[string]any{"yaml": yaml, "base_revision": 1})
	b := ts.signedIn(t, DefaultAdminEmail, adminPassword, "en")
	old := b.get(fmt.Sprintf("/orgs/demo/models/%d?rev=1", id)).want(http.StatusOK)
	old.contains(`<input type="hidden" name="rev" value="1">`)
	if !strings.Contains(cells(t, old, "mayor"), `<td class="num">101`) {
		t.Errorf("revision 1: not its votes to flip (101)")
	}
	cur := b.get(fmt.Sprintf("/orgs/demo/models/%d", id)).want(http.StatusOK)
	cur.lacks(`name="rev"`)
	if !strings.Contains(cells(t, cur, "mayor"), `<td class="num">201`) {
		t.Errorf("revision 2: not its votes to flip (201)")
	}
}

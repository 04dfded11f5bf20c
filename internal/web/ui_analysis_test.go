package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/adtree"
	"github.com/scrutin/scrutin/internal/attack"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/runreport"
)

// TestUIAnalysis drives the analysis pages (a model's attack trees and
// ATT&CK coverage) and the download of a run's report.
func TestUIAnalysis(t *testing.T) {
	w := newUIWorld(t)
	steps := []struct {
		name string
		fn   func(t *testing.T, w *uiWorld)
	}{
		{"Pages", testAnalysisPages},
		{"Tree", testAnalysisTree},
		{"Attack", testAnalysisAttack},
		{"WhatIf", testAnalysisWhatIf},
		{"Links", testAnalysisLinks},
		{"Report", testAnalysisReport},
		{"ReportPDF", testAnalysisReportPDF},
		{"Isolation", testAnalysisIsolation},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) { s.fn(t, w) })
	}
}

// electionModel is the built-in example, as the demo organisation has it.
func electionModel(t *testing.T) *model.Model {
	t.Helper()
	m, err := model.Decode("election.yaml", examples.Election())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// analysisPages are the analysis pages, with a French phrase each must
// show in French.
func analysisPages(w *uiWorld) []struct{ who, path, fr string } {
	e := fmt.Sprintf("/orgs/demo/models/%d", w.election)
	m := fmt.Sprintf("/orgs/party-a/models/%d", w.minimal)
	return []struct{ who, path, fr string }{
		{"admin", e + "/trees", "Arbres d'attaque et de défense"},
		{"admin", e + "/trees?rev=1", "Arbres d'attaque et de défense"},
		{"admin", e + "/trees/change-result", "Résultats exacts"},
		{"admin", e + "/trees/leak-mailboxes", "Les attaques les moins chères"},
		{"admin", e + "/attack", "Techniques par tactique"},
		{"admin", e + "/attack?actor=APT28", "Techniques non couvertes"},
		{"admin", e + "/attack?actor=sandworm", "Techniques par tactique"},
		{"admin", e + "/attack?actor=influence-ops", "Techniques par tactique"},
		{"alice", m + "/trees", "Ce modèle n'a pas d'arbre"},
		{"alice", m + "/attack", "Couverture ATT&CK"},
		{"alice", fmt.Sprintf("/orgs/party-a/runs/%d", w.run), "Télécharger le rapport"},
	}
}

// untranslated are the parts of a page that are not in its language by
// design: the notes of the analyses, marked lang="en". (The tree's
// drawing is in the page's language.)
var untranslated = regexp.MustCompile(`(?s)<ul class="notes" lang="en">.*?</ul>|<span lang="en">.*?</span>`)

func testAnalysisPages(t *testing.T, w *uiWorld) {
	phrases := englishPhrases()
	for _, lang := range []string{"en", "fr"} {
		browsers := map[string]*browser{
			"alice": w.ts.signedIn(t, "alice@example.org", "alice-password", lang),
			"admin": w.ts.signedIn(t, DefaultAdminEmail, adminPassword, lang),
		}
		// The model's influence actor, known by its DISARM techniques, is
		// offered on the ATT&CK page, and its coverage shows them.
		b := browsers["admin"]
		b.t = t
		e := fmt.Sprintf("/orgs/demo/models/%d", w.election)
		b.get(e + "/attack").want(http.StatusOK).contains(`value="influence-ops"`)
		r := b.get(e + "/attack?actor=influence-ops").want(http.StatusOK)
		r.contains("T0098.001")
		r.contains("T0088.001")
		for _, pg := range analysisPages(w) {
			t.Run(lang+pg.path, func(t *testing.T) {
				b := browsers[pg.who]
				b.t = t
				r := b.get(pg.path).want(http.StatusOK)
				if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
					t.Errorf("Content-Type %q", ct)
				}
				r.contains(`<html lang="` + lang + `">`)
				checkHTML(t, pg.path, r.body, w.ts.srv.assets.byPath)
				if lang != "fr" {
					return
				}
				text := visibleText(untranslated.ReplaceAllString(r.body, ""))
				if !strings.Contains(text, pg.fr) {
					t.Errorf("no %q in the French page:\n%s", pg.fr, truncate(text, 3000))
				}
				for _, ph := range phrases {
					if strings.Contains(text, ph) {
						t.Errorf("English on the French page: %q", ph)
					}
				}
			})
		}
	}
}

// testAnalysisTree: the drawing is inline SVG in a region that scrolls,
// and it highlights the cheapest attack that adtree finds, which is the
// first row of the table of cheapest attacks.
func testAnalysisTree(t *testing.T, w *uiWorld) {
	m := electionModel(t)
	inForce := m.Implemented()
	ctx := adtree.Context{Cheapest: adtree.DefaultCheapest, InForce: func(c string) bool {
		for _, id := range inForce {
			if id == c {
				return true
			}
		}
		return false
	}}
	for _, lang := range []string{"en", "fr"} {
		admin := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, lang)
		for i := range m.Trees {
			mt := &m.Trees[i]
			res := adtree.Evaluate(adtree.FromModel(mt), ctx)
			if len(res.Cheapest) == 0 {
				t.Fatalf("tree %s: no cheapest attack", mt.ID)
			}
			leaves := append([]string(nil), res.Cheapest[0].Leaves...)
			path := fmt.Sprintf("/orgs/demo/models/%d/trees/%s", w.election, mt.ID)
			r := admin.get(path).want(http.StatusOK)
			pr := i18n.New(i18n.Lang(lang))
			label := pr.T("tree.cheapest.label")
			r.contains(`class="tree-scroll"`, `<svg xmlns="http://www.w3.org/2000/svg"`, `stroke="#e07000"`, ">"+label+"</text>",

				`<tr class="tree-hi">`, `id="tree-results"`)
			r.lacks("<?xml")
			if want := fmt.Sprintf(pr.T("draw.highlighted"), strings.Join(sortedCopy(leaves), ", ")); !strings.Contains(html.UnescapeString(r.body), want) {
				t.Errorf("%s: no %q in the drawing's description", path, want)
			}
			// The highlighted row lists the cheapest attack's steps.
			row := regexp.MustCompile(`(?s)<tr class="tree-hi">(.*?)</tr>`).FindStringSubmatch(r.body)
			if row == nil {
				t.Fatalf("%s: no highlighted row", path)
			}
			for _, l := range leaves {
				id := strings.TrimPrefix(l, "bypass:")
				if !strings.Contains(row[1], "<code>"+id+"</code>") {
					t.Errorf("%s: the highlighted row lacks %s:\n%s", path, id, row[1])
				}
			}
			// The exact figures are there, in the page's language.
			p := i18n.New(i18n.Lang(lang))
			r.contains(p.Money(*res.MinCost, m.Currency), p.Percent(*res.Probability))
		}
	}
	// The list links to every tree, with its figures.
	admin := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, "en")
	r := admin.get(fmt.Sprintf("/orgs/demo/models/%d/trees", w.election)).want(http.StatusOK)
	for _, tr := range m.Trees {
		r.contains(fmt.Sprintf(`/orgs/demo/models/%d/trees/%s"`, w.election, tr.ID), tr.Name)
	}
	// An old revision keeps its number in the links.
	admin.get(fmt.Sprintf("/orgs/demo/models/%d/trees?rev=1", w.election)).want(http.StatusOK).
		contains(fmt.Sprintf(`/orgs/demo/models/%d/trees/change-result"`, w.election))
	// Unknown trees, revisions and models are not found; a bad revision
	// is a bad request.
	admin.get(fmt.Sprintf("/orgs/demo/models/%d/trees/no-such-tree", w.election)).want(http.StatusNotFound).contains("Page not found")
	admin.get(fmt.Sprintf("/orgs/demo/models/%d/trees?rev=99", w.election)).want(http.StatusNotFound)
	admin.get(fmt.Sprintf("/orgs/demo/models/%d/trees?rev=x", w.election)).want(http.StatusBadRequest)
	admin.get("/orgs/demo/models/999999/trees").want(http.StatusNotFound)
	admin.get("/orgs/demo/models/999999/trees/change-result").want(http.StatusNotFound)
}

func sortedCopy(xs []string) []string {
	out := append([]string(nil), xs...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// testAnalysisAttack: the matrix of APT28's techniques against the
// example model's controls marks covered and uncovered techniques, with
// words, and ranks the uncovered ones as attack.Rank does.
func testAnalysisAttack(t *testing.T, w *uiWorld) {
	m := electionModel(t)
	c, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := c.ResolveActor(m, "APT28")
	if err != nil {
		t.Fatal(err)
	}
	cov, err := c.Cover(a, m, m.Implemented())
	if err != nil {
		t.Fatal(err)
	}
	score := map[string]int{}
	for _, tc := range cov.Techniques {
		score[tc.ID] = tc.Score
	}
	// Known from the example: patch management (M1051) mitigates T1190;
	// staff training, proposed, would mitigate T1566.001; nothing can
	// mitigate T1583.001 (acquiring domains happens before any compromise).
	if score["T1190"] != attack.ScoreMitigated || score["T1566.001"] != attack.ScoreProposed || score["T1583.001"] != attack.ScoreUncovered {
		t.Fatalf("the example's coverage changed: T1190 %d, T1566.001 %d, T1583.001 %d", score["T1190"], score["T1566.001"], score["T1583.001"])
	}
	admin := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, "en")
	base := fmt.Sprintf("/orgs/demo/models/%d/attack", w.election)
	for _, q := range []string{"?actor=APT28", "?actor=G0007", "?actor=apt28", "?actor=fancy+bear", ""} {
		r := admin.get(base + q).want(http.StatusOK)
		r.contains(`<option value="G0007" selected>APT28 (G0007) — actor apt28 of the model</option>`,
			`<li class="cov-cell cov-covered" data-technique="T1190"`,
			`<li class="cov-cell cov-uncovered" data-technique="T1583.001"`,
			`<li class="cov-cell cov-proposed" data-technique="T1566.001" title="Would be mitigated by Campaign-only accounts (no personal mailboxes for campaign work), least privilege and off-boarding within 24 hours (separate-accounts), Security training with simulated spear-phishing for staff (campaign and election offices) (staff-training), Two-person rule, named administrator accounts and audited privileged sessions on election systems (privileged-access)">`,
			`<span class="sr-only">Covered: </span><code>T1190</code>`,
			`<span class="sr-only">Not covered: </span><code>T1583.001</code>`,
			`none: ATT&CK says it happens before any compromise (M1056)`,
			fmt.Sprintf(`<tr id="u-%s">`, cov.Uncovered[0].ID),
			fmt.Sprintf("%d of %d", cov.Mitigated, len(cov.Techniques)))
		r.lacks(`data-technique="T1190" title=""`)
	}
	r := admin.get(base + "?actor=APT28").want(http.StatusOK)
	// The columns follow the kill chain; the ranked table, attack.Rank.
	var last int
	for _, tc := range cov.ByTactic {
		i := strings.Index(r.body, `id="tac-`+tc.Tactic.ShortName+`"`)
		if i < last {
			t.Errorf("tactic %s is out of order", tc.Tactic.ShortName)
		}
		last = i
	}
	rows := regexp.MustCompile(`<tr id="u-(T[0-9.]+)">`).FindAllStringSubmatch(r.body, -1)
	if len(rows) != len(cov.Uncovered) {
		t.Fatalf("%d uncovered rows, want %d", len(rows), len(cov.Uncovered))
	}
	for i, row := range rows {
		if row[1] != cov.Uncovered[i].ID {
			t.Errorf("uncovered #%d is %s, want %s", i+1, row[1], cov.Uncovered[i].ID)
			break
		}
	}
	// Another actor of the catalogue; an unknown one is a page with the
	// reason, not an error page.
	admin.get(base+"?actor=G0034").want(http.StatusOK).contains(`<option value="G0034" selected>`, "Sandworm Team (G0034)")
	admin.get(base+"?actor=nobody").want(http.StatusUnprocessableEntity).contains(`role="alert"`, "No coverage for “nobody”.").lacks(`id="coverage-matrix"`)
	fr := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, "fr")
	fr.get(base+"?actor=APT28").want(http.StatusOK).contains("<span class=\"sr-only\">Couverte\u00a0: </span><code>T1190</code>", "Non couverte")
}

// testAnalysisLinks: the model pages, the list of models, the run and
// the dashboard lead to the new pages.
func testAnalysisLinks(t *testing.T, w *uiWorld) {
	alice := w.ts.signedIn(t, "alice@example.org", "alice-password", "en")
	m := fmt.Sprintf("/orgs/party-a/models/%d", w.minimal)
	alice.get(m).want(http.StatusOK).contains(`href="`+m+`/trees"`, `href="`+m+`/attack"`)
	alice.get("/orgs/party-a/models").want(http.StatusOK).contains(`href="`+m+`/trees"`, `href="`+m+`/attack"`)
	rep := fmt.Sprintf("/orgs/party-a/runs/%d/report", w.run)
	alice.get(fmt.Sprintf("/orgs/party-a/runs/%d", w.run)).want(http.StatusOK).
		contains(`id="download-report" href="`+rep+`?format=html"`, `href="`+rep+`?format=md"`, `href="`+rep+`?format=pdf"`)
	alice.get(fmt.Sprintf("/orgs/party-a?model=%d", w.minimal)).want(http.StatusOK).contains(`href="` + rep + `?format=html"`)
}

// externalRef finds what a document would load from elsewhere.
var externalRef = regexp.MustCompile(`(?i)(\s(src|href|action|poster|data)\s*=\s*["']?\s*(https?:)?//)|<script|<link\b|@import|url\(\s*["']?(https?:)?//`)

func testAnalysisReport(t *testing.T, w *uiWorld) {
	for _, lang := range []string{"en", "fr"} {
		carol := w.ts.signedIn(t, "carol@example.org", "carol-password", lang) // a viewer
		path := fmt.Sprintf("/orgs/party-a/runs/%d/report", w.run)
		for _, q := range []string{"?format=html", ""} {
			r := fetchReport(t, carol, path+q).want(http.StatusOK)
			if got := r.header.Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", got)
			}
			if got, want := r.header.Get("Content-Disposition"), fmt.Sprintf(`attachment; filename="scrutin-run-%d.html"`, w.run); got != want {
				t.Errorf("Content-Disposition %q, want %q", got, want)
			}
			if !strings.HasPrefix(r.body, "<!DOCTYPE html>") || !strings.Contains(r.body, `<html lang="`+lang+`">`) || !strings.Contains(r.body, "<svg") {
				t.Errorf("%s: not the %s HTML report:\n%s", path, lang, truncate(r.body, 500))
			}
			if m := externalRef.FindString(r.body); m != "" {
				t.Errorf("%s: the report refers outside itself: %q", path, m)
			}
		}
		r := carol.get(path + "?format=md").want(http.StatusOK)
		if got := r.header.Get("Content-Type"); got != "text/markdown; charset=utf-8" {
			t.Errorf("md: Content-Type %q", got)
		}
		if got, want := r.header.Get("Content-Disposition"), fmt.Sprintf(`attachment; filename="scrutin-run-%d.md"`, w.run); got != want {
			t.Errorf("Content-Disposition %q, want %q", got, want)
		}
		if !strings.HasPrefix(r.body, "# ") || !strings.Contains(r.body, "| --- |") {
			t.Errorf("md: not a Markdown report:\n%s", truncate(r.body, 500))
		}
		carol.get(path + "?format=docx").want(http.StatusBadRequest)
	}
	// It is the report `scrutin report --run` writes: the same functions on
	// the same stored run give the same bytes.
	opt := report.Options{Objective: plan.ObjectiveMean, Horizon: plan.DefaultHorizon, Generated: w.ts.clock.Now().UTC()}
	m, err := runreport.Load(context.Background(), w.ts.db, "party-a", w.run, &opt)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.Build(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := rep.Render(context.Background(), &want, "md", i18n.French, report.PDFOptions{}); err != nil {
		t.Fatal(err)
	}
	fr := w.ts.signedIn(t, "carol@example.org", "carol-password", "fr")
	if got := fr.get(fmt.Sprintf("/orgs/party-a/runs/%d/report?format=md", w.run)).want(http.StatusOK).body; got != want.String() {
		t.Errorf("the downloaded report is not the CLI's")
	}
	// Unknown runs are not found.
	fr.get("/orgs/party-a/runs/999999/report").want(http.StatusNotFound)
	fr.get("/orgs/party-a/runs/x/report").want(http.StatusNotFound)
}

func testAnalysisReportPDF(t *testing.T, w *uiWorld) {
	alice := w.ts.signedIn(t, "alice@example.org", "alice-password", "en")
	path := fmt.Sprintf("/orgs/party-a/runs/%d/report?format=pdf", w.run)
	if _, err := report.FindChromium(); err == nil {
		r := fetchReport(t, alice, path).want(http.StatusOK)
		if !strings.HasPrefix(r.body, "%PDF-") || r.header.Get("Content-Type") != "application/pdf" {
			t.Errorf("not a PDF: %s %.20q", r.header.Get("Content-Type"), r.body)
		}
		if got, want := r.header.Get("Content-Disposition"), fmt.Sprintf(`attachment; filename="scrutin-run-%d.pdf"`, w.run); got != want {
			t.Errorf("Content-Disposition %q, want %q", got, want)
		}
	} else {
		t.Log("no Chromium on PATH: the PDF itself is not tested")
	}
	// Without Chromium, a page says so and offers the HTML report.
	t.Setenv("PATH", "")
	for _, lang := range []string{"en", "fr"} {
		b := w.ts.signedIn(t, "alice@example.org", "alice-password", lang)
		r := b.get(path).want(http.StatusNotImplemented)
		checkHTML(t, path, r.body, w.ts.srv.assets.byPath)
		p := i18n.New(i18n.Lang(lang))
		r.contains(p.T("download.nopdf.title"), p.T("download.nopdf"), fmt.Sprintf(`href="/orgs/party-a/runs/%d/report?format=html"`, w.run))
		if r.header.Get("Content-Disposition") != "" {
			t.Errorf("the page is an attachment")
		}
	}
}

// testAnalysisIsolation: another organisation's members find nothing;
// the administrator, who is no member, neither.
func testAnalysisIsolation(t *testing.T, w *uiWorld) {
	bob := w.ts.signedIn(t, "bob@example.org", "bob-password", "en")
	admin := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, "en")
	m := fmt.Sprintf("/orgs/party-a/models/%d", w.minimal)
	e := fmt.Sprintf("/orgs/demo/models/%d", w.election)
	paths := []string{m + "/trees", m + "/attack", m + "/trees/x", fmt.Sprintf("/orgs/party-a/runs/%d/report", w.run),
		fmt.Sprintf("/orgs/party-a/runs/%d/report?format=pdf", w.run)}
	for _, p := range paths {
		bob.get(p).want(http.StatusNotFound).lacks("minimal", "Party A")
		admin.get(p).want(http.StatusNotFound)
	}
	carol := w.ts.signedIn(t, "carol@example.org", "carol-password", "en")
	for _, p := range []string{e + "/trees", e + "/trees/change-result", e + "/attack?actor=APT28", fmt.Sprintf("/orgs/demo/runs/%d/report", w.electionRun)} {
		bob.get(p).want(http.StatusNotFound)
		carol.get(p).want(http.StatusNotFound)
	}
	// party-a's ids through party-b, bob's own organisation.
	for _, p := range []string{fmt.Sprintf("/orgs/party-b/models/%d/trees", w.minimal), fmt.Sprintf("/orgs/party-b/models/%d/attack", w.minimal),
		fmt.Sprintf("/orgs/party-b/runs/%d/report", w.run), fmt.Sprintf("/orgs/party-b/runs/%d/report?format=md", w.run)} {
		bob.get(p).want(http.StatusNotFound)
	}
	// A viewer of the organisation reads them.
	for _, p := range paths[:2] {
		carol.get(p).want(http.StatusOK)
	}
}

// TestReportCacheCanceled: a request that waits for a turn to build a
// report gives up when it is canceled, and so does a build.
func TestReportCacheCanceled(t *testing.T) {
	c := newReportCache()
	for range maxReportBuilds {
		c.builds <- struct{}{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	built := false
	if _, err := c.get(ctx, reportKey{"o", 1, 0}, func(context.Context, func(int64, int64)) (*report.Report, error) { built = true; return nil, nil }); !errors.Is(err, context.Canceled) || built {
		t.Errorf("waiting: %v, built %v", err, built)
	}
	for range maxReportBuilds {
		<-c.builds
	}
	if _, err := c.get(ctx, reportKey{"o", 1, 0}, func(ctx context.Context, _ func(int64, int64)) (*report.Report, error) { return nil, ctx.Err() }); !errors.Is(err, context.Canceled) {
		t.Errorf("building: %v", err)
	}
	if c.lookup(reportKey{"o", 1, 0}) != nil || len(c.builds) != 0 {
		t.Errorf("a canceled build is kept, or keeps its turn")
	}
}

// testAnalysisWhatIf: with ?whatif=1&control=…, the trees and the
// coverage are read with exactly the controls chosen, the figures those of
// adtree and attack under that set; the links between the analysis pages
// keep the what-if; an unknown control is a bad request.
func testAnalysisWhatIf(t *testing.T, w *uiWorld) {
	m := electionModel(t)
	var all []string
	for _, c := range m.Controls {
		all = append(all, c.ID)
	}
	query := func(ids []string) string {
		q := url.Values{"whatif": {"1"}}
		for _, id := range ids {
			q.Add("control", id)
		}
		return "?" + q.Encode()
	}
	ctxOf := func(ids []string) adtree.Context {
		return adtree.Context{Cheapest: adtree.DefaultCheapest, InForce: func(c string) bool { return slices.Contains(ids, c) }}
	}
	admin := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, "en")
	pr := i18n.New(i18n.English)
	base := fmt.Sprintf("/orgs/demo/models/%d", w.election)
	moved := 0
	for i := range m.Trees {
		mt := &m.Trees[i]
		none := adtree.Evaluate(adtree.FromModel(mt), ctxOf(nil))
		every := adtree.Evaluate(adtree.FromModel(mt), ctxOf(all))
		if none.MinCost == nil || every.MinCost == nil {
			t.Fatalf("tree %s: no attack", mt.ID)
		}
		if *every.MinCost != *none.MinCost {
			moved++
		}
		path := base + "/trees/" + mt.ID
		r := admin.get(path + query(nil)).want(http.StatusOK)
		r.contains(`<details class="panel whatif" id="whatif">`, "What-if.", "Controls in force: none", pr.Money(*none.MinCost, m.Currency))
		r.lacks(" checked>")
		r = admin.get(path + query(all)).want(http.StatusOK)
		r.contains(pr.Money(*every.MinCost, m.Currency), `id="whatif-reset"`)
		if n := strings.Count(r.body, " checked>"); n != len(all) {
			t.Errorf("%s: %d controls ticked, want %d", path, n, len(all))
		}
		checkHTML(t, path+" (what-if)", r.body, w.ts.srv.assets.byPath)
		// The links to the other pages keep the what-if.
		r.contains(base + "/attack" + query(all))
	}
	if moved == 0 {
		t.Fatal("no tree of the example changes with the controls: the test shows nothing")
	}
	// Without the what-if, the implemented controls.
	admin.get(base+"/trees").want(http.StatusOK).contains(`<details class="panel whatif" id="whatif">`).lacks("What-if.", `id="whatif-reset"`)

	// ATT&CK coverage of APT28 under a chosen set.
	c, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := c.ResolveActor(m, "APT28")
	if err != nil {
		t.Fatal(err)
	}
	for _, ids := range [][]string{nil, {"staff-training"}, all} {
		cov, err := c.Cover(a, m, ids)
		if err != nil {
			t.Fatal(err)
		}
		r := admin.get(base + "/attack" + query(ids) + "&actor=APT28").want(http.StatusOK)
		r.contains(fmt.Sprintf("%d of %d", cov.Mitigated, len(cov.Techniques)), `<input type="hidden" name="actor" value="APT28">`)
		for _, id := range ids {
			r.contains(`<input type="hidden" name="control" value="` + id + `">`)
		}
	}
	covNone, _ := c.Cover(a, m, nil)
	covAll, _ := c.Cover(a, m, all)
	if covNone.Mitigated >= covAll.Mitigated {
		t.Fatalf("APT28: %d techniques mitigated with no control, %d with all: the test shows nothing", covNone.Mitigated, covAll.Mitigated)
	}
	// From the what-if to the run form, filled in with those controls.
	two := []string{"security-keys", "staff-training"}
	r := admin.get(base + "/trees" + query(two)).want(http.StatusOK)
	link := regexp.MustCompile(`<a href="([^"]+)" id="whatif-run">`).FindStringSubmatch(r.body)
	if link == nil {
		t.Fatalf("no link from the what-if to the run form")
	}
	form := admin.get(html.UnescapeString(link[1])).want(http.StatusOK)
	checked := regexp.MustCompile(`name="control" value="([^"]+)" checked`).FindAllStringSubmatch(form.body, -1)
	if len(checked) != len(two) || checked[0][1] != two[0] || checked[1][1] != two[1] {
		t.Errorf("the run form from the what-if ticks %v, want %v", checked, two)
	}
	// Run again: the run's trials, seed and controls (here a what-if, not
	// the model's implemented ones) fill the form in.
	whatIfRun := w.runModel(t, w.admin, "demo", w.election, map[string]any{"trials": 1000, "seed": 4242,
		"with": []string{"staff-training"}, "without": []string{"patch-management"}})
	runPage := admin.get(fmt.Sprintf("/orgs/demo/runs/%d", whatIfRun)).want(http.StatusOK)
	again := regexp.MustCompile(`href="([^"]+)" id="run-again"`).FindStringSubmatch(runPage.body)
	if again == nil {
		t.Fatal("no run-again link on the run page")
	}
	run, err := w.ts.db.Run(context.Background(), "demo", whatIfRun)
	if err != nil {
		t.Fatal(err)
	}
	form = admin.get(html.UnescapeString(again[1])).want(http.StatusOK)
	form.contains(fmt.Sprintf(`name="trials" type="number" min="1" max="%d" step="1" value="%d"`, w.ts.srv.cfg.MaxTrials, run.Trials), fmt.Sprintf(`value="%d"`, run.Seed))
	checked = regexp.MustCompile(`name="control" value="([^"]+)" checked`).FindAllStringSubmatch(form.body, -1)
	var ticked []string
	for _, c := range checked {
		ticked = append(ticked, c[1])
	}
	if !slices.Equal(ticked, run.Controls) || !slices.Contains(ticked, "staff-training") || slices.Contains(ticked, "patch-management") {
		t.Errorf("run again ticks %v, the run had %v", ticked, run.Controls)
	}
	admin.get(base + "/trees" + query([]string{"no-such-control"})).want(http.StatusBadRequest)
	admin.get(base + "/attack?control=no-such-control").want(http.StatusBadRequest)
}

package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/report"
)

// runFigures are the portfolio's figures of a run, from its JSON.
type runFigures struct {
	Mean      float64            `json:"mean"`
	PNoLoss   float64            `json:"p_no_loss"`
	Quantiles map[string]float64 `json:"quantiles"`
}

// planRisk is a plan's baseline or residual, from its JSON.
type planRisk struct {
	Mean float64 `json:"mean"`
	P90  float64 `json:"p90"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
}

// TestOneTruthPerRun: one model revision, seed, trial count and set of
// controls show the same figures everywhere — `scrutin run` (JSON, CSV,
// text), the server's run, its page, the dashboard, the plan's
// implemented-only baseline (`scrutin plan`, the server's plan and its
// page), `scrutin report` (of the model and of the stored run) and the
// report downloaded from the server — and the stored run's reports
// recommend the plan stored for it, with its budget and objective, as
// the dashboard's headline does, with the same bad year and plan cost.
func TestOneTruthPerRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and plans the built-in example")
	}
	const example = "../../examples/election.yaml"
	const trials, seed, budget = "20000", "1", "100000"
	t.Setenv("SCRUTIN_ADMIN_PASSWORD", "one-truth-password")
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	s := startServe(t, "--db", db, "--data", filepath.Join(dir, "data"), "--no-demo", "--workers", "2")
	tok := serveToken(t, s.url, "one-truth-password")
	api := s.url + "/api/v1/orgs/p"
	serveCall(t, "POST", s.url+"/api/v1/orgs", tok, map[string]string{"id": "p", "name": "P", "kind": "party"}, http.StatusCreated, nil)
	yaml, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	var saved struct{ ID int64 }
	serveCall(t, "POST", api+"/models", tok, map[string]string{"name": "election", "yaml": string(yaml)}, http.StatusCreated, &saved)

	// The server's run and plan, on the same simulated years.
	type job struct {
		ID     int64
		Status string
		Result json.RawMessage
	}
	wait := func(kind string, j *job) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute)
		for j.Status != "succeeded" {
			if j.Status == "failed" || j.Status == "canceled" || time.Now().After(deadline) {
				t.Fatalf("%s: %+v", kind, j)
			}
			time.Sleep(20 * time.Millisecond)
			serveCall(t, "GET", fmt.Sprintf("%s/%s/%d", api, kind, j.ID), tok, nil, http.StatusOK, j)
		}
	}
	var run, pl job
	serveCall(t, "POST", fmt.Sprintf("%s/models/%d/runs", api, saved.ID), tok, map[string]any{"trials": 20000, "seed": 1}, http.StatusAccepted, &run)
	wait("runs", &run)
	serveCall(t, "POST", fmt.Sprintf("%s/models/%d/plans", api, saved.ID), tok,
		map[string]any{"budget": 100000, "trials": 20000, "seed": 1}, http.StatusAccepted, &pl)
	wait("plans", &pl)

	cli := func(args ...string) string {
		t.Helper()
		code, out, stderr := scrutin(t, "", args...)
		if code != exitOK {
			t.Fatalf("scrutin %v: exit %d: %s", args, code, stderr)
		}
		return out
	}
	jsonOut := cli("run", example, "--trials", trials, "--seed", seed, "--format", "json")
	var res struct{ Portfolio runFigures }
	if err := json.Unmarshal([]byte(jsonOut), &res); err != nil {
		t.Fatal(err)
	}
	want := res.Portfolio
	q := want.Quantiles
	t.Logf("mean %.0f, P50 %.0f, P90 %.0f, P95 %.0f, P99 %.0f", want.Mean, q["p50"], q["p90"], q["p95"], q["p99"])

	// The server's run is the command line's, bit for bit.
	var got, wantAll any
	json.Unmarshal(run.Result, &got)
	json.Unmarshal([]byte(jsonOut), &wantAll)
	if !reflect.DeepEqual(got, wantAll) {
		t.Errorf("the server's run differs from scrutin run's")
	}

	// CSV: the portfolio's row holds the same numbers.
	rows, err := csv.NewReader(strings.NewReader(cli("run", example, "--trials", trials, "--seed", seed, "--format", "csv"))).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("csv: %v %v", rows, err)
	}
	for i, col := range rows[0] {
		w, ok := q[col]
		if col == "mean" {
			w, ok = want.Mean, true
		}
		if !ok {
			continue
		}
		if x, err := strconv.ParseFloat(rows[1][i], 64); err != nil || x != w {
			t.Errorf("csv %s: %s, JSON %v", col, rows[1][i], w)
		}
	}

	// The plan's baseline: the command line's and the server's.
	baseline := planRisk{Mean: want.Mean, P90: q["p90"], P95: q["p95"], P99: q["p99"]}
	var cliPlan, srvPlan struct{ Baseline planRisk }
	if err := json.Unmarshal([]byte(cli("plan", example, "--budget", budget, "--trials", trials, "--seed", seed, "--format", "json")), &cliPlan); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(pl.Result, &srvPlan); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string]planRisk{"scrutin plan": cliPlan.Baseline, "the server's plan": srvPlan.Baseline} {
		if b != baseline {
			t.Errorf("%s: implemented-only baseline %+v, the run's %+v", name, b, baseline)
		}
	}

	// Text and pages: the same figures as written for people.
	en := i18n.New(i18n.English)
	money := func(x float64) string { return en.Money(x, "EUR") }
	text := cli("run", example, "--trials", trials, "--seed", seed)
	for _, x := range []float64{want.Mean, q["p50"], q["p90"], q["p99"]} {
		if !strings.Contains(text, report.Money(x)+"  EUR") && !strings.Contains(text, report.Money(x)+" EUR") {
			t.Errorf("scrutin run's text lacks %s", report.Money(x))
		}
	}
	pageIn := func(lang, path string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", s.url+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept-Language", lang)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d: %.300s", path, r.StatusCode, b)
		}
		return string(b)
	}
	page := func(path string) string { t.Helper(); return pageIn("en", path) }
	runPage := page(fmt.Sprintf("/orgs/p/runs/%d", run.ID))
	for _, x := range []float64{want.Mean, q["p50"], q["p90"], q["p99"]} {
		if !strings.Contains(runPage, "<dd>"+money(x)+"</dd>") {
			t.Errorf("the run page lacks %s", money(x))
		}
	}
	// The same figures in French, written the French way: 1 234 567 €.
	frMoney := func(x float64) string { return i18n.New(i18n.French).Money(x, "EUR") }
	frRunPage := pageIn("fr", fmt.Sprintf("/orgs/p/runs/%d", run.ID))
	for _, x := range []float64{want.Mean, q["p50"], q["p90"], q["p99"]} {
		if m := frMoney(x); !strings.HasSuffix(m, "\u00a0€") || !strings.Contains(frRunPage, "<dd>"+m+"</dd>") {
			t.Errorf("the French run page lacks %q", m)
		}
	}
	dash := page("/orgs/p")
	for _, x := range []float64{want.Mean, q["p90"], q["p99"]} {
		if !strings.Contains(dash, money(x)) {
			t.Errorf("the dashboard lacks %s", money(x))
		}
	}
	// The plan page's "before" column.
	planPage := page(fmt.Sprintf("/orgs/p/plans/%d", pl.ID))
	before := regexp.MustCompile(`<th scope="row">([^<]+)(?:<span[^>]*>[^<]*</span>)?\s*</th><td class="num">([^<]+)</td>`).FindAllStringSubmatch(planPage, -1)
	if len(before) != 4 {
		t.Fatalf("the plan page has %d rows of figures, want 4", len(before))
	}
	for i, x := range []float64{want.Mean, q["p90"], q["p95"], q["p99"]} {
		if before[i][2] != money(x) {
			t.Errorf("the plan page's %s before the plan is %s, the run's %s", strings.TrimSpace(before[i][1]), before[i][2], money(x))
		}
	}

	// The dashboard's headline: the run's bad year (P90) as the run page
	// writes it, and the cost of the plan stored for the run as the plan
	// page and `scrutin plan` give it, in English and French.
	var cliCost, srvPlanRes struct {
		Cost         float64
		Significance struct {
			Portfolio struct {
				SignificantBefore bool `json:"significant_before"`
				SignificantAfter  bool `json:"significant_after"`
			}
		}
	}
	json.Unmarshal([]byte(cli("plan", example, "--budget", budget, "--trials", trials, "--seed", seed, "--format", "json")), &cliCost)
	json.Unmarshal(pl.Result, &srvPlanRes)
	if cliCost.Cost != srvPlanRes.Cost {
		t.Errorf("the plan's cost: scrutin plan %v, the server's %v", cliCost.Cost, srvPlanRes.Cost)
	}
	if !strings.Contains(planPage, "<dd>"+money(srvPlanRes.Cost)+"</dd>") {
		t.Errorf("the plan page lacks its cost %s", money(srvPlanRes.Cost))
	}
	sig := srvPlanRes.Significance.Portfolio
	if !sig.SignificantBefore {
		t.Fatalf("the example is within tolerance: the headline's test wants it beyond")
	}
	headline := regexp.MustCompile(`(?s)<section class="answer answer-([a-z]+)".*?</section>`)
	fr := i18n.New(i18n.French)
	for _, c := range []struct {
		lang, answer, badYear, plan string
	}{
		{"en", "Yes: the risk is significant.", "A bad election (1 in 10) costs " + money(q["p90"]) + ", above your tolerance",
			"The recommended plan (" + money(srvPlanRes.Cost) + " a year)"},
		{"fr", "Oui : le risque est significatif.", "Une élection défavorable (1 sur 10) coûte " + fr.Money(q["p90"], "EUR") + ", au-delà de votre tolérance",
			"Le plan recommandé (" + fr.Money(srvPlanRes.Cost, "EUR") + " par an)"},
	} {
		h := headline.FindStringSubmatch(pageIn(c.lang, "/orgs/p"))
		if h == nil {
			t.Errorf("%s: the dashboard has no headline", c.lang)
			continue
		}
		text := strings.ReplaceAll(h[0], "&#39;", "'")
		for _, want := range []string{`answer-significant"`, c.answer, c.badYear, c.plan,
			fmt.Sprintf(`href="/orgs/p/plans/%d"`, pl.ID), fmt.Sprintf(`href="/orgs/p/runs/%d/report?format=html"`, run.ID)} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the headline lacks %q:\n%s", c.lang, want, text)
			}
		}
	}

	// Reports: of the model (the plan computed for it), of the stored run
	// by the command line and by the server (the stored plan).
	fresh := cli("report", example, "--trials", trials, "--seed", seed, "--format", "md")
	stored := cli("report", "--run", strconv.FormatInt(run.ID, 10), "--org", "p", "--db", db, "--format", "md")
	served := page(fmt.Sprintf("/orgs/p/runs/%d/report?format=md", run.ID))
	for name, rep := range map[string]string{"scrutin report": fresh, "scrutin report --run": stored, "the server's report": served} {
		for _, x := range []float64{want.Mean, q["p50"], q["p90"], q["p95"], q["p99"]} {
			if !strings.Contains(rep, report.Money(x)) {
				t.Errorf("%s lacks %s", name, report.Money(x))
			}
		}
	}
	// A harm figure: the chance that votes are altered in an election,
	// against its tolerance, is the run JSON's p_any in every report, and
	// the timing multiplier is the model's.
	var harms struct {
		Portfolio struct {
			Harms map[string]struct {
				PAny float64 `json:"p_any"`
			}
		}
	}
	if err := json.Unmarshal([]byte(jsonOut), &harms); err != nil {
		t.Fatal(err)
	}
	va, ok := harms.Portfolio.Harms["votes-altered"]
	if !ok {
		t.Fatalf("scrutin run's JSON has no votes-altered harm")
	}
	enP, frP := i18n.New(i18n.English), i18n.New(i18n.French)
	chance := fmt.Sprintf("The chance of votes altered in the count in an election is %s (tolerance 1 election in 1,000, that is 0.10%%).", enP.Percent(va.PAny))
	for name, rep := range map[string]string{"scrutin report": fresh, "scrutin report --run": stored, "the server's report": served} {
		if !strings.Contains(rep, chance) {
			t.Errorf("%s lacks %q", name, chance)
		}
		if !strings.Contains(rep, "in the silence before the run-off: each event is 3 times as harmful to public trust lost.") {
			t.Errorf("%s does not say that a leak in the silence period is 3 times as harmful", name)
		}
		if !strings.Contains(rep, "The plan does not bring every harm dimension within tolerance") && !strings.Contains(rep, "The plan brings every harm dimension within tolerance.") {
			t.Errorf("%s does not say whether the plan brings every dimension within tolerance", name)
		}
	}
	frReport := cli("report", example, "--trials", trials, "--seed", seed, "--format", "md", "--lang", "fr")
	frChance := fmt.Sprintf("La probabilité d'un préjudice «\u00a0votes altered in the count\u00a0» lors d'une élection est de %s (tolérance\u00a0: 1 élection sur 1\u00a0000, soit 0,10\u00a0%%).", frP.Percent(va.PAny))
	if !strings.Contains(frReport, frChance) {
		t.Errorf("the French report lacks %q", frChance)
	}

	if !strings.Contains(fresh, "(Computed for this report: budget ") {
		t.Errorf("scrutin report does not say which plan it computed:\n%.2000s", fresh)
	}
	// The example has a calendar: one simulated trial is one election.
	basis := fmt.Sprintf("(Plan %d, stored for this run: budget 100,000\u00a0EUR a year, minimising the mean loss per election.)", pl.ID)
	for name, rep := range map[string]string{"scrutin report --run": stored, "the server's report": served} {
		if !strings.Contains(rep, basis) {
			t.Errorf("%s does not recommend the stored plan %d with its budget and objective:\n%.2000s", name, pl.ID, rep)
		}
	}
}

package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/sim"
)

// section is the part of a page's text from the element with the id to
// the end of the element's kind (its first closing tag of that name):
// enough to say that a figure is in a given panel.
func section(t *testing.T, p *page, tag, id string) string {
	t.Helper()
	i := strings.Index(p.body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("%s: no element %q:\n%s", p.path, id, truncate(p.body, 3000))
	}
	s := p.body[i:]
	if j := strings.Index(s, "</"+tag+">"); j >= 0 {
		s = s[:j]
	}
	return htmlText(s)
}

// TestHarmRunPage: the run page of the built-in example (harms, a
// calendar) has a panel per harm dimension with its plain sentence, key
// figures (the run JSON's), tolerance table and verdict; the calendar's
// windows with the model's timing multipliers in plain words; the
// overall verdict naming the breached tolerances; in English and French.
// A model without harms shows none of it.
func TestHarmRunPage(t *testing.T) {
	w := newUIWorld(t)
	res := runResultOf(t, w.admin, "demo", w.electionRun)
	if res.Verdict == nil || len(res.Portfolio.Harms) != 4 {
		t.Fatalf("the example's run has no verdict or not 4 harms: %+v", res.Verdict)
	}
	path := fmt.Sprintf("/orgs/demo/runs/%d", w.electionRun)
	for _, c := range []struct {
		lang                                      string
		heading, overall, timing, windows, events string
	}{
		{"en", "Harm beyond money", "Significant: tolerance exceeded for ",
			"In the window “Silence before the first round”, an event of “Mailbox theft and leak mixed with forgeries, days before the vote (MacronLeaks/DNC style)” is 3 times as harmful for “Public trust lost” as at another time.",
			"Calendar windows", "Events per election"},
		{"fr", "Préjudices au-delà de l'argent", "Significatif\u00a0: tolérance dépassée pour ",
			"Dans la fenêtre «\u00a0Silence before the run-off\u00a0», un événement «\u00a0Mailbox theft and leak mixed with forgeries, days before the vote (MacronLeaks/DNC style)\u00a0» est 3 fois plus préjudiciable pour «\u00a0Public trust lost\u00a0» qu'à un autre moment.",
			"Fenêtres du calendrier", "Événements par élection"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			pr := i18n.New(i18n.Lang(c.lang))
			b := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, c.lang)
			p := b.get(path).want(http.StatusOK)
			p.contains(c.heading, c.timing, c.windows, c.events)
			overall := section(t, p, "p", "harm-overall")
			if !strings.Contains(overall, c.overall) {
				t.Errorf("overall verdict: %q", overall)
			}
			for _, h := range exampleHarms(t) {
				if named := strings.Contains(overall, report.Lower(h.Name)); named != res.Portfolio.Harms[h.ID].Tolerance.Breached {
					t.Errorf("overall verdict names %q: %v, breached: %v: %q", h.Name, named, !named, overall)
				}
			}
			for id, r := range res.Portfolio.Harms {
				panel := section(t, p, "article", "harm-"+id)
				for _, want := range []string{harmAmount(pr, r.Mean), harmAmount(pr, r.Quantiles.P90), harmAmount(pr, r.Quantiles.P99), pr.Percent(r.PAny)} {
					if !strings.Contains(panel, want) {
						t.Errorf("%s: %q not in its panel:\n%s", id, want, panel)
					}
				}
				for _, pt := range r.Tolerance.Points {
					if !strings.Contains(panel, `<td class="num">`+pr.Percent(pt.Probability)+`</td><td class="num">`+pr.Percent(pt.Limit)+`</td>`) {
						t.Errorf("%s: the tolerance point above %v (%v against %v) is not in its table:\n%s", id, pt.Above, pt.Probability, pt.Limit, panel)
					}
				}
				if r.Tolerance.Breached != strings.Contains(panel, `verdict-exceeds`) {
					t.Errorf("%s: breached %v, panel:\n%s", id, r.Tolerance.Breached, panel)
				}
			}
			win := section(t, p, "section", "windows")
			for _, s := range res.Scenarios {
				for _, wr := range s.Windows {
					if !strings.Contains(win, pr.Number(wr.EventsPerYear, 3)) || !strings.Contains(win, pr.Percent(wr.PAny)) {
						t.Errorf("%s: window figures %+v not in the table:\n%s", s.ID, wr, win)
					}
				}
			}
			// The money is per election too (the model has a calendar).
			if c.lang == "en" {
				p.contains("In 1 election in 100, more than ", "P(any)", "Expected loss per election", "1 election in 10 is worse (P90)",
					"simulated elections · seed").lacks("Expected annual loss")
			} else {
				p.contains("Une élection sur 100, plus de ", "P(au moins un)", "Perte attendue par élection", "1 élection sur 10 est pire (P90)",
					"élections simulées · graine").lacks("Perte annuelle attendue")
			}
		})
	}
	// A model without harms: the page as before.
	alice := w.ts.signedIn(t, "alice@example.org", "alice-password", "en")
	alice.get(fmt.Sprintf("/orgs/party-a/runs/%d", w.run)).want(http.StatusOK).
		lacks(`id="harms"`, `id="windows"`, `id="harm-overall"`, "Harm beyond money", "Calendar windows", "per election").
		contains("Expected annual loss")
	alice.get("/orgs/party-a").want(http.StatusOK).lacks("tolerance exceeded for", "harm dimension")
}

// TestHarmOneTruth: a harm figure (votes altered: P(any)) is the same in
// the run's JSON, on its page and in the dashboard's headline, and the
// headline's answer is the run's verdict.
func TestHarmOneTruth(t *testing.T) {
	w := newUIWorld(t)
	res := runResultOf(t, w.admin, "demo", w.electionRun)
	// The first dimension the example's run breaches.
	id := ""
	for _, h := range []string{"votes-altered", "voters-affected", "records-exposed", "confidence"} {
		if res.Portfolio.Harms[h].Tolerance.Breached {
			id = h
			break
		}
	}
	if id == "" {
		t.Fatal("the example's run breaches no harm tolerance: the test wants one beyond")
	}
	va := res.Portfolio.Harms[id]
	key, _ := report.HarmKeyPoint(va.Tolerance)
	name := ""
	for _, h := range exampleHarms(t) {
		if h.ID == id {
			name = report.Lower(h.Name)
		}
	}
	for _, lang := range []string{"en", "fr"} {
		pr := i18n.New(i18n.Lang(lang))
		b := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, lang)
		want := pr.Percent(va.PAny)
		panel := section(t, b.get(fmt.Sprintf("/orgs/demo/runs/%d", w.electionRun)).want(http.StatusOK), "article", "harm-"+id)
		if !strings.Contains(panel, "<dd>"+want+"</dd>") {
			t.Errorf("%s: P(any) %s not on the run page:\n%s", lang, want, panel)
		}
		state, _, detail := headlineOf(t, b.get("/orgs/demo").want(http.StatusOK))
		if (state == "significant") != res.Verdict.Significant {
			t.Errorf("%s: headline %s, run verdict significant %v", lang, state, res.Verdict.Significant)
		}
		clause := map[string]string{"en": name + " (" + pr.Percent(key.Probability) + " against " + pr.Percent(key.Limit) + " acceptable)",
			"fr": name + " (" + pr.Percent(key.Probability) + " pour " + pr.Percent(key.Limit) + " acceptable)"}[lang]
		if !strings.Contains(detail, clause) {
			t.Errorf("%s: the headline lacks %q: %q", lang, clause, detail)
		}
	}
}

// exampleHarms are the built-in example's harm dimensions (the demo
// organisation's model).
func exampleHarms(t *testing.T) []model.Harm {
	t.Helper()
	m, err := model.Decode(examples.Default, examples.Election())
	if err != nil {
		t.Fatal(err)
	}
	return m.Harms
}

// TestHarmPlan: a plan may minimise a harm (harm:ID:STAT) from the form
// and the API; an unknown dimension is refused with a clear message; the
// plan's page gives each dimension's verdict before and after the plan
// and says whether the plan brings every dimension within tolerance, as
// the headline does.
func TestHarmPlan(t *testing.T) {
	w := newUIWorld(t)
	plans := fmt.Sprintf("/api/v1/orgs/demo/models/%d/plans", w.election)
	r := w.admin.want(http.StatusUnprocessableEntity, "POST", plans, map[string]any{"budget": 1000, "objective": "harm:votes-alterd:p99"})
	for _, want := range []string{`unknown harm dimension \"votes-alterd\"`, `did you mean \"votes-altered\"`, "voters-affected, votes-altered, records-exposed, confidence"} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("unknown dimension: %s lacks %s", r.body, want)
		}
	}
	r = w.dan.want(http.StatusUnprocessableEntity, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/plans", w.minimal), map[string]any{"budget": 1000, "objective": "harm:votes-altered:mean"})
	if !strings.Contains(string(r.body), "declares no harm dimensions") {
		t.Errorf("harm objective on a model without harms: %s", r.body)
	}
	w.admin.want(http.StatusUnprocessableEntity, "POST", plans, map[string]any{"budget": 1000, "objective": "harm:votes-altered:p50"})

	// The form offers the harm objectives, and plans one.
	admin := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, "en")
	form := admin.get(fmt.Sprintf("/orgs/demo/models/%d/plan", w.election)).want(http.StatusOK)
	form.contains(`<option value="harm:votes-altered:p99">P99 of the harm (1 in 100 is worse): Votes altered in the count</option>`, `<option value="mean" selected>`)
	alice := w.ts.signedIn(t, "alice@example.org", "alice-password", "en")
	alice.get(fmt.Sprintf("/orgs/party-a/models/%d/plan", w.minimal)).want(http.StatusOK).lacks("harm:")
	bad := url.Values{"budget": {"100000"}, "objective": {"harm:nope:p99"}, "trials": {"3000"}, "seed": {"1"}}
	admin.post(fmt.Sprintf("/orgs/demo/models/%d/plans", w.election), bad).want(http.StatusUnprocessableEntity).contains("Choose an objective among those listed.")
	ok := url.Values{"budget": {"300000"}, "objective": {"harm:votes-altered:p99"}, "trials": {fmt.Sprint(uiTrials)}, "seed": {"1"}}
	loc := admin.post(fmt.Sprintf("/orgs/demo/models/%d/plans", w.election), ok).want(http.StatusSeeOther).header.Get("Location")
	var id int64
	if _, err := fmt.Sscanf(loc, "/orgs/demo/plans/%d", &id); err != nil {
		t.Fatalf("plan form went to %q", loc)
	}
	pl := planDone(t, w.admin, "demo", id)
	// The API's plan says in one sentence whether every tolerance is met,
	// and per election: the example has a calendar (cycle_years 5).
	if o := pl.Significance.Overall; !strings.Contains(o, "bring every tolerance within bounds") {
		t.Errorf("the API's plan has no overall sentence: %q", o)
	}
	if pl.CycleYears != 5 || pl.CostPerElection != 5*pl.Cost {
		t.Errorf("the API's plan: cycle %v, cost per election %v for %v a year", pl.CycleYears, pl.CostPerElection, pl.Cost)
	}
	admin.get("/orgs/demo/plans").want(http.StatusOK).contains("<td>P99 of votes-altered</td>").lacks("plan.short.")
	admin.get("/orgs/demo/audit").want(http.StatusOK).contains("objective: P99 of votes-altered").lacks("plan.short.")
	if pl.Objective != "harm:votes-altered:p99" || len(pl.Significance.Harms) != 4 || pl.Significance.SignificantAfter == nil {
		t.Fatalf("plan: objective %q, %d harm verdicts", pl.Objective, len(pl.Significance.Harms))
	}
	for _, lang := range []string{"en", "fr"} {
		pr := i18n.New(i18n.Lang(lang))
		b := w.ts.signedIn(t, DefaultAdminEmail, adminPassword, lang)
		p := b.get(fmt.Sprintf("/orgs/demo/plans/%d", id)).want(http.StatusOK)
		section(t, p, "section", "plan-harms")
		for _, hv := range pl.Significance.Harms {
			row := section(t, p, "tr", "plan-harm-"+hv.ID)
			for _, want := range []string{hv.Name, harmAmount(pr, hv.Before.Mean) + " → " + harmAmount(pr, hv.After.Mean), pr.Percent(hv.Before.PAny) + " → " + pr.Percent(hv.After.PAny)} {
				if !strings.Contains(row, want) {
					t.Errorf("%s %s: %q not in the row:\n%s", lang, hv.ID, want, row)
				}
			}
			badges := strings.Count(row, "badge-bad")
			if want := map[bool]int{true: 1}[hv.BreachedBefore] + map[bool]int{true: 1}[hv.BreachedAfter]; badges != want {
				t.Errorf("%s %s: %d “exceeds” badges, want %d (before %v, after %v)", lang, hv.ID, badges, want, hv.BreachedBefore, hv.BreachedAfter)
			}
		}
		overall := section(t, p, "p", "plan-harm-overall")
		still := *pl.Significance.SignificantAfter
		switch lang {
		case "en":
			if still != strings.Contains(overall, "The plan does not bring every dimension within tolerance: still exceeded for") {
				t.Errorf("overall with the plan (significant after: %v): %q", still, overall)
			}
			p.contains("P99 of Votes altered in the count with the plan")
			// The example has a calendar: an election every 5 years, whose
			// costs count against the loss one election avoids.
			p.contains("Cost of the plan per election").contains("Return on security investment per election").
				contains("One election every 5 years: controls are paid every year, so the plan costs " + pr.Money(pl.CostPerElection, "EUR") + " per election")
		case "fr":
			p.contains("Coût du plan par élection").contains("Retour sur investissement de sécurité par élection").
				contains("Une élection tous les 5 ans : les mesures se paient chaque année, le plan coûte donc " + pr.Money(pl.CostPerElection, "EUR") + " par élection")
			if still != strings.Contains(overall, "Le plan ne ramène pas tout dans la tolérance\u00a0: tolérance encore dépassée pour") {
				t.Errorf("French overall (significant after: %v): %q", still, overall)
			}
			p.contains("P99 de «\u00a0Votes altered in the count\u00a0» avec le plan")
		}
		// The headline answers with this plan (the run's latest) the
		// same way.
		_, _, detail := headlineOf(t, b.get("/orgs/demo").want(http.StatusOK))
		if lang == "en" && still != strings.Contains(detail, "does not bring every dimension within tolerance: still exceeded for") {
			t.Errorf("headline with the plan (significant after: %v): %q", still, detail)
		}
	}
}

// TestHarmAnswerDetail: the headline's detail of a run with harms, for
// each case of the plan: none stored, one that brings every dimension
// within tolerance, one that keeps them there, one that leaves some
// exceeded (naming them), and a model without any tolerance.
func TestHarmAnswerDetail(t *testing.T) {
	en := i18n.New(i18n.English)
	tol := func(breached bool, p, limit float64) *sim.HarmTolerance {
		return &sim.HarmTolerance{Breached: breached, Points: []sim.HarmTolerancePoint{{Above: 0, Probability: p, Limit: limit}}}
	}
	res := &sim.Result{Currency: "EUR", CycleYears: 5, Verdict: &sim.Verdict{Harms: map[string]bool{"votes": true}, Significant: true},
		Portfolio: sim.Portfolio{Quantiles: sim.Quantiles{P90: 1_000_000}, Tolerance: &sim.Tolerance{Points: []sim.TolerancePoint{{Loss: 5e6, Probability: 0.01, Limit: 0.05}}}}}
	rr := &runResult{Result: res, Election: true, Harms: []harmRow{
		{ID: "votes", Name: "Votes altered", Unit: "votes", R: sim.HarmResult{PAny: 0.02, Tolerance: tol(true, 0.02, 0.001)}, Election: true},
		{ID: "trust", Name: "Trust lost", Unit: "points", R: sim.HarmResult{PAny: 0.3, Tolerance: tol(false, 0.3, 0.5)}, Election: true},
	}}
	if got := harmState(rr); got != "exceeds" {
		t.Errorf("state %q", got)
	}
	head := "A bad election (1 in 10) costs 1,000,000\u00a0EUR, within your tolerance; tolerance exceeded for votes altered (2.00% against 0.10% acceptable)."
	yes, no := true, false
	for _, c := range []struct {
		name string
		pl   *plan.Result
		want string
	}{
		{"no plan", nil, head},
		{"fixed", &plan.Result{Cost: 1000, Significance: plan.Significance{SignificantBefore: &yes, SignificantAfter: &no,
			Harms: []plan.HarmVerdict{{Name: "Votes altered", BreachedBefore: true}}}},
			head + " The recommended plan (1,000\u00a0EUR a year) brings the money and every harm dimension within tolerance."},
		{"kept", &plan.Result{Cost: 1000, Significance: plan.Significance{SignificantBefore: &no, SignificantAfter: &no}},
			head + " The recommended plan (1,000\u00a0EUR a year) keeps the money and every harm dimension within tolerance."},
		{"still", &plan.Result{Cost: 1000, Significance: plan.Significance{SignificantBefore: &yes, SignificantAfter: &yes,
			Portfolio: plan.ScopeVerdict{SignificantAfter: true},
			Harms:     []plan.HarmVerdict{{Name: "Votes altered", BreachedAfter: true}, {Name: "Trust lost"}, {Name: "Records", BreachedAfter: true}}}},
			head + " The recommended plan (1,000\u00a0EUR a year) does not bring every dimension within tolerance: still exceeded for money, votes altered and records."},
	} {
		if got := harmAnswerDetail(en, rr, "significant", c.pl); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
	// No tolerance anywhere: no answer, the plan's cost only.
	res.Portfolio.Tolerance, res.Verdict = nil, &sim.Verdict{}
	for i := range rr.Harms {
		rr.Harms[i].R.Tolerance = nil
	}
	if got := harmState(rr); got != "none" {
		t.Errorf("without tolerances: state %q", got)
	}
	if got, want := harmAnswerDetail(en, rr, "none", &plan.Result{Cost: 1000}), "A bad election (1 in 10) costs 1,000,000\u00a0EUR. The recommended plan costs 1,000\u00a0EUR a year; add tolerances to the model to know whether the risk is acceptable."; got != want {
		t.Errorf("without tolerances:\n got %q\nwant %q", got, want)
	}
}

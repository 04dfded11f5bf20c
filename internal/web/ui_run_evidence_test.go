package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestUIRunEvidence: a model that counts evidence runs from the form: it
// offers the organisation's evidence (ticking by default what the model
// counts from), the run calibrates with what is ticked, and its page
// shows each calibrated parameter's prior against its posterior, naming
// the evidence used. Without evidence, the form says what to do in the
// pages' words, never with a command-line flag.
func TestUIRunEvidence(t *testing.T) {
	w := newUIWorld(t)
	var saved savedModel
	w.dan.want(http.StatusCreated, "POST", "/api/v1/orgs/party-a/models", map[string]string{"name": "calibration", "yaml": exampleModel(t, "calibration.yaml")}).decode(&saved)
	form := fmt.Sprintf("/orgs/party-a/models/%d/run", saved.ID)
	runs := fmt.Sprintf("/orgs/party-a/models/%d/runs", saved.ID)
	en := w.ts.signedIn(t, "dan@example.org", "dan-password", "")
	fr := w.ts.signedIn(t, "dan@example.org", "dan-password", "fr")

	// No evidence yet: the form says so and links to the upload; a run
	// is refused in the pages' words.
	en.get(form).want(http.StatusOK).contains("Evidence to calibrate with", "The model counts evidence, but the organisation has none yet.",
		`href="/orgs/party-a/evidence">Upload evidence</a>`, "The model counts: ssh-attempts, ssh-successes, phishing-after-training.")
	bad := en.post(runs, url.Values{"trials": {"1000"}, "seed": {"1"}}).want(http.StatusUnprocessableEntity)
	bad.contains(`evidence "ssh-attempts" counts telemetry events, but no telemetry evidence was chosen: upload the logs on the Evidence page, then tick them in the form`).
		lacks("--evidence", "scrutin run")
	fr.post(runs, url.Values{"trials": {"1000"}, "seed": {"1"}}).want(http.StatusUnprocessableEntity).
		contains("mais aucun élément de télémétrie n'a été choisi\u00a0: déposez les journaux sur la page Éléments de preuve").lacks("--evidence")

	// With the evidence uploaded, the form ticks what the model counts.
	year := "2017"
	r := en.upload("/orgs/party-a/evidence", [][2]string{{"kind", "auto"}, {"year", year}}, "auth.log", readFile(t, "../../examples/evidence/auth.log")).want(http.StatusSeeOther)
	ssh := detectedID(t, r)
	r = en.upload("/orgs/party-a/evidence", [][2]string{{"kind", "auto"}}, "gophish-q2.csv", readFile(t, "../../examples/evidence/gophish-q2.csv")).want(http.StatusSeeOther)
	q2 := detectedID(t, r)
	p := en.get(form).want(http.StatusOK)
	p.contains(fmt.Sprintf(`name="evidence" value="%d" checked>`, ssh), fmt.Sprintf(`name="evidence" value="%d" checked>`, q2))
	checkHTML(t, "run form (evidence)", p.body, w.ts.srv.assets.byPath)

	// Only the logs ticked: the phishing entry has nothing to count.
	en.post(runs, url.Values{"trials": {"1000"}, "seed": {"1"}, "evidence": {strconv.FormatInt(ssh, 10)}}).want(http.StatusUnprocessableEntity).
		contains(`no phishing campaign "gophish-q2"`, fmt.Sprintf(`name="evidence" value="%d" checked>`, ssh), fmt.Sprintf(`name="evidence" value="%d">`, q2))

	r = en.post(runs, url.Values{"trials": {"2000"}, "seed": {"7"}, "evidence": {strconv.FormatInt(ssh, 10), strconv.FormatInt(q2, 10)}}).want(http.StatusSeeOther)
	loc := r.header.Get("Location")
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/orgs/party-a/runs/"), 10, 64)
	if err != nil {
		t.Fatalf("redirected to %q", loc)
	}
	done := waitFor(t, w.dan, fmt.Sprintf("/api/v1/orgs/party-a/runs/%d", id), 60*time.Second, func(v runView) bool {
		return v.Status != "queued" && v.Status != "running"
	})
	if done.Status != "succeeded" || len(done.Evidence) != 2 {
		t.Fatalf("run %d: %s %s, evidence %v", id, done.Status, done.Error, done.Evidence)
	}
	p = en.get(loc).want(http.StatusOK)
	p.contains("Evidence used:", fmt.Sprintf(`<a href="/orgs/party-a/evidence/%d">auth</a>`, ssh), fmt.Sprintf(`<a href="/orgs/party-a/evidence/%d">gophish-q2</a>`, q2),
		"Prior against posterior", "Prior (the model's)", "Change of the mean",
		"<code>ssh-intrusion</code>", "<code>credential-phish</code>", "<code>ssh-attempts</code>", "<code>phishing-after-training</code>",
		"SSH logs of the mail server (auth)", "\u221238.2%", "+187.4%", fmt.Sprintf("evidence=%d&", ssh), fmt.Sprintf("evidence=%d&", q2))
	checkHTML(t, "run (evidence)", p.body, w.ts.srv.assets.byPath)
	fr.get(loc).want(http.StatusOK).contains("Éléments de preuve utilisés\u00a0:", "A priori contre a posteriori", "Évolution de la moyenne")
	// Run again keeps the evidence.
	en.get(form+"?evidence="+strconv.FormatInt(q2, 10)).want(http.StatusOK).
		contains(fmt.Sprintf(`name="evidence" value="%d">`, ssh), fmt.Sprintf(`name="evidence" value="%d" checked>`, q2))
	// A run without evidence shows no calibration.
	en.get(fmt.Sprintf("/orgs/party-a/runs/%d", w.runs[0])).want(http.StatusOK).lacks("Prior against posterior", "Evidence used:")
}

// detectedID is the id of the evidence an upload of kind auto went to.
func detectedID(t *testing.T, r *page) int64 {
	t.Helper()
	loc := r.header.Get("Location")
	id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(loc, "/orgs/party-a/evidence/"), "?detected=1"), 10, 64)
	if err != nil {
		t.Fatalf("redirected to %q", loc)
	}
	return id
}

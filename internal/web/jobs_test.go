package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/sim"
)

// expectedResult is what `scrutin run` computes for a model: the same
// steps (controls in force, calibration, simulation, JSON), decoded.
func expectedResult(t testing.TB, yaml string, trials int64, seed uint64, with []string, files []*evidence.EvidenceFile) any {
	t.Helper()
	m, err := model.Decode("model.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	inForce, err := m.InForce(with, nil)
	if err != nil {
		t.Fatal(err)
	}
	cm, updates, err := evidence.Calibrate(m, files)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sim.Run(context.Background(), cm, sim.Options{Trials: trials, Seed: seed, Controls: inForce})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.JSON(&buf, report.WithCalibration(res, updates)); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func testRuns(t *testing.T, w *world) {
	var run runView
	r := w.dan.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/runs", w.minimal),
		map[string]any{"trials": 20000, "seed": 7, "with": []string{"security-keys"}, "revision": 1})
	r.decode(&run)
	if run.Status != "queued" || run.Trials != 20000 || run.Seed != 7 || run.Revision != 1 ||
		!reflect.DeepEqual(run.Controls, []string{"security-keys"}) || r.header.Get("Location") != fmt.Sprintf("/api/v1/orgs/party-a/runs/%d", run.ID) {
		t.Errorf("queued run: %+v, Location %q", run, r.header.Get("Location"))
	}
	w.run = run.ID
	done := waitFor(t, w.carol, fmt.Sprintf("/api/v1/orgs/party-a/runs/%d", run.ID), time.Minute, func(r runView) bool { return r.Status == "succeeded" })
	if done.Progress != 1 || done.StartedAt == nil || done.FinishedAt == nil || done.Error != "" {
		t.Errorf("succeeded run: %+v", done)
	}
	var got any
	if err := json.Unmarshal(done.Result, &got); err != nil {
		t.Fatal(err)
	}
	// The result of DESIGN.md, exactly what `scrutin run` gives.
	for _, k := range [][]string{{"model"}, {"trials"}, {"seed"}, {"currency"}, {"portfolio", "mean"}, {"portfolio", "sd"}, {"portfolio", "p_no_loss"},
		{"portfolio", "quantiles", "p10"}, {"portfolio", "quantiles", "p99.9"}, {"portfolio", "exceedance"}, {"portfolio", "tolerance", "breached"}, {"scenarios"}} {
		if _, err := path(got, k...); err != nil {
			t.Errorf("the result lacks %s", strings.Join(k, "."))
		}
	}
	if _, err := path(got, "calibration"); err == nil {
		t.Errorf("a run without evidence has a calibration")
	}
	want := expectedResult(t, exampleModel(t, "minimal.yaml"), 20000, 7, []string{"security-keys"}, nil)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the server's result differs from scrutin run's:\n got %s\nwant %v", done.Result, want)
	}
	// Defaults: the model's trials and seed, else 100000 and 1; the latest revision.
	var def runView
	w.dan.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/runs", w.minimal), map[string]any{}).decode(&def)
	if def.Trials != 100000 || def.Seed != 1 || def.Revision != 2 || len(def.Controls) != 0 {
		t.Errorf("defaults: %+v", def)
	}
	waitFor(t, w.dan, fmt.Sprintf("/api/v1/orgs/party-a/runs/%d", def.ID), time.Minute, func(r runView) bool { return r.Status == "succeeded" })
	// Bad requests.
	for _, body := range []map[string]any{{"with": []string{"no-such-control"}}, {"trials": 0}, {"trials": 1 << 40}, {"evidence": []int64{1}, "trials": 10}} {
		r := w.dan.do("POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/runs", w.minimal), body)
		if r.status != http.StatusUnprocessableEntity && r.status != http.StatusNotFound {
			t.Errorf("run %v: status %d: %s", body, r.status, r.body)
		}
	}
	w.carol.want(http.StatusForbidden, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/runs", w.minimal), map[string]any{})
	w.dan.want(http.StatusNotFound, "POST", "/api/v1/orgs/party-a/models/999999/runs", map[string]any{})
	// The list, by model.
	var runs list[runView]
	w.carol.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/runs?model=%d", w.minimal), nil).decode(&runs)
	if len(runs.Items) != 2 || runs.Items[0].ID != def.ID || runs.Items[1].Result != nil {
		t.Errorf("runs: %+v", runs.Items)
	}
	w.carol.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/runs?model=%d", w.election), nil).decode(&runs)
	if len(runs.Items) != 0 {
		t.Errorf("election runs: %+v", runs.Items)
	}
}

func testCancel(t *testing.T, w *world) {
	// A long run starts running; a second waits behind it (one worker).
	var long, next runView
	w.dan.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/runs", w.election), map[string]any{"trials": 10_000_000}).decode(&long)
	running := waitFor(t, w.dan, fmt.Sprintf("/api/v1/orgs/party-a/runs/%d", long.ID), time.Minute, func(r runView) bool { return r.Status == "running" && r.Progress > 0 })
	if running.StartedAt == nil || running.Progress >= 1 {
		t.Errorf("running: %+v", running)
	}
	w.dan.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/runs", w.minimal), map[string]any{"trials": 5000}).decode(&next)
	w.dan.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/runs/%d", next.ID), nil).decode(&next)
	if next.Status != "queued" {
		t.Errorf("the second run is %s, want queued", next.Status)
	}
	w.carol.want(http.StatusForbidden, "POST", fmt.Sprintf("/api/v1/orgs/party-a/runs/%d/cancel", long.ID), nil)
	var canceled runView
	w.dan.want(http.StatusOK, "POST", fmt.Sprintf("/api/v1/orgs/party-a/runs/%d/cancel", long.ID), nil).decode(&canceled)
	if canceled.Status != "canceled" || canceled.FinishedAt == nil {
		t.Errorf("canceled: %+v", canceled)
	}
	w.dan.want(http.StatusConflict, "POST", fmt.Sprintf("/api/v1/orgs/party-a/runs/%d/cancel", long.ID), nil)
	// The worker stops the canceled run and goes on with the next.
	waitFor(t, w.dan, fmt.Sprintf("/api/v1/orgs/party-a/runs/%d", next.ID), 30*time.Second, func(r runView) bool { return r.Status == "succeeded" })
	final := waitFor(t, w.dan, fmt.Sprintf("/api/v1/orgs/party-a/runs/%d", long.ID), time.Second, func(r runView) bool { return true })
	if final.Status != "canceled" || final.Result != nil {
		t.Errorf("the canceled run became %+v", final)
	}
	w.canceledRun = long.ID
	// Canceling a queued run.
	var q1, q2 runView
	w.dan.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/runs", w.election), map[string]any{"trials": 10_000_000}).decode(&q1)
	w.dan.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/runs", w.election), map[string]any{"trials": 10_000_000}).decode(&q2)
	w.dan.want(http.StatusOK, "POST", fmt.Sprintf("/api/v1/orgs/party-a/runs/%d/cancel", q2.ID), nil)
	w.dan.want(http.StatusOK, "POST", fmt.Sprintf("/api/v1/orgs/party-a/runs/%d/cancel", q1.ID), nil)
	waitFor(t, w.dan, fmt.Sprintf("/api/v1/orgs/party-a/runs/%d", q2.ID), time.Second, func(r runView) bool { return r.Status == "canceled" && r.StartedAt == nil })
}

// evidenceFile is what calibration reads of an upload, computed here as
// `scrutin ingest` and `scrutin phishing` do.
func telemetryFile(t testing.TB, name, file string, kind evidence.TelemetryKind, year int) *evidence.EvidenceFile {
	t.Helper()
	in, err := evidence.NewIngester(evidence.TelemetryOptions{Kind: kind, Year: year})
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Ingest(context.Background(), name, bytes.NewReader(readFile(t, file))); err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(in.Summary())
	f, err := evidence.ReadEvidenceFile(name, bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func phishingFile(t testing.TB, name, file string) *evidence.EvidenceFile {
	t.Helper()
	p, err := evidence.ParsePhishing(bytes.NewReader(readFile(t, file)))
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Campaigns {
		p.Campaigns[i].Name, p.Campaigns[i].Source = name, name
	}
	var buf bytes.Buffer
	evidence.AnalysePhishing(p.Campaigns, evidence.PhishingOptions{}).WriteJSON(&buf)
	f, err := evidence.ReadEvidenceFile(name, &buf)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func testEvidence(t *testing.T, w *world) {
	upload := func(c *client, status int, query, file string) map[string]any {
		t.Helper()
		return c.want(status, "POST", "/api/v1/orgs/party-a/evidence?"+query, readFile(t, file)).obj()
	}
	// Zeek logs, streamed through the ingest code: only the summary is kept.
	const zeek = "../evidence/testdata/telemetry/zeek.jsonl"
	z := upload(w.dan, http.StatusCreated, "kind=zeek&name=zeek-may", zeek)
	w.evidence["zeek"] = int64(z["id"].(float64))
	sum, err := evidence.IngestTelemetry(bytes.NewReader(readFile(t, zeek)), evidence.TelemetryOptions{Kind: evidence.KindZeek})
	if err != nil {
		t.Fatal(err)
	}
	if s := z["summary"].(map[string]any); z["kind"] != "telemetry" || s["lines"] != float64(sum.Lines) || s["events"] != float64(sum.Events) || s["malformed"] != float64(sum.Malformed) {
		t.Errorf("zeek summary %v, want lines %d events %d malformed %d", s, sum.Lines, sum.Events, sum.Malformed)
	}
	if bytes.Contains([]byte(w.ts.logs.String()), readFile(t, zeek)[:60]) {
		t.Errorf("raw logs in the server's log")
	}
	// SSH logs and GoPhish results for the calibration model.
	ssh := upload(w.dan, http.StatusCreated, "kind=sshd&name=ssh&year=2017", "../../examples/evidence/auth.log")
	q1 := upload(w.dan, http.StatusCreated, "kind=gophish&name=gophish-q1", "../../examples/evidence/gophish-q1.csv")
	q2 := upload(w.dan, http.StatusCreated, "kind=gophish&name=gophish-q2", "../../examples/evidence/gophish-q2.csv")
	if q1["kind"] != "phishing" || ssh["kind"] != "telemetry" {
		t.Errorf("kinds: %v %v", q1["kind"], ssh["kind"])
	}
	ids := []int64{int64(ssh["id"].(float64)), int64(q1["id"].(float64)), int64(q2["id"].(float64))}
	// An evidence file made by the command line.
	file := telemetryFile(t, "cli", "../../examples/evidence/auth.log", evidence.KindSSHD, 2017)
	js, _ := json.Marshal(file)
	ev := w.dan.want(http.StatusCreated, "POST", "/api/v1/orgs/party-a/evidence?kind=evidence&name=cli", js).obj()
	w.evidence["cli"] = int64(ev["id"].(float64))
	w.dan.want(http.StatusUnprocessableEntity, "POST", "/api/v1/orgs/party-a/evidence?kind=evidence&name=junk", `{"kind":"nonsense"}`)
	w.dan.want(http.StatusUnprocessableEntity, "POST", "/api/v1/orgs/party-a/evidence?kind=gophish&name=junk", "not,a,gophish\nexport\n")
	w.dan.want(http.StatusUnprocessableEntity, "POST", "/api/v1/orgs/party-a/evidence?kind=pcap&name=x", "x")
	w.dan.want(http.StatusUnprocessableEntity, "POST", "/api/v1/orgs/party-a/evidence?kind=zeek", "x")
	w.carol.want(http.StatusForbidden, "POST", "/api/v1/orgs/party-a/evidence?kind=zeek&name=x", "x")
	// Past the limit (1 MiB in these tests): 413, nothing stored.
	big := bytes.Repeat([]byte(`{"ts":"2024-05-01T08:00:00Z","_path":"conn"}`+"\n"), (1<<20)/40)
	if e := w.dan.want(http.StatusRequestEntityTooLarge, "POST", "/api/v1/orgs/party-a/evidence?kind=zeek&name=big", big).errorOf(); e.Code != codeTooLarge {
		t.Errorf("too large: %+v", e)
	}
	// Lists without summaries; one with its summary.
	var l list[map[string]any]
	w.carol.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/evidence", nil).decode(&l)
	if len(l.Items) != 5 {
		t.Errorf("%d evidence, want 5: %v", len(l.Items), l.Items)
	}
	for _, e := range l.Items {
		if e["summary"] != nil {
			t.Errorf("a list shows a summary: %v", e)
		}
	}
	one := w.carol.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/evidence/%d", ids[0]), nil).obj()
	if s, _ := path(one, "summary", "kind"); s != "telemetry" {
		t.Errorf("evidence: %v", one)
	}
	// A calibrated run, as scrutin run --evidence computes it.
	var run runView
	w.dan.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/runs", w.calibration),
		map[string]any{"trials": 20000, "seed": 3, "evidence": ids}).decode(&run)
	if !reflect.DeepEqual(run.Evidence, ids) {
		t.Errorf("run evidence %v, want %v", run.Evidence, ids)
	}
	done := waitFor(t, w.dan, fmt.Sprintf("/api/v1/orgs/party-a/runs/%d", run.ID), time.Minute, func(r runView) bool { return r.Status != "queued" && r.Status != "running" })
	if done.Status != "succeeded" {
		t.Fatalf("calibrated run: %+v", done)
	}
	w.calibratedRun = run.ID
	var got any
	json.Unmarshal(done.Result, &got)
	cal, err := path(got, "calibration")
	if err != nil || len(cal.([]any)) != 3 {
		t.Errorf("calibration: %v", cal)
	}
	files := []*evidence.EvidenceFile{
		telemetryFile(t, "ssh", "../../examples/evidence/auth.log", evidence.KindSSHD, 2017),
		phishingFile(t, "gophish-q1", "../../examples/evidence/gophish-q1.csv"),
		phishingFile(t, "gophish-q2", "../../examples/evidence/gophish-q2.csv"),
	}
	if want := expectedResult(t, exampleModel(t, "calibration.yaml"), 20000, 3, nil, files); !reflect.DeepEqual(got, want) {
		t.Errorf("calibrated result differs from scrutin run --evidence:\n got %s\nwant %v", done.Result, want)
	}
	// Evidence the model cannot use, or that does not exist.
	w.dan.want(http.StatusUnprocessableEntity, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/runs", w.minimal), map[string]any{"evidence": ids[:1]})
	w.dan.want(http.StatusNotFound, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/runs", w.calibration), map[string]any{"evidence": []int64{999999}})
	// Deleting: owners only.
	w.dan.want(http.StatusForbidden, "DELETE", fmt.Sprintf("/api/v1/orgs/party-a/evidence/%d", w.evidence["cli"]), nil)
	w.alice.want(http.StatusNoContent, "DELETE", fmt.Sprintf("/api/v1/orgs/party-a/evidence/%d", w.evidence["cli"]), nil)
	w.alice.want(http.StatusNotFound, "GET", fmt.Sprintf("/api/v1/orgs/party-a/evidence/%d", w.evidence["cli"]), nil)
}

func testPlans(t *testing.T, w *world) {
	var p planView
	r := w.dan.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/plans", w.minimal),
		map[string]any{"budget": 10000, "objective": "p95", "horizon": 2, "trials": 4000, "seed": 5})
	r.decode(&p)
	if p.Status != "queued" || p.Request.Budget != 10000 || p.Request.Objective != "p95" || p.Request.Horizon != 2 || p.Request.Trials != 4000 || p.Request.Seed != 5 {
		t.Errorf("queued plan: %+v", p)
	}
	w.plan = p.ID
	done := waitFor(t, w.carol, fmt.Sprintf("/api/v1/orgs/party-a/plans/%d", p.ID), time.Minute, func(p planView) bool { return p.Status != "queued" && p.Status != "running" })
	if done.Status != "succeeded" {
		t.Fatalf("plan: %+v", done)
	}
	var res map[string]any
	json.Unmarshal(done.Result, &res)
	for _, k := range []string{"selected", "frontier", "baseline", "residual", "verdict", "controls"} {
		if _, ok := res[k]; !ok {
			t.Errorf("the plan lacks %q: %s", k, done.Result)
		}
	}
	if res["budget"] != 10000.0 || res["objective"] != "p95" || res["trials"] != 4000.0 {
		t.Errorf("plan result: %v", res)
	}
	w.dan.want(http.StatusUnprocessableEntity, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/plans", w.minimal), map[string]any{"budget": 1, "objective": "p42"})
	w.dan.want(http.StatusUnprocessableEntity, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/plans", w.minimal), map[string]any{"budget": -1})
	w.carol.want(http.StatusForbidden, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/plans", w.minimal), map[string]any{"budget": 1})
	var l list[planView]
	w.carol.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/plans", nil).decode(&l)
	if len(l.Items) != 1 || l.Items[0].ID != p.ID || l.Items[0].Result != nil {
		t.Errorf("plans: %+v", l.Items)
	}
	// Cancel a queued plan (behind a long run).
	var long runView
	var q planView
	w.dan.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/runs", w.election), map[string]any{"trials": 10_000_000}).decode(&long)
	w.dan.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/plans", w.election), map[string]any{"budget": 100000}).decode(&q)
	w.dan.want(http.StatusOK, "POST", fmt.Sprintf("/api/v1/orgs/party-a/plans/%d/cancel", q.ID), nil)
	w.dan.want(http.StatusOK, "POST", fmt.Sprintf("/api/v1/orgs/party-a/runs/%d/cancel", long.ID), nil)
	w.dan.want(http.StatusConflict, "POST", fmt.Sprintf("/api/v1/orgs/party-a/plans/%d/cancel", q.ID), nil)
}

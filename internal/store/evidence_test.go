package store

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

func testEvidence(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	f := newFixture(t, db)
	summary := json.RawMessage(`{"kind": "phishing", "campaigns": [{"sent": 120, "clicked": 9}]}`)
	at := c.peek()
	e := &Evidence{OrgID: f.a.ID, Name: "spring exercise", Kind: "phishing", Summary: summary, CreatedBy: f.alice.ID,
		Format: "gophish", FileName: "spring - Results.csv", Bytes: 4096, Counts: map[string]int64{"campaigns": 1, "sent": 120}}
	must(t, db.CreateEvidence(ctx, e))
	if e.ID == 0 || e.CreatedAt != at {
		t.Fatalf("CreateEvidence = %+v", e)
	}
	for _, tt := range []struct {
		name string
		ev   Evidence
		code string
	}{
		{"no name", Evidence{OrgID: f.a.ID, Kind: "telemetry", Summary: summary, CreatedBy: f.alice.ID}, model.EINVALID},
		{"bad kind", Evidence{OrgID: f.a.ID, Name: "x", Kind: "logs", Summary: summary, CreatedBy: f.alice.ID}, model.EINVALID},
		{"no summary", Evidence{OrgID: f.a.ID, Name: "x", Kind: "telemetry", CreatedBy: f.alice.ID}, model.EINVALID},
		{"bad summary", Evidence{OrgID: f.a.ID, Name: "x", Kind: "telemetry", Summary: json.RawMessage(`{"a":`), CreatedBy: f.alice.ID}, model.EINVALID},
		{"unknown org", Evidence{OrgID: "nope", Name: "x", Kind: "telemetry", Summary: summary, CreatedBy: f.alice.ID}, model.ENOTFOUND},
		{"negative size", Evidence{OrgID: f.a.ID, Name: "x", Kind: "telemetry", Summary: summary, CreatedBy: f.alice.ID, Bytes: -1}, model.EINVALID},
		{"unknown creator", Evidence{OrgID: f.a.ID, Name: "x", Kind: "telemetry", Summary: summary, CreatedBy: f.alice.ID + 100}, model.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ev := tt.ev
			wantCode(t, db.CreateEvidence(ctx, &ev), tt.code)
		})
	}
	tel := &Evidence{OrgID: f.a.ID, Name: "edr export", Kind: "telemetry", Summary: json.RawMessage(`[]`), CreatedBy: f.alice.ID}
	must(t, db.CreateEvidence(ctx, tel))

	got, err := db.Evidence(ctx, f.a.ID, e.ID)
	must(t, err)
	if got.Name != e.Name || got.Kind != "phishing" || got.CreatedBy != f.alice.ID || got.CreatedAt != at ||
		got.Format != "gophish" || got.FileName != "spring - Results.csv" || got.Bytes != 4096 || got.Counts["sent"] != 120 || len(got.Counts) != 2 {
		t.Fatalf("Evidence = %+v", got)
	}
	jsonEqual(t, got.Summary, summary)

	items, err := db.EvidenceList(ctx, f.a.ID, Page{})
	must(t, err)
	if len(items) != 2 || items[0].ID != tel.ID || items[1].ID != e.ID || items[0].Summary != nil ||
		items[1].Counts["campaigns"] != 1 || items[1].Bytes != 4096 || items[0].Counts == nil {
		t.Fatalf("EvidenceList = %+v", items)
	}

	must(t, db.DeleteEvidence(ctx, f.a.ID, e.ID))
	wantCode(t, db.DeleteEvidence(ctx, f.a.ID, e.ID), model.ENOTFOUND)
	_, err = db.Evidence(ctx, f.a.ID, e.ID)
	wantCode(t, err, model.ENOTFOUND)
}

func testPlans(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	f := newFixture(t, db)
	req := json.RawMessage(`{"budget": 50000, "objective": "ale", "trials": 20000, "seed": 7}`)
	at := c.peek()
	p := &Plan{OrgID: f.a.ID, ModelID: f.modelA.ID, Request: req, CreatedBy: f.alice.ID}
	must(t, db.CreatePlan(ctx, p))
	if p.ID == 0 || p.Revision != 1 || p.Status != RunQueued || p.CreatedAt != at {
		t.Fatalf("CreatePlan = %+v", p)
	}
	for _, tt := range []struct {
		name string
		plan Plan
		code string
	}{
		{"no request", Plan{OrgID: f.a.ID, ModelID: f.modelA.ID, CreatedBy: f.alice.ID}, model.EINVALID},
		{"bad request", Plan{OrgID: f.a.ID, ModelID: f.modelA.ID, Request: json.RawMessage("budget"), CreatedBy: f.alice.ID}, model.EINVALID},
		{"unknown revision", Plan{OrgID: f.a.ID, ModelID: f.modelA.ID, Revision: 2, Request: req, CreatedBy: f.alice.ID}, model.ENOTFOUND},
		{"another org's model", Plan{OrgID: f.a.ID, ModelID: f.modelB.ID, Request: req, CreatedBy: f.alice.ID}, model.ENOTFOUND},
		{"unknown creator", Plan{OrgID: f.a.ID, ModelID: f.modelA.ID, Request: req, CreatedBy: f.alice.ID + 100}, model.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			plan := tt.plan
			wantCode(t, db.CreatePlan(ctx, &plan), tt.code)
		})
	}

	got, err := db.Plan(ctx, f.a.ID, p.ID)
	must(t, err)
	if got.Status != RunQueued || got.Revision != 1 || got.Result != nil || got.StartedAt != nil {
		t.Fatalf("Plan = %+v", got)
	}
	jsonEqual(t, got.Request, req)

	startedAt := c.peek()
	claimed, err := db.ClaimPlan(ctx)
	must(t, err)
	if claimed == nil || claimed.ID != p.ID || claimed.Status != RunRunning || *claimed.StartedAt != startedAt {
		t.Fatalf("ClaimPlan = %+v", claimed)
	}
	jsonEqual(t, claimed.Request, req)
	if none, err := db.ClaimPlan(ctx); none != nil || err != nil {
		t.Fatalf("ClaimPlan on an empty queue = %+v, %v", none, err)
	}
	wantCode(t, db.FinishPlan(ctx, p.ID, "done", nil, ""), model.EINVALID)
	wantCode(t, db.FinishPlan(ctx, p.ID, RunSucceeded, []byte("nope"), ""), model.EINVALID)
	wantCode(t, db.FinishPlan(ctx, p.ID+100, RunSucceeded, nil, ""), model.ENOTFOUND)
	result := []byte(`{"controls": ["mfa"], "cost": 12000, "ale": 3.5e5}`)
	must(t, db.FinishPlan(ctx, p.ID, RunSucceeded, result, ""))
	wantCode(t, db.FinishPlan(ctx, p.ID, RunFailed, nil, ""), model.ECONFLICT)
	got, err = db.Plan(ctx, f.a.ID, p.ID)
	must(t, err)
	if got.Status != RunSucceeded || got.FinishedAt == nil {
		t.Fatalf("finished plan = %+v", got)
	}
	jsonEqual(t, got.Result, result)

	// Cancel and restart.
	q := f.plan(t, f.a, f.modelA, f.alice)
	must(t, db.CancelPlan(ctx, f.a.ID, q.ID))
	wantCode(t, db.CancelPlan(ctx, f.a.ID, q.ID), model.ECONFLICT)
	wantCode(t, db.CancelPlan(ctx, f.a.ID, q.ID+100), model.ENOTFOUND)
	r := f.plan(t, f.a, f.modelA, f.alice)
	_, err = db.ClaimPlan(ctx)
	must(t, err)
	if requeued, failed, err := db.RequeueExpiredPlans(ctx, DefaultMaxAttempts); len(requeued)+len(failed) != 0 || err != nil {
		t.Fatalf("RequeueExpiredPlans while the lease lasts = %v, %v, %v", requeued, failed, err)
	}
	c.Set(c.peek().Add(DefaultLeaseTTL + time.Second))
	requeued, failed, err := db.RequeueExpiredPlans(ctx, DefaultMaxAttempts)
	if err != nil || len(requeued) != 1 || requeued[0] != r.ID || len(failed) != 0 {
		t.Fatalf("RequeueExpiredPlans = %v, %v, %v", requeued, failed, err)
	}
	claimed, err = db.ClaimPlan(ctx)
	must(t, err)
	if claimed.ID != r.ID || claimed.Attempts != 2 {
		t.Fatalf("claimed %+v after requeue, want %d, second attempt", claimed, r.ID)
	}
	must(t, db.FinishPlan(ctx, r.ID, RunFailed, nil, "budget too small"))

	plans, err := db.Plans(ctx, f.a.ID, Page{})
	must(t, err)
	if len(plans) != 3 || plans[0].ID != r.ID || plans[2].ID != p.ID || plans[2].Result != nil || plans[0].Error != "budget too small" {
		t.Fatalf("Plans = %+v", plans)
	}
	jsonEqual(t, plans[2].Request, req)
}

func testSharing(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	f := newFixture(t, db)
	agency2 := &Org{ID: "agency-2", Name: "Regional agency", Kind: model.KindAgency}
	must(t, db.CreateOrg(ctx, agency2))

	at := c.peek()
	must(t, db.Share(ctx, f.a.ID, f.agency.ID, f.alice.ID))
	must(t, db.Share(ctx, f.a.ID, agency2.ID, f.alice.ID))
	must(t, db.Share(ctx, f.b.ID, f.agency.ID, f.bob.ID))
	for _, tt := range []struct {
		name, org, agency string
		code              string
	}{
		{"again", f.a.ID, f.agency.ID, model.ECONFLICT},
		{"not an agency", f.a.ID, f.b.ID, model.EINVALID},
		{"itself", f.agency.ID, f.agency.ID, model.EINVALID},
		{"unknown agency", f.a.ID, "nope", model.ENOTFOUND},
		{"unknown org", "nope", f.agency.ID, model.ENOTFOUND},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, db.Share(ctx, tt.org, tt.agency, f.alice.ID), tt.code)
		})
	}

	shares, err := db.Shares(ctx, f.a.ID)
	must(t, err)
	want := []Share{{OrgID: f.a.ID, AgencyID: f.agency.ID, CreatedBy: f.alice.ID, CreatedAt: at}, {OrgID: f.a.ID, AgencyID: agency2.ID, CreatedBy: f.alice.ID}}
	if len(shares) != 2 || shares[0] != want[0] || shares[1].AgencyID != agency2.ID {
		t.Fatalf("Shares = %+v, want %+v", shares, want)
	}
	with, err := db.SharedWith(ctx, f.agency.ID)
	must(t, err)
	if len(with) != 2 || with[0].OrgID != f.b.ID || with[1].OrgID != f.a.ID {
		t.Fatalf("SharedWith = %+v", with)
	}

	// The national view: results of organisations that share, only.
	for _, pair := range []struct {
		org *Org
		m   *Model
		u   *User
	}{{f.a, f.modelA, f.alice}, {f.b, f.modelB, f.bob}} {
		r := f.run(t, pair.org, pair.m, pair.u)
		claimed, err := db.ClaimRun(ctx)
		must(t, err)
		must(t, db.FinishRun(ctx, claimed.ID, RunSucceeded, []byte(`{"org": "`+pair.org.ID+`"}`), ""))
		_ = r
	}
	results, err := db.SharedLatestResults(ctx, f.agency.ID, f.a.ID)
	must(t, err)
	if len(results) != 1 || results[0].OrgID != f.a.ID {
		t.Fatalf("SharedLatestResults = %+v", results)
	}
	jsonEqual(t, results[0].Result, []byte(`{"org": "party-a"}`))
	_, err = db.SharedLatestResults(ctx, agency2.ID, f.b.ID)
	wantCode(t, err, model.ENOTFOUND)

	must(t, db.Unshare(ctx, f.a.ID, f.agency.ID))
	wantCode(t, db.Unshare(ctx, f.a.ID, f.agency.ID), model.ENOTFOUND)
	_, err = db.SharedLatestResults(ctx, f.agency.ID, f.a.ID)
	wantCode(t, err, model.ENOTFOUND)
	with, err = db.SharedWith(ctx, f.agency.ID)
	must(t, err)
	if len(with) != 1 || with[0].OrgID != f.b.ID {
		t.Fatalf("SharedWith after Unshare = %+v", with)
	}
}

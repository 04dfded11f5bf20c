package store

import (
	"testing"
	"time"
)

// testClaimID: a job claimed by its id, as a queue outside the database
// delivers it: once, again only after its lease has ended, never after
// its last attempt or its end.
func testClaimID(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	f := newFixture(t, db)
	r := f.run(t, f.a, f.modelA, f.alice)
	got, st, _, err := db.ClaimRunID(ctx, r.ID, 2)
	must(t, err)
	if st != Claimed || got.ID != r.ID || got.Status != RunRunning || got.Attempts != 1 {
		t.Fatalf("first claim: %v %+v", st, got)
	}
	_, st, wait, err := db.ClaimRunID(ctx, r.ID, 2)
	must(t, err)
	if st != Busy || wait <= 0 || wait > DefaultLeaseTTL {
		t.Fatalf("claimed while leased: %v, wait %v", st, wait)
	}
	// Its server died: the lease ends, another claims it.
	c.Set(c.peek().Add(DefaultLeaseTTL + time.Second))
	got, st, _, err = db.ClaimRunID(ctx, r.ID, 2)
	must(t, err)
	if st != Claimed || got.Attempts != 2 {
		t.Fatalf("claim after the lease ended: %v %+v", st, got)
	}
	// At its last attempt, a lease that ends makes it fail.
	c.Set(c.peek().Add(DefaultLeaseTTL + time.Second))
	_, st, _, err = db.ClaimRunID(ctx, r.ID, 2)
	must(t, err)
	if st != Gone {
		t.Fatalf("claim after the last attempt: %v", st)
	}
	if run, err := db.Run(ctx, f.a.ID, r.ID); err != nil || run.Status != RunFailed {
		t.Fatalf("after the last attempt: %+v %v", run, err)
	}
	_, st, _, err = db.ClaimRunID(ctx, 999999, 2)
	must(t, err)
	if st != Gone {
		t.Fatalf("unknown run: %v", st)
	}
	// Plans and national runs alike; queued jobs are listed by age.
	p := f.plan(t, f.a, f.modelA, f.alice)
	jobs, err := db.QueuedSince(ctx, c.peek().Add(time.Hour), 10)
	must(t, err)
	if len(jobs) != 1 || jobs[0] != (QueuedJob{Kind: "plan", ID: p.ID}) {
		t.Fatalf("queued %+v", jobs)
	}
	if jobs, _ := db.QueuedSince(ctx, c.peek().Add(-time.Hour), 10); len(jobs) != 0 {
		t.Fatalf("queued before an hour ago: %+v", jobs)
	}
	gp, st, _, err := db.ClaimPlanID(ctx, p.ID, 3)
	must(t, err)
	if st != Claimed || gp.ID != p.ID {
		t.Fatalf("plan claim %v %+v", st, gp)
	}
	must(t, db.FinishPlan(ctx, p.ID, RunSucceeded, []byte(`{}`), ""))
	if _, st, _, _ := db.ClaimPlanID(ctx, p.ID, 3); st != Gone {
		t.Fatalf("finished plan claimed: %v", st)
	}
	n := &NationalRun{OrgID: f.agency.ID, Trials: 10, Members: []NationalMember{{Org: f.a.ID, ModelID: f.modelA.ID, RunID: r.ID, Revision: 1}}, CreatedBy: f.alice.ID}
	must(t, db.CreateNationalRun(ctx, n))
	gn, st, _, err := db.ClaimNationalRunID(ctx, n.ID, 3)
	must(t, err)
	if st != Claimed || gn.ID != n.ID || len(gn.Members) != 1 {
		t.Fatalf("national claim %v %+v", st, gn)
	}
}

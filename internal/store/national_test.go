package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

// testNational: opting in to joint simulation, the members of a national
// run (the latest succeeded run of each opted-in model), and the national
// run's life as a job.
func testNational(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	f := newFixture(t, db)
	must(t, db.Share(ctx, f.a.ID, f.agency.ID, f.alice.ID))
	must(t, db.Share(ctx, f.b.ID, f.agency.ID, f.bob.ID))

	// Opting in needs a share and a model of the organisation's own.
	wantCode(t, db.SetJoint(ctx, f.a.ID, f.agency.ID, &f.modelB.ID), model.ENOTFOUND)
	wantCode(t, db.SetJoint(ctx, f.agency.ID, f.a.ID, nil), model.ENOTFOUND)
	must(t, db.SetJoint(ctx, f.a.ID, f.agency.ID, &f.modelA.ID))
	must(t, db.SetJoint(ctx, f.b.ID, f.agency.ID, &f.modelB.ID))
	shares, err := db.Shares(ctx, f.a.ID)
	must(t, err)
	if len(shares) != 1 || shares[0].JointModelID == nil || *shares[0].JointModelID != f.modelA.ID {
		t.Fatalf("shares %+v", shares)
	}

	// Only succeeded runs count: B has none yet.
	f.run(t, f.a, f.modelA, f.alice)
	r, err := db.ClaimRun(ctx)
	must(t, err)
	must(t, db.FinishRun(ctx, r.ID, RunSucceeded, []byte(`{}`), ""))
	f.run(t, f.b, f.modelB, f.bob)
	members, missing, err := db.JointMembers(ctx, f.agency.ID)
	must(t, err)
	want := []NationalMember{{Org: f.a.ID, ModelID: f.modelA.ID, RunID: r.ID, Revision: 1}}
	if !reflect.DeepEqual(members, want) || !reflect.DeepEqual(missing, []string{f.b.ID}) {
		t.Fatalf("members %+v, missing %v", members, missing)
	}

	// Opting out leaves the organisation out.
	must(t, db.SetJoint(ctx, f.a.ID, f.agency.ID, nil))
	members, missing, err = db.JointMembers(ctx, f.agency.ID)
	must(t, err)
	if len(members) != 0 || len(missing) != 1 {
		t.Fatalf("after opting out: members %+v, missing %v", members, missing)
	}

	wantCode(t, db.CreateNationalRun(ctx, &NationalRun{OrgID: f.agency.ID, Trials: 10, CreatedBy: f.alice.ID}), model.EINVALID)
	n := &NationalRun{OrgID: f.agency.ID, Trials: 1000, Seed: 1 << 63, Members: want, CreatedBy: f.alice.ID}
	must(t, db.CreateNationalRun(ctx, n))
	if n.Status != RunQueued || n.ID == 0 {
		t.Fatalf("created %+v", n)
	}
	// The B run queued above is claimed by runs, the national run by
	// national runs only.
	claimed, err := db.ClaimNationalRun(ctx)
	must(t, err)
	if claimed == nil || claimed.ID != n.ID || claimed.Status != RunRunning || claimed.Seed != 1<<63 || !reflect.DeepEqual(claimed.Members, want) {
		t.Fatalf("claimed %+v", claimed)
	}
	if again, err := db.ClaimNationalRun(ctx); err != nil || again != nil {
		t.Fatalf("claimed twice: %+v, %v", again, err)
	}
	must(t, db.UpdateNationalRunProgress(ctx, n.ID, 0.5))
	must(t, db.RenewNationalRunLease(ctx, n.ID))
	wantCode(t, db.CancelNationalRun(ctx, f.a.ID, n.ID), model.ENOTFOUND)
	must(t, db.FinishNationalRun(ctx, n.ID, RunSucceeded, []byte(`{"portfolio": {"mean": 1}}`), ""))
	wantCode(t, db.FinishNationalRun(ctx, n.ID, RunFailed, nil, "again"), model.ECONFLICT)

	got, err := db.LatestNationalRun(ctx, f.agency.ID)
	must(t, err)
	if got.ID != n.ID || got.Progress != 1 || got.Status != RunSucceeded {
		t.Fatalf("latest %+v", got)
	}
	jsonEqual(t, got.Result, []byte(`{"portfolio": {"mean": 1}}`))
	list, err := db.NationalRuns(ctx, f.agency.ID, Page{})
	must(t, err)
	if len(list) != 1 || list[0].Result != nil {
		t.Fatalf("list %+v", list)
	}
	_, err = db.NationalRun(ctx, f.a.ID, n.ID)
	wantCode(t, err, model.ENOTFOUND)
	_, err = db.LatestNationalRun(ctx, f.a.ID)
	wantCode(t, err, model.ENOTFOUND)

	// A national run left by a stopped server is queued again.
	n2 := &NationalRun{OrgID: f.agency.ID, Trials: 1000, Members: want, CreatedBy: f.alice.ID}
	must(t, db.CreateNationalRun(ctx, n2))
	_, err = db.ClaimNationalRun(ctx)
	must(t, err)
	c.Set(c.peek().Add(DefaultLeaseTTL + time.Second))
	requeued, failed, err := db.RequeueExpiredNationalRuns(ctx, 3)
	must(t, err)
	if !reflect.DeepEqual(requeued, []int64{n2.ID}) || len(failed) != 0 {
		t.Fatalf("requeued %v, failed %v", requeued, failed)
	}
	must(t, db.CancelNationalRun(ctx, f.agency.ID, n2.ID))
}

package store

import (
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

func testRuns(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	f := newFixture(t, db)
	_, err := db.SaveModel(ctx, f.a.ID, f.modelA.ID, 1, &Revision{YAML: "a: 2\n", AuthorID: f.alice.ID})
	must(t, err)

	at := c.peek()
	r := &Run{OrgID: f.a.ID, ModelID: f.modelA.ID, Trials: 100000, Seed: math.MaxUint64, Controls: []string{"mfa", "edr"}, CreatedBy: f.alice.ID}
	must(t, db.CreateRun(ctx, r))
	if r.ID == 0 || r.Revision != 2 || r.Status != RunQueued || r.CreatedAt != at {
		t.Fatalf("CreateRun = %+v", r)
	}
	r1 := &Run{OrgID: f.a.ID, ModelID: f.modelA.ID, Revision: 1, Trials: 10, Seed: 1 << 63, CreatedBy: f.alice.ID}
	must(t, db.CreateRun(ctx, r1))
	if r1.Revision != 1 || r1.Controls == nil || r1.Evidence == nil {
		t.Fatalf("CreateRun at revision 1 = %+v", r1)
	}

	for _, tt := range []struct {
		name string
		run  Run
		code string
	}{
		{"no trials", Run{OrgID: f.a.ID, ModelID: f.modelA.ID, CreatedBy: f.alice.ID}, model.EINVALID},
		{"negative trials", Run{OrgID: f.a.ID, ModelID: f.modelA.ID, Trials: -1, CreatedBy: f.alice.ID}, model.EINVALID},
		{"unknown revision", Run{OrgID: f.a.ID, ModelID: f.modelA.ID, Revision: 3, Trials: 1, CreatedBy: f.alice.ID}, model.ENOTFOUND},
		{"negative revision", Run{OrgID: f.a.ID, ModelID: f.modelA.ID, Revision: -1, Trials: 1, CreatedBy: f.alice.ID}, model.EINVALID},
		{"unknown model", Run{OrgID: f.a.ID, ModelID: f.modelA.ID + 100, Trials: 1, CreatedBy: f.alice.ID}, model.ENOTFOUND},
		{"another org's model", Run{OrgID: f.a.ID, ModelID: f.modelB.ID, Trials: 1, CreatedBy: f.alice.ID}, model.ENOTFOUND},
		{"unknown org", Run{OrgID: "nope", ModelID: f.modelA.ID, Trials: 1, CreatedBy: f.alice.ID}, model.ENOTFOUND},
		{"unknown creator", Run{OrgID: f.a.ID, ModelID: f.modelA.ID, Trials: 1, CreatedBy: f.alice.ID + 100}, model.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			run := tt.run
			wantCode(t, db.CreateRun(ctx, &run), tt.code)
		})
	}

	got, err := db.Run(ctx, f.a.ID, r.ID)
	must(t, err)
	if got.Seed != math.MaxUint64 || !slices.Equal(got.Controls, []string{"mfa", "edr"}) || got.Trials != 100000 ||
		got.Status != RunQueued || got.CreatedAt != at || got.StartedAt != nil || got.FinishedAt != nil || got.Result != nil {
		t.Fatalf("Run = %+v", got)
	}
	got, err = db.Run(ctx, f.a.ID, r1.ID)
	must(t, err)
	if got.Seed != 1<<63 || len(got.Controls) != 0 || got.Controls == nil {
		t.Fatalf("Run = %+v", got)
	}

	rb := f.run(t, f.b, f.modelB, f.bob)
	all, err := db.Runs(ctx, f.a.ID, 0, Page{})
	must(t, err)
	if len(all) != 2 || all[0].ID != r1.ID || all[1].ID != r.ID {
		t.Fatalf("Runs = %+v", all)
	}
	ofModel, err := db.Runs(ctx, f.b.ID, f.modelB.ID, Page{})
	must(t, err)
	if len(ofModel) != 1 || ofModel[0].ID != rb.ID {
		t.Fatalf("Runs of B's model = %+v", ofModel)
	}
	_, err = db.Runs(ctx, f.a.ID, f.modelA.ID+100, Page{})
	wantCode(t, err, model.ENOTFOUND)

	// Results: the list leaves them out; LatestResults gives, per model,
	// the last succeeded run.
	second, err := db.CreateModel(ctx, f.a.ID, "second", &Revision{YAML: "s", AuthorID: f.alice.ID})
	must(t, err)
	r2 := f.run(t, f.a, second, f.alice)
	r3 := f.run(t, f.a, f.modelA, f.alice)
	// In the order of the fair claim: B's run comes second.
	for _, tt := range []struct {
		run    *Run
		status string
		result string
	}{
		{r, RunSucceeded, `{"ale": 1}`},
		{rb, RunFailed, ``},
		{r1, RunSucceeded, `{"ale": 2}`},
		{r2, RunSucceeded, `{"ale": 3}`},
		{r3, RunFailed, ``},
	} {
		claimed, err := db.ClaimRun(ctx)
		must(t, err)
		if claimed == nil || claimed.ID != tt.run.ID {
			t.Fatalf("claimed %+v, want run %d", claimed, tt.run.ID)
		}
		must(t, db.FinishRun(ctx, claimed.ID, tt.status, []byte(tt.result), ""))
	}
	all, err = db.Runs(ctx, f.a.ID, 0, Page{})
	must(t, err)
	for _, run := range all {
		if run.Result != nil {
			t.Fatalf("Runs gives results: %+v", run)
		}
	}
	latest, err := db.LatestResults(ctx, f.a.ID)
	must(t, err)
	if len(latest) != 2 || latest[0].ID != r1.ID || latest[1].ID != r2.ID {
		t.Fatalf("LatestResults = %+v", latest)
	}
	jsonEqual(t, latest[0].Result, []byte(`{"ale": 2}`))
	jsonEqual(t, latest[1].Result, []byte(`{"ale": 3}`))
	none, err := db.LatestResults(ctx, f.b.ID)
	if err != nil || len(none) != 0 {
		t.Fatalf("LatestResults of B = %v, %v", none, err)
	}
	// LatestRuns: the same runs, without their results.
	runs, err := db.LatestRuns(ctx, f.a.ID)
	must(t, err)
	if len(runs) != 2 || runs[0].ID != r1.ID || runs[1].ID != r2.ID || runs[0].Result != nil || runs[1].Result != nil ||
		runs[0].Status != RunSucceeded || runs[0].FinishedAt == nil {
		t.Fatalf("LatestRuns = %+v", runs)
	}
	if none, err := db.LatestRuns(ctx, f.b.ID); err != nil || len(none) != 0 {
		t.Fatalf("LatestRuns of B = %v, %v", none, err)
	}
}

func testRunLifecycle(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	f := newFixture(t, db)

	none, err := db.ClaimRun(ctx)
	if none != nil || err != nil {
		t.Fatalf("ClaimRun on an empty queue = %v, %v", none, err)
	}
	r := f.run(t, f.a, f.modelA, f.alice)
	queued := f.run(t, f.a, f.modelA, f.alice)

	// Not yet running: no progress, no finish.
	wantCode(t, db.UpdateRunProgress(ctx, r.ID, 0.5), model.ECONFLICT)
	wantCode(t, db.FinishRun(ctx, r.ID, RunSucceeded, nil, ""), model.ECONFLICT)

	startedAt := c.peek()
	claimed, err := db.ClaimRun(ctx)
	must(t, err)
	if claimed.ID != r.ID || claimed.Status != RunRunning || claimed.StartedAt == nil || *claimed.StartedAt != startedAt {
		t.Fatalf("ClaimRun = %+v", claimed)
	}
	for _, tt := range []struct {
		progress float64
		code     string
	}{
		{0.25, ""},
		{1, ""},
		{0, ""},
		{-0.1, model.EINVALID},
		{1.1, model.EINVALID},
		{math.NaN(), model.EINVALID},
	} {
		wantCode(t, db.UpdateRunProgress(ctx, r.ID, tt.progress), tt.code)
	}
	must(t, db.UpdateRunProgress(ctx, r.ID, 0.5))
	got, err := db.Run(ctx, f.a.ID, r.ID)
	must(t, err)
	if got.Progress != 0.5 {
		t.Fatalf("Progress = %v", got.Progress)
	}
	wantCode(t, db.UpdateRunProgress(ctx, r.ID+100, 0.5), model.ENOTFOUND)

	for _, tt := range []struct {
		name   string
		status string
		result string
		code   string
	}{
		{"bad status", RunRunning, "", model.EINVALID},
		{"queued", RunQueued, "", model.EINVALID},
		{"unknown status", "done", "", model.EINVALID},
		{"bad JSON", RunSucceeded, "{", model.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, db.FinishRun(ctx, r.ID, tt.status, []byte(tt.result), ""), tt.code)
		})
	}
	wantCode(t, db.FinishRun(ctx, r.ID+100, RunSucceeded, nil, ""), model.ENOTFOUND)
	finishedAt := c.peek()
	must(t, db.FinishRun(ctx, r.ID, RunSucceeded, []byte(`{"losses": [1, 2.5]}`), ""))
	got, err = db.Run(ctx, f.a.ID, r.ID)
	must(t, err)
	if got.Status != RunSucceeded || got.Progress != 1 || got.FinishedAt == nil || *got.FinishedAt != finishedAt {
		t.Fatalf("finished run = %+v", got)
	}
	jsonEqual(t, got.Result, []byte(`{"losses": [1, 2.5]}`))
	// Finished is final.
	wantCode(t, db.FinishRun(ctx, r.ID, RunFailed, nil, "again"), model.ECONFLICT)
	wantCode(t, db.CancelRun(ctx, f.a.ID, r.ID), model.ECONFLICT)

	// Canceling a queued run; canceling a running one, whose worker then
	// finds out.
	must(t, db.CancelRun(ctx, f.a.ID, queued.ID))
	got, err = db.Run(ctx, f.a.ID, queued.ID)
	must(t, err)
	if got.Status != RunCanceled || got.FinishedAt == nil {
		t.Fatalf("canceled run = %+v", got)
	}
	if claimed, err := db.ClaimRun(ctx); claimed != nil || err != nil {
		t.Fatalf("claimed a canceled run: %+v, %v", claimed, err)
	}
	running := f.run(t, f.a, f.modelA, f.alice)
	_, err = db.ClaimRun(ctx)
	must(t, err)
	must(t, db.CancelRun(ctx, f.a.ID, running.ID))
	wantCode(t, db.UpdateRunProgress(ctx, running.ID, 0.9), model.ECONFLICT)
	wantCode(t, db.FinishRun(ctx, running.ID, RunSucceeded, []byte(`{}`), ""), model.ECONFLICT)
	got, err = db.Run(ctx, f.a.ID, running.ID)
	must(t, err)
	if got.Status != RunCanceled || got.Result != nil {
		t.Fatalf("a canceled run was finished: %+v", got)
	}
	wantCode(t, db.CancelRun(ctx, f.a.ID, running.ID+100), model.ENOTFOUND)

	// A failure keeps its message.
	failing := f.run(t, f.a, f.modelA, f.alice)
	_, err = db.ClaimRun(ctx)
	must(t, err)
	must(t, db.FinishRun(ctx, failing.ID, RunFailed, nil, "model invalid"))
	got, err = db.Run(ctx, f.a.ID, failing.ID)
	must(t, err)
	if got.Status != RunFailed || got.Error != "model invalid" || got.Result != nil {
		t.Fatalf("failed run = %+v", got)
	}

	// A graceful stop releases the runs it was running (the attempt does
	// not count); a crash leaves them leased until the lease ends. Either
	// way they go back to the queue: B's first, as B has had nothing
	// claimed (its only claim was released) and A has.
	x, y := f.run(t, f.a, f.modelA, f.alice), f.run(t, f.b, f.modelB, f.bob)
	for range 2 {
		_, err := db.ClaimRun(ctx)
		must(t, err)
	}
	must(t, db.UpdateRunProgress(ctx, x.ID, 0.7))
	must(t, db.UpdateRunProgress(ctx, y.ID, 0.2))
	must(t, db.ReleaseRun(ctx, y.ID))
	wantCode(t, db.ReleaseRun(ctx, y.ID), model.ECONFLICT)
	got, err = db.Run(ctx, f.b.ID, y.ID)
	must(t, err)
	if got.Status != RunQueued || got.Progress != 0 || got.StartedAt != nil || got.Attempts != 0 {
		t.Fatalf("released run = %+v", got)
	}
	requeued, failed, err := db.RequeueExpiredRuns(ctx, DefaultMaxAttempts)
	if err != nil || len(requeued)+len(failed) != 0 {
		t.Fatalf("RequeueExpiredRuns while the lease lasts = %v, %v, %v", requeued, failed, err)
	}
	c.Set(c.peek().Add(DefaultLeaseTTL + time.Second))
	requeued, failed, err = db.RequeueExpiredRuns(ctx, DefaultMaxAttempts)
	if err != nil || !slices.Equal(requeued, []int64{x.ID}) || len(failed) != 0 {
		t.Fatalf("RequeueExpiredRuns = %v, %v, %v; want [%d]", requeued, failed, err, x.ID)
	}
	got, err = db.Run(ctx, f.a.ID, x.ID)
	must(t, err)
	if got.Status != RunQueued || got.Progress != 0 || got.StartedAt != nil || got.Attempts != 1 {
		t.Fatalf("requeued run = %+v", got)
	}
	for _, want := range []*Run{y, x} {
		claimed, err := db.ClaimRun(ctx)
		must(t, err)
		if claimed.ID != want.ID {
			t.Fatalf("claimed %d, want %d", claimed.ID, want.ID)
		}
	}
}

// testClaimConcurrent: workers claiming at the same time never get the
// same job, and together get them all.
func testClaimConcurrent(t *testing.T, open opener) {
	db := open(t, nil)
	f := newFixture(t, db)
	const jobs, workers = 40, 6
	for i := range jobs {
		org, m, u := f.a, f.modelA, f.alice
		if i%2 == 1 {
			org, m, u = f.b, f.modelB, f.bob
		}
		f.run(t, org, m, u)
		f.plan(t, org, m, u)
	}
	type claimer func() (int64, bool, error)
	for _, tt := range []struct {
		name  string
		claim claimer
	}{
		{"runs", func() (int64, bool, error) {
			r, err := db.ClaimRun(ctx)
			if r == nil || err != nil {
				return 0, false, err
			}
			return r.ID, true, db.FinishRun(ctx, r.ID, RunSucceeded, []byte(`{}`), "")
		}},
		{"plans", func() (int64, bool, error) {
			p, err := db.ClaimPlan(ctx)
			if p == nil || err != nil {
				return 0, false, err
			}
			return p.ID, true, db.FinishPlan(ctx, p.ID, RunSucceeded, []byte(`{}`), "")
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			seen := map[int64]int{}
			var wg sync.WaitGroup
			errs := make(chan error, workers)
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						id, ok, err := tt.claim()
						if err != nil {
							errs <- err
							return
						}
						if !ok {
							return
						}
						mu.Lock()
						seen[id]++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if len(seen) != jobs {
				t.Fatalf("%d jobs claimed, want %d", len(seen), jobs)
			}
			for id, n := range seen {
				if n != 1 {
					t.Fatalf("job %d claimed %d times", id, n)
				}
			}
		})
	}
}

// testRunEvidence: the evidence a run calibrates with is stored with it.
func testRunEvidence(t *testing.T, open opener) {
	db := open(t, newClock().Now)
	f := newFixture(t, db)
	r := &Run{OrgID: f.a.ID, ModelID: f.modelA.ID, Trials: 10, Evidence: []int64{7, 3}, CreatedBy: f.alice.ID}
	must(t, db.CreateRun(ctx, r))
	got, err := db.Run(ctx, f.a.ID, r.ID)
	must(t, err)
	if len(got.Evidence) != 2 || got.Evidence[0] != 7 || got.Evidence[1] != 3 || len(got.Controls) != 0 {
		t.Errorf("run evidence %v controls %v", got.Evidence, got.Controls)
	}
	claimed, err := db.ClaimRun(ctx)
	must(t, err)
	if claimed == nil || len(claimed.Evidence) != 2 {
		t.Errorf("claimed %+v", claimed)
	}
}

package store

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

// testJobAttempts: a job whose server stops while running it (a crash:
// the lease is never renewed nor released) is queued again when its
// lease ends, and fails with the reason once it has been claimed
// maxAttempts times, so that it cannot make the server crash for ever.
func testJobAttempts(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	f := newFixture(t, db)
	crash := func() { c.Set(c.peek().Add(DefaultLeaseTTL + time.Second)) }
	r := f.run(t, f.a, f.modelA, f.alice)
	p := f.plan(t, f.b, f.modelB, f.bob)
	for attempt := 1; attempt <= 3; attempt++ {
		// A server starts: it requeues what the last one left.
		requeued, failed, err := db.RequeueExpiredRuns(ctx, 3)
		must(t, err)
		if attempt > 1 && !slices.Equal(requeued, []int64{r.ID}) || len(failed) != 0 {
			t.Fatalf("start %d: runs requeued %v, failed %v", attempt, requeued, failed)
		}
		requeued, failed, err = db.RequeueExpiredPlans(ctx, 3)
		must(t, err)
		if attempt > 1 && !slices.Equal(requeued, []int64{p.ID}) || len(failed) != 0 {
			t.Fatalf("start %d: plans requeued %v, failed %v", attempt, requeued, failed)
		}
		run, plan, err := db.ClaimJob(ctx)
		must(t, err)
		if run == nil || run.ID != r.ID || run.Attempts != attempt {
			t.Fatalf("start %d: claimed run %+v, plan %+v", attempt, run, plan)
		}
		run, plan, err = db.ClaimJob(ctx)
		must(t, err)
		if plan == nil || plan.ID != p.ID || plan.Attempts != attempt || run != nil {
			t.Fatalf("start %d: claimed plan %+v, run %+v", attempt, plan, run)
		}
		must(t, db.UpdateRunProgress(ctx, r.ID, 0.5))
		crash()
	}
	requeued, failed, err := db.RequeueExpiredRuns(ctx, 3)
	if err != nil || len(requeued) != 0 || !slices.Equal(failed, []int64{r.ID}) {
		t.Fatalf("after 3 attempts: runs requeued %v, failed %v, %v", requeued, failed, err)
	}
	requeued, failed, err = db.RequeueExpiredPlans(ctx, 3)
	if err != nil || len(requeued) != 0 || !slices.Equal(failed, []int64{p.ID}) {
		t.Fatalf("after 3 attempts: plans requeued %v, failed %v, %v", requeued, failed, err)
	}
	gotRun, err := db.Run(ctx, f.a.ID, r.ID)
	must(t, err)
	gotPlan, err := db.Plan(ctx, f.b.ID, p.ID)
	must(t, err)
	for _, got := range []struct {
		status, msg string
		attempts    int
		finished    *time.Time
	}{
		{gotRun.Status, gotRun.Error, gotRun.Attempts, gotRun.FinishedAt},
		{gotPlan.Status, gotPlan.Error, gotPlan.Attempts, gotPlan.FinishedAt},
	} {
		if got.status != RunFailed || !strings.HasPrefix(got.msg, "stopped after 3 attempts: the server stopped while running it each time") ||
			got.attempts != 3 || got.finished == nil {
			t.Errorf("given up job: %+v", got)
		}
	}
	if run, plan, err := db.ClaimJob(ctx); run != nil || plan != nil || err != nil {
		t.Fatalf("a given up job is claimed again: %+v %+v %v", run, plan, err)
	}

	// A graceful stop does not count: the released plan keeps its count.
	q := f.plan(t, f.a, f.modelA, f.alice)
	for range 5 {
		claimed, err := db.ClaimPlan(ctx)
		must(t, err)
		if claimed.ID != q.ID || claimed.Attempts != 1 {
			t.Fatalf("claimed %+v", claimed)
		}
		must(t, db.ReleasePlan(ctx, q.ID))
	}
	// A limit lowered below a job's attempts ends it at its next expiry.
	_, err = db.ClaimPlan(ctx)
	must(t, err)
	crash()
	_, failed, err = db.RequeueExpiredPlans(ctx, 1)
	if err != nil || !slices.Equal(failed, []int64{q.ID}) {
		t.Fatalf("with one attempt allowed: failed %v, %v", failed, err)
	}
	if _, _, err := db.RequeueExpiredRuns(ctx, 0); err == nil {
		t.Errorf("RequeueExpiredRuns accepts 0 attempts")
	}
}

// testClaimJobFair: the fair claim spans runs and plans: B's plan is not
// held behind A's 20 runs.
func testClaimJobFair(t *testing.T, open opener) {
	db := open(t, nil)
	f := newFixture(t, db)
	for range 20 {
		f.run(t, f.a, f.modelA, f.alice)
	}
	p := f.plan(t, f.b, f.modelB, f.bob)
	var order []string
	for {
		r, pl, err := db.ClaimJob(ctx)
		must(t, err)
		switch {
		case r != nil:
			order = append(order, "run "+r.OrgID)
			must(t, db.FinishRun(ctx, r.ID, RunSucceeded, []byte(`{}`), ""))
			continue
		case pl != nil:
			order = append(order, "plan "+pl.OrgID)
			if pl.ID != p.ID || len(order) > 2 {
				t.Fatalf("B's plan claimed in position %d: %v", len(order), order)
			}
			must(t, db.FinishPlan(ctx, pl.ID, RunSucceeded, []byte(`{}`), ""))
			continue
		}
		break
	}
	if len(order) != 21 {
		t.Fatalf("claimed %v", order)
	}
}

// TestTwoServers: two store handles on one database are two servers: a
// job one of them runs is leased to it, and the other neither takes it
// over nor changes it while the lease is renewed; once the lease has
// ended (the first server died), the second takes it over, and the first
// can no longer record anything about it.
func TestTwoServers(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "scrutin.db")
		testTwoServers(t, func() string { return path })
		testTwoServersClaim(t, func() string { return filepath.Join(t.TempDir(), "claim.db") })
	})
	t.Run("postgres", func(t *testing.T) {
		if postgresDSN() == "" {
			t.Skip("SCRUTIN_TEST_POSTGRES is not set: PostgreSQL not tested (eval \"$(.ci/postgres.sh)\" sets it)")
		}
		t.Parallel()
		dsn := newPostgresDB(t)
		testTwoServers(t, func() string { return dsn })
		testTwoServersClaim(t, func() string { return newPostgresDB(t) })
	})
}

func testTwoServers(t *testing.T, dsn func() string) {
	c := newClock()
	one := mustOpen(t, dsn(), c.Now)
	two := mustOpen(t, dsn(), c.Now)
	if one.LeaseOwner() == two.LeaseOwner() || !strings.Contains(one.LeaseOwner(), "/") {
		t.Fatalf("lease owners %q and %q", one.LeaseOwner(), two.LeaseOwner())
	}
	f := newFixture(t, one)
	r := f.run(t, f.a, f.modelA, f.alice)
	p := f.plan(t, f.b, f.modelB, f.bob)
	run, err := one.ClaimRun(ctx)
	must(t, err)
	plan, err := one.ClaimPlan(ctx)
	must(t, err)
	if run == nil || run.ID != r.ID || plan == nil || plan.ID != p.ID {
		t.Fatalf("first server claimed %+v and %+v", run, plan)
	}
	must(t, one.UpdateRunProgress(ctx, r.ID, 0.25))

	// The second server starts, and comes back now and then while the
	// first one renews its leases: it leaves the jobs alone.
	for range 4 {
		for _, requeue := range []func() ([]int64, []int64, error){
			func() ([]int64, []int64, error) { return two.RequeueExpiredRuns(ctx, DefaultMaxAttempts) },
			func() ([]int64, []int64, error) { return two.RequeueExpiredPlans(ctx, DefaultMaxAttempts) },
		} {
			requeued, failed, err := requeue()
			if err != nil || len(requeued)+len(failed) != 0 {
				t.Fatalf("the second server requeued %v and failed %v (%v) jobs leased to the first", requeued, failed, err)
			}
		}
		if r, p, err := two.ClaimJob(ctx); r != nil || p != nil || err != nil {
			t.Fatalf("the second server claimed %+v %+v %v", r, p, err)
		}
		c.Set(c.peek().Add(DefaultLeaseTTL / 2))
		must(t, one.RenewRunLease(ctx, r.ID))
		must(t, one.RenewPlanLease(ctx, p.ID))
	}
	// Nor can it record anything about them.
	wantCode(t, two.UpdateRunProgress(ctx, r.ID, 0.9), model.ECONFLICT)
	wantCode(t, two.FinishRun(ctx, r.ID, RunFailed, nil, "not mine"), model.ECONFLICT)
	wantCode(t, two.RenewRunLease(ctx, r.ID), model.ECONFLICT)
	wantCode(t, two.ReleaseRun(ctx, r.ID), model.ECONFLICT)
	wantCode(t, two.FinishPlan(ctx, p.ID, RunFailed, nil, "not mine"), model.ECONFLICT)
	wantCode(t, two.RenewPlanLease(ctx, p.ID), model.ECONFLICT)
	wantCode(t, two.ReleasePlan(ctx, p.ID), model.ECONFLICT)
	got, err := one.Run(ctx, f.a.ID, r.ID)
	must(t, err)
	if got.Status != RunRunning || got.Progress != 0.25 || got.Attempts != 1 || !got.StartedAt.Equal(*run.StartedAt) {
		t.Fatalf("the first server's run changed: %+v", got)
	}

	// The first server dies: its leases end; the second takes over.
	c.Set(c.peek().Add(DefaultLeaseTTL + time.Second))
	requeued, failed, err := two.RequeueExpiredRuns(ctx, DefaultMaxAttempts)
	if err != nil || !slices.Equal(requeued, []int64{r.ID}) || len(failed) != 0 {
		t.Fatalf("after the lease: runs requeued %v, failed %v, %v", requeued, failed, err)
	}
	requeued, _, err = two.RequeueExpiredPlans(ctx, DefaultMaxAttempts)
	if err != nil || !slices.Equal(requeued, []int64{p.ID}) {
		t.Fatalf("after the lease: plans requeued %v, %v", requeued, err)
	}
	taken, err := two.ClaimRun(ctx)
	must(t, err)
	takenPlan, err := two.ClaimPlan(ctx)
	must(t, err)
	if taken == nil || taken.ID != r.ID || taken.Attempts != 2 || taken.Progress != 0 || takenPlan == nil || takenPlan.ID != p.ID {
		t.Fatalf("the second server claimed %+v and %+v", taken, takenPlan)
	}
	// The first server, back from the dead, learns it lost them.
	wantCode(t, one.UpdateRunProgress(ctx, r.ID, 0.99), model.ECONFLICT)
	wantCode(t, one.RenewRunLease(ctx, r.ID), model.ECONFLICT)
	wantCode(t, one.FinishRun(ctx, r.ID, RunSucceeded, []byte(`{"stale": true}`), ""), model.ECONFLICT)
	wantCode(t, one.ReleaseRun(ctx, r.ID), model.ECONFLICT)
	wantCode(t, one.FinishPlan(ctx, p.ID, RunSucceeded, []byte(`{"stale": true}`), ""), model.ECONFLICT)
	err = one.RenewPlanLease(ctx, p.ID)
	wantCode(t, err, model.ECONFLICT)
	if !strings.Contains(err.Error(), "running on another server") {
		t.Errorf("lost lease: %v", err)
	}
	must(t, two.UpdateRunProgress(ctx, r.ID, 0.5))
	must(t, two.FinishRun(ctx, r.ID, RunSucceeded, []byte(`{"fresh": true}`), ""))
	must(t, two.FinishPlan(ctx, p.ID, RunSucceeded, []byte(`{"fresh": true}`), ""))
	got, err = one.Run(ctx, f.a.ID, r.ID)
	must(t, err)
	if got.Status != RunSucceeded || got.Progress != 1 {
		t.Fatalf("run after the takeover: %+v", got)
	}
	jsonEqual(t, got.Result, []byte(`{"fresh": true}`))
}

// testTwoServersClaim: two servers claiming at once from one queue never
// get the same job, and together get them all.
func testTwoServersClaim(t *testing.T, dsn func() string) {
	name := dsn()
	servers := []*DB{mustOpen(t, name, nil), mustOpen(t, name, nil)}
	f := newFixture(t, servers[0])
	const jobs = 30
	for i := range jobs {
		if i%3 == 0 {
			f.plan(t, f.b, f.modelB, f.bob)
		} else {
			f.run(t, f.a, f.modelA, f.alice)
		}
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := range 6 {
		wg.Add(1)
		go func(db *DB) {
			defer wg.Done()
			for {
				r, p, err := db.ClaimJob(ctx)
				if err != nil {
					errs <- err
					return
				}
				key := ""
				switch {
				case r != nil:
					key, err = fmt.Sprint("run ", r.ID), db.FinishRun(ctx, r.ID, RunSucceeded, []byte(`{}`), "")
				case p != nil:
					key, err = fmt.Sprint("plan ", p.ID), db.FinishPlan(ctx, p.ID, RunSucceeded, []byte(`{}`), "")
				default:
					return
				}
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				seen[key]++
				mu.Unlock()
			}
		}(servers[i%2])
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(seen) != jobs {
		t.Fatalf("%d jobs claimed, want %d", len(seen), jobs)
	}
	for k, n := range seen {
		if n != 1 {
			t.Fatalf("%s claimed %d times", k, n)
		}
	}
}

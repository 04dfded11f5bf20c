package web

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/store"
)

// TestSecondServerLeavesRunningJobs: a second server that starts on the
// database of a live server leaves the jobs the first one is running
// alone (they are leased to it), instead of queuing them again.
func TestSecondServerLeavesRunningJobs(t *testing.T) {
	backends(t, true, func(t *testing.T, dsn func(testing.TB) string) {
		c := &clock{}
		db := dsn(t)
		first := startServer(t, db, testConfig(c), c)
		admin := first.signIn(t, DefaultAdminEmail, adminPassword)
		var models list[store.Model]
		admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/models", nil).decode(&models)
		var run runView
		admin.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/runs", models.Items[0].ID),
			map[string]any{"trials": 10_000_000}).decode(&run)
		path := fmt.Sprintf("/api/v1/orgs/demo/runs/%d", run.ID)
		before := waitFor(t, admin, path, time.Minute, func(r runView) bool { return r.Status == "running" && r.Progress > 0 })

		second := startServer(t, db, testConfig(c), c)
		// Readiness answers once the second server's start-up (where it
		// recovers the jobs of stopped servers) is over.
		waitReady(t, second)
		// Several of the second server's polls, and of the first
		// server's progress updates.
		time.Sleep(4 * progressEvery)
		after := waitFor(t, admin, path, time.Minute, func(r runView) bool { return r.Progress > before.Progress })
		if after.Status != "running" || !after.StartedAt.Equal(*before.StartedAt) {
			t.Fatalf("the second server took over the first one's run: before %+v, after %+v", before, after)
		}
		admin.want(http.StatusOK, "POST", path+"/cancel", nil)
		waitFor(t, admin, path, time.Minute, func(r runView) bool { return r.Status == "canceled" })
	})
}

// TestDeadServerJobRecovered: a job left running by a server that died
// (its lease no longer renewed) is queued again and executed by a live
// server once the lease has expired, not before; the takeover counts as
// an attempt.
func TestDeadServerJobRecovered(t *testing.T) {
	backends(t, true, func(t *testing.T, dsn func(testing.TB) string) {
		c := &clock{}
		db := dsn(t)
		cfg := testConfig(c)
		cfg.LeaseTTL = 3 * time.Second
		ts := startServer(t, db, cfg, c)
		admin := ts.signIn(t, DefaultAdminEmail, adminPassword)
		var models list[store.Model]
		admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/models", nil).decode(&models)
		// The dead server: a store handle that claims the run, then never
		// renews its lease. The live server is kept busy meanwhile by a
		// long run of its own, so that the dead one's claim wins.
		dead, err := store.Open(context.Background(), db, c.Now)
		if err != nil {
			t.Fatal(err)
		}
		defer dead.Close()
		var busy runView
		admin.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/runs", models.Items[0].ID),
			map[string]any{"trials": 10_000_000}).decode(&busy)
		busyPath := fmt.Sprintf("/api/v1/orgs/demo/runs/%d", busy.ID)
		waitFor(t, admin, busyPath, time.Minute, func(r runView) bool { return r.Status == "running" })
		var run runView
		admin.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/runs", models.Items[0].ID),
			map[string]any{"trials": 20_000}).decode(&run)
		claimed, err := dead.ClaimRun(context.Background())
		if err != nil || claimed == nil || claimed.ID != run.ID {
			t.Fatalf("the dead server's claim: %+v, %v", claimed, err)
		}
		path := fmt.Sprintf("/api/v1/orgs/demo/runs/%d", run.ID)
		admin.want(http.StatusOK, "POST", busyPath+"/cancel", nil)
		// The lease is still valid: the live server, now idle, leaves
		// the job alone.
		time.Sleep(2 * time.Second)
		got := waitFor(t, admin, path, time.Minute, func(r runView) bool { return true })
		if got.Status != "running" || got.Attempts != 1 {
			t.Fatalf("before the lease expired: %+v", got)
		}
		c.advance(time.Minute)
		done := waitFor(t, admin, path, time.Minute, func(r runView) bool { return r.Status == "succeeded" })
		if done.Attempts != 2 {
			t.Errorf("attempts %d, want 2", done.Attempts)
		}
		// The dead server cannot overwrite what the live one did.
		if err := dead.FinishRun(context.Background(), run.ID, store.RunFailed, nil, "stale"); err == nil {
			t.Errorf("a server whose lease expired could finish the job")
		}
	})
}

// waitReady waits until the server's workers run.
func waitReady(t *testing.T, ts *testServer) {
	t.Helper()
	c := ts.client(t)
	deadline := time.Now().Add(time.Minute)
	for c.do("GET", "/readyz", nil).status != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatalf("%s is not ready after a minute", ts.url)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

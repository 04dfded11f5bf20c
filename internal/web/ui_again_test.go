package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/store"
)

// TestAgainOnlyWhenEnded: a run's or plan's page offers to run or plan
// again only once the job has ended, never while it is queued or running;
// its progress fragment then has htmx reload the page, which offers it.
func TestAgainOnlyWhenEnded(t *testing.T) {
	c := &clock{}
	ts := startServer(t, ":memory:", testConfig(c), c)
	// No worker: the jobs stay queued until the test ends them. (Serve
	// starts the workers: once they run, they can be stopped.)
	for deadline := time.Now().Add(10 * time.Second); !ts.srv.jobs.ready(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the workers did not start")
		}
	}
	ts.srv.jobs.stop()
	ctx := context.Background()
	admin, err := ts.db.UserByEmail(ctx, DefaultAdminEmail)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := ts.db.Models(ctx, DemoOrg, store.Page{})
	if err != nil || len(ms) == 0 {
		t.Fatalf("demo models: %v %v", ms, err)
	}
	m := ms[0]
	run := &store.Run{OrgID: DemoOrg, ModelID: m.ID, Trials: 1000, Seed: 1, Controls: []string{}, CreatedBy: admin.ID}
	if err := ts.db.CreateRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	pl := &store.Plan{OrgID: DemoOrg, ModelID: m.ID, CreatedBy: admin.ID,
		Request: json.RawMessage(`{"budget":100000,"objective":"mean","horizon":3,"trials":1000,"seed":1,"evidence":[]}`)}
	if err := ts.db.CreatePlan(ctx, pl); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "fr"} {
		b := ts.signedIn(t, DefaultAdminEmail, adminPassword, lang)
		for _, j := range []struct {
			path, again string
		}{{fmt.Sprintf("/orgs/demo/runs/%d", run.ID), `id="run-again"`}, {fmt.Sprintf("/orgs/demo/plans/%d", pl.ID), `id="plan-again"`}} {
			b.get(j.path).want(http.StatusOK).lacks(j.again)
			// While queued, the fragment does not reload the page.
			if r := b.do("GET", j.path+"/progress", nil, http.Header{"HX-Request": {"true"}}).want(http.StatusOK); r.header.Get("HX-Refresh") != "" {
				t.Errorf("%s: the queued job's fragment reloads the page", j.path)
			}
		}
	}
	if err := ts.db.CancelRun(ctx, DemoOrg, run.ID); err != nil {
		t.Fatal(err)
	}
	if err := ts.db.CancelPlan(ctx, DemoOrg, pl.ID); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "fr"} {
		b := ts.signedIn(t, DefaultAdminEmail, adminPassword, lang)
		for _, j := range []struct {
			path, again string
		}{{fmt.Sprintf("/orgs/demo/runs/%d", run.ID), `id="run-again"`}, {fmt.Sprintf("/orgs/demo/plans/%d", pl.ID), `id="plan-again"`}} {
			if r := b.do("GET", j.path+"/progress", nil, http.Header{"HX-Request": {"true"}}).want(http.StatusOK); r.header.Get("HX-Refresh") != "true" {
				t.Errorf("%s: the ended job's fragment does not reload the page", j.path)
			}
			b.get(j.path).want(http.StatusOK).contains(j.again)
		}
	}
}

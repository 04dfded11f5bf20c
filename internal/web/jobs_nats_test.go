package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/fleet"
	"github.com/scrutin/scrutin/internal/fleet/natstest"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/sim"
	"github.com/scrutin/scrutin/internal/store"
)

// jobWorker is a `scrutin worker --db` in the test process: an executor
// of the database's jobs fed by the NATS queue.
type jobWorker struct {
	db     *store.DB
	cancel context.CancelFunc
	nc     interface{ Close() }
	wg     sync.WaitGroup
}

func startJobWorker(t *testing.T, c *natstest.Cluster, dsn string, cfg fleet.Config, lease time.Duration) *jobWorker {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	nc := c.Connect()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ex := NewExecutor(db, slog.New(slog.DiscardHandler), Config{SimWorkers: 1, LeaseTTL: lease, MaxAttempts: 3})
	ex.Start(ctx)
	w := &jobWorker{db: db, cancel: cancel, nc: nc}
	jw := &fleet.JobWorker{JS: js, Config: cfg, Executor: testExecutor{ex}, CheckKind: KindOf}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		_ = jw.Run(ctx)
		ex.Stop()
	}()
	t.Cleanup(w.stop)
	return w
}

// crash stops the worker as a crash would: its connections to NATS and
// to the database are gone before it can release or acknowledge anything.
func (w *jobWorker) crash() {
	w.nc.Close()
	w.db.Close()
	w.stop()
}

func (w *jobWorker) stop() {
	w.cancel()
	w.wg.Wait()
	w.db.Close()
}

type testExecutor struct{ ex *Executor }

func (e testExecutor) Exec(ctx context.Context, kind string, id int64) (bool, time.Duration, error) {
	out, wait, err := e.ex.Exec(ctx, kind, id)
	return out == Later, wait, err
}

// TestJobsOnNATS: two servers on one database (PostgreSQL, or one
// SQLite file) send their jobs
// to a 3-node JetStream cluster, where workers execute them. A run queued
// on one server is read, with the same figures, on the other; its result
// is what `scrutin run` computes; a worker that crashes mid-run costs
// time, not the run.
func TestJobsOnNATS(t *testing.T) {
	backends(t, true, func(t *testing.T, newDSN func(testing.TB) string) { testJobsOnNATS(t, newDSN(t)) })
}

func testJobsOnNATS(t *testing.T, dsn string) {
	c := natstest.Start(t, 3)
	fcfg := fleet.Config{Replicas: 3, AckWait: 2 * time.Second}
	queue := func() JobQueue {
		js, err := jetstream.New(c.Connect())
		if err != nil {
			t.Fatal(err)
		}
		q := &fleet.JobQueue{JS: js, Config: fcfg}
		if err := q.Setup(context.Background()); err != nil {
			t.Fatal(err)
		}
		return q
	}
	clk := &clock{}
	cfg := testConfig(clk)
	cfg.Queue = queue()
	a := startServer(t, dsn, cfg, clk)
	cfg.Queue = queue()
	b := startServer(t, dsn, cfg, clk)
	adminA, adminB := a.signIn(t, DefaultAdminEmail, adminPassword), b.signIn(t, DefaultAdminEmail, adminPassword)

	var models list[map[string]any]
	adminA.want(http.StatusOK, "GET", "/api/v1/orgs/demo/models", nil).decode(&models)
	modelID := int64(models.Items[0]["id"].(float64))

	// No worker yet: the run waits in the queue, on both servers.
	var run runView
	adminA.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/runs", modelID), map[string]any{"trials": 40000, "seed": 3}).decode(&run)
	time.Sleep(500 * time.Millisecond)
	var queued runView
	adminB.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/demo/runs/%d", run.ID), nil).decode(&queued)
	if queued.Status != "queued" {
		t.Fatalf("with no worker, the run is %s", queued.Status)
	}
	w := startJobWorker(t, c, dsn, fcfg, 3*time.Second)
	done := waitFor(t, adminB, fmt.Sprintf("/api/v1/orgs/demo/runs/%d", run.ID), time.Minute, func(v runView) bool {
		return v.Status == "succeeded" || v.Status == "failed"
	})
	if done.Status != "succeeded" {
		t.Fatalf("run %+v", done)
	}
	var fromA runView
	adminA.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/demo/runs/%d", run.ID), nil).decode(&fromA)
	if !jsonSame(t, fromA.Result, done.Result) {
		t.Error("the two servers show the run's result differently")
	}
	// The result is scrutin run's, for the same model, seed and trials.
	m, err := model.Decode("election.yaml", examples.Election())
	if err != nil {
		t.Fatal(err)
	}
	res, err := sim.Run(context.Background(), m, sim.Options{Trials: 40000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := report.JSON(&want, report.WithCalibration(res, nil)); err != nil {
		t.Fatal(err)
	}
	if !jsonSame(t, done.Result, want.Bytes()) {
		t.Error("the worker's result differs from scrutin run's")
	}

	// A worker crashes mid-run: the run is delivered again and ends.
	adminB.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/demo/models/%d/runs", modelID), map[string]any{"trials": 3_000_000, "seed": 4}).decode(&run)
	waitFor(t, adminA, fmt.Sprintf("/api/v1/orgs/demo/runs/%d", run.ID), time.Minute, func(v runView) bool { return v.Progress > 0 })
	w.crash()
	startJobWorker(t, c, dsn, fcfg, 3*time.Second)
	done = waitFor(t, adminA, fmt.Sprintf("/api/v1/orgs/demo/runs/%d", run.ID), 3*time.Minute, func(v runView) bool {
		return v.Status == "succeeded" || v.Status == "failed"
	})
	if done.Status != "succeeded" || done.Attempts != 2 {
		t.Fatalf("after the crash: %s, %d attempts (%s)", done.Status, done.Attempts, done.Error)
	}
}

// jsonSame compares two JSON documents as values (PostgreSQL's JSONB
// keeps the values, not the bytes).
func jsonSame(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

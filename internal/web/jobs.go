package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// Jobs (runs and plans) live in the store's queue: the API queues them,
// and a pool of Config.Workers goroutines claims them one at a time
// (oldest first, whatever the organisation; ClaimRun is atomic, so
// several servers may share a PostgreSQL database) and executes them with
// Config.SimWorkers goroutines each. A job is canceled through the API
// (the store marks it canceled; the worker here stops at once, a worker
// of another server at its next progress update). At shutdown the jobs
// being executed are stopped and left "running"; the next start queues
// them again.

// Job kinds, in metrics and logs.
const (
	kindRun  = "run"
	kindPlan = "plan"
)

// errJobCanceled is the cause of a job's context when someone cancels it.
var errJobCanceled = errors.New("job canceled")

type runner struct {
	db      *store.DB
	log     *slog.Logger
	metrics *metrics
	cfg     Config

	wake chan struct{}

	mu      sync.Mutex
	cancels map[string]context.CancelCauseFunc

	stopJobs context.CancelFunc
	wg       sync.WaitGroup
	alive    atomic.Int32
}

func newRunner(db *store.DB, log *slog.Logger, m *metrics, cfg Config) *runner {
	return &runner{db: db, log: log, metrics: m, cfg: cfg,
		wake: make(chan struct{}, cfg.Workers), cancels: map[string]context.CancelCauseFunc{}}
}

// start queues again the jobs a stopped server left running, then starts
// the workers. Their context outlives ctx: stop ends them.
func (r *runner) start(ctx context.Context) error {
	runs, err := r.db.RequeueRunning(ctx)
	if err != nil {
		return fmt.Errorf("requeue runs: %w", err)
	}
	plans, err := r.db.RequeueRunningPlans(ctx)
	if err != nil {
		return fmt.Errorf("requeue plans: %w", err)
	}
	if runs+plans > 0 {
		r.log.Info("queued again the jobs a stopped server left running", "runs", runs, "plans", plans)
	}
	jctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.stopJobs = cancel
	for range r.cfg.Workers {
		r.wg.Add(1)
		go r.work(jctx)
	}
	r.wg.Add(1)
	go r.housekeeping(jctx)
	return nil
}

// housekeepingEvery is how often expired sessions and tokens are deleted.
const housekeepingEvery = time.Hour

// housekeeping deletes expired sessions and tokens now and then (they
// already no longer sign anyone in).
func (r *runner) housekeeping(ctx context.Context) {
	defer r.wg.Done()
	t := time.NewTicker(housekeepingEvery)
	defer t.Stop()
	for {
		n, err := r.db.DeleteExpiredTokens(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			r.log.Warn("deleting expired tokens", "error", err.Error())
		case n > 0:
			r.log.Info("deleted expired tokens", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// stop cancels the jobs being executed and waits for the workers to end.
func (r *runner) stop() {
	if r.stopJobs != nil {
		r.stopJobs()
	}
	r.wg.Wait()
}

// ready says whether every worker is running.
func (r *runner) ready() bool { return int(r.alive.Load()) == r.cfg.Workers }

// queued wakes an idle worker: a job was queued.
func (r *runner) queued(kind string) {
	r.metrics.queued.Add(1)
	r.metrics.job(kind, "queued")
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// cancel stops the job if a worker here is executing it.
func (r *runner) cancel(kind string, id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.cancels[jobKey(kind, id)]; ok {
		c(errJobCanceled)
	}
}

func jobKey(kind string, id int64) string { return kind + "/" + strconv.FormatInt(id, 10) }

// track registers the cancel function of a job being executed.
func (r *runner) track(kind string, id int64, c context.CancelCauseFunc) func() {
	k := jobKey(kind, id)
	r.mu.Lock()
	r.cancels[k] = c
	r.mu.Unlock()
	r.metrics.running.WithLabelValues(kind).Inc()
	r.metrics.job(kind, "started")
	return func() {
		r.mu.Lock()
		delete(r.cancels, k)
		r.mu.Unlock()
		r.metrics.running.WithLabelValues(kind).Dec()
	}
}

func (r *runner) work(ctx context.Context) {
	defer r.wg.Done()
	r.alive.Add(1)
	defer r.alive.Add(-1)
	for ctx.Err() == nil {
		busy, err := r.next(ctx)
		if err != nil && ctx.Err() == nil {
			r.log.Error("looking for a job", "error", err.Error())
		}
		if busy && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
		case <-r.wake:
		case <-time.After(r.cfg.PollInterval):
		}
	}
}

// next claims and executes one job; false when none is queued.
func (r *runner) next(ctx context.Context) (bool, error) {
	run, err := r.db.ClaimRun(ctx)
	if err != nil {
		return false, err
	}
	if run != nil {
		r.metrics.queued.Add(-1)
		r.execRun(ctx, run)
		return true, nil
	}
	plan, err := r.db.ClaimPlan(ctx)
	if err != nil {
		return false, err
	}
	if plan != nil {
		r.metrics.queued.Add(-1)
		r.execPlan(ctx, plan)
		return true, nil
	}
	r.metrics.queued.Store(0)
	return false, nil
}

// outcome decides how a job that returned err ends: "" when the server
// is shutting down (the job stays running, to be queued again), else
// its status and error message. Errors that are not the user's are
// logged here and reported as "internal error".
func (r *runner) outcome(ctx, jctx context.Context, err error, log *slog.Logger) (status, msg string) {
	switch {
	case err == nil:
		return store.RunSucceeded, ""
	case ctx.Err() != nil:
		return "", ""
	case errors.Is(context.Cause(jctx), errJobCanceled):
		return store.RunCanceled, "canceled"
	}
	switch model.ErrorCode(err) {
	case model.EINVALID, model.ENOTFOUND, model.ECONFLICT:
		return store.RunFailed, err.Error()
	}
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		return store.RunFailed, err.Error()
	}
	log.Error("job failed", "error", err.Error())
	return store.RunFailed, "internal error (see the server's log)"
}

// finished records the end of a job with finish (FinishRun or
// FinishPlan); a job canceled meanwhile keeps its status.
func (r *runner) finished(ctx context.Context, kind string, id int64, status string, result []byte, msg string,
	finish func(ctx context.Context, id int64, status string, result []byte, errMsg string) error, log *slog.Logger, took time.Duration) {
	if status == "" {
		r.metrics.job(kind, "interrupted")
		log.Info("job interrupted by shutdown; it will be queued again at the next start")
		return
	}
	// A job that ended just as the server began to stop keeps its end.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	err := finish(fctx, id, status, result, msg)
	if model.ErrorCode(err) == model.ECONFLICT {
		status, err = store.RunCanceled, nil
	}
	if err != nil {
		log.Error("recording the end of a job", "error", err.Error())
		return
	}
	r.metrics.job(kind, status)
	log.Info("job finished", "status", status, "seconds", took.Seconds(), "message", msg)
}

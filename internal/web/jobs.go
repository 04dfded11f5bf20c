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
// (fairly between organisations: the one with the fewest jobs running
// first; ClaimJob is atomic, so several servers may share a database) and
// executes them with Config.SimWorkers goroutines each. A claimed job is
// leased to this server for Config.LeaseTTL, and the lease is renewed
// every third of that while the job runs. A job is canceled through the
// API (the store marks it canceled; the worker here stops at once, a
// worker of another server at its next renewal or progress update). A
// server whose lease was taken over (it was thought dead) stops the job
// without recording anything. At shutdown the jobs being executed are
// stopped and released to the queue, for this or another server. The
// jobs of a server that stopped without releasing them (a crash) are
// queued again once their lease has ended, by whichever server sees it
// first (at start-up and at each renewal round), or fail after
// Config.MaxAttempts claims, so that a job that kills the server cannot
// keep it in a crash loop.

// Job kinds, in metrics and logs (and kindNational, handle_national.go).
const (
	kindRun  = "run"
	kindPlan = "plan"
)

// errJobCanceled is the cause of a job's context when someone cancels it
// here; errLeaseLost when the store says the job is no longer this
// server's (canceled elsewhere, or taken over after its lease ended).
var (
	errJobCanceled = errors.New("job canceled")
	errLeaseLost   = errors.New("job no longer leased to this server")
)

// Outcomes of a job that are not a status to record: interrupted by the
// shutdown (released to the queue), or lost (nothing to record).
const (
	jobInterrupted = ""
	jobLost        = "lost"
)

// trackedJob is a job being executed here.
type trackedJob struct {
	kind   string
	id     int64
	cancel context.CancelCauseFunc
}

type runner struct {
	db      *store.DB
	log     *slog.Logger
	metrics *metrics
	cfg     Config

	wake chan struct{}

	mu      sync.Mutex
	running map[string]trackedJob

	stopJobs context.CancelFunc
	wg       sync.WaitGroup
	alive    atomic.Int32
}

func newRunner(db *store.DB, log *slog.Logger, m *metrics, cfg Config) *runner {
	return &runner{db: db, log: log, metrics: m, cfg: cfg,
		wake: make(chan struct{}, cfg.Workers), running: map[string]trackedJob{}}
}

// start queues again the jobs that stopped servers left running (once
// their lease has ended), then starts the workers and the lease keeper.
// Their context outlives ctx: stop ends them.
func (r *runner) start(ctx context.Context) error {
	r.db.SetLeaseTTL(r.cfg.LeaseTTL)
	if err := r.requeueExpired(ctx); err != nil {
		return err
	}
	jctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.stopJobs = cancel
	if r.cfg.Queue != nil {
		// The jobs are executed by workers elsewhere.
		r.wg.Add(3)
		go r.housekeeping(jctx)
		go r.keepLeases(jctx)
		go r.resend(jctx)
		return nil
	}
	for range r.cfg.Workers {
		r.wg.Add(1)
		go r.work(jctx)
	}
	r.wg.Add(2)
	go r.housekeeping(jctx)
	go r.keepLeases(jctx)
	return nil
}

// requeueExpired queues again the jobs whose lease has ended, or fails
// those tried Config.MaxAttempts times, and logs what it did.
func (r *runner) requeueExpired(ctx context.Context) error {
	for _, k := range []struct {
		kind    string
		requeue func(context.Context, int) ([]int64, []int64, error)
	}{{kindRun, r.db.RequeueExpiredRuns}, {kindPlan, r.db.RequeueExpiredPlans}, {kindNational, r.db.RequeueExpiredNationalRuns}} {
		requeued, failed, err := k.requeue(ctx, r.cfg.MaxAttempts)
		if err != nil {
			return fmt.Errorf("requeue %ss: %w", k.kind, err)
		}
		for range requeued {
			r.metrics.job(k.kind, "requeued")
		}
		for range failed {
			r.metrics.job(k.kind, "given_up")
		}
		if len(requeued) > 0 {
			r.log.Info("queued again the jobs a stopped server left running", "kind", k.kind, "ids", requeued)
			r.wakeOne()
		}
		if len(failed) > 0 {
			r.log.Error("gave up jobs: the server stopped while running them at each of their attempts",
				"kind", k.kind, "ids", failed, "attempts", r.cfg.MaxAttempts)
		}
	}
	return nil
}

// keepLeases renews the leases of the jobs executed here every third of
// the lease time, stopping those that are no longer this server's, and
// queues again the jobs of stopped servers whose lease has ended.
func (r *runner) keepLeases(ctx context.Context) {
	defer r.wg.Done()
	t := time.NewTicker(max(r.cfg.LeaseTTL/3, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		r.mu.Lock()
		jobs := make([]trackedJob, 0, len(r.running))
		for _, j := range r.running {
			jobs = append(jobs, j)
		}
		r.mu.Unlock()
		for _, j := range jobs {
			renew := r.db.RenewRunLease
			switch j.kind {
			case kindPlan:
				renew = r.db.RenewPlanLease
			case kindNational:
				renew = r.db.RenewNationalRunLease
			}
			err := renew(ctx, j.id)
			switch {
			case model.ErrorCode(err) == model.ECONFLICT:
				j.cancel(errLeaseLost)
			case err != nil && ctx.Err() == nil:
				r.log.Warn("renewing a job's lease", "job", j.kind, "id", j.id, "error", err.Error())
			}
		}
		if err := r.requeueExpired(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("looking for jobs left by stopped servers", "error", err.Error())
		}
	}
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

// ready says whether every worker is running (with a queue elsewhere:
// always).
func (r *runner) ready() bool { return r.cfg.Queue != nil || int(r.alive.Load()) == r.cfg.Workers }

// queued wakes an idle worker, or sends the job to the queue: a job was
// queued (and committed).
func (r *runner) queued(kind string, id int64) {
	r.metrics.job(kind, "queued")
	if r.cfg.Queue != nil {
		// In the background: with NATS unreachable, the request that
		// queued the job must not wait for it. The job is stored; resend
		// sends it again if this fails.
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := r.cfg.Queue.Publish(ctx, kind, id); err != nil {
				r.log.Warn("sending a job to the queue; it will be sent again", "job", kind, "id", id, "error", err.Error())
			}
		}()
		return
	}
	// Waiting for this server's workers (not counted with a queue
	// elsewhere, whose lag NATS tells).
	r.metrics.queued.Add(1)
	r.wakeOne()
}

// wakeOne wakes an idle worker, if there is one.
func (r *runner) wakeOne() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// cancel stops the job if a worker here is executing it.
func (r *runner) cancel(kind string, id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if j, ok := r.running[jobKey(kind, id)]; ok {
		j.cancel(errJobCanceled)
	}
}

func jobKey(kind string, id int64) string { return kind + "/" + strconv.FormatInt(id, 10) }

// waited records how long a job waited in the queue.
func (r *runner) waited(kind string, created time.Time, started *time.Time) {
	if started != nil {
		r.metrics.jobWait.WithLabelValues(kind).Observe(max(0, started.Sub(created).Seconds()))
	}
}

// track registers the cancel function of a job being executed.
func (r *runner) track(kind string, id int64, c context.CancelCauseFunc) func() {
	k := jobKey(kind, id)
	r.mu.Lock()
	r.running[k] = trackedJob{kind: kind, id: id, cancel: c}
	r.mu.Unlock()
	r.metrics.running.WithLabelValues(kind).Inc()
	r.metrics.job(kind, "started")
	return func() {
		r.mu.Lock()
		delete(r.running, k)
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

// next claims and executes one job; false when none is queued. National
// runs, few and an agency's, go first.
func (r *runner) next(ctx context.Context) (bool, error) {
	n, err := r.db.ClaimNationalRun(ctx)
	if err != nil {
		return false, err
	}
	if n != nil {
		r.metrics.queued.Add(-1)
		r.execNational(ctx, n)
		return true, nil
	}
	run, plan, err := r.db.ClaimJob(ctx)
	switch {
	case err != nil:
		return false, err
	case run != nil:
		r.metrics.queued.Add(-1)
		r.execRun(ctx, run)
		return true, nil
	case plan != nil:
		r.metrics.queued.Add(-1)
		r.execPlan(ctx, plan)
		return true, nil
	}
	r.metrics.queued.Store(0)
	return false, nil
}

// outcome decides how a job that returned err ends: jobInterrupted when
// the server is shutting down (the job is released to the queue),
// jobLost when it is no longer this server's, else its status and error
// message. Errors that are not the user's are logged here and reported
// as "internal error".
func (r *runner) outcome(ctx, jctx context.Context, err error, log *slog.Logger) (status, msg string) {
	switch {
	case err == nil:
		return store.RunSucceeded, ""
	case ctx.Err() != nil:
		return jobInterrupted, ""
	case errors.Is(context.Cause(jctx), errLeaseLost):
		return jobLost, ""
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

// jobStore is how a worker records a job of one kind in the store.
type jobStore struct {
	finish  func(ctx context.Context, id int64, status string, result []byte, errMsg string) error
	release func(ctx context.Context, id int64) error
}

func (r *runner) store(kind string) jobStore {
	switch kind {
	case kindPlan:
		return jobStore{finish: r.db.FinishPlan, release: r.db.ReleasePlan}
	case kindNational:
		return jobStore{finish: r.db.FinishNationalRun, release: r.db.ReleaseNationalRun}
	}
	return jobStore{finish: r.db.FinishRun, release: r.db.ReleaseRun}
}

// finished records the end of a job: its status, or its release to the
// queue when the shutdown interrupted it; nothing when it was lost. A
// job canceled or taken over meanwhile keeps its state.
func (r *runner) finished(ctx context.Context, kind string, id int64, status string, result []byte, msg string, log *slog.Logger, took time.Duration) {
	if status == jobLost {
		r.metrics.job(kind, jobLost)
		log.Warn("job stopped: it is no longer this server's (canceled, or taken over by another server after its lease ended); nothing recorded")
		return
	}
	// A job that ended just as the server began to stop keeps its end.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	js := r.store(kind)
	if status == jobInterrupted {
		err := js.release(fctx, id)
		switch {
		case model.ErrorCode(err) == model.ECONFLICT:
			log.Info("job interrupted by shutdown; it was no longer this server's", "error", err.Error())
		case err != nil:
			log.Error("releasing a job interrupted by shutdown; it will be queued again when its lease ends", "error", err.Error())
		default:
			r.metrics.job(kind, "interrupted")
			log.Info("job interrupted by shutdown; released to the queue for the next server")
		}
		return
	}
	err := js.finish(fctx, id, status, result, msg)
	if model.ErrorCode(err) == model.ECONFLICT && status == store.RunCanceled {
		// Canceled through this server, which the store recorded first.
		err = nil
	}
	if model.ErrorCode(err) == model.ECONFLICT {
		r.metrics.job(kind, jobLost)
		log.Info("job ended, but it is no longer this server's (canceled, or taken over by another server); its end is not recorded", "error", err.Error())
		return
	}
	if err != nil {
		log.Error("recording the end of a job", "error", err.Error())
		return
	}
	r.metrics.job(kind, status)
	r.metrics.jobSeconds.WithLabelValues(kind).Observe(took.Seconds())
	log.Info("job finished", "status", status, "seconds", took.Seconds(), "message", msg)
}

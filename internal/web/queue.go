package web

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// JobQueue carries jobs ("run", "plan" or "national", and the job's id in
// the database) to the workers that execute them. The database stays
// the record of every job; the queue only says which to take, and may say
// it more than once.
type JobQueue interface {
	Publish(ctx context.Context, kind string, id int64) error
}

// resendAfter is how long a job may stay queued before this server sends
// it to the queue again (a message lost between the commit and the
// queue, or given up by the queue).
const resendAfter = time.Minute

// resend sends again, now and then, the jobs queued long ago.
func (r *runner) resend(ctx context.Context) {
	defer r.wg.Done()
	t := time.NewTicker(resendAfter / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		jobs, err := r.db.QueuedSince(ctx, r.cfg.Now().Add(-resendAfter), 1000)
		if err != nil {
			if ctx.Err() == nil {
				r.log.Warn("looking for jobs to send again", "error", err.Error())
			}
			continue
		}
		for _, j := range jobs {
			if err := r.cfg.Queue.Publish(ctx, j.Kind, j.ID); err != nil && ctx.Err() == nil {
				r.log.Warn("sending a job to the queue again", "job", j.Kind, "id", j.ID, "error", err.Error())
			}
		}
	}
}

// Executor executes the jobs of a server's database that a queue
// delivers (scrutin worker --db), exactly as a server's own workers do:
// the same leases, progress, cancellation, retries and results.
type Executor struct {
	r *runner
}

// NewExecutor makes an executor of the jobs of db. Config's SimWorkers,
// LeaseTTL, MaxAttempts and Now apply; Start it before Exec.
func NewExecutor(db *store.DB, log *slog.Logger, cfg Config) *Executor {
	cfg = cfg.withDefaults()
	return &Executor{r: newRunner(db, log, newMetrics(), cfg)}
}

// Start renews the leases of the jobs being executed until Stop.
func (e *Executor) Start(ctx context.Context) {
	e.r.db.SetLeaseTTL(e.r.cfg.LeaseTTL)
	jctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e.r.stopJobs = cancel
	e.r.wg.Add(1)
	go e.r.keepLeases(jctx)
}

// Stop stops renewing leases.
func (e *Executor) Stop() { e.r.stop() }

// Outcome says what to do with the queue's message of a job.
type Outcome int

const (
	// Done: the job has ended, or was not this executor's to run
	// (finished, canceled, deleted): acknowledge the message.
	Done Outcome = iota
	// Later: the job runs elsewhere under a live lease, or ctx ended
	// and the job was put back in the queue: deliver the message again
	// after the wait.
	Later
)

// Exec claims job kind/id and executes it to its end. When ctx ends
// meanwhile, the job is released to the queue (Later).
func (e *Executor) Exec(ctx context.Context, kind string, id int64) (Outcome, time.Duration, error) {
	r := e.r
	var (
		st   store.ClaimState
		wait time.Duration
		err  error
		exec func()
	)
	switch kind {
	case kindRun:
		var run *store.Run
		run, st, wait, err = r.db.ClaimRunID(ctx, id, r.cfg.MaxAttempts)
		exec = func() { r.execRun(ctx, run) }
	case kindPlan:
		var p *store.Plan
		p, st, wait, err = r.db.ClaimPlanID(ctx, id, r.cfg.MaxAttempts)
		exec = func() { r.execPlan(ctx, p) }
	case kindNational:
		var n *store.NationalRun
		n, st, wait, err = r.db.ClaimNationalRunID(ctx, id, r.cfg.MaxAttempts)
		exec = func() { r.execNational(ctx, n) }
	default:
		return Done, 0, model.Errorf(model.EINVALID, "unknown job kind %q", kind)
	}
	switch {
	case err != nil:
		return Later, time.Second, err
	case st == store.Gone:
		return Done, 0, nil
	case st == store.Busy:
		return Later, wait, nil
	}
	exec()
	if ctx.Err() != nil {
		return Later, 0, nil
	}
	return Done, 0, nil
}

// KindOf checks a job kind received from a queue.
func KindOf(kind string) error {
	switch kind {
	case kindRun, kindPlan, kindNational:
		return nil
	}
	return fmt.Errorf("unknown job kind %q", kind)
}

// Gatherer is the executor's metrics (jobs by outcome, jobs running,
// simulated years), for the worker's /metrics.
func (e *Executor) Gatherer() prometheus.Gatherer { return e.r.metrics.reg }

package fleet

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// The server's jobs on JetStream (scrutin serve --nats, scrutin worker
// --db): a message per job, {kind, id}, on the SCRUTIN_JOBS work queue.
// The database stays the record of every job (its status, lease, attempts
// and result); a message only says which job to take, and may say it
// twice: a worker claims the job in the database before executing it, and
// acknowledges the message once the job's end is committed there.

const (
	// JobsStream is the work queue of jobs, subjects scrutin.jobs.<kind>.
	JobsStream = "SCRUTIN_JOBS"
	// JobWorkersConsumer is the durable consumer job workers share.
	JobWorkersConsumer = "job-workers"
)

type jobMessage struct {
	Kind string `json:"kind"`
	ID   int64  `json:"id"`
}

func setupJobs(ctx context.Context, js jetstream.JetStream, c Config) (jetstream.Consumer, error) {
	// A job's message is delivered again while the job runs elsewhere
	// (its lease is live), so deliveries are not counted against it: the
	// database counts the job's attempts.
	return workQueue(ctx, js, c, JobsStream, "scrutin.jobs.*", JobWorkersConsumer, -1, 10_000)
}

// JobQueue publishes the server's jobs (web.JobQueue).
type JobQueue struct {
	JS     jetstream.JetStream
	Config Config
}

// Setup creates the stream and the consumer (call it once at start).
func (q *JobQueue) Setup(ctx context.Context) error {
	return retry(ctx, func(ctx context.Context) error { _, err := setupJobs(ctx, q.JS, q.Config); return err })
}

// Publish queues job kind/id. Two publications of one job within two
// minutes are one message.
func (q *JobQueue) Publish(ctx context.Context, kind string, id int64) error {
	b, _ := json.Marshal(jobMessage{Kind: kind, ID: id})
	msgID := kind + "/" + strconv.FormatInt(id, 10)
	return retry(ctx, func(ctx context.Context) error {
		_, err := q.JS.Publish(ctx, "scrutin.jobs."+kind, b, jetstream.WithMsgID(msgID))
		return err
	})
}

// JobExecutor executes a job of the database to its end (web.Executor).
// later asks for the message to be delivered again after wait: the job
// runs elsewhere, or was put back in the queue.
type JobExecutor interface {
	Exec(ctx context.Context, kind string, id int64) (later bool, wait time.Duration, err error)
}

// JobWorker takes jobs from the queue, one at a time, and has them
// executed.
type JobWorker struct {
	JS       jetstream.JetStream
	Config   Config
	Executor JobExecutor
	Log      *slog.Logger
	// CheckKind refuses unknown kinds (the message is dropped).
	CheckKind func(string) error
	// Metrics, if set, count the redeliveries.
	Metrics *Metrics
}

// Run takes jobs until ctx ends.
func (w *JobWorker) Run(ctx context.Context) error {
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	var cons jetstream.Consumer
	err := retry(ctx, func(ctx context.Context) error {
		var err error
		cons, err = setupJobs(ctx, w.JS, w.Config)
		return err
	})
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return err
	}
	ackWait := w.Config.withDefaults().AckWait
	consume(ctx, w.JS, cons, JobsStream, JobWorkersConsumer, w.Log, func(msg jetstream.Msg) {
		var m jobMessage
		if err := decodeMessage(msg.Data(), &m); err != nil || (w.CheckKind != nil && w.CheckKind(m.Kind) != nil) || m.ID < 1 {
			w.Log.Error("dropping a malformed job message", "data", string(msg.Data()))
			_ = msg.Term()
			return
		}
		log := w.Log.With("job", m.Kind, "id", m.ID)
		if meta, err := msg.Metadata(); err == nil {
			w.Metrics.delivery(JobsStream, meta.NumDelivered)
		}
		beat, stop := context.WithCancel(ctx)
		go func() {
			tick := time.NewTicker(max(ackWait/3, 100*time.Millisecond))
			defer tick.Stop()
			for {
				select {
				case <-beat.Done():
					return
				case <-tick.C:
					_ = msg.InProgress()
				}
			}
		}()
		later, wait, err := w.Executor.Exec(ctx, m.Kind, m.ID)
		stop()
		switch {
		case err != nil:
			log.Warn("job not executed; its message will be delivered again", "error", err.Error())
			_ = msg.NakWithDelay(max(wait, time.Second))
		case later:
			_ = msg.NakWithDelay(max(wait, 100*time.Millisecond))
		default:
			if err := msg.DoubleAck(context.WithoutCancel(ctx)); err != nil {
				log.Warn("acknowledging a job's message; the job is recorded, a second delivery will find it ended", "error", err.Error())
			}
		}
	})
	return nil
}

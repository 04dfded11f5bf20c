// Package fleet runs simulations on many machines over NATS JetStream
// (DESIGN.md section 14): a run's trial blocks are tasks on a work-queue
// stream, workers simulate them (sim.RunBlocks) and return mergeable
// partial statistics, and the dispatcher merges them (sim.Merge) into the
// result a local run gives, bit for bit. NATS holds everything in flight:
// the model and the partials in an object store, the tasks and their
// completions in streams; a worker acknowledges a task only once its
// partial is stored, so a worker that dies loses nothing — JetStream
// delivers its task again to another.
package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Names of what the fleet keeps in JetStream.
const (
	// BlocksStream is the work queue of block tasks, subjects
	// scrutin.blocks.<run>.
	BlocksStream = "SCRUTIN_BLOCKS"
	// DoneStream holds the completions of tasks, subjects
	// scrutin.done.<run>.
	DoneStream = "SCRUTIN_DONE"
	// Bucket is the object store of models and partials.
	Bucket = "scrutin-data"
	// WorkersConsumer is the durable consumer all workers share.
	WorkersConsumer = "block-workers"
)

func blocksSubject(run string) string { return "scrutin.blocks." + run }
func doneSubject(run string) string   { return "scrutin.done." + run }

// Config sizes the streams, bucket and consumer. The zero value gives the
// defaults.
type Config struct {
	// Replicas of every stream and of the bucket: 1 on a single NATS
	// node, 3 on a cluster of three (what survives the loss of a node).
	Replicas int
	// AckWait is how long a worker may hold a task without a sign of life
	// before JetStream gives it to another (workers send one every third
	// of it). Default 30 s.
	AckWait time.Duration
	// MaxDeliver is how many times a task is delivered before it is given
	// up (its run then fails). Default 5.
	MaxDeliver int
	// Retention is how long unclaimed tasks, completions, models and
	// partials are kept. Default 24 h.
	Retention time.Duration
}

func (c Config) withDefaults() Config {
	if c.Replicas <= 0 {
		c.Replicas = 1
	}
	if c.AckWait <= 0 {
		c.AckWait = 30 * time.Second
	}
	if c.MaxDeliver <= 0 {
		c.MaxDeliver = 5
	}
	if c.Retention <= 0 {
		c.Retention = 24 * time.Hour
	}
	return c
}

// setup creates (or updates) the streams, the bucket and the workers'
// consumer. Dispatchers and workers both call it, so that either may
// start first.
func setup(ctx context.Context, js jetstream.JetStream, c Config) (jetstream.ObjectStore, jetstream.Consumer, error) {
	c = c.withDefaults()
	cons, err := workQueue(ctx, js, c, BlocksStream, "scrutin.blocks.*", WorkersConsumer, c.MaxDeliver, 10_000)
	if err != nil {
		return nil, nil, err
	}
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: DoneStream, Subjects: []string{"scrutin.done.*"}, Retention: jetstream.LimitsPolicy,
		Storage: jetstream.FileStorage, Replicas: c.Replicas, MaxAge: c.Retention, Duplicates: 2 * time.Minute,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("fleet: stream %s: %w", DoneStream, err)
	}
	obj, err := js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket: Bucket, Description: "scrutin: models and partial statistics of distributed runs",
		TTL: c.Retention, Storage: jetstream.FileStorage, Replicas: c.Replicas,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("fleet: object store %s: %w", Bucket, err)
	}
	return obj, cons, nil
}

// retry calls f until it succeeds, ctx ends, or it fails with an error
// that waiting does not cure. NATS answers "no responders" or times out
// while a cluster elects a new leader after losing a node: those are
// retried, with a growing pause.
func retry(ctx context.Context, f func(context.Context) error) error {
	pause := 50 * time.Millisecond
	giveUp := time.Now().Add(retryFor)
	for {
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := f(actx)
		cancel()
		if err == nil || ctx.Err() != nil || !transient(err) || time.Now().After(giveUp) {
			if err != nil && ctx.Err() != nil {
				return errors.Join(ctx.Err(), err)
			}
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), err)
		case <-time.After(pause):
		}
		pause = min(2*pause, 2*time.Second)
	}
}

// retryFor bounds the retries of one operation: past it, NATS is taken to
// be down, and the caller fails (a dispatcher's run) or leaves the message
// to be delivered again (a worker).
const retryFor = 2 * time.Minute

// permanent marks an error that retrying cannot cure.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

func transient(err error) bool {
	var p permanent
	return !errors.As(err, &p)
}

// workQueue creates (or updates) a work-queue stream and the durable
// consumer its workers share.
func workQueue(ctx context.Context, js jetstream.JetStream, c Config, stream, subjects, consumer string, maxDeliver, maxAckPending int) (jetstream.Consumer, error) {
	c = c.withDefaults()
	_, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: stream, Subjects: []string{subjects}, Retention: jetstream.WorkQueuePolicy,
		Storage: jetstream.FileStorage, Replicas: c.Replicas, MaxAge: c.Retention, Duplicates: 2 * time.Minute,
	})
	if err != nil {
		return nil, fmt.Errorf("fleet: stream %s: %w", stream, err)
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, stream, jetstream.ConsumerConfig{
		Durable: consumer, AckPolicy: jetstream.AckExplicitPolicy, AckWait: c.AckWait,
		MaxDeliver: maxDeliver, MaxAckPending: maxAckPending, Replicas: c.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("fleet: consumer %s: %w", consumer, err)
	}
	return cons, nil
}

// consume passes the messages of a durable consumer to handle, one at a
// time, until ctx ends. After an error other than "no message yet" (a
// NATS node lost), it looks the consumer up again.
func consume(ctx context.Context, js jetstream.JetStream, cons jetstream.Consumer, stream, consumer string, log *slog.Logger, handle func(jetstream.Msg)) {
	for ctx.Err() == nil {
		msg, err := cons.Next(jetstream.FetchMaxWait(2 * time.Second))
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if !errors.Is(err, jetstream.ErrNoMessages) && !errors.Is(err, context.DeadlineExceeded) {
				// A pull that times out is an idle queue, or a consumer whose
				// node was lost: look it up again, but say so only for other
				// errors.
				if !errors.Is(err, nats.ErrTimeout) {
					log.Warn("waiting for a message", "stream", stream, "error", err.Error())
				}
				time.Sleep(200 * time.Millisecond)
				if c, err := js.Consumer(ctx, stream, consumer); err == nil {
					cons = c
				}
			}
			continue
		}
		handle(msg)
	}
}

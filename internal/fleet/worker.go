package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

// maxTaskBlocks bounds the blocks of one task (a dispatcher sends at most
// 16): a task is never more than minutes of work.
const maxTaskBlocks = 1024

// maxCachedModels bounds the decoded models a worker keeps.
const maxCachedModels = 16

// Worker simulates the fleet's block tasks, one at a time.
type Worker struct {
	JS      jetstream.JetStream
	Config  Config
	Version string
	// SimWorkers is the number of goroutines of each task's simulation
	// (0: all cores).
	SimWorkers int
	Log        *slog.Logger
	// Name identifies the worker in completions and logs (default
	// host/pid).
	Name string
	// Metrics, if set, count the tasks.
	Metrics *Metrics

	mu     sync.Mutex
	models map[string]*model.Model // by object name; a model never changes under its hash

	onTask   func()                                                            // called when a task of this build is taken (tests)
	afterPut func(ctx context.Context, obj jetstream.ObjectStore, name string) // called when a partial is stored (tests)
}

// Run takes tasks until ctx ends. A task it is simulating when ctx ends
// is not acknowledged: JetStream gives it to another worker.
func (w *Worker) Run(ctx context.Context) error {
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	if w.Name == "" {
		host, _ := os.Hostname()
		w.Name = fmt.Sprintf("%s/%d", host, os.Getpid())
	}
	var (
		obj  jetstream.ObjectStore
		cons jetstream.Consumer
	)
	err := retry(ctx, func(ctx context.Context) error {
		var err error
		obj, cons, err = setup(ctx, w.JS, w.Config)
		return err
	})
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return err
	}
	w.Log.Info("worker ready", "worker", w.Name, "version", w.Version)
	consume(ctx, w.JS, cons, BlocksStream, WorkersConsumer, w.Log, func(msg jetstream.Msg) { w.handle(ctx, obj, msg) })
	return nil
}

// handle simulates one task, stores its partial, says it is done, and
// only then acknowledges it.
func (w *Worker) handle(ctx context.Context, obj jetstream.ObjectStore, msg jetstream.Msg) {
	var t task
	if err := decodeMessage(msg.Data(), &t); err != nil || t.Run == "" || t.Trials < 1 || t.First < 0 ||
		t.Last <= t.First || t.Last-t.First > maxTaskBlocks || t.Last > sim.Blocks(t.Trials) {
		w.Log.Error("dropping a malformed task", "error", fmt.Sprint(err), "first", t.First, "last", t.Last, "trials", t.Trials)
		_ = msg.Term()
		return
	}
	log := w.Log.With("run", t.Run, "first", t.First, "last", t.Last)
	start := time.Now()
	meta, _ := msg.Metadata()
	if meta != nil {
		w.Metrics.delivery(BlocksStream, meta.NumDelivered)
	}
	if t.Version != w.Version {
		cfg := w.Config.withDefaults()
		if meta != nil && meta.NumDelivered >= uint64(cfg.MaxDeliver) {
			w.finish(ctx, msg, t, "", fmt.Sprintf("no worker of scrutin %s took the blocks %d–%d (this one is %s)", t.Version, t.First, t.Last, w.Version), log)
			w.Metrics.task("failed", start)
			return
		}
		log.Warn("giving a task of another build back", "task_version", t.Version)
		_ = msg.NakWithDelay(time.Second)
		w.Metrics.task("returned", start)
		return
	}
	if w.onTask != nil {
		w.onTask()
	}
	// Signs of life while simulating, so that JetStream does not give
	// the task to another worker.
	beat, stop := context.WithCancel(ctx)
	go func() {
		tick := time.NewTicker(max(w.Config.withDefaults().AckWait/3, 100*time.Millisecond))
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
	part, err := w.simulate(ctx, obj, t)
	stop()
	if ctx.Err() != nil {
		log.Info("stopped during a task; JetStream will deliver it again")
		w.Metrics.task("interrupted", start)
		return
	}
	if err != nil {
		var perm permanent
		if errors.As(err, &perm) || model.ErrorCode(err) == model.EINVALID {
			w.finish(ctx, msg, t, "", err.Error(), log)
			w.Metrics.task("failed", start)
			return
		}
		log.Warn("task failed; it will be delivered again", "error", err.Error())
		_ = msg.Nak()
		w.Metrics.task("retried", start)
		return
	}
	name := partialObject(t.Run, t.First, newRunID())
	if err := retry(ctx, func(ctx context.Context) error { _, err := obj.PutBytes(ctx, name, part); return err }); err != nil {
		log.Warn("storing a partial; the task will be delivered again", "error", err.Error())
		w.Metrics.task("retried", start)
		return
	}
	if w.afterPut != nil {
		w.afterPut(ctx, obj, name)
	}
	w.finish(ctx, msg, t, name, "", log)
	w.Metrics.task("done", start)
}

// finish publishes the task's completion, then acknowledges the task.
func (w *Worker) finish(ctx context.Context, msg jetstream.Msg, t task, partial, failure string, log *slog.Logger) {
	b, _ := json.Marshal(done{Run: t.Run, First: t.First, Last: t.Last, Partial: partial, Error: failure, Worker: w.Name})
	// One message id for each attempt (its partial's name is its own), so
	// that a retried publication is stored once, while the completion of
	// blocks simulated again (a corrupt partial) is not taken for it.
	id := fmt.Sprintf("%s/%d", t.Run, t.First)
	if partial != "" {
		id = partial
	}
	err := retry(ctx, func(ctx context.Context) error {
		_, err := w.JS.Publish(ctx, doneSubject(t.Run), b, jetstream.WithMsgID(id))
		return err
	})
	if err != nil {
		log.Warn("publishing a completion; the task will be delivered again", "error", err.Error())
		return
	}
	if err := msg.DoubleAck(ctx); err != nil {
		// The completion is stored: a second worker doing the task again
		// changes nothing (the dispatcher keeps the first).
		log.Warn("acknowledging a task", "error", err.Error())
	}
	log.Debug("task done", "failed", failure != "")
}

// simulate runs the task's blocks and returns their encoded partial.
func (w *Worker) simulate(ctx context.Context, obj jetstream.ObjectStore, t task) ([]byte, error) {
	m, err := w.model(ctx, obj, t.Model)
	if err != nil {
		return nil, err
	}
	p, err := sim.RunBlocks(ctx, m, sim.Options{Trials: t.Trials, Seed: t.Seed, Controls: t.Controls, Workers: w.SimWorkers}, t.First, t.Last)
	if err != nil {
		return nil, err
	}
	return p.MarshalBinary()
}

// model fetches and decodes a model, once per worker.
func (w *Worker) model(ctx context.Context, obj jetstream.ObjectStore, name string) (*model.Model, error) {
	w.mu.Lock()
	m, ok := w.models[name]
	w.mu.Unlock()
	if ok {
		return m, nil
	}
	var src []byte
	err := retry(ctx, func(ctx context.Context) error {
		var err error
		src, err = obj.GetBytes(ctx, name)
		if errors.Is(err, jetstream.ErrObjectNotFound) {
			return permanent{fmt.Errorf("fleet: model %s is no longer stored", name)}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if int64(len(src)) > model.MaxSize*4 {
		return nil, permanent{fmt.Errorf("fleet: model %s is %d bytes", name, len(src))}
	}
	m, err = model.Decode(name, src)
	if err != nil {
		return nil, permanent{err}
	}
	w.mu.Lock()
	if w.models == nil || len(w.models) >= maxCachedModels {
		w.models = map[string]*model.Model{}
	}
	w.models[name] = m
	w.mu.Unlock()
	return m, nil
}

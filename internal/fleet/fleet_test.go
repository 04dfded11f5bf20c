package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/fleet/natstest"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

const testVersion = "test"

func election(t testing.TB) *model.Model {
	t.Helper()
	m, err := model.Decode("election.yaml", examples.Election())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func jsOf(t testing.TB, nc *nats.Conn) jetstream.JetStream {
	t.Helper()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// startWorker runs a worker on its own connection until the returned
// function is called (a kill: the task in hand is not acknowledged).
func startWorker(t *testing.T, c *natstest.Cluster, cfg Config, name string, onTask func()) (stop func()) {
	t.Helper()
	nc := c.Connect()
	ctx, cancel := context.WithCancel(context.Background())
	w := &Worker{JS: jsOf(t, nc), Config: cfg, Version: testVersion, SimWorkers: 1, Name: name, Log: slog.New(slog.DiscardHandler)}
	w.onTask = onTask
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := w.Run(ctx); err != nil {
			t.Errorf("worker %s: %v", name, err)
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			nc.Close()
			wg.Wait()
		})
	}
	t.Cleanup(stop)
	return stop
}

// TestDistributedRunIsBitIdentical: a run dispatched to two workers over
// a 3-node JetStream cluster gives the local run's result, bit for bit.
func TestDistributedRunIsBitIdentical(t *testing.T) {
	c := natstest.Start(t, 3)
	cfg := Config{Replicas: 3, AckWait: 2 * time.Second}
	startWorker(t, c, cfg, "w1", nil)
	startWorker(t, c, cfg, "w2", nil)
	m := election(t)
	opt := sim.Options{Trials: 20*sim.BlockSize + 7, Seed: 5}
	want, err := sim.Run(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	d := &Dispatcher{JS: jsOf(t, c.Connect()), Config: cfg, Version: testVersion, BlocksPerTask: 2, Stall: time.Minute}
	var progress atomic.Int64
	opt.Progress = func(done, total int64) { progress.Store(done) }
	got, err := d.Run(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Progress = nil
	if !reflect.DeepEqual(got, want) {
		t.Error("the distributed result differs from the local one")
	}
	if progress.Load() != opt.Trials {
		t.Errorf("progress ended at %d of %d", progress.Load(), opt.Trials)
	}
}

// TestKilledWorkerAndNode: a worker killed with a task in hand, and a
// NATS node stopped, mid-run: the result is unchanged.
func TestKilledWorkerAndNode(t *testing.T) {
	c := natstest.Start(t, 3)
	cfg := Config{Replicas: 3, AckWait: time.Second}
	m := election(t)
	opt := sim.Options{Trials: 24 * sim.BlockSize, Seed: 9}
	want, err := sim.Run(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	// The victim is killed as it starts its second task: with a task in
	// hand, not acknowledged; a NATS node stops at the same time.
	var victimTasks atomic.Int64
	inHand := make(chan struct{})
	killWorker := startWorker(t, c, cfg, "victim", func() {
		if victimTasks.Add(1) == 2 {
			close(inHand)
		}
	})
	killed := make(chan struct{})
	go func() {
		<-inHand
		killWorker()
		c.Stop(0)
		close(killed)
	}()
	startWorker(t, c, cfg, "survivor", nil)
	d := &Dispatcher{JS: jsOf(t, c.Connect()), Config: cfg, Version: testVersion, BlocksPerTask: 1, Stall: time.Minute}
	got, err := d.Run(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-killed:
	case <-time.After(30 * time.Second):
		t.Fatalf("the victim took %d tasks and was never killed", victimTasks.Load())
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("after a worker and a node were killed, the result differs from the local one")
	}
}

// TestNoWorker: with no worker, the dispatcher says so instead of
// waiting for ever.
func TestNoWorker(t *testing.T) {
	c := natstest.Start(t, 1)
	d := &Dispatcher{JS: jsOf(t, c.Connect()), Version: testVersion, Stall: 2 * time.Second}
	_, err := d.Run(context.Background(), election(t), sim.Options{Trials: 100, Seed: 1})
	if err == nil || !strings.Contains(err.Error(), "is a `scrutin worker` of this build (test) running") {
		t.Fatalf("without workers: %v", err)
	}
}

// TestMalformedTasks: tasks a worker cannot trust are dropped, and a run
// whose model cannot be decoded fails at once with the reason.
func TestMalformedTasks(t *testing.T) {
	c := natstest.Start(t, 1)
	cfg := Config{AckWait: time.Second}
	js := jsOf(t, c.Connect())
	if _, _, err := setup(context.Background(), js, cfg); err != nil {
		t.Fatal(err)
	}
	startWorker(t, c, cfg, "w", nil)
	for _, bad := range []string{`{`, `{"run":"x","trials":10,"first":0,"last":5000}`, `{"run":"x","trials":0,"first":0,"last":1}`,
		`{"run":"x","version":"test","model":"model/none","trials":10,"first":0,"last":1}`} {
		if _, err := js.Publish(context.Background(), blocksSubject("x"), []byte(bad)); err != nil {
			t.Fatal(err)
		}
	}
	// The last one names a model that is not stored: its run fails.
	cons, err := js.OrderedConsumer(context.Background(), DoneStream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{doneSubject("x")}})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := cons.Next(jetstream.FetchMaxWait(20 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var d done
	if err := json.Unmarshal(msg.Data(), &d); err != nil || !strings.Contains(d.Error, "no longer stored") {
		t.Fatalf("completion %s (%v)", msg.Data(), err)
	}
	// The others were dropped: nothing is left for the workers.
	info, err := js.Stream(context.Background(), BlocksStream)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		si, err := info.Info(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if si.State.Msgs == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d tasks left in the queue", si.State.Msgs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestCorruptPartialIsRedone: a partial that reads back corrupt (a chunk
// stored twice when a node is lost mid-write gives "digests do not
// match") is simulated again, at once, and the result is unchanged.
func TestCorruptPartialIsRedone(t *testing.T) {
	c := natstest.Start(t, 1)
	cfg := Config{Replicas: 1, AckWait: 5 * time.Second}
	m := election(t)
	opt := sim.Options{Trials: 6 * sim.BlockSize, Seed: 3}
	want, err := sim.Run(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	nc := c.Connect()
	js := jsOf(t, nc)
	var corrupted atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &Worker{JS: js, Config: cfg, Version: testVersion, SimWorkers: 1, Name: "w", Log: slog.New(slog.DiscardHandler)}
	w.afterPut = func(ctx context.Context, obj jetstream.ObjectStore, name string) {
		if corrupted.Add(1) > 2 {
			return
		}
		// An extra chunk under the object's chunk subject, as a chunk
		// published twice leaves it.
		info, err := obj.GetInfo(ctx, name)
		if err != nil {
			t.Error(err)
			return
		}
		if _, err := js.Publish(ctx, fmt.Sprintf("$O.%s.C.%s", Bucket, info.NUID), []byte("again")); err != nil {
			t.Error(err)
		}
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(ctx) }()
	d := &Dispatcher{JS: jsOf(t, c.Connect()), Config: cfg, Version: testVersion, BlocksPerTask: 1, Stall: 30 * time.Second}
	start := time.Now()
	got, err := d.Run(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("with two corrupt partials simulated again, the result differs from the local one")
	}
	if s := time.Since(start); s > 20*time.Second {
		t.Errorf("the run took %s: a corrupt partial is retried instead of simulated again", s)
	}
	cancel()
	<-done
}

package fleet

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
)

// Dispatcher runs simulations on the fleet's workers.
type Dispatcher struct {
	JS      jetstream.JetStream
	Config  Config
	Version string
	// BlocksPerTask is how many blocks one task holds (default: about
	// 32 tasks per run, at most 16 blocks each: fewer, larger tasks cost
	// less to send and merge; more balance the workers' loads better).
	BlocksPerTask int64
	// Stall is how long the dispatcher waits without any task completing
	// before it gives up (default 2 minutes): no worker is running, or
	// none of this build.
	Stall time.Duration
}

// Run simulates m with opt on the workers and returns what sim.Run(m,
// opt) returns, bit for bit. opt.Fix is not supported (sensitivity runs
// stay local); opt.Workers is the workers' business.
func (d *Dispatcher) Run(ctx context.Context, m *model.Model, opt sim.Options) (*sim.Result, error) {
	if opt.Trials < 1 {
		return nil, model.Errorf(model.EINVALID, "the number of trials must be at least 1, got %d", opt.Trials)
	}
	if len(opt.Fix) > 0 {
		return nil, errors.New("fleet: runs with fixed inputs are not distributed")
	}
	var obj jetstream.ObjectStore
	err := retry(ctx, func(ctx context.Context) error {
		var err error
		obj, _, err = setup(ctx, d.JS, d.Config)
		return err
	})
	if err != nil {
		return nil, err
	}
	src, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(src)
	modelName := "model/" + hex.EncodeToString(sum[:])
	if err := retry(ctx, func(ctx context.Context) error { _, err := obj.PutBytes(ctx, modelName, src); return err }); err != nil {
		return nil, fmt.Errorf("fleet: storing the model: %w", err)
	}
	run := newRunID()
	// The completions are read from the start of the run's subject, by a
	// consumer made before any task exists, replicated as the streams are
	// (it survives the loss of a node), and removed by JetStream if this
	// dispatcher dies.
	consName := "done-" + run
	var cons jetstream.Consumer
	err = retry(ctx, func(ctx context.Context) error {
		var err error
		cons, err = d.JS.CreateOrUpdateConsumer(ctx, DoneStream, jetstream.ConsumerConfig{
			Name: consName, FilterSubject: doneSubject(run), DeliverPolicy: jetstream.DeliverAllPolicy,
			AckPolicy: jetstream.AckNonePolicy, InactiveThreshold: 10 * time.Minute, Replicas: d.Config.withDefaults().Replicas,
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("fleet: reading completions: %w", err)
	}
	blocks := sim.Blocks(opt.Trials)
	per := d.BlocksPerTask
	if per <= 0 {
		per = min(16, max(1, (blocks+31)/32))
	}
	controls := opt.Controls
	if controls == nil {
		controls = m.Implemented()
	}
	tasks := map[int64][]byte{} // by first block, to queue again
	for first := int64(0); first < blocks; first += per {
		t := task{Version: d.Version, Run: run, Model: modelName, Trials: opt.Trials, Seed: opt.Seed, Controls: controls,
			First: first, Last: min(blocks, first+per)}
		b, _ := json.Marshal(t)
		id := fmt.Sprintf("%s/%d", run, first)
		err := retry(ctx, func(ctx context.Context) error {
			_, err := d.JS.Publish(ctx, blocksSubject(run), b, jetstream.WithMsgID(id))
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("fleet: queuing blocks %d–%d: %w", t.First, t.Last, err)
		}
		tasks[first] = b
	}
	parts, err := d.collect(ctx, obj, cons, consName, run, opt, tasks)
	defer d.cleanUp(obj, run, consName)
	if err != nil {
		return nil, err
	}
	list := make([]*sim.Partial, 0, len(parts))
	for _, p := range parts {
		list = append(list, p)
	}
	return sim.Merge(m, opt, list)
}

// collect reads the run's completions until every task has its partial.
func (d *Dispatcher) collect(ctx context.Context, obj jetstream.ObjectStore, cons jetstream.Consumer, consName, run string, opt sim.Options, tasks map[int64][]byte) (map[int64]*sim.Partial, error) {
	stall := d.Stall
	if stall <= 0 {
		stall = 2 * time.Minute
	}
	parts := map[int64]*sim.Partial{}
	redone := map[int64]int{}
	var trials int64
	last := time.Now()
	for len(parts) < len(tasks) {
		msg, err := cons.Next(jetstream.FetchMaxWait(time.Second))
		if ctx.Err() != nil {
			return parts, ctx.Err()
		}
		if err != nil {
			if time.Since(last) > stall {
				return parts, fmt.Errorf("fleet: no block of the run has been simulated for %s: is a `scrutin worker` of this build (%s) running on this NATS?", stall, d.Version)
			}
			if !errors.Is(err, jetstream.ErrNoMessages) && !errors.Is(err, context.DeadlineExceeded) {
				// A node was lost: look the consumer up again.
				time.Sleep(200 * time.Millisecond)
				if c, err := d.JS.Consumer(ctx, DoneStream, consName); err == nil {
					cons = c
				}
			}
			continue
		}
		var dn done
		if err := decodeMessage(msg.Data(), &dn); err != nil {
			return parts, err
		}
		if dn.Error != "" {
			return parts, model.Errorf(model.EINVALID, "%s", dn.Error)
		}
		if _, dup := parts[dn.First]; dup {
			continue // a task done twice (redelivered after a slow worker)
		}
		var p sim.Partial
		err = retry(ctx, func(ctx context.Context) error {
			b, err := obj.GetBytes(ctx, dn.Partial)
			if errors.Is(err, jetstream.ErrDigestMismatch) {
				return permanent{err} // reading it again gives the same bytes
			}
			if err != nil {
				return err
			}
			if err := p.UnmarshalBinary(b); err != nil {
				return permanent{err}
			}
			return nil
		})
		if errors.Is(err, jetstream.ErrDigestMismatch) && redone[dn.First] < maxRedo && tasks[dn.First] != nil {
			// A chunk stored twice (its publication retried while a node
			// was lost) leaves an object that never reads back: simulate
			// the blocks again, under a message id of its own.
			redone[dn.First]++
			id := fmt.Sprintf("%s/%d/again-%d", run, dn.First, redone[dn.First])
			err = retry(ctx, func(ctx context.Context) error {
				_, err := d.JS.Publish(ctx, blocksSubject(run), tasks[dn.First], jetstream.WithMsgID(id))
				return err
			})
			if err == nil {
				_ = obj.Delete(ctx, dn.Partial)
				last = time.Now()
				continue
			}
		}
		if err != nil {
			return parts, fmt.Errorf("fleet: partial of blocks %d–%d: %w", dn.First, dn.Last, err)
		}
		if p.First != dn.First || p.Last != dn.Last {
			return parts, fmt.Errorf("fleet: the partial of blocks %d–%d holds blocks %d–%d", dn.First, dn.Last, p.First, p.Last)
		}
		parts[dn.First] = &p
		last = time.Now()
		for b := p.First; b < p.Last; b++ {
			trials += min(sim.BlockSize, opt.Trials-b*sim.BlockSize)
		}
		if opt.Progress != nil {
			opt.Progress(trials, opt.Trials)
		}
	}
	return parts, nil
}

// maxRedo bounds how many times the blocks of a corrupt partial are
// simulated again.
const maxRedo = 3

// cleanUp deletes the run's partials and completions; what it cannot
// delete expires with the retention.
func (d *Dispatcher) cleanUp(obj jetstream.ObjectStore, run, consName string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = d.JS.DeleteConsumer(ctx, DoneStream, consName)
	// Every partial of the run, those of tasks done twice too.
	if infos, err := obj.List(ctx); err == nil {
		for _, info := range infos {
			if strings.HasPrefix(info.Name, partialPrefix(run)) {
				_ = obj.Delete(ctx, info.Name)
			}
		}
	}
	if s, err := d.JS.Stream(ctx, DoneStream); err == nil {
		_ = s.Purge(ctx, jetstream.WithPurgeSubject(doneSubject(run)))
	}
	if s, err := d.JS.Stream(ctx, BlocksStream); err == nil {
		_ = s.Purge(ctx, jetstream.WithPurgeSubject(blocksSubject(run)))
	}
}

func newRunID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

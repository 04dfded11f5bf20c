package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/fleet"
	"github.com/scrutin/scrutin/internal/model"
)

type workerOptions struct {
	nats     string
	replicas int
	workers  int
}

func newWorkerCmd(e *env) *cobra.Command {
	var o workerOptions
	cmd := &cobra.Command{
		Use:   "worker --nats URL",
		Short: "Simulate the trial blocks of distributed runs, taken from NATS JetStream",
		Long: `Take the trial blocks of distributed runs (scrutin run --nats) from the
NATS JetStream work queue, simulate them and return their partial statistics,
until interrupted. Start as many as there are machines (or cores) to use; a
worker that stops, or dies, mid-block loses nothing: JetStream gives its block
to another. Workers simulate only the runs of their own build, so that every
run is bit-identical to a local one.

--nats takes one URL or several separated by commas (the nodes of a cluster).
--replicas is the replication of the streams and of the object store the
fleet uses: 1 on a single NATS node, 3 on a cluster of three.`,
		Example: `  scrutin worker --nats nats://127.0.0.1:4222
  scrutin worker --nats nats://n1:4222,nats://n2:4222,nats://n3:4222 --replicas 3`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runWorker(cmd.Context(), o, e) },
	}
	f := cmd.Flags()
	f.StringVar(&o.nats, "nats", "", "NATS URL(s), comma-separated (required)")
	wholeVar(f, &o.replicas, "replicas", 1, 1, 5, "a number of replicas", "", "replicas of the fleet's streams and object store (1, or 3 on a cluster)")
	workersVar(f, &o.workers, "goroutines simulating each block (default: all cores)")
	return cmd
}

// connectNATS connects to the NATS URLs, reconnecting for ever.
func connectNATS(urls, name string) (*nats.Conn, jetstream.JetStream, error) {
	if urls == "" {
		return nil, nil, usageError{fmt.Errorf("give --nats nats://HOST:PORT")}
	}
	nc, err := nats.Connect(urls, nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond),
		nats.RetryOnFailedConnect(false), nats.Timeout(5*time.Second))
	if err != nil {
		return nil, nil, model.Errorf(model.EINVALID, "cannot connect to NATS at %s: %v", urls, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return nc, js, nil
}

func runWorker(ctx context.Context, o workerOptions, e *env) error {
	nc, js, err := connectNATS(o.nats, "scrutin worker")
	if err != nil {
		return err
	}
	defer nc.Close()
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	w := &fleet.Worker{JS: js, Config: fleet.Config{Replicas: o.replicas}, Version: versionString(), SimWorkers: o.workers, Log: log}
	return w.Run(ctx)
}

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/fleet"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
	"github.com/scrutin/scrutin/internal/web"
)

type workerOptions struct {
	nats     string
	replicas int
	workers  int
	db       string
	lease    time.Duration
	attempts int
	metrics  string
	// The classification of live evidence (as scrutin ingest's).
	iocs   []string
	assets string
	fields string
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
fleet uses: 1 on a single NATS node, 3 on a cluster of three.

With --db, the worker also executes the jobs of the server's database (runs,
plans, national runs) that scrutin serve --nats sends to the queue: it claims
each in the database, executes it as the server would, records its result
there, and only then acknowledges the job's message. Give it the same database
as the servers (PostgreSQL, for servers and workers on several machines).
It also counts the telemetry that sensors publish (scrutin ingest --publish
--org ID --follow) into each organisation's live evidence, classified with
--iocs, --assets and --map as scrutin ingest classifies; each byte range of a
log is counted once, however often it is delivered or published.`,
		Example: `  scrutin worker --nats nats://127.0.0.1:4222
  scrutin worker --nats nats://n1:4222,nats://n2:4222,nats://n3:4222 --replicas 3
  scrutin worker --nats nats://127.0.0.1:4222 --db postgres://scrutin@db/scrutin`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runWorker(cmd.Context(), o, e) },
	}
	f := cmd.Flags()
	f.StringVar(&o.nats, "nats", "", "NATS URL(s), comma-separated (required)")
	wholeVar(f, &o.replicas, "replicas", 1, 1, 5, "a number of replicas", "", "replicas of the fleet's streams and object store (1, or 3 on a cluster)")
	workersVar(f, &o.workers, "goroutines simulating each block or job (default: all cores)")
	f.StringVar(&o.db, "db", "", "also execute the server's jobs sent to NATS (scrutin serve --nats), from this database (postgres://…, or the servers' SQLite file)")
	durationVar(f, &o.lease, "job-lease", store.DefaultLeaseTTL, "with --db: how long a job stays this worker's without a renewal (as scrutin serve --job-lease)")
	f.StringSliceVar(&o.iocs, "iocs", nil, "with --db: indicators of compromise the live evidence is matched against (as scrutin ingest --iocs)")
	f.StringVar(&o.assets, "assets", "", "with --db: YAML file mapping hosts to asset ids, for the live evidence (as scrutin ingest --assets)")
	f.StringVar(&o.fields, "map", "", "with --db: the fields of jsonl live evidence (as scrutin ingest --map)")
	f.StringVar(&o.metrics, "metrics", "", "serve Prometheus metrics at http://ADDR/metrics (host:port)")
	wholeVar(f, &o.attempts, "job-attempts", store.DefaultMaxAttempts, 1, 1000, "a valid number of attempts", "", "with --db: how many times a job is started before it fails (as scrutin serve --job-attempts)")
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
	if o.lease < time.Second {
		return usageError{fmt.Errorf("--job-lease must be at least 1s, got %s", o.lease)}
	}
	nc, js, err := connectNATS(o.nats, "scrutin worker")
	if err != nil {
		return err
	}
	defer nc.Close()
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg := fleet.Config{Replicas: o.replicas}
	reg := prometheus.NewRegistry()
	gatherers := prometheus.Gatherers{reg}
	w := &fleet.Worker{JS: js, Config: cfg, Version: versionString(), SimWorkers: o.workers, Log: log, Metrics: fleet.NewMetrics(reg)}
	var (
		jw *fleet.JobWorker
		ec *fleet.EvidenceCounter
	)
	if o.db != "" {
		db, err := store.Open(ctx, o.db, nil)
		if err != nil {
			return err
		}
		defer db.Close()
		ex := web.NewExecutor(db, log, web.Config{SimWorkers: o.workers, LeaseTTL: o.lease, MaxAttempts: o.attempts, Version: versionString()})
		ex.Start(ctx)
		defer ex.Stop()
		gatherers = append(gatherers, ex.Gatherer())
		jw = &fleet.JobWorker{JS: js, Config: cfg, Executor: executor{ex}, Log: log, CheckKind: web.KindOf, Metrics: w.Metrics}
		opt, err := liveEvidenceOptions(o, e)
		if err != nil {
			return err
		}
		count := web.CountEvidence(db, opt)
		ec = &fleet.EvidenceCounter{JS: js, Config: cfg, Log: log, Metrics: w.Metrics, Apply: func(ctx context.Context, c fleet.EvidenceChunk) error {
			err := count(ctx, web.StreamChunk{Org: c.Org, Kind: c.Kind, Source: c.Source, Start: c.Start, End: c.End, Data: c.Data, TooLong: c.TooLong})
			if errors.Is(err, web.ErrUncountable) {
				return fleet.Permanent(err)
			}
			return err
		}}
	}
	if o.metrics != "" {
		ln, err := net.Listen("tcp", o.metrics)
		if err != nil {
			return usageError{fmt.Errorf("--metrics: cannot listen on %s: %v", o.metrics, err)}
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", promhttp.HandlerFor(gatherers, promhttp.HandlerOpts{}))
		hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = hs.Serve(ln) }()
		defer hs.Close()
		log.Info("metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	}
	if jw == nil {
		return w.Run(ctx)
	}
	// Blocks, jobs and telemetry side by side; the first to stop stops
	// the others.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, 3)
	go func() { errs <- w.Run(ctx) }()
	go func() { errs <- jw.Run(ctx) }()
	go func() { errs <- ec.Run(ctx) }()
	first := <-errs
	cancel()
	return errors.Join(first, <-errs, <-errs)
}

// liveEvidenceOptions are the classification options of the live
// evidence (the kind is each chunk's).
func liveEvidenceOptions(o workerOptions, e *env) (evidence.TelemetryOptions, error) {
	var opt evidence.TelemetryOptions
	err := classifiers(e, o.fields, o.assets, o.iocs, &opt)
	return opt, err
}

// executor adapts web.Executor to fleet.JobExecutor.
type executor struct{ ex *web.Executor }

func (e executor) Exec(ctx context.Context, kind string, id int64) (bool, time.Duration, error) {
	out, wait, err := e.ex.Exec(ctx, kind, id)
	return out == web.Later, wait, err
}

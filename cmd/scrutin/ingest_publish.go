package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/fleet"
	"github.com/scrutin/scrutin/internal/tail"
)

// runIngestPublish sends the files' lines to NATS JetStream, where
// `scrutin worker --db` counts them into the organisation's live evidence.
func runIngestPublish(ctx context.Context, o ingestOptions, e *env) error {
	switch {
	case o.publish == "":
		return usageError{fmt.Errorf("--follow and --org go with --publish nats://…")}
	case o.org == "":
		return usageError{fmt.Errorf("--publish needs --org: the organisation whose evidence the logs are")}
	case o.kind == "":
		return usageError{fmt.Errorf("--kind is required")}
	case !slices.Contains(evidence.TelemetryKinds, evidence.TelemetryKind(o.kind)):
		return usageError{fmt.Errorf("--kind must be one of zeek, eve, jsonl, access-log, got %q", o.kind)}
	case o.kind == string(evidence.KindSSHD):
		return usageError{fmt.Errorf("sshd logs cannot be published: their counting keeps state from line to line (failures before a success), which the chunks of a followed log do not; count them with scrutin ingest and upload the evidence")}
	case len(o.iocs) > 0 || o.assets != "" || o.model != "" || o.fields != "" || o.out != "" || o.strict:
		return usageError{fmt.Errorf("with --publish the workers classify and count the lines: give --iocs, --assets and --map to scrutin worker")}
	case slices.Contains(o.files, "-"):
		return usageError{fmt.Errorf("--publish reads files, not standard input")}
	}
	nc, js, err := connectNATS(o.publish, "scrutin ingest")
	if err != nil {
		return err
	}
	defer nc.Close()
	pub := &fleet.EvidencePublisher{JS: js, Config: fleet.Config{Replicas: o.replicas}, Org: o.org, Kind: o.kind}
	if err := pub.Setup(ctx); err != nil {
		return usageError{err}
	}
	var chunks, bytes atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, len(o.files))
	for i, path := range o.files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fl := &tail.Follower{Path: path, Follow: o.follow}
			errs[i] = fl.Run(ctx, func(c tail.Chunk) error {
				if err := pub.Publish(ctx, c); err != nil {
					return err
				}
				chunks.Add(1)
				bytes.Add(c.End - c.Start)
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil && ctx.Err() == nil {
			return fmt.Errorf("%s: %w", o.files[i], err)
		}
	}
	_, err = fmt.Fprintf(e.stdout, "Published %d chunks (%s bytes) of %d %s to %s, for %s's live evidence\n",
		chunks.Load(), ingestThousands(bytes.Load()), len(o.files), plural2(len(o.files), "file", "files"), o.publish, o.org)
	return err
}

func plural2(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

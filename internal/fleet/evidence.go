package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/tail"
)

// Telemetry on JetStream: sensors publish chunks of their logs (whole
// lines, tail.Chunk) to scrutin.evidence.<org>.<kind>, each with its
// source and byte range in headers and a message id made of them, so that
// JetStream drops a chunk published twice within its window; counters
// count each byte range of a source once (store.ApplyEvidenceChunk), then
// acknowledge.

const (
	// EvidenceStream holds the chunks until they are counted.
	EvidenceStream = "SCRUTIN_EVIDENCE"
	// EvidenceConsumer is the durable consumer counters share.
	EvidenceConsumer = "evidence-counters"

	headerSource  = "Scrutin-Source"
	headerStart   = "Scrutin-Start"
	headerEnd     = "Scrutin-End"
	headerTooLong = "Scrutin-Too-Long"
)

// kindPattern is the pattern of evidence kinds (organisation ids are
// model.IDPattern's).
var kindPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// A NATS subject token cannot hold a dot, which organisation ids may
// (dept.44): in the subject an organisation's dots are written '~', which
// no organisation id holds.
func evidenceSubject(org, kind string) string {
	return "scrutin.evidence." + strings.ReplaceAll(org, ".", "~") + "." + kind
}

// subjectOrg is the organisation a subject's token names.
func subjectOrg(token string) (string, bool) {
	org := strings.ReplaceAll(token, "~", ".")
	return org, model.IDPattern.MatchString(org)
}

func setupEvidence(ctx context.Context, js jetstream.JetStream, c Config) (jetstream.Consumer, error) {
	return workQueue(ctx, js, c, EvidenceStream, "scrutin.evidence.*.*", EvidenceConsumer, -1, 1000)
}

// EvidencePublisher publishes a sensor's chunks.
type EvidencePublisher struct {
	JS        jetstream.JetStream
	Config    Config
	Org, Kind string
}

// Setup checks the names and creates the stream.
func (p *EvidencePublisher) Setup(ctx context.Context) error {
	if !model.IDPattern.MatchString(p.Org) {
		return fmt.Errorf("fleet: %q is not an organisation id (letters, digits, '.', '-' and '_', not first)", p.Org)
	}
	if !kindPattern.MatchString(p.Kind) {
		return fmt.Errorf("fleet: %q is not an evidence kind (letters, digits, '-' and '_', not first)", p.Kind)
	}
	return retry(ctx, func(ctx context.Context) error { _, err := setupEvidence(ctx, p.JS, p.Config); return err })
}

// Publish publishes one chunk, until JetStream has stored it.
func (p *EvidencePublisher) Publish(ctx context.Context, c tail.Chunk) error {
	msg := nats.NewMsg(evidenceSubject(p.Org, p.Kind))
	msg.Header.Set(headerSource, c.Source)
	msg.Header.Set(headerStart, strconv.FormatInt(c.Start, 10))
	msg.Header.Set(headerEnd, strconv.FormatInt(c.End, 10))
	if c.TooLong {
		msg.Header.Set(headerTooLong, "1")
	}
	msg.Data = c.Data
	id := fmt.Sprintf("%s:%d:%d", c.Source, c.Start, c.End)
	return retry(ctx, func(ctx context.Context) error {
		_, err := p.JS.PublishMsg(ctx, msg, jetstream.WithMsgID(id))
		return err
	})
}

// EvidenceChunk is a chunk as a counter receives it.
type EvidenceChunk struct {
	Org, Kind, Source string
	Start, End        int64
	Data              []byte // nil when TooLong
	TooLong           bool
}

// EvidenceCounter counts the chunks: Apply must count each byte range of a
// source once and commit, before the chunk is acknowledged.
type EvidenceCounter struct {
	JS     jetstream.JetStream
	Config Config
	Apply  func(ctx context.Context, c EvidenceChunk) error
	Log    *slog.Logger
	// Metrics, if set, count the redeliveries.
	Metrics *Metrics
}

// errBadChunk marks a chunk that can never be counted.
var errBadChunk = errors.New("malformed chunk")

func chunkOf(msg jetstream.Msg) (EvidenceChunk, error) {
	parts := strings.Split(msg.Subject(), ".")
	if len(parts) != 4 || !kindPattern.MatchString(parts[3]) {
		return EvidenceChunk{}, fmt.Errorf("%w: subject %q", errBadChunk, msg.Subject())
	}
	org, ok := subjectOrg(parts[2])
	if !ok {
		return EvidenceChunk{}, fmt.Errorf("%w: subject %q", errBadChunk, msg.Subject())
	}
	h := msg.Headers()
	c := EvidenceChunk{Org: org, Kind: parts[3], Source: h.Get(headerSource), TooLong: h.Get(headerTooLong) == "1"}
	var err1, err2 error
	c.Start, err1 = strconv.ParseInt(h.Get(headerStart), 10, 64)
	c.End, err2 = strconv.ParseInt(h.Get(headerEnd), 10, 64)
	switch {
	case err1 != nil || err2 != nil || c.Start < 0 || c.End <= c.Start || c.Source == "" || len(c.Source) > 512:
		return c, fmt.Errorf("%w: source %q, bytes %q to %q", errBadChunk, c.Source, h.Get(headerStart), h.Get(headerEnd))
	case !c.TooLong && int64(len(msg.Data())) != c.End-c.Start:
		return c, fmt.Errorf("%w: %d bytes for a range of %d", errBadChunk, len(msg.Data()), c.End-c.Start)
	}
	if !c.TooLong {
		c.Data = msg.Data()
	}
	return c, nil
}

// Run counts chunks until ctx ends.
func (w *EvidenceCounter) Run(ctx context.Context) error {
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	var cons jetstream.Consumer
	err := retry(ctx, func(ctx context.Context) error {
		var err error
		cons, err = setupEvidence(ctx, w.JS, w.Config)
		return err
	})
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return err
	}
	consume(ctx, w.JS, cons, EvidenceStream, EvidenceConsumer, w.Log, func(msg jetstream.Msg) {
		var delivered uint64
		if meta, err := msg.Metadata(); err == nil {
			delivered = meta.NumDelivered
			w.Metrics.delivery(EvidenceStream, delivered)
		}
		c, err := chunkOf(msg)
		if err == nil {
			err = w.Apply(ctx, c)
		}
		switch {
		case errors.Is(err, errBadChunk) || permanentError(err):
			w.Log.Error("dropping telemetry that cannot be counted", "subject", msg.Subject(), "error", err.Error())
			_ = msg.Term()
		case err != nil:
			if ctx.Err() == nil {
				w.Log.Warn("counting telemetry; it will be delivered again", "error", err.Error(), "deliveries", delivered)
			}
			// A chunk that keeps failing (the database down) waits longer
			// each time, up to a minute; the stream's retention (24 h)
			// bounds how long it is tried.
			_ = msg.NakWithDelay(time.Duration(min(max(delivered, 1), 60)) * time.Second)
		default:
			if err := msg.DoubleAck(context.WithoutCancel(ctx)); err != nil {
				w.Log.Warn("acknowledging telemetry; it is counted, a second delivery changes nothing", "error", err.Error())
			}
		}
	})
	return nil
}

// Permanent marks an error of Apply that retrying cannot cure (an
// unknown organisation): the chunk is dropped.
func Permanent(err error) error { return permanent{err} }

func permanentError(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

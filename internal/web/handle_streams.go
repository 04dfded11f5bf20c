package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// Live evidence (DESIGN.md section 14): telemetry that sensors publish
// (scrutin ingest --follow --publish) is counted by workers into one
// summary per organisation and kind of log. Runs calibrate with uploaded
// evidence; a snapshot turns the live summary into such evidence, so that
// a run stays reproducible.

// StreamChunk is a chunk of a sensor's log as a counter receives it.
type StreamChunk struct {
	Org, Kind, Source string
	Start, End        int64
	Data              []byte // nil when TooLong
	TooLong           bool   // one line longer than a sensor sends
}

// ErrUncountable marks a chunk that can never be counted (an unknown
// organisation or kind of log): it is dropped.
var ErrUncountable = model.Errorf(model.EINVALID, "telemetry that cannot be counted")

// CountEvidence returns what counts the chunks into the organisations'
// live evidence: each byte range of a source once, classified as
// `scrutin ingest` classifies lines with opt (indicators, assets, field
// map; Kind is the chunk's).
func CountEvidence(db *store.DB, opt evidence.TelemetryOptions) func(ctx context.Context, c StreamChunk) error {
	return func(ctx context.Context, c StreamChunk) error {
		kind := evidence.TelemetryKind(c.Kind)
		o := opt
		o.Kind, o.Workers, o.Strict = kind, 1, false
		if kind == evidence.KindSSHD {
			return fmt.Errorf("%w: sshd logs are counted with their state across lines, which chunks do not keep: upload them (scrutin ingest)", ErrUncountable)
		}
		if _, err := evidence.NewIngester(o); err != nil {
			return fmt.Errorf("%w: %v", ErrUncountable, err)
		}
		_, err := db.ApplyEvidenceChunk(ctx, c.Org, c.Kind, c.Source, c.Start, c.End, func(old []byte, missing store.Ranges) ([]byte, error) {
			var prev *evidence.TelemetrySummary
			if old != nil {
				p, err := evidence.ReadTelemetrySummary("live evidence", bytes.NewReader(old))
				if err != nil {
					return nil, err
				}
				prev = p
			}
			in, err := evidence.NewIngester(o)
			if err != nil {
				return nil, err
			}
			var long *evidence.TelemetrySummary
			for _, m := range missing {
				if c.TooLong {
					long = &evidence.TelemetrySummary{Kind: evidence.SummaryKind, Lines: 1, Malformed: 1,
						Sources:        []evidence.TelemetrySource{{File: c.Source, Kind: c.Kind, Lines: 1, Malformed: 1}},
						MalformedLines: []evidence.MalformedLine{{File: c.Source, Error: fmt.Sprintf("a line of %d bytes, longer than a sensor sends", c.End-c.Start)}}}
					continue
				}
				if err := in.Ingest(ctx, c.Source, bytes.NewReader(c.Data[m[0]-c.Start:m[1]-c.Start])); err != nil {
					return nil, err
				}
			}
			sum := evidence.MergeTelemetry(prev, in.Summary())
			if long != nil {
				sum = evidence.MergeTelemetry(sum, long)
			}
			return json.Marshal(sum)
		})
		if model.ErrorCode(err) == model.ENOTFOUND {
			return fmt.Errorf("%w: organisation %s: %v", ErrUncountable, c.Org, err)
		}
		return err
	}
}

// streamView is an organisation's live evidence of one kind, as listed.
type streamView struct {
	Kind      string    `json:"kind"`
	Chunks    int64     `json:"chunks" doc:"Chunks of logs counted"`
	Lines     int64     `json:"lines"`
	Events    int64     `json:"events"`
	Malformed int64     `json:"malformed"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (s *Server) listStreams(ctx context.Context, in *orgInput) (*listOutput[streamView], error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	views, err := s.liveViews(ctx, in.Org)
	if err != nil {
		return nil, err
	}
	return &listOutput[streamView]{Body: list[streamView]{Items: views}}, nil
}

// liveViews lists the organisation's live evidence (the caller has
// checked the reader may see it).
func (s *Server) liveViews(ctx context.Context, org string) ([]streamView, error) {
	streams, err := s.db.EvidenceStreams(ctx, org)
	if err != nil {
		return nil, err
	}
	out := []streamView{}
	for _, st := range streams {
		var sum evidence.TelemetrySummary
		if err := json.Unmarshal(st.Summary, &sum); err != nil {
			return nil, err
		}
		out = append(out, streamView{Kind: st.Kind, Chunks: st.Chunks, Lines: sum.Lines, Events: sum.Events,
			Malformed: sum.Malformed, UpdatedAt: st.UpdatedAt})
	}
	return out, nil
}

// snapshotForm copies live evidence into evidence, from the evidence page.
func (s *Server) snapshotForm(w http.ResponseWriter, r *http.Request, v *view) error {
	if _, err := readForm(w, r, maxAdminForm); err != nil {
		return err
	}
	if _, err := s.snapshot(r.Context(), v.Org.ID, r.PathValue("kind"), v.User.ID); err != nil {
		return err
	}
	return seeOther(w, r, orgURL(v.Org.ID, "/evidence?done=snapshot"))
}

type snapshotInput struct {
	OrgPath
	Kind string `path:"kind" pattern:"^[a-z-]+$" maxLength:"32" doc:"Kind of log (zeek, eve, jsonl, access-log)"`
}

// snapshotStream copies the live evidence of a kind into evidence that
// runs can calibrate with (analysts).
func (s *Server) snapshotStream(ctx context.Context, in *snapshotInput) (*evidenceOutput, error) {
	u, err := s.authorize(ctx, in.Org, store.RoleAnalyst, false)
	if err != nil {
		return nil, err
	}
	e, err := s.snapshot(ctx, in.Org, in.Kind, u.ID)
	if err != nil {
		return nil, err
	}
	return &evidenceOutput{Body: e}, nil
}

// snapshot copies the organisation's live evidence of kind into evidence,
// recorded in the audit log as an upload.
func (s *Server) snapshot(ctx context.Context, org, kind string, by int64) (*store.Evidence, error) {
	st, err := s.db.EvidenceStreamOf(ctx, org, kind)
	if err != nil {
		return nil, err
	}
	var sum evidence.TelemetrySummary
	if err := json.Unmarshal(st.Summary, &sum); err != nil {
		return nil, err
	}
	e := &store.Evidence{OrgID: org, Name: fmt.Sprintf("live %s, %s", kind, st.UpdatedAt.UTC().Format("2006-01-02 15:04:05 UTC")),
		Kind: evidence.SummaryKind, Summary: st.Summary, CreatedBy: by, Format: kind,
		Counts: map[string]int64{"lines": sum.Lines, "events": sum.Events, "malformed": sum.Malformed}}
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.CreateEvidence(ctx, e); err != nil {
			return err
		}
		return record(ctx, tx, org, "evidence.upload", target("evidence", e.ID), map[string]any{"name": e.Name, "upload": "live-" + kind,
			"kind": e.Kind, "lines": sum.Lines, "events": sum.Events, "malformed": sum.Malformed})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

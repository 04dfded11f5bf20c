package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// Upload kinds: the telemetry formats of scrutin ingest, GoPhish results
// (scrutin phishing), or an evidence file either of them wrote.
const (
	uploadGoPhish  = "gophish"
	uploadEvidence = "evidence"
)

// maxWholeUpload bounds the uploads that are read whole (GoPhish exports
// and evidence files) rather than streamed.
const maxWholeUpload = 64 << 20

type uploadInput struct {
	OrgPath
	Kind string `query:"kind" required:"true" enum:"zeek,eve,jsonl,sshd,access-log,gophish,evidence" doc:"What the body is: telemetry logs (zeek, eve, jsonl, sshd, access-log), GoPhish results (JSON or CSV export), or an evidence file written by scrutin ingest or scrutin phishing"`
	Name string `query:"name" required:"true" minLength:"1" maxLength:"200" doc:"A name for the evidence; it also names GoPhish campaigns that the export does not name"`
	Year int    `query:"year" minimum:"1" maximum:"9999" doc:"Year of sshd timestamps, which have none (default: this year)"`
	Map  string `query:"map" maxLength:"2000" doc:"jsonl fields, as scrutin ingest --map: key=field,…"`

	body io.ReadCloser
	w    http.ResponseWriter
}

// Resolve takes the request's body as a stream: huma does not read it
// (the operation has no Body field), the handler does, within a limit.
func (in *uploadInput) Resolve(ctx huma.Context) []error {
	r, w := humago.Unwrap(ctx)
	in.body, in.w = r.Body, w
	return nil
}

// limitedBody is a request body read within a limit; past it reads fail,
// and exceeded says so (parsers may wrap the error in their own).
type limitedBody struct {
	r        io.Reader
	exceeded bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	var me *http.MaxBytesError
	if errors.As(err, &me) {
		b.exceeded = true
	}
	return n, err
}

type evidenceOutput struct {
	Body *store.Evidence
}

type uploadedOutput struct {
	Location string `header:"Location"`
	Body     *store.Evidence
}

// uploadEvidence reads the body as a stream through the importers and
// keeps only their summary: raw logs are never stored.
func (s *Server) uploadEvidence(ctx context.Context, in *uploadInput) (*uploadedOutput, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleAnalyst, false); err != nil {
		return nil, err
	}
	limit := s.cfg.MaxUploadBytes
	if in.Kind == uploadGoPhish || in.Kind == uploadEvidence {
		limit = min(limit, maxWholeUpload)
	}
	body := &limitedBody{r: http.MaxBytesReader(in.w, in.body, limit)}
	kind, summary, details, err := s.summarise(ctx, in, body)
	if body.exceeded {
		return nil, tooLarge(limit)
	}
	if err != nil {
		return nil, err
	}
	e := &store.Evidence{OrgID: in.Org, Name: in.Name, Kind: kind, Summary: summary, CreatedBy: infoFrom(ctx).user.ID}
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.CreateEvidence(ctx, e); err != nil {
			return err
		}
		details["name"], details["upload"] = e.Name, in.Kind
		return record(ctx, tx, in.Org, "evidence.upload", target("evidence", e.ID), details)
	})
	if err != nil {
		return nil, err
	}
	return &uploadedOutput{Location: fmt.Sprintf("%s/orgs/%s/evidence/%d", apiPrefix, in.Org, e.ID), Body: e}, nil
}

// summarise turns an upload into the evidence file calibration reads:
// its kind (telemetry or phishing), its JSON, and figures for the audit.
func (s *Server) summarise(ctx context.Context, in *uploadInput, body io.Reader) (string, []byte, map[string]any, error) {
	switch in.Kind {
	case uploadGoPhish:
		p, err := evidence.ParsePhishing(body)
		if err != nil {
			return "", nil, nil, model.Errorf(model.EINVALID, "%s: %v", in.Name, err)
		}
		if len(p.Campaigns) == 0 {
			return "", nil, nil, model.Errorf(model.EINVALID, "%s: no GoPhish campaign", in.Name)
		}
		for i := range p.Campaigns {
			c := &p.Campaigns[i]
			c.Source = in.Name
			if c.Name == "" {
				c.Name = in.Name
				if len(p.Campaigns) > 1 {
					c.Name = fmt.Sprintf("%s #%d", in.Name, i+1)
				}
			}
		}
		rep := evidence.AnalysePhishing(p.Campaigns, evidence.PhishingOptions{})
		var js, compact bytes.Buffer
		if err := rep.WriteJSON(&js); err != nil {
			return "", nil, nil, err
		}
		if err := json.Compact(&compact, js.Bytes()); err != nil {
			return "", nil, nil, err
		}
		return "phishing", compact.Bytes(), map[string]any{"campaigns": len(rep.Campaigns), "sent": rep.Totals.Sent}, nil
	case uploadEvidence:
		data, err := io.ReadAll(body)
		if err != nil {
			return "", nil, nil, model.Errorf(model.EINVALID, "%s: cannot read: %v", in.Name, err)
		}
		f, err := evidence.ReadEvidenceFile(in.Name, bytes.NewReader(data))
		if err != nil {
			return "", nil, nil, err
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, data); err != nil {
			return "", nil, nil, model.Errorf(model.EINVALID, "%s: %v", in.Name, err)
		}
		return f.Kind, compact.Bytes(), map[string]any{"kind": f.Kind}, nil
	}
	opt := evidence.TelemetryOptions{Kind: evidence.TelemetryKind(in.Kind), Year: in.Year, Workers: runtime.GOMAXPROCS(0)}
	if opt.Year == 0 {
		opt.Year = s.cfg.Now().Year()
	}
	if in.Map != "" {
		if opt.Kind != evidence.KindJSONL {
			return "", nil, nil, model.Errorf(model.EINVALID, "map is for kind jsonl")
		}
		fm, err := evidence.ParseFieldMap(in.Map)
		if err != nil {
			return "", nil, nil, model.Errorf(model.EINVALID, "map: %v", err)
		}
		opt.Fields = fm
	}
	ing, err := evidence.NewIngester(opt)
	if err != nil {
		return "", nil, nil, err
	}
	if err := ing.Ingest(ctx, in.Name, body); err != nil {
		return "", nil, nil, err
	}
	sum := ing.Summary()
	js, err := json.Marshal(sum)
	return "telemetry", js, map[string]any{"lines": sum.Lines, "events": sum.Events, "malformed": sum.Malformed}, err
}

func (s *Server) listEvidence(ctx context.Context, in *struct {
	OrgPath
	PageParams
}) (*listOutput[store.Evidence], error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	p, err := in.page()
	if err != nil {
		return nil, err
	}
	es, err := s.db.EvidenceList(ctx, in.Org, p)
	if err != nil {
		return nil, err
	}
	return paged(es, p, func(e store.Evidence) int64 { return e.ID }), nil
}

type evidenceInput struct {
	OrgPath
	ID int64 `path:"id" minimum:"1" doc:"Evidence id"`
}

func (s *Server) getEvidence(ctx context.Context, in *evidenceInput) (*evidenceOutput, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	e, err := s.db.Evidence(ctx, in.Org, in.ID)
	if err != nil {
		return nil, err
	}
	return &evidenceOutput{Body: e}, nil
}

func (s *Server) deleteEvidence(ctx context.Context, in *evidenceInput) (*struct{}, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleOwner, false); err != nil {
		return nil, err
	}
	err := s.db.WithTx(ctx, func(tx *store.DB) error {
		e, err := tx.Evidence(ctx, in.Org, in.ID)
		if err != nil {
			return err
		}
		if err := tx.DeleteEvidence(ctx, in.Org, in.ID); err != nil {
			return err
		}
		return record(ctx, tx, in.Org, "evidence.delete", target("evidence", e.ID), map[string]any{"name": e.Name})
	})
	return nil, err
}

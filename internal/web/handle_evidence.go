package web

import (
	"bufio"
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
	uploadGoPhish  = evidence.FormatGoPhish
	uploadEvidence = evidence.FormatEvidence
	// uploadAuto asks for the kind to be detected from the content.
	uploadAuto = "auto"
)

// maxWholeUpload bounds the uploads that are read whole (GoPhish exports
// and evidence files) rather than streamed.
const maxWholeUpload = 64 << 20

type uploadInput struct {
	OrgPath
	Kind string `query:"kind" required:"true" enum:"auto,zeek,eve,jsonl,sshd,access-log,gophish,evidence" doc:"What the body is: telemetry logs (zeek, eve, jsonl, sshd, access-log), GoPhish results (JSON or CSV export), an evidence file written by scrutin ingest or scrutin phishing, or auto to recognise it from its first 8 KiB (the evidence's format then says what it was taken for). A body that looks like another kind than the one given is refused (422), with the kind it looks like."`
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
// and exceeded says so (parsers may wrap the error in their own). n counts
// the bytes read.
//
// max, when above 0, is a lower limit than the reader's, set once the
// upload's kind is known (a detected kind that is read whole).
type limitedBody struct {
	r        io.Reader
	n        int64
	max      int64
	exceeded bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.max > 0 {
		if b.n > b.max {
			b.exceeded = true
			return 0, &http.MaxBytesError{Limit: b.max}
		}
		p = p[:min(int64(len(p)), b.max+1-b.n)] // one byte past the limit tells it is passed
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	var me *http.MaxBytesError
	if errors.As(err, &me) {
		b.exceeded = true
	}
	if b.max > 0 && b.n > b.max {
		b.exceeded = true
		return n, &http.MaxBytesError{Limit: b.max}
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

// evidenceUpload says what an upload is: its kind (one of uploadKinds),
// the evidence's name, the uploaded file's name when known, and the
// options of the telemetry importers.
type evidenceUpload struct {
	Kind     string
	Name     string
	FileName string
	Year     int
	Map      string
}

// uploadKinds are the kinds of upload, as the API's kind and the page's
// form name them.
var uploadKinds = []string{"zeek", "eve", "jsonl", "sshd", "access-log", uploadGoPhish, uploadEvidence}

// uploadLimit is the most bytes an upload of the kind may hold (auto:
// the most of any kind, until the kind is detected).
func (s *Server) uploadLimit(kind string) int64 {
	if kind == uploadGoPhish || kind == uploadEvidence {
		return min(s.cfg.MaxUploadBytes, maxWholeUpload)
	}
	return s.cfg.MaxUploadBytes
}

// uploadEvidence reads the body as a stream through the importers and
// keeps only their summary: raw logs are never stored.
func (s *Server) uploadEvidence(ctx context.Context, in *uploadInput) (*uploadedOutput, error) {
	up := evidenceUpload{Kind: in.Kind, Name: in.Name, Year: in.Year, Map: in.Map}
	e, err := s.addEvidence(ctx, in.Org, up, in.w, in.body, nil)
	if err != nil {
		return nil, err
	}
	return &uploadedOutput{Location: fmt.Sprintf("%s/orgs/%s/evidence/%d", apiPrefix, in.Org, e.ID), Body: e}, nil
}

// addEvidence reads an upload (at most uploadLimit bytes of it, within
// the time and decompression bounds of upload.go) through the importers
// and stores their summary as the organisation's evidence, recording it
// in the audit log; the caller needs the analyst role. The API and the
// pages both upload through it: a page that read the form's fields
// through its own clock gives it (and r is already clocked); nil starts
// one.
func (s *Server) addEvidence(ctx context.Context, org string, up evidenceUpload, w http.ResponseWriter, r io.ReadCloser, clock *uploadClock) (*store.Evidence, error) {
	if _, err := s.authorize(ctx, org, store.RoleAnalyst, false); err != nil {
		return nil, err
	}
	read := ctx // the upload's deadline bounds the reading, not the storing
	if clock == nil {
		var cancel context.CancelFunc
		read, cancel, clock = s.startUpload(ctx, w)
		defer cancel()
		r = clock.body(r)
	}
	limit := s.uploadLimit(up.Kind)
	body := &limitedBody{r: http.MaxBytesReader(w, r, limit)}
	// The start of the upload says what it is: the kind when it was not
	// given, else whether it is the kind given.
	src := bufio.NewReaderSize(body, evidence.DetectBytes)
	head, err := src.Peek(evidence.DetectBytes)
	if err != nil && err != io.EOF {
		if body.exceeded {
			return nil, tooLarge(limit)
		}
		return nil, clock.failure(read, err)
	}
	chosen := up.Kind
	if up.Kind, err = uploadKind(up, evidence.Detect(head)); err != nil {
		return nil, err
	}
	if l := s.uploadLimit(up.Kind); l < limit {
		limit, body.max = l, l
	}
	kind, summary, counts, err := s.summarise(read, up, src)
	if err == nil {
		// What the importer left unread still counts in the size (and
		// within the limit).
		_, err = io.Copy(io.Discard, src)
	}
	if body.exceeded {
		return nil, tooLarge(limit)
	}
	if err != nil {
		return nil, clock.failure(read, err)
	}
	e := &store.Evidence{OrgID: org, Name: up.Name, Kind: kind, Summary: summary, CreatedBy: infoFrom(ctx).user.ID,
		Format: up.Kind, FileName: up.FileName, Bytes: body.n, Counts: counts}
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.CreateEvidence(ctx, e); err != nil {
			return err
		}
		details := map[string]any{"name": e.Name, "upload": up.Kind, "kind": kind, "bytes": e.Bytes}
		if chosen == uploadAuto {
			details["detected"] = true
		}
		if up.FileName != "" {
			details["file"] = up.FileName
		}
		for k, n := range counts {
			details[k] = n
		}
		return record(ctx, tx, org, "evidence.upload", target("evidence", e.ID), details)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// summarise turns an upload into the evidence file calibration reads:
// its kind (telemetry or phishing), its JSON, and its counts (lines,
// events and malformed lines of telemetry; campaigns and e-mails sent of
// phishing).
func (s *Server) summarise(ctx context.Context, up evidenceUpload, body io.Reader) (string, []byte, map[string]int64, error) {
	switch up.Kind {
	case uploadGoPhish:
		p, err := evidence.ParsePhishing(body)
		if err != nil {
			return "", nil, nil, model.Errorf(model.EINVALID, "%s: %v", up.Name, err)
		}
		if len(p.Campaigns) == 0 {
			return "", nil, nil, model.Errorf(model.EINVALID, "%s: no GoPhish campaign", up.Name)
		}
		for i := range p.Campaigns {
			c := &p.Campaigns[i]
			c.Source = up.Name
			if c.Name == "" {
				c.Name = up.Name
				if len(p.Campaigns) > 1 {
					c.Name = fmt.Sprintf("%s #%d", up.Name, i+1)
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
		return "phishing", compact.Bytes(), phishingCounts(rep.Totals), nil
	case uploadEvidence:
		data, err := io.ReadAll(body)
		if err != nil {
			return "", nil, nil, model.Errorf(model.EINVALID, "%s: cannot read: %v", up.Name, err)
		}
		f, err := evidence.ReadEvidenceFile(up.Name, bytes.NewReader(data))
		if err != nil {
			return "", nil, nil, err
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, data); err != nil {
			return "", nil, nil, model.Errorf(model.EINVALID, "%s: %v", up.Name, err)
		}
		counts, err := fileCounts(f.Kind, data)
		if err != nil {
			return "", nil, nil, model.Errorf(model.EINVALID, "%s: %v", up.Name, err)
		}
		return f.Kind, compact.Bytes(), counts, nil
	}
	opt := evidence.TelemetryOptions{Kind: evidence.TelemetryKind(up.Kind), Year: up.Year, Workers: runtime.GOMAXPROCS(0),
		MaxBytes: s.cfg.MaxExpandedBytes, MaxRatio: s.cfg.MaxExpansion, RatioFloor: expansionFloor}
	if opt.Year == 0 {
		opt.Year = s.cfg.Now().Year()
	}
	if up.Map != "" {
		if opt.Kind != evidence.KindJSONL {
			return "", nil, nil, model.Errorf(model.EINVALID, "map is for kind jsonl")
		}
		fm, err := evidence.ParseFieldMap(up.Map)
		if err != nil {
			return "", nil, nil, model.Errorf(model.EINVALID, "map: %v", err)
		}
		opt.Fields = fm
	}
	ing, err := evidence.NewIngester(opt)
	if err != nil {
		return "", nil, nil, err
	}
	if err := ing.Ingest(ctx, up.Name, body); err != nil {
		return "", nil, nil, err
	}
	sum := ing.Summary()
	js, err := json.Marshal(sum)
	return "telemetry", js, telemetryCounts(sum), err
}

func telemetryCounts(s *evidence.TelemetrySummary) map[string]int64 {
	return map[string]int64{"lines": s.Lines, "events": s.Events, "malformed": s.Malformed}
}

func phishingCounts(t evidence.TotalRates) map[string]int64 {
	return map[string]int64{"campaigns": int64(t.Campaigns), "sent": t.Sent, "submitted": t.Submitted}
}

// fileCounts are the counts of an evidence file of the kind.
func fileCounts(kind string, data []byte) (map[string]int64, error) {
	if kind == evidence.SummaryKind {
		s, err := evidence.ReadTelemetrySummary("", bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return telemetryCounts(s), nil
	}
	var rep evidence.PhishingReport
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, err
	}
	return phishingCounts(rep.Totals), nil
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
	return nil, s.removeEvidence(ctx, in.Org, in.ID)
}

// removeEvidence deletes the organisation's evidence (owners) and records
// it in the audit log.
func (s *Server) removeEvidence(ctx context.Context, org string, id int64) error {
	if _, err := s.authorize(ctx, org, store.RoleOwner, false); err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(tx *store.DB) error {
		e, err := tx.Evidence(ctx, org, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteEvidence(ctx, org, id); err != nil {
			return err
		}
		return record(ctx, tx, org, "evidence.delete", target("evidence", e.ID), map[string]any{"name": e.Name})
	})
}

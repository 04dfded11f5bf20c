package web

import (
	"context"
	"net/http"
	"time"

	"github.com/scrutin/scrutin/internal/store"
)

// The audit log is read here and nowhere written but by the changes
// themselves (record); no route changes or deletes it.

func (s *Server) orgAudit(ctx context.Context, in *struct {
	OrgPath
	PageParams
}) (*listOutput[store.AuditEntry], error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleOwner, true); err != nil {
		return nil, err
	}
	return s.auditLog(ctx, in.Org, in.PageParams)
}

func (s *Server) siteAudit(ctx context.Context, in *listInput) (*listOutput[store.AuditEntry], error) {
	if _, err := admin(ctx); err != nil {
		return nil, err
	}
	return s.auditLog(ctx, "", in.PageParams)
}

func (s *Server) auditLog(ctx context.Context, org string, pp PageParams) (*listOutput[store.AuditEntry], error) {
	p, err := pp.page()
	if err != nil {
		return nil, err
	}
	es, err := s.db.AuditLog(ctx, org, p)
	if err != nil {
		return nil, err
	}
	return paged(es, p, func(e store.AuditEntry) int64 { return e.ID }), nil
}

// Health

type healthOutput struct {
	Body struct {
		Status string `json:"status" enum:"ok"`
	}
}

func (s *Server) healthz(ctx context.Context, _ *struct{}) (*healthOutput, error) {
	out := &healthOutput{}
	out.Body.Status = "ok"
	return out, nil
}

type readyOutput struct {
	Status int
	Body   struct {
		Status   string `json:"status" enum:"ok,unavailable"`
		Database string `json:"database" doc:"ok, or why the database does not answer"`
		Workers  string `json:"workers" doc:"ok, or how many job workers are not running"`
	}
}

// readyz says whether the server can do its work: the database answers
// and the job workers run.
func (s *Server) readyz(ctx context.Context, _ *struct{}) (*readyOutput, error) {
	out := &readyOutput{Status: http.StatusOK}
	out.Body.Status, out.Body.Database, out.Body.Workers = "ok", "ok", "ok"
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.db.Ping(pctx); err != nil {
		out.Body.Database = "unavailable: " + err.Error()
		out.Status, out.Body.Status = http.StatusServiceUnavailable, "unavailable"
	}
	if !s.jobs.ready() {
		out.Body.Workers = "not running"
		out.Status, out.Body.Status = http.StatusServiceUnavailable, "unavailable"
	}
	return out, nil
}

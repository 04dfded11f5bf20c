package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/store"
)

// The audit log is read here and nowhere written but by the changes
// themselves (record); no route changes or deletes it.

// AuditParams are the audit log's filters, as query parameters.
type AuditParams struct {
	User   string `query:"user" maxLength:"20" pattern:"^[0-9]*$" doc:"Only the changes of this user (id)"`
	Action string `query:"action" maxLength:"64" doc:"Only this action, e.g. run.create"`
	From   string `query:"from" maxLength:"10" doc:"Only the changes on or after this day (YYYY-MM-DD, UTC)"`
	To     string `query:"to" maxLength:"10" doc:"Only the changes on or before this day (YYYY-MM-DD, UTC)"`
}

type auditInput struct {
	PageParams
	AuditParams
}

func (s *Server) orgAudit(ctx context.Context, in *struct {
	OrgPath
	PageParams
	AuditParams
}) (*listOutput[store.AuditEntry], error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleOwner, true); err != nil {
		return nil, err
	}
	return s.auditLog(ctx, in.Org, in.PageParams, in.AuditParams)
}

func (s *Server) siteAudit(ctx context.Context, in *auditInput) (*listOutput[store.AuditEntry], error) {
	if _, err := admin(ctx); err != nil {
		return nil, err
	}
	return s.auditLog(ctx, "", in.PageParams, in.AuditParams)
}

func (s *Server) auditLog(ctx context.Context, org string, pp PageParams, ap AuditParams) (*listOutput[store.AuditEntry], error) {
	p, err := pp.page()
	if err != nil {
		return nil, err
	}
	f, bad := auditQuery(ap).filter()
	if len(bad) > 0 {
		en := i18n.New(i18n.English)
		msgs := make([]string, len(bad))
		for i, b := range bad {
			args := b.Args
			if b.Key == "audit.bad.date" {
				args = []any{b.Field, args[1]}
			}
			msgs[i] = en.T(b.Key, args...)
		}
		return nil, badRequest("%s", strings.Join(msgs, " "))
	}
	es, err := s.db.AuditSearch(ctx, org, f, p)
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

package web

import (
	"context"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/store"
)

// The outcome integrity of a revision's contests (issue 15), as `scrutin
// audit --format json` gives it for each contest.

type revisionAuditOutput struct {
	// Body is one document per contest, in the model's order, each
	// exactly `scrutin audit --format json`'s (report.IntegrityDoc); empty
	// for a model without contests.
	Body []any
}

func (s *Server) revisionAudit(ctx context.Context, in *struct {
	ModelPath
	Rev       int     `path:"rev" minimum:"1" doc:"Revision number"`
	RiskLimit float64 `query:"risk_limit" exclusiveMinimum:"0" exclusiveMaximum:"1" doc:"Assess every contest at this risk limit (default: each contest's, that of its risk-limiting-audit control, else 0.10)"`
}) (*revisionAuditOutput, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	sm, err := s.db.Model(ctx, in.Org, in.ID)
	if err != nil {
		return nil, err
	}
	rev, err := s.db.Revision(ctx, in.Org, in.ID, in.Rev)
	if err != nil {
		return nil, err
	}
	m, err := decodeRevision(sm.Name, rev)
	if err != nil {
		return nil, err
	}
	docs := []any{}
	for _, c := range report.AssessContests(m, in.RiskLimit) {
		if c.Err != nil {
			return nil, model.Errorf(model.EINVALID, "contest %q cannot be assessed: %v", c.Audit.ID, c.Err)
		}
		docs = append(docs, report.IntegrityDoc(c.Audit))
	}
	return &revisionAuditOutput{Body: docs}, nil
}

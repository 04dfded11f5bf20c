package web

import (
	"context"
	"fmt"
	"strings"
	"time"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// ModelPath are the path parameters of a model (embedded in inputs: huma
// reads the parameters of exported embedded structs only).
type ModelPath struct {
	OrgPath
	ID int64 `path:"id" minimum:"1" doc:"Model id"`
}

type createModelInput struct {
	OrgPath
	Body struct {
		Name    string `json:"name" minLength:"1" maxLength:"200" doc:"The model's name in the organisation (unique)"`
		YAML    string `json:"yaml" doc:"The model, in scrutin's YAML format (version 1)"`
		Message string `json:"message,omitempty" maxLength:"2000" doc:"What this revision changes"`
	}
}

type savedModel struct {
	ID       int64 `json:"id"`
	Revision int   `json:"revision"`
}

type savedModelOutput struct {
	Location string `header:"Location"`
	Body     savedModel
}

// checkModel decodes yaml as the command line does, with its ATT&CK ids
// checked against the server's catalogue: an invalid model is a
// *model.ValidationError, with the file name given. It gives up when ctx
// is done (the client has gone).
func (s *Server) checkModel(ctx context.Context, name, yaml string) error {
	_, err := model.DecodeWith(name, []byte(yaml), model.DecodeOptions{Attack: s.attackIDs, Context: ctx})
	return err
}

func (s *Server) createModel(ctx context.Context, in *createModelInput) (*savedModelOutput, error) {
	m, err := s.newModel(ctx, in.Org, in.Body.Name, in.Body.YAML, in.Body.Message)
	if err != nil {
		return nil, err
	}
	return &savedModelOutput{Location: fmt.Sprintf("%s/orgs/%s/models/%d", apiPrefix, in.Org, m.ID),
		Body: savedModel{ID: m.ID, Revision: m.Revision}}, nil
}

// newModel checks a model and stores it as revision 1 of a new model of
// the organisation (analysts), with its audit entry: for the API and the
// pages. An invalid model is a *model.ValidationError.
func (s *Server) newModel(ctx context.Context, org, name, yaml, message string) (*store.Model, error) {
	u, err := s.authorize(ctx, org, store.RoleAnalyst, false)
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if err := s.checkModel(ctx, name, yaml); err != nil {
		return nil, err
	}
	rev := &store.Revision{YAML: yaml, Message: message, AuthorID: u.ID}
	var m *store.Model
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		if m, err = tx.CreateModel(ctx, org, name, rev); err != nil {
			return err
		}
		return record(ctx, tx, org, "model.create", target("model", m.ID), map[string]any{"name": m.Name, "revision": m.Revision, "message": rev.Message})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (s *Server) listModels(ctx context.Context, in *struct {
	OrgPath
	PageParams
}) (*listOutput[store.Model], error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	p, err := in.page()
	if err != nil {
		return nil, err
	}
	ms, err := s.db.Models(ctx, in.Org, p)
	if err != nil {
		return nil, err
	}
	return paged(ms, p, func(m store.Model) int64 { return m.ID }), nil
}

// modelView is a model with its latest revision.
type modelView struct {
	store.Model
	YAML    string    `json:"yaml"`
	Message string    `json:"message"`
	Author  string    `json:"author"`
	SavedAt time.Time `json:"saved_at"`
}

type modelOutput struct {
	Body modelView
}

type modelInput struct {
	ModelPath
}

func (s *Server) getModel(ctx context.Context, in *modelInput) (*modelOutput, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	m, err := s.db.Model(ctx, in.Org, in.ID)
	if err != nil {
		return nil, err
	}
	rev, err := s.db.Revision(ctx, in.Org, in.ID, m.Revision)
	if err != nil {
		return nil, err
	}
	return &modelOutput{Body: modelView{Model: *m, YAML: rev.YAML, Message: rev.Message, Author: rev.Author,
		SavedAt: rev.CreatedAt}}, nil
}

type saveModelInput struct {
	ModelPath
	Body struct {
		YAML         string `json:"yaml"`
		Message      string `json:"message,omitempty" maxLength:"2000"`
		BaseRevision int    `json:"base_revision" minimum:"1" doc:"The revision this one was edited from: if the model has been saved since, the save is refused with 409"`
	}
}

type saveModelOutput struct {
	Body savedModel
}

func (s *Server) saveModel(ctx context.Context, in *saveModelInput) (*saveModelOutput, error) {
	m, err := s.saveRevision(ctx, in.Org, in.ID, in.Body.BaseRevision, in.Body.YAML, in.Body.Message)
	if err != nil {
		return nil, err
	}
	return &saveModelOutput{Body: savedModel{ID: m.ID, Revision: m.Revision}}, nil
}

// saveRevision checks a model and stores it as the next revision of the
// organisation's model (analysts), with its audit entry: for the API and
// the pages. An invalid model is a *model.ValidationError; a base that is
// no longer the latest revision, ECONFLICT.
func (s *Server) saveRevision(ctx context.Context, org string, id int64, base int, yaml, message string) (*store.Model, error) {
	u, err := s.authorize(ctx, org, store.RoleAnalyst, false)
	if err != nil {
		return nil, err
	}
	m, err := s.db.Model(ctx, org, id)
	if err != nil {
		return nil, err
	}
	if err := s.checkModel(ctx, m.Name, yaml); err != nil {
		return nil, err
	}
	rev := &store.Revision{YAML: yaml, Message: message, AuthorID: u.ID}
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		if m, err = tx.SaveModel(ctx, org, id, base, rev); err != nil {
			return err
		}
		return record(ctx, tx, org, "model.save", target("model", m.ID), map[string]any{"name": m.Name, "revision": m.Revision, "message": rev.Message})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (s *Server) deleteModel(ctx context.Context, in *modelInput) (*struct{}, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleOwner, false); err != nil {
		return nil, err
	}
	err := s.db.WithTx(ctx, func(tx *store.DB) error {
		m, err := tx.Model(ctx, in.Org, in.ID)
		if err != nil {
			return err
		}
		if err := tx.DeleteModel(ctx, in.Org, in.ID); err != nil {
			return err
		}
		return record(ctx, tx, in.Org, "model.delete", target("model", m.ID), map[string]any{"name": m.Name, "revision": m.Revision})
	})
	return nil, err
}

func (s *Server) listRevisions(ctx context.Context, in *struct {
	ModelPath
	PageParams
}) (*listOutput[store.Revision], error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	p, err := in.page()
	if err != nil {
		return nil, err
	}
	rs, err := s.db.Revisions(ctx, in.Org, in.ID, p)
	if err != nil {
		return nil, err
	}
	return paged(rs, p, func(r store.Revision) int64 { return int64(r.Revision) }), nil
}

type revisionOutput struct {
	Body *store.Revision
}

func (s *Server) getRevision(ctx context.Context, in *struct {
	ModelPath
	Rev int `path:"rev" minimum:"1" doc:"Revision number"`
}) (*revisionOutput, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	rev, err := s.db.Revision(ctx, in.Org, in.ID, in.Rev)
	if err != nil {
		return nil, err
	}
	return &revisionOutput{Body: rev}, nil
}

type diffOutput struct {
	Body struct {
		From int    `json:"from"`
		To   int    `json:"to"`
		Diff string `json:"diff" doc:"Unified diff of the YAML, from revision from to revision to; empty when they are the same"`
	}
}

func (s *Server) diffModel(ctx context.Context, in *struct {
	ModelPath
	From int `query:"from" minimum:"0" doc:"Older revision (default: the one before to)"`
	To   int `query:"to" minimum:"0" doc:"Newer revision (default: the latest)"`
}) (*diffOutput, error) {
	d, err := s.revisionDiff(ctx, in.Org, in.ID, in.From, in.To)
	if err != nil {
		return nil, err
	}
	out := &diffOutput{}
	out.Body.From, out.Body.To, out.Body.Diff = d.from, d.to, d.diff
	return out, nil
}

// modelDiff is the unified diff of a model's YAML between two revisions.
type modelDiff struct {
	model    *store.Model
	from, to int
	diff     string // empty when the revisions are the same
}

// revisionDiff diffs revision from to revision to of the organisation's
// model (viewers); to 0 is the latest, from 0 the one before to.
func (s *Server) revisionDiff(ctx context.Context, org string, id int64, from, to int) (*modelDiff, error) {
	if _, err := s.authorize(ctx, org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	m, err := s.db.Model(ctx, org, id)
	if err != nil {
		return nil, err
	}
	if to == 0 {
		to = m.Revision
	}
	if from == 0 {
		from = max(1, to-1)
	}
	a, err := s.db.Revision(ctx, org, id, from)
	if err != nil {
		return nil, err
	}
	b, err := s.db.Revision(ctx, org, id, to)
	if err != nil {
		return nil, err
	}
	return &modelDiff{model: m, from: from, to: to,
		diff: udiff.Unified(fmt.Sprintf("%s@%d", m.Name, from), fmt.Sprintf("%s@%d", m.Name, to), a.YAML, b.YAML)}, nil
}

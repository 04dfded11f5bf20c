package web

import (
	"context"
	"encoding/json"
	"time"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

type shareInput struct {
	OrgPath
	Agency string `path:"agency" pattern:"^[A-Za-z0-9][A-Za-z0-9._-]*$" maxLength:"100" doc:"The agency's organisation id"`
}

type shareOutput struct {
	Body *store.Share
}

// share lets an agency see the organisation's portfolio results in its
// national view (never models, evidence or anything else). Sharing again
// changes nothing.
func (s *Server) share(ctx context.Context, in *shareInput) (*shareOutput, error) {
	u, err := s.authorize(ctx, in.Org, store.RoleOwner, false)
	if err != nil {
		return nil, err
	}
	err = s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.Share(ctx, in.Org, in.Agency, u.ID); err != nil {
			return err
		}
		return record(ctx, tx, in.Org, "share.create", "org/"+in.Agency, nil)
	})
	if err != nil && model.ErrorCode(err) != model.ECONFLICT {
		return nil, err
	}
	shares, err := s.db.Shares(ctx, in.Org)
	if err != nil {
		return nil, err
	}
	for i := range shares {
		if shares[i].AgencyID == in.Agency {
			return &shareOutput{Body: &shares[i]}, nil
		}
	}
	return nil, model.Errorf(model.ENOTFOUND, "share not found")
}

func (s *Server) unshare(ctx context.Context, in *shareInput) (*struct{}, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleOwner, false); err != nil {
		return nil, err
	}
	err := s.db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.Unshare(ctx, in.Org, in.Agency); err != nil {
			return err
		}
		return record(ctx, tx, in.Org, "share.delete", "org/"+in.Agency, nil)
	})
	return nil, err
}

type sharesOutput struct {
	Body list[store.Share]
}

func (s *Server) listShares(ctx context.Context, in *orgInput) (*sharesOutput, error) {
	if _, err := s.authorize(ctx, in.Org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	shares, err := s.db.Shares(ctx, in.Org)
	if err != nil {
		return nil, err
	}
	return &sharesOutput{Body: list[store.Share]{Items: shares}}, nil
}

// The national view: what an agency sees of the organisations that share
// with it, per organisation and model, the portfolio figures of the
// latest succeeded run. Nothing else of theirs.

type nationalView struct {
	Agency        string            `json:"agency"`
	Organisations []nationalOrgView `json:"organisations" nullable:"false"`
}

type nationalOrgView struct {
	ID     string              `json:"id"`
	Name   string              `json:"name"`
	Kind   string              `json:"kind"`
	Models []nationalModelView `json:"models" nullable:"false"`
}

type nationalModelView struct {
	ModelID   int64              `json:"model_id"`
	Model     string             `json:"model" doc:"The model's name"`
	AsOf      *time.Time         `json:"as_of" doc:"When the run finished"`
	Currency  string             `json:"currency"`
	Trials    int64              `json:"trials"`
	Portfolio nationalPortfolio  `json:"portfolio"`
	Tolerance *nationalTolerance `json:"tolerance" doc:"The verdict against the model's risk tolerance; null without a tolerance curve"`
}

type nationalPortfolio struct {
	Mean      float64            `json:"mean"`
	PNoLoss   float64            `json:"p_no_loss"`
	Quantiles map[string]float64 `json:"quantiles"`
}

type nationalTolerance struct {
	Breached bool `json:"breached"`
}

// sharedResult is what the national view reads of a run's result.
type sharedResult struct {
	Currency  string `json:"currency"`
	Portfolio struct {
		nationalPortfolio
		Tolerance *nationalTolerance `json:"tolerance"`
	} `json:"portfolio"`
}

type nationalOutput struct {
	Body nationalView
}

func (s *Server) national(ctx context.Context, in *orgInput) (*nationalOutput, error) {
	v, err := s.nationalOf(ctx, in.Org)
	if err != nil {
		return nil, err
	}
	return &nationalOutput{Body: *v}, nil
}

// nationalOf is the national view of an agency (its viewers), for the API
// and the pages: per sharing organisation and model, the portfolio
// figures of the latest succeeded run, read through the store's
// share-checking query, and nothing else.
func (s *Server) nationalOf(ctx context.Context, org string) (*nationalView, error) {
	if _, err := s.authorize(ctx, org, store.RoleViewer, false); err != nil {
		return nil, err
	}
	agency, err := s.db.Org(ctx, org)
	if err != nil {
		return nil, err
	}
	if agency.Kind != model.KindAgency {
		return nil, model.Errorf(model.ENOTFOUND, "no national view: %s is a %s, not an agency", agency.ID, agency.Kind)
	}
	shares, err := s.db.SharedWith(ctx, agency.ID)
	if err != nil {
		return nil, err
	}
	out := &nationalView{Agency: agency.ID, Organisations: []nationalOrgView{}}
	for _, sh := range shares {
		o, err := s.db.Org(ctx, sh.OrgID)
		if err != nil {
			return nil, err
		}
		runs, err := s.db.SharedLatestResults(ctx, agency.ID, sh.OrgID)
		if err != nil {
			return nil, err
		}
		ov := nationalOrgView{ID: o.ID, Name: o.Name, Kind: o.Kind, Models: []nationalModelView{}}
		for _, r := range runs {
			m, err := s.db.Model(ctx, sh.OrgID, r.ModelID)
			if err != nil {
				return nil, err
			}
			var res sharedResult
			if err := json.Unmarshal(r.Result, &res); err != nil {
				return nil, err
			}
			ov.Models = append(ov.Models, nationalModelView{ModelID: r.ModelID, Model: m.Name, AsOf: r.FinishedAt,
				Currency: res.Currency, Trials: r.Trials, Portfolio: res.Portfolio.nationalPortfolio, Tolerance: res.Portfolio.Tolerance})
		}
		out.Organisations = append(out.Organisations, ov)
	}
	return out, nil
}

// Package runreport reads a run stored by the server into the options of
// its report: what `scrutin report --run` writes and what the server's
// report download sends both Load the run, then report.Build and Render.
// It is the one place where the report meets the store, so that package
// report depends on the domain packages only.
package runreport

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/sim"
	"github.com/scrutin/scrutin/internal/store"
)

// Store reads what a report of a stored run needs, scoped by the
// organisation; *store.DB is one.
type Store interface {
	Run(ctx context.Context, org string, id int64) (*store.Run, error)
	Model(ctx context.Context, org string, id int64) (*store.Model, error)
	Revision(ctx context.Context, org string, modelID int64, revision int) (*store.Revision, error)
	Evidence(ctx context.Context, org string, id int64) (*store.Evidence, error)
	Plans(ctx context.Context, org string, p store.Page) ([]store.Plan, error)
	Plan(ctx context.Context, org string, id int64) (*store.Plan, error)
}

// Load reads run id of organisation org, its model revision and its
// evidence, and fills in opt (Trials, Seed, Controls, Evidence, Result and
// Origin) to report the run as the server computed it: Build then plans on
// the run's own simulated years without simulating the run again. When a
// plan of the run is stored (see LatestPlan), opt.Plan and Origin.Plan
// are set too, and the report recommends that plan. It returns the
// revision's model.
//
// A run, model, revision or evidence the organisation does not have is an
// ENOTFOUND error ("run 12 not found in organisation "p""); a run that has
// not succeeded is EINVALID.
func Load(ctx context.Context, db Store, org string, id int64, opt *report.Options) (*model.Model, error) {
	notFound := func(err error, what string) error {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return model.Errorf(model.ENOTFOUND, "%s not found in organisation %q", what, org)
		}
		return err
	}
	run, err := db.Run(ctx, org, id)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("run %d", id))
	}
	if run.Status != store.RunSucceeded || len(run.Result) == 0 {
		return nil, model.Errorf(model.EINVALID, "run %d is %s: only a succeeded run has a result to report", run.ID, run.Status)
	}
	sm, err := db.Model(ctx, org, run.ModelID)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("model %d of run %d", run.ModelID, run.ID))
	}
	rev, err := db.Revision(ctx, org, run.ModelID, run.Revision)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("revision %d of model %q", run.Revision, sm.Name))
	}
	m, err := model.Decode(fmt.Sprintf("%s@%d", sm.Name, rev.Revision), []byte(rev.YAML))
	if err != nil {
		return nil, err
	}
	for _, eid := range run.Evidence {
		ev, err := db.Evidence(ctx, org, eid)
		if err != nil {
			return nil, notFound(err, fmt.Sprintf("evidence %d of run %d", eid, run.ID))
		}
		f, err := evidence.ReadEvidenceFile(ev.Name, bytes.NewReader(ev.Summary))
		if err != nil {
			return nil, err
		}
		opt.Evidence = append(opt.Evidence, f)
	}
	var res sim.Result
	if err := json.Unmarshal(run.Result, &res); err != nil {
		return nil, fmt.Errorf("run %d: stored result: %w", run.ID, err)
	}
	opt.Trials, opt.Seed, opt.Result = run.Trials, run.Seed, &res
	opt.Controls = run.Controls
	if opt.Controls == nil {
		opt.Controls = []string{}
	}
	opt.Origin = report.Origin{Run: run.ID, Model: sm.Name, Revision: run.Revision, At: run.CreatedAt}
	if run.FinishedAt != nil {
		opt.Origin.At = *run.FinishedAt
	}
	id, p, err := LatestPlan(ctx, db, org, run, &res)
	if err != nil {
		return nil, err
	}
	opt.Plan, opt.Origin.Plan = p, id
	return m, nil
}

// planRequest is what a plan of the run must share with it: the fields of
// a stored plan's request (every default resolved) that decide its
// simulated years.
type planRequest struct {
	Trials   int64   `json:"trials"`
	Seed     uint64  `json:"seed"`
	Evidence []int64 `json:"evidence"`
}

// LatestPlan returns the latest plan stored for run, whose result is res,
// and its id: a succeeded plan of the same model revision, with the run's
// trials, seed and evidence, whose implemented controls are the run's
// controls in force, and whose implemented-only baseline is the run's own
// figures (a plan made by an earlier version of scrutin, whose quantiles
// were defined otherwise, is not one). 0, nil when there is none.
func LatestPlan(ctx context.Context, db Store, org string, run *store.Run, res *sim.Result) (int64, *plan.Result, error) {
	page := store.Page{Limit: store.MaxLimit}
	for {
		plans, err := db.Plans(ctx, org, page)
		if err != nil {
			return 0, nil, err
		}
		for _, sp := range plans {
			if sp.ModelID != run.ModelID || sp.Revision != run.Revision || sp.Status != store.RunSucceeded {
				continue
			}
			var req planRequest
			if json.Unmarshal(sp.Request, &req) != nil || req.Trials != run.Trials || req.Seed != run.Seed || !sameSet(req.Evidence, run.Evidence) {
				continue
			}
			full, err := db.Plan(ctx, org, sp.ID)
			if err != nil {
				return 0, nil, err
			}
			var p plan.Result
			if err := json.Unmarshal(full.Result, &p); err != nil {
				continue
			}
			q := res.Portfolio.Quantiles
			if !sameSet(p.Implemented, run.Controls) || p.Trials != run.Trials || p.Seed != run.Seed ||
				p.Baseline != (plan.Risk{Mean: res.Portfolio.Mean, P90: q.P90, P95: q.P95, P99: q.P99}) {
				continue
			}
			return sp.ID, &p, nil
		}
		if len(plans) < page.Limit {
			return 0, nil, nil
		}
		page.After = plans[len(plans)-1].ID
	}
}

// sameSet says whether a and b hold the same elements.
func sameSet[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

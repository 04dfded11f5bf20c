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

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
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
}

// Load reads run id of organisation org, its model revision and its
// evidence, and fills in opt (Trials, Seed, Controls, Evidence, Result and
// Origin) to report the run as the server computed it: Build then plans on
// the run's own simulated years without simulating the run again. It
// returns the revision's model.
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
	return m, nil
}

package store

import (
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// testDataVersion: an organisation's data version changes with every
// change of its models, runs and plans (the dashboard's headline quotes
// the run's plan), whoever makes it (the database keeps
// it: another server's changes count), and with nothing else: not with
// reads, nor with another organisation's changes, nor with a transaction
// rolled back.
func testDataVersion(t *testing.T, open opener) {
	db := open(t, nil)
	f := newFixture(t, db)
	version := func(org string) int64 {
		t.Helper()
		v, err := db.OrgDataVersion(ctx, org)
		must(t, err)
		return v
	}
	// step checks that fn changes the version of a (changes), and of
	// the other organisation b only when other.
	steps := func(what string, changes, other bool, fn func()) {
		t.Helper()
		a, b := version(f.a.ID), version(f.b.ID)
		fn()
		if got := version(f.a.ID); (got != a) != changes {
			t.Errorf("%s: version %d, then %d (a change: %v)", what, a, got, changes)
		}
		if got := version(f.b.ID); (got != b) != other {
			t.Errorf("%s: the other organisation's version %d, then %d (a change: %v)", what, b, got, other)
		}
	}
	step := func(what string, changes bool, fn func()) { t.Helper(); steps(what, changes, false, fn) }
	var m *Model
	step("a new model", true, func() {
		var err error
		m, err = db.CreateModel(ctx, f.a.ID, "second", &Revision{YAML: "x: 1\n", AuthorID: f.alice.ID})
		must(t, err)
	})
	step("a new revision", true, func() {
		_, err := db.SaveModel(ctx, f.a.ID, m.ID, 1, &Revision{YAML: "x: 2\n", AuthorID: f.alice.ID})
		must(t, err)
	})
	var r *Run
	step("a run queued", true, func() { r = f.run(t, f.a, m, f.alice) })
	step("the run claimed", true, func() {
		got, err := db.ClaimRun(ctx)
		must(t, err)
		if got == nil || got.ID != r.ID {
			t.Fatalf("claimed %+v, want run %d", got, r.ID)
		}
	})
	step("its progress", true, func() { must(t, db.UpdateRunProgress(ctx, r.ID, 0.5)) })
	step("its lease renewed", true, func() { must(t, db.RenewRunLease(ctx, r.ID)) })
	step("released", true, func() { must(t, db.ReleaseRun(ctx, r.ID)) })
	step("claimed again", true, func() {
		_, err := db.ClaimRun(ctx)
		must(t, err)
	})
	step("finished", true, func() { must(t, db.FinishRun(ctx, r.ID, RunSucceeded, []byte(`{"a":1}`), "")) })
	var pl *Plan
	step("a plan queued", true, func() { pl = f.plan(t, f.a, m, f.alice) })
	step("the plan claimed", true, func() {
		got, err := db.ClaimPlan(ctx)
		must(t, err)
		if got == nil || got.ID != pl.ID {
			t.Fatalf("claimed plan %+v, want %d", got, pl.ID)
		}
	})
	step("the plan finished", true, func() { must(t, db.FinishPlan(ctx, pl.ID, RunSucceeded, []byte(`{"a":1}`), "")) })
	step("reads of plans", false, func() {
		_, err := db.Plans(ctx, f.a.ID, Page{})
		must(t, err)
		_, err = db.Plan(ctx, f.a.ID, pl.ID)
		must(t, err)
	})
	steps("a plan of another organisation", false, true, func() { f.plan(t, f.b, f.modelB, f.bob) })
	var q *Run
	step("another run queued", true, func() { q = f.run(t, f.a, m, f.alice) })
	step("canceled", true, func() { must(t, db.CancelRun(ctx, f.a.ID, q.ID)) })
	step("reads", false, func() {
		_, err := db.Models(ctx, f.a.ID, Page{})
		must(t, err)
		_, err = db.Runs(ctx, f.a.ID, 0, Page{})
		must(t, err)
		_, err = db.LatestRuns(ctx, f.a.ID)
		must(t, err)
		_, err = db.Run(ctx, f.a.ID, r.ID)
		must(t, err)
	})
	steps("a run of another organisation", false, true, func() { f.run(t, f.b, f.modelB, f.bob) })
	step("a run in a transaction rolled back", false, func() {
		err := db.WithTx(ctx, func(tx *DB) error {
			if err := tx.CreateRun(ctx, &Run{OrgID: f.a.ID, ModelID: m.ID, Trials: 10, CreatedBy: f.alice.ID}); err != nil {
				return err
			}
			return model.Errorf(model.ECONFLICT, "rolled back")
		})
		wantCode(t, err, model.ECONFLICT)
	})
	step("the model deleted, with its runs", true, func() { must(t, db.DeleteModel(ctx, f.a.ID, m.ID)) })

	_, err := db.OrgDataVersion(ctx, "nowhere")
	wantCode(t, err, model.ENOTFOUND)
}

package store

import (
	"testing"
)

// testClaimFair: one organisation's long queue does not hold another's
// job for more than one job: with 20 runs of A queued before one of B,
// B's run is the first or second claimed, whether the worker finishes
// each job before claiming the next or several workers claim at once.
func testClaimFair(t *testing.T, open opener) {
	t.Run("one worker", func(t *testing.T) {
		db := open(t, nil)
		f := newFixture(t, db)
		for range 20 {
			f.run(t, f.a, f.modelA, f.alice)
		}
		b := f.run(t, f.b, f.modelB, f.bob)
		var order []string
		for {
			r, err := db.ClaimRun(ctx)
			must(t, err)
			if r == nil {
				break
			}
			order = append(order, r.OrgID)
			if r.ID == b.ID && len(order) > 2 {
				t.Fatalf("B's run claimed in position %d, after %v", len(order), order[:len(order)-1])
			}
			must(t, db.FinishRun(ctx, r.ID, RunSucceeded, []byte(`{}`), ""))
		}
		if len(order) != 21 {
			t.Fatalf("%d runs claimed, want 21", len(order))
		}
	})
	t.Run("several workers", func(t *testing.T) {
		db := open(t, nil)
		f := newFixture(t, db)
		for range 20 {
			f.run(t, f.a, f.modelA, f.alice)
		}
		b := f.run(t, f.b, f.modelB, f.bob)
		// Three workers each take a job; the second claim already goes
		// to B, which has nothing running.
		var got []int64
		for range 3 {
			r, err := db.ClaimRun(ctx)
			must(t, err)
			got = append(got, r.ID)
		}
		if got[1] != b.ID {
			t.Fatalf("claims %v: B's run %d is not second", got, b.ID)
		}
	})
	t.Run("round robin", func(t *testing.T) {
		// With both organisations queuing many jobs and one worker, the
		// claims alternate.
		db := open(t, nil)
		f := newFixture(t, db)
		for range 5 {
			f.run(t, f.a, f.modelA, f.alice)
			f.run(t, f.a, f.modelA, f.alice)
		}
		for range 5 {
			f.run(t, f.b, f.modelB, f.bob)
		}
		var order string
		for range 10 {
			r, err := db.ClaimRun(ctx)
			must(t, err)
			order += r.OrgID[:1]
			must(t, db.FinishRun(ctx, r.ID, RunSucceeded, []byte(`{}`), ""))
		}
		if order != "pmpmpmpmpm" {
			t.Fatalf("claims by organisation %q, want A and B in turn (pmpm…)", order)
		}
	})
}

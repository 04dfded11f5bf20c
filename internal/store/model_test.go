package store

import (
	"fmt"
	"sync"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

func testModels(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	f := newFixture(t, db)

	at := c.peek()
	rev := &Revision{YAML: "assets: []\n", Message: "initial", AuthorID: f.alice.ID}
	m, err := db.CreateModel(ctx, f.a.ID, "  Municipal 2026 ", rev)
	must(t, err)
	if m.Name != "Municipal 2026" || m.OrgID != f.a.ID || m.Revision != 1 || m.CreatedAt != at || m.UpdatedAt != at {
		t.Fatalf("CreateModel = %+v", m)
	}
	wantRev := Revision{ModelID: m.ID, Revision: 1, YAML: "assets: []\n", Message: "initial", AuthorID: f.alice.ID, Author: f.alice.Email, CreatedAt: at}
	if *rev != wantRev {
		t.Fatalf("revision = %+v, want %+v", rev, wantRev)
	}

	for _, tt := range []struct {
		name, org, model string
		author           int64
		code             string
	}{
		{"same name", f.a.ID, "Municipal 2026", f.alice.ID, model.ECONFLICT},
		{"empty name", f.a.ID, " ", f.alice.ID, model.EINVALID},
		{"unknown org", "nope", "x", f.alice.ID, model.ENOTFOUND},
		{"unknown author", f.a.ID, "x", f.alice.ID + 100, model.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.CreateModel(ctx, tt.org, tt.model, &Revision{YAML: "x", AuthorID: tt.author})
			wantCode(t, err, tt.code)
		})
	}
	// Another organisation may use the name.
	_, err = db.CreateModel(ctx, f.b.ID, "Municipal 2026", &Revision{YAML: "x", AuthorID: f.bob.ID})
	must(t, err)

	// Saves: each a new revision; a stale base is refused.
	at2 := c.peek()
	rev2 := &Revision{YAML: "assets: [a]\n", Message: "add a", AuthorID: f.alice.ID}
	m2, err := db.SaveModel(ctx, f.a.ID, m.ID, 1, rev2)
	must(t, err)
	if m2.Revision != 2 || m2.UpdatedAt != at2 || m2.CreatedAt != at || rev2.Revision != 2 || rev2.Author != f.alice.Email {
		t.Fatalf("SaveModel = %+v, %+v", m2, rev2)
	}
	_, err = db.SaveModel(ctx, f.a.ID, m.ID, 1, &Revision{YAML: "stale", AuthorID: f.alice.ID})
	wantCode(t, err, model.ECONFLICT)
	_, err = db.SaveModel(ctx, f.a.ID, m.ID, 3, &Revision{YAML: "future", AuthorID: f.alice.ID})
	wantCode(t, err, model.ECONFLICT)
	_, err = db.SaveModel(ctx, f.a.ID, m.ID+100, 1, &Revision{YAML: "x", AuthorID: f.alice.ID})
	wantCode(t, err, model.ENOTFOUND)
	_, err = db.SaveModel(ctx, f.a.ID, m.ID, 2, &Revision{YAML: "x", AuthorID: f.alice.ID + 100})
	wantCode(t, err, model.EINVALID)
	_, err = db.SaveModel(ctx, f.a.ID, m.ID, 2, &Revision{YAML: "assets: [a, b]\n", Message: "add b", AuthorID: f.alice.ID})
	must(t, err)

	got, err := db.Model(ctx, f.a.ID, m.ID)
	must(t, err)
	if got.Revision != 3 {
		t.Fatalf("Model = %+v, want revision 3", got)
	}
	for _, tt := range []struct {
		revision int
		yaml     string
		code     string
	}{
		{0, "assets: [a, b]\n", ""},
		{1, "assets: []\n", ""},
		{2, "assets: [a]\n", ""},
		{3, "assets: [a, b]\n", ""},
		{4, "", model.ENOTFOUND},
		{-1, "", model.ENOTFOUND},
	} {
		r, err := db.Revision(ctx, f.a.ID, m.ID, tt.revision)
		if tt.code != "" {
			wantCode(t, err, tt.code)
			continue
		}
		must(t, err)
		if r.YAML != tt.yaml || (tt.revision != 0 && r.Revision != tt.revision) || r.Author != f.alice.Email {
			t.Errorf("Revision(%d) = %+v", tt.revision, r)
		}
	}
	revs, err := db.Revisions(ctx, f.a.ID, m.ID, Page{})
	must(t, err)
	if len(revs) != 3 || revs[0].Revision != 3 || revs[2].Revision != 1 || revs[0].YAML != "" || revs[1].Message != "add a" {
		t.Fatalf("Revisions = %+v", revs)
	}
	revs, err = db.Revisions(ctx, f.a.ID, m.ID, Page{Limit: 1, After: 3})
	must(t, err)
	if len(revs) != 1 || revs[0].Revision != 2 {
		t.Fatalf("Revisions after 3 = %+v", revs)
	}

	models, err := db.Models(ctx, f.a.ID, Page{})
	must(t, err)
	if len(models) != 2 || models[0].ID != m.ID || models[1].ID != f.modelA.ID {
		t.Fatalf("Models = %+v", models)
	}

	// Deleting a model deletes its revisions, runs and plans.
	r := f.run(t, f.a, m2, f.alice)
	p := f.plan(t, f.a, m2, f.alice)
	must(t, db.DeleteModel(ctx, f.a.ID, m.ID))
	wantCode(t, db.DeleteModel(ctx, f.a.ID, m.ID), model.ENOTFOUND)
	_, err = db.Model(ctx, f.a.ID, m.ID)
	wantCode(t, err, model.ENOTFOUND)
	_, err = db.Revision(ctx, f.a.ID, m.ID, 1)
	wantCode(t, err, model.ENOTFOUND)
	_, err = db.Run(ctx, f.a.ID, r.ID)
	wantCode(t, err, model.ENOTFOUND)
	_, err = db.Plan(ctx, f.a.ID, p.ID)
	wantCode(t, err, model.ENOTFOUND)
	var n int
	must(t, db.queryRow(ctx, `SELECT COUNT(*) FROM revisions WHERE model_id = ?`, m.ID).Scan(&n))
	if n != 0 {
		t.Fatalf("%d revisions left after DeleteModel", n)
	}
}

// testSaveModelConcurrent: of several saves on the same base revision at
// the same time, exactly one wins, the others are ECONFLICT.
func testSaveModelConcurrent(t *testing.T, open opener) {
	db := open(t, nil)
	f := newFixture(t, db)
	const writers = 6
	for round := 1; round <= 5; round++ {
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, writers)
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = db.SaveModel(ctx, f.a.ID, f.modelA.ID, round,
					&Revision{YAML: fmt.Sprintf("writer: %d\n", i), AuthorID: f.alice.ID})
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch model.ErrorCode(err) {
			case "":
				won++
			case model.ECONFLICT:
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d saves on revision %d won, want 1", round, won, round)
		}
		m, err := db.Model(ctx, f.a.ID, f.modelA.ID)
		must(t, err)
		if m.Revision != round+1 {
			t.Fatalf("round %d: revision %d, want %d", round, m.Revision, round+1)
		}
	}
	revs, err := db.Revisions(ctx, f.a.ID, f.modelA.ID, Page{})
	must(t, err)
	if len(revs) != 6 {
		t.Fatalf("%d revisions, want 6", len(revs))
	}
}

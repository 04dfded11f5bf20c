package store

import (
	"encoding/json"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// testIsolation: seen from organisation A, every resource of B answers
// ENOTFOUND, exactly as one that does not exist, and nothing of B
// changes.
func testIsolation(t *testing.T, open opener) {
	db := open(t, nil)
	f := newFixture(t, db)
	a, b := f.a.ID, f.b.ID
	runB := f.run(t, f.b, f.modelB, f.bob)
	planB := f.plan(t, f.b, f.modelB, f.bob)
	evB := &Evidence{OrgID: b, Name: "b's", Kind: "telemetry", Summary: json.RawMessage(`{}`), CreatedBy: f.bob.ID}
	must(t, db.CreateEvidence(ctx, evB))
	f.run(t, f.a, f.modelA, f.alice)
	f.plan(t, f.a, f.modelA, f.alice)
	must(t, db.CreateEvidence(ctx, &Evidence{OrgID: a, Name: "a's", Kind: "telemetry", Summary: json.RawMessage(`{}`), CreatedBy: f.alice.ID}))

	errOf := func(_ any, err error) error { return err }
	tests := []struct {
		name string
		call func(org string, model, run, plan, evidence int64) error
	}{
		{"Model", func(o string, m, _, _, _ int64) error { return errOf(db.Model(ctx, o, m)) }},
		{"SaveModel", func(o string, m, _, _, _ int64) error {
			return errOf(db.SaveModel(ctx, o, m, 1, &Revision{YAML: "hijack", AuthorID: f.alice.ID}))
		}},
		{"Revision", func(o string, m, _, _, _ int64) error { return errOf(db.Revision(ctx, o, m, 1)) }},
		{"Revision latest", func(o string, m, _, _, _ int64) error { return errOf(db.Revision(ctx, o, m, 0)) }},
		{"Revisions", func(o string, m, _, _, _ int64) error { return errOf(db.Revisions(ctx, o, m, Page{})) }},
		{"Runs of model", func(o string, m, _, _, _ int64) error { return errOf(db.Runs(ctx, o, m, Page{})) }},
		{"CreateRun", func(o string, m, _, _, _ int64) error {
			return db.CreateRun(ctx, &Run{OrgID: o, ModelID: m, Trials: 1, CreatedBy: f.alice.ID})
		}},
		{"CreatePlan", func(o string, m, _, _, _ int64) error {
			return db.CreatePlan(ctx, &Plan{OrgID: o, ModelID: m, Request: json.RawMessage(`{}`), CreatedBy: f.alice.ID})
		}},
		{"Run", func(o string, _, r, _, _ int64) error { return errOf(db.Run(ctx, o, r)) }},
		{"CancelRun", func(o string, _, r, _, _ int64) error { return db.CancelRun(ctx, o, r) }},
		{"Plan", func(o string, _, _, p, _ int64) error { return errOf(db.Plan(ctx, o, p)) }},
		{"CancelPlan", func(o string, _, _, p, _ int64) error { return db.CancelPlan(ctx, o, p) }},
		{"Evidence", func(o string, _, _, _, e int64) error { return errOf(db.Evidence(ctx, o, e)) }},
		{"DeleteEvidence", func(o string, _, _, _, e int64) error { return db.DeleteEvidence(ctx, o, e) }},
		{"DeleteModel", func(o string, m, _, _, _ int64) error { return db.DeleteModel(ctx, o, m) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// B's resources from A, and ids that exist nowhere: the same.
			errB := tt.call(a, f.modelB.ID, runB.ID, planB.ID, evB.ID)
			wantCode(t, errB, model.ENOTFOUND)
			errNone := tt.call(a, 1e9, 1e9, 1e9, 1e9)
			wantCode(t, errNone, model.ENOTFOUND)
			if errB.Error() != errNone.Error() {
				t.Errorf("another organisation's resource says %q, a missing one %q", errB, errNone)
			}
		})
	}

	// Lists hold only the organisation's own.
	models, err := db.Models(ctx, a, Page{})
	must(t, err)
	runs, err := db.Runs(ctx, a, 0, Page{})
	must(t, err)
	plans, err := db.Plans(ctx, a, Page{})
	must(t, err)
	evidence, err := db.EvidenceList(ctx, a, Page{})
	must(t, err)
	latest, err := db.LatestResults(ctx, a)
	must(t, err)
	latestRuns, err := db.LatestRuns(ctx, a)
	must(t, err)
	if len(models) != 1 || len(runs) != 1 || len(plans) != 1 || len(evidence) != 1 || len(latest) != 0 || len(latestRuns) != 0 {
		t.Fatalf("A's lists: %d models, %d runs, %d plans, %d evidence, %d results", len(models), len(runs), len(plans), len(evidence), len(latest))
	}
	for _, m := range models {
		if m.OrgID != a {
			t.Fatalf("A's models include %+v", m)
		}
	}
	for _, r := range runs {
		if r.OrgID != a {
			t.Fatalf("A's runs include %+v", r)
		}
	}
	for _, p := range plans {
		if p.OrgID != a {
			t.Fatalf("A's plans include %+v", p)
		}
	}
	for _, e := range evidence {
		if e.OrgID != a {
			t.Fatalf("A's evidence includes %+v", e)
		}
	}

	// B's data is untouched.
	m, err := db.Model(ctx, b, f.modelB.ID)
	must(t, err)
	if m.Revision != 1 {
		t.Fatalf("B's model changed: %+v", m)
	}
	r, err := db.Run(ctx, b, runB.ID)
	must(t, err)
	p, err := db.Plan(ctx, b, planB.ID)
	must(t, err)
	if r.Status != RunQueued || p.Status != RunQueued {
		t.Fatalf("B's jobs changed: %+v, %+v", r, p)
	}
	if _, err := db.Evidence(ctx, b, evB.ID); err != nil {
		t.Fatalf("B's evidence: %v", err)
	}
	if n, err := db.Runs(ctx, b, 0, Page{}); err != nil || len(n) != 1 {
		t.Fatalf("B's runs: %v, %v", n, err)
	}
}

// testPagination: keyset pages, newest first, cover every item once.
func testPagination(t *testing.T, open opener) {
	db := open(t, nil)
	f := newFixture(t, db)
	const n = 23
	for i := range n {
		f.run(t, f.a, f.modelA, f.alice)
		must(t, db.Audit(ctx, &AuditEntry{OrgID: f.a.ID, Action: "run.create"}))
		must(t, db.CreateEvidence(ctx, &Evidence{OrgID: f.a.ID, Name: "e", Kind: "telemetry", Summary: json.RawMessage(`{}`), CreatedBy: f.alice.ID}))
		f.plan(t, f.a, f.modelA, f.alice)
		_, err := db.CreateModel(ctx, f.a.ID, string(rune('a'+i)), &Revision{YAML: "x", AuthorID: f.alice.ID})
		must(t, err)
		must(t, db.CreateUser(ctx, &User{Email: string(rune('a'+i)) + "@page.example"}))
	}
	tests := []struct {
		name  string
		total int
		page  func(p Page) ([]int64, error)
	}{
		{"Runs", n, func(p Page) ([]int64, error) { return ids(db.Runs(ctx, f.a.ID, 0, p)) }},
		{"Runs of model", n, func(p Page) ([]int64, error) { return ids(db.Runs(ctx, f.a.ID, f.modelA.ID, p)) }},
		{"AuditLog", n, func(p Page) ([]int64, error) { return ids(db.AuditLog(ctx, f.a.ID, p)) }},
		{"EvidenceList", n, func(p Page) ([]int64, error) { return ids(db.EvidenceList(ctx, f.a.ID, p)) }},
		{"Plans", n, func(p Page) ([]int64, error) { return ids(db.Plans(ctx, f.a.ID, p)) }},
		{"Models", n + 1, func(p Page) ([]int64, error) { return ids(db.Models(ctx, f.a.ID, p)) }},
		{"Users", n + 2, func(p Page) ([]int64, error) { return ids(db.Users(ctx, p)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, limit := range []int{1, 5, 23, 100} {
				var all []int64
				p := Page{Limit: limit}
				for {
					page, err := tt.page(p)
					must(t, err)
					if len(page) > limit {
						t.Fatalf("limit %d: page of %d", limit, len(page))
					}
					if len(page) == 0 {
						break
					}
					all = append(all, page...)
					p.After = page[len(page)-1]
				}
				if len(all) != tt.total {
					t.Fatalf("limit %d: %d items, want %d", limit, len(all), tt.total)
				}
				for i := 1; i < len(all); i++ {
					if all[i] >= all[i-1] {
						t.Fatalf("limit %d: not newest first: %v", limit, all)
					}
				}
			}
			// No limit: the default.
			page, err := tt.page(Page{})
			must(t, err)
			if len(page) != tt.total {
				t.Fatalf("default page: %d items, want %d", len(page), tt.total)
			}
		})
	}
}

// ids are the ids of a list, for the pagination test.
func ids[T any](items []T, err error) ([]int64, error) {
	out := make([]int64, len(items))
	for i, v := range items {
		switch v := any(v).(type) {
		case Run:
			out[i] = v.ID
		case AuditEntry:
			out[i] = v.ID
		case Evidence:
			out[i] = v.ID
		case Plan:
			out[i] = v.ID
		case Model:
			out[i] = v.ID
		case User:
			out[i] = v.ID
		}
	}
	return out, err
}

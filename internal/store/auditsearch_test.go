package store

import (
	"fmt"
	"testing"
	"time"
)

// testAuditSearch: the filters by user, action and time select the same
// entries on both databases, page by page, and nothing of another
// organisation.
func testAuditSearch(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	f := newFixture(t, db)

	day := func(d int) time.Time { return time.Date(2026, 4, d, 12, 0, 0, 0, time.UTC) }
	// Five days, two users, three actions; another organisation beside.
	var want []AuditEntry
	for d := 1; d <= 5; d++ {
		c.Set(day(d))
		for i, a := range []string{"run.create", "model.save", "plan.create"} {
			u := f.alice
			if i == 1 {
				u = f.bob
			}
			e := AuditEntry{OrgID: f.a.ID, UserID: u.ID, Action: a, Target: fmt.Sprintf("x/%d", d)}
			must(t, db.Audit(ctx, &e))
			want = append(want, e)
		}
		must(t, db.Audit(ctx, &AuditEntry{OrgID: f.b.ID, UserID: f.alice.ID, Action: "run.create"}))
	}
	nobody := AuditEntry{OrgID: f.a.ID, Action: "run.create"}
	must(t, db.Audit(ctx, &nobody))
	want = append(want, nobody)
	c.Set(day(9))

	ids := func(es []AuditEntry) []int64 {
		out := []int64{}
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	match := func(fl AuditFilter) []int64 {
		out := []int64{}
		for i := len(want) - 1; i >= 0; i-- {
			e := want[i]
			if (fl.UserID == 0 || e.UserID == fl.UserID) && (fl.Action == "" || e.Action == fl.Action) &&
				!e.At.Before(fl.From) && (fl.To.IsZero() || e.At.Before(fl.To)) {
				out = append(out, e.ID)
			}
		}
		return out
	}
	tests := []struct {
		name string
		f    AuditFilter
	}{
		{"user", AuditFilter{UserID: f.bob.ID}},
		{"action", AuditFilter{Action: "plan.create"}},
		{"from", AuditFilter{From: day(4)}},
		{"to", AuditFilter{To: day(2)}},
		{"range", AuditFilter{From: day(2), To: day(4)}},
		{"all together", AuditFilter{UserID: f.alice.ID, Action: "run.create", From: day(2), To: day(5)}},
		{"nothing", AuditFilter{Action: "org.create"}},
		{"an instant", AuditFilter{From: day(3), To: day(3).Add(time.Microsecond)}},
	}
	for _, tt := range tests {
		// Two entries a page: every page is read until the end.
		var got []int64
		p := Page{Limit: 2}
		for n := 0; ; n++ {
			es, err := db.AuditSearch(ctx, f.a.ID, tt.f, p)
			must(t, err)
			for _, e := range es {
				if e.OrgID != f.a.ID {
					t.Fatalf("%s: entry of %q", tt.name, e.OrgID)
				}
			}
			got = append(got, ids(es)...)
			if len(es) < 2 || n > 20 {
				break
			}
			p.After = es[len(es)-1].ID
		}
		if w := match(tt.f); fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s: %v, want %v", tt.name, got, w)
		}
	}
	all, err := db.AuditSearch(ctx, f.a.ID, AuditFilter{}, Page{})
	must(t, err)
	if len(all) != len(want) || all[0].ID != nobody.ID {
		t.Errorf("no filter: %d entries, want %d, the anonymous one first", len(all), len(want))
	}

	users, err := db.AuditUsers(ctx, f.a.ID)
	must(t, err)
	if len(users) != 2 || users[0].ID != f.alice.ID || users[0].Name != "Alice" || users[1].ID != f.bob.ID || users[1].Email != f.bob.Email {
		t.Errorf("AuditUsers(A) = %+v", users)
	}
	users, err = db.AuditUsers(ctx, f.b.ID)
	must(t, err)
	if len(users) != 1 || users[0].ID != f.alice.ID {
		t.Errorf("AuditUsers(B) = %+v", users)
	}
}

// testNames: names are read now, in the organisation asked for only;
// what is gone is absent.
func testNames(t *testing.T, open opener) {
	db := open(t, nil)
	f := newFixture(t, db)
	run := f.run(t, f.a, f.modelA, f.alice)
	pl := f.plan(t, f.a, f.modelA, f.alice)
	ev := &Evidence{OrgID: f.a.ID, Name: "phishing 2025", Kind: "phishing", Summary: []byte(`{}`), CreatedBy: f.alice.ID}
	must(t, db.CreateEvidence(ctx, ev))
	nameless := &User{Email: "nameless@a.example"}
	must(t, db.CreateUser(ctx, nameless))
	gone, err := db.CreateModel(ctx, f.a.ID, "gone", &Revision{YAML: "g: 1\n", AuthorID: f.alice.ID})
	must(t, err)
	must(t, db.DeleteModel(ctx, f.a.ID, gone.ID))

	id := func(n int64) string { return fmt.Sprint(n) }
	refs := []Ref{
		{"user", id(f.alice.ID)}, {"user", id(nameless.ID)}, {"user", "999"},
		{"org", f.b.ID}, {"org", "nowhere"},
		{"model", id(f.modelA.ID)}, {"model", id(f.modelB.ID)}, {"model", id(gone.ID)}, {"model", "x"},
		{"run", id(run.ID)}, {"plan", id(pl.ID)}, {"evidence", id(ev.ID)},
	}
	got, err := db.Names(ctx, f.a.ID, refs)
	must(t, err)
	want := map[Ref]string{
		{"user", id(f.alice.ID)}: "Alice", {"user", id(nameless.ID)}: "nameless@a.example",
		{"org", f.b.ID}:            "Ministry B",
		{"model", id(f.modelA.ID)}: "A's model",
		{"run", id(run.ID)}:        "A's model", {"plan", id(pl.ID)}: "A's model", {"evidence", id(ev.ID)}: "phishing 2025",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Names = %v\nwant %v", got, want)
	}
	if _, err := db.Names(ctx, f.a.ID, []Ref{{"secret", "1"}}); err == nil {
		t.Error("Names of an unknown kind: no error")
	}
	if _, err := db.Names(ctx, f.a.ID, make([]Ref, MaxRefs+1)); err == nil {
		t.Error("too many names: no error")
	}
}

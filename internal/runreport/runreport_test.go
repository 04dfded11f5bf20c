package runreport

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/sim"
	"github.com/scrutin/scrutin/internal/store"
)

// TestLoad reads runs of a real (SQLite) store: a succeeded run fills
// the options in as the server computed it; a run still queued is
// EINVALID; a run of another organisation, or none, is ENOTFOUND.
func TestLoad(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2017, 5, 5, 20, 0, 0, 0, time.UTC)
	db, err := store.Open(ctx, ":memory:", func() time.Time { return at })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u := &store.User{Email: "dan@example.org", Name: "Dan"}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"p", "q"} {
		if err := db.CreateOrg(ctx, &store.Org{ID: id, Name: id, Kind: "party"}); err != nil {
			t.Fatal(err)
		}
	}
	src, err := examples.Files.ReadFile("minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sm, err := db.CreateModel(ctx, "p", "minimal", &store.Revision{YAML: string(src), Message: "first", AuthorID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Decode("minimal", src)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sim.Run(ctx, m, sim.Options{Trials: 2000, Seed: 7, Controls: []string{"security-keys"}})
	if err != nil {
		t.Fatal(err)
	}
	result, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	done := &store.Run{OrgID: "p", ModelID: sm.ID, Trials: 2000, Seed: 7, Controls: []string{"security-keys"}, CreatedBy: u.ID}
	if err := db.CreateRun(ctx, done); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimRun(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, done.ID, store.RunSucceeded, result, ""); err != nil {
		t.Fatal(err)
	}
	queued := &store.Run{OrgID: "p", ModelID: sm.ID, Trials: 2000, Seed: 8, CreatedBy: u.ID}
	if err := db.CreateRun(ctx, queued); err != nil {
		t.Fatal(err)
	}

	var opt report.Options
	got, err := Load(ctx, db, "p", done.ID, &opt)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != m.Name || opt.Trials != 2000 || opt.Seed != 7 || !slices.Equal(opt.Controls, []string{"security-keys"}) ||
		opt.Result == nil || opt.Result.Portfolio.Mean != res.Portfolio.Mean {
		t.Errorf("loaded %q, options %+v", got.Name, opt)
	}
	if opt.Origin.Run != done.ID || opt.Origin.Model != "minimal" || opt.Origin.Revision != 1 || !opt.Origin.At.Equal(at) {
		t.Errorf("origin %+v", opt.Origin)
	}

	_, err = Load(ctx, db, "p", queued.ID, &report.Options{})
	if model.ErrorCode(err) != model.EINVALID || !strings.Contains(err.Error(), "only a succeeded run") {
		t.Errorf("a queued run: %v", err)
	}
	for _, c := range []struct {
		org string
		id  int64
	}{{"q", done.ID}, {"p", 999}} {
		_, err := Load(ctx, db, c.org, c.id, &report.Options{})
		if model.ErrorCode(err) != model.ENOTFOUND || !strings.Contains(err.Error(), `not found in organisation "`+c.org+`"`) {
			t.Errorf("run %d of %s: %v", c.id, c.org, err)
		}
	}
}

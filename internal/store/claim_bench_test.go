package store

import (
	"fmt"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// BenchmarkClaimRun: the fair claim of one run from a queue of 10,000
// runs of 100 organisations (SQLite in memory); at most 10,000
// iterations, hence the fixed count:
//
//	go test ./internal/store/ -run '^$' -bench ClaimRun -benchtime 2000x
func BenchmarkClaimRun(b *testing.B) {
	db := MustOpenDB(b)
	u := &User{Email: "bench@example.org"}
	must2(b, db.CreateUser(ctx, u))
	must2(b, db.WithTx(ctx, func(tx *DB) error {
		for o := range 100 {
			org := &Org{ID: fmt.Sprintf("org-%03d", o), Name: "Org", Kind: model.KindParty}
			if err := tx.CreateOrg(ctx, org); err != nil {
				return err
			}
			m, err := tx.CreateModel(ctx, org.ID, "m", &Revision{YAML: "x", AuthorID: u.ID})
			if err != nil {
				return err
			}
			for range 100 {
				if err := tx.CreateRun(ctx, &Run{OrgID: org.ID, ModelID: m.ID, Trials: 1, CreatedBy: u.ID}); err != nil {
					return err
				}
			}
		}
		return nil
	}))
	b.ResetTimer()
	for b.Loop() {
		r, err := db.ClaimRun(ctx)
		if err != nil || r == nil {
			b.Fatal(r, err)
		}
	}
}

func must2(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

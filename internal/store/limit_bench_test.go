package store

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkLimit lists an organisation's models as Models does, the page
// size changing from one call to the next (the dashboard lists up to
// 1000 models, the API 100 by default), bound as the LIMIT itself
// ("param": SQLite then plans with the value, and prepares the statement
// again whenever another value is bound) or through a CAST, as the store
// binds it (planned once):
//
//	go test ./internal/store -run '^$' -bench Limit
func BenchmarkLimit(b *testing.B) {
	db := mustOpen(b, filepath.Join(b.TempDir(), "s.db"), nil)
	u := &User{Email: "alice@a.example"}
	o := &Org{ID: "party-a", Name: "Party A", Kind: "party"}
	if err := db.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	if err := db.CreateOrg(ctx, o); err != nil {
		b.Fatal(err)
	}
	for i := range 2 {
		if _, err := db.CreateModel(ctx, o.ID, fmt.Sprint("model ", i), &Revision{YAML: "a: 1\n", AuthorID: u.ID}); err != nil {
			b.Fatal(err)
		}
	}
	for _, limit := range []string{"?", "CAST(? AS BIGINT)"} {
		q := `SELECT ` + modelColumns + ` FROM models WHERE org_id = ? AND id < ? ORDER BY id DESC LIMIT ` + limit
		name := map[string]string{"?": "param", "CAST(? AS BIGINT)": "cast"}[limit]
		b.Run(name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				if _, err := list(ctx, db, "models", scanModel, q, o.ID, Page{}.after(), 100+900*(i%2)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

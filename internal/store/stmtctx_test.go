package store

import (
	"context"
	"errors"
	"testing"
)

// TestStatementContext: on SQLite a statement outside a transaction runs
// without the request's cancellation (so database/sql and the driver
// start no goroutine to watch it), once the context is checked: a
// canceled context still fails at once.
func TestStatementContext(t *testing.T) {
	db := MustOpenDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	sctx, err := db.statementContext(ctx)
	if err != nil || sctx.Done() != nil {
		t.Errorf("SQLite statement context: done %v, err %v; want no cancellation", sctx.Done(), err)
	}
	if _, err := db.Users(ctx, Page{}); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := db.Users(ctx, Page{}); !errors.Is(err, context.Canceled) {
		t.Errorf("a canceled context: %v, want context.Canceled", err)
	}
	if _, err := db.UserByEmail(ctx, "nobody@example.org"); !errors.Is(err, context.Canceled) {
		t.Errorf("a canceled context, one row: %v, want context.Canceled", err)
	}
	err = db.WithTx(context.Background(), func(tx *DB) error {
		if c, _ := tx.statementContext(ctx); c.Done() == nil {
			t.Errorf("a transaction's statement lost its context")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

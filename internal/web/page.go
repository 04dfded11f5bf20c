package web

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/scrutin/scrutin/internal/store"
)

// PageParams are the query parameters of a list (embedded in inputs).
type PageParams struct {
	Limit  int    `query:"limit" minimum:"1" maximum:"1000" default:"100" doc:"Most items to return"`
	Cursor string `query:"cursor" maxLength:"40" doc:"The next_cursor of the previous page; none for the first page"`
}

// page reads the parameters as a store page; a cursor that is not one of
// ours is a 400.
func (p PageParams) page() (store.Page, error) {
	pg := store.Page{Limit: p.Limit}
	if p.Cursor == "" {
		return pg, nil
	}
	after, err := strconv.ParseInt(p.Cursor, 10, 64)
	if err != nil || after <= 0 {
		return pg, badRequest("invalid cursor %q: use the next_cursor of the previous page", p.Cursor)
	}
	pg.After = after
	return pg, nil
}

// list is the body of a list: a page of items, and the cursor of the
// next page (absent on the last).
type list[T any] struct {
	Items      []T    `json:"items" nullable:"false"`
	NextCursor string `json:"next_cursor,omitempty" doc:"Pass as ?cursor= to get the next page; absent on the last page"`
}

type listOutput[T any] struct {
	Body list[T]
}

// paged makes a list of items fetched for page p; cursor is the keyset
// position of an item (its id, usually). A full page has a next cursor.
func paged[T any](items []T, p store.Page, cursor func(T) int64) *listOutput[T] {
	out := &listOutput[T]{Body: list[T]{Items: items}}
	if out.Body.Items == nil {
		out.Body.Items = []T{}
	}
	limit := p.Limit
	if limit <= 0 {
		limit = store.DefaultLimit
	}
	if len(items) > 0 && len(items) >= min(limit, store.MaxLimit) {
		out.Body.NextCursor = strconv.FormatInt(cursor(items[len(items)-1]), 10)
	}
	return out
}

// record appends an entry to the audit log, inside the transaction of
// the change it records: who (the caller), what (action, target,
// details), when, and from where (the client's address).
func record(ctx context.Context, tx *store.DB, org, action, target string, details any) error {
	info := infoFrom(ctx)
	e := &store.AuditEntry{OrgID: org, Action: action, Target: target, Remote: info.remote}
	if info.user != nil {
		e.UserID = info.user.ID
	}
	if details != nil {
		b, err := json.Marshal(details)
		if err != nil {
			return err
		}
		e.Details = b
	}
	return tx.Audit(ctx, e)
}

func target(kind string, id int64) string { return kind + "/" + strconv.FormatInt(id, 10) }

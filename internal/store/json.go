package store

import (
	"encoding/json"
	"fmt"

	"github.com/scrutin/scrutin/internal/model"
)

// JSON columns are TEXT (SQLite, checked by json_valid) or JSONB
// (PostgreSQL, which gives back the same value but not the same bytes:
// keys sorted, whitespace removed).

// jsonArg is raw JSON as a query argument: NULL when empty, else text
// (SQLite would take []byte as a BLOB, which json_valid reads as JSONB).
func jsonArg(raw []byte) any {
	if len(raw) == 0 {
		return nil
	}
	return string(raw)
}

// checkJSON is EINVALID unless raw is empty (when optional) or valid JSON.
func checkJSON(what string, raw []byte, optional bool) error {
	if len(raw) == 0 && optional {
		return nil
	}
	if !json.Valid(raw) {
		return model.Errorf(model.EINVALID, "%s is not valid JSON", what)
	}
	return nil
}

// rawJSON scans a JSON column into *dst, a copy of the stored bytes (nil
// for NULL).
type rawJSON struct{ dst *json.RawMessage }

func (s rawJSON) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.dst = nil
	case string:
		*s.dst = json.RawMessage(v)
	case []byte:
		*s.dst = append(json.RawMessage(nil), v...)
	default:
		return fmt.Errorf("store: cannot scan %T as JSON", src)
	}
	return nil
}

// listJSON scans a JSON array (of strings, of ids) into *dst; NULL is
// an empty list.
type listJSON[T any] struct{ dst *[]T }

func (s listJSON[T]) Scan(src any) error {
	var raw json.RawMessage
	if err := (rawJSON{&raw}).Scan(src); err != nil {
		return err
	}
	*s.dst = []T{}
	if raw == nil {
		return nil
	}
	return json.Unmarshal(raw, s.dst)
}

// listArg is a list (of strings, of ids) as a JSON query argument; nil
// is an empty list.
func listArg[T string | int64](v []T) any {
	if v == nil {
		v = []T{}
	}
	b, _ := json.Marshal(v) // a []string or []int64 always marshals
	return string(b)
}

package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Times are stored in UTC: TIMESTAMPTZ on PostgreSQL, fixed-width text on
// SQLite.

// timePrecision is that of stored times (PostgreSQL's; SQLite's text
// could hold more, but both databases must give back the same times).
const timePrecision = time.Microsecond

// time returns the current time as stored: UTC, to the microsecond.
func (db *DB) time() time.Time { return db.now().UTC().Truncate(timePrecision) }

// timeLayout sorts like the times it writes (fixed width, always UTC),
// so SQLite can order and compare them as text.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// timeArg is t as a query argument.
func (db *DB) timeArg(t time.Time) any {
	t = t.UTC().Truncate(timePrecision)
	if db.dialect == SQLite {
		return t.Format(timeLayout)
	}
	return t
}

func (db *DB) timePtrArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return db.timeArg(*t)
}

// timeScan scans a stored time (TIMESTAMPTZ or SQLite text) into *t, or,
// with ptr set, into a *time.Time that is nil for NULL.
type timeScan struct {
	t   *time.Time
	ptr **time.Time
}

func scanTime(t *time.Time) sql.Scanner     { return &timeScan{t: t} }
func scanTimePtr(t **time.Time) sql.Scanner { return &timeScan{ptr: t} }

func (s *timeScan) Scan(src any) error {
	var t time.Time
	switch v := src.(type) {
	case nil:
		if s.ptr == nil {
			return errors.New("store: NULL time")
		}
		*s.ptr = nil
		return nil
	case time.Time:
		t = v
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("store: cannot scan %T as a time", src)
	}
	s.set(t.UTC())
	return nil
}

func (s *timeScan) parse(v string) error {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return fmt.Errorf("store: stored time %q: %w", v, err)
	}
	s.set(t.UTC())
	return nil
}

func (s *timeScan) set(t time.Time) {
	if s.ptr != nil {
		*s.ptr = &t
		return
	}
	*s.t = t
}

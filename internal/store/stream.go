package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/scrutin/scrutin/internal/model"
)

// EvidenceStream is an organisation's live evidence of one kind of log.
type EvidenceStream struct {
	OrgID     string          `json:"org"`
	Kind      string          `json:"kind"`
	Summary   json.RawMessage `json:"summary"`
	Chunks    int64           `json:"chunks"` // chunks that added lines
	UpdatedAt time.Time       `json:"updated_at"`
}

// Ranges are byte ranges [start, end), sorted and disjoint.
type Ranges [][2]int64

// Missing returns the parts of [start, end) that r does not cover.
func (r Ranges) Missing(start, end int64) Ranges {
	var out Ranges
	at := start
	for _, c := range r {
		if c[1] <= at || at >= end {
			continue
		}
		if c[0] >= end {
			break
		}
		if c[0] > at {
			out = append(out, [2]int64{at, c[0]})
		}
		at = max(at, c[1])
	}
	if at < end {
		out = append(out, [2]int64{at, end})
	}
	return out
}

// Add returns r with [start, end) covered, merging what touches.
func (r Ranges) Add(start, end int64) Ranges {
	out := make(Ranges, 0, len(r)+1)
	n := [2]int64{start, end}
	placed := false
	for _, c := range r {
		switch {
		case c[1] < n[0]:
			out = append(out, c)
		case c[0] > n[1]:
			if !placed {
				out = append(out, n)
				placed = true
			}
			out = append(out, c)
		default:
			n = [2]int64{min(n[0], c[0]), max(n[1], c[1])}
		}
	}
	if !placed {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
	return out
}

// ApplyEvidenceChunk counts a chunk [start, end) of source in the
// organisation's live evidence of kind, exactly once: in one transaction,
// merge gets the summary so far (nil for the first chunk) and the parts
// of the chunk not yet counted, and returns the new summary, which is
// stored with the chunk's range. It reports whether anything was new. An
// unknown organisation is ENOTFOUND.
func (db *DB) ApplyEvidenceChunk(ctx context.Context, orgID, kind, source string, start, end int64,
	merge func(old []byte, missing Ranges) ([]byte, error)) (bool, error) {
	if start < 0 || end <= start || kind == "" || source == "" {
		return false, model.Errorf(model.EINVALID, "a chunk of %q bytes %d to %d", source, start, end)
	}
	applied := false
	err := db.WithTx(ctx, func(tx *DB) error {
		applied = false
		now := tx.timeArg(tx.time())
		// The stream's row, made if new, is locked for the transaction.
		_, err := tx.exec(ctx, `INSERT INTO evidence_streams (org_id, kind, summary, updated_at) VALUES (?, ?, 'null', ?)
			ON CONFLICT (org_id, kind) DO NOTHING`, orgID, kind, now)
		if constraintKind(err) == "foreign" {
			return notFound("organisation")
		}
		if err != nil {
			return dbError(err, "evidence stream")
		}
		lock := ""
		if tx.dialect == Postgres {
			lock = " FOR UPDATE"
		}
		var old []byte
		var oldRaw json.RawMessage
		if err := tx.queryRow(ctx, `SELECT summary FROM evidence_streams WHERE org_id = ? AND kind = ?`+lock, orgID, kind).Scan(rawJSON{&oldRaw}); err != nil {
			return dbError(err, "evidence stream")
		}
		if string(oldRaw) != "null" {
			old = oldRaw
		}
		var covered Ranges
		var raw json.RawMessage
		err = tx.queryRow(ctx, `SELECT covered FROM evidence_stream_sources WHERE org_id = ? AND kind = ? AND source = ?`, orgID, kind, source).Scan(rawJSON{&raw})
		switch {
		case isNoRows(err):
		case err != nil:
			return dbError(err, "evidence source")
		default:
			if err := json.Unmarshal(raw, &covered); err != nil {
				return fmt.Errorf("store: covered ranges of %s: %w", source, err)
			}
		}
		missing := covered.Missing(start, end)
		if len(missing) == 0 {
			return nil
		}
		summary, err := merge(old, missing)
		if err != nil {
			return err
		}
		if err := checkJSON("evidence summary", summary, false); err != nil {
			return err
		}
		cov, _ := json.Marshal(covered.Add(start, end))
		if _, err := tx.exec(ctx, `UPDATE evidence_streams SET summary = ?, chunks = chunks + 1, updated_at = ? WHERE org_id = ? AND kind = ?`,
			string(summary), now, orgID, kind); err != nil {
			return dbError(err, "evidence stream")
		}
		if _, err := tx.exec(ctx, `INSERT INTO evidence_stream_sources (org_id, kind, source, covered) VALUES (?, ?, ?, ?)
			ON CONFLICT (org_id, kind, source) DO UPDATE SET covered = excluded.covered`, orgID, kind, source, string(cov)); err != nil {
			return dbError(err, "evidence source")
		}
		applied = true
		return nil
	})
	return applied, err
}

const streamColumns = `org_id, kind, summary, chunks, updated_at`

func scanStream(r rowScanner, s *EvidenceStream) error {
	return r.Scan(&s.OrgID, &s.Kind, rawJSON{&s.Summary}, &s.Chunks, scanTime(&s.UpdatedAt))
}

// EvidenceStreams lists the organisation's live evidence, by kind.
func (db *DB) EvidenceStreams(ctx context.Context, orgID string) ([]EvidenceStream, error) {
	return list(ctx, db, "evidence streams", scanStream, `SELECT `+streamColumns+` FROM evidence_streams
		WHERE org_id = ? AND summary <> 'null' ORDER BY kind`, orgID)
}

// EvidenceStreamOf is the organisation's live evidence of kind.
func (db *DB) EvidenceStreamOf(ctx context.Context, orgID, kind string) (*EvidenceStream, error) {
	var s EvidenceStream
	if err := scanStream(db.queryRow(ctx, `SELECT `+streamColumns+` FROM evidence_streams WHERE org_id = ? AND kind = ?`, orgID, kind), &s); err != nil {
		return nil, dbError(err, "evidence stream")
	}
	if string(s.Summary) == "null" {
		return nil, notFound("evidence stream")
	}
	return &s, nil
}

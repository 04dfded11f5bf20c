package store

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// The claim is fair between organisations: the next job goes to the
// organisation with the fewest jobs running (runs and plans together),
// then to the one served least recently (whose last claim is oldest, or
// that was never served), then to the one whose oldest queued job is
// oldest; within the organisation, to its oldest queued job. So one
// organisation's long queue holds another's job for at most the time of
// one job: as soon as a worker is free, the organisation that has
// nothing running comes first; and organisations that queue all the
// time take turns.

// orgTurn is an organisation with queued jobs, as the claim ranks it.
type orgTurn struct {
	org     string
	running int64
	served  *time.Time // the last time a job of the organisation was claimed; nil: never (or none left to say)
	oldest  *time.Time // the creation of its oldest queued job
	// tables holds the tables it has queued jobs in, oldest job first.
	tables []jobTable
}

// fairTurns lists the organisations that have queued jobs in tables, in
// the order of their turns.
func (db *DB) fairTurns(ctx context.Context, tables []jobTable) ([]orgTurn, error) {
	// The organisations with queued jobs, found by skipping from one to
	// the next in the index of queued jobs (one lookup per organisation,
	// not one row per job: the queue may be long).
	with := make([]string, len(tables))
	queued := make([]string, len(tables))
	for i, t := range tables {
		with[i] = `q` + t.name + `(org_id) AS (
			SELECT MIN(org_id) FROM ` + t.name + ` WHERE status = 'queued'
			UNION ALL
			SELECT (SELECT MIN(j.org_id) FROM ` + t.name + ` j WHERE j.status = 'queued' AND j.org_id > p.org_id)
			FROM q` + t.name + ` p WHERE p.org_id IS NOT NULL)`
		queued[i] = `SELECT org_id FROM q` + t.name + ` WHERE org_id IS NOT NULL`
	}
	// Running jobs and the last claim count in both tables, whichever
	// the claim is for. The subqueries use the indexes of migration 4.
	q := `WITH RECURSIVE ` + strings.Join(with, `, `) + `
		SELECT q.org_id,
		(SELECT COUNT(*) FROM runs x WHERE x.org_id = q.org_id AND x.status = 'running'),
		(SELECT COUNT(*) FROM plans x WHERE x.org_id = q.org_id AND x.status = 'running'),
		(SELECT MAX(started_at) FROM runs x WHERE x.org_id = q.org_id),
		(SELECT MAX(started_at) FROM plans x WHERE x.org_id = q.org_id),
		(SELECT created_at FROM runs x WHERE x.org_id = q.org_id AND x.status = 'queued' ORDER BY id LIMIT 1),
		(SELECT created_at FROM plans x WHERE x.org_id = q.org_id AND x.status = 'queued' ORDER BY id LIMIT 1)
		FROM (` + strings.Join(queued, ` UNION `) + `) q`
	type row struct {
		org                   string
		runs, plans           int64
		servedRun, servedPlan *time.Time
		oldestRun, oldestPlan *time.Time
	}
	rows, err := list(ctx, db, "queue", func(r rowScanner, v *row) error {
		return r.Scan(&v.org, &v.runs, &v.plans, scanTimePtr(&v.servedRun), scanTimePtr(&v.servedPlan),
			scanTimePtr(&v.oldestRun), scanTimePtr(&v.oldestPlan))
	}, q)
	if err != nil {
		return nil, err
	}
	turns := make([]orgTurn, 0, len(rows))
	for _, r := range rows {
		turn := orgTurn{org: r.org, running: r.runs + r.plans, served: latest(r.servedRun, r.servedPlan)}
		oldest := map[string]*time.Time{runJobs.name: r.oldestRun, planJobs.name: r.oldestPlan}
		for _, t := range tables {
			if oldest[t.name] != nil {
				turn.tables = append(turn.tables, t)
			}
		}
		slices.SortStableFunc(turn.tables, func(a, b jobTable) int { return compareTimes(oldest[a.name], oldest[b.name]) })
		if len(turn.tables) == 0 {
			continue // its jobs were claimed between the two parts of the query
		}
		turn.oldest = oldest[turn.tables[0].name]
		turns = append(turns, turn)
	}
	slices.SortFunc(turns, func(a, b orgTurn) int {
		if c := cmp.Compare(a.running, b.running); c != 0 {
			return c
		}
		if c := compareTimes(a.served, b.served); c != 0 {
			return c
		}
		if c := compareTimes(a.oldest, b.oldest); c != 0 {
			return c
		}
		return strings.Compare(a.org, b.org)
	})
	return turns, nil
}

// latest is the later of two times, either of which may be nil.
func latest(a, b *time.Time) *time.Time {
	if compareTimes(a, b) < 0 {
		return b
	}
	return a
}

// compareTimes orders times with nil (never) first.
func compareTimes(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Compare(*b)
}

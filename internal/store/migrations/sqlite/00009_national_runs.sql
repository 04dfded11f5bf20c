-- +goose Up
-- Joint national risk (DESIGN.md section 14). An organisation that shares
-- with an agency may opt in to its national runs with one of its models
-- (joint_model_id; NULL: not in them): a national run simulates the latest
-- succeeded run of that model together with the other organisations'.
-- The agency sees portfolio-level figures only. The model is checked to be
-- the organisation's when the share is updated; a model deleted since is
-- left out of the next national run.
ALTER TABLE shares ADD COLUMN joint_model_id INTEGER;

-- National runs are jobs of the agency, as runs and plans are of their
-- organisation (job.go): members is the list, fixed when the run is
-- queued, of the organisations' runs it composes ([{org, model_id, run_id,
-- revision}]), so that it can be reproduced.
CREATE TABLE national_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    trials      INTEGER NOT NULL CHECK (trials > 0),
    seed        INTEGER NOT NULL, -- the uint64 seed's bits, as a signed 64-bit integer
    members     TEXT NOT NULL CHECK (json_valid(members)),
    status      TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    error       TEXT NOT NULL DEFAULT '',
    progress    REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
    result      TEXT CHECK (result IS NULL OR json_valid(result)),
    created_by  INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at  TEXT NOT NULL,
    started_at  TEXT,
    finished_at TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until TEXT
);
CREATE INDEX national_runs_org ON national_runs (org_id, id);
CREATE INDEX national_runs_queued ON national_runs (id) WHERE status = 'queued';

-- +goose Down
DROP TABLE national_runs;
ALTER TABLE shares DROP COLUMN joint_model_id;

-- +goose Up
-- Joint national risk: see the SQLite migration of the same number.
ALTER TABLE shares ADD COLUMN joint_model_id BIGINT;

CREATE TABLE national_runs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    trials      BIGINT NOT NULL CHECK (trials > 0),
    seed        BIGINT NOT NULL, -- the uint64 seed's bits, as a signed 64-bit integer
    members     JSONB NOT NULL,
    status      TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    error       TEXT NOT NULL DEFAULT '',
    progress    DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
    result      JSONB,
    created_by  BIGINT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at  TIMESTAMPTZ NOT NULL,
    started_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until TIMESTAMPTZ
);
CREATE INDEX national_runs_org ON national_runs (org_id, id);
CREATE INDEX national_runs_queued ON national_runs (id) WHERE status = 'queued';

-- +goose Down
DROP TABLE national_runs;
ALTER TABLE shares DROP COLUMN joint_model_id;

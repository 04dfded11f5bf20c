-- The initial schema (PostgreSQL): the SQLite file's tables and
-- constraints in PostgreSQL's types (identity ids, TIMESTAMPTZ, JSONB,
-- BOOLEAN, BYTEA). There is no down migration: the audit log is kept for
-- ever.

-- +goose Up
CREATE TABLE orgs (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL CHECK (name <> ''),
    kind       TEXT NOT NULL CHECK (kind IN ('agency', 'party', 'campaign', 'ministry', 'election-authority', 'operator')),
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT NOT NULL CHECK (email <> ''),
    name          TEXT NOT NULL DEFAULT '',
    admin         BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash TEXT NOT NULL DEFAULT '',
    language      TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE members (
    org_id  TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'owner')),
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX members_user ON members (user_id);

CREATE TABLE tokens (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('api', 'session')),
    name       TEXT NOT NULL DEFAULT '',
    hash       BYTEA NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    last_used  TIMESTAMPTZ
);
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE models (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name       TEXT NOT NULL CHECK (name <> ''),
    revision   INTEGER NOT NULL CHECK (revision >= 1),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, name),
    UNIQUE (org_id, id) -- the target of runs' and plans' (org_id, model_id)
);

CREATE TABLE revisions (
    model_id   BIGINT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    revision   INTEGER NOT NULL CHECK (revision >= 1),
    yaml       TEXT NOT NULL,
    message    TEXT NOT NULL DEFAULT '',
    author_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (model_id, revision)
);

-- A run's model belongs to the run's organisation: (org_id, model_id)
-- references models (org_id, id), so no row can tie one organisation's run
-- to another's model.
CREATE TABLE runs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    model_id    BIGINT NOT NULL,
    revision    INTEGER NOT NULL,
    trials      BIGINT NOT NULL CHECK (trials > 0),
    seed        BIGINT NOT NULL, -- the uint64 seed's bits, as a signed 64-bit integer
    controls    JSONB NOT NULL DEFAULT '[]',
    status      TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    error       TEXT NOT NULL DEFAULT '',
    progress    DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
    result      JSONB,
    created_by  BIGINT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at  TIMESTAMPTZ NOT NULL,
    started_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    FOREIGN KEY (org_id, model_id) REFERENCES models (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (model_id, revision) REFERENCES revisions (model_id, revision) ON DELETE CASCADE
);
CREATE INDEX runs_org ON runs (org_id, id);
CREATE INDEX runs_model ON runs (org_id, model_id, id);
CREATE INDEX runs_model_revision ON runs (model_id, revision);
CREATE INDEX runs_queued ON runs (id) WHERE status = 'queued';
CREATE INDEX runs_created_by ON runs (created_by);

CREATE TABLE evidence (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name       TEXT NOT NULL CHECK (name <> ''),
    kind       TEXT NOT NULL CHECK (kind IN ('telemetry', 'phishing')),
    summary    JSONB NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX evidence_org ON evidence (org_id, id);

CREATE TABLE plans (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    model_id    BIGINT NOT NULL,
    revision    INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    error       TEXT NOT NULL DEFAULT '',
    request     JSONB NOT NULL,
    result      JSONB,
    created_by  BIGINT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at  TIMESTAMPTZ NOT NULL,
    started_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    FOREIGN KEY (org_id, model_id) REFERENCES models (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (model_id, revision) REFERENCES revisions (model_id, revision) ON DELETE CASCADE
);
CREATE INDEX plans_org ON plans (org_id, id);
CREATE INDEX plans_model ON plans (org_id, model_id);
CREATE INDEX plans_model_revision ON plans (model_id, revision);
CREATE INDEX plans_queued ON plans (id) WHERE status = 'queued';

CREATE TABLE shares (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    agency_id  TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    created_by BIGINT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, agency_id),
    CHECK (org_id <> agency_id)
);
CREATE INDEX shares_agency ON shares (agency_id);

-- The audit log refers to nothing by foreign key: it outlives the users
-- and organisations it names (org_id '' for site-wide entries).
CREATE TABLE audit (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    org_id  TEXT NOT NULL DEFAULT '',
    user_id BIGINT,
    email   TEXT NOT NULL DEFAULT '',
    action  TEXT NOT NULL CHECK (action <> ''),
    target  TEXT NOT NULL DEFAULT '',
    details JSONB,
    remote  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_org ON audit (org_id, id);

-- +goose StatementBegin
CREATE FUNCTION audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

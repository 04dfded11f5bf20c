-- The initial schema (SQLite). Times are TEXT in UTC, fixed width
-- ("2006-01-02T15:04:05.000000Z"), so they sort and compare as text; JSON
-- is TEXT checked by json_valid; booleans are 0 or 1. Ids use
-- AUTOINCREMENT so that an id is never reused after a delete (keyset
-- paging and audit targets rely on it). There is no down migration: the
-- audit log is kept for ever.

-- +goose Up
CREATE TABLE orgs (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL CHECK (name <> ''),
    kind       TEXT NOT NULL CHECK (kind IN ('agency', 'party', 'campaign', 'ministry', 'election-authority', 'operator')),
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL CHECK (email <> ''),
    name          TEXT NOT NULL DEFAULT '',
    admin         INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
    password_hash TEXT NOT NULL DEFAULT '',
    language      TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE members (
    org_id  TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'owner')),
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX members_user ON members (user_id);

CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('api', 'session')),
    name       TEXT NOT NULL DEFAULT '',
    hash       BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used  TEXT
);
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE models (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name       TEXT NOT NULL CHECK (name <> ''),
    revision   INTEGER NOT NULL CHECK (revision >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, name),
    UNIQUE (org_id, id) -- the target of runs' and plans' (org_id, model_id)
);

CREATE TABLE revisions (
    model_id   INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    revision   INTEGER NOT NULL CHECK (revision >= 1),
    yaml       TEXT NOT NULL,
    message    TEXT NOT NULL DEFAULT '',
    author_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (model_id, revision)
);

-- A run's model belongs to the run's organisation: (org_id, model_id)
-- references models (org_id, id), so no row can tie one organisation's run
-- to another's model.
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    model_id    INTEGER NOT NULL,
    revision    INTEGER NOT NULL,
    trials      INTEGER NOT NULL CHECK (trials > 0),
    seed        INTEGER NOT NULL, -- the uint64 seed's bits, as a signed 64-bit integer
    controls    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(controls)),
    status      TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    error       TEXT NOT NULL DEFAULT '',
    progress    REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
    result      TEXT CHECK (result IS NULL OR json_valid(result)),
    created_by  INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at  TEXT NOT NULL,
    started_at  TEXT,
    finished_at TEXT,
    FOREIGN KEY (org_id, model_id) REFERENCES models (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (model_id, revision) REFERENCES revisions (model_id, revision) ON DELETE CASCADE
);
CREATE INDEX runs_org ON runs (org_id, id);
CREATE INDEX runs_model ON runs (org_id, model_id, id);
CREATE INDEX runs_model_revision ON runs (model_id, revision);
CREATE INDEX runs_queued ON runs (id) WHERE status = 'queued';
CREATE INDEX runs_created_by ON runs (created_by);

CREATE TABLE evidence (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name       TEXT NOT NULL CHECK (name <> ''),
    kind       TEXT NOT NULL CHECK (kind IN ('telemetry', 'phishing')),
    summary    TEXT NOT NULL CHECK (json_valid(summary)),
    created_by INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at TEXT NOT NULL
);
CREATE INDEX evidence_org ON evidence (org_id, id);

CREATE TABLE plans (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    model_id    INTEGER NOT NULL,
    revision    INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    error       TEXT NOT NULL DEFAULT '',
    request     TEXT NOT NULL CHECK (json_valid(request)),
    result      TEXT CHECK (result IS NULL OR json_valid(result)),
    created_by  INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at  TEXT NOT NULL,
    started_at  TEXT,
    finished_at TEXT,
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
    created_by INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (org_id, agency_id),
    CHECK (org_id <> agency_id)
);
CREATE INDEX shares_agency ON shares (agency_id);

-- The audit log refers to nothing by foreign key: it outlives the users
-- and organisations it names (org_id '' for site-wide entries).
CREATE TABLE audit (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    org_id  TEXT NOT NULL DEFAULT '',
    user_id INTEGER,
    email   TEXT NOT NULL DEFAULT '',
    action  TEXT NOT NULL CHECK (action <> ''),
    target  TEXT NOT NULL DEFAULT '',
    details TEXT CHECK (details IS NULL OR json_valid(details)),
    remote  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_org ON audit (org_id, id);

-- +goose StatementBegin
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
-- +goose StatementEnd

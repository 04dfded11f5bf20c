-- +goose Up
-- Live evidence: see the SQLite migration of the same number.
CREATE TABLE evidence_streams (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind <> ''),
    summary    JSONB NOT NULL,
    chunks     BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, kind)
);
CREATE TABLE evidence_stream_sources (
    org_id  TEXT NOT NULL,
    kind    TEXT NOT NULL,
    source  TEXT NOT NULL CHECK (source <> ''),
    covered JSONB NOT NULL,
    PRIMARY KEY (org_id, kind, source),
    FOREIGN KEY (org_id, kind) REFERENCES evidence_streams (org_id, kind) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE evidence_stream_sources;
DROP TABLE evidence_streams;

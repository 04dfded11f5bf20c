-- +goose Up
-- Live evidence (DESIGN.md section 14): telemetry that sensors publish to
-- NATS JetStream (scrutin ingest --follow --publish) and workers count
-- (scrutin worker --db). One summary per organisation and kind of log,
-- updated chunk by chunk; for each source (a log file, by host, device,
-- inode and first line) the byte ranges already counted, so that a chunk
-- delivered twice, or published again after a sensor restarts, is counted
-- once.
CREATE TABLE evidence_streams (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind <> ''),
    summary    TEXT NOT NULL CHECK (json_valid(summary)),
    chunks     INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (org_id, kind)
);
CREATE TABLE evidence_stream_sources (
    org_id  TEXT NOT NULL,
    kind    TEXT NOT NULL,
    source  TEXT NOT NULL CHECK (source <> ''),
    covered TEXT NOT NULL CHECK (json_valid(covered)), -- [[start, end], …], sorted, disjoint
    PRIMARY KEY (org_id, kind, source),
    FOREIGN KEY (org_id, kind) REFERENCES evidence_streams (org_id, kind) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE evidence_stream_sources;
DROP TABLE evidence_streams;

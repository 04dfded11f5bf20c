-- +goose Up
-- Jobs (runs and plans) are leased to the server running them: lease_owner
-- names that server (host, process and a random part, unique per start),
-- lease_until is when the lease ends unless the server renews it (times as
-- in 00001: TIMESTAMPTZ). A job whose lease has ended was left by
-- a server that stopped: it is queued again, or failed once it has been
-- claimed attempts times (see internal/store/job.go). Jobs claimed before
-- this migration count one attempt.
ALTER TABLE runs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0);
ALTER TABLE runs ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN lease_until TIMESTAMPTZ;
ALTER TABLE plans ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0);
ALTER TABLE plans ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE plans ADD COLUMN lease_until TIMESTAMPTZ;
UPDATE runs SET attempts = 1 WHERE started_at IS NOT NULL;
UPDATE plans SET attempts = 1 WHERE started_at IS NOT NULL;

-- The fair claim (job.go) looks, per organisation, at its queued jobs, the
-- number it has running and when it was last served.
CREATE INDEX runs_org_queued ON runs (org_id, id) WHERE status = 'queued';
CREATE INDEX runs_org_running ON runs (org_id) WHERE status = 'running';
CREATE INDEX runs_org_started ON runs (org_id, started_at);
CREATE INDEX plans_org_queued ON plans (org_id, id) WHERE status = 'queued';
CREATE INDEX plans_org_running ON plans (org_id) WHERE status = 'running';
CREATE INDEX plans_org_started ON plans (org_id, started_at);
-- They replace the queue's index of the first claim (oldest job first).
DROP INDEX runs_queued;
DROP INDEX plans_queued;

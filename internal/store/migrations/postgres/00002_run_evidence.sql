-- +goose Up
-- The evidence files (ids of the organisation's evidence) a run calibrates with.
ALTER TABLE runs ADD COLUMN evidence JSONB NOT NULL DEFAULT '[]';

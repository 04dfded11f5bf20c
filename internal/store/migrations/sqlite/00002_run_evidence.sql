-- +goose Up
-- The evidence files (ids of the organisation's evidence) a run calibrates with.
ALTER TABLE runs ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(evidence));

-- +goose Up
-- A user may be disabled (by the administrator, or an owner of every
-- organisation the user belongs to): disabled_at says since when; such a
-- user cannot sign in, and their tokens and sessions are deleted.
ALTER TABLE users ADD COLUMN disabled_at TEXT;
-- API tokens expire by default from now on: those made before, which
-- never expired, expire 30 days after the upgrade (times in the store's
-- fixed-width UTC layout).
UPDATE tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', '+30 days') || '.000000Z'
WHERE kind = 'api' AND expires_at IS NULL;

-- +goose Up
-- A user may be disabled (by the administrator, or an owner of every
-- organisation the user belongs to): disabled_at says since when; such a
-- user cannot sign in, and their tokens and sessions are deleted.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMPTZ;
-- API tokens expire by default from now on: those made before, which
-- never expired, expire 30 days after the upgrade.
UPDATE tokens SET expires_at = date_trunc('second', now()) + interval '30 days'
WHERE kind = 'api' AND expires_at IS NULL;

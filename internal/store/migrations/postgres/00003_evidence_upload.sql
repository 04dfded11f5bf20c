-- +goose Up
-- What was uploaded to make the evidence: the format read (sshd, gophish, …),
-- the file's name, its size in bytes, and the counts its summary holds
-- (lines, events, malformed lines; or campaigns and e-mails sent), so that
-- lists need not read the summaries.
ALTER TABLE evidence ADD COLUMN format TEXT NOT NULL DEFAULT '';
ALTER TABLE evidence ADD COLUMN file_name TEXT NOT NULL DEFAULT '';
ALTER TABLE evidence ADD COLUMN bytes BIGINT NOT NULL DEFAULT 0 CHECK (bytes >= 0);
ALTER TABLE evidence ADD COLUMN counts JSONB NOT NULL DEFAULT '{}';

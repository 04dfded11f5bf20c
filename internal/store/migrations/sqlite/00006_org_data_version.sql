-- +goose Up
-- An organisation's data version: a number that changes, in the same
-- transaction, with every change of the organisation's models and runs
-- (rows added, changed or deleted, whoever makes them), so that a server
-- can tell that a page it rendered from them still holds by reading this
-- number alone (internal/web/ui_memo.go).
ALTER TABLE orgs ADD COLUMN data_version INTEGER NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE TRIGGER models_insert_version AFTER INSERT ON models
BEGIN
    UPDATE orgs SET data_version = data_version + 1 WHERE id = NEW.org_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER models_update_version AFTER UPDATE ON models
BEGIN
    UPDATE orgs SET data_version = data_version + 1 WHERE id IN (OLD.org_id, NEW.org_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER models_delete_version AFTER DELETE ON models
BEGIN
    UPDATE orgs SET data_version = data_version + 1 WHERE id = OLD.org_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER runs_insert_version AFTER INSERT ON runs
BEGIN
    UPDATE orgs SET data_version = data_version + 1 WHERE id = NEW.org_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER runs_update_version AFTER UPDATE ON runs
BEGIN
    UPDATE orgs SET data_version = data_version + 1 WHERE id IN (OLD.org_id, NEW.org_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER runs_delete_version AFTER DELETE ON runs
BEGIN
    UPDATE orgs SET data_version = data_version + 1 WHERE id = OLD.org_id;
END;
-- +goose StatementEnd

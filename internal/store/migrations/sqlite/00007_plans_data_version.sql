-- +goose Up
-- Plans change an organisation's data version too (see 00006): the
-- dashboard's headline quotes the plan stored for the run it shows, so a
-- page rendered before a plan ended no longer holds after.

-- +goose StatementBegin
CREATE TRIGGER plans_insert_version AFTER INSERT ON plans
BEGIN
    UPDATE orgs SET data_version = data_version + 1 WHERE id = NEW.org_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER plans_update_version AFTER UPDATE ON plans
BEGIN
    UPDATE orgs SET data_version = data_version + 1 WHERE id IN (OLD.org_id, NEW.org_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER plans_delete_version AFTER DELETE ON plans
BEGIN
    UPDATE orgs SET data_version = data_version + 1 WHERE id = OLD.org_id;
END;
-- +goose StatementEnd

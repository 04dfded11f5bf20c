-- +goose Up
-- An organisation's data version: a number that changes, in the same
-- transaction, with every change of the organisation's models and runs
-- (rows added, changed or deleted, whoever makes them), so that a server
-- can tell that a page it rendered from them still holds by reading this
-- number alone (internal/web/ui_memo.go).
ALTER TABLE orgs ADD COLUMN data_version BIGINT NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE FUNCTION org_data_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE orgs SET data_version = data_version + 1 WHERE id = OLD.org_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.org_id IS DISTINCT FROM OLD.org_id) THEN
        UPDATE orgs SET data_version = data_version + 1 WHERE id = NEW.org_id;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER models_data_version AFTER INSERT OR UPDATE OR DELETE ON models
    FOR EACH ROW EXECUTE FUNCTION org_data_changed();
CREATE TRIGGER runs_data_version AFTER INSERT OR UPDATE OR DELETE ON runs
    FOR EACH ROW EXECUTE FUNCTION org_data_changed();

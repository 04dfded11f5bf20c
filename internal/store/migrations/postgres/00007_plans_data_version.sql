-- +goose Up
-- Plans change an organisation's data version too (see 00006): the
-- dashboard's headline quotes the plan stored for the run it shows, so a
-- page rendered before a plan ended no longer holds after.
CREATE TRIGGER plans_data_version AFTER INSERT OR UPDATE OR DELETE ON plans
    FOR EACH ROW EXECUTE FUNCTION org_data_changed();

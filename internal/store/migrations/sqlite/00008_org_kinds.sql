-- +goose Up
-- +goose NO TRANSACTION
-- Organisation kinds of the local level (communes, prefectures), suppliers
-- of election technology and the press (model.OrganizationKinds).
--
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt
-- as its documentation says (https://www.sqlite.org/lang_altertable.html,
-- "Making Other Kinds Of Table Schema Changes"). Foreign keys must be off,
-- or dropping the old orgs would cascade to every row that references it,
-- and they can only be switched off outside a transaction: hence one
-- statement group, run on one connection, that opens and commits its own
-- transaction. legacy_alter_table keeps the rename from re-checking the
-- triggers of migration 6 against a schema without orgs. Open closes the
-- database when a migration fails, so a connection left with foreign keys
-- off by a failure here is never used again.
-- +goose StatementBegin
PRAGMA foreign_keys = OFF;
PRAGMA legacy_alter_table = ON;
BEGIN IMMEDIATE;
CREATE TABLE orgs_new (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL CHECK (name <> ''),
    kind         TEXT NOT NULL CHECK (kind IN ('agency', 'party', 'campaign', 'ministry', 'election-authority', 'operator', 'municipality', 'prefecture', 'vendor', 'media')),
    created_at   TEXT NOT NULL,
    data_version INTEGER NOT NULL DEFAULT 0
);
INSERT INTO orgs_new (id, name, kind, created_at, data_version)
SELECT id, name, kind, created_at, data_version FROM orgs;
DROP TABLE orgs;
ALTER TABLE orgs_new RENAME TO orgs;
COMMIT;
PRAGMA legacy_alter_table = OFF;
PRAGMA foreign_keys = ON;
-- +goose StatementEnd

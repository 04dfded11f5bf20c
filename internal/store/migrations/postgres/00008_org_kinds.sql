-- +goose Up
-- Organisation kinds of the local level (communes, prefectures), suppliers
-- of election technology and the press (model.OrganizationKinds).
ALTER TABLE orgs DROP CONSTRAINT orgs_kind_check;
ALTER TABLE orgs ADD CONSTRAINT orgs_kind_check CHECK (kind IN ('agency', 'party', 'campaign', 'ministry', 'election-authority', 'operator', 'municipality', 'prefecture', 'vendor', 'media'));

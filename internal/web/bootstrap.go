package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"github.com/alexedwards/argon2id"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// DefaultAdminEmail is the site administrator's email on a first start.
const DefaultAdminEmail = "admin@localhost"

// DemoOrg is the id of the demonstration organisation of a first start.
const DemoOrg = "demo"

// BootstrapOptions say what a first start creates.
type BootstrapOptions struct {
	// AdminEmail defaults to DefaultAdminEmail.
	AdminEmail string
	// AdminPassword is the administrator's password; when empty, one is
	// generated and returned (once).
	AdminPassword string
	// DemoModel, when set, is the model (YAML) of a demonstration
	// organisation (DemoOrg, a campaign) owned by the administrator.
	DemoModel []byte
	// Password sets the argon2id parameters (default DefaultPasswordParams).
	Password *argon2id.Params
}

// BootstrapResult says what Bootstrap did.
type BootstrapResult struct {
	// FirstStart is true when the database had no user: the
	// administrator (AdminEmail) was created, and the demonstration
	// organisation if asked for.
	FirstStart bool
	AdminEmail string
	// GeneratedPassword is the administrator's password when it was
	// generated: show it to the operator, once; it is stored only hashed.
	GeneratedPassword string
	Demo              bool
}

// Bootstrap prepares a database with no user: it creates the site
// administrator and, with opt.DemoModel, the demonstration organisation
// with that model, in one transaction, recorded in the audit log. On a
// database that has users it does nothing.
func Bootstrap(ctx context.Context, db *store.DB, opt BootstrapOptions) (*BootstrapResult, error) {
	if opt.AdminEmail == "" {
		opt.AdminEmail = DefaultAdminEmail
	}
	if opt.Password == nil {
		opt.Password = DefaultPasswordParams()
	}
	res := &BootstrapResult{AdminEmail: opt.AdminEmail}
	users, err := db.Users(ctx, store.Page{Limit: 1})
	if err != nil || len(users) > 0 {
		return res, err
	}
	password := opt.AdminPassword
	if password == "" {
		var b [18]byte
		rand.Read(b[:])
		password = base64.RawURLEncoding.EncodeToString(b[:])
		res.GeneratedPassword = password
	}
	pw, err := newPasswords(opt.Password)
	if err != nil {
		return nil, err
	}
	hash, err := pw.hash(ctx, password)
	if err != nil {
		return nil, fmt.Errorf("the administrator's password (SCRUTIN_ADMIN_PASSWORD): %w", err)
	}
	var demo *model.Model
	if opt.DemoModel != nil {
		if demo, err = model.Decode("demo model", opt.DemoModel); err != nil {
			return nil, err
		}
	}
	admin := &store.User{Email: opt.AdminEmail, Name: "Site administrator", Admin: true, PasswordHash: hash}
	err = db.WithTx(ctx, func(tx *store.DB) error {
		if err := tx.CreateUser(ctx, admin); err != nil {
			return err
		}
		// The entries of a first start are the administrator's, from the
		// server itself (no remote address).
		ctx := context.WithValue(ctx, infoKey{}, &requestInfo{log: discard, user: admin})
		if err := record(ctx, tx, "", "site.bootstrap", target("user", admin.ID), map[string]any{"admin": admin.Email}); err != nil {
			return err
		}
		if demo == nil {
			return nil
		}
		o := &store.Org{ID: DemoOrg, Name: "Demo campaign", Kind: model.KindCampaign}
		if err := tx.CreateOrg(ctx, o); err != nil {
			return err
		}
		if err := record(ctx, tx, "", "org.create", "org/"+o.ID, map[string]any{"name": o.Name, "kind": o.Kind}); err != nil {
			return err
		}
		if err := tx.SetMember(ctx, o.ID, admin.ID, store.RoleOwner); err != nil {
			return err
		}
		if err := record(ctx, tx, o.ID, "member.set", target("user", admin.ID), map[string]any{"email": admin.Email, "role": store.RoleOwner}); err != nil {
			return err
		}
		rev := &store.Revision{YAML: string(opt.DemoModel), Message: "the built-in example model", AuthorID: admin.ID}
		m, err := tx.CreateModel(ctx, o.ID, demo.Name, rev)
		if err != nil {
			return err
		}
		return record(ctx, tx, o.ID, "model.create", target("model", m.ID), map[string]any{"name": m.Name, "revision": m.Revision, "message": rev.Message})
	})
	if model.ErrorCode(err) == model.ECONFLICT {
		// Another server sharing the database started first.
		return &BootstrapResult{AdminEmail: opt.AdminEmail}, nil
	}
	if err != nil {
		return nil, err
	}
	res.FirstStart, res.Demo = true, demo != nil
	return res, nil
}

package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"

	"github.com/alexedwards/argon2id"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
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
	// Lang is the language of the first start: the demonstration
	// organisation's own texts (its name, its model's revision message)
	// are written in it. Default English.
	Lang i18n.Lang
	// DemoJobs queues, with the demonstration organisation, a run of its
	// model (the controls it has in force, its trials and seed) and a plan
	// on the same simulated years (the plan form's default budget: half
	// the proposed controls' annual cost), as real jobs that the server's
	// workers execute: the first dashboard answers at once.
	DemoJobs bool
	// DemoTrials, when positive, replaces the model's trials in those jobs
	// (tests: fewer simulated years).
	DemoTrials int64
}

// demoTexts are the texts a first start writes (the demonstration
// organisation's name, its model's revision message, the administrator's
// name), by the language of the first start: data written once, not the pages' words
// (a French page shows the name an English first start gave it).
var demoTexts = map[i18n.Lang]struct{ org, revision, admin string }{
	i18n.English: {"Demo campaign", "the built-in example model", "Site administrator"},
	i18n.French:  {"Campagne de démonstration", "le modèle d'exemple intégré", "Administrateur du site"},
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
	// DemoRun and DemoPlan are the jobs queued with DemoJobs (0 without).
	DemoRun, DemoPlan int64
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
	if _, ok := demoTexts[opt.Lang]; !ok {
		opt.Lang = i18n.English
	}
	admin := &store.User{Email: opt.AdminEmail, Name: demoTexts[opt.Lang].admin, Admin: true, PasswordHash: hash}
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
		o := &store.Org{ID: DemoOrg, Name: demoTexts[opt.Lang].org, Kind: model.KindCampaign}
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
		rev := &store.Revision{YAML: string(opt.DemoModel), Message: demoTexts[opt.Lang].revision, AuthorID: admin.ID}
		m, err := tx.CreateModel(ctx, o.ID, demo.Name, rev)
		if err != nil {
			return err
		}
		if err := record(ctx, tx, o.ID, "model.create", target("model", m.ID), map[string]any{"name": m.Name, "revision": m.Revision, "message": rev.Message}); err != nil {
			return err
		}
		if !opt.DemoJobs {
			return nil
		}
		res.DemoRun, res.DemoPlan, err = queueDemoJobs(ctx, tx, admin, m, demo, opt.DemoTrials)
		return err
	})
	if model.ErrorCode(err) == model.ECONFLICT {
		// Another server sharing the database started first; nothing of
		// this transaction was kept.
		return &BootstrapResult{AdminEmail: opt.AdminEmail}, nil
	}
	if err != nil {
		return nil, err
	}
	res.FirstStart, res.Demo = true, demo != nil
	return res, nil
}

// queueDemoJobs queues, in tx, a run of the demonstration model m (stored
// as sm) and a plan on the same simulated years, as queueRun and queuePlan
// would for the administrator, recorded in the audit log. trials > 0
// replaces the model's.
func queueDemoJobs(ctx context.Context, tx *store.DB, admin *store.User, sm *store.Model, m *model.Model, trials int64) (run, pl int64, err error) {
	inForce, err := m.InForce(nil, nil)
	if err != nil {
		return 0, 0, err
	}
	var want *int64
	if trials > 0 {
		want = &trials
	}
	t, seed, err := trialsAndSeed(m, want, nil, math.MaxInt64)
	if err != nil {
		return 0, 0, err
	}
	r := &store.Run{OrgID: sm.OrgID, ModelID: sm.ID, Revision: sm.Revision, Trials: t, Seed: seed, Controls: inForce, CreatedBy: admin.ID}
	if err := tx.CreateRun(ctx, r); err != nil {
		return 0, 0, err
	}
	if err := record(ctx, tx, sm.OrgID, "run.create", target("run", r.ID), map[string]any{"model": sm.ID,
		"revision": r.Revision, "trials": t, "seed": seed, "controls": inForce, "evidence": []int64(nil)}); err != nil {
		return 0, 0, err
	}
	spec := planSpec{Budget: defaultPlanBudget(m), Objective: plan.ObjectiveMean, Horizon: plan.DefaultHorizon, Trials: t, Seed: seed, Evidence: []int64{}}
	request, err := json.Marshal(spec)
	if err != nil {
		return 0, 0, err
	}
	p := &store.Plan{OrgID: sm.OrgID, ModelID: sm.ID, Revision: sm.Revision, Request: request, CreatedBy: admin.ID}
	if err := tx.CreatePlan(ctx, p); err != nil {
		return 0, 0, err
	}
	if err := record(ctx, tx, sm.OrgID, "plan.create", target("plan", p.ID), map[string]any{"model": sm.ID, "revision": p.Revision, "request": spec}); err != nil {
		return 0, 0, err
	}
	return r.ID, p.ID, nil
}

// defaultPlanBudget is the budget the plan form proposes for model m:
// half the annual cost of its proposed controls (one-off costs spread
// over the default horizon), in whole units.
func defaultPlanBudget(m *model.Model) float64 {
	var total float64
	for _, c := range m.Controls {
		if c.Status == model.StatusProposed {
			total += m.ControlCost(&c).Annualised(plan.DefaultHorizon)
		}
	}
	return math.Round(total / 2)
}

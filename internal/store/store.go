// Package store persists scrutin's data for the server: organisations,
// users and their roles, sessions and API tokens, versioned models, runs
// (as jobs), evidence, plans, sharing and an append-only audit log. It
// speaks SQLite (modernc.org/sqlite, the zero-set-up default) and
// PostgreSQL (pgx) through database/sql, with embedded migrations applied
// at start-up.
//
// Every method that reads or writes an organisation's data takes the
// organisation's id: isolation is enforced in the queries, never by the
// caller alone. Methods return *model.Error with code ENOTFOUND for what
// does not exist (or belongs to another organisation), ECONFLICT for
// stale revisions and duplicates, EINVALID for bad values.
package store

import (
	"encoding/json"
	"time"
)

// Roles of a member in an organisation, from least to most powerful.
const (
	RoleViewer  = "viewer"  // reads the organisation's models, runs, plans, evidence summaries
	RoleAnalyst = "analyst" // also edits models, starts runs and plans, uploads evidence
	RoleOwner   = "owner"   // also manages members, sharing, and reads the audit log
)

// Org is an organisation (model.OrganizationKinds are its kinds).
type Org struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Kind      string    `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
}

// User is a person who signs in. The site administrator manages users and
// organisations but sees an organisation's data only as a member.
type User struct {
	ID           int64     `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Admin        bool      `json:"admin"`
	PasswordHash string    `json:"-"` // argon2id, encoded
	Language     string    `json:"language,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	// DisabledAt is when the user was disabled; nil for an active user.
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
}

// Member is a user's role in an organisation.
type Member struct {
	OrgID  string `json:"org"`
	UserID int64  `json:"user_id"`
	Email  string `json:"email"`
	Name   string `json:"name"` // the user's
	Role   string `json:"role"`
	// Disabled says that the user is disabled (and cannot sign in).
	Disabled bool   `json:"disabled,omitempty"`
	OrgName  string `json:"org_name,omitempty"`
	OrgKind  string `json:"org_kind,omitempty"`
}

// Token is an API token or a session; only a hash of its secret is stored.
type Token struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"user_id"`
	Kind      string     `json:"kind"` // "api" or "session"
	Name      string     `json:"name,omitempty"`
	Hash      []byte     `json:"-"` // SHA-256 of the secret
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	LastUsed  *time.Time `json:"last_used,omitempty"`
}

// Model is a versioned risk model of an organisation.
type Model struct {
	ID        int64     `json:"id"`
	OrgID     string    `json:"org"`
	Name      string    `json:"name"`
	Revision  int       `json:"revision"` // the latest
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Revision is one saved version of a model.
type Revision struct {
	ModelID   int64     `json:"model_id"`
	Revision  int       `json:"revision"`
	YAML      string    `json:"yaml"`
	Message   string    `json:"message"`
	AuthorID  int64     `json:"author_id"`
	Author    string    `json:"author"` // the author's email
	CreatedAt time.Time `json:"created_at"`
}

// Run statuses.
const (
	RunQueued    = "queued"
	RunRunning   = "running"
	RunSucceeded = "succeeded"
	RunFailed    = "failed"
	RunCanceled  = "canceled"
)

// Run is a simulation of a model revision, executed as a job.
type Run struct {
	ID         int64           `json:"id"`
	OrgID      string          `json:"org"`
	ModelID    int64           `json:"model_id"`
	Revision   int             `json:"revision"`
	Trials     int64           `json:"trials"`
	Seed       uint64          `json:"seed"`
	Controls   []string        `json:"controls"` // in force
	Evidence   []int64         `json:"evidence"` // ids of the evidence it calibrates with
	Status     string          `json:"status"`
	Error      string          `json:"error,omitempty"`
	Progress   float64         `json:"progress"` // 0..1
	Result     json.RawMessage `json:"result,omitempty"`
	CreatedBy  int64           `json:"created_by"`
	CreatedAt  time.Time       `json:"created_at"`
	StartedAt  *time.Time      `json:"started_at,omitempty"`
	FinishedAt *time.Time      `json:"finished_at,omitempty"`
	// Attempts counts the claims of the run by a server (less those
	// interrupted by a graceful shutdown).
	Attempts int `json:"attempts"`
}

// Evidence is an uploaded evidence file of an organisation: the summary
// that ingest or phishing produced (never the raw logs).
type Evidence struct {
	ID        int64           `json:"id"`
	OrgID     string          `json:"org"`
	Name      string          `json:"name"`
	Kind      string          `json:"kind"` // telemetry | phishing
	Summary   json.RawMessage `json:"summary"`
	CreatedBy int64           `json:"created_by"`
	CreatedAt time.Time       `json:"created_at"`
	// Format is what was uploaded (sshd, zeek, gophish, evidence, …),
	// FileName the uploaded file's name and Bytes its size ("" and 0 when
	// not known). Counts are the summary's figures (lines, events,
	// malformed; or campaigns, sent), for lists, which leave the summary
	// out.
	Format   string           `json:"format,omitempty"`
	FileName string           `json:"file_name,omitempty"`
	Bytes    int64            `json:"bytes"`
	Counts   map[string]int64 `json:"counts"`
}

// Plan is a stored mitigation plan of a model revision.
type Plan struct {
	ID        int64           `json:"id"`
	OrgID     string          `json:"org"`
	ModelID   int64           `json:"model_id"`
	Revision  int             `json:"revision"`
	Status    string          `json:"status"` // as runs
	Error     string          `json:"error,omitempty"`
	Request   json.RawMessage `json:"request"` // budget, objective, horizon, trials, seed
	Result    json.RawMessage `json:"result,omitempty"`
	CreatedBy int64           `json:"created_by"`
	CreatedAt time.Time       `json:"created_at"`
	// When a worker claimed it and when it finished (or was canceled).
	StartedAt  *time.Time `json:"started_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	Attempts   int        `json:"attempts"` // as for runs
}

// Share lets an agency see one organisation's shared portfolio results.
type Share struct {
	OrgID     string    `json:"org"`    // who shares
	AgencyID  string    `json:"agency"` // with whom (an organisation of kind agency)
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	// JointModelID is the model the organisation lets the agency's
	// national runs simulate with the other organisations' (its latest
	// succeeded run); nil: it is in none.
	JointModelID *int64 `json:"joint_model_id"`
}

// AuditEntry is one change, recorded for ever (the log is append-only).
type AuditEntry struct {
	ID      int64           `json:"id"`
	At      time.Time       `json:"at"`
	OrgID   string          `json:"org,omitempty"` // empty for site-wide changes
	UserID  int64           `json:"user_id,omitempty"`
	Email   string          `json:"email,omitempty"`
	Action  string          `json:"action"` // e.g. "model.save", "run.create", "member.set"
	Target  string          `json:"target,omitempty"`
	Details json.RawMessage `json:"details,omitempty"`
	Remote  string          `json:"remote,omitempty"` // client address
}

// Page selects a slice of a list: at most Limit items after the cursor
// (the id of the last item of the previous page; 0 for the first page).
type Page struct {
	Limit int
	After int64
}

// The API of *DB (implemented in the other files of this package). Lists
// are newest first by id, p.After the id of the last item already seen,
// unless noted:
//
//	Open(ctx, dsn string, now func() time.Time) (*DB, error)  // "file.db" or ":memory:" (SQLite), "postgres://…" (PostgreSQL); migrates
//	(*DB).Close() error
//	(*DB).Ping(ctx) error
//	(*DB).Dialect() string                                     // "sqlite" | "postgres"
//
//	// Users, organisations, members
//	CreateUser(ctx, u *User) error                              // sets ID, CreatedAt; duplicate email → ECONFLICT
//	UserByID(ctx, id int64) (*User, error)
//	UserByEmail(ctx, email string) (*User, error)               // case-insensitive
//	UpdateUser(ctx, u *User) error                              // name, password hash, language, admin
//	Users(ctx, p Page) ([]User, error)                          // newest first
//	CreateOrg(ctx, o *Org) error                                // duplicate id → ECONFLICT
//	Org(ctx, id string) (*Org, error)
//	Orgs(ctx, p Page) ([]Org, error)                            // all (administrator), by id; p.After is an OFFSET here (ids are strings)
//	OrgsOf(ctx, userID int64) ([]Member, error)                 // the user's organisations and roles (Member.OrgName, OrgKind set)
//	SetMember(ctx, orgID string, userID int64, role string) error  // insert or update; unknown org or user → ENOTFOUND
//	RemoveMember(ctx, orgID string, userID int64) error
//	Members(ctx, orgID string) ([]Member, error)
//	Role(ctx, orgID string, userID int64) (string, error)       // "" when not a member
//
//	// Tokens and sessions (secret hashed by the caller: SHA-256)
//	CreateToken(ctx, t *Token) error
//	TokenByHash(ctx, hash []byte) (*Token, error)               // expired → ENOTFOUND
//	TouchToken(ctx, id int64) error                             // last used
//	DeleteToken(ctx, id int64) error
//	DeleteUserToken(ctx, userID, id int64) error                // only the user's own token, else ENOTFOUND
//	DeleteExpiredTokens(ctx) (int, error)                       // housekeeping
//	Tokens(ctx, userID int64) ([]Token, error)                  // newest first, expired included
//
//	// Models and revisions (all scoped by orgID)
//	CreateModel(ctx, orgID, name string, rev *Revision) (*Model, error)   // revision 1
//	SaveModel(ctx, orgID string, modelID int64, baseRevision int, rev *Revision) (*Model, error)  // stale base → ECONFLICT
//	Model(ctx, orgID string, modelID int64) (*Model, error)
//	Models(ctx, orgID string, p Page) ([]Model, error)
//	Revision(ctx, orgID string, modelID int64, revision int) (*Revision, error)  // revision 0: the latest
//	Revisions(ctx, orgID string, modelID int64, p Page) ([]Revision, error)      // newest first, YAML omitted; p.After is a revision number
//	DeleteModel(ctx, orgID string, modelID int64) error         // with its revisions, runs and plans
//
//	// Runs (jobs)
//	CreateRun(ctx, r *Run) error                                // status queued; Revision 0 → the latest
//	Run(ctx, orgID string, id int64) (*Run, error)
//	Runs(ctx, orgID string, modelID int64, p Page) ([]Run, error)  // modelID 0: all; newest first; Result omitted
//	// A running job is leased to the handle that claimed it (job.go):
//	// only that handle updates, renews, releases or finishes it.
//	LeaseOwner() string; SetLeaseTTL(d time.Duration)           // this handle's name; its leases' life (DefaultLeaseTTL)
//	ClaimRun(ctx) (*Run, error)                                 // next queued → running, atomically, fairly between organisations (fair.go); nil, nil when none
//	ClaimJob(ctx) (*Run, *Plan, error)                          // the same over runs and plans together
//	UpdateRunProgress(ctx, id int64, progress float64) error    // not running (canceled) or not ours → ECONFLICT: stop
//	FinishRun(ctx, id int64, status string, result []byte, errMsg string) error  // not running or not ours → ECONFLICT
//	CancelRun(ctx, orgID string, id int64) error                // queued or running → canceled; finished → ECONFLICT
//	RenewRunLease(ctx, id int64) error                          // heartbeat; ECONFLICT: stop
//	ReleaseRun(ctx, id int64) error                             // graceful shutdown: running → queued, the attempt not counted
//	RequeueExpiredRuns(ctx, maxAttempts int) (requeued, failed []int64, err error)  // lease ended → queued, or failed after maxAttempts
//
//	// Evidence, plans
//	CreateEvidence(ctx, e *Evidence) error
//	Evidence(ctx, orgID string, id int64) (*Evidence, error)
//	EvidenceList(ctx, orgID string, p Page) ([]Evidence, error)  // Summary omitted
//	DeleteEvidence(ctx, orgID string, id int64) error
//	CreatePlan(ctx, p *Plan) error
//	Plan(ctx, orgID string, id int64) (*Plan, error)
//	Plans(ctx, orgID string, p Page) ([]Plan, error)            // Result omitted
//	ClaimPlan(ctx) (*Plan, error); FinishPlan(ctx, id int64, status string, result []byte, errMsg string) error
//	CancelPlan(ctx, orgID string, id int64) error               // as for runs, and so are
//	RenewPlanLease, ReleasePlan, RequeueExpiredPlans
//
//	// Sharing and the national view
//	Share(ctx, orgID, agencyID string, by int64) error          // agencyID must be of kind agency
//	Unshare(ctx, orgID, agencyID string) error
//	Shares(ctx, orgID string) ([]Share, error)                  // whom orgID shares with
//	SharedWith(ctx, agencyID string) ([]Share, error)           // who shares with the agency
//	LatestResults(ctx, orgID string) ([]Run, error)             // per model, the latest succeeded run (for the national view)
//	LatestRuns(ctx, orgID string) ([]Run, error)                // the same, Result omitted (for the dashboard)
//	SharedLatestResults(ctx, agencyID, orgID string) ([]Run, error)  // the same, ENOTFOUND unless orgID shares with agencyID
//
//	// Audit log (append-only: no update or delete exists)
//	Audit(ctx, e *AuditEntry) error
//	AuditLog(ctx, orgID string, p Page) ([]AuditEntry, error)   // orgID "": site-wide entries
//
//	// Transactions: WithTx runs fn in one transaction, so a change and its
//	// audit entry are stored together or not at all.
//	WithTx(ctx, fn func(tx *DB) error) error

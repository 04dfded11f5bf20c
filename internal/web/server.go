// Package web is scrutin's HTTP server: the REST API under /api/v1 (with
// its OpenAPI 3.1 document, generated from the handlers' types by huma),
// the web UI (server-rendered pages in English and French, see ui.go),
// authentication (argon2id passwords, hashed bearer tokens and session
// cookies), per-organisation isolation and roles, the job workers that
// execute runs and plans, health checks and Prometheus metrics.
//
// Every route is declared in routes.go; handlers are methods on Server,
// which holds the dependencies. Errors become HTTP statuses in one
// function (errorResponse in errors.go).
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/danielgtaylor/huma/v2"
	"golang.org/x/time/rate"

	"github.com/scrutin/scrutin/internal/attack"
	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// Config is the server's configuration, built by the command line and
// passed down; zero values take the defaults given.
type Config struct {
	// Version is reported in the OpenAPI document.
	Version string
	// Workers is the number of jobs (runs and plans) executed at once
	// (default 1). SimWorkers is the number of goroutines each job
	// simulates with (default GOMAXPROCS / Workers, at least 1): a job
	// alone uses every core, several share them. Neither changes results.
	Workers    int
	SimWorkers int
	// TrustProxy believes the X-Forwarded-For and X-Forwarded-Proto
	// headers of the peer: set it behind a reverse proxy that sets them,
	// never when clients connect directly.
	TrustProxy bool
	// TrustedOrigins are other origins ("https://ui.example.org") whose
	// browser pages may make state-changing requests.
	TrustedOrigins []string
	// TLSCert and TLSKey, when both set, make Serve speak HTTPS.
	TLSCert, TLSKey string
	// SessionTTL is the life of a session cookie (default 12 hours).
	SessionTTL time.Duration
	// TokenTTL is the life of an API token when its request does not ask
	// for a shorter one, and the longest it may ask for (default 30 days).
	TokenTTL time.Duration
	// MaxModelBytes bounds JSON request bodies that carry a model (default
	// 4 MiB); MaxUploadBytes bounds an evidence upload, which is streamed
	// (default 1 GiB; GoPhish exports and evidence files, which are read
	// whole, are bounded by 64 MiB too).
	MaxModelBytes  int64
	MaxUploadBytes int64
	// MaxExpandedBytes bounds what a compressed evidence upload gives once
	// decompressed (default MaxUploadBytes: the importers read no more of
	// a compressed upload than of a plain one); MaxExpansion bounds how
	// many times its size that may be, past the first 16 MiB (default 100;
	// logs compress 5 to 20 times), so that a compression bomb is refused
	// after little work.
	MaxExpandedBytes int64
	MaxExpansion     int64
	// UploadTimeout bounds the time an evidence upload takes, read and
	// parsed (default 15 minutes); UploadIdle, the time without a byte
	// from the client (default 1 minute). Past either: 408, nothing kept.
	UploadTimeout time.Duration
	UploadIdle    time.Duration
	// Attack is the ATT&CK catalogue of the coverage pages, which the
	// ATT&CK ids of the models saved are checked against (default: the
	// one embedded in the binary).
	Attack *attack.Catalog
	// MaxTrials bounds the trials of a run or plan (default 10,000,000).
	MaxTrials int64
	// Login limits attempts to sign in (default DefaultLoginLimit).
	Login LoginLimit
	// ShutdownTimeout is how long in-flight requests may take to finish
	// once shutdown begins (default 15 s).
	ShutdownTimeout time.Duration
	// PollInterval is how often idle workers look for jobs queued by
	// another server on the same database (default 2 s); jobs queued here
	// wake them at once.
	PollInterval time.Duration
	// LeaseTTL is how long a job claimed by this server stays its own
	// without being renewed (default store.DefaultLeaseTTL); it is
	// renewed every third of that. A job whose lease ends (its server
	// died) is queued again, or fails once it has been claimed
	// MaxAttempts times (default store.DefaultMaxAttempts).
	LeaseTTL    time.Duration
	MaxAttempts int
	// Queue, when set, carries the jobs queued here to workers elsewhere
	// (NATS JetStream: scrutin serve --nats, scrutin worker --db): this
	// server then executes no job itself. It still puts back in the queue
	// the jobs of servers or workers that died, and sends again the jobs
	// the queue may have lost.
	Queue JobQueue
	// Password sets the argon2id parameters of new password hashes
	// (default DefaultPasswordParams).
	Password *argon2id.Params
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// LoginLimit bounds sign-in attempts (POST /auth/token, /auth/login and
// the sign-in page) as token buckets: Burst attempts at once, then one
// per 1/Rate seconds. PerAddress counts every attempt from a client
// address; PerAccount the attempts from one address for one email. No
// bucket counts an email's attempts from every address: failures from
// one address never stop the account's owner signing in from another.
type LoginLimit struct {
	PerAddress   rate.Limit
	AddressBurst int
	PerAccount   rate.Limit
	AccountBurst int
}

// DefaultLoginLimit allows 30 attempts from an address, then one every 2
// seconds, and 10 for one email from one address, then one every 10
// seconds.
func DefaultLoginLimit() LoginLimit {
	return LoginLimit{PerAddress: 0.5, AddressBurst: 30, PerAccount: 0.1, AccountBurst: 10}
}

// DefaultPasswordParams are RFC 9106's second recommended argon2id
// settings (64 MiB, 3 passes), with 2 lanes.
func DefaultPasswordParams() *argon2id.Params {
	return &argon2id.Params{Memory: 64 * 1024, Iterations: 3, Parallelism: 2, SaltLength: 16, KeyLength: 32}
}

func (c Config) withDefaults() Config {
	if c.Version == "" {
		c.Version = "dev"
	}
	if c.Workers <= 0 {
		c.Workers = 1
	}
	if c.SimWorkers <= 0 {
		c.SimWorkers = max(1, runtime.GOMAXPROCS(0)/c.Workers)
	}
	if c.SessionTTL <= 0 {
		c.SessionTTL = 12 * time.Hour
	}
	if c.TokenTTL <= 0 {
		c.TokenTTL = 30 * 24 * time.Hour
	}
	if c.MaxModelBytes <= 0 {
		c.MaxModelBytes = 4 << 20
	}
	if c.MaxUploadBytes <= 0 {
		c.MaxUploadBytes = 1 << 30
	}
	if c.MaxExpandedBytes <= 0 {
		c.MaxExpandedBytes = c.MaxUploadBytes
	}
	if c.MaxExpansion <= 0 {
		c.MaxExpansion = 100
	}
	if c.UploadTimeout <= 0 {
		c.UploadTimeout = 15 * time.Minute
	}
	if c.UploadIdle <= 0 {
		c.UploadIdle = time.Minute
	}
	if c.MaxTrials <= 0 {
		c.MaxTrials = 10_000_000
	}
	if c.Login == (LoginLimit{}) {
		c.Login = DefaultLoginLimit()
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 15 * time.Second
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 2 * time.Second
	}
	if c.LeaseTTL <= 0 {
		c.LeaseTTL = store.DefaultLeaseTTL
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = store.DefaultMaxAttempts
	}
	if c.Password == nil {
		c.Password = DefaultPasswordParams()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Server is the HTTP server and its job workers.
type Server struct {
	cfg       Config
	db        *store.DB
	log       *slog.Logger
	mux       *http.ServeMux
	api       huma.API
	handler   http.Handler
	metrics   *metrics
	jobs      *runner
	limiter   *loginLimiter
	passwords *passwords
	touches   tokenTouches
	// identities are the callers last identified (identity.go).
	identities identities
	// The web UI: static files, page templates (parsed once, here) and
	// the prepared results of runs.
	assets  *assets
	tmpl    *templates
	results *resultCache
	// runBodies are the JSON bodies of the finished runs last answered
	// by the API (api_json.go).
	runBodies runBodies
	// dashboards are the dashboards last rendered, by their inputs
	// (ui_memo.go).
	dashboards pageMemo
	// reports are the reports of runs last built for download.
	reports *reportCache
	// studies are the EBIOS RM studies of runs last shown.
	studies studyCache
	// attackIDs are the ids of the ATT&CK catalogue, which the models
	// saved must name (built on first use).
	attackIDs func() (*model.AttackIDs, error)
}

// New returns a server over db, logging to log. Call Serve to start it.
func New(cfg Config, db *store.DB, log *slog.Logger) (*Server, error) {
	cfg = cfg.withDefaults()
	pw, err := newPasswords(cfg.Password)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:       cfg,
		db:        db,
		log:       log,
		mux:       http.NewServeMux(),
		metrics:   newMetrics(),
		limiter:   newLoginLimiter(cfg.Login, cfg.Now),
		passwords: pw,
	}
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.tmpl, err = parseTemplates(s.assets); err != nil {
		return nil, fmt.Errorf("web UI templates: %w", err)
	}
	s.attackIDs = sync.OnceValues(func() (*model.AttackIDs, error) {
		if s.cfg.Attack == nil {
			// The embedded catalogue's, without parsing it.
			ids, err := attack.EmbeddedModelIDs()
			if err != nil {
				return nil, err
			}
			return evidence.WithClassifierTechniques(ids), nil
		}
		c, err := s.attackCatalog()
		if err != nil {
			return nil, err
		}
		return evidence.ModelAttackIDs(c), nil
	})
	s.results = newResultCache()
	s.reports = newReportCache()
	s.jobs = newRunner(db, log, s.metrics, cfg)
	s.api = newAPI(s.mux, cfg.Version)
	s.routes()
	cop := http.NewCrossOriginProtection()
	for _, o := range cfg.TrustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("trusted origin %q: %w", o, err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	// Outermost first: request info, logs and metrics see every answer,
	// including the refusals of the layers inside; compression outside
	// them all, so that it also closes the answers the observer writes.
	if s.handler, err = compressPages(s.observe(s.securityHeaders(cop.Handler(s.authenticate(s.mux))))); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler is the server's HTTP handler (every route, with its middleware).
func (s *Server) Handler() http.Handler { return s.handler }

// Serve starts the job workers (after putting back in the queue the jobs
// that stopped servers left running, once their lease has ended) and
// answers HTTP requests on ln until ctx ends. Then it shuts down
// gracefully: it stops accepting connections, lets in-flight requests
// finish within Config.ShutdownTimeout, and cancels the running jobs,
// which are released to the queue for the next server. It returns nil
// after a graceful shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if err := s.jobs.start(ctx); err != nil {
		ln.Close()
		if ctx.Err() != nil {
			// Asked to stop before serving began (a quick SIGTERM): that
			// is a graceful shutdown too, with nothing to wait for.
			s.log.Info("stopped before serving")
			return nil
		}
		return err
	}
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() {
		var err error
		if s.cfg.TLSCert != "" && s.cfg.TLSKey != "" {
			err = hs.ServeTLS(ln, s.cfg.TLSCert, s.cfg.TLSKey)
		} else {
			err = hs.Serve(ln)
		}
		errc <- err
	}()
	select {
	case err := <-errc:
		s.jobs.stop()
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	// Jobs stop while requests finish; both before Serve returns.
	jobsStopped := make(chan struct{})
	go func() { s.jobs.stop(); close(jobsStopped) }()
	s.reports.stop() // the reports built in the background
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if err != nil {
		hs.Close() // past the deadline: drop the requests still in flight
	}
	<-jobsStopped
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

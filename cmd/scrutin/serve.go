package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/attack"
	"github.com/scrutin/scrutin/internal/fleet"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
	"github.com/scrutin/scrutin/internal/web"
)

type serveOptions struct {
	addr           string
	db             string
	data           string
	noDemo         bool
	lang           string
	workers        int
	trustProxy     bool
	trustedOrigins []string
	tlsCert        string
	tlsKey         string
	sessionTTL     time.Duration
	tokenTTL       time.Duration
	maxUpload      int64
	uploadTimeout  time.Duration
	jobLease       time.Duration
	jobAttempts    int
	nats           string
	replicas       int
}

func newServeCmd(e *env) *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve organisations their models, runs, evidence and plans over HTTP (REST API)",
		Long: `Serve scrutin to many organisations: a REST API under /api/v1 (OpenAPI 3.1 at
/api/v1/openapi.json) with users, roles and strict isolation between
organisations, versioned models, runs and plans executed by a pool of
workers, evidence uploads, sharing with agencies and an append-only audit
log; /healthz, /readyz and Prometheus metrics at /metrics. Logs are JSON on
standard error.

The database is an SQLite file, <data dir>/scrutin.db unless --db says
otherwise, created on first start; --db postgres://… uses PostgreSQL.
The data directory is --data DIR, else $SCRUTIN_DATA, else
$XDG_DATA_HOME/scrutin, else ~/.local/share/scrutin.

On first start (no user yet) the site administrator admin@localhost is
created with the password in $SCRUTIN_ADMIN_PASSWORD, or a generated one
printed once on standard output, and a demonstration organisation "demo"
holding the built-in example model (--no-demo: none), with a finished run
and plan of it: the first start queues them and the workers compute them
at once. The demonstration's own texts (the organisation's name, the
model and its revision message) are in the language of the first start:
--lang en|fr, else the locale of the environment (LC_ALL, then
LC_MESSAGES, then LANG: fr_FR.UTF-8 is French), else English. A French
first start gets the French built-in model (examples/election.fr.yaml,
the same numbers).

Jobs (runs and plans) are shared fairly between organisations: a free
worker takes the oldest job of the organisation with the fewest jobs
running. A job is leased to the server running it (--job-lease, renewed
every third of it), so several servers can share one database: a job is
taken over only when its server has stopped renewing its lease. A job
whose server stopped while running it (a crash) is queued again once its
lease has ended, and fails after --job-attempts such attempts, so that no
stored input can keep the server in a crash loop.

SIGINT or SIGTERM stops the server gracefully: no new connections,
requests in flight finish, running jobs stop and go back to the queue.`,
		Example: `  scrutin serve
  SCRUTIN_ADMIN_PASSWORD=… scrutin serve --addr 0.0.0.0:8080 --db postgres://scrutin@db/scrutin --workers 4
  scrutin serve --tls-cert cert.pem --tls-key key.pem`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServe(cmd.Context(), o, e)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	f.StringVar(&o.db, "db", "", "database: an SQLite file, or postgres://… (default: <data dir>/scrutin.db)")
	f.StringVar(&o.data, "data", "", "data directory (default: $SCRUTIN_DATA, else $XDG_DATA_HOME/scrutin, else ~/.local/share/scrutin)")
	f.BoolVar(&o.noDemo, "no-demo", false, "on first start, do not create the demonstration organisation")
	f.StringVar(&o.lang, "lang", "", "language of the demonstration organisation made on first start: en or fr (default: from LC_ALL, LC_MESSAGES or LANG, else en)")
	wholeVar(f, &o.workers, "workers", 1, 1, math.MaxInt, "a valid number of workers", "", "jobs (runs, plans) executed at once; the cores are shared among them")
	f.BoolVar(&o.trustProxy, "trust-proxy", false, "believe X-Forwarded-For and X-Forwarded-Proto (only behind a reverse proxy that sets them)")
	f.StringSliceVar(&o.trustedOrigins, "trusted-origin", nil, "other origins (https://host) whose pages may make state-changing requests")
	f.StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS with this certificate (PEM; with --tls-key)")
	f.StringVar(&o.tlsKey, "tls-key", "", "the certificate's private key (PEM)")
	durationVar(f, &o.sessionTTL, "session-ttl", 12*time.Hour, "life of a session cookie")
	durationVar(f, &o.tokenTTL, "token-ttl", 30*24*time.Hour, "life of an API token when not asked for less, and the most one may ask for")
	wholeVar(f, &o.maxUpload, "max-upload", 1<<30, 1, math.MaxInt64, "a valid number of bytes", "", "bytes an evidence upload may hold, and give once decompressed")
	durationVar(f, &o.uploadTimeout, "upload-timeout", 15*time.Minute, "time an evidence upload may take to send and read")
	durationVar(f, &o.jobLease, "job-lease", store.DefaultLeaseTTL, "how long a job stays this server's without a renewal (at least 1s; longer than the clock differences between servers)")
	wholeVar(f, &o.jobAttempts, "job-attempts", store.DefaultMaxAttempts, 1, 1000, "a valid number of attempts", "", "how many times a job is started before a server that stops while running it makes it fail")
	f.StringVar(&o.nats, "nats", "", "send the jobs (runs, plans, national runs) to the workers of this NATS JetStream (URLs, comma-separated; scrutin worker --nats … --db …) instead of executing them here")
	wholeVar(f, &o.replicas, "replicas", 1, 1, 5, "a number of replicas", "", "with --nats: replicas of the jobs stream (1, or 3 on a cluster)")
	return cmd
}

func runServe(ctx context.Context, o serveOptions, e *env) error {
	switch {
	case (o.tlsCert == "") != (o.tlsKey == ""):
		return usageError{fmt.Errorf("--tls-cert and --tls-key go together")}
	case o.sessionTTL < time.Minute:
		return usageError{fmt.Errorf("--session-ttl must be at least 1m, got %s", o.sessionTTL)}
	case o.tokenTTL < time.Minute:
		return usageError{fmt.Errorf("--token-ttl must be at least 1m, got %s", o.tokenTTL)}
	case o.maxUpload < 1<<10:
		return usageError{fmt.Errorf("--max-upload must be at least 1024 bytes, got %d", o.maxUpload)}
	case o.uploadTimeout < time.Second:
		return usageError{fmt.Errorf("--upload-timeout must be at least 1s, got %s", o.uploadTimeout)}
	case o.jobLease < time.Second:
		return usageError{fmt.Errorf("--job-lease must be at least 1s, got %s", o.jobLease)}
	case o.jobAttempts < 1:
		return usageError{fmt.Errorf("--job-attempts must be at least 1, got %d", o.jobAttempts)}
	}
	lang, err := langOf(o.lang, os.Getenv)
	if err != nil {
		return err
	}
	dsn, err := serveDatabase(o)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	warnLooseDir(log, dsn)
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", o.addr, err)
	}
	boot := web.BootstrapOptions{AdminPassword: os.Getenv("SCRUTIN_ADMIN_PASSWORD"), Lang: lang}
	if !o.noDemo {
		boot.DemoModel, boot.DemoJobs = examples.ElectionIn(string(lang)), true
	}
	res, err := web.Bootstrap(ctx, db, boot)
	if err != nil {
		ln.Close()
		return err
	}
	scheme := "http"
	if o.tlsCert != "" {
		scheme = "https"
	}
	url := scheme + "://" + ln.Addr().String()
	if res.FirstStart {
		log.Info("first start: created the site administrator", "email", res.AdminEmail, "demo_org", res.Demo, "language", lang,
			"demo_run", res.DemoRun, "demo_plan", res.DemoPlan)
	}
	if res.GeneratedPassword != "" {
		// Shown once, here; never logged.
		fmt.Fprintf(e.stdout, `scrutin: first start: created the site administrator %s with this password
(shown only now; set SCRUTIN_ADMIN_PASSWORD on first start to choose it):

    %s

Get a token with:
    curl -s -X POST %s/api/v1/auth/token -H 'Content-Type: application/json' \
      -d '{"email":"%s","password":"…"}'
`, res.AdminEmail, res.GeneratedPassword, url, res.AdminEmail)
	}
	// The ATT&CK catalogue of the coverage pages: the one imported into
	// the data directory (scrutin attack import), else the embedded one.
	// Without a data directory (--db given, no home), the embedded one.
	// The embedded one is left to the server, which parses it on first use.
	var catalog *attack.Catalog
	where := "embedded"
	if dir, derr := dataDir(o.data); derr == nil {
		if _, serr := os.Stat(catalogFile(dir)); serr == nil {
			if catalog, where, err = loadCatalog(&attackOptions{data: o.data}); err != nil {
				ln.Close()
				return err
			}
		}
	}
	var queue web.JobQueue
	if o.nats != "" {
		nc, js, err := connectNATS(o.nats, "scrutin serve")
		if err != nil {
			ln.Close()
			return err
		}
		defer nc.Close()
		q := &fleet.JobQueue{JS: js, Config: fleet.Config{Replicas: o.replicas}}
		if err := q.Setup(ctx); err != nil {
			ln.Close()
			return err
		}
		queue = q
	}
	srv, err := web.New(web.Config{
		Queue:          queue,
		Version:        versionString(),
		Attack:         catalog,
		Workers:        o.workers,
		TrustProxy:     o.trustProxy,
		TrustedOrigins: o.trustedOrigins,
		TLSCert:        o.tlsCert,
		TLSKey:         o.tlsKey,
		SessionTTL:     o.sessionTTL,
		TokenTTL:       o.tokenTTL,
		MaxUploadBytes: o.maxUpload,
		UploadTimeout:  o.uploadTimeout,
		LeaseTTL:       o.jobLease,
		MaxAttempts:    o.jobAttempts,
	}, db, log)
	if err != nil {
		ln.Close()
		return err
	}
	log.Info("listening", "addr", ln.Addr().String(), "url", url, "database", db.Dialect(), "workers", o.workers, "attack_catalog", where,
		"lease_owner", db.LeaseOwner(), "jobs_on_nats", o.nats != "")
	return srv.Serve(ctx, ln)
}

// langOf is the language of a first start or of a report: flag (--lang)
// when given, else the locale of the environment as POSIX orders it (LC_ALL,
// LC_MESSAGES, LANG; "fr_FR.UTF-8" is French), else English. A flag that
// names no language scrutin speaks is a usage error; a locale it does not
// speak ("C", "de_DE") is English.
func langOf(flag string, getenv func(string) string) (i18n.Lang, error) {
	if flag != "" {
		l, ok := i18n.Parse(flag)
		if !ok {
			return "", usageError{fmt.Errorf("--lang must be en or fr, got %q", flag)}
		}
		return l, nil
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		// The first one set decides, as for any POSIX program.
		v, _, _ = strings.Cut(v, ".")
		v, _, _ = strings.Cut(v, "@")
		l, _ := i18n.Parse(v)
		return l, nil
	}
	return i18n.English, nil
}

// warnLooseDir warns when the directory of an SQLite database file may be
// read by others than its owner. The database files themselves are made
// 0600 by the store; the directory is left as it is (an operator may have
// chosen it so, for a backup group), but its other files may be exposed.
func warnLooseDir(log *slog.Logger, dsn string) {
	if strings.Contains(dsn, "://") || strings.HasPrefix(dsn, "file:") || dsn == ":memory:" {
		return
	}
	dir := filepath.Dir(dsn)
	if fi, err := os.Stat(dir); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn("the database's directory is readable by others: chmod 700 it unless that is meant",
			"dir", dir, "mode", fmt.Sprintf("%#o", fi.Mode().Perm()))
	}
}

// serveDatabase is the database to open: --db, else scrutin.db in the
// data directory (created if missing).
func serveDatabase(o serveOptions) (string, error) {
	if o.db != "" {
		if !strings.Contains(o.db, "://") && !strings.HasPrefix(o.db, "file:") && o.db != ":memory:" {
			if dir := filepath.Dir(o.db); dir != "" {
				if err := os.MkdirAll(dir, 0o700); err != nil {
					return "", model.Errorf(model.EINVALID, "cannot create the database's directory: %v", unwrapPath(err))
				}
			}
		}
		return o.db, nil
	}
	dir, err := dataDir(o.data)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", model.Errorf(model.EINVALID, "cannot create the data directory %s: %v", dir, unwrapPath(err))
	}
	return filepath.Join(dir, "scrutin.db"), nil
}

package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scrutin/scrutin/internal/model"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Dialects, as Dialect reports them.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Paging bounds: a Page with Limit <= 0 gets DefaultLimit items, one above
// MaxLimit gets MaxLimit.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// sqliteParams are the connection settings of every SQLite connection:
// the busy timeout makes writers queue instead of failing, _txlock makes
// every transaction BEGIN IMMEDIATE so a read-then-write transaction
// cannot fail half-way on a lock upgrade.
const sqliteParams = "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_txlock=immediate"

// DB is the store: a database handle, or a transaction inside WithTx.
// It is safe for concurrent use, except a transaction's DB, which belongs
// to the goroutine running WithTx's fn.
type DB struct {
	sql     *sql.DB
	q       querier // sql or tx
	tx      *sql.Tx
	keep    *sql.Conn // SQLite in memory: the database lives while a connection does
	dialect string
	now     func() time.Time
	// owner names the handle as the holder of the jobs it claims, whose
	// leases last leaseTTL (job.go).
	owner    string
	leaseTTL time.Duration
	stmts    *stmtCache // SQLite: prepared statements, shared with transactions' DBs
	// accounts counts the committed changes to users and tokens
	// (AccountsVersion), shared with transactions' DBs; accountsPending,
	// in a transaction's DB, notes such a change until the commit.
	accounts        *atomic.Uint64
	accountsPending *bool
}

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Open opens the database named by dsn and applies the pending migrations:
// "postgres://…" or "postgresql://…" is PostgreSQL; ":memory:" is a private
// SQLite database in memory (for tests; gone at Close); anything else is
// an SQLite file, created if missing, in WAL mode. now is the clock of
// every time stamp the store writes (time.Now when nil); times are stored
// in UTC, truncated to microseconds (PostgreSQL's precision) on both
// databases.
func Open(ctx context.Context, dsn string, now func() time.Time) (*DB, error) {
	if now == nil {
		now = time.Now
	}
	owner, err := newLeaseOwner()
	if err != nil {
		return nil, err
	}
	db := &DB{now: now, owner: owner, leaseTTL: DefaultLeaseTTL, accounts: new(atomic.Uint64)}
	switch {
	case DialectOf(dsn) == Postgres:
		db.dialect = Postgres
		db.sql, err = sql.Open("pgx", dsn)
	case dsn == ":memory:":
		db.dialect = SQLite
		err = db.openMemory(ctx)
	case dsn == "":
		return nil, model.Errorf(model.EINVALID, "store: empty database name")
	default:
		db.dialect = SQLite
		err = db.openFile(dsn)
	}
	if err != nil {
		return nil, err
	}
	db.q = db.sql
	if db.dialect == SQLite {
		// Every request of the server reads: keep connections rather than
		// open one per request (database/sql keeps 2 idle by default, and
		// an SQLite connection costs a file open and its own cache), and
		// keep their statements prepared (SQLite parsing a query costs more
		// than running it on a small database).
		db.sql.SetMaxIdleConns(sqliteIdleConns)
		db.stmts = &stmtCache{m: make(map[string]*sql.Stmt)}
	}
	if err := db.sql.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s database: %w", db.dialect, err)
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) openFile(path string) error {
	var dsn string
	if strings.HasPrefix(path, "file:") {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		dsn = path + sep
	} else {
		// The driver cuts a plain file name at '?'.
		if strings.Contains(path, "?") {
			return model.Errorf(model.EINVALID, "store: database file name %q contains '?': use a file: URI", path)
		}
		dsn = path + "?"
	}
	dsn += sqliteParams + "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	if err := ownerOnly(sqliteFileName(path)); err != nil {
		return err
	}
	var err error
	db.sql, err = sql.Open("sqlite", dsn)
	return err
}

// sqliteFileName is the file of an SQLite database name: the name itself,
// or the path of a file: URI; "" for a database that is not a file.
func sqliteFileName(name string) string {
	rest, ok := strings.CutPrefix(name, "file:")
	if !ok {
		return name
	}
	rest, query, _ := strings.Cut(rest, "?")
	if strings.Contains(query, "vfs=memdb") || strings.Contains(query, "mode=memory") || rest == "" || rest == ":memory:" {
		return ""
	}
	if r, ok := strings.CutPrefix(rest, "//"); ok { // file://host/path: the host must be empty or localhost
		_, p, _ := strings.Cut(r, "/")
		rest = "/" + p
	}
	if p, err := url.PathUnescape(rest); err == nil {
		rest = p
	}
	return rest
}

// ownerOnly makes the database file, and SQLite's journal, -wal and -shm
// files beside it, readable and writable by their owner only (0600): it
// creates the database file so, before SQLite creates it with its
// default (0644 less the umask), and tightens the permissions of those
// files that exist with looser ones. SQLite gives the journal, -wal and
// -shm files it creates the mode of the database file.
func ownerOnly(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		return f.Close()
	case !errors.Is(err, fs.ErrExist):
		return fmt.Errorf("store: create the database file: %w", err)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		fi, err := os.Stat(name)
		if err != nil || fi.Mode().Perm()&0o077 == 0 || !fi.Mode().IsRegular() {
			continue
		}
		if err := os.Chmod(name, fi.Mode().Perm()&0o700); err != nil {
			return fmt.Errorf("store: %s is readable by others, and its permissions cannot be tightened: %w", name, err)
		}
	}
	return nil
}

// openMemory opens an in-memory database that every connection of the
// pool shares: SQLite's memdb VFS under a random name (a plain ":memory:"
// would give each connection its own empty database, and shared cache
// fails with "table is locked" instead of waiting). One connection is
// held open for the life of the DB, since the database is freed with its
// last connection.
func (db *DB) openMemory(ctx context.Context) error {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	var err error
	db.sql, err = sql.Open("sqlite", "file:/scrutin-"+hex.EncodeToString(b[:])+"?vfs=memdb&"+sqliteParams)
	if err != nil {
		return err
	}
	db.keep, err = db.sql.Conn(ctx)
	if err != nil {
		db.sql.Close()
		return fmt.Errorf("store: open sqlite database in memory: %w", err)
	}
	return nil
}

// Close closes the database. Closing a transaction's DB is an error.
func (db *DB) Close() error {
	if db.tx != nil {
		return errors.New("store: Close called on a transaction")
	}
	if db.keep != nil {
		db.keep.Close()
	}
	if c := db.stmts; c != nil {
		c.mu.Lock()
		for _, st := range c.m {
			st.Close()
		}
		c.m = nil
		c.mu.Unlock()
	}
	return db.sql.Close()
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.sql.PingContext(ctx)
}

// Dialect is "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect }

// WithTx runs fn in one transaction: committed if fn returns nil, rolled
// back otherwise (fn's error is returned as is). fn must use tx, not db,
// for everything that belongs to the transaction; on SQLite, a write on
// db from inside fn would wait for the transaction to end and fail after
// the busy timeout. Called on a transaction's DB, WithTx runs fn in the
// same transaction. On PostgreSQL, a failed statement aborts the whole
// transaction: after an error inside fn, return it rather than go on.
func (db *DB) WithTx(ctx context.Context, fn func(tx *DB) error) error {
	if db.tx != nil {
		return fn(db)
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return txError(fmt.Errorf("store: begin: %w", err))
	}
	t := *db
	t.q, t.tx = tx, tx
	var accountsPending bool
	t.accountsPending = &accountsPending
	defer func() {
		// A panic in fn must not leave the transaction (on SQLite, the
		// database's write lock) held.
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
	}()
	// Counted once the transaction has ended, committed or not (a change
	// counted that did not happen costs a reader one read).
	defer func() {
		if accountsPending {
			db.accounts.Add(1)
		}
	}()
	if err := fn(&t); err != nil {
		tx.Rollback()
		return txError(err)
	}
	if err := tx.Commit(); err != nil {
		return txError(fmt.Errorf("store: commit: %w", err))
	}
	return nil
}

// AccountsVersion counts the changes to what identifies a caller — a
// user's row (any column), the deletion of tokens and sessions — made
// through this handle and committed: it changes after each such change
// becomes visible to readers (in a transaction, once the transaction
// ends), and only then. A cache of identities read after reading the
// version holds while the version is the same, for the changes made
// through this handle; those made through another handle on the same
// database (another server) are not counted. Creating or touching a
// token does not count: no cached identity can depend on it.
func (db *DB) AccountsVersion() uint64 {
	if db.accounts == nil {
		return 0
	}
	return db.accounts.Load()
}

// accountsChanged records a change to users or tokens, made (or tried)
// just now: counted at once outside a transaction, at its end inside
// one.
func (db *DB) accountsChanged() {
	switch {
	case db.accountsPending != nil:
		*db.accountsPending = true
	case db.accounts != nil:
		db.accounts.Add(1)
	}
}

// rebind turns the ? placeholders of query into PostgreSQL's $1, $2, …
// (none of the package's queries has a ? inside a string literal).
func (db *DB) rebind(query string) string {
	if db.dialect != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx, err := db.statementContext(ctx)
	if err != nil {
		return nil, err
	}
	if st := db.prepared(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return db.q.ExecContext(ctx, db.rebind(query), args...)
}

func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx, err := db.statementContext(ctx)
	if err != nil {
		return nil, err
	}
	if st := db.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.q.QueryContext(ctx, db.rebind(query), args...)
}

func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx, err := db.statementContext(ctx)
	if err != nil {
		// A canceled context makes the row's Scan return ctx's error.
		return db.q.QueryRowContext(ctx, db.rebind(query), args...)
	}
	if st := db.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.q.QueryRowContext(ctx, db.rebind(query), args...)
}

// statementContext is the context a statement runs with. On SQLite, once
// ctx is checked, a statement outside a transaction runs without ctx's
// cancellation: for a cancellable context database/sql and the driver
// each start a goroutine per statement to watch it, and under load those
// goroutines (two per query, a dozen queries per page) crowd the
// scheduler's queue so much that the requests waiting behind them take
// seconds (measured with scripts/bench-serve.sh and a runtime trace).
// The statements are in-process work on indexed rows, bounded in rows
// and by busy_timeout in waiting, so nothing is lost by letting one
// finish. PostgreSQL statements, which cross a network and may wait on
// locks, keep their cancellation; so do transactions.
func (db *DB) statementContext(ctx context.Context) (context.Context, error) {
	if db.dialect != SQLite || db.tx != nil {
		return ctx, nil
	}
	if err := ctx.Err(); err != nil {
		return ctx, err
	}
	return context.WithoutCancel(ctx), nil
}

// sqliteIdleConns is how many idle SQLite connections the pool keeps.
const sqliteIdleConns = 32

// maxStmts bounds the statement cache: the package's queries are
// constants, a few hundred at most.
const maxStmts = 512

// stmtCache holds a prepared statement per query text. A *sql.Stmt
// prepares itself on each connection of the pool that runs it, once.
type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

// prepared returns the prepared statement of query, or nil to run the
// query as it is: in a transaction (whose writes are few), on PostgreSQL
// (whose driver caches statements itself), when the cache is full, or
// when preparing fails (running it will report the error).
func (db *DB) prepared(ctx context.Context, query string) *sql.Stmt {
	c := db.stmts
	if c == nil || db.tx != nil {
		return nil
	}
	c.mu.RLock()
	st := c.m[query]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.m[query]; st != nil {
		return st
	}
	if len(c.m) >= maxStmts {
		return nil
	}
	st, err := db.sql.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.m[query] = st
	return st
}

// execOne runs a statement that must change exactly one row; none is
// ENOTFOUND ("<what> not found").
func (db *DB) execOne(ctx context.Context, what, query string, args ...any) error {
	res, err := db.exec(ctx, query, args...)
	if err != nil {
		return dbError(err, what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return dbError(err, what)
	}
	if n == 0 {
		return notFound(what)
	}
	return nil
}

// mustExist is ENOTFOUND ("<what> not found") unless query finds a row.
func (db *DB) mustExist(ctx context.Context, what, query string, args ...any) error {
	ok, err := db.exists(ctx, query, args...)
	if err == nil && !ok {
		err = notFound(what)
	}
	return err
}

// exists reports whether query (a SELECT 1 …) finds a row.
func (db *DB) exists(ctx context.Context, query string, args ...any) (bool, error) {
	var one int
	err := db.queryRow(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, dbError(err, "lookup")
	}
	return true, nil
}

// limit is p's page size within [1, MaxLimit]. Queries bind it as
// "LIMIT CAST(? AS BIGINT)": given a bare "LIMIT ?", SQLite plans with
// the value bound and prepares the statement again whenever another value
// is bound (BenchmarkLimit), which pages of different sizes do all the
// time.
func (p Page) limit() int {
	switch {
	case p.Limit <= 0:
		return DefaultLimit
	case p.Limit > MaxLimit:
		return MaxLimit
	}
	return p.Limit
}

// after is p's keyset cursor for lists newest first: ids below it.
func (p Page) after() int64 {
	if p.After <= 0 {
		return 1<<63 - 1
	}
	return p.After
}

// rowScanner is what *sql.Row and *sql.Rows have in common.
type rowScanner interface {
	Scan(dest ...any) error
}

// list runs query and scans each row with scan.
func list[T any](ctx context.Context, db *DB, what string, scan func(rowScanner, *T) error, query string, args ...any) ([]T, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, dbError(err, what)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, dbError(err, what)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(err, what)
	}
	return out, nil
}

package backup

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// pgConn splits a PostgreSQL DSN into what the client tools take: the
// DSN without its password (a command line is visible to every user of
// the machine) and the environment that gives it (PGPASSWORD).
func pgConn(dsn string) (string, []string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, model.Errorf(model.EINVALID, "database: %v", err)
	}
	env := os.Environ()
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
		}
	}
	return u.String(), env, nil
}

// pgTool runs a PostgreSQL client tool with args, writing its output to
// stdout; a failure carries its standard error.
func pgTool(ctx context.Context, tool string, env []string, stdout io.Writer, args ...string) error {
	path, err := exec.LookPath(tool)
	if err != nil {
		return fmt.Errorf("%s not found: install the PostgreSQL client tools of the server's version (Debian: apt install postgresql-client): %w", tool, err)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = env
	cmd.Stdout = stdout
	var stderr bytes.Buffer
	cmd.Stderr = &limitedWriter{w: &stderr, n: 8 << 10}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", filepath.Base(tool), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// limitedWriter keeps the first n bytes written to it.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}

// openPostgres opens dsn and checks that the database answers.
func openPostgres(ctx context.Context, dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot connect to the database: %w", err)
	}
	return db, nil
}

func createPostgres(ctx context.Context, dsn, path string, o Options) (*Info, error) {
	db, err := openPostgres(ctx, dsn)
	if err != nil {
		return nil, err
	}
	version, err := appliedVersion(ctx, db, "the database")
	db.Close()
	if err != nil {
		return nil, err
	}
	conn, env, err := pgConn(dsn)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*") // 0600
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name()) // gone already once published
	// pg_dump reads one snapshot of the whole database in a single
	// transaction while servers go on writing.
	err = pgTool(ctx, o.PgDump, env, tmp, "--format=custom", "--dbname="+conn)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	st, err := os.Stat(tmp.Name())
	if err != nil {
		return nil, err
	}
	if err := publish(tmp.Name(), path); err != nil {
		return nil, err
	}
	return &Info{Dialect: store.Postgres, Version: version, Bytes: st.Size()}, nil
}

func restorePostgres(ctx context.Context, file, dsn string, o Options) (*Info, error) {
	conn, env, err := pgConn(dsn)
	if err != nil {
		return nil, err
	}
	// What the archive holds: pg_restore refuses what is not one of
	// pg_dump's archives; the migration table says whose and which.
	var data bytes.Buffer
	if err := pgTool(ctx, o.PgRestore, env, &data, "--data-only", "--table=goose_db_version", "--file=-", file); err != nil {
		return nil, model.Errorf(model.EINVALID, "%s is not a backup of a scrutin PostgreSQL database (pg_dump --format=custom): %v", file, err)
	}
	version, err := archiveVersion(&data)
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "%s: %v", file, err)
	}
	if err := checkVersion(file, version); err != nil {
		return nil, err
	}
	db, err := openPostgres(ctx, dsn)
	if err != nil {
		return nil, err
	}
	var tables int
	err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`).Scan(&tables)
	db.Close()
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if tables > 0 {
		return nil, model.Errorf(model.EINVALID, "the database holds %d tables: restore into a new, empty database (createdb), then point the servers at it; the current one stays as it is", tables)
	}
	// One transaction: a failure leaves the database empty.
	if err := pgTool(ctx, o.PgRestore, env, io.Discard, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
		"--dbname="+conn, file); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	sdb, err := store.Open(ctx, dsn, nil) // migrates to this build's schema
	if err != nil {
		return nil, fmt.Errorf("restore: migrating the restored database: %w", err)
	}
	sdb.Close()
	st, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	return &Info{Dialect: store.Postgres, Version: version, Bytes: st.Size()}, nil
}

// archiveVersion reads the highest applied migration from the
// goose_db_version data pg_restore prints (a COPY … FROM stdin block).
func archiveVersion(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	version, ver, applied := int64(-1), -1, -1
	in := false
	for sc.Scan() {
		line := sc.Text()
		if !in {
			cols, ok := copyColumns(line)
			if !ok {
				continue
			}
			for i, c := range cols {
				switch c {
				case "version_id":
					ver = i
				case "is_applied":
					applied = i
				}
			}
			if ver < 0 || applied < 0 {
				return 0, errors.New("its migration table lacks version_id or is_applied")
			}
			in = true
			continue
		}
		if line == `\.` {
			break
		}
		f := strings.Split(line, "\t")
		if len(f) <= max(ver, applied) {
			return 0, fmt.Errorf("malformed migration row %q", line)
		}
		if f[applied] != "t" {
			continue
		}
		v, err := strconv.ParseInt(f[ver], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("malformed migration version %q", f[ver])
		}
		version = max(version, v)
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	if !in {
		return 0, errors.New("not a scrutin backup: it holds no migration table (goose_db_version)")
	}
	return max(version, 0), nil
}

// copyColumns reads the columns of a "COPY [schema.]goose_db_version
// (a, b, …) FROM stdin;" line.
func copyColumns(line string) ([]string, bool) {
	rest, ok := strings.CutPrefix(line, "COPY ")
	if !ok {
		return nil, false
	}
	table, rest, ok := strings.Cut(rest, " (")
	if !ok || (table != "goose_db_version" && !strings.HasSuffix(table, ".goose_db_version")) {
		return nil, false
	}
	list, _, ok := strings.Cut(rest, ")")
	if !ok {
		return nil, false
	}
	cols := strings.Split(list, ",")
	for i := range cols {
		cols[i] = strings.Trim(strings.TrimSpace(cols[i]), `"`)
	}
	return cols, true
}

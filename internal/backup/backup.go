// Package backup copies a scrutin database to a file while servers use
// it, and puts such a copy back in place of a database no server uses.
//
// SQLite: the copy is made with VACUUM INTO from a read-only connection,
// which reads one consistent snapshot while servers go on writing (WAL
// mode); it is checked (integrity_check, schema version) before it
// takes its final name. Restoring checks the copy the same way, migrates
// it to this build's schema, refuses while the database file is open
// anywhere (SQLite's own lock says so), then swaps the files with
// renames, keeping the old database aside.
//
// PostgreSQL: the copy is pg_dump's custom format (one consistent
// snapshot, pg_dump being the tool that knows how to take one), and
// restoring runs pg_restore into a new, empty database, leaving the old
// one untouched: point the servers at the new one when it is done.
//
// Backup files are created readable by their owner only (0600). Both
// refuse what is not a scrutin database, and a schema newer than this
// build's.
package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// Info describes a backup made or restored.
type Info struct {
	Dialect string // store.SQLite or store.Postgres
	// Version is the schema version of the backup (its database's at the
	// time of the copy); a restored database is then migrated to
	// store.SchemaVersion().
	Version int64
	Bytes   int64 // size of the backup file
	// Aside is where restoring put the database it replaced ("" when
	// there was none, or for PostgreSQL, where nothing is replaced).
	Aside string
}

// Options are the tools and clock of Create and Restore; the zero value
// uses pg_dump and pg_restore from PATH and time.Now.
type Options struct {
	PgDump, PgRestore string
	Now               func() time.Time
}

func (o Options) withDefaults() Options {
	if o.PgDump == "" {
		o.PgDump = "pg_dump"
	}
	if o.PgRestore == "" {
		o.PgRestore = "pg_restore"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Create copies the database dsn (as store.Open takes it) to the new file
// path, consistently, while servers may be using the database. It never
// overwrites: an existing path is EINVALID.
func Create(ctx context.Context, dsn, path string, o Options) (*Info, error) {
	o = o.withDefaults()
	if err := checkNew(path); err != nil {
		return nil, err
	}
	if store.DialectOf(dsn) == store.Postgres {
		return createPostgres(ctx, dsn, path, o)
	}
	return createSQLite(ctx, dsn, path)
}

// Restore puts the backup in file back as the database dsn. SQLite: the
// database must not be in use (ECONFLICT); it is replaced atomically and
// kept aside as <name>.before-restore-<UTC time>. PostgreSQL: dsn must
// name an empty database (EINVALID otherwise). A file that is not a
// scrutin backup, or one made by a newer scrutin, is EINVALID; nothing
// is changed then.
func Restore(ctx context.Context, file, dsn string, o Options) (*Info, error) {
	o = o.withDefaults()
	st, err := os.Stat(file)
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "cannot read the backup: %v", err)
	}
	if !st.Mode().IsRegular() {
		return nil, model.Errorf(model.EINVALID, "%s is not a file", file)
	}
	if store.DialectOf(dsn) == store.Postgres {
		return restorePostgres(ctx, file, dsn, o)
	}
	return restoreSQLite(ctx, file, dsn, o)
}

// checkNew refuses a path that exists, or whose directory does not.
func checkNew(path string) error {
	if path == "" {
		return model.Errorf(model.EINVALID, "no backup file named")
	}
	if _, err := os.Lstat(path); err == nil {
		return model.Errorf(model.EINVALID, "%s already exists: a backup never overwrites a file; choose a new name", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return model.Errorf(model.EINVALID, "cannot write the backup: %v", err)
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return model.Errorf(model.EINVALID, "cannot write the backup %s: no directory %s", path, filepath.Dir(path))
	}
	return nil
}

// checkVersion refuses a schema version this build cannot use.
func checkVersion(what string, v int64) error {
	switch {
	case v < 1:
		return model.Errorf(model.EINVALID, "%s is not a scrutin database: its schema has no migration applied", what)
	case v > store.SchemaVersion():
		return model.Errorf(model.EINVALID, "%s was written by a newer scrutin (schema version %d; this one knows up to %d): use that version",
			what, v, store.SchemaVersion())
	}
	return nil
}

// appliedVersion reads the highest migration applied to db.
func appliedVersion(ctx context.Context, db *sql.DB, what string) (int64, error) {
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version WHERE is_applied`).Scan(&v); err != nil {
		return 0, model.Errorf(model.EINVALID, "%s is not a scrutin database (no migration table): %v", what, err)
	}
	return v.Int64, checkVersion(what, v.Int64)
}

// publish gives the finished temporary file tmp its name path, unless
// path has appeared meanwhile, and makes the rename durable.
func publish(tmp, path string) error {
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return model.Errorf(model.EINVALID, "%s already exists: a backup never overwrites a file; choose a new name", path)
		}
		// No hard links on this file system: check, then rename.
		if err := checkNew(path); err != nil {
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		return syncDir(filepath.Dir(path))
	}
	os.Remove(tmp)
	return syncDir(filepath.Dir(path))
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	// Some file systems cannot sync a directory; the rename is done.
	d.Sync()
	return nil
}

package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// The schema, one directory per dialect: the two say the same thing, each
// in its database's types (ids, times, JSON, booleans) and trigger syntax.
// A change to the schema is a new numbered file in both directories;
// applied files are never edited.
//
//go:embed migrations
var migrations embed.FS

// migrate applies the pending migrations (none is a no-op). goose records
// the applied versions in goose_db_version, runs each file in a
// transaction and, on PostgreSQL, holds an advisory lock so that servers
// starting together do not migrate twice.
func (db *DB) migrate(ctx context.Context) error {
	p, err := migrator(db.sql, db.dialect)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate %s database: %w", db.dialect, err)
	}
	return nil
}

// migrator is the goose provider of dialect's migrations on sqlDB.
func migrator(sqlDB *sql.DB, dialect string) (*goose.Provider, error) {
	dir, err := fs.Sub(migrations, "migrations/"+dialect)
	if err != nil {
		return nil, err
	}
	gd := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if dialect == Postgres {
		gd = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, sqlDB, dir, opts...)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// SchemaVersion is the version of the schema this build migrates to: the
// number of its last migration (the same in both dialects). A database
// (or a backup) at a higher version was written by a newer scrutin.
func SchemaVersion() int64 {
	entries, err := fs.ReadDir(migrations, "migrations/sqlite")
	if err != nil {
		panic(err) // embedded at build time
	}
	var v int64
	for _, e := range entries {
		digits, _, _ := strings.Cut(e.Name(), "_")
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil {
			panic(fmt.Sprintf("store: migration %s: no version number", e.Name()))
		}
		v = max(v, n)
	}
	return v
}

// DialectOf is the dialect Open uses for dsn: Postgres for
// "postgres://…" and "postgresql://…", SQLite for anything else.
func DialectOf(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}

package main

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/backup"
	"github.com/scrutin/scrutin/internal/store"
)

// backupOptions locate the server's database, as for scrutin serve.
type backupOptions struct {
	db   string
	data string
}

func (o *backupOptions) flags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.db, "db", "", "the server's database: an SQLite file, or postgres://… (default: <data dir>/scrutin.db)")
	f.StringVar(&o.data, "data", "", "the server's data directory (default: $SCRUTIN_DATA, else $XDG_DATA_HOME/scrutin, else ~/.local/share/scrutin)")
}

// database is the database --db and --data name, as scrutin serve finds
// it (without creating anything).
func (o backupOptions) database() (string, error) {
	if o.db != "" {
		return o.db, nil
	}
	dir, err := dataDir(o.data)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "scrutin.db"), nil
}

func newBackupCmd(e *env) *cobra.Command {
	var o backupOptions
	cmd := &cobra.Command{
		Use:   "backup FILE",
		Short: "Copy the server's database to FILE, consistently, while the server runs",
		Long: `Copy the database of scrutin serve (found as serve finds it: --db, else
<data dir>/scrutin.db) to FILE, a new file readable by its owner only.
Servers may go on working meanwhile: the copy is one consistent snapshot.

SQLite: the copy is an SQLite database (VACUUM INTO from a read-only
connection), checked (integrity, schema version) before it takes its name.
PostgreSQL: the copy is made by pg_dump in its custom format (the client
tools must be installed, of the server's major version or newer).

FILE must not exist: a backup never overwrites. Put it back with
scrutin restore FILE.`,
		Example: `  scrutin backup scrutin-$(date +%F).db
  scrutin backup --data /srv/scrutin /backups/scrutin.db
  scrutin backup --db postgres://scrutin@db/scrutin scrutin.pgdump`,
		Args: func(cmd *cobra.Command, args []string) error {
			if err := minArgs(1)(cmd, args); err != nil {
				return err
			}
			return maxArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBackup(cmd.Context(), o, args[0], e)
		},
	}
	o.flags(cmd)
	return cmd
}

func runBackup(ctx context.Context, o backupOptions, file string, e *env) error {
	dsn, err := o.database()
	if err != nil {
		return err
	}
	info, err := backup.Create(ctx, dsn, file, backup.Options{})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "scrutin: backed up %s (schema version %d) to %s (%d bytes)\n", redact(dsn), info.Version, file, info.Bytes)
	return nil
}

func newRestoreCmd(e *env) *cobra.Command {
	var o backupOptions
	cmd := &cobra.Command{
		Use:   "restore FILE",
		Short: "Put a backup made by scrutin backup back as the server's database (server stopped)",
		Long: `Put the backup in FILE (made by scrutin backup) back as the database of
scrutin serve, found as serve finds it: --db, else <data dir>/scrutin.db.

The backup is checked first: a scrutin database, intact, of a schema this
version knows (one made by a newer scrutin is refused); it is then
migrated to this version's schema.

SQLite: stop the server first; restore refuses while the database is open
anywhere. The database is replaced atomically, and the one it replaces is
kept next to it as <name>.before-restore-<UTC time> (with its write-ahead
log folded in), so nothing is lost.
PostgreSQL: --db must name a new, empty database (createdb); pg_restore
fills it in one transaction. The old database stays as it was: point the
servers at the new one.`,
		Example: `  scrutin restore scrutin-2026-03-14.db
  scrutin restore --data /srv/scrutin /backups/scrutin.db
  createdb scrutin_restored && scrutin restore --db postgres://scrutin@db/scrutin_restored scrutin.pgdump`,
		Args: func(cmd *cobra.Command, args []string) error {
			if err := minArgs(1)(cmd, args); err != nil {
				return err
			}
			return maxArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRestore(cmd.Context(), o, args[0], e)
		},
	}
	o.flags(cmd)
	return cmd
}

func runRestore(ctx context.Context, o backupOptions, file string, e *env) error {
	dsn, err := o.database()
	if err != nil {
		return err
	}
	info, err := backup.Restore(ctx, file, dsn, backup.Options{})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "scrutin: restored %s (schema version %d, now %d) into %s\n", file, info.Version, store.SchemaVersion(), redact(dsn))
	if info.Aside != "" {
		fmt.Fprintf(e.stdout, "scrutin: the database it replaced is kept as %s\n", info.Aside)
	}
	return nil
}

// redact hides the password of a PostgreSQL DSN.
func redact(dsn string) string {
	if store.DialectOf(dsn) != store.Postgres {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "the PostgreSQL database"
	}
	return u.Redacted()
}

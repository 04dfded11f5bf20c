package backup

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// sqliteBusy is SQLite's SQLITE_BUSY: another connection holds a lock.
const sqliteBusy = 5

// sqlitePath is the file of an SQLite dsn as store.Open takes it: a path
// or a file: URI.
func sqlitePath(dsn string) (string, error) {
	switch {
	case dsn == "":
		return "", model.Errorf(model.EINVALID, "no database named")
	case dsn == ":memory:":
		return "", model.Errorf(model.EINVALID, "a database in memory has nothing to back up or restore")
	case strings.HasPrefix(dsn, "file:"):
		u, err := url.Parse(dsn)
		if err != nil {
			return "", model.Errorf(model.EINVALID, "database %q: %v", dsn, err)
		}
		path := u.Path
		if path == "" {
			path = u.Opaque
		}
		if path == "" {
			return "", model.Errorf(model.EINVALID, "database %q names no file", dsn)
		}
		return path, nil
	}
	return dsn, nil
}

// sqliteURI is the URI that opens the SQLite file path with query (URI
// parameters and the driver's _pragma settings).
func sqliteURI(path, query string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: query}
	return u.String(), nil
}

// openSQLite opens the SQLite file path with query, on one connection.
func openSQLite(path, query string) (*sql.DB, error) {
	uri, err := sqliteURI(path, query)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", uri)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// isSQLite says whether the file at path starts as an SQLite database.
func isSQLite(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	if _, err := io.ReadFull(f, head); err != nil {
		return false, nil
	}
	return bytes.Equal(head, sqliteMagic), nil
}

// checkSQLite checks an SQLite file: a database, intact, at a schema
// version this build knows, which it returns.
func checkSQLite(ctx context.Context, path, what string) (int64, error) {
	ok, err := isSQLite(path)
	if err != nil {
		return 0, model.Errorf(model.EINVALID, "cannot read %s: %v", what, err)
	}
	if !ok {
		return 0, model.Errorf(model.EINVALID, "%s is not an SQLite database", what)
	}
	db, err := openSQLite(path, "mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return 0, model.Errorf(model.EINVALID, "%s is damaged: %v", what, err)
	}
	var problems []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return 0, err
		}
		if p != "ok" && len(problems) < 5 {
			problems = append(problems, p)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, model.Errorf(model.EINVALID, "%s is damaged: %v", what, err)
	}
	rows.Close()
	if len(problems) > 0 {
		return 0, model.Errorf(model.EINVALID, "%s is damaged (integrity check): %s", what, strings.Join(problems, "; "))
	}
	return appliedVersion(ctx, db, what)
}

func createSQLite(ctx context.Context, dsn, path string) (*Info, error) {
	src, err := sqlitePath(dsn)
	if err != nil {
		return nil, err
	}
	if ok, err := isSQLite(src); err != nil || !ok {
		if err == nil {
			err = errors.New("not an SQLite database")
		}
		return nil, model.Errorf(model.EINVALID, "no database to back up at %s: %v", src, err)
	}
	// Read-only: the backup never writes to the live database, and
	// never migrates it.
	db, err := openSQLite(src, "mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := appliedVersion(ctx, db, src); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*") // 0600
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name()) // gone already once published
	// VACUUM INTO reads one snapshot (a read transaction: writers go on
	// in WAL mode) and writes it, compacted, into the empty file.
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp.Name()); err != nil {
		return nil, fmt.Errorf("backup of %s: %w", src, err)
	}
	if err := syncFile(tmp.Name()); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	version, err := checkSQLite(ctx, tmp.Name(), "the copy")
	if err != nil {
		return nil, fmt.Errorf("backup of %s: %w", src, err)
	}
	st, err := os.Stat(tmp.Name())
	if err != nil {
		return nil, err
	}
	if err := publish(tmp.Name(), path); err != nil {
		return nil, err
	}
	return &Info{Dialect: store.SQLite, Version: version, Bytes: st.Size()}, nil
}

func restoreSQLite(ctx context.Context, file, dsn string, o Options) (*Info, error) {
	dst, err := sqlitePath(dsn)
	if err != nil {
		return nil, err
	}
	version, err := checkSQLite(ctx, file, file)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return nil, model.Errorf(model.EINVALID, "cannot create the database's directory: %v", err)
	}
	// The copy is prepared next to the database (same file system, so
	// that the final rename is atomic), and migrated to this build's
	// schema there: if anything fails, the database is untouched.
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".restore-*") // 0600
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	tmpName := tmp.Name()
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmpName + suffix) // gone already once in place
		}
	}()
	err = copyFile(tmp, file)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("restore: copying %s: %w", file, err)
	}
	db, err := store.Open(ctx, tmpName, nil)
	if err != nil {
		return nil, fmt.Errorf("restore: migrating the copy of %s: %w", file, err)
	}
	if err := db.Close(); err != nil { // checkpoints: the copy is one file again
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := syncFile(tmpName); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}

	aside := ""
	if _, err := os.Lstat(dst); err == nil {
		if aside, err = setAside(ctx, dst, o); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := os.Rename(tmpName, dst); err != nil {
		return nil, fmt.Errorf("restore: putting the copy in place: %w (the previous database is at %s)", err, aside)
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return nil, err
	}
	return &Info{Dialect: store.SQLite, Version: version, Bytes: st.Size(), Aside: aside}, nil
}

// setAside moves the database dst (with its WAL files, if any) out of the
// way and returns its new name. It refuses a file that is not an SQLite
// database, and one in use: an open connection anywhere keeps SQLite
// from granting the exclusive lock asked for here. Holding that lock, it
// folds the write-ahead log into the file, so that no log of the old
// database is left to be applied to the new one.
func setAside(ctx context.Context, dst string, o Options) (string, error) {
	ok, err := isSQLite(dst)
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	if !ok {
		return "", model.Errorf(model.EINVALID, "%s exists and is not an SQLite database: not replacing it", dst)
	}
	db, err := openSQLite(dst, "mode=rw&_pragma=busy_timeout(0)&_pragma=locking_mode(EXCLUSIVE)")
	if err != nil {
		return "", err
	}
	var n int
	err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master`).Scan(&n)
	if err == nil {
		_, err = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqliteBusy {
		return "", model.Errorf(model.ECONFLICT, "%s is in use: stop the server (scrutin serve) and every other program using it, then restore", dst)
	}
	if err != nil {
		return "", fmt.Errorf("restore: the current database %s: %w", dst, err)
	}
	aside := dst + ".before-restore-" + o.Now().UTC().Format("20060102T150405Z")
	for i := 2; exists(aside); i++ {
		aside = fmt.Sprintf("%s.before-restore-%s-%d", dst, o.Now().UTC().Format("20060102T150405Z"), i)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Rename(dst+suffix, aside+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("restore: setting the current database aside: %w", err)
		}
	}
	return aside, nil
}

// copyFile copies the file src into f and syncs f.
func copyFile(f *os.File, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if _, err := io.Copy(f, in); err != nil {
		return err
	}
	return f.Sync()
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

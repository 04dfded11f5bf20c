// Package storetest helps tests that need a real PostgreSQL: the shared
// store suite, and the web and backup tests that run against it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// PostgresDSN is the server the tests use (SCRUTIN_TEST_POSTGRES, set by
// .ci/postgres.sh), "" when there is none.
func PostgresDSN() string { return os.Getenv("SCRUTIN_TEST_POSTGRES") }

// NewPostgresDB creates a database named prefix_ and random hex on the
// test server, dropped when the test ends, and returns its DSN.
func NewPostgresDB(tb testing.TB, prefix string) string {
	tb.Helper()
	base := PostgresDSN()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	var b [8]byte
	rand.Read(b[:])
	name := prefix + "_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create database (the role needs CREATEDB): %v", err)
	}
	tb.Cleanup(func() {
		// Runs after the test's own cleanups registered later, such as a
		// store's Close (cleanups run last-in first-out).
		admin, err := sql.Open("pgx", base)
		if err != nil {
			tb.Error(err)
			return
		}
		defer admin.Close()
		// FORCE ends the connections left; it fails while an autovacuum
		// worker is in the database unless the role has pg_signal_backend
		// (.ci/postgres.sh grants it), so try again for a while.
		for try := 0; ; try++ {
			_, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			if err == nil {
				return
			}
			if try == 50 {
				tb.Errorf("drop database %s: %v", name, err)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

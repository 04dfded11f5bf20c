package store

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

func testAudit(t *testing.T, open opener) {
	c := newClock()
	db := open(t, c.Now)
	f := newFixture(t, db)

	at := c.peek()
	e := &AuditEntry{OrgID: f.a.ID, UserID: f.alice.ID, Action: "model.save", Target: "model/1",
		Details: json.RawMessage(`{"revision": 2}`), Remote: "192.0.2.1"}
	must(t, db.Audit(ctx, e))
	if e.ID == 0 || e.At != at || e.Email != f.alice.Email {
		t.Fatalf("Audit = %+v", e)
	}
	site := &AuditEntry{UserID: f.bob.ID, Email: "bob-then@b.example", Action: "org.create", Target: "org/agency"}
	must(t, db.Audit(ctx, site))
	anon := &AuditEntry{Action: "login.failed", Remote: "198.51.100.7"}
	must(t, db.Audit(ctx, anon))
	must(t, db.Audit(ctx, &AuditEntry{OrgID: f.b.ID, UserID: f.bob.ID, Action: "run.create"}))

	wantCode(t, db.Audit(ctx, &AuditEntry{OrgID: f.a.ID}), model.EINVALID)
	wantCode(t, db.Audit(ctx, &AuditEntry{Action: "x", Details: json.RawMessage("{")}), model.EINVALID)

	log, err := db.AuditLog(ctx, f.a.ID, Page{})
	must(t, err)
	if len(log) != 1 {
		t.Fatalf("AuditLog(A) = %+v", log)
	}
	got := log[0]
	if got.ID != e.ID || got.At != at || got.UserID != f.alice.ID || got.Email != f.alice.Email ||
		got.Action != "model.save" || got.Target != "model/1" || got.Remote != "192.0.2.1" || got.OrgID != f.a.ID {
		t.Fatalf("entry = %+v, want %+v", got, e)
	}
	jsonEqual(t, got.Details, e.Details)

	siteLog, err := db.AuditLog(ctx, "", Page{})
	must(t, err)
	if len(siteLog) != 2 || siteLog[0].ID != anon.ID || siteLog[1].ID != site.ID {
		t.Fatalf("site-wide AuditLog = %+v", siteLog)
	}
	if siteLog[0].UserID != 0 || siteLog[0].Email != "" || siteLog[0].Details != nil {
		t.Fatalf("anonymous entry = %+v", siteLog[0])
	}
	if siteLog[1].Email != "bob-then@b.example" {
		t.Fatalf("the email given is kept: %+v", siteLog[1])
	}
}

// testAuditAppendOnly: the database itself refuses to change or delete
// audit entries, whatever SQL is sent.
func testAuditAppendOnly(t *testing.T, open opener) {
	db := open(t, nil)
	e := &AuditEntry{OrgID: "x", Action: "model.save", Target: "model/1"}
	must(t, db.Audit(ctx, e))

	statements := []string{
		`UPDATE audit SET action = 'nothing' WHERE id = ?`,
		`UPDATE audit SET org_id = 'y'`,
		`DELETE FROM audit WHERE id = ?`,
		`DELETE FROM audit`,
	}
	if db.Dialect() == Postgres {
		statements = append(statements, `TRUNCATE audit`)
	}
	for _, stmt := range statements {
		var args []any
		if strings.Contains(stmt, "?") {
			args = []any{e.ID}
		}
		_, err := db.sql.ExecContext(ctx, db.rebind(stmt), args...)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: error %v, want the append-only refusal", stmt, err)
		}
		// Nor inside a transaction.
		err = db.WithTx(ctx, func(tx *DB) error {
			_, err := tx.exec(ctx, stmt, args...)
			return err
		})
		if err == nil {
			t.Errorf("%s in a transaction: no error", stmt)
		}
	}
	log, err := db.AuditLog(ctx, "x", Page{})
	must(t, err)
	if len(log) != 1 || log[0].Action != "model.save" || log[0].OrgID != "x" {
		t.Fatalf("audit log changed: %+v", log)
	}
}

func testWithTx(t *testing.T, open opener) {
	db := open(t, nil)
	f := newFixture(t, db)

	// A change and its audit entry, together.
	var m *Model
	err := db.WithTx(ctx, func(tx *DB) error {
		var err error
		m, err = tx.CreateModel(ctx, f.a.ID, "tx model", &Revision{YAML: "x", AuthorID: f.alice.ID})
		if err != nil {
			return err
		}
		// Nested: the same transaction.
		return tx.WithTx(ctx, func(tx *DB) error {
			return tx.Audit(ctx, &AuditEntry{OrgID: f.a.ID, UserID: f.alice.ID, Action: "model.create", Target: "model"})
		})
	})
	must(t, err)
	if _, err := db.Model(ctx, f.a.ID, m.ID); err != nil {
		t.Fatal(err)
	}

	// An error rolls both back, and WithTx returns it as is.
	errBoom := errors.New("boom")
	var rolled *Model
	err = db.WithTx(ctx, func(tx *DB) error {
		var err error
		rolled, err = tx.SaveModel(ctx, f.a.ID, m.ID, 1, &Revision{YAML: "y", AuthorID: f.alice.ID})
		if err != nil {
			return err
		}
		if err := tx.Audit(ctx, &AuditEntry{OrgID: f.a.ID, Action: "model.save"}); err != nil {
			return err
		}
		return errBoom
	})
	if err != errBoom {
		t.Fatalf("WithTx = %v, want boom", err)
	}
	if rolled == nil || rolled.Revision != 2 {
		t.Fatalf("inside the transaction: %+v", rolled)
	}
	got, err := db.Model(ctx, f.a.ID, m.ID)
	must(t, err)
	if got.Revision != 1 {
		t.Fatalf("revision after rollback = %d, want 1", got.Revision)
	}
	_, err = db.Revision(ctx, f.a.ID, m.ID, 2)
	wantCode(t, err, model.ENOTFOUND)
	log, err := db.AuditLog(ctx, f.a.ID, Page{})
	must(t, err)
	if len(log) != 1 || log[0].Action != "model.create" {
		t.Fatalf("audit log after rollback = %+v", log)
	}

	// A store error inside fn comes back with its code.
	err = db.WithTx(ctx, func(tx *DB) error {
		_, err := tx.SaveModel(ctx, f.a.ID, m.ID, 5, &Revision{YAML: "z", AuthorID: f.alice.ID})
		return err
	})
	wantCode(t, err, model.ECONFLICT)
	if err := db.WithTx(ctx, func(tx *DB) error { return tx.Close() }); err == nil {
		t.Fatal("Close inside a transaction: no error")
	}

	// A panic rolls back, and the database stays writable.
	func() {
		defer func() {
			if p := recover(); p != "bug" {
				t.Fatalf("recovered %v, want the panic", p)
			}
		}()
		db.WithTx(ctx, func(tx *DB) error {
			must(t, tx.Audit(ctx, &AuditEntry{OrgID: f.a.ID, Action: "panicked"}))
			panic("bug")
		})
	}()
	must(t, db.Audit(ctx, &AuditEntry{OrgID: f.a.ID, Action: "after panic"}))
	log, err = db.AuditLog(ctx, f.a.ID, Page{})
	must(t, err)
	if len(log) != 2 || log[0].Action != "after panic" {
		t.Fatalf("audit log after a panic = %+v", log)
	}
}

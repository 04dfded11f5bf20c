package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/store"
)

// hostileYAML is a valid model but for 300 KB of "- - - … x" under an
// x- key, which the model's format ignores: a block sequence 150,000
// levels deep, which took the YAML parser minutes and gigabytes.
func hostileYAML(t testing.TB) string {
	return exampleModel(t, "minimal.yaml") + "x-deep:\n  " + strings.Repeat("- ", 150_000) + "x\n"
}

// TestHostileModel: the API refuses a hostile model at once, with the
// problem and where; and a hostile model already in the store (saved
// before the bounds existed), whose run the server starts, fails that run
// with the same problem and leaves the server serving.
func TestHostileModel(t *testing.T) {
	backends(t, true, func(t *testing.T, dsn func(testing.TB) string) {
		c := &clock{}
		ts := startServer(t, dsn(t), testConfig(c), c)
		admin := ts.signIn(t, DefaultAdminEmail, adminPassword)
		yaml := hostileYAML(t)

		e := admin.want(http.StatusUnprocessableEntity, "POST", "/api/v1/orgs/demo/models",
			map[string]string{"name": "hostile", "yaml": yaml}).errorOf()
		if len(e.Problems) != 1 || !strings.Contains(e.Problems[0].Message, "nested too deeply") || e.Problems[0].File != "hostile" || e.Problems[0].Line < 1 {
			t.Errorf("the API's answer: %+v", e)
		}

		ctx := context.Background()
		u, err := ts.db.UserByEmail(ctx, DefaultAdminEmail)
		if err != nil {
			t.Fatal(err)
		}
		m, err := ts.db.CreateModel(ctx, "demo", "stored hostile", &store.Revision{YAML: yaml, AuthorID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		run := &store.Run{OrgID: "demo", ModelID: m.ID, Trials: 1000, Seed: 1, CreatedBy: u.ID}
		if err := ts.db.CreateRun(ctx, run); err != nil {
			t.Fatal(err)
		}
		got := waitFor(t, admin, fmt.Sprintf("/api/v1/orgs/demo/runs/%d", run.ID), time.Minute, func(r runView) bool {
			return r.Status != store.RunQueued && r.Status != store.RunRunning
		})
		if got.Status != store.RunFailed || !strings.Contains(got.Error, "nested too deeply") {
			t.Errorf("the run of the stored hostile model: %s, %q", got.Status, got.Error)
		}
		admin.want(http.StatusOK, "GET", "/healthz", nil)
	})
}

package web

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	"github.com/danielgtaylor/huma/v2"
)

// TestFinishedRunKept: GET /runs/{id} of a finished run answers the same
// bytes every time, those encoding/json writes of the stored run, and
// only to those who may read it: not to another organisation's member,
// nor once the run is deleted (with its model), though it was answered a
// moment before.
func TestFinishedRunKept(t *testing.T) {
	c := &clock{}
	ts := startServer(t, ":memory:", testConfig(c), c)
	admin := ts.signIn(t, DefaultAdminEmail, adminPassword)
	admin.want(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": "olga@example.org", "password": "olga-password"})
	admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": "other", "name": "Other", "kind": "party", "owner": "olga@example.org"})
	olga := ts.signIn(t, "olga@example.org", "olga-password")
	var saved savedModel
	admin.want(http.StatusCreated, "POST", "/api/v1/orgs/demo/models", map[string]string{"name": "copy", "yaml": scenariosModel(3)}).decode(&saved)
	w := &uiWorld{ts: ts}
	id := w.runModel(t, admin, "demo", saved.ID, map[string]any{"trials": 500, "seed": 7})
	path := fmt.Sprintf("/api/v1/orgs/demo/runs/%d", id)

	stored, err := ts.db.Run(t.Context(), "demo", id)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := huma.DefaultJSONFormat.Marshal(&want, viewRun(stored)); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if got := admin.want(http.StatusOK, "GET", path, nil).body; !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("answer %d:\n got %s\nwant %s", i, got, want.Bytes())
		}
	}
	olga.want(http.StatusNotFound, "GET", path, nil)
	olga.want(http.StatusNotFound, "GET", fmt.Sprintf("/api/v1/orgs/other/runs/%d", id), nil)
	admin.want(http.StatusNoContent, "DELETE", fmt.Sprintf("/api/v1/orgs/demo/models/%d", saved.ID), nil)
	admin.want(http.StatusNotFound, "GET", path, nil)
}

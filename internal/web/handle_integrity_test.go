package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/scrutin/scrutin/internal/report"
)

// TestRevisionAuditAPI: GET …/revisions/{rev}/audit answers, for each
// contest, exactly what `scrutin audit --format json` prints
// (report.IntegrityJSON), at each contest's risk limit or at risk_limit;
// an empty array for a model without contests; a risk limit outside
// (0, 1) is refused with 422; another organisation's model is not found.
func TestRevisionAuditAPI(t *testing.T) {
	ts, admin, id, minimal := integrityServer(t)
	m := integrityModel(t)
	for _, risk := range []float64{0, 0.2} {
		var cs []report.ContestAudit
		for _, c := range report.AssessContests(m, risk) {
			cs = append(cs, c.Audit)
		}
		var cli bytes.Buffer
		if err := report.IntegrityJSON(&cli, cs); err != nil {
			t.Fatal(err)
		}
		var want, got any
		if err := json.Unmarshal(cli.Bytes(), &want); err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/api/v1/orgs/demo/models/%d/revisions/1/audit", id)
		if risk != 0 {
			path += fmt.Sprintf("?risk_limit=%v", risk)
		}
		admin.want(http.StatusOK, "GET", path, nil).decode(&got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("risk %v:\n got %v\nwant %v", risk, got, want)
		}
	}
	var none []any
	admin.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/demo/models/%d/revisions/1/audit", minimal), nil).decode(&none)
	if none == nil || len(none) != 0 {
		t.Errorf("a model without contests: %v, want []", none)
	}
	for _, bad := range []string{"0", "1", "-1", "abc", "1e400"} {
		admin.want(http.StatusUnprocessableEntity, "GET", fmt.Sprintf("/api/v1/orgs/demo/models/%d/revisions/1/audit?risk_limit=%s", id, bad), nil)
	}
	admin.want(http.StatusNotFound, "GET", fmt.Sprintf("/api/v1/orgs/demo/models/%d/revisions/2/audit", id), nil)
	admin.want(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": "x@example.org", "password": "x-password-long", "name": "X"})
	admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": "other", "name": "Other", "kind": "party", "owner": "x@example.org"})
	x := ts.signIn(t, "x@example.org", "x-password-long")
	x.want(http.StatusNotFound, "GET", fmt.Sprintf("/api/v1/orgs/demo/models/%d/revisions/1/audit", id), nil)
}

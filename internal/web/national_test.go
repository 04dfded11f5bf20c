package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/national"
)

// TestNationalRunAPI: two organisations opt in to an agency's national
// runs with a model each; the agency's national run simulates their
// latest succeeded runs together, and gives the figures `scrutin
// national` gives for the same models, seed and trials, bit for bit —
// portfolio-level figures only.
func TestNationalRunAPI(t *testing.T) {
	backends(t, false, func(t *testing.T, dsn func(testing.TB) string) {
		c := &clock{}
		ts := startServer(t, dsn(t), testConfig(c), c)
		admin := ts.signIn(t, DefaultAdminEmail, adminPassword)
		for _, u := range []string{"pat", "min", "eve"} {
			admin.want(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": u + "@example.org", "password": u + "-password", "name": u})
		}
		admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": "party", "name": "Party", "kind": "party", "owner": "pat@example.org"})
		admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": "authority", "name": "Authority", "kind": "election-authority", "owner": "min@example.org"})
		admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": "anssi", "name": "Agency", "kind": "agency", "owner": "eve@example.org"})
		pat, min, eve := ts.signIn(t, "pat@example.org", "pat-password"), ts.signIn(t, "min@example.org", "min-password"), ts.signIn(t, "eve@example.org", "eve-password")

		const trials, seed = 5000, 11
		models := map[string]*model.Model{}
		for _, m := range []struct {
			c        *client
			org, src string
		}{{pat, "party", "../../examples/national/party.yaml"}, {min, "authority", "../../examples/national/authority.yaml"}} {
			yaml := readFile(t, m.src)
			var created struct{ ID int64 }
			m.c.want(http.StatusCreated, "POST", "/api/v1/orgs/"+m.org+"/models", map[string]any{"name": m.org, "yaml": string(yaml)}).decode(&created)
			var run runView
			m.c.want(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/orgs/%s/models/%d/runs", m.org, created.ID), map[string]any{"trials": 2000}).decode(&run)
			waitFor(t, m.c, fmt.Sprintf("/api/v1/orgs/%s/runs/%d", m.org, run.ID), time.Minute, func(r runView) bool { return r.Status == "succeeded" })
			m.c.want(http.StatusOK, "PUT", "/api/v1/orgs/"+m.org+"/shares/anssi", nil)
			// Opting in needs the organisation's own model, and a share.
			m.c.want(http.StatusNotFound, "PUT", "/api/v1/orgs/"+m.org+"/shares/anssi/joint", map[string]any{"model_id": created.ID + 1000})
			m.c.want(http.StatusOK, "PUT", "/api/v1/orgs/"+m.org+"/shares/anssi/joint", map[string]any{"model_id": created.ID})
			dm, err := model.Decode(m.org, yaml)
			if err != nil {
				t.Fatal(err)
			}
			models[m.org] = dm
		}
		pat.want(http.StatusNotFound, "PUT", "/api/v1/orgs/party/shares/no-agency/joint", map[string]any{"model_id": 1})

		// Only an agency's analysts start national runs.
		pat.want(http.StatusNotFound, "POST", "/api/v1/orgs/party/national-runs", map[string]any{})
		pat.want(http.StatusNotFound, "POST", "/api/v1/orgs/anssi/national-runs", map[string]any{})
		var n nationalRunView
		eve.want(http.StatusAccepted, "POST", "/api/v1/orgs/anssi/national-runs", map[string]any{"trials": trials, "seed": seed}).decode(&n)
		if len(n.Members) != 2 || n.Members[0].Org != "authority" || n.Members[1].Org != "party" {
			t.Fatalf("members %+v", n.Members)
		}
		n = waitFor(t, eve, fmt.Sprintf("/api/v1/orgs/anssi/national-runs/%d", n.ID), time.Minute, func(v nationalRunView) bool {
			return v.Status == "succeeded" || v.Status == "failed"
		})
		if n.Status != "succeeded" || n.Progress != 1 {
			t.Fatalf("national run %+v", n)
		}
		want, err := national.Run(context.Background(), []national.Member{{Org: "authority", Model: models["authority"]}, {Org: "party", Model: models["party"]}},
			national.Options{Trials: trials, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		var got national.Result
		if err := json.Unmarshal(n.Result, &got); err != nil {
			t.Fatal(err)
		}
		wantJSON, _ := json.Marshal(want)
		gotJSON, _ := json.Marshal(&got)
		if string(gotJSON) != string(wantJSON) {
			t.Errorf("the server's national run differs from scrutin national's:\n got %s\nwant %s", gotJSON, wantJSON)
		}
		var raw map[string]any
		_ = json.Unmarshal(n.Result, &raw)
		if keys(raw) != "currency,cycle_years,diversification,independent,organisations,portfolio,seed,shared,trials" {
			t.Errorf("a national result shows more (or less) than portfolio-level figures: %s", keys(raw))
		}
		// The organisations do not see the agency's runs; a finished run
		// cannot be canceled.
		pat.want(http.StatusNotFound, "GET", fmt.Sprintf("/api/v1/orgs/anssi/national-runs/%d", n.ID), nil)
		eve.want(http.StatusConflict, "POST", fmt.Sprintf("/api/v1/orgs/anssi/national-runs/%d/cancel", n.ID), nil)
		var runs list[nationalRunView]
		eve.want(http.StatusOK, "GET", "/api/v1/orgs/anssi/national-runs", nil).decode(&runs)
		if len(runs.Items) != 1 || runs.Items[0].Result != nil {
			t.Errorf("list %+v", runs.Items)
		}

		// Opted out, both: no national run.
		pat.want(http.StatusOK, "DELETE", "/api/v1/orgs/party/shares/anssi/joint", nil)
		min.want(http.StatusOK, "DELETE", "/api/v1/orgs/authority/shares/anssi/joint", nil)
		e := eve.want(http.StatusUnprocessableEntity, "POST", "/api/v1/orgs/anssi/national-runs", map[string]any{}).errorOf()
		if e.Code != model.EINVALID {
			t.Errorf("no member: %+v", e)
		}
		var shares list[map[string]any]
		pat.want(http.StatusOK, "GET", "/api/v1/orgs/party/shares", nil).decode(&shares)
		if len(shares.Items) != 1 || shares.Items[0]["joint_model_id"] != nil || !reflect.DeepEqual(keys(shares.Items[0]), "agency,created_at,created_by,joint_model_id,org") {
			t.Errorf("shares %v", shares.Items)
		}
	})
}

package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func testHealth(t *testing.T, w *world) {
	if r := w.anon.want(http.StatusOK, "GET", "/healthz", nil).obj(); r["status"] != "ok" {
		t.Errorf("healthz: %v", r)
	}
	if r := w.anon.want(http.StatusOK, "GET", "/readyz", nil).obj(); r["status"] != "ok" || r["database"] != "ok" || r["workers"] != "ok" {
		t.Errorf("readyz: %v", r)
	}
	m := string(w.anon.want(http.StatusOK, "GET", "/metrics", nil).body)
	for _, want := range []string{
		`scrutin_http_requests_total{route="POST /api/v1/auth/token",status="201"}`,
		`scrutin_http_request_duration_seconds_bucket{route="GET /api/v1/orgs/{org}/runs/{id}"`,
		`scrutin_jobs_total{kind="run",status="succeeded"}`, `scrutin_jobs_total{kind="run",status="canceled"}`,
		`scrutin_jobs_total{kind="plan",status="succeeded"}`, `scrutin_jobs_running{kind="run"}`, "scrutin_jobs_queued ",
		`scrutin_job_seconds_count{kind="run"}`, `scrutin_job_wait_seconds_count{kind="plan"}`,
		"scrutin_simulated_years_total ", "go_goroutines ",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(m, "scrutin_simulated_years_total 0\n") {
		t.Errorf("no simulated years counted")
	}
}

// apiRoutes are the routes the API must have (and its document list).
var apiRoutes = []string{
	"POST /api/v1/auth/token", "DELETE /api/v1/auth/token", "POST /api/v1/auth/login", "POST /api/v1/auth/logout", "GET /api/v1/me",
	"POST /api/v1/users", "GET /api/v1/users", "POST /api/v1/users/{email}/disable", "POST /api/v1/users/{email}/enable",
	"PUT /api/v1/users/{email}/password", "DELETE /api/v1/users/{email}/tokens", "PUT /api/v1/me/password", "POST /api/v1/orgs", "GET /api/v1/orgs", "GET /api/v1/orgs/{org}",
	"GET /api/v1/orgs/{org}/members", "PUT /api/v1/orgs/{org}/members/{email}", "DELETE /api/v1/orgs/{org}/members/{email}",
	"GET /api/v1/orgs/{org}/models", "POST /api/v1/orgs/{org}/models", "GET /api/v1/orgs/{org}/models/{id}",
	"PUT /api/v1/orgs/{org}/models/{id}", "DELETE /api/v1/orgs/{org}/models/{id}", "GET /api/v1/orgs/{org}/models/{id}/revisions",
	"GET /api/v1/orgs/{org}/models/{id}/revisions/{rev}", "GET /api/v1/orgs/{org}/models/{id}/revisions/{rev}/audit", "GET /api/v1/orgs/{org}/models/{id}/diff",
	"POST /api/v1/orgs/{org}/models/{id}/runs", "GET /api/v1/orgs/{org}/runs", "GET /api/v1/orgs/{org}/runs/{id}",
	"POST /api/v1/orgs/{org}/runs/{id}/cancel", "POST /api/v1/orgs/{org}/evidence", "GET /api/v1/orgs/{org}/evidence",
	"GET /api/v1/orgs/{org}/evidence/{id}", "DELETE /api/v1/orgs/{org}/evidence/{id}", "POST /api/v1/orgs/{org}/models/{id}/plans",
	"GET /api/v1/orgs/{org}/plans", "GET /api/v1/orgs/{org}/plans/{id}", "POST /api/v1/orgs/{org}/plans/{id}/cancel",
	"GET /api/v1/orgs/{org}/shares", "PUT /api/v1/orgs/{org}/shares/{agency}", "DELETE /api/v1/orgs/{org}/shares/{agency}",
	"PUT /api/v1/orgs/{org}/shares/{agency}/joint", "DELETE /api/v1/orgs/{org}/shares/{agency}/joint",
	"POST /api/v1/orgs/{org}/national-runs", "GET /api/v1/orgs/{org}/national-runs", "GET /api/v1/orgs/{org}/national-runs/{id}",
	"POST /api/v1/orgs/{org}/national-runs/{id}/cancel",
	"GET /api/v1/orgs/{org}/evidence-streams", "POST /api/v1/orgs/{org}/evidence-streams/{kind}/snapshot",
	"GET /api/v1/orgs/{org}/national", "GET /api/v1/orgs/{org}/audit", "GET /api/v1/audit",
	"GET /healthz", "GET /readyz", "GET /metrics",
}

func testOpenAPI(t *testing.T, w *world) {
	r := w.anon.want(http.StatusOK, "GET", "/api/v1/openapi.json", nil)
	var doc struct {
		OpenAPI    string `json:"openapi"`
		Info       struct{ Title, Version, Description string }
		Paths      map[string]map[string]json.RawMessage
		Components struct {
			Schemas         map[string]json.RawMessage
			SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
		}
	}
	r.decode(&doc)
	if doc.OpenAPI != "3.1.0" || doc.Info.Title == "" || !strings.Contains(doc.Info.Description, "next_cursor") {
		t.Errorf("openapi %q, info %+v", doc.OpenAPI, doc.Info)
	}
	if doc.Components.SecuritySchemes["bearer"] == nil || doc.Components.SecuritySchemes["session"] == nil {
		t.Errorf("security schemes: %v", doc.Components.SecuritySchemes)
	}
	var listed []string
	ids := map[string]bool{}
	for p, ops := range doc.Paths {
		for m, raw := range ops {
			listed = append(listed, strings.ToUpper(m)+" "+p)
			var op struct {
				OperationID string                     `json:"operationId"`
				Responses   map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			if op.OperationID == "" || ids[op.OperationID] || len(op.Responses) == 0 {
				t.Errorf("%s %s: operationId %q (unique?), %d responses", m, p, op.OperationID, len(op.Responses))
			}
			ids[op.OperationID] = true
		}
	}
	sort.Strings(listed)
	want := slices.Clone(apiRoutes)
	sort.Strings(want)
	if !slices.Equal(listed, want) {
		t.Errorf("the document lists\n%s\nwant\n%s", strings.Join(listed, "\n"), strings.Join(want, "\n"))
	}
	// Every route listed is served (not the answer to unknown routes).
	for _, rt := range apiRoutes {
		m, p, _ := strings.Cut(rt, " ")
		p = strings.NewReplacer("{org}", "party-a", "{id}", "1", "{rev}", "1", "{email}", "x@example.org", "{agency}", "anssi").Replace(p)
		res := w.anon.do(m, p, nil)
		if res.status == http.StatusNotFound || res.status == http.StatusMethodNotAllowed {
			if e := res.errorOf(); strings.HasPrefix(e.Message, "no such route") || e.Code == codeNoMethod {
				t.Errorf("%s is listed but not served: %s", rt, res.body)
			}
		}
	}
	// Every reference resolves.
	for _, ref := range refs(mustJSON(t, r.body)) {
		name, ok := strings.CutPrefix(ref, "#/components/schemas/")
		if !ok || doc.Components.Schemas[name] == nil {
			t.Errorf("dangling $ref %s", ref)
		}
	}
	if doc.Components.Schemas["ErrorBody"] == nil {
		t.Errorf("no ErrorBody schema: %v", keysOf(doc.Components.Schemas))
	}
	// OpenAPI 3.1's schemas are JSON Schema 2020-12: each must be valid, and
	// the server's answers must match the schemas the document gives them.
	c := jsonschema.NewCompiler()
	meta, err := c.Compile("https://json-schema.org/draft/2020-12/schema")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	for name, sch := range raw.(map[string]any)["components"].(map[string]any)["schemas"].(map[string]any) {
		if err := meta.Validate(sch); err != nil {
			t.Errorf("schema %s is not valid JSON Schema 2020-12: %v", name, err)
		}
	}
	const base = "https://scrutin.invalid/openapi.json"
	if err := c.AddResource(base, raw); err != nil {
		t.Fatal(err)
	}
	answers := []struct {
		route, status string
		r             response
	}{
		{"GET /api/v1/me", "200", w.alice.want(http.StatusOK, "GET", "/api/v1/me", nil)},
		{"GET /api/v1/orgs/{org}/models", "200", w.alice.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/models", nil)},
		{"GET /api/v1/orgs/{org}/models/{id}", "200", w.alice.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/models/%d", w.minimal), nil)},
		{"GET /api/v1/orgs/{org}/runs/{id}", "200", w.alice.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/runs/%d", w.calibratedRun), nil)},
		{"GET /api/v1/orgs/{org}/runs", "200", w.alice.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/runs", nil)},
		{"GET /api/v1/orgs/{org}/plans/{id}", "200", w.alice.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/plans/%d", w.plan), nil)},
		{"GET /api/v1/orgs/{org}/evidence/{id}", "200", w.alice.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/evidence/%d", w.evidence["zeek"]), nil)},
		{"GET /api/v1/orgs/{org}/national", "200", w.eve.want(http.StatusOK, "GET", "/api/v1/orgs/anssi/national", nil)},
		{"GET /api/v1/orgs/{org}/audit", "200", w.alice.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/audit", nil)},
		{"GET /api/v1/orgs/{org}/models/{id}/diff", "200", w.alice.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/diff", w.minimal), nil)},
		{"GET /api/v1/orgs/{org}/runs/{id}", "404", w.bob.want(http.StatusNotFound, "GET", fmt.Sprintf("/api/v1/orgs/party-a/runs/%d", w.run), nil)},
		{"POST /api/v1/orgs/{org}/models", "422", w.alice.want(http.StatusUnprocessableEntity, "POST", "/api/v1/orgs/party-a/models", map[string]string{"name": "x", "yaml": "scrutin: 1"})},
	}
	for _, a := range answers {
		ref := responseRef(t, mustJSON(t, r.body), a.route, a.status)
		sch, err := c.Compile(base + ref)
		if err != nil {
			t.Fatalf("%s %s: %v", a.route, ref, err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(a.r.body))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s answered %s, which does not match its schema %s: %v", a.route, a.r.body, ref, err)
		}
	}
}

// responseRef is the $ref of the JSON schema that the document gives
// the answer of a route with a status.
func responseRef(t testing.TB, doc any, route, status string) string {
	t.Helper()
	m, p, _ := strings.Cut(route, " ")
	ref, err := path(doc, "paths", p, strings.ToLower(m), "responses", status, "content", "application/json", "schema", "$ref")
	if err != nil {
		t.Fatalf("%s: no schema for %s", route, status)
	}
	return ref.(string)
}

func refs(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				out = append(out, s)
			}
			out = append(out, refs(x)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, refs(x)...)
		}
	}
	return out
}

func keysOf[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func testNoSecretsLogged(t *testing.T, w *world) {
	logs := w.ts.logs.String()
	for _, s := range w.secrets {
		if s != "" && strings.Contains(logs, s) {
			t.Errorf("a secret (%.12s…) is in the server's log", s)
		}
	}
	// Every request is logged with its route pattern, status, duration and user.
	var saw bool
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("a log line is not JSON: %s", line)
		}
		if e["msg"] == "request" && e["route"] == "GET /api/v1/orgs/{org}/models/{id}" && e["user"] == "carol@example.org" {
			saw = e["status"] != nil && e["duration_ms"] != nil && e["method"] == "GET" && e["request_id"] != nil
		}
	}
	if !saw {
		t.Errorf("no request log line with method, route, status, duration and user")
	}
}

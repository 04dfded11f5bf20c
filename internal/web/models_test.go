package web

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

func testModels(t *testing.T, w *world) {
	yaml := exampleModel(t, "minimal.yaml")
	var saved savedModel
	r := w.dan.want(http.StatusCreated, "POST", "/api/v1/orgs/party-a/models", map[string]string{"name": "minimal", "yaml": yaml, "message": "first"})
	r.decode(&saved)
	if saved.Revision != 1 || r.header.Get("Location") != fmt.Sprintf("/api/v1/orgs/party-a/models/%d", saved.ID) {
		t.Errorf("created %+v at %q", saved, r.header.Get("Location"))
	}
	w.minimal = saved.ID
	w.dan.want(http.StatusConflict, "POST", "/api/v1/orgs/party-a/models", map[string]string{"name": "minimal", "yaml": yaml})

	// An invalid model: 422 with the problems the command line gives.
	e := w.alice.want(http.StatusUnprocessableEntity, "POST", "/api/v1/orgs/party-a/models",
		map[string]string{"name": "bad", "yaml": "scrutin: 1\nname: x\nbogus: 1\n", "message": "m"}).errorOf()
	_, derr := model.Decode("bad", []byte("scrutin: 1\nname: x\nbogus: 1\n"))
	var want []Problem
	for _, p := range derr.(*model.ValidationError).Problems {
		want = append(want, Problem{File: p.File, Line: p.Line, Column: p.Column, Path: p.Path, Message: p.Message})
	}
	if e.Code != model.EINVALID || !reflect.DeepEqual(e.Problems, want) {
		t.Errorf("invalid model: %+v, want problems %+v", e, want)
	}
	if !slices.ContainsFunc(e.Problems, func(p Problem) bool { return p.Line == 3 && p.File == "bad" }) {
		t.Errorf("no problem names bad:3: %+v", e.Problems)
	}

	// An ATT&CK id the server's catalogue (the embedded one) lacks.
	e = w.alice.want(http.StatusUnprocessableEntity, "POST", "/api/v1/orgs/party-a/models",
		map[string]string{"name": "g9007", "yaml": strings.Replace(yaml, "attack: G0007", "attack: G9007", 1)}).errorOf()
	if len(e.Problems) != 1 || e.Problems[0].Line != 17 || e.Problems[0].Message != `unknown ATT&CK group "G9007" (did you mean "G0007", APT28?); the catalogue in use is Enterprise ATT&CK and ATT&CK for ICS v18.1, DISARM v1.6 (embedded)` {
		t.Errorf("unknown ATT&CK group: %+v", e)
	}

	// Binary garbage and UTF-16: one short message, no quoted garbage.
	for _, c := range []struct{ yaml, want string }{
		{"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "png: not a YAML model: binary data at byte 9"}, // after the U+FFFD JSON makes of \x89,
		{"\x00s\x00c\x00r\x00u\x00t\x00i\x00n\x00:\x00 \x001\x00\n", "png: not a YAML model: UTF-16 text; save it as UTF-8"},
	} {
		e := w.alice.want(http.StatusUnprocessableEntity, "POST", "/api/v1/orgs/party-a/models", map[string]string{"name": "png", "yaml": c.yaml}).errorOf()
		if e.Code != model.EINVALID || e.Message != c.want {
			t.Errorf("binary model: %+v, want %q", e, c.want)
		}
	}

	// Saving: a new revision; a stale base revision is refused.
	edited := strings.Replace(yaml, "vulnerability: 0.3 ", "vulnerability: 0.25", 1)
	if edited == yaml {
		t.Fatal("the edit did not apply")
	}
	var s2 savedModel
	w.dan.want(http.StatusOK, "PUT", fmt.Sprintf("/api/v1/orgs/party-a/models/%d", w.minimal), map[string]any{"yaml": edited, "message": "less vulnerable", "base_revision": 1}).decode(&s2)
	if s2.Revision != 2 {
		t.Errorf("saved %+v, want revision 2", s2)
	}
	if e := w.alice.want(http.StatusConflict, "PUT", fmt.Sprintf("/api/v1/orgs/party-a/models/%d", w.minimal), map[string]any{"yaml": yaml, "message": "stale", "base_revision": 1}).errorOf(); e.Code != model.ECONFLICT {
		t.Errorf("stale save: %+v", e)
	}
	w.alice.want(http.StatusUnprocessableEntity, "PUT", fmt.Sprintf("/api/v1/orgs/party-a/models/%d", w.minimal), map[string]any{"yaml": "scrutin: 2\n", "base_revision": 2})
	var got modelView
	w.carol.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/models/%d", w.minimal), nil).decode(&got)
	if got.Revision != 2 || got.YAML != edited || got.Author != "dan@example.org" || got.Message != "less vulnerable" {
		t.Errorf("model: %+v", got)
	}
	// Revisions, newest first, paged.
	var p1, p2 list[map[string]any]
	w.carol.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/revisions?limit=1", w.minimal), nil).decode(&p1)
	if len(p1.Items) != 1 || p1.Items[0]["revision"] != 2.0 || p1.NextCursor == "" {
		t.Fatalf("revisions page 1: %+v", p1)
	}
	w.carol.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/revisions?limit=1&cursor=%s", w.minimal, p1.NextCursor), nil).decode(&p2)
	if len(p2.Items) != 1 || p2.Items[0]["revision"] != 1.0 || p2.Items[0]["message"] != "first" {
		t.Errorf("revisions page 2: %+v", p2)
	}
	w.carol.want(http.StatusBadRequest, "GET", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/revisions?cursor=abc", w.minimal), nil)
	var rev1 map[string]any
	w.carol.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/revisions/1", w.minimal), nil).decode(&rev1)
	if rev1["yaml"] != yaml {
		t.Errorf("revision 1's YAML differs")
	}
	w.carol.want(http.StatusNotFound, "GET", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/revisions/3", w.minimal), nil)
	// The diff between the two.
	var d diffOutput
	w.carol.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/diff?from=1&to=2", w.minimal), nil).decode(&d.Body)
	if !strings.Contains(d.Body.Diff, "--- minimal@1") || !strings.Contains(d.Body.Diff, "+++ minimal@2") ||
		!strings.Contains(d.Body.Diff, "\n-    vulnerability: 0.3 ") || !strings.Contains(d.Body.Diff, "\n+    vulnerability: 0.25") {
		t.Errorf("diff:\n%s", d.Body.Diff)
	}
	var dd diffOutput
	w.carol.want(http.StatusOK, "GET", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/diff", w.minimal), nil).decode(&dd.Body)
	if dd.Body.From != 1 || dd.Body.To != 2 || dd.Body.Diff != d.Body.Diff {
		t.Errorf("default diff: %+v", dd.Body)
	}

	// The other models of the later steps.
	w.alice.want(http.StatusCreated, "POST", "/api/v1/orgs/party-a/models", map[string]string{"name": "election", "yaml": exampleModel(t, "election.yaml")}).decode(&saved)
	w.election = saved.ID
	w.alice.want(http.StatusCreated, "POST", "/api/v1/orgs/party-a/models", map[string]string{"name": "calibration", "yaml": exampleModel(t, "calibration.yaml")}).decode(&saved)
	w.calibration = saved.ID
	w.bob.want(http.StatusCreated, "POST", "/api/v1/orgs/party-b/models", map[string]string{"name": "b", "yaml": yaml}).decode(&saved)
	w.bMod = saved.ID
	// Deleting: owners only.
	w.alice.want(http.StatusCreated, "POST", "/api/v1/orgs/party-a/models", map[string]string{"name": "scratch", "yaml": yaml}).decode(&saved)
	w.dan.want(http.StatusForbidden, "DELETE", fmt.Sprintf("/api/v1/orgs/party-a/models/%d", saved.ID), nil)
	w.alice.want(http.StatusNoContent, "DELETE", fmt.Sprintf("/api/v1/orgs/party-a/models/%d", saved.ID), nil)
	w.alice.want(http.StatusNotFound, "GET", fmt.Sprintf("/api/v1/orgs/party-a/models/%d", saved.ID), nil)
}

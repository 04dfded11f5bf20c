package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/store"
)

// TestLiveEvidenceAPI: chunks counted into an organisation's live
// evidence are listed, a chunk counted twice adds nothing, and a snapshot
// is evidence like an upload, which a run may also take by kind.
func TestLiveEvidenceAPI(t *testing.T) {
	w := newUIWorld(t)
	src, err := os.ReadFile("../evidence/testdata/telemetry/zeek.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	count := CountEvidence(w.ts.db, evidence.TelemetryOptions{})
	chunk := StreamChunk{Org: "party-a", Kind: "zeek", Source: "sensor-1", Start: 0, End: int64(len(src)), Data: src}
	for range 2 {
		if err := count(context.Background(), chunk); err != nil {
			t.Fatal(err)
		}
	}
	want, err := evidence.IngestTelemetry(bytesReader(src), evidence.TelemetryOptions{Kind: evidence.KindZeek})
	if err != nil {
		t.Fatal(err)
	}
	var streams list[streamView]
	w.alice.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/evidence-streams", nil).decode(&streams)
	if len(streams.Items) != 1 || streams.Items[0].Lines != want.Lines || streams.Items[0].Events != want.Events || streams.Items[0].Chunks != 1 {
		t.Fatalf("streams %+v, want %d lines", streams.Items, want.Lines)
	}
	var b list[streamView]
	w.bob.want(http.StatusOK, "GET", "/api/v1/orgs/party-b/evidence-streams", nil).decode(&b)
	w.bob.want(http.StatusNotFound, "GET", "/api/v1/orgs/party-a/evidence-streams", nil)
	if len(b.Items) != 0 {
		t.Errorf("party-b sees %+v", b.Items)
	}
	// Unknown organisations and sshd logs cannot be counted.
	if err := count(context.Background(), StreamChunk{Org: "nobody", Kind: "zeek", Source: "s", End: 1, Data: []byte("x")}); !errorsIs(err, ErrUncountable) {
		t.Errorf("unknown organisation: %v", err)
	}
	if err := count(context.Background(), StreamChunk{Org: "party-a", Kind: "sshd", Source: "s", End: 1, Data: []byte("x")}); !errorsIs(err, ErrUncountable) {
		t.Errorf("sshd: %v", err)
	}
	var e store.Evidence
	w.dan.want(http.StatusCreated, "POST", "/api/v1/orgs/party-a/evidence-streams/zeek/snapshot", nil).decode(&e)
	if e.Kind != "telemetry" || e.Counts["lines"] != want.Lines {
		t.Errorf("snapshot %+v", e)
	}
	w.dan.want(http.StatusNotFound, "POST", "/api/v1/orgs/party-a/evidence-streams/eve/snapshot", nil)
	// The evidence page shows the live evidence, and copies it.
	dan := w.ts.signedIn(t, "dan@example.org", "dan-password", "en")
	page := dan.get("/orgs/party-a/evidence").want(http.StatusOK).contains("Live evidence", "Copy into evidence")
	checkHTML(t, "evidence", page.body, w.ts.srv.assets.byPath)
	dan.post("/orgs/party-a/evidence-streams/zeek/snapshot", nil).want(http.StatusSeeOther)
	dan.get("/orgs/party-a/evidence?done=snapshot").want(http.StatusOK).contains("The live evidence is copied")
	carol := w.ts.signedIn(t, "carol@example.org", "carol-password", "fr")
	carol.get("/orgs/party-a/evidence").want(http.StatusOK).contains("Preuves en direct").lacks("Copier en preuves")
	carol.post("/orgs/party-a/evidence-streams/zeek/snapshot", nil).want(http.StatusForbidden)
	// A run of a model without evidence: section refuses evidence.
	r := w.dan.want(http.StatusUnprocessableEntity, "POST", fmt.Sprintf("/api/v1/orgs/party-a/models/%d/runs", w.minimal), map[string]any{"live": []string{"zeek"}})
	if e := r.errorOf(); e.Message == "" {
		t.Errorf("run with live evidence of a model without evidence: %s", r.body)
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

func errorsIs(err, target error) bool { return errors.Is(err, target) }

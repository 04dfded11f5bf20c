package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/store"
)

// TestUploadKindDetected: an upload of kind auto is read as the kind its
// start shows (the evidence's format says which); one given a kind that
// its content plainly is not is refused with the kind it looks like
// (422, nothing stored); auto on a content that shows no kind asks for
// one. On the API and the pages, in English and French.
func TestUploadKindDetected(t *testing.T) {
	c := &clock{}
	ts, dan := uploadWorld(t, testConfig(c), c) // MaxUploadBytes: 1 MiB
	authLog := readFile(t, "../../examples/evidence/auth.log")
	q1 := readFile(t, "../../examples/evidence/gophish-q1.csv")
	zeek := readFile(t, "../evidence/testdata/telemetry/zeek.jsonl")
	eve := readFile(t, "../evidence/testdata/telemetry/eve.json")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(authLog)
	zw.Close()

	for _, c := range []struct {
		name   string
		body   []byte
		format string
	}{
		{"auth.log", authLog, "sshd"},
		{"auth.log.gz", gz.Bytes(), "sshd"},
		{"q1.csv", q1, "gophish"},
		{"zeek.jsonl", zeek, "zeek"},
		{"eve.json", eve, "eve"},
	} {
		var e store.Evidence
		dan.want(http.StatusCreated, "POST", "/api/v1/orgs/party-a/evidence?kind=auto&year=2017&name="+c.name, c.body).decode(&e)
		if e.Format != c.format {
			t.Errorf("%s: format %q, want %q", c.name, e.Format, c.format)
		}
	}
	// Generic JSON lines may be read as any JSON lines, and with a field
	// map, detected JSON lines are read as jsonl.
	dan.want(http.StatusCreated, "POST", "/api/v1/orgs/party-a/evidence?kind=jsonl&name=zeek-as-jsonl", zeek)
	var e store.Evidence
	dan.want(http.StatusCreated, "POST", "/api/v1/orgs/party-a/evidence?kind=auto&name=mapped&map=time=ts", zeek).decode(&e)
	if e.Format != "jsonl" {
		t.Errorf("auto with a map: format %q, want jsonl", e.Format)
	}

	count := func() int {
		var l list[store.Evidence]
		dan.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/evidence", nil).decode(&l)
		return len(l.Items)
	}
	before := count()
	r := dan.want(http.StatusUnprocessableEntity, "POST", "/api/v1/orgs/party-a/evidence?kind=sshd&name=z", zeek)
	if e := r.errorOf(); e.Code != "invalid" || e.Message != "this file looks like Zeek JSON logs (kind zeek), not an sshd log (kind sshd): give kind=auto, or the kind it is" {
		t.Errorf("wrong kind: %+v", e)
	}
	r = dan.want(http.StatusUnprocessableEntity, "POST", "/api/v1/orgs/party-a/evidence?kind=auto&name=x", "hello\nworld\n")
	if e := r.errorOf(); !strings.Contains(e.Message, "could not be recognised from its first 8\u00a0KiB") {
		t.Errorf("undetected: %+v", e)
	}
	if n := count(); n != before {
		t.Errorf("refused uploads stored %d pieces of evidence", n-before)
	}

	// The pages: automatic is the default, and says what it found.
	en := ts.signedIn(t, "dan@example.org", "dan-password", "")
	en.get("/orgs/party-a/evidence").want(http.StatusOK).contains(`<option value="auto" selected>Automatic (detect from the content)</option>`,
		"Automatic recognises the kind from the file's first 8\u00a0KiB.", "Logs up to 1\u00a0MiB")
	p := en.upload("/orgs/party-a/evidence", [][2]string{{"kind", "auto"}, {"year", "2017"}}, "auth.log", authLog).want(http.StatusSeeOther)
	loc := p.header.Get("Location")
	if !strings.HasSuffix(loc, "?detected=1") {
		t.Fatalf("redirected to %q", loc)
	}
	en.get(loc).want(http.StatusOK).contains("Recognised from its content as SSH logs (auth.log).")
	en.upload("/orgs/party-a/evidence", [][2]string{{"kind", "sshd"}}, "zeek.jsonl", zeek).want(http.StatusUnprocessableEntity).
		contains("This file looks like Zeek JSON logs, not an sshd log: choose “Automatic” or the kind it is.", `<option value="sshd" selected>`)
	en.upload("/orgs/party-a/evidence", [][2]string{{"kind", "auto"}}, "x.txt", []byte("hello\n")).want(http.StatusUnprocessableEntity).
		contains("The kind of this file could not be recognised from its first 8\u00a0KiB: choose what it is.")
	fr := ts.signedIn(t, "dan@example.org", "dan-password", "fr")
	fr.get("/orgs/party-a/evidence").want(http.StatusOK).contains("Automatique (d'après le contenu)", "Journaux jusqu'à 1\u00a0Mio")
	p = fr.upload("/orgs/party-a/evidence", [][2]string{{"kind", "auto"}}, "q1.csv", q1).want(http.StatusSeeOther)
	fr.get(p.header.Get("Location")).want(http.StatusOK).contains("Reconnu d'après son contenu comme Résultats GoPhish (JSON ou CSV).")
	fr.upload("/orgs/party-a/evidence", [][2]string{{"kind", "sshd"}}, "zeek.jsonl", zeek).want(http.StatusUnprocessableEntity).
		contains("Ce fichier ressemble à des journaux Zeek en JSON, pas à un journal sshd\u00a0: choisissez «\u00a0Automatique\u00a0» ou sa vraie nature.")
}

// TestLimitedBodyMax: a lower limit set on the way stops the reading one
// byte past it, as the reader's own limit does.
func TestLimitedBodyMax(t *testing.T) {
	b := &limitedBody{r: strings.NewReader(strings.Repeat("x", 100)), max: 10}
	n, err := io.Copy(io.Discard, b)
	if !b.exceeded || err == nil || n > 11 {
		t.Errorf("read %d bytes, err %v, exceeded %v", n, err, b.exceeded)
	}
	b = &limitedBody{r: strings.NewReader(strings.Repeat("x", 10)), max: 10}
	if n, err := io.Copy(io.Discard, b); n != 10 || err != nil || b.exceeded {
		t.Errorf("at the limit: read %d bytes, err %v, exceeded %v", n, err, b.exceeded)
	}
}

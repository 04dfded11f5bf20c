package web

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The browser steps of evidence (issue 12, items 2 and 6), each in
// English and French, in an organisation of their own so that the demo
// organisation's pages stay as the other steps expect them: an upload
// whose kind is left to detection, an upload of the wrong kind, and a run
// of a model that counts evidence, started from the form, whose page
// shows the prior against the posterior.

// e2eEvidenceOrg is the organisation of the evidence steps.
const e2eEvidenceOrg = "evidence-e2e"

// evidenceOrg makes the organisation of the evidence steps (once), with
// the administrator as its owner and the calibration example model; it
// returns the model's id.
func (e *e2e) evidenceOrg(t *testing.T) int64 {
	t.Helper()
	if r := e.admin.do("GET", "/api/v1/orgs/"+e2eEvidenceOrg, nil); r.status == http.StatusNotFound {
		e.admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": e2eEvidenceOrg, "name": "Evidence party", "kind": "party", "owner": DefaultAdminEmail})
	}
	var models list[map[string]any]
	e.admin.want(http.StatusOK, "GET", "/api/v1/orgs/"+e2eEvidenceOrg+"/models", nil).decode(&models)
	for _, m := range models.Items {
		if m["name"] == "calibration" {
			return int64(m["id"].(float64))
		}
	}
	var saved savedModel
	e.admin.want(http.StatusCreated, "POST", "/api/v1/orgs/"+e2eEvidenceOrg+"/models",
		map[string]string{"name": "calibration", "yaml": exampleModel(t, "calibration.yaml")}).decode(&saved)
	return saved.ID
}

// inLang shows the page at path in lang, switching with the switcher
// when the pages are in the other language.
func (e *e2e) inLang(t *testing.T, ctx context.Context, path, lang string) {
	t.Helper()
	if st := e.open(t, ctx, path); st != http.StatusOK {
		t.Fatalf("%s: status %d", path, st)
	}
	if bEval[string](t, ctx, `document.documentElement.lang`) != lang {
		e.setLang(t, ctx, lang)
	}
	e.lang = lang
}

// absPath is the absolute path of a file of the repository, for the
// browser's file input.
func absPath(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(rel)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// uploadInBrowser fills the upload form (kind, then the file) and sends
// it; it returns the status of the page that comes back.
func (e *e2e) uploadInBrowser(t *testing.T, ctx context.Context, kind, year, file string) int64 {
	t.Helper()
	bDo(t, ctx, "choosing the kind", chromedp.SetValue(chromedp.ID("kind"), kind))
	if year != "" {
		bDo(t, ctx, "typing the year", chromedp.SetValue(chromedp.ID("year"), year))
	}
	bDo(t, ctx, "choosing the file", chromedp.SetUploadFiles(chromedp.ID("file"), []string{absPath(t, file)}))
	return bLoad(t, ctx, "uploading", chromedp.Click(chromedp.CSS(`form.upload-form button[type=submit]`)))
}

// evidenceDetected: on the upload form, the kind is automatic by default
// and the limits are in binary units; a file sent so is recognised from
// its content, and the page of the upload says as what.
func (e *e2e) evidenceDetected(t *testing.T, ctx context.Context) {
	e.evidenceOrg(t)
	list := "/orgs/" + e2eEvidenceOrg + "/evidence"
	for _, c := range []struct{ lang, hint, limit, flash string }{
		{"en", "Automatic recognises the kind from the file's first 8\u00a0KiB.", "Logs up to 1\u00a0MiB", "Recognised from its content as SSH logs (auth.log)."},
		{"fr", "Automatique reconnaît la nature du fichier d'après ses premiers 8\u00a0Kio.", "Journaux jusqu'à 1\u00a0Mio", "Reconnu d'après son contenu comme Journaux SSH (auth.log)."},
	} {
		e.inLang(t, ctx, list, c.lang)
		if k := bEval[string](t, ctx, `document.getElementById("kind").value`); k != "auto" {
			t.Errorf("%s: the kind is %q by default, want auto", c.lang, k)
		}
		if h := bText(t, ctx, "#kind-hint"); !strings.Contains(h, c.hint) || !strings.Contains(h, c.limit) {
			t.Errorf("%s: the kind's hint %q lacks %q or %q", c.lang, h, c.hint, c.limit)
		}
		e.shot(t, ctx, "evidence-form")
		if st := e.uploadInBrowser(t, ctx, "auto", "2017", "../../examples/evidence/auth.log"); st != http.StatusOK {
			t.Fatalf("%s: the upload answered %d", c.lang, st)
		}
		if p := e.path(t, ctx); !strings.HasPrefix(p, list+"/") || !strings.HasSuffix(p, "?detected=1") {
			t.Errorf("%s: after the upload: %s", c.lang, p)
		}
		if f := bText(t, ctx, "p.alert-ok"); f != c.flash {
			t.Errorf("%s: the upload's page says %q, want %q", c.lang, f, c.flash)
		}
		e.shot(t, ctx, "evidence-detected")
	}
}

// evidenceWrongKind: a file sent as a kind it plainly is not is refused
// with the kind it looks like; nothing is stored.
func (e *e2e) evidenceWrongKind(t *testing.T, ctx context.Context) {
	e.evidenceOrg(t)
	list := "/orgs/" + e2eEvidenceOrg + "/evidence"
	for _, c := range []struct{ lang, want string }{
		{"en", "This file looks like Zeek JSON logs, not an sshd log: choose “Automatic” or the kind it is."},
		{"fr", "Ce fichier ressemble à des journaux Zeek en JSON, pas à un journal sshd\u00a0: choisissez «\u00a0Automatique\u00a0» ou sa vraie nature."},
	} {
		e.inLang(t, ctx, list, c.lang)
		before := bCount(t, ctx, "table.data tbody tr")
		if st := e.uploadInBrowser(t, ctx, "sshd", "", "../evidence/testdata/telemetry/zeek.jsonl"); st != http.StatusUnprocessableEntity {
			t.Fatalf("%s: the upload answered %d, want 422", c.lang, st)
		}
		if msg := bText(t, ctx, "#upload-error"); !strings.Contains(msg, c.want) {
			t.Errorf("%s: the refusal says %q, want %q", c.lang, msg, c.want)
		}
		if k := bEval[string](t, ctx, `document.getElementById("kind").value`); k != "sshd" {
			t.Errorf("%s: the form came back with kind %q, want sshd as sent", c.lang, k)
		}
		if inv := bEval[string](t, ctx, `document.getElementById("file").getAttribute("aria-invalid")`); inv != "true" {
			t.Errorf("%s: the file input is not marked invalid", c.lang)
		}
		if n := bCount(t, ctx, "table.data tbody tr"); n != before {
			t.Errorf("%s: the refused upload was stored (%d uploads, %d before)", c.lang, n, before)
		}
		e.shot(t, ctx, "evidence-wrongkind")
	}
}

// runWithEvidence: the run form of a model that counts evidence offers
// the organisation's evidence, ticked; the run calibrates with it and its
// page shows the prior against the posterior, naming the evidence.
func (e *e2e) runWithEvidence(t *testing.T, ctx context.Context) {
	id := e.evidenceOrg(t)
	org := "/orgs/" + e2eEvidenceOrg
	// The logs may come from the detection step; the campaign the model
	// counts comes here, through the API.
	var l list[map[string]any]
	e.admin.want(http.StatusOK, "GET", "/api/v1"+org+"/evidence", nil).decode(&l)
	have := map[string]bool{}
	for _, it := range l.Items {
		have[it["name"].(string)] = true
	}
	if !have["auth"] {
		e.admin.want(http.StatusCreated, "POST", "/api/v1"+org+"/evidence?kind=auto&name=auth&year=2017", readFile(t, "../../examples/evidence/auth.log"))
	}
	if !have["gophish-q2"] {
		e.admin.want(http.StatusCreated, "POST", "/api/v1"+org+"/evidence?kind=auto&name=gophish-q2", readFile(t, "../../examples/evidence/gophish-q2.csv"))
	}
	for _, c := range []struct{ lang, heading, used, flags string }{
		{"en", "Prior against posterior", "Evidence used:", "--evidence"},
		{"fr", "A priori contre a posteriori", "Éléments de preuve utilisés\u00a0:", "--evidence"},
	} {
		e.inLang(t, ctx, fmt.Sprintf("%s/models/%d/run", org, id), c.lang)
		boxes := bEval[[]bool](t, ctx, `Array.from(document.querySelectorAll('.run-evidence input[name="evidence"]')).map(b => b.checked)`)
		if len(boxes) < 2 {
			t.Fatalf("%s: the run form offers %d pieces of evidence", c.lang, len(boxes))
		}
		for i, on := range boxes {
			if !on {
				t.Errorf("%s: evidence %d is not ticked, though the model counts from its kind", c.lang, i+1)
			}
		}
		// Without the evidence, the form says what to do, in its words.
		bEval[bool](t, ctx, `(() => { document.querySelectorAll('.run-evidence input[name="evidence"]').forEach(b => b.checked = false); return true })()`)
		if st := bLoad(t, ctx, "running without evidence", chromedp.Click(chromedp.CSS(`form.run-form button[type=submit]`))); st != http.StatusUnprocessableEntity {
			t.Fatalf("%s: a run without the evidence answered %d, want 422", c.lang, st)
		}
		if msg := bText(t, ctx, "#run-error"); msg == "" || strings.Contains(msg, c.flags) {
			t.Errorf("%s: the refusal says %q", c.lang, msg)
		}
		bEval[bool](t, ctx, `(() => { document.querySelectorAll('.run-evidence input[name="evidence"]').forEach(b => b.checked = true); return true })()`)
		bDo(t, ctx, "typing the trials", chromedp.Clear(chromedp.ID("trials")), chromedp.SendKeys(chromedp.ID("trials"), "2000"))
		e.shot(t, ctx, "runform-evidence")
		if st := bLoad(t, ctx, "starting the run", chromedp.Click(chromedp.CSS(`form.run-form button[type=submit]`))); st != http.StatusOK {
			t.Fatalf("%s: starting the run answered %d", c.lang, st)
		}
		bWait(t, ctx, "the calibration", `document.getElementById("calibration")`, 30*time.Second)
		if h := bText(t, ctx, "#calib-h"); h != c.heading {
			t.Errorf("%s: the calibration's heading %q, want %q", c.lang, h, c.heading)
		}
		if u := bText(t, ctx, "#run-evidence"); !strings.HasPrefix(u, c.used) || !strings.Contains(u, "auth") || !strings.Contains(u, "gophish-q2") {
			t.Errorf("%s: the evidence used: %q", c.lang, u)
		}
		rows := bEval[[]string](t, ctx, `Array.from(document.querySelectorAll("#calibration tbody tr")).map(r => r.innerText)`)
		if len(rows) != 3 {
			t.Fatalf("%s: %d calibrated parameters, want 3: %q", c.lang, len(rows), rows)
		}
		for _, want := range []string{"ssh-intrusion", "credential-phish"} {
			if !strings.Contains(strings.Join(rows, "\n"), want) {
				t.Errorf("%s: no %s among the calibrated parameters %q", c.lang, want, rows)
			}
		}
		// Prior and posterior differ: the evidence moved them.
		cells := bEval[[]string](t, ctx, `Array.from(document.querySelectorAll("#calibration tbody tr:first-child td.num")).map(d => d.innerText)`)
		if len(cells) != 3 || cells[0] == cells[1] || cells[2] == "" {
			t.Errorf("%s: the first parameter's prior, posterior and change: %q", c.lang, cells)
		}
		e.shot(t, ctx, "run-evidence")
	}
}

package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestNationalPages: an owner takes part in an agency's national runs
// from the members page, the agency's analyst starts one from the national
// view, and the view then shows the national figures (and no scenario).
func TestNationalPages(t *testing.T) {
	w := newUIWorld(t)
	alice := w.ts.signedIn(t, "alice@example.org", "alice-password", "en")
	eve := w.ts.signedIn(t, "eve@example.org", "eve-password", "en")
	alice.get("/orgs/party-a/members").want(http.StatusOK).contains("Not taking part").contains(`action="/orgs/party-a/shares/joint"`)
	alice.post("/orgs/party-a/shares/joint", url.Values{"agency": {"anssi"}, "model": {"999999"}}).want(http.StatusUnprocessableEntity)
	alice.post("/orgs/party-a/shares/joint", url.Values{"agency": {"anssi"}, "model": {fmt.Sprint(w.minimal)}}).want(http.StatusSeeOther)
	alice.get("/orgs/party-a/members?done=joint&who=anssi").want(http.StatusOK).contains("now simulate the chosen model").contains("Leave")

	eve.get("/orgs/anssi/national").want(http.StatusOK).contains("Joint national risk").contains("No national run has completed yet")
	eve.post("/orgs/anssi/national-runs", url.Values{}).want(http.StatusSeeOther)
	deadline := time.Now().Add(time.Minute)
	for {
		r := eve.get("/orgs/anssi/national").want(http.StatusOK)
		if strings.Contains(r.body, "Sum of the organisations") {
			r.contains("<code>party-a</code>").contains("With independent actors").lacks("hack-and-leak")
			checkHTML(t, "national", r.body, w.ts.srv.assets.byPath)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no national result after a minute:\n%s", r.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Only the agency's analysts start national runs; leaving works.
	alice.post("/orgs/anssi/national-runs", url.Values{}).want(http.StatusNotFound)
	alice.post("/orgs/party-a/shares/unjoint", url.Values{"agency": {"anssi"}}).want(http.StatusSeeOther)
	eve.post("/orgs/anssi/national-runs", url.Values{}).want(http.StatusSeeOther)
	eve.get("/orgs/anssi/national?done=nomember").want(http.StatusOK).contains("No organisation takes part")
}

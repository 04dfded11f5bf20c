package web

import (
	"fmt"
	"net/http"
	"testing"
)

// An organisation of the local level keeps a model whose scenario takes
// its vulnerability from a library tree: the model saves, and its tree
// pages show the library tree under its reference.
func TestLibraryTreePages(t *testing.T) {
	c := &clock{}
	ts := startServer(t, ":memory:", testConfig(c), c)
	admin := ts.signIn(t, DefaultAdminEmail, adminPassword)
	admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": "town", "name": "Town hall", "kind": "municipality"})
	admin.want(http.StatusUnprocessableEntity, "POST", "/api/v1/orgs", map[string]string{"id": "club", "name": "Club", "kind": "club"})
	yaml := `scrutin: 1
name: Town
currency: EUR
organizations: [{id: town, name: Town, kind: municipality}]
assets: [{id: results, org: town, name: Results, kind: results}]
actors: [{id: x, name: X}]
controls:
  - {id: chain-of-custody, name: Chain of custody, status: implemented}
scenarios:
  - {id: s, name: S, actor: x, assets: [results], effect: integrity, frequency: 2, vulnerability: {tree: library:pollbook}, magnitude: 1000}
`
	var saved savedModel
	admin.want(http.StatusCreated, "POST", "/api/v1/orgs/town/models", map[string]string{"name": "town", "yaml": yaml}).decode(&saved)
	page := ts.signedIn(t, DefaultAdminEmail, adminPassword, "en")
	base := fmt.Sprintf("/orgs/town/models/%d/trees", saved.ID)
	page.get(base).want(http.StatusOK).contains(base+`/library:pollbook"`, "Keep eligible voters from voting or let ineligible ones vote")
	page.get(base+"/library:pollbook").want(http.StatusOK).contains("Perform an insider attack", "pollbook-paper-backup")
	page.get("/admin").want(http.StatusOK).contains(`<option value="municipality"`, `<option value="media"`)
}

package web

import (
	"net/http"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

// apiPrefix is where the REST API lives; its OpenAPI document is
// apiPrefix + "/openapi.json".
const apiPrefix = "/api/v1"

const apiDescription = `The REST API of scrutin, the cyber-risk assessment system for elections.

**Authentication.** POST /api/v1/auth/token with {"email", "password"} returns {"token"}; send it as
"Authorization: Bearer TOKEN". Browsers may instead POST /api/v1/auth/login, which sets an HttpOnly
session cookie. Without credentials, every route but sign-in, the health checks and this document
answers 401.

**Isolation.** Everything of an organisation lives under /api/v1/orgs/{org}. To someone who is not
a member, an organisation and everything in it answer 404, exactly as if they did not exist. A member
whose role is too low answers 403. Roles: viewer (reads), analyst (also edits models, uploads evidence,
starts runs and plans), owner (also manages members and sharing, deletes, reads the audit log). The
site administrator creates users and organisations, manages members and reads audit logs.

**Errors.** Every error has the body {"error": {"code", "message"}}, code one of invalid, not_found,
conflict, unauthorized, forbidden, too_many_requests (429, with Retry-After), too_large (413),
method_not_allowed (405), unsupported_media_type (415: JSON bodies need Content-Type: application/json),
internal (500, with a request_id to look up in the server's log). An invalid model or body answers 422
with "problems": [{file, line, column, path, message}] (a model's problems name its line and column, as
the command line does); a request that cannot be read at all (JSON that does not parse, a cursor that is
not ours) answers 400. Another organisation's resource answers 404, exactly as one that does not exist;
a member whose role is too low, 403; no credentials, 401.

**Pagination.** Lists answer {"items": [...], "next_cursor": "…"}, newest first. Ask for the next page
with ?cursor=NEXT_CURSOR (and optionally ?limit=N, 1 to 1000, default 100); next_cursor is absent on
the last page. Cursors are opaque.

**Jobs.** Runs and plans are queued (202) and executed by the server's workers: poll them until their
status is succeeded, failed or canceled.`

// humaOnce installs the error constructors once per process: huma keeps
// them in package variables.
var humaOnce sync.Once

// newAPI returns the huma API on mux: OpenAPI 3.1 at
// /api/v1/openapi.json, our error shape, no docs page (it would load
// scripts from a CDN, which the Content-Security-Policy forbids) and no
// "$schema" links in responses (results keep the shape of DESIGN.md).
func newAPI(mux *http.ServeMux, version string) huma.API {
	humaOnce.Do(func() {
		huma.NewError = newHumaError
		huma.NewErrorWithContext = newHumaErrorWithContext
	})
	config := huma.DefaultConfig("scrutin API", version)
	config.CreateHooks = nil
	config.DocsPath = ""
	config.SchemasPath = ""
	config.OpenAPIPath = apiPrefix + "/openapi"
	config.Info.Description = apiDescription
	config.Info.License = &huma.License{Name: "Apache-2.0", Identifier: "Apache-2.0"}
	config.Formats = jsonFormats()
	config.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer":  {Type: "http", Scheme: "bearer", Description: "An API token from POST /api/v1/auth/token."},
		"session": {Type: "apiKey", In: "cookie", Name: sessionCookie, Description: "The session cookie that POST /api/v1/auth/login sets."},
	}
	return humago.New(mux, config)
}

package web

import (
	"encoding/json"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/scrutin/scrutin/internal/store"
)

// Body size limits of JSON requests other than models.
const maxSmallBody = 64 << 10

// routes declares every route of the server: the API operations (with
// huma, which derives the OpenAPI document from them), the metrics, the
// pages of the web UI and their static files, and the answer to unknown
// routes.
func (s *Server) routes() {
	a := s.api
	big := s.cfg.MaxModelBytes
	// Credentials are checked before the request is read: without them,
	// 401 rather than what is wrong with the body.
	a.UseMiddleware(requireCaller)

	// Operations
	huma.Register(a, op(http.MethodGet, "/healthz", "healthz", "Liveness: the process answers", "operations", 0, 0, false), s.healthz)
	huma.Register(a, op(http.MethodGet, "/readyz", "readyz", "Readiness: the database answers and the job workers run (503 otherwise)", "operations", 0, 0, false), s.readyz)
	s.mux.Handle("GET /metrics", s.metrics.handler())
	s.api.OpenAPI().AddOperation(metricsOperation())

	// Authentication
	huma.Register(a, op(http.MethodPost, "/api/v1/auth/token", "create-token", "Sign in and get an API token (rate-limited: 429 with Retry-After)", "auth", http.StatusCreated, maxSmallBody, false), s.createToken)
	huma.Register(a, op(http.MethodDelete, "/api/v1/auth/token", "revoke-token", "Revoke the token (or session) of this request", "auth", http.StatusNoContent, 0, true), s.revokeToken)
	huma.Register(a, op(http.MethodPost, "/api/v1/auth/login", "login", "Sign in and get a session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS; rate-limited)", "auth", http.StatusOK, maxSmallBody, false), s.login)
	huma.Register(a, op(http.MethodPost, "/api/v1/auth/logout", "logout", "End the session of the cookie and remove the cookie", "auth", http.StatusNoContent, 0, false), s.logout)
	huma.Register(a, op(http.MethodGet, "/api/v1/me", "get-me", "The caller, their organisations and roles", "auth", 0, 0, true), s.me)

	// Users and organisations (site administrator), members (owners)
	huma.Register(a, op(http.MethodPost, "/api/v1/users", "create-user", "Create a user (administrator)", "users", http.StatusCreated, maxSmallBody, true), s.createUser)
	huma.Register(a, op(http.MethodGet, "/api/v1/users", "list-users", "List the users (administrator)", "users", 0, 0, true), s.listUsers)
	huma.Register(a, op(http.MethodPost, "/api/v1/users/{email}/disable", "disable-user", "Disable a user: they cannot sign in, their tokens and sessions are revoked (administrator; owners, for users of their organisations only)", "users", 0, 0, true), s.disableUser)
	huma.Register(a, op(http.MethodPost, "/api/v1/users/{email}/enable", "enable-user", "Enable a disabled user again (administrator; owners, for users of their organisations only)", "users", 0, 0, true), s.enableUser)
	huma.Register(a, op(http.MethodPut, "/api/v1/users/{email}/password", "reset-password", "Set a user's password and revoke their tokens and sessions (administrator; owners, for users of their organisations only)", "users", http.StatusNoContent, maxSmallBody, true), s.resetPassword)
	huma.Register(a, op(http.MethodDelete, "/api/v1/users/{email}/tokens", "revoke-user-tokens", "Revoke every token and session of a user (administrator; owners, for users of their organisations only)", "users", 0, 0, true), s.revokeUserTokens)
	huma.Register(a, op(http.MethodPut, "/api/v1/me/password", "change-password", "Change one's own password, given the current one; one's other tokens and sessions are revoked", "auth", http.StatusNoContent, maxSmallBody, true), s.changeMyPassword)
	huma.Register(a, op(http.MethodPost, "/api/v1/orgs", "create-org", "Create an organisation (administrator); its first owner is the administrator unless owner names another user", "orgs", http.StatusCreated, maxSmallBody, true), s.createOrg)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs", "list-orgs", "The caller's organisations (every one for the administrator)", "orgs", 0, 0, true), s.listOrgs)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}", "get-org", "An organisation (members)", "orgs", 0, 0, true), s.getOrg)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/members", "list-members", "The organisation's members and roles (members)", "orgs", 0, 0, true), s.listMembers)
	huma.Register(a, op(http.MethodPut, "/api/v1/orgs/{org}/members/{email}", "set-member", "Give a user a role in the organisation (owners, administrator); the last owner cannot be demoted", "orgs", 0, maxSmallBody, true), s.setMember)
	huma.Register(a, op(http.MethodDelete, "/api/v1/orgs/{org}/members/{email}", "remove-member", "Remove a member (owners, administrator); the last owner cannot be removed", "orgs", http.StatusNoContent, 0, true), s.removeMember)

	// Models and revisions
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/models", "list-models", "The organisation's models (viewers)", "models", 0, 0, true), s.listModels)
	huma.Register(a, op(http.MethodPost, "/api/v1/orgs/{org}/models", "create-model", "Create a model, as its revision 1 (analysts); an invalid model answers 422 with its problems", "models", http.StatusCreated, big, true), s.createModel)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/models/{id}", "get-model", "A model with its latest revision (viewers)", "models", 0, 0, true), s.getModel)
	huma.Register(a, op(http.MethodPut, "/api/v1/orgs/{org}/models/{id}", "save-model", "Save a new revision (analysts); 409 when base_revision is no longer the latest", "models", 0, big, true), s.saveModel)
	huma.Register(a, op(http.MethodDelete, "/api/v1/orgs/{org}/models/{id}", "delete-model", "Delete a model with its revisions, runs and plans (owners)", "models", http.StatusNoContent, 0, true), s.deleteModel)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/models/{id}/revisions", "list-revisions", "The model's revisions, newest first, without their YAML (viewers)", "models", 0, 0, true), s.listRevisions)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/models/{id}/revisions/{rev}", "get-revision", "One revision, with its YAML (viewers)", "models", 0, 0, true), s.getRevision)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/models/{id}/revisions/{rev}/audit", "revision-audit", "Outcome integrity of the revision's contests: for each, the votes and units to flip and the risk-limiting-audit sizes, exactly as scrutin audit --format json (viewers)", "models", 0, 0, true), s.revisionAudit)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/models/{id}/diff", "diff-model", "Unified diff between two revisions (viewers)", "models", 0, 0, true), s.diffModel)

	// Runs
	huma.Register(a, op(http.MethodPost, "/api/v1/orgs/{org}/models/{id}/runs", "create-run", "Queue a run of the model (analysts); poll it until it ends", "runs", http.StatusAccepted, maxSmallBody, true), s.createRun)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/runs", "list-runs", "The organisation's runs, without results (viewers)", "runs", 0, 0, true), s.listRuns)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/runs/{id}", "get-run", "A run: status, progress and, once succeeded, its result (viewers)", "runs", 0, 0, true), s.getRun)
	huma.Register(a, op(http.MethodPost, "/api/v1/orgs/{org}/runs/{id}/cancel", "cancel-run", "Cancel a queued or running run (analysts); 409 when it has ended", "runs", 0, 0, true), s.cancelRun)

	// Evidence
	upload := op(http.MethodPost, "/api/v1/orgs/{org}/evidence", "upload-evidence", "Upload evidence (analysts): raw logs, streamed through the importers; only their summary is kept", "evidence", http.StatusCreated, 0, true)
	upload.RequestBody = &huma.RequestBody{Required: true, Description: "The logs, GoPhish export or evidence file, as is (gzip-compressed logs too)",
		Content: map[string]*huma.MediaType{
			"application/octet-stream": {Schema: &huma.Schema{Type: "string", Format: "binary"}},
			"text/plain":               {Schema: &huma.Schema{Type: "string", Format: "binary"}},
		}}
	upload.Errors = append(upload.Errors, http.StatusRequestEntityTooLarge)
	huma.Register(a, upload, s.uploadEvidence)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/evidence", "list-evidence", "The organisation's evidence, without summaries (viewers)", "evidence", 0, 0, true), s.listEvidence)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/evidence/{id}", "get-evidence", "One piece of evidence with its summary (viewers)", "evidence", 0, 0, true), s.getEvidence)
	huma.Register(a, op(http.MethodDelete, "/api/v1/orgs/{org}/evidence/{id}", "delete-evidence", "Delete evidence (owners)", "evidence", http.StatusNoContent, 0, true), s.deleteEvidence)

	// Plans
	huma.Register(a, op(http.MethodPost, "/api/v1/orgs/{org}/models/{id}/plans", "create-plan", "Queue a mitigation plan of the model (analysts), as scrutin plan", "plans", http.StatusAccepted, maxSmallBody, true), s.createPlan)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/plans", "list-plans", "The organisation's plans, without results (viewers)", "plans", 0, 0, true), s.listPlans)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/plans/{id}", "get-plan", "A plan and, once succeeded, its result (viewers)", "plans", 0, 0, true), s.getPlan)
	huma.Register(a, op(http.MethodPost, "/api/v1/orgs/{org}/plans/{id}/cancel", "cancel-plan", "Cancel a queued or running plan (analysts)", "plans", 0, 0, true), s.cancelPlan)

	// Sharing and the national view
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/shares", "list-shares", "The agencies the organisation shares its portfolio results with (viewers)", "sharing", 0, 0, true), s.listShares)
	huma.Register(a, op(http.MethodPut, "/api/v1/orgs/{org}/shares/{agency}", "share", "Share the organisation's portfolio results (never models or evidence) with an agency (owners)", "sharing", 0, 0, true), s.share)
	huma.Register(a, op(http.MethodDelete, "/api/v1/orgs/{org}/shares/{agency}", "unshare", "Stop sharing with an agency (owners)", "sharing", http.StatusNoContent, 0, true), s.unshare)
	huma.Register(a, op(http.MethodPut, "/api/v1/orgs/{org}/shares/{agency}/joint", "join-national-runs", "Let the agency's national runs simulate one of the organisation's models (its latest succeeded run) with the other organisations'; the agency sees portfolio-level figures only (owners)", "sharing", 0, maxSmallBody, true), s.setJoint)
	huma.Register(a, op(http.MethodDelete, "/api/v1/orgs/{org}/shares/{agency}/joint", "leave-national-runs", "Leave the agency's national runs (owners)", "sharing", 0, 0, true), s.unsetJoint)
	huma.Register(a, op(http.MethodPost, "/api/v1/orgs/{org}/national-runs", "create-national-run", "Queue a national run of the agency: the organisations that opted in, simulated together with their common attackers drawing one activity (analysts of the agency)", "sharing", http.StatusAccepted, maxSmallBody, true), s.createNationalRun)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/national-runs", "list-national-runs", "The agency's national runs, without results (viewers)", "sharing", 0, 0, true), s.listNationalRuns)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/national-runs/{id}", "get-national-run", "A national run: status, progress and, once succeeded, its portfolio-level result (viewers)", "sharing", 0, 0, true), s.getNationalRun)
	huma.Register(a, op(http.MethodPost, "/api/v1/orgs/{org}/national-runs/{id}/cancel", "cancel-national-run", "Cancel a queued or running national run (analysts)", "sharing", 0, 0, true), s.cancelNationalRun)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/evidence-streams", "list-evidence-streams", "The organisation's live evidence: telemetry its sensors publish to NATS, counted by workers, by kind of log (viewers)", "evidence", 0, 0, true), s.listStreams)
	huma.Register(a, op(http.MethodPost, "/api/v1/orgs/{org}/evidence-streams/{kind}/snapshot", "snapshot-evidence-stream", "Copy the live evidence of a kind of log into evidence that runs can calibrate with (analysts)", "evidence", http.StatusCreated, 0, true), s.snapshotStream)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/national", "national-view", "An agency's national view: per sharing organisation and model, the portfolio figures of the latest succeeded run (the agency's viewers)", "sharing", 0, 0, true), s.national)

	// Audit log (read only: no route changes it)
	huma.Register(a, op(http.MethodGet, "/api/v1/orgs/{org}/audit", "org-audit", "The organisation's audit log, newest first (owners, administrator)", "audit", 0, 0, true), s.orgAudit)
	huma.Register(a, op(http.MethodGet, "/api/v1/audit", "site-audit", "The site-wide audit log: users, organisations, sign-ins (administrator)", "audit", 0, 0, true), s.siteAudit)

	// The web UI (ui.go): pages under /, static files under /assets/. A
	// page of an organisation needs the role named, and answers another
	// organisation's visitor as if it did not exist.
	viewer, analyst, owner := store.RoleViewer, store.RoleAnalyst, store.RoleOwner
	s.mux.HandleFunc("GET /assets/{path...}", s.serveAsset)
	s.mux.HandleFunc("GET /{$}", s.home)
	s.mux.Handle("GET /signin", s.publicPage(s.signInForm))
	s.mux.Handle("POST /signin", s.publicPage(s.signInSubmit))
	s.mux.Handle("GET /signout", s.page(s.signOutForm))
	s.mux.Handle("POST /signout", s.publicPage(s.signOutSubmit))
	s.mux.Handle("POST /language", s.publicPage(s.setLanguage))
	s.mux.Handle("GET /orgs", s.page(s.orgsPage))
	s.mux.Handle("GET /orgs/{org}", s.orgPage(viewer, false, s.dashboard))
	s.mux.Handle("GET /orgs/{org}/models", s.orgPage(viewer, false, s.modelsPage))
	s.mux.Handle("POST /orgs/{org}/models", s.orgPage(analyst, false, s.createModelForm))
	s.mux.Handle("GET /orgs/{org}/models/new", s.orgPage(analyst, false, s.newModelPage))
	s.mux.Handle("GET /orgs/{org}/models/{id}", s.orgPage(viewer, false, s.editorPage))
	s.mux.Handle("POST /orgs/{org}/models/{id}", s.orgPage(analyst, false, s.saveModelForm))
	s.mux.Handle("GET /orgs/{org}/models/{id}/history", s.orgPage(viewer, false, s.historyPageOf))
	s.mux.Handle("GET /orgs/{org}/models/{id}/diff", s.orgPage(viewer, false, s.diffPageOf))
	s.mux.Handle("GET /orgs/{org}/models/{id}/trees", s.orgPage(viewer, false, s.treesPageOf))
	s.mux.Handle("GET /orgs/{org}/models/{id}/trees/{tree}", s.orgPage(viewer, false, s.treePageOf))
	s.mux.Handle("GET /orgs/{org}/models/{id}/attack", s.orgPage(viewer, false, s.attackPageOf))
	s.mux.Handle("GET /orgs/{org}/models/{id}/run", s.orgPage(analyst, false, s.runFormPageOf))
	s.mux.Handle("POST /orgs/{org}/models/{id}/runs", s.orgPage(analyst, false, s.startRun))
	s.mux.Handle("GET /orgs/{org}/runs", s.orgPage(viewer, false, s.runsPage))
	s.mux.Handle("GET /orgs/{org}/runs/{id}", s.orgPage(viewer, false, s.runPageOf))
	s.mux.Handle("GET /orgs/{org}/runs/{id}/progress", s.orgPage(viewer, false, s.runProgress))
	s.mux.Handle("GET /orgs/{org}/runs/{id}/report", s.orgPage(viewer, false, s.runReportDownload))
	s.mux.Handle("GET /orgs/{org}/runs/{id}/report/wait", s.orgPage(viewer, false, s.runReportWait))
	s.mux.Handle("GET /orgs/{org}/runs/{id}/ebios", s.orgPage(viewer, false, s.ebiosRedirect))
	s.mux.Handle("GET /orgs/{org}/runs/{id}/ebios/{n}", s.orgPage(viewer, false, s.ebiosPageOf))
	s.mux.Handle("POST /orgs/{org}/runs/{id}/cancel", s.orgPage(analyst, false, s.cancelRunForm))
	s.mux.Handle("GET /orgs/{org}/models/{id}/plan", s.orgPage(analyst, false, s.planFormPageOf))
	s.mux.Handle("POST /orgs/{org}/models/{id}/plans", s.orgPage(analyst, false, s.startPlan))
	s.mux.Handle("GET /orgs/{org}/plans", s.orgPage(viewer, false, s.plansPage))
	s.mux.Handle("GET /orgs/{org}/plans/{id}", s.orgPage(viewer, false, s.planPageOf))
	s.mux.Handle("GET /orgs/{org}/plans/{id}/progress", s.orgPage(viewer, false, s.planProgress))
	s.mux.Handle("POST /orgs/{org}/plans/{id}/cancel", s.orgPage(analyst, false, s.cancelPlanForm))
	s.mux.Handle("GET /orgs/{org}/evidence", s.orgPage(viewer, false, s.evidencePageOf))
	s.mux.Handle("POST /orgs/{org}/evidence", s.orgPage(analyst, false, s.uploadEvidenceForm))
	s.mux.Handle("GET /orgs/{org}/evidence/{id}", s.orgPage(viewer, false, s.evidenceItemPageOf))
	s.mux.Handle("POST /orgs/{org}/evidence/{id}/delete", s.orgPage(owner, false, s.deleteEvidenceForm))
	s.mux.Handle("POST /orgs/{org}/evidence-streams/{kind}/snapshot", s.orgPage(analyst, false, s.snapshotForm))
	s.mux.Handle("GET /orgs/{org}/national", s.orgPage(viewer, false, s.nationalPage))
	s.mux.Handle("GET /orgs/{org}/audit", s.orgPage(owner, true, s.auditPageOf))
	s.settingsRoutes() // members, sharing, administration: ui_settings.go

	s.mux.HandleFunc("/", s.notFound)
}

// requireCaller answers 401 to a request for a secured operation that
// carries no valid credentials.
func requireCaller(ctx huma.Context, next func(huma.Context)) {
	if len(ctx.Operation().Security) > 0 {
		if _, err := caller(ctx.Context()); err != nil {
			b := errorResponse(ctx.Context(), err)
			ctx.SetHeader("Content-Type", "application/json")
			ctx.SetStatus(b.status)
			json.NewEncoder(ctx.BodyWriter()).Encode(b)
			return
		}
	}
	next(ctx)
}

// op describes an operation: status 0 is huma's default (200), maxBody 0
// huma's default limit (1 MiB) for bodies; secured operations need
// credentials.
func op(method, path, id, summary, tag string, status int, maxBody int64, secured bool) huma.Operation {
	o := huma.Operation{Method: method, Path: path, OperationID: id, Summary: summary, Tags: []string{tag},
		DefaultStatus: status, MaxBodyBytes: maxBody}
	if secured {
		o.Security = []map[string][]string{{"bearer": {}}, {"session": {}}}
		o.Errors = []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound}
	}
	switch method {
	case http.MethodPost, http.MethodPut:
		o.Errors = append(o.Errors, http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusInsufficientStorage)
	}
	return o
}

// metricsOperation documents GET /metrics, which promhttp answers.
func metricsOperation() *huma.Operation {
	return &huma.Operation{Method: http.MethodGet, Path: "/metrics", OperationID: "metrics", Tags: []string{"operations"},
		Summary: "Prometheus metrics: requests by route and status, request durations, jobs by status, queue length, simulated years",
		Responses: map[string]*huma.Response{"200": {Description: "Metrics in Prometheus' text format",
			Content: map[string]*huma.MediaType{"text/plain": {Schema: &huma.Schema{Type: "string"}}}}}}
}

package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// requestInfo is what the middleware learns of a request, for the
// handlers, the audit log and the request log. The authenticate layer
// fills in the caller.
type requestInfo struct {
	id     string
	remote string // the client's address (no port)
	secure bool   // HTTPS, directly or at a trusted proxy
	log    *slog.Logger
	// The caller, when the request carries valid credentials; authErr
	// when it carries credentials that are not.
	user    *store.User
	token   *store.Token
	authErr error
}

type infoKey struct{}

var discard = slog.New(slog.DiscardHandler)

// infoFrom returns the request's info (an empty one outside a request).
func infoFrom(ctx context.Context) *requestInfo {
	if info, ok := ctx.Value(infoKey{}).(*requestInfo); ok {
		return info
	}
	return &requestInfo{log: discard}
}

// statusRecorder remembers the status and size of a response.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives each request its info and id, recovers from panics, and
// records the request in the log and the metrics once it is answered.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{id: newRequestID(), remote: s.clientAddr(r), secure: s.isSecure(r)}
		info.log = s.log.With("request_id", info.id)
		w.Header().Set("X-Request-Id", info.id)
		rec := &statusRecorder{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				if rec.status == 0 {
					writeError(rec, r, fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
				} else {
					info.log.Error("panic after the response began", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				}
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			// ServeMux sets Pattern on the request it was given, which is r.
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			s.metrics.request(route, status, d)
			attrs := []slog.Attr{
				slog.String("method", r.Method), slog.String("route", route), slog.String("path", r.URL.Path),
				slog.Int("status", status), slog.Float64("duration_ms", float64(d.Microseconds())/1000),
				slog.Int64("bytes", rec.bytes), slog.String("remote", info.remote),
			}
			if info.user != nil {
				attrs = append(attrs, slog.String("user", info.user.Email))
			}
			info.log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
		}()
		next.ServeHTTP(rec, r)
	})
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// clientAddr is the client's address: the peer's, or with TrustProxy the
// last address the proxy appended to X-Forwarded-For.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if s.cfg.TrustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			hops := strings.Split(xff[len(xff)-1], ",")
			if a, err := netip.ParseAddr(strings.TrimSpace(hops[len(hops)-1])); err == nil {
				host = a.String()
			}
		}
	}
	return host
}

// isSecure says whether the client spoke HTTPS: to us, or to a trusted
// proxy that says so.
func (s *Server) isSecure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.cfg.TrustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// securityHeaders sets the headers that keep browsers safe on every
// answer; HSTS only over HTTPS, where it means something.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if infoFrom(r.Context()).secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		if strings.HasPrefix(r.URL.Path, apiPrefix+"/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// crossOriginDenied answers a state-changing request that a browser sent
// from another origin (http.CrossOriginProtection refused it).
func (s *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	err := &protocolError{status: http.StatusForbidden, code: model.EFORBIDDEN,
		msg: "cross-origin request refused: a page of another origin may not change data here"}
	if isUIPath(r.URL.Path) {
		s.renderError(w, r, s.newView(r), err)
		return
	}
	writeError(w, r, err)
}

// authenticate finds the caller of an API request or a page from its
// bearer token or session cookie. A request without credentials goes on
// anonymous (the handlers that need a caller answer 401, the pages send
// to the sign-in page); one with credentials that are not valid goes on
// with authErr set.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, apiPrefix+"/") || isUIPath(r.URL.Path) {
			s.identify(r)
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) identify(r *http.Request) {
	info := infoFrom(r.Context())
	kind, secret := "api", ""
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, _ := strings.Cut(h, " ")
		tok = strings.TrimSpace(tok)
		if !strings.EqualFold(scheme, "Bearer") || tok == "" {
			info.authErr = model.Errorf(model.EUNAUTHORIZED, `the Authorization header must be "Bearer TOKEN"`)
			return
		}
		secret = tok
	} else if c := sessionFromCookie(r); c != "" {
		kind, secret = "session", c
	} else {
		return
	}
	ctx := r.Context()
	t, u, err := s.lookupIdentity(ctx, sha256.Sum256([]byte(secret)))
	if err == nil && t.Kind != kind {
		err = model.Errorf(model.ENOTFOUND, "token not found")
	}
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			err = model.Errorf(model.EUNAUTHORIZED, "invalid or expired credentials: sign in again")
		}
		info.authErr = err
		return
	}
	if u.DisabledAt != nil {
		// Disabling deletes the user's tokens; this also covers one made
		// by a request that was signing in meanwhile.
		info.authErr = errDisabled
		return
	}
	info.user, info.token = u, t
	if now := s.cfg.Now(); (t.LastUsed == nil || now.Sub(*t.LastUsed) > time.Minute) && s.touches.claim(t.ID, now) {
		if err := s.db.TouchToken(ctx, t.ID); err != nil {
			info.log.Warn("recording a token's use", "error", err.Error())
		}
	}
}

// maxTokenTouches bounds tokenTouches: past it, the entries older than a
// minute are dropped.
const maxTokenTouches = 10_000

// tokenTouches remembers when this server last recorded each token's use,
// so that the requests that all find it more than a minute old (a client
// with many connections) record it once: the others would queue for the
// database's write lock to write the same.
type tokenTouches struct {
	mu sync.Mutex
	at map[int64]time.Time
}

// claim reports whether the caller is to record token id's use now: not
// when it was recorded, or is being, within the minute.
func (tt *tokenTouches) claim(id int64, now time.Time) bool {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	if last, ok := tt.at[id]; ok && now.Sub(last) <= time.Minute {
		return false
	}
	if tt.at == nil {
		tt.at = make(map[int64]time.Time)
	}
	if len(tt.at) >= maxTokenTouches {
		for k, last := range tt.at {
			if now.Sub(last) > time.Minute {
				delete(tt.at, k)
			}
		}
	}
	if len(tt.at) >= maxTokenTouches {
		return true // a crowd of tokens in the minute: record, unremembered
	}
	tt.at[id] = now
	return true
}

// caller is the signed-in user of the request, or EUNAUTHORIZED.
func caller(ctx context.Context) (*store.User, error) {
	info := infoFrom(ctx)
	if info.authErr != nil {
		return nil, info.authErr
	}
	if info.user == nil {
		return nil, model.Errorf(model.EUNAUTHORIZED, "sign in first: POST /api/v1/auth/token, then send Authorization: Bearer TOKEN")
	}
	return info.user, nil
}

// notFound answers the requests no route matches: 405 with Allow when
// the path exists for other methods, else 404; in the API's error shape,
// or as a page for the paths of the web UI.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	if isUIPath(r.URL.Path) {
		s.uiNotFound(w, r, allow)
		return
	}
	if len(allow) > 0 {
		writeError(w, r, &protocolError{status: http.StatusMethodNotAllowed, code: codeNoMethod,
			msg:    fmt.Sprintf("%s is not allowed here (allowed: %s)", r.Method, strings.Join(allow, ", ")),
			header: http.Header{"Allow": {strings.Join(allow, ", ")}}})
		return
	}
	writeError(w, r, &protocolError{status: http.StatusNotFound, code: model.ENOTFOUND, msg: "no such route: " + r.URL.Path})
}

package web

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"golang.org/x/time/rate"

	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// Passwords

// Password lengths accepted, in characters (the maximum bounds the work
// of hashing).
const (
	minPassword = 8
	maxPassword = 1024
)

// commonPasswords are passwords that attackers try first (passwords/
// SOURCES.md says where the list comes from), lower-cased, one a line.
//
//go:embed passwords/common.txt
var commonPasswords string

// commonSet is commonPasswords as a set, for look-ups without regard to
// case.
func commonSet() map[string]struct{} {
	set := make(map[string]struct{}, 4096)
	sc := bufio.NewScanner(strings.NewReader(commonPasswords))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" {
			set[w] = struct{}{}
		}
	}
	return set
}

// passwords hashes and checks passwords with argon2id. Each hash takes
// Params.Memory of memory, so at most a few are computed at once.
type passwords struct {
	common map[string]struct{}
	params *argon2id.Params
	sem    chan struct{}
	dummy  string // checked against when the email is unknown, so timing does not tell
}

func newPasswords(p *argon2id.Params) (*passwords, error) {
	pw := &passwords{params: p, sem: make(chan struct{}, 4), common: commonSet()}
	var b [16]byte
	rand.Read(b[:])
	var err error
	if pw.dummy, err = argon2id.CreateHash(base64.RawStdEncoding.EncodeToString(b[:]), p); err != nil {
		return nil, err
	}
	return pw, nil
}

func (p *passwords) acquire(ctx context.Context) error {
	select {
	case p.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// hash returns the encoded argon2id hash of a new password, after
// checking its length and that it is not a common password (without
// regard to case).
func (p *passwords) hash(ctx context.Context, password string) (string, error) {
	switch n := utf8.RuneCountInString(password); {
	case n < minPassword:
		return "", model.Errorf(model.EINVALID, "a password needs at least %d characters", minPassword)
	case n > maxPassword:
		return "", model.Errorf(model.EINVALID, "a password may have at most %d characters", maxPassword)
	}
	if _, ok := p.common[strings.ToLower(password)]; ok {
		return "", model.Errorf(model.EINVALID, "this password is among the most common ones, which are tried first: choose another")
	}
	if err := p.acquire(ctx); err != nil {
		return "", err
	}
	defer func() { <-p.sem }()
	return argon2id.CreateHash(password, p.params)
}

// check says whether password matches hash (compared in constant time);
// an empty hash (no such user) is checked against a dummy, and fails.
func (p *passwords) check(ctx context.Context, password, hash string) (bool, error) {
	if len(password) > 4*maxPassword {
		password = password[:4*maxPassword]
	}
	known := hash != ""
	if !known {
		hash = p.dummy
	}
	if err := p.acquire(ctx); err != nil {
		return false, err
	}
	defer func() { <-p.sem }()
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil {
		return false, fmt.Errorf("checking a password: %w", err)
	}
	return ok && known, nil
}

// Tokens and sessions

// tokenPrefix starts every token, so that secret scanners recognise them.
const tokenPrefix = "scrutin_"

// newSecret returns a new token (256 random bits) and the SHA-256 hash
// that the store keeps of it.
func newSecret() (secret string, hash []byte) {
	var b [32]byte
	rand.Read(b[:])
	secret = tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return secret, hashToken(secret)
}

func hashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Session cookies: "__Host-" cookies must be Secure, so the prefix is
// used over HTTPS only (plain HTTP on localhost still works).
const (
	sessionCookie       = "scrutin_session"
	secureSessionCookie = "__Host-scrutin_session"
)

func sessionFromCookie(r *http.Request) string {
	for _, name := range []string{secureSessionCookie, sessionCookie} {
		if c, err := r.Cookie(name); err == nil && c.Value != "" {
			return c.Value
		}
	}
	return ""
}

// newSessionCookie is the cookie of a session: HttpOnly, SameSite=Lax,
// Secure over HTTPS; maxAge < 0 removes it.
func newSessionCookie(secure bool, value string, maxAge time.Duration) http.Cookie {
	c := http.Cookie{Name: sessionCookie, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure}
	if secure {
		c.Name = secureSessionCookie
	}
	if maxAge < 0 {
		c.MaxAge = -1
	} else {
		c.MaxAge = int(maxAge / time.Second)
	}
	return c
}

// Roles

var roleRank = map[string]int{store.RoleViewer: 1, store.RoleAnalyst: 2, store.RoleOwner: 3}

// orgNotFound is what anyone who is not a member learns of an
// organisation, whether it exists or not (same status, same body).
func orgNotFound() error { return model.Errorf(model.ENOTFOUND, "organisation not found") }

// authorize checks that the caller may act in org with at least role
// need, and returns the caller. A caller who is not a member gets
// ENOTFOUND, exactly as for an organisation that does not exist, unless
// asAdmin lets the site administrator act there as an owner would
// (members and audit log); a member whose role is too low gets
// EFORBIDDEN.
func (s *Server) authorize(ctx context.Context, org, need string, asAdmin bool) (*store.User, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	role, err := s.db.Role(ctx, org, u.ID)
	if err != nil {
		return nil, err
	}
	return s.authorizeRole(ctx, u, org, role, need, asAdmin)
}

// authorizeRole is authorize for caller u, whose role in org ("" for
// none) was read already.
func (s *Server) authorizeRole(ctx context.Context, u *store.User, org, role, need string, asAdmin bool) (*store.User, error) {
	if role == "" {
		if asAdmin && u.Admin {
			if _, err := s.db.Org(ctx, org); err != nil {
				return nil, err
			}
			return u, nil
		}
		return nil, orgNotFound()
	}
	if roleRank[role] < roleRank[need] {
		return nil, model.Errorf(model.EFORBIDDEN, "this needs the %s role in organisation %s; yours is %s", need, org, role)
	}
	return u, nil
}

// admin checks that the caller is the site administrator.
func admin(ctx context.Context) (*store.User, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if !u.Admin {
		return nil, model.Errorf(model.EFORBIDDEN, "only the site administrator may do this")
	}
	return u, nil
}

// Sign-in rate limits

// loginLimiter keeps a token bucket per client address and per (client
// address, email).
type loginLimiter struct {
	cfg    LoginLimit
	now    func() time.Time
	mu     sync.Mutex
	byAddr map[string]*rate.Limiter
	byPair map[string]*rate.Limiter // key: address, NUL, lower-cased email
}

// maxBuckets is how many buckets a map holds before full ones (which say
// nothing a new one would not) are dropped.
const maxBuckets = 10_000

func newLoginLimiter(cfg LoginLimit, now func() time.Time) *loginLimiter {
	return &loginLimiter{cfg: cfg, now: now, byAddr: map[string]*rate.Limiter{}, byPair: map[string]*rate.Limiter{}}
}

// allow takes an attempt from both buckets, or says how long to wait.
func (l *loginLimiter) allow(addr, email string) (bool, time.Duration) {
	email = strings.ToLower(strings.TrimSpace(email))
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.bucket(l.byAddr, addr, l.cfg.PerAddress, l.cfg.AddressBurst, now)
	m := l.bucket(l.byPair, addr+"\x00"+email, l.cfg.PerAccount, l.cfg.AccountBurst, now)
	ra, rm := a.ReserveN(now, 1), m.ReserveN(now, 1)
	wait := max(ra.DelayFrom(now), rm.DelayFrom(now))
	if !ra.OK() || !rm.OK() || wait > 0 {
		ra.CancelAt(now)
		rm.CancelAt(now)
		return false, max(wait, time.Second)
	}
	return true, 0
}

func (l *loginLimiter) bucket(m map[string]*rate.Limiter, key string, r rate.Limit, burst int, now time.Time) *rate.Limiter {
	b, ok := m[key]
	if !ok {
		if len(m) >= maxBuckets {
			// A full bucket says nothing: it is as good as a new one.
			for k, old := range m {
				if old.TokensAt(now) >= float64(old.Burst()) {
					delete(m, k)
				}
			}
			if len(m) >= maxBuckets {
				clear(m) // memory stays bounded, whatever the traffic
			}
		}
		b = rate.NewLimiter(r, burst)
		m[key] = b
	}
	return b
}

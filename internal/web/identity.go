package web

import (
	"context"
	"sync"
	"time"

	"github.com/scrutin/scrutin/internal/store"
)

// identityTTL is how long the server keeps an identity it has read (a
// token or session and its user) without reading it again: the longest a
// change made through another server on the same database (revoking,
// disabling, a new password) takes to reach this one. Changes made
// through this server take effect at the next request (identities).
const identityTTL = time.Second

// maxIdentities bounds the identities kept; past it, they are all
// dropped (each costs two reads to get back).
const maxIdentities = 10_000

// identities keeps the identities last read, by the SHA-256 of their
// secret, so that a client sending many requests costs two reads a
// second rather than two a request. An identity is used only while it is
// younger than identityTTL, its token has not expired and the store's
// AccountsVersion is the one read before it: any change to users or
// tokens made through this server's store makes every identity read
// before it stale at once.
type identities struct {
	mu sync.Mutex
	m  map[[32]byte]identity
}

type identity struct {
	token   store.Token
	user    store.User
	version uint64    // the store's AccountsVersion, read before the rows
	read    time.Time // when
}

// get returns copies of the token and user kept for hash, if they hold
// at now under the store's version.
func (c *identities) get(hash [32]byte, version uint64, now time.Time) (*store.Token, *store.User, bool) {
	c.mu.Lock()
	id, ok := c.m[hash]
	c.mu.Unlock()
	if !ok || id.version != version || now.Sub(id.read) >= identityTTL || now.Before(id.read) ||
		(id.token.ExpiresAt != nil && !id.token.ExpiresAt.After(now)) {
		return nil, nil, false
	}
	t, u := id.token, id.user
	return &t, &u, true
}

// put keeps the token and user read for hash after reading version.
func (c *identities) put(hash [32]byte, t *store.Token, u *store.User, version uint64, read time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxIdentities {
		c.m = make(map[[32]byte]identity)
	}
	c.m[hash] = identity{token: *t, user: *u, version: version, read: read}
}

// lookupIdentity returns the token with the hash of secret and its user,
// from s.identities or else the store (then kept): ENOTFOUND for a token
// that does not exist or has expired. A disabled user is returned as is
// (the caller refuses them) and not kept.
func (s *Server) lookupIdentity(ctx context.Context, hash [32]byte) (*store.Token, *store.User, error) {
	version, now := s.db.AccountsVersion(), s.cfg.Now()
	if t, u, ok := s.identities.get(hash, version, now); ok {
		return t, u, nil
	}
	t, err := s.db.TokenByHash(ctx, hash[:])
	if err != nil {
		return nil, nil, err
	}
	u, err := s.db.UserByID(ctx, t.UserID)
	if err != nil {
		return nil, nil, err
	}
	if u.DisabledAt == nil {
		s.identities.put(hash, t, u, version, now)
	}
	return t, u, nil
}

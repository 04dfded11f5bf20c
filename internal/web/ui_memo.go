package web

import (
	"strconv"
	"sync"
)

// Pages kept once rendered, by their inputs. A page whose inputs are all
// in its key — the view (the caller, their organisations and roles, the
// language, the path) and the data version of the organisation whose
// data it shows, which the database changes with every change of that
// data (store.DB.OrgDataVersion) — is rendered once for them and then
// served as it is. The key is read on every request, from the store, so
// a change made by another server shows at once too; only the reading of
// the data and the rendering are saved.

// Bounds of pageMemo.
const (
	maxMemoPages = 256
	maxMemoBytes = 16 << 20
)

// pageMemo keeps rendered pages by key, oldest dropped first past its
// bounds.
type pageMemo struct {
	mu    sync.Mutex
	m     map[string][]byte
	order []string // oldest first
	size  int
}

// get returns the page kept for key, or nil.
func (c *pageMemo) get(key string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

// put keeps body (which the caller no longer changes) for key; a page
// over a quarter of the bytes is not kept.
func (c *pageMemo) put(key string, body []byte) {
	n := len(key) + len(body)
	if n > maxMemoBytes/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string][]byte)
	}
	if old, ok := c.m[key]; ok {
		c.size -= len(key) + len(old)
	} else {
		c.order = append(c.order, key)
	}
	c.m[key] = body
	c.size += n
	for len(c.order) > 0 && (len(c.m) > maxMemoPages || c.size > maxMemoBytes) {
		k := c.order[0]
		c.size -= len(k) + len(c.m[k])
		delete(c.m, k)
		c.order = c.order[1:]
	}
}

// reset drops every page.
func (c *pageMemo) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m, c.order, c.size = nil, nil, 0
}

// memoKey builds a key from values, each written so that no two lists
// of values give the same key (strings are prefixed with their length).
type memoKey struct{ b []byte }

func (k *memoKey) str(s string) {
	k.b = strconv.AppendInt(k.b, int64(len(s)), 10)
	k.b = append(k.b, ':')
	k.b = append(k.b, s...)
}

func (k *memoKey) int(i int64) {
	k.b = strconv.AppendInt(k.b, i, 10)
	k.b = append(k.b, ';')
}

func (k *memoKey) bool(v bool) {
	if v {
		k.b = append(k.b, 'T')
	} else {
		k.b = append(k.b, 'F')
	}
}

// view writes the layout's inputs: everything of the view but Page.
func (k *memoKey) view(v *view) {
	k.str(string(v.Lang))
	k.str(v.Title)
	k.str(v.Nav)
	k.str(v.Path)
	k.bool(v.Charts)
	k.int(int64(v.Refresh))
	k.str(v.Flash)
	if u := v.User; u != nil {
		k.bool(true)
		k.int(u.ID)
		k.str(u.Email)
		k.str(u.Name)
		k.bool(u.Admin)
		k.str(u.Language)
	} else {
		k.bool(false)
	}
	k.int(int64(len(v.Orgs)))
	for _, o := range v.Orgs {
		k.org(o)
	}
	if v.Org != nil {
		k.bool(true)
		k.org(*v.Org)
	} else {
		k.bool(false)
	}
}

func (k *memoKey) org(o orgView) {
	k.str(o.ID)
	k.str(o.Name)
	k.str(o.Kind)
	k.str(o.Role)
}

// dashboardKey is the key of the organisation's dashboard at data
// version: the view's inputs as the dashboard handler has them before it
// reads the data (Title, Nav and Charts, which it sets, not yet set).
func dashboardKey(v *view, version int64) string {
	var k memoKey
	k.str("dashboard")
	k.int(version)
	k.view(v)
	return string(k.b)
}

package web

import (
	"math"
	"slices"
	"strconv"
	"sync"
)

// Pages kept once rendered, by their inputs. A page whose every input is
// known (the data its handler reads for it, the caller, the language,
// the path) is rendered once for those inputs and then served as it is,
// until an input changes: then its key does, and it is rendered again.
// The inputs are read on every request, from the store, so a change made
// by another server shows at once too; only the rendering is saved.

// Bounds of pageMemo.
const (
	maxMemoPages = 256
	maxMemoBytes = 16 << 20
)

// pageMemo keeps rendered pages by key, oldest dropped first past its
// bounds.
type pageMemo struct {
	mu    sync.Mutex
	m     map[string]memoPage
	order []string // oldest first
	size  int
}

// memoPage is a page kept, with the prepared results it shows, compared
// by identity: a result prepared again (from another model name, after
// the cache of results dropped it) is another input. Holding them keeps
// their addresses from being reused.
type memoPage struct {
	results []*runResult
	body    []byte
}

// get returns the page kept for key and results, or nil.
func (c *pageMemo) get(key string, results []*runResult) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.m[key]; ok && slices.Equal(p.results, results) {
		return p.body
	}
	return nil
}

// put keeps body (which the caller no longer changes) for key and
// results; a page over a quarter of the bytes is not kept.
func (c *pageMemo) put(key string, results []*runResult, body []byte) {
	n := len(key) + len(body)
	if n > maxMemoBytes/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]memoPage)
	}
	if old, ok := c.m[key]; ok {
		c.size -= len(key) + len(old.body)
	} else {
		c.order = append(c.order, key)
	}
	c.m[key] = memoPage{results: slices.Clone(results), body: body}
	c.size += n
	for len(c.order) > 0 && (len(c.m) > maxMemoPages || c.size > maxMemoBytes) {
		k := c.order[0]
		c.size -= len(k) + len(c.m[k].body)
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

func (k *memoKey) float(f float64) { k.int(int64(math.Float64bits(f))) }

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

// dashboardKey is the key of a dashboard whose models, chosen model and
// trend are filled in (the rest of the page derives from them, the
// prepared results and the view), and the prepared results it shows.
func dashboardKey(v *view, page *dashboardPage) (string, []*runResult) {
	var k memoKey
	k.str("dashboard")
	k.view(v)
	var results []*runResult
	k.int(int64(len(page.Models)))
	for _, m := range page.Models {
		k.int(m.ID)
		k.str(m.Name)
		k.int(int64(m.Revision))
		k.str(m.State)
		if r := m.Run; r != nil {
			k.bool(true)
			k.int(r.ID)
			k.int(int64(r.Revision))
			k.str(r.Status)
			if r.FinishedAt != nil {
				k.int(r.FinishedAt.UnixNano())
			} else {
				k.str("")
			}
		} else {
			k.bool(false)
		}
		if m.Result != nil {
			k.bool(true)
			results = append(results, m.Result)
		} else {
			k.bool(false)
		}
	}
	if c := page.Chosen; c != nil {
		k.int(c.ID)
	} else {
		k.str("")
	}
	k.int(int64(len(page.Trend)))
	for _, p := range page.Trend {
		k.int(p.RunID)
		k.int(p.At.UnixNano())
		k.float(p.Mean)
		k.float(p.P90)
	}
	return string(k.b), results
}

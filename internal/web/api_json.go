package web

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	"github.com/go-json-experiment/json/jsontext"
)

// The API's JSON is huma's (encoding/json, HTML not escaped, a newline
// after the value), but a body that holds a large piece of stored JSON
// (a run's result) writes itself: encoding/json checks and compacts
// embedded JSON with a scanner that takes most of the time of answering
// GET /runs/{id}; jsontext does the same work several times faster. The
// bytes are the same: TestRunViewJSON compares them.

// selfJSON is a response body that can write its JSON faster than
// encoding/json, exactly as encoding/json would; ok false leaves it to
// encoding/json.
type selfJSON interface {
	appendJSON(dst []byte) (out []byte, ok bool)
}

// jsonFormats are huma's formats with the JSON one that lets bodies write
// themselves.
func jsonFormats() map[string]huma.Format {
	formats := maps.Clone(huma.DefaultFormats)
	f := huma.Format{Marshal: marshalJSON, Unmarshal: huma.DefaultJSONFormat.Unmarshal}
	for ct := range formats {
		if ct == "application/json" || ct == "json" {
			formats[ct] = f
		}
	}
	return formats
}

func marshalJSON(w io.Writer, v any) error {
	if s, ok := v.(selfJSON); ok {
		if b, ok := s.appendJSON(nil); ok {
			_, err := w.Write(b)
			return err
		}
	}
	return huma.DefaultJSONFormat.Marshal(w, v)
}

// appendJSON writes the run as huma's encoding/json would: the run
// without its result, then the result compacted by jsontext spliced in
// where encoding/json puts it, before "created_by" (the field after it in
// runView). A result that is not valid JSON is left to encoding/json, to
// fail as it fails.
func (v runView) appendJSON(dst []byte) ([]byte, bool) {
	if len(v.Result) == 0 {
		return nil, false
	}
	result := v.Result
	v.Result = nil
	var head bytes.Buffer
	enc := json.NewEncoder(&head)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, false
	}
	// Inside a string a quote is escaped: this is the field.
	at := bytes.Index(head.Bytes(), []byte(`,"created_by":`))
	if at < 0 {
		return nil, false
	}
	out := append(dst, head.Bytes()[:at]...)
	out = append(out, `,"result":`...)
	start := len(out)
	out = append(out, result...)
	if !v.compact {
		val := jsontext.Value(out[start:])
		if err := val.Compact(); err != nil {
			return nil, false
		}
		out = append(out[:start], val...)
	}
	return append(out, head.Bytes()[at:]...), true
}

// compactJSON returns raw compacted as encoding/json compacts it, or
// false when it is not valid JSON.
func compactJSON(raw []byte) ([]byte, bool) {
	val := jsontext.Value(bytes.Clone(raw))
	if err := val.Compact(); err != nil {
		return nil, false
	}
	return val, true
}

// Bounds of compactCache.
const (
	maxCompactRuns  = 256
	maxCompactBytes = 32 << 20
)

// compactCache keeps the results of the runs last answered, as stored and
// compacted, so that answering a run again need not compact its result
// again: a result is served from here only when it is byte for byte the
// one stored now.
type compactCache struct {
	mu    sync.Mutex
	m     map[int64]compactEntry
	order []int64 // oldest first
	size  int
}

type compactEntry struct{ stored, compact []byte }

// result returns run id's result, as stored, compacted: from the cache,
// else compacted now and kept; nil when it is not valid JSON.
func (c *compactCache) result(id int64, stored []byte) []byte {
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	if ok && bytes.Equal(e.stored, stored) {
		return e.compact
	}
	compact, ok := compactJSON(stored)
	if !ok {
		return nil
	}
	e = compactEntry{stored: bytes.Clone(stored), compact: compact}
	n := len(e.stored) + len(e.compact)
	if n > maxCompactBytes/4 {
		return compact // too large to keep
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[int64]compactEntry)
	}
	if old, ok := c.m[id]; ok {
		c.size -= len(old.stored) + len(old.compact)
	} else {
		c.order = append(c.order, id)
	}
	c.m[id] = e
	c.size += n
	for len(c.order) > 0 && (len(c.m) > maxCompactRuns || c.size > maxCompactBytes) {
		old := c.m[c.order[0]]
		c.size -= len(old.stored) + len(old.compact)
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
	return compact
}

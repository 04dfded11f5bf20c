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
// fail as it fails. A run with its body written before is that body.
func (v runView) appendJSON(dst []byte) ([]byte, bool) {
	if v.body != nil {
		if dst == nil {
			return v.body, true
		}
		return append(dst, v.body...), true
	}
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
	val := jsontext.Value(out[start:])
	if err := val.Compact(); err != nil {
		return nil, false
	}
	out = append(out[:start], val...)
	return append(out, head.Bytes()[at:]...), true
}

// Bounds of runBodies.
const (
	maxKeptRuns     = 256
	maxKeptRunBytes = 32 << 20
)

// runBodies keeps the JSON bodies of the succeeded runs last answered, by
// run id, so that answering one again need not read its result and write
// it again: a run that has finished never changes (every update of a run
// is of a queued or running one), so the body holds while the run exists.
type runBodies struct {
	mu    sync.Mutex
	m     map[int64]keptRun
	order []int64 // oldest first
	size  int
}

type keptRun struct {
	org  string
	body []byte
}

// get returns the body kept of the organisation's run, or nil.
func (c *runBodies) get(org string, id int64) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k, ok := c.m[id]; ok && k.org == org {
		return k.body
	}
	return nil
}

// put keeps the body of a finished run (the caller no longer changes
// it), dropping the oldest past the bounds; one over a quarter of the
// bytes is not kept.
func (c *runBodies) put(org string, id int64, body []byte) {
	if len(body) > maxKeptRunBytes/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[int64]keptRun)
	}
	if old, ok := c.m[id]; ok {
		c.size -= len(old.body)
	} else {
		c.order = append(c.order, id)
	}
	c.m[id] = keptRun{org: org, body: body}
	c.size += len(body)
	for len(c.order) > 0 && (len(c.m) > maxKeptRuns || c.size > maxKeptRunBytes) {
		c.size -= len(c.m[c.order[0]].body)
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
}

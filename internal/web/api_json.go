package web

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"

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
	val := jsontext.Value(out[start:])
	if err := val.Compact(); err != nil {
		return nil, false
	}
	out = append(out[:start], val...)
	return append(out, head.Bytes()[at:]...), true
}

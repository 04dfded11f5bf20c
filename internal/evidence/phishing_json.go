package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// ParseGoPhishJSON reads GoPhish campaign JSON: the campaign results
// (GET /api/campaigns/{id}/results: id, name, status, results, timeline),
// the full campaign (GET /api/campaigns/{id}, which adds launch_date,
// created_date, template, page, smtp …), a list of either (GET
// /api/campaigns/), an object holding such a list under "campaigns", or
// several of these one after the other (as concatenated API responses are).
// Fields it does not use are ignored. Errors give the byte offset (with
// line and column) of malformed JSON, and the path of a bad value, such as
// [1].results[3].send_date.
func ParseGoPhishJSON(r io.Reader) (*Phishing, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "cannot read: %v", err)
	}
	return parseGoPhishJSON(bytes.TrimPrefix(data, []byte("\uFEFF")))
}

// gpCampaignJSON is the part of GoPhish's Campaign and CampaignResults
// that matters here, plus what tells other JSON apart.
type gpCampaignJSON struct {
	ID          json.RawMessage `json:"id"`
	Name        *string         `json:"name"`
	Status      string          `json:"status"`
	CreatedDate string          `json:"created_date"`
	LaunchDate  string          `json:"launch_date"`
	Results     *[]gpResultJSON `json:"results"`
	Timeline    *[]gpEventJSON  `json:"timeline"`
	Campaigns   json.RawMessage `json:"campaigns"` // a wrapper: {"total": n, "campaigns": [...]}
	Stats       json.RawMessage `json:"stats"`     // a campaign summary: counts only
	Message     *string         `json:"message"`   // an API error response
	Success     *bool           `json:"success"`
}

type gpResultJSON struct {
	ID       json.RawMessage `json:"id"`
	Status   string          `json:"status"`
	SendDate string          `json:"send_date"`
	Reported json.RawMessage `json:"reported"`
	Email    string          `json:"email"`
	Position string          `json:"position"`
}

type gpEventJSON struct {
	Email   string `json:"email"`
	Time    string `json:"time"`
	Message string `json:"message"`
}

// phishJSONAt is a JSON value and the offset of its first byte in the input.
type phishJSONAt struct {
	off int64
	raw []byte
}

// gpJSON parses one input; data is kept for line and column numbers.
type gpJSON struct {
	data []byte
	out  Phishing
}

func parseGoPhishJSON(data []byte) (*Phishing, error) {
	p := &gpJSON{data: data}
	values, err := p.values()
	if err != nil {
		return nil, err
	}
	for i, v := range values {
		path := ""
		if len(values) > 1 {
			path = fmt.Sprintf("(value %d)", i+1)
		}
		if err := p.value(v, path, true); err != nil {
			return nil, err
		}
	}
	return &p.out, nil
}

// values splits the input into its top-level JSON values.
func (p *gpJSON) values() ([]phishJSONAt, error) {
	dec := json.NewDecoder(bytes.NewReader(p.data))
	var out []phishJSONAt
	for {
		off := dec.InputOffset()
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, p.syntaxError(err, int64(len(p.data)))
		}
		out = append(out, phishJSONAt{off: off + phishSkipSpace(p.data[off:]), raw: raw})
	}
	if len(out) == 0 {
		return nil, model.Errorf(model.EINVALID, "empty input: expected GoPhish campaign JSON")
	}
	return out, nil
}

// phishSkipSpace counts the white space, commas and colons before a value.
func phishSkipSpace(b []byte) int64 {
	n := 0
	for n < len(b) && strings.IndexByte(" \t\r\n,:", b[n]) >= 0 {
		n++
	}
	return int64(n)
}

func (p *gpJSON) syntaxError(err error, end int64) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return model.Errorf(model.EINVALID, "%s: malformed JSON: %v", p.at(se.Offset-1), se)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return model.Errorf(model.EINVALID, "%s: malformed JSON: it ends in the middle of a value", p.at(end))
	}
	return model.Errorf(model.EINVALID, "malformed JSON: %v", err)
}

// at names a byte offset for people: "byte 120 (line 5, column 3)".
func (p *gpJSON) at(off int64) model.Text {
	off = max(0, min(off, int64(len(p.data))))
	before := p.data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return model.T("byte %d (line %d, column %d)", off, line, col)
}

func phishJoinPath(base, elem string) string {
	switch {
	case base == "":
		return elem
	case strings.HasPrefix(elem, "["):
		return base + elem
	}
	return base + "." + elem
}

// value reads a campaign or a list of them; top says v is not inside
// another list, where a {"campaigns": [...]} wrapper may be.
func (p *gpJSON) value(v phishJSONAt, path string, top bool) error {
	switch v.raw[0] {
	case '[':
		elems, err := p.elements(v)
		if err != nil {
			return err
		}
		for i, e := range elems {
			if err := p.campaign(e, phishJoinPath(path, fmt.Sprintf("[%d]", i)), false); err != nil {
				return err
			}
		}
		return nil
	case '{':
		return p.campaign(v, path, top)
	}
	return model.Errorf(model.EINVALID, "%s: %s: expected a GoPhish campaign (an object) or a list of them, got %s",
		p.at(v.off), phishOrRoot(path), phishJSONKind(v.raw))
}

func phishOrRoot(path string) model.Text {
	if path == "" {
		return model.T("top level")
	}
	return model.T("%s", path)
}

func phishJSONKind(raw []byte) model.Text {
	switch raw[0] {
	case '{':
		return model.T("an object")
	case '[':
		return model.T("a list")
	case '"':
		return model.T("a string")
	case 't', 'f':
		return model.T("true or false")
	case 'n':
		return model.T("null")
	}
	return model.T("a number")
}

// elements splits a JSON array into its elements, with their offsets.
func (p *gpJSON) elements(v phishJSONAt) ([]phishJSONAt, error) {
	dec := json.NewDecoder(bytes.NewReader(v.raw))
	if _, err := dec.Token(); err != nil { // [
		return nil, p.syntaxError(err, v.off+int64(len(v.raw)))
	}
	var out []phishJSONAt
	for dec.More() {
		off := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, p.syntaxError(err, v.off+int64(len(v.raw)))
		}
		out = append(out, phishJSONAt{off: v.off + off + phishSkipSpace(v.raw[off:]), raw: raw})
	}
	return out, nil
}

// member finds the value of key in a JSON object, with its offset: as
// encoding/json does, keys match case-insensitively and the last one wins.
func (p *gpJSON) member(v phishJSONAt, key string) (phishJSONAt, bool) {
	dec := json.NewDecoder(bytes.NewReader(v.raw))
	if _, err := dec.Token(); err != nil { // {
		return phishJSONAt{}, false
	}
	var found phishJSONAt
	ok := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return phishJSONAt{}, false
		}
		off := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return phishJSONAt{}, false
		}
		if k, _ := t.(string); strings.EqualFold(k, key) {
			found, ok = phishJSONAt{off: v.off + off + phishSkipSpace(v.raw[off:]), raw: raw}, true
		}
	}
	return found, ok
}

// typeError turns encoding/json's type error into one with the offset and
// the JSON path (without the indexes encoding/json does not give).
func (p *gpJSON) typeError(err error, v phishJSONAt, path string) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := phishJoinPath(path, te.Field)
		return model.Errorf(model.EINVALID, "%s: %s: expected %s, got a JSON %s",
			p.at(v.off+te.Offset-1), phishOrRoot(field), phishGoKind(te.Type), te.Value)
	}
	return model.Errorf(model.EINVALID, "%s: %s: %v", p.at(v.off), phishOrRoot(path), err)
}

func phishGoKind(t reflect.Type) model.Text {
	switch t.Kind() {
	case reflect.String:
		return model.T("a string")
	case reflect.Bool:
		return model.T("true or false")
	case reflect.Slice, reflect.Array:
		return model.T("a list")
	case reflect.Struct, reflect.Map:
		return model.T("an object")
	case reflect.Pointer:
		return phishGoKind(t.Elem())
	}
	return model.T("%s", t.String())
}

func (p *gpJSON) campaign(v phishJSONAt, path string, top bool) error {
	if v.raw[0] != '{' {
		return model.Errorf(model.EINVALID, "%s: %s: expected a GoPhish campaign (an object), got %s", p.at(v.off), phishOrRoot(path), phishJSONKind(v.raw))
	}
	var c gpCampaignJSON
	if err := json.Unmarshal(v.raw, &c); err != nil {
		return p.typeError(err, v, path)
	}
	if c.Results == nil && c.Timeline == nil {
		switch {
		case len(c.Campaigns) > 0 && string(c.Campaigns) != "null":
			list, ok := p.member(v, "campaigns")
			if !ok || !top {
				return model.Errorf(model.EINVALID, "%s: %s: a list of campaigns is expected only at the top level", p.at(v.off), phishJoinPath(path, "campaigns"))
			}
			if list.raw[0] != '[' {
				return model.Errorf(model.EINVALID, "%s: %s: expected a list of campaigns, got %s", p.at(list.off), phishJoinPath(path, "campaigns"), phishJSONKind(list.raw))
			}
			return p.value(list, phishJoinPath(path, "campaigns"), false)
		case c.Stats != nil:
			return model.Errorf(model.EINVALID, "%s: %s: this is a GoPhish campaign summary (counts only, from /api/campaigns/summary); "+
				"per-recipient results are needed: export /api/campaigns/{id}/results or the results CSV", p.at(v.off), phishOrRoot(path))
		case c.Message != nil && c.Success != nil:
			return model.Errorf(model.EINVALID, "%s: %s: this is a GoPhish API error response, not campaign results: %q", p.at(v.off), phishOrRoot(path), *c.Message)
		case c.Name == nil:
			return model.Errorf(model.EINVALID, "%s: %s: not a GoPhish campaign: it has no name, results or timeline", p.at(v.off), phishOrRoot(path))
		}
	}
	meta := gpCampaignMeta{status: c.Status}
	if c.Name != nil {
		meta.name = *c.Name
	}
	var err error
	if meta.id, err = phishJSONScalar(c.ID); err != nil {
		return model.Errorf(model.EINVALID, "%s: %s: %v", p.at(v.off), phishJoinPath(path, "id"), err)
	}
	if meta.launch, err = parseGoPhishTime(c.LaunchDate); err != nil {
		return model.Errorf(model.EINVALID, "%s: %v", phishJoinPath(path, "launch_date"), err)
	}
	if meta.created, err = parseGoPhishTime(c.CreatedDate); err != nil {
		return model.Errorf(model.EINVALID, "%s: %v", phishJoinPath(path, "created_date"), err)
	}
	var results []gpRawResult
	if c.Results != nil {
		results = make([]gpRawResult, 0, len(*c.Results))
		for i, r := range *c.Results {
			at := phishJoinPath(path, fmt.Sprintf("results[%d]", i))
			rr, err := r.raw(at)
			if err != nil {
				return err
			}
			results = append(results, rr)
		}
	}
	var events []gpRawEvent
	if c.Timeline != nil {
		events = make([]gpRawEvent, 0, len(*c.Timeline))
		for i, e := range *c.Timeline {
			t, err := parseGoPhishTime(e.Time)
			if err != nil {
				return model.Errorf(model.EINVALID, "%s: %v", phishJoinPath(path, fmt.Sprintf("timeline[%d].time", i)), err)
			}
			events = append(events, gpRawEvent{email: e.Email, message: e.Message, time: t})
		}
	}
	p.out.Campaigns = append(p.out.Campaigns, buildPhishingCampaign(meta, results, events))
	return nil
}

func (r gpResultJSON) raw(at string) (gpRawResult, error) {
	rr := gpRawResult{email: r.Email, position: r.Position, status: r.Status}
	var err error
	if rr.id, err = phishJSONScalar(r.ID); err != nil {
		return rr, model.Errorf(model.EINVALID, "%s.id: %v", at, err)
	}
	if err := checkGoPhishStatus(r.Status); err != nil {
		return rr, model.Errorf(model.EINVALID, "%s.status: %v", at, err)
	}
	if rr.reported, err = phishJSONBool(r.Reported); err != nil {
		return rr, model.Errorf(model.EINVALID, "%s.reported: %v", at, err)
	}
	if rr.sendDate, err = parseGoPhishTime(r.SendDate); err != nil {
		return rr, model.Errorf(model.EINVALID, "%s.send_date: %v", at, err)
	}
	return rr, nil
}

// phishJSONScalar reads an id: a string or a number ("" for null or absent).
func phishJSONScalar(raw json.RawMessage) (string, error) {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "" || s == "null":
		return "", nil
	case s[0] == '"':
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", err
		}
		return v, nil
	case s[0] == '-' || (s[0] >= '0' && s[0] <= '9'):
		return s, nil
	}
	return "", model.Errorf(model.EINVALID, "expected a string or a number, got %s", phishJSONKind([]byte(s)))
}

// phishJSONBool reads GoPhish's reported flag: true or false, also when a tool
// has written it as a string or as 0 and 1; null is false.
func phishJSONBool(raw json.RawMessage) (bool, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return false, nil
	}
	if s[0] == '"' {
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return false, err
		}
		s = v
	}
	return parseGoPhishBool(s)
}

func parseGoPhishBool(s string) (bool, error) {
	switch phishKey(s) {
	case "true", "1", "yes", "y", "t":
		return true, nil
	case "false", "0", "no", "n", "f", "":
		return false, nil
	}
	return false, model.Errorf(model.EINVALID, "%s is not true or false", phishQuote(s))
}

package attack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/scrutin/scrutin/internal/model"
)

// The STIX indicator import decodes a bundle once, token by token, keeping
// of each object only what the import reads (iocSTIXObject's fields) and
// of the bundle only the indicators and the objects and relationships that
// attribute them. Its semantics are encoding/json's (as the import's first
// version, which decoded the bundle three times, had): names match
// case-insensitively and the last of duplicate names wins; a null leaves a
// string or boolean as it was; invalid UTF-8 is replaced; an object one of
// whose fields has the wrong type is skipped whole, and so is an element of
// "objects" that is not an object. Only malformed JSON, trailing data, and a
// top level that is not a bundle are errors. A test compares the two
// decoders on every fixture and under the fuzzer.

// iocSTIXDecoder holds the state of one bundle's decoding.
type iocSTIXDecoder struct {
	data []byte
	dec  *jsontext.Decoder
	imp  *IndicatorImport
	g    iocSTIXGraph

	indicators []iocSTIXIndicator // without patterns: the caller reads them after
	patterns   *iocPatternReader
	batch      []iocSTIXIndicator // indicators not yet sent to patterns
	gen        int                // "objects" arrays seen
	bundleType string
	// topErr is the first member of the top level of the wrong type: an
	// error for a bundle, not for a MISP event, which reads neither.
	topErr  error
	strs    map[string]string // interned ids and refs, which recur
	obj     iocSTIXObject     // the object being decoded, reused
	typeErr string            // the first type error in the current object
}

// iocDecodeSTIX decodes the bundle in data. It returns the top level's
// "type" (which the caller checks, a MISP event having none), the
// indicators, and the graph of the objects that attribute them; with
// patterns, it sends it the indicators as it finds them.
func iocDecodeSTIX(data []byte, imp *IndicatorImport, patterns *iocPatternReader) (*iocSTIXDecoder, error) {
	d := &iocSTIXDecoder{
		patterns: patterns,
		data:     data,
		// A bytes.Buffer is read in place, without a copy.
		dec: jsontext.NewDecoder(bytes.NewBuffer(data),
			jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)),
		imp: imp,
		g: iocSTIXGraph{
			objs: make(map[string]*iocSTIXObject),
			out:  make(map[string][]iocSTIXRel),
			in:   make(map[string][]iocSTIXRel),
		},
		strs: make(map[string]string),
	}
	if err := d.bundle(); err != nil {
		return nil, err
	}
	// Only white space may follow the bundle.
	if _, err := d.dec.ReadToken(); err != io.EOF {
		if err == nil {
			off := d.dec.InputOffset()
			return nil, model.Errorf(model.EINVALID, "invalid JSON: data after the top-level object (%s)", position(data, skipSpace(data, off-1)))
		}
		return nil, d.jsonErr(err)
	}
	return d, nil
}

// jsonErr turns a decoder error into an EINVALID error that says where.
func (d *iocSTIXDecoder) jsonErr(err error) error {
	var se *jsontext.SyntacticError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return model.Errorf(model.EINVALID, "invalid JSON: unexpected end of input (%s)", position(d.data, int64(len(d.data))))
	case errors.As(err, &se):
		msg := strings.TrimPrefix(se.Err.Error(), "jsontext: ")
		return model.Errorf(model.EINVALID, "invalid JSON: %s (%s)", msg, position(d.data, se.ByteOffset))
	}
	return model.Errorf(model.EINVALID, "invalid JSON: %v", err)
}

// bundle reads the top-level object.
func (d *iocSTIXDecoder) bundle() error {
	start := skipSpace(d.data, 0)
	switch k := d.dec.PeekKind(); k {
	case '{':
	case 'n': // null decodes to an empty bundle, whose type is not "bundle"
		if _, err := d.dec.ReadToken(); err != nil {
			return d.jsonErr(err)
		}
		return nil
	case 0:
		_, err := d.dec.ReadToken()
		return d.jsonErr(err)
	default:
		if err := d.dec.SkipValue(); err != nil {
			return d.jsonErr(err)
		}
		return model.Errorf(model.EINVALID, "stix bundle: expected a JSON object, got %s (%s)", iocKindName(k), position(d.data, start))
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.jsonErr(err)
	}
	for d.dec.PeekKind() != '}' {
		name, err := d.name()
		if err != nil {
			return err
		}
		switch iocFieldName(name, iocSTIXBundleFields) {
		case "type":
			off := skipSpace(d.data, d.dec.InputOffset())
			s, kind, err := d.str(false)
			switch {
			case err != nil:
				return err
			case kind == '"':
				d.bundleType = s
			case kind != 'n' && d.topErr == nil:
				d.topErr = model.Errorf(model.EINVALID, "\"type\" must be a string, not %s (%s)", iocKindName(kind), position(d.data, off))
			}
		case "objects":
			if err := d.objects(); err != nil {
				return err
			}
		default:
			if err := d.dec.SkipValue(); err != nil {
				return d.jsonErr(err)
			}
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.jsonErr(err)
	}
	return nil
}

// objects reads the "objects" array. A second "objects" replaces the
// first, as encoding/json decodes it.
func (d *iocSTIXDecoder) objects() error {
	*d.imp = IndicatorImport{}
	d.indicators, d.batch = nil, nil
	d.gen++
	clear(d.g.objs)
	clear(d.g.out)
	clear(d.g.in)
	off := skipSpace(d.data, d.dec.InputOffset())
	switch k := d.dec.PeekKind(); k {
	case '[':
	case 'n':
		if _, err := d.dec.ReadToken(); err != nil {
			return d.jsonErr(err)
		}
		return nil
	case 0:
		_, err := d.dec.ReadToken()
		return d.jsonErr(err)
	default:
		if err := d.dec.SkipValue(); err != nil {
			return d.jsonErr(err)
		}
		if d.topErr == nil {
			d.topErr = model.Errorf(model.EINVALID, "\"objects\" must be an array, not %s (%s)", iocKindName(k), position(d.data, off))
		}
		return nil
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.jsonErr(err)
	}
	for i := 0; d.dec.PeekKind() != ']'; i++ {
		if err := d.object(i); err != nil {
			return err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.jsonErr(err)
	}
	return nil
}

// object reads element i of "objects" and files it.
func (d *iocSTIXDecoder) object(i int) error {
	switch k := d.dec.PeekKind(); k {
	case '{':
	case 'n': // a null element decodes to an empty object, which is ignored
		if _, err := d.dec.ReadToken(); err != nil {
			return d.jsonErr(err)
		}
		return nil
	case 0:
		_, err := d.dec.ReadToken()
		return d.jsonErr(err)
	default:
		off := skipSpace(d.data, d.dec.InputOffset())
		if err := d.dec.SkipValue(); err != nil {
			return d.jsonErr(err)
		}
		d.imp.skip("unreadable object", fmt.Sprintf("object %d: %s is not an object (%s)", i, iocKindName(k), position(d.data, off)))
		return nil
	}
	start := skipSpace(d.data, d.dec.InputOffset())
	d.obj = iocSTIXObject{}
	d.typeErr = ""
	if err := d.fields(); err != nil {
		return err
	}
	o := &d.obj
	if d.typeErr != "" {
		what := "object " + fmt.Sprint(i)
		if o.ID != "" {
			what += " (" + o.ID + ")"
		}
		d.imp.skip("unreadable object", fmt.Sprintf("%s: %s (%s)", what, d.typeErr, position(d.data, start)))
		return nil
	}
	if o.Revoked {
		if o.Type == "indicator" {
			d.imp.skip("revoked", "")
		}
		return nil
	}
	// The last object of an id is the one relationships lead to; only
	// those that can lead to actors are kept.
	switch o.Type {
	case "indicator":
		kept := iocSTIXIndicator{ID: o.ID, Name: o.Name, Pattern: o.Pattern, PatternType: o.PatternType}
		if d.patterns != nil {
			d.batch = append(d.batch, kept)
			d.patterns.send(d, false)
		} else {
			d.indicators = append(d.indicators, kept)
		}
		d.forget(o.ID)
	case "relationship":
		// Attribution follows the relationships of these types from
		// their source, and "uses" back from its target.
		kept := iocSTIXRel{Type: o.RelationshipType, SourceRef: o.SourceRef, TargetRef: o.TargetRef}
		switch o.RelationshipType {
		case "indicates", "attributed-to", "authored-by":
			d.g.out[o.SourceRef] = append(d.g.out[o.SourceRef], kept)
		case "uses":
			d.g.in[o.TargetRef] = append(d.g.in[o.TargetRef], kept)
		}
		d.forget(o.ID)
	case "intrusion-set", "threat-actor", "campaign", "malware", "tool":
		if o.ID != "" {
			kept := *o
			d.g.objs[o.ID] = &kept
		}
	default:
		d.forget(o.ID)
	}
	return nil
}

// forget drops an earlier object of the same id, which a later one
// replaces.
func (d *iocSTIXDecoder) forget(id string) {
	if len(d.g.objs) > 0 && id != "" {
		delete(d.g.objs, id)
	}
}

// fields reads the members of an object into d.obj.
func (d *iocSTIXDecoder) fields() error {
	if _, err := d.dec.ReadToken(); err != nil { // '{'
		return d.jsonErr(err)
	}
	o := &d.obj
	for d.dec.PeekKind() != '}' {
		name, err := d.name()
		if err != nil {
			return err
		}
		var dst *string
		intern := false
		field := iocFieldName(name, iocSTIXFields)
		switch field {
		case "type":
			dst, intern = &o.Type, true
		case "id":
			dst = &o.ID
		case "name":
			dst = &o.Name
		case "pattern":
			dst = &o.Pattern
		case "pattern_type":
			dst, intern = &o.PatternType, true
		case "relationship_type":
			dst, intern = &o.RelationshipType, true
		case "source_ref":
			dst = &o.SourceRef
		case "target_ref":
			dst, intern = &o.TargetRef, true
		case "revoked":
			if err := d.boolean(&o.Revoked, "revoked"); err != nil {
				return err
			}
			continue
		case "external_references":
			if err := d.refs(); err != nil {
				return err
			}
			continue
		default:
			if err := d.dec.SkipValue(); err != nil {
				return d.jsonErr(err)
			}
			continue
		}
		if err := d.field(dst, field, intern); err != nil {
			return err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil { // '}'
		return d.jsonErr(err)
	}
	return nil
}

// field reads a string member into dst; null leaves dst as it is.
func (d *iocSTIXDecoder) field(dst *string, name string, intern bool) error {
	s, kind, err := d.str(intern)
	switch {
	case err != nil:
		return err
	case kind == '"':
		*dst = s
	case kind != 'n':
		d.wrongType(name, "a string", kind)
	}
	return nil
}

func (d *iocSTIXDecoder) boolean(dst *bool, name string) error {
	v, err := d.dec.ReadValue()
	if err != nil {
		return d.jsonErr(err)
	}
	switch v.Kind() {
	case 't':
		*dst = true
	case 'f':
		*dst = false
	case 'n':
	default:
		d.wrongType(name, "true or false", v.Kind())
	}
	return nil
}

// refs reads "external_references" into d.obj, as encoding/json decodes
// into a slice: elements decoded into those already there, then the slice
// cut to the array's length; null empties it.
func (d *iocSTIXDecoder) refs() error {
	o := &d.obj
	switch k := d.dec.PeekKind(); k {
	case '[':
	case 'n':
		o.ExternalReferences = nil
		if _, err := d.dec.ReadToken(); err != nil {
			return d.jsonErr(err)
		}
		return nil
	default:
		if err := d.dec.SkipValue(); err != nil {
			return d.jsonErr(err)
		}
		d.wrongType("external_references", "an array", k)
		return nil
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.jsonErr(err)
	}
	old := o.ExternalReferences
	refs := old[:0:0]
	for i := 0; d.dec.PeekKind() != ']'; i++ {
		var ref iocSTIXRef
		if i < len(old) {
			ref = old[i]
		}
		switch k := d.dec.PeekKind(); k {
		case '{':
			if _, err := d.dec.ReadToken(); err != nil {
				return d.jsonErr(err)
			}
			for d.dec.PeekKind() != '}' {
				name, err := d.name()
				if err != nil {
					return err
				}
				switch iocFieldName(name, iocSTIXRefFields) {
				case "source_name":
					err = d.field(&ref.SourceName, "external_references.source_name", true)
				case "external_id":
					err = d.field(&ref.ExternalID, "external_references.external_id", true)
				default:
					if err = d.dec.SkipValue(); err != nil {
						err = d.jsonErr(err)
					}
				}
				if err != nil {
					return err
				}
			}
			if _, err := d.dec.ReadToken(); err != nil {
				return d.jsonErr(err)
			}
		case 'n':
			if _, err := d.dec.ReadToken(); err != nil {
				return d.jsonErr(err)
			}
		default:
			if err := d.dec.SkipValue(); err != nil {
				return d.jsonErr(err)
			}
			d.wrongType("external_references", "an array of objects", k)
		}
		refs = append(refs, ref)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.jsonErr(err)
	}
	o.ExternalReferences = refs
	return nil
}

// wrongType notes the first member of the current object whose value is not
// of the type the import reads.
func (d *iocSTIXDecoder) wrongType(name, want string, got jsontext.Kind) {
	if d.typeErr == "" {
		d.typeErr = fmt.Sprintf("%q must be %s, not %s", name, want, iocKindName(got))
	}
}

// name reads an object member's name; it is valid until the next read.
func (d *iocSTIXDecoder) name() ([]byte, error) {
	v, err := d.dec.ReadValue()
	if err != nil {
		return nil, d.jsonErr(err)
	}
	raw := v[1 : len(v)-1]
	if iocPlain(raw) {
		return raw, nil
	}
	var s string
	_ = json.Unmarshal(v, &s) // the decoder checked the string
	return []byte(s), nil
}

// str reads a value and returns it, when it is a string, and its kind.
// It decodes strings as encoding/json does: plain ASCII is cut out of the
// input, anything with an escape or another byte goes through
// encoding/json itself, so that invalid UTF-8 and lone surrogates are
// replaced as it replaces them. With intern, a string is looked up first
// among those seen: types and targets recur (a bundle of 100,000
// indicators may name four intrusion sets).
func (d *iocSTIXDecoder) str(intern bool) (string, jsontext.Kind, error) {
	v, err := d.dec.ReadValue()
	if err != nil {
		return "", 0, d.jsonErr(err)
	}
	if v.Kind() != '"' {
		return "", v.Kind(), nil
	}
	raw := v[1 : len(v)-1]
	if !iocPlain(raw) {
		var s string
		_ = json.Unmarshal(v, &s) // the decoder checked the string
		return s, '"', nil
	}
	if !intern {
		return string(raw), '"', nil
	}
	if s, ok := d.strs[string(raw)]; ok {
		return s, '"', nil
	}
	s := string(raw)
	d.strs[s] = s
	return s, '"', nil
}

// iocPlain reports whether the contents of a JSON string are plain ASCII
// without escapes, the same decoded.
func iocPlain(raw []byte) bool {
	for _, c := range raw {
		if c == '\\' || c >= 0x80 {
			return false
		}
	}
	return true
}

// The names of the members the decoder reads, in lower case.
var (
	iocSTIXBundleFields = []string{"type", "objects"}
	iocSTIXFields       = []string{"type", "id", "name", "pattern", "pattern_type", "relationship_type",
		"source_ref", "target_ref", "revoked", "external_references"}
	iocSTIXRefFields = []string{"source_name", "external_id"}
)

// iocFieldName returns the field among fields (lower-case ASCII names)
// that a member name matches as encoding/json matches them, with case
// folded; "" if none.
func iocFieldName(name []byte, fields []string) string {
	var buf [24]byte
	if len(name) <= len(buf) {
		lower := buf[:len(name)]
		ascii := true
		for i, c := range name {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			ascii = ascii && c < 0x80
			lower[i] = c
		}
		if ascii {
			for _, f := range fields {
				if f == string(lower) {
					return f
				}
			}
			return ""
		}
	}
	for _, f := range fields { // Unicode folding: K (Kelvin) is k, ſ is s
		if strings.EqualFold(string(name), f) {
			return f
		}
	}
	return ""
}

func iocKindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '0':
		return "a number"
	}
	return "nothing"
}

package attack

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// stixBundle is what the catalogue reads of a STIX 2.0 or 2.1 bundle.
type stixBundle struct {
	Type        string    `json:"type"`
	ID          string    `json:"id"`
	SpecVersion string    `json:"spec_version"` // STIX 2.0 bundles only
	Objects     []stixObj `json:"objects"`
	// Values is there in a MISP galaxy, which Import accepts too.
	Values json.RawMessage `json:"values"`
}

// errGalaxy says that a document is a MISP galaxy, not a STIX bundle.
var errGalaxy = model.Errorf(model.EINVALID, `not a STIX bundle: this looks like a MISP galaxy ("values" but no "objects")`)

// stixObj holds the fields the catalogue reads of any STIX object; the
// others are skipped by the decoder.
type stixObj struct {
	Type               string       `json:"type"`
	ID                 string       `json:"id"`
	SpecVersion        string       `json:"spec_version"`
	Modified           string       `json:"modified"`
	Name               string       `json:"name"`
	Description        string       `json:"description"`
	Aliases            []string     `json:"aliases"`
	MitreAliases       []string     `json:"x_mitre_aliases"`
	ExternalReferences []stixExtRef `json:"external_references"`
	KillChainPhases    []stixPhase  `json:"kill_chain_phases"`
	Revoked            bool         `json:"revoked"`
	Deprecated         bool         `json:"x_mitre_deprecated"`
	IsSubtechnique     bool         `json:"x_mitre_is_subtechnique"`
	ShortName          string       `json:"x_mitre_shortname"`
	MitreVersion       string       `json:"x_mitre_version"`
	TacticRefs         []string     `json:"tactic_refs"`
	RelationshipType   string       `json:"relationship_type"`
	SourceRef          string       `json:"source_ref"`
	TargetRef          string       `json:"target_ref"`
	FirstSeen          string       `json:"first_seen"`
	Domains            []string     `json:"x_mitre_domains"`
	LastSeen           string       `json:"last_seen"`
}

type stixExtRef struct {
	SourceName string `json:"source_name"`
	ExternalID string `json:"external_id"`
}

type stixPhase struct {
	KillChainName string `json:"kill_chain_name"`
	PhaseName     string `json:"phase_name"`
}

// attackID returns the object's ATT&CK id: the external id of its
// mitre-attack external reference, or "".
func (o *stixObj) attackID() string {
	for _, r := range o.ExternalReferences {
		if r.SourceName == "mitre-attack" && r.ExternalID != "" {
			return r.ExternalID
		}
	}
	return ""
}

// readTypes are the object types the catalogue reads; a field of the wrong
// type in one of them makes the bundle invalid, while objects of other
// types are skipped whatever their fields hold.
var readTypes = map[string]bool{
	"attack-pattern": true, "course-of-action": true, "intrusion-set": true, "campaign": true,
	"x-mitre-tactic": true, "x-mitre-matrix": true, "x-mitre-collection": true,
	"malware": true, "tool": true, "relationship": true,
}

// ParseCatalog reads a STIX 2.0 or 2.1 bundle (such as MITRE's
// enterprise-attack.json) into a Catalog. Revoked and deprecated objects are
// dropped and relationships to a revoked object move to its replacement
// (revoked-by); a relationship to an object missing from the bundle is
// skipped and counted in the catalogue's Stats. Objects of other types and
// unknown fields are ignored. Malformed JSON, a document that is not a
// bundle, a field of the wrong type in an object the catalogue reads, and a
// bundle with nothing the catalogue holds are EINVALID errors that give the
// line and column.
func ParseCatalog(r io.Reader) (*Catalog, error) {
	data, err := readAll(r)
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "cannot read the bundle: %v", err)
	}
	b, err := decodeBundle(data)
	if err != nil {
		return nil, err
	}
	return build(b)
}

// Import reads a STIX 2.0 or 2.1 bundle, as ParseCatalog does, or a MISP
// galaxy cluster file, as ParseGalaxy does, which gives a catalogue that
// holds only the galaxy (Catalog.Galaxy) and its name; either may be
// gzip-compressed.
func Import(r io.Reader) (*Catalog, error) {
	data, err := readAll(r)
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "cannot read the file: %v", err)
	}
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) { // gzip-compressed
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err == nil {
			data, err = io.ReadAll(zr)
		}
		if err != nil {
			return nil, model.Errorf(model.EINVALID, "cannot decompress the file: %v", err)
		}
	}
	b, err := decodeBundle(data)
	if err == errGalaxy {
		g, err := ParseGalaxy(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		name := g.Name
		if name == "" {
			name = "MISP galaxy"
		}
		return &Catalog{Name: fmt.Sprintf("%s (MISP galaxy, %s, version %d)", name, g.Type, g.Version), Galaxy: g}, nil
	}
	if err != nil {
		return nil, err
	}
	return build(b)
}

// readAll is io.ReadAll reading into a buffer of the right size at once
// when the reader knows its size (a file, a bytes.Reader): growing a
// buffer to 35 MB by doubling costs more than decoding it.
func readAll(r io.Reader) ([]byte, error) {
	size, ok := readerSize(r)
	if !ok || size > 1<<31 {
		return io.ReadAll(r)
	}
	buf := make([]byte, size+1) // one more byte to see the end
	n, err := io.ReadFull(r, buf)
	switch err {
	case io.EOF, io.ErrUnexpectedEOF:
		return buf[:n], nil
	case nil: // more than announced
		rest, err := io.ReadAll(r)
		return append(buf, rest...), err
	}
	return nil, err
}

// readerSize returns the number of bytes r holds, when it knows: a file, a
// bytes.Reader, an io.LimitReader of one of them.
func readerSize(r io.Reader) (int64, bool) {
	switch v := r.(type) {
	case interface{ Len() int }:
		return int64(v.Len()), true
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size(), true
		}
	case *io.LimitedReader:
		if size, ok := readerSize(v.R); ok {
			return min(size, max(v.N, 0)), true
		}
	}
	return 0, false
}

// decodeBundle decodes the whole bundle at once, which is fast; on a type
// mismatch anywhere it falls back to decoding object by object, to tell an
// object it reads from one it may ignore.
func decodeBundle(data []byte) (*stixBundle, error) {
	var b stixBundle
	err := json.Unmarshal(data, &b)
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		return decodeBundleSlowly(data)
	case err != nil:
		return nil, jsonError(data, err)
	}
	if err := checkBundle(&b); err != nil {
		return nil, err
	}
	return &b, nil
}

func checkBundle(b *stixBundle) error {
	if b.Type != "bundle" && b.Values != nil && b.Objects == nil {
		return errGalaxy
	}
	if b.Type != "bundle" {
		if b.Type == "" {
			return model.Errorf(model.EINVALID, `not a STIX bundle: no "type": "bundle" at the top level`)
		}
		return model.Errorf(model.EINVALID, "not a STIX bundle: the top-level object is of type %q, not \"bundle\"", b.Type)
	}
	return nil
}

// decodeBundleSlowly walks the bundle with a streaming decoder, decoding
// each object on its own.
func decodeBundleSlowly(data []byte) (*stixBundle, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil {
		return nil, jsonError(data, err)
	} else if tok != json.Delim('{') {
		return nil, model.Errorf(model.EINVALID, "not a STIX bundle: expected a JSON object at line 1, got %s", describeToken(tok))
	}
	b := &stixBundle{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonError(data, err)
		}
		key, _ := tok.(string)
		switch key {
		case "type":
			off := dec.InputOffset()
			var v any
			if err := dec.Decode(&v); err != nil {
				return nil, jsonError(data, err)
			}
			s, ok := v.(string)
			if !ok {
				return nil, model.Errorf(model.EINVALID, "not a STIX bundle: \"type\" is not a string (%s)", position(data, skipSpace(data, off)))
			}
			b.Type = s
		case "objects":
			if err := decodeObjects(data, dec, b); err != nil {
				return nil, err
			}
		case "values":
			if err := dec.Decode(&b.Values); err != nil {
				return nil, jsonError(data, err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, jsonError(data, err)
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonError(data, err)
	}
	if err := checkBundle(b); err != nil {
		return nil, err
	}
	return b, nil
}

func decodeObjects(data []byte, dec *json.Decoder, b *stixBundle) error {
	start := skipSpace(data, dec.InputOffset())
	tok, err := dec.Token()
	if err != nil {
		return jsonError(data, err)
	}
	if tok == nil {
		return nil // "objects": null
	}
	if tok != json.Delim('[') {
		return model.Errorf(model.EINVALID, "\"objects\" must be an array, got %s (%s)", describeToken(tok), position(data, start))
	}
	for dec.More() {
		off := skipSpace(data, dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return jsonError(data, err)
		}
		var o stixObj
		err := json.Unmarshal(raw, &o)
		if err == nil {
			b.Objects = append(b.Objects, o)
			continue
		}
		var head struct {
			Type any `json:"type"`
			ID   any `json:"id"`
		}
		_ = json.Unmarshal(raw, &head) // raw is valid JSON; only its shape may differ
		typ, _ := head.Type.(string)
		if !readTypes[typ] {
			id, _ := head.ID.(string)
			b.Objects = append(b.Objects, stixObj{Type: typ, ID: id}) // counted as ignored
			continue
		}
		at := off
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			at = off + te.Offset
			id, _ := head.ID.(string)
			return model.Errorf(model.EINVALID, "%s %s: %s must be %s, not %s (%s)", typ, orUnnamed(id), fieldName(te), goTypeName(te), te.Value, position(data, at))
		}
		return model.Errorf(model.EINVALID, "%s: %v (%s)", typ, err, position(data, at))
	}
	_, err = dec.Token() // ']'
	if err != nil {
		return jsonError(data, err)
	}
	return nil
}

func orUnnamed(id string) string {
	if id == "" {
		return "(no id)"
	}
	return id
}

// fieldName names the field of a type error as the JSON spells it.
func fieldName(te *json.UnmarshalTypeError) string {
	if te.Field == "" {
		return "the object"
	}
	return fmt.Sprintf("%q", te.Field)
}

func goTypeName(te *json.UnmarshalTypeError) string {
	switch te.Type.Kind().String() {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "struct":
		return "an object"
	}
	return te.Type.String()
}

func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '[':
			return "an array"
		case '{':
			return "an object"
		}
		return string(v)
	case string:
		return "a string"
	case nil:
		return "null"
	case bool:
		return "a boolean"
	}
	return "a number"
}

// jsonError turns a decoding error into an EINVALID error giving the line
// and column where the input went wrong.
func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the bytes read, the bad one included.
		return model.Errorf(model.EINVALID, "invalid JSON: %v (%s)", se, position(data, max(se.Offset-1, 0)))
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return model.Errorf(model.EINVALID, "invalid JSON: unexpected end of input (%s)", position(data, int64(len(data))))
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return model.Errorf(model.EINVALID, "unexpected JSON: %s must be %s, not %s (%s)", fieldName(te), goTypeName(te), te.Value, position(data, te.Offset))
	}
	return model.Errorf(model.EINVALID, "invalid JSON: %v", err)
}

// position says where byte offset off of data is: line and column (in
// characters, both from 1) and the byte offset.
func position(data []byte, off int64) string {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	col := len([]rune(string(before[lineStart:]))) + 1
	return fmt.Sprintf("line %d, column %d, byte %d", line, col, off)
}

// skipSpace returns the offset of the first byte at or after off that is
// neither white space nor a separator, where the next value starts.
func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
		off++
	}
	return off
}

package attack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// Import of MISP events (DESIGN.md section 4).
//
// The input is one event as MISP exports it, {"Event": {…}} or the bare
// event. Its Attributes, and the Attributes of its Objects, give indicators
// by type:
//   - ip-src, ip-dst: an ip, or a cidr for a network;
//   - domain, hostname: a domain (an ip when the value is an address);
//   - url: a url; md5, sha1, sha256: hashes;
//   - composites "a|b" (domain|ip, ip-dst|port, ip-src|port, hostname|port,
//     filename|md5, filename|sha1, filename|sha256 …): the value is cut at
//     its last '|' (a file name may hold one) and each part whose type is one of the above is an indicator
//     (domain|ip gives two); ports and file names are left out.
//
// Other types (text, filename, link, email-src, sha512 …) are counted in
// Skipped as "misp type …"; deleted attributes and objects are left out and
// counted; a value that is not of its type is counted and warned about.
// Attributes with to_ids false are imported with Context set: MISP's own
// export to detection systems leaves them out, and so do matchers, but
// reports can still show them.
//
// Attribution: galaxy tags of the event and of the attribute
// (misp-galaxy:threat-actor="Sofacy", misp-galaxy:mitre-intrusion-set="APT28
// - G0007", and the other *intrusion-set and microsoft-activity-group
// galaxies) and the clusters of Galaxy blocks of those types. A cluster or
// tag value ending in " - G0000" gives that ATT&CK id, as does a cluster's
// meta external_id or a single G id among its synonyms; otherwise the value
// is kept as it is (Sofacy): alias resolution is IndicatorImport.ResolveActors.
// A tag that names a Galaxy block's cluster (its tag_name) takes the
// cluster's actor, so the two do not give two names for one actor.
//
// Each Indicator's Source is "misp event <event uuid> attribute <attribute
// uuid>"; its Name is the attribute's comment, else its object's comment,
// else the event's info.

// ParseMISPEvent reads a MISP event in JSON and returns its indicators.
// Only a reader error, or JSON that is not a MISP event (a model.EINVALID
// error), is an error.
func ParseMISPEvent(r io.Reader) (*IndicatorImport, error) {
	data, err := readAll(r)
	if err != nil {
		return nil, fmt.Errorf("misp event: %w", err)
	}
	return iocParseMISP(data)
}

// iocParseMISP imports the MISP event in data.
func iocParseMISP(data []byte) (*IndicatorImport, error) {
	var wrapped struct {
		Event json.RawMessage `json:"Event"`
	}
	if err := json.Unmarshal(data, &wrapped); err != nil {
		return nil, model.Errorf(model.EINVALID, "misp event: %v", err)
	}
	if len(wrapped.Event) > 0 && !bytes.Equal(wrapped.Event, []byte("null")) {
		data = wrapped.Event
	}
	var ev iocMISPEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, model.Errorf(model.EINVALID, "misp event: %v", err)
	}
	if ev.UUID == "" && ev.Info == "" && len(ev.Attribute) == 0 && len(ev.Object) == 0 {
		return nil, model.Errorf(model.EINVALID, "misp event: no event (no uuid, info, Attribute or Object)")
	}
	imp := &IndicatorImport{}
	clusters := iocMISPClusterActors(ev.Galaxy)
	eventActors := iocMISPActors(ev.Tag, clusters)
	for _, a := range clusters {
		eventActors = append(eventActors, a)
	}
	eventActors = iocSortedUnique(eventActors)
	id := ev.UUID
	if id == "" {
		id = string(ev.ID)
	}
	for i := range ev.Attribute {
		iocImportMISPAttribute(imp, &ev.Attribute[i], nil, id, ev.Info, eventActors, clusters)
	}
	for i := range ev.Object {
		o := &ev.Object[i]
		if o.Deleted {
			imp.skip("deleted", "")
			continue
		}
		for j := range o.Attribute {
			iocImportMISPAttribute(imp, &o.Attribute[j], o, id, ev.Info, eventActors, clusters)
		}
	}
	return imp, nil
}

// The parts of a MISP event that indicator import reads.
type (
	iocMISPEvent struct {
		ID        iocMISPString      `json:"id"`
		UUID      string             `json:"uuid"`
		Info      string             `json:"info"`
		Attribute []iocMISPAttribute `json:"Attribute"`
		Object    []iocMISPObject    `json:"Object"`
		Tag       []iocMISPTag       `json:"Tag"`
		Galaxy    []iocMISPGalaxy    `json:"Galaxy"`
	}
	iocMISPAttribute struct {
		UUID    string          `json:"uuid"`
		Type    string          `json:"type"`
		Value   iocMISPString   `json:"value"`
		Comment string          `json:"comment"`
		ToIDs   iocMISPBool     `json:"to_ids"`
		Deleted iocMISPBool     `json:"deleted"`
		Tag     []iocMISPTag    `json:"Tag"`
		Galaxy  []iocMISPGalaxy `json:"Galaxy"`
	}
	iocMISPObject struct {
		UUID      string             `json:"uuid"`
		Name      string             `json:"name"`
		Comment   string             `json:"comment"`
		Deleted   iocMISPBool        `json:"deleted"`
		Attribute []iocMISPAttribute `json:"Attribute"`
	}
	iocMISPTag struct {
		Name string `json:"name"`
	}
	iocMISPGalaxy struct {
		Type          string           `json:"type"`
		GalaxyCluster []iocMISPCluster `json:"GalaxyCluster"`
	}
	iocMISPCluster struct {
		Type    string                     `json:"type"`
		Value   string                     `json:"value"`
		TagName string                     `json:"tag_name"`
		Meta    map[string]json.RawMessage `json:"meta"`
	}
)

// iocMISPBool reads MISP's booleans, which older exports write as "0"/"1".
type iocMISPBool bool

func (b *iocMISPBool) UnmarshalJSON(data []byte) error {
	s := strings.Trim(string(data), `"`)
	switch strings.ToLower(s) {
	case "true", "1":
		*b = true
	case "false", "0", "", "null":
		*b = false
	default:
		return fmt.Errorf("not a boolean: %s", data)
	}
	return nil
}

// iocMISPString reads a string that some exports write as a number.
type iocMISPString string

func (s *iocMISPString) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		var v string
		if err := json.Unmarshal(data, &v); err != nil {
			return err
		}
		*s = iocMISPString(v)
		return nil
	}
	if bytes.Equal(data, []byte("null")) {
		*s = ""
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil {
		return fmt.Errorf("not a string: %s", data)
	}
	*s = iocMISPString(n)
	return nil
}

// iocMISPActorGalaxy reports whether a galaxy type names threat actors.
func iocMISPActorGalaxy(typ string) bool {
	return typ == "threat-actor" || strings.HasSuffix(typ, "intrusion-set") || typ == "microsoft-activity-group"
}

// iocMISPClusterActors maps the tag names of the actor clusters in Galaxy
// blocks to the actors they name.
func iocMISPClusterActors(galaxies []iocMISPGalaxy) map[string]string {
	out := make(map[string]string)
	for _, g := range galaxies {
		for _, c := range g.GalaxyCluster {
			typ := c.Type
			if typ == "" {
				typ = g.Type
			}
			if !iocMISPActorGalaxy(typ) || c.Value == "" {
				continue
			}
			actor := iocMISPActorLabel(c.Value)
			if !iocGroupID(actor) {
				if id := iocClusterGroupID(c.Meta); id != "" {
					actor = id
				}
			}
			tag := c.TagName
			if tag == "" {
				tag = "misp-galaxy:" + typ + "=" + strconv.Quote(c.Value)
			}
			out[tag] = actor
		}
	}
	return out
}

// iocClusterGroupID is the ATT&CK group id a cluster's meta gives: its
// external_id, or the only G id among its synonyms; "" if none.
func iocClusterGroupID(meta map[string]json.RawMessage) string {
	for _, key := range []string{"external_id", "synonyms"} {
		var ids []string
		for _, s := range iocStrings(meta[key]) {
			if iocGroupID(s) {
				ids = append(ids, s)
			}
		}
		if ids = iocSortedUnique(ids); len(ids) == 1 {
			return ids[0]
		}
	}
	return ""
}

// iocStrings reads a JSON string or array of strings; anything else gives
// nothing.
func iocStrings(raw json.RawMessage) []string {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	return nil
}

// iocMISPActors returns the actors that tags name, through clusters where
// a Galaxy block describes the tag.
func iocMISPActors(tags []iocMISPTag, clusters map[string]string) []string {
	var out []string
	for _, t := range tags {
		if a, ok := clusters[t.Name]; ok {
			out = append(out, a)
			continue
		}
		rest, ok := strings.CutPrefix(t.Name, "misp-galaxy:")
		if !ok {
			continue
		}
		typ, value, ok := strings.Cut(rest, "=")
		if !ok || !iocMISPActorGalaxy(typ) {
			continue
		}
		if v, err := strconv.Unquote(value); err == nil {
			value = v
		} else {
			value = strings.Trim(value, `"`)
		}
		if value != "" {
			out = append(out, iocMISPActorLabel(value))
		}
	}
	return out
}

// iocMISPActorLabel names the actor of a galaxy value: the ATT&CK id of
// "APT28 - G0007", otherwise the value.
func iocMISPActorLabel(value string) string {
	value = strings.TrimSpace(value)
	if i := strings.LastIndex(value, " - "); i >= 0 && iocGroupID(value[i+3:]) {
		return value[i+3:]
	}
	return value
}

// iocGroupID reports whether s is an ATT&CK group id: G and four digits.
func iocGroupID(s string) bool {
	if len(s) != 5 || s[0] != 'G' {
		return false
	}
	for i := 1; i < 5; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// iocImportMISPAttribute adds the indicators of one attribute (of object o,
// or of the event when o is nil).
func iocImportMISPAttribute(imp *IndicatorImport, a *iocMISPAttribute, o *iocMISPObject, eventID, info string, eventActors []string, clusters map[string]string) {
	if a.Deleted {
		imp.skip("deleted", "")
		return
	}
	types := strings.Split(a.Type, "|")
	values := iocSplitRight(string(a.Value), len(types))
	supported := false
	for _, t := range types {
		supported = supported || iocMISPKind(t) != ""
	}
	if !supported {
		imp.skip("misp type "+a.Type, "")
		return
	}
	where := "misp event " + eventID + " attribute " + a.UUID
	if len(values) != len(types) {
		imp.skip("invalid value", fmt.Sprintf("%s: %s value %q does not have %d parts", where, a.Type, a.Value, len(types)))
		return
	}
	actors := eventActors
	if len(a.Tag) > 0 || len(a.Galaxy) > 0 {
		actors = append([]string(nil), eventActors...)
		own := iocMISPClusterActors(a.Galaxy)
		all := make(map[string]string, len(clusters)+len(own))
		for k, v := range clusters {
			all[k] = v
		}
		for k, v := range own {
			all[k] = v
			actors = append(actors, v)
		}
		actors = iocSortedUnique(append(actors, iocMISPActors(a.Tag, all)...))
	}
	name := a.Comment
	if name == "" && o != nil {
		name = o.Comment
	}
	if name == "" {
		name = info
	}
	for i, t := range types {
		kind := iocMISPKind(t)
		if kind == "" {
			continue
		}
		typ, value, err := iocMISPValueOf(kind, values[i])
		if err != nil {
			imp.skip("invalid value", fmt.Sprintf("%s: %s: %v", where, a.Type, err))
			continue
		}
		imp.Indicators = append(imp.Indicators, Indicator{
			Type: typ, Value: value, Actors: actors, Source: where, Name: name, Context: !bool(a.ToIDs),
		})
	}
}

// iocSplitRight cuts s at its last n-1 bars: a file name, first in the
// composites that have one, may hold a bar; hashes, addresses and ports do
// not.
func iocSplitRight(s string, n int) []string {
	out := make([]string, n)
	for i := n - 1; i > 0; i-- {
		j := strings.LastIndexByte(s, '|')
		if j < 0 {
			return out[i:]
		}
		out[i], s = s[j+1:], s[:j]
	}
	out[0] = s
	return out
}

// iocMISPKind says what an attribute type (one part of a composite) holds:
// iocPathAddr, or an indicator type; "" for types not imported.
func iocMISPKind(t string) string {
	switch t {
	case "ip-src", "ip-dst", "ip": // "ip" in domain|ip
		return iocPathAddr
	case "domain", "hostname":
		return IndicatorDomain
	case "url":
		return IndicatorURL
	case "md5":
		return IndicatorMD5
	case "sha1":
		return IndicatorSHA1
	case "sha256":
		return IndicatorSHA256
	}
	return ""
}

// iocMISPValueOf normalises value as a value of kind.
func iocMISPValueOf(kind, value string) (typ, norm string, err error) {
	return iocSTIXValueOf(kind, value)
}

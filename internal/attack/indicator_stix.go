package attack

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// Import of STIX 2.0 and 2.1 indicators (DESIGN.md section 4).
//
// An indicator object (type "indicator") whose pattern_type is "stix", or
// absent as in STIX 2.0, has its pattern parsed (ParseSTIXPattern) and
// gives one Indicator per value it tests:
//   - ipv4-addr:value and ipv6-addr:value: an ip, or a cidr for a network
//     (with = or ISSUBSET);
//   - network-traffic:src_ref.value and dst_ref.value: an ip, cidr or
//     domain, by the value;
//   - domain-name:value: a domain; url:value: a url;
//   - file:hashes.X and artifact:hashes.X, X being MD5, SHA-1 or SHA-256
//     however written (SHA256, 'SHA-256', sha256 …): md5, sha1, sha256.
//
// The operators are = and IN (each member of the set a value); ISSUBSET
// for addresses. Every other comparison (other objects and properties,
// e-mail addresses among them; LIKE, MATCHES, ISSUPERSET, ordering,
// EXISTS; any comparison under NOT) is skipped and counted as
// "unsupported …", with a warning naming the indicator; a malformed
// pattern, or another pattern type (yara, snort, sigma …), skips the
// indicator. None of these stops the import.
//
// Joins: the values of an OR are separate indicators, as they stand. The
// values of an AND or FOLLOWEDBY are also imported one by one (a matcher
// sees one log line at a time and cannot evaluate the conjunction), which
// over-matches: each such indicator's Name ends with " (part of an AND
// pattern)" so that whoever reads a match knows the pattern asked for more.
// A comparison of a "type" property (network-traffic:dst_ref.type =
// 'ipv4-addr') only says what the neighbouring value is and is not counted
// as a second condition. Qualifiers (WITHIN, START/STOP, REPEATS) are
// parsed and checked but not applied: a value is matched at any time and
// on its first occurrence.
//
// Attribution: an indicator's actors are found through its "indicates"
// relationships. An intrusion-set or threat-actor target is an actor; a
// campaign leads to the actors it is attributed-to; a malware or tool to
// the actors it is attributed-to or authored-by and to those (or the
// campaigns) that use it. An actor is named by its ATT&CK id
// (external_references source_name "mitre-attack") when it has one,
// otherwise by its name. Revoked objects and relationships are left out.
//
// Each Indicator's Source is "stix " and the indicator's id; its Name is
// the indicator's name, or its pattern when it has none.

// ParseSTIXIndicators reads a STIX 2.0 or 2.1 bundle and returns its
// indicators. Only a reader error, or JSON that is not a bundle (a
// model.EINVALID error), is an error; objects that cannot be read are
// skipped and reported.
func ParseSTIXIndicators(r io.Reader) (*IndicatorImport, error) {
	var bundle struct {
		Type    string            `json:"type"`
		Objects []json.RawMessage `json:"objects"`
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("stix bundle: %w", err)
	}
	if err := json.Unmarshal(data, &bundle); err != nil {
		return nil, model.Errorf(model.EINVALID, "stix bundle: %v", err)
	}
	if bundle.Type != "bundle" {
		return nil, model.Errorf(model.EINVALID, "stix bundle: not a bundle (type is not \"bundle\")")
	}
	imp := &IndicatorImport{}
	g := iocSTIXGraph{
		objs: make(map[string]*iocSTIXObject),
		out:  make(map[string][]*iocSTIXObject),
		in:   make(map[string][]*iocSTIXObject),
	}
	var indicators []*iocSTIXObject
	for i, raw := range bundle.Objects {
		o := &iocSTIXObject{}
		if err := json.Unmarshal(raw, o); err != nil {
			imp.skip("unreadable object", fmt.Sprintf("object %d: %v", i, err))
			continue
		}
		if o.Revoked {
			if o.Type == "indicator" {
				imp.skip("revoked", "")
			}
			continue
		}
		switch o.Type {
		case "indicator":
			indicators = append(indicators, o)
		case "relationship":
			g.out[o.SourceRef] = append(g.out[o.SourceRef], o)
			g.in[o.TargetRef] = append(g.in[o.TargetRef], o)
		}
		if o.ID != "" {
			g.objs[o.ID] = o
		}
	}
	for _, o := range indicators {
		iocImportSTIXIndicator(imp, &g, o)
	}
	return imp, nil
}

// iocSTIXObject holds the fields of a STIX object that indicator import
// reads.
type iocSTIXObject struct {
	Type               string `json:"type"`
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Revoked            bool   `json:"revoked"`
	Pattern            string `json:"pattern"`
	PatternType        string `json:"pattern_type"`
	RelationshipType   string `json:"relationship_type"`
	SourceRef          string `json:"source_ref"`
	TargetRef          string `json:"target_ref"`
	ExternalReferences []struct {
		SourceName string `json:"source_name"`
		ExternalID string `json:"external_id"`
	} `json:"external_references"`
}

// iocSTIXGraph is a bundle's objects and relationships, by id.
type iocSTIXGraph struct {
	objs    map[string]*iocSTIXObject
	out, in map[string][]*iocSTIXObject // relationships by source and by target
}

// actors returns the actors that object id leads to, following
// relationships as the package comment says.
func (g *iocSTIXGraph) actors(id string, seen map[string]bool) []string {
	if seen[id] {
		return nil
	}
	seen[id] = true
	o := g.objs[id]
	if o == nil {
		return nil
	}
	var out []string
	switch o.Type {
	case "intrusion-set", "threat-actor":
		return []string{o.actorLabel()}
	case "campaign":
		for _, r := range g.out[id] {
			if r.RelationshipType == "attributed-to" {
				out = append(out, g.actors(r.TargetRef, seen)...)
			}
		}
	case "malware", "tool":
		for _, r := range g.out[id] {
			if r.RelationshipType == "attributed-to" || r.RelationshipType == "authored-by" {
				out = append(out, g.actors(r.TargetRef, seen)...)
			}
		}
		for _, r := range g.in[id] {
			if r.RelationshipType == "uses" {
				out = append(out, g.actors(r.SourceRef, seen)...)
			}
		}
	}
	return out
}

// actorLabel names an actor: its ATT&CK id, else its name, else its STIX id.
func (o *iocSTIXObject) actorLabel() string {
	for _, ref := range o.ExternalReferences {
		if ref.SourceName == "mitre-attack" && ref.ExternalID != "" {
			return ref.ExternalID
		}
	}
	if o.Name != "" {
		return o.Name
	}
	return o.ID
}

// iocImportSTIXIndicator adds the indicators of one STIX indicator object.
func iocImportSTIXIndicator(imp *IndicatorImport, g *iocSTIXGraph, o *iocSTIXObject) {
	if pt := strings.ToLower(o.PatternType); pt != "" && pt != "stix" {
		imp.skip("pattern_type "+pt, "")
		return
	}
	root, err := ParseSTIXPattern(o.Pattern)
	if err != nil {
		imp.skip("malformed pattern", fmt.Sprintf("%s: %v", o.ID, err))
		return
	}
	x := iocSTIXExtract{imp: imp, id: o.ID, seen: make(map[[2]string]bool)}
	x.walk(root, false)
	if len(x.found) == 0 {
		return
	}
	var actors []string
	seen := make(map[string]bool)
	for _, r := range g.out[o.ID] {
		if r.RelationshipType == "indicates" {
			actors = append(actors, g.actors(r.TargetRef, seen)...)
		}
	}
	actors = iocSortedUnique(actors)
	name := o.Name
	if name == "" {
		name = o.Pattern
	}
	for _, f := range x.found {
		ind := Indicator{Type: f.typ, Value: f.value, Actors: actors, Source: "stix " + o.ID, Name: name}
		if f.conj {
			ind.Name += " (part of an AND pattern)"
		}
		imp.Indicators = append(imp.Indicators, ind)
	}
}

// iocSTIXExtract collects the values a pattern tests.
type iocSTIXExtract struct {
	imp   *IndicatorImport
	id    string
	found []iocSTIXValue
	seen  map[[2]string]bool
}

type iocSTIXValue struct {
	typ, value string
	conj       bool // part of an AND or FOLLOWEDBY
}

// walk visits n; conj says whether n is under an AND or FOLLOWEDBY.
func (x *iocSTIXExtract) walk(n *PatternNode, conj bool) {
	switch n.Kind {
	case PatternLeaf:
		x.comparison(n.Comparison, conj)
	case PatternObservation:
		x.walk(n.Children[0], conj)
	case PatternObsOr, PatternCompOr:
		for _, c := range n.Children {
			x.walk(c, conj)
		}
	default: // AND, FOLLOWEDBY
		conditions := 0
		for _, c := range n.Children {
			if !iocTypeTest(c) {
				conditions++
			}
		}
		for _, c := range n.Children {
			if !iocTypeTest(c) {
				x.walk(c, conj || conditions > 1)
			}
		}
	}
}

// iocTypeTest reports whether n is a comparison of a "type" property, which
// only qualifies its neighbours.
func iocTypeTest(n *PatternNode) bool {
	if n.Kind != PatternLeaf {
		return false
	}
	c := n.Comparison
	return len(c.Path) > 1 && c.Path[len(c.Path)-1] == "type" && c.Operator == "=" && !c.Negated
}

// Kinds of value an object path holds.
const (
	iocPathAddr = "addr" // an address or network
	iocPathHost = "host" // an address, network or domain
)

// iocSTIXPathKind says what kind of value an object path holds: iocPathAddr,
// iocPathHost or an indicator type; "" for paths not imported.
func iocSTIXPathKind(c *PatternComparison) string {
	p := c.Path
	switch c.Object {
	case "ipv4-addr", "ipv6-addr":
		if len(p) == 1 && p[0] == "value" {
			return iocPathAddr
		}
	case "network-traffic":
		if len(p) == 2 && (p[0] == "src_ref" || p[0] == "dst_ref") && p[1] == "value" {
			return iocPathHost
		}
	case "domain-name":
		if len(p) == 1 && p[0] == "value" {
			return IndicatorDomain
		}
	case "url":
		if len(p) == 1 && p[0] == "value" {
			return IndicatorURL
		}
	case "file", "artifact":
		if len(p) == 2 && p[0] == "hashes" {
			alg := strings.ToUpper(strings.NewReplacer("-", "", "_", "").Replace(p[1]))
			return map[string]string{"MD5": IndicatorMD5, "SHA1": IndicatorSHA1, "SHA256": IndicatorSHA256}[alg]
		}
	}
	return ""
}

// comparison imports the values of one comparison, or counts it as
// unsupported.
func (x *iocSTIXExtract) comparison(c *PatternComparison, conj bool) {
	path := c.PathString()
	kind := iocSTIXPathKind(c)
	switch {
	case c.Negated:
		x.unsupported("negated comparison", path+" NOT "+c.Operator)
		return
	case kind == "":
		x.unsupported("unsupported "+path, path)
		return
	case c.Operator == "=" || c.Operator == "IN":
	case c.Operator == "ISSUBSET" && (kind == iocPathAddr || kind == iocPathHost):
	default:
		x.unsupported("unsupported operator "+c.Operator, path+" "+c.Operator)
		return
	}
	for _, v := range c.Values {
		if v.Kind != "string" {
			x.invalid(fmt.Sprintf("%s: %s %s is not a string", x.id, path, v))
			continue
		}
		typ, value, err := iocSTIXValueOf(kind, v.Value)
		if err != nil {
			x.invalid(fmt.Sprintf("%s: %s: %v", x.id, path, err))
			continue
		}
		key := [2]string{typ, value}
		if x.seen[key] {
			continue
		}
		x.seen[key] = true
		x.found = append(x.found, iocSTIXValue{typ, value, conj})
	}
}

// iocSTIXValueOf normalises value as a value of kind.
func iocSTIXValueOf(kind, value string) (typ, norm string, err error) {
	switch kind {
	case iocPathAddr:
		return iocNormIP(value)
	case iocPathHost:
		if typ, norm, err := iocNormIP(value); err == nil {
			return typ, norm, nil
		}
		return iocNormDomain(value)
	case IndicatorDomain:
		return iocNormDomain(value)
	case IndicatorURL:
		norm, err = iocNormURL(value)
		return IndicatorURL, norm, err
	}
	norm, err = iocNormHash(kind, value)
	return kind, norm, err
}

func (x *iocSTIXExtract) unsupported(reason, what string) {
	x.imp.skip(reason, fmt.Sprintf("%s: %s not imported", x.id, what))
}

func (x *iocSTIXExtract) invalid(warn string) {
	x.imp.skip("invalid value", warn)
}

package attack

import (
	"fmt"
	"io"
	"runtime"
	"slices"
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
	data, err := readAll(r)
	if err != nil {
		return nil, fmt.Errorf("stix bundle: %w", err)
	}
	imp, err := iocParseSTIX(data, true)
	if err != nil && !strings.HasPrefix(err.Error(), "stix bundle: ") {
		return nil, model.Errorf(model.EINVALID, "stix bundle: %v", err)
	}
	return imp, err
}

// iocParseSTIX imports the indicators of the bundle in data. It returns
// nil and no error when data is a JSON object that is not a bundle and
// bundleOnly is false, for the caller to read it otherwise. Errors of the
// bundle start "stix bundle: ", those of the JSON "invalid JSON: ".
func iocParseSTIX(data []byte, bundleOnly bool) (*IndicatorImport, error) {
	imp := &IndicatorImport{}
	// The patterns are read by another goroutine while the bundle is
	// decoded (on one core, after): the two take about as long.
	var p *iocPatternReader
	if runtime.GOMAXPROCS(0) > 1 {
		p = newPatternReader()
	}
	d, err := iocDecodeSTIX(data, imp, p)
	var jobs []iocPatternJob
	if p != nil {
		jobs = p.wait(d)
	}
	switch {
	case err != nil:
		return nil, err
	case d.bundleType != "bundle" && !bundleOnly:
		return nil, nil
	case d.topErr != nil:
		return nil, model.Errorf(model.EINVALID, "stix bundle: %v", d.topErr)
	case d.bundleType != "bundle":
		return nil, model.Errorf(model.EINVALID, "stix bundle: not a bundle (type is not \"bundle\")")
	}
	if p == nil {
		jobs = []iocPatternJob{{objs: d.indicators}}
	}
	for _, job := range jobs {
		for i, o := range job.objs {
			var r iocSTIXPatternResult
			if job.res != nil {
				r = job.res[i]
			} else {
				r = iocSTIXPatternValues(o.ID, o.Pattern, o.PatternType)
			}
			var actors []string
			if len(r.found) > 0 {
				actors = iocSTIXActors(&d.g, o.ID)
			}
			iocAddSTIXValues(imp, r, o.ID, o.Name, o.Pattern, actors)
		}
	}
	return imp, nil
}

// iocPatternReader reads the patterns of the indicators that the decoder
// sends it, in batches, in the order sent.
type iocPatternReader struct {
	jobs chan iocPatternJob
	done chan []iocPatternJob
}

// iocPatternJob is a batch of indicators and, once read, their patterns'
// results. gen counts the "objects" arrays: a later one replaces the
// earlier (as encoding/json would decode it), and so do its results.
type iocPatternJob struct {
	gen  int
	objs []iocSTIXIndicator
	res  []iocSTIXPatternResult
}

const iocPatternBatch = 256

func newPatternReader() *iocPatternReader {
	p := &iocPatternReader{jobs: make(chan iocPatternJob, 16), done: make(chan []iocPatternJob, 1)}
	go func() {
		var done []iocPatternJob
		for job := range p.jobs {
			job.res = make([]iocSTIXPatternResult, len(job.objs))
			for i, o := range job.objs {
				job.res[i] = iocSTIXPatternValues(o.ID, o.Pattern, o.PatternType)
			}
			done = append(done, job)
		}
		p.done <- done
	}()
	return p
}

// send hands the decoder's batch over when full, or with flush.
func (p *iocPatternReader) send(d *iocSTIXDecoder, flush bool) {
	if len(d.batch) >= iocPatternBatch || flush && len(d.batch) > 0 {
		p.jobs <- iocPatternJob{gen: d.gen, objs: d.batch}
		d.batch = make([]iocSTIXIndicator, 0, iocPatternBatch)
	}
}

// wait sends the last batch and returns the batches of the indicators of
// d (nil when decoding failed) with their results, in their order.
func (p *iocPatternReader) wait(d *iocSTIXDecoder) []iocPatternJob {
	if d != nil {
		p.send(d, true)
	}
	close(p.jobs)
	done := <-p.done
	if d == nil {
		return nil
	}
	return slices.DeleteFunc(done, func(job iocPatternJob) bool { return job.gen != d.gen })
}

// iocSTIXObject holds the fields of a STIX object that indicator import
// reads.
type iocSTIXObject struct {
	Type               string
	ID                 string
	Name               string
	Revoked            bool
	Pattern            string
	PatternType        string
	RelationshipType   string
	SourceRef          string
	TargetRef          string
	ExternalReferences []iocSTIXRef
}

type iocSTIXRef struct{ SourceName, ExternalID string }

// iocSTIXIndicator is what the import keeps of an indicator object.
type iocSTIXIndicator struct{ ID, Name, Pattern, PatternType string }

// iocSTIXRel is what the import keeps of a relationship.
type iocSTIXRel struct{ Type, SourceRef, TargetRef string }

// iocSTIXGraph is a bundle's objects and relationships, by id.
type iocSTIXGraph struct {
	objs    map[string]*iocSTIXObject // the objects that can lead to actors
	out, in map[string][]iocSTIXRel   // relationships by source and by target
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
			if r.Type == "attributed-to" {
				out = append(out, g.actors(r.TargetRef, seen)...)
			}
		}
	case "malware", "tool":
		for _, r := range g.out[id] {
			if r.Type == "attributed-to" || r.Type == "authored-by" {
				out = append(out, g.actors(r.TargetRef, seen)...)
			}
		}
		for _, r := range g.in[id] {
			if r.Type == "uses" {
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

// iocSTIXActors returns the actors of the STIX indicator id, through its
// "indicates" relationships, sorted.
func iocSTIXActors(g *iocSTIXGraph, id string) []string {
	var actors []string
	var seen map[string]bool
	for _, r := range g.out[id] {
		if r.Type == "indicates" {
			if seen == nil {
				seen = make(map[string]bool)
			}
			actors = append(actors, g.actors(r.TargetRef, seen)...)
		}
	}
	return iocSortedUnique(actors)
}

// iocImportSTIXPattern adds the indicators of the pattern of the STIX
// indicator id, attributed to actors.
func iocImportSTIXPattern(imp *IndicatorImport, id, name, pattern, patternType string, actors []string) {
	iocAddSTIXValues(imp, iocSTIXPatternValues(id, pattern, patternType), id, name, pattern, actors)
}

// iocSTIXPatternResult is what the pattern of one STIX indicator gives:
// the values it tests, and what was skipped, in order.
type iocSTIXPatternResult struct {
	found []iocSTIXValue
	skips []iocSkip
}

// iocSkip is a call of IndicatorImport.skip, kept to be made later.
type iocSkip struct{ reason, warn string }

// iocSTIXPatternValues reads the pattern of the STIX indicator id. It
// touches nothing shared, so that patterns can be read while the bundle
// is still being decoded.
func iocSTIXPatternValues(id, pattern, patternType string) iocSTIXPatternResult {
	if pt := strings.ToLower(patternType); pt != "" && pt != "stix" {
		return iocSTIXPatternResult{skips: []iocSkip{{"pattern_type " + pt, ""}}}
	}
	root, err := ParseSTIXPattern(pattern)
	if err != nil {
		return iocSTIXPatternResult{skips: []iocSkip{{"malformed pattern", fmt.Sprintf("%s: %v", id, err)}}}
	}
	x := iocSTIXExtract{id: id}
	x.walk(root, false)
	return iocSTIXPatternResult{found: x.found, skips: x.skips}
}

// iocAddSTIXValues makes the skips of r, then adds its values as
// indicators of the STIX indicator id, attributed to actors.
func iocAddSTIXValues(imp *IndicatorImport, r iocSTIXPatternResult, id, name, pattern string, actors []string) {
	for _, sk := range r.skips {
		imp.skip(sk.reason, sk.warn)
	}
	if name == "" {
		name = pattern
	}
	for _, f := range r.found {
		ind := Indicator{Type: f.typ, Value: f.value, Actors: actors, Source: "stix " + id, Name: name}
		if f.conj {
			ind.Name += " (part of an AND pattern)"
		}
		imp.Indicators = append(imp.Indicators, ind)
	}
}

// iocSTIXExtract collects the values a pattern tests.
type iocSTIXExtract struct {
	id    string
	skips []iocSkip
	found []iocSTIXValue
	seen  map[[2]string]bool // the values found, once there are many
}

// add adds v unless its type and value were found already. Most patterns test one or two values, which a scan
// checks faster than a map; a long IN set gets the map.
func (x *iocSTIXExtract) add(v iocSTIXValue) {
	key := [2]string{v.typ, v.value}
	switch {
	case x.seen != nil:
		if x.seen[key] {
			return
		}
		x.seen[key] = true
	case slices.ContainsFunc(x.found, func(f iocSTIXValue) bool { return f.typ == v.typ && f.value == v.value }):
		return
	case len(x.found) == 16:
		x.seen = make(map[[2]string]bool)
		for _, f := range x.found {
			x.seen[[2]string{f.typ, f.value}] = true
		}
		x.seen[key] = true
	}
	x.found = append(x.found, v)
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
			return iocHashAlgorithm(p[1])
		}
	}
	return ""
}

// iocHashAlgorithm names the indicator type of a hash algorithm however
// written (SHA256, SHA-256, sha_256 …), or "" for others.
func iocHashAlgorithm(alg string) string {
	for i := 0; i < len(alg); i++ {
		if alg[i] >= 0x80 { // Unicode case mapping: ſha256 is SHA256
			alg = strings.ToUpper(strings.NewReplacer("-", "", "_", "").Replace(alg))
			break
		}
	}
	var b [8]byte
	n := 0
	for i := 0; i < len(alg); i++ {
		c := alg[i]
		if c == '-' || c == '_' {
			continue
		}
		if n == len(b) {
			return ""
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b[n] = c
		n++
	}
	switch string(b[:n]) {
	case "MD5":
		return IndicatorMD5
	case "SHA1":
		return IndicatorSHA1
	case "SHA256":
		return IndicatorSHA256
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
		x.add(iocSTIXValue{typ, value, conj})
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
	x.skips = append(x.skips, iocSkip{reason, fmt.Sprintf("%s: %s not imported", x.id, what)})
}

func (x *iocSTIXExtract) invalid(warn string) {
	x.skips = append(x.skips, iocSkip{"invalid value", warn})
}

package evidence

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// The fields of a normalised event that a FieldMap finds in JSON lines.
const (
	fieldTime = iota
	fieldSrc
	fieldDst
	fieldDomain
	fieldURL
	fieldHash
	fieldCategory
	fieldTechnique
	fieldOutcome
	fieldActor
	fieldAsset
	fieldOrg
	fieldSignature
	numFields
)

// fieldKeys name the fields in --map, in order; fieldDefaults are the JSON
// names read by default: those of scrutin's own events.
var (
	fieldKeys     = [numFields]string{"time", "src", "dst", "domain", "url", "hash", "category", "technique", "outcome", "actor", "asset", "org", "signature"}
	fieldDefaults = [numFields]string{"time", "source", "dest", "domain", "url", "hash", "category", "technique", "outcome", "actor", "asset", "org", "signature"}
)

// FieldMap says where the fields of an event are in generic JSON lines.
type FieldMap struct {
	paths [numFields]fieldPath
}

// fieldPath is a JSON field: a key at the top, or a dotted path into
// nested objects.
type fieldPath struct {
	full string   // "" when the field is not read
	segs []string // the dotted path's parts, when it has several
}

// DefaultFieldMap reads the fields under their names in scrutin's events:
// time, source, dest, domain, url, hash, category, technique, outcome,
// actor, asset, org, signature.
func DefaultFieldMap() *FieldMap {
	m := &FieldMap{}
	for i, k := range fieldDefaults {
		m.paths[i] = newFieldPath(k)
	}
	return m
}

func newFieldPath(p string) fieldPath {
	fp := fieldPath{full: p}
	if strings.Contains(p, ".") {
		fp.segs = strings.Split(p, ".")
	}
	return fp
}

// ParseFieldMap reads a field mapping such as
// "time=ts,src=src_ip,dst=dest_ip,domain=query,category=alert.category":
// each key is one of time, src, dst, domain, url, hash, category,
// technique, outcome, actor, asset, org and signature, each value the
// JSON field that holds it, a dotted path reaching into nested objects (a
// key that itself has dots, such as Zeek's "id.orig_h", is found too).
// Keys not given keep their default (DefaultFieldMap); "key=" reads
// nothing for that key.
func ParseFieldMap(spec string) (*FieldMap, error) {
	m := DefaultFieldMap()
	seen := map[string]bool{}
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		k, v, ok := strings.Cut(item, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok {
			return nil, model.Errorf(model.EINVALID, "field mapping %q: expected key=field", item)
		}
		i := -1
		for j, key := range fieldKeys {
			if key == k {
				i = j
			}
		}
		if i < 0 {
			return nil, model.Errorf(model.EINVALID, "field mapping %q: unknown key %q; expected one of: %s", item, k, quotedKeys())
		}
		if seen[k] {
			return nil, model.Errorf(model.EINVALID, "field mapping: key %q is given twice", k)
		}
		seen[k] = true
		if strings.HasPrefix(v, ".") || strings.HasSuffix(v, ".") || strings.Contains(v, "..") {
			return nil, model.Errorf(model.EINVALID, "field mapping %q: bad field path %q", item, v)
		}
		m.paths[i] = newFieldPath(v)
	}
	return m, nil
}

// String renders the mapping as ParseFieldMap reads it.
func (m *FieldMap) String() string {
	parts := make([]string, numFields)
	for i := range parts {
		parts[i] = fieldKeys[i] + "=" + m.paths[i].full
	}
	return strings.Join(parts, ",")
}

// values finds the raw values of the fields in a JSON line, calling
// jsonMembers; a key with the full name of a field wins over a dotted
// path through nested objects.
func (m *FieldMap) values(b []byte, vals *[numFields][]byte) error {
	var literal [numFields]bool
	return jsonMembers(b, func(k, v []byte) {
		for i := range m.paths {
			p := &m.paths[i]
			switch {
			case p.full == "" || literal[i]:
			case string(k) == p.full:
				vals[i], literal[i] = v, true
			case p.segs != nil && string(k) == p.segs[0]:
				for _, seg := range p.segs[1:] {
					v = jsonGet(v, seg)
				}
				vals[i] = v
			}
		}
	})
}

var categorySynonyms = map[string]string{
	"scan": CategoryScan, "scanning": CategoryScan, "recon": CategoryScan, "reconnaissance": CategoryScan,
	"portscan": CategoryScan, "port-scan": CategoryScan, "discovery": CategoryScan,
	"brute-force": CategoryBruteForce, "bruteforce": CategoryBruteForce, "brute_force": CategoryBruteForce,
	"brute force": CategoryBruteForce, "password-guessing": CategoryBruteForce, "credential-stuffing": CategoryBruteForce,
	"exploit": CategoryExploit, "exploitation": CategoryExploit, "injection": CategoryExploit, "sqli": CategoryExploit,
	"rce": CategoryExploit, "web-attack": CategoryExploit,
	"malware": CategoryMalware, "trojan": CategoryMalware, "ransomware": CategoryMalware, "virus": CategoryMalware,
	"c2": CategoryC2, "cnc": CategoryC2, "c&c": CategoryC2, "command-and-control": CategoryC2,
	"exfiltration": CategoryExfiltration, "exfil": CategoryExfiltration, "data-exfiltration": CategoryExfiltration,
	"phishing": CategoryPhishing, "phish": CategoryPhishing, "spearphishing": CategoryPhishing,
	"dos": CategoryDoS, "ddos": CategoryDoS, "denial-of-service": CategoryDoS,
	"ioc": CategoryIOC, "indicator": CategoryIOC, "intel": CategoryIOC, "threat-intel": CategoryIOC,
	"policy": CategoryPolicy, "anomaly": CategoryPolicy,
	"account-takeover": CategoryAccountTakeover, "account_takeover": CategoryAccountTakeover,
	"valid-accounts": CategoryAccountTakeover,
}

// normaliseCategory maps a category's usual names, given lower-cased, to
// scrutin's; others are kept.
func normaliseCategory(lower []byte) string {
	if c, ok := categorySynonyms[string(lower)]; ok {
		return c
	}
	return strings.TrimSpace(string(lower))
}

// normaliseOutcome maps an outcome's usual words: blocked, denied,
// dropped, rejected, failed, prevented → blocked; succeeded, success,
// successful, compromised → succeeded; anything else (allowed: the
// traffic passed, which says nothing of the attack) → unknown. A boolean
// true is succeeded, false blocked.
func (w *worker) normaliseOutcome(raw []byte) Outcome {
	switch jsonBool(raw) {
	case 1:
		return Succeeded
	case -1:
		return Blocked
	}
	w.text = appendLower(w.text[:0], w.strs.str(raw))
	switch string(w.text) {
	case "blocked", "block", "denied", "deny", "dropped", "drop", "rejected", "reject", "failed", "failure", "fail", "prevented":
		return Blocked
	case "succeeded", "success", "successful", "succeed", "compromised":
		return Succeeded
	}
	return Unknown
}

var errJSONLTime = errors.New("the time field is not a time (epoch seconds, milliseconds, microseconds or nanoseconds, or ISO 8601)")

// jsonTime reads a time: a number of epoch seconds, milliseconds,
// microseconds or nanoseconds (told apart by size), or a string holding
// one of those or an ISO 8601 or common log format time.
func (w *worker) jsonTime(raw []byte) (int64, bool, error) {
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return 0, false, nil
	case raw[0] == '"':
		s := w.strs.str(raw)
		if len(s) == 0 {
			return 0, false, nil
		}
		if ns, ok := parseISOTime(s); ok {
			return ns, true, nil
		}
		if ns, ok := parseCLFTime(s); ok {
			return ns, true, nil
		}
		if f, err := strconv.ParseFloat(transient(s), 64); err == nil {
			return epochAny(f)
		}
	default:
		if f, ok := jsonNumber(raw); ok {
			return epochAny(f)
		}
	}
	return 0, false, errJSONLTime
}

func epochAny(f float64) (int64, bool, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false, errJSONLTime
	}
	switch a := math.Abs(f); {
	case a >= 1e17:
		f /= 1e9
	case a >= 1e14:
		f /= 1e6
	case a >= 1e11:
		f /= 1e3
	}
	if f < minEpoch || f > maxEpoch {
		return 0, false, errJSONLTime
	}
	return epochNanos(f), true, nil
}

// jsonl reads one generic JSON line through the field map: a record with
// a category (or a technique whose category is known) is an event, and so
// is a record matching an indicator.
func (w *worker) jsonl(b []byte) error {
	if isBlank(b) {
		return nil
	}
	m := w.opt.Fields
	r := &w.rec
	var f [numFields][]byte
	if err := m.values(b, &f); err != nil {
		return err
	}
	s := &w.strs
	if f[fieldTime] != nil {
		ns, ok, err := w.jsonTime(f[fieldTime])
		if err != nil {
			return err
		}
		r.ns, r.dated = ns, ok
	}
	r.src = jsonText(s, f[fieldSrc])
	r.dst = jsonText(s, f[fieldDst])
	r.names = jsonList(s, r.names, f[fieldDomain])
	r.urls = jsonList(s, r.urls, f[fieldURL])
	r.hashes = jsonList(s, r.hashes, f[fieldHash])
	var v verdict
	if c := bytes.TrimSpace(jsonText(s, f[fieldCategory])); len(c) > 0 {
		w.text = appendLower(w.text[:0], c)
		v.category = normaliseCategory(w.text)
	}
	if t := bytes.TrimSpace(jsonText(s, f[fieldTechnique])); len(t) > 0 {
		w.text = appendUpper(w.text[:0], t)
		if validTechnique(transient(w.text)) {
			v.technique = string(w.text)
			if v.category == "" {
				v.category = techniqueCategory(v.technique)
			}
		}
	}
	if f[fieldOutcome] != nil {
		v.outcome = w.normaliseOutcome(f[fieldOutcome])
	}
	if sig := jsonText(s, f[fieldSignature]); len(sig) > 0 && v.category != "" {
		v.signature = string(sig)
	}
	if v.category != "" {
		r.classify(v)
	}
	if r.classified || w.opt.Matcher != nil {
		// Strings kept only for events (or records that may become one).
		if a := jsonText(s, f[fieldActor]); len(a) > 0 {
			r.actor = string(a)
		}
		if a := jsonText(s, f[fieldAsset]); len(a) > 0 {
			r.asset = string(a)
		}
		if a := jsonText(s, f[fieldOrg]); len(a) > 0 {
			r.org = string(a)
		}
	}
	return nil
}

// jsonText returns a raw string's content, or a number's text (some logs
// write ports, ids, even addresses as numbers); nil otherwise.
func jsonText(s *jsonStrings, raw []byte) []byte {
	switch {
	case len(raw) == 0:
		return nil
	case raw[0] == '"':
		return s.str(raw)
	case raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9':
		return raw
	}
	return nil
}

// jsonList appends a string, or the strings of an array, to list.
func jsonList(s *jsonStrings, list [][]byte, raw []byte) [][]byte {
	if len(raw) > 0 && raw[0] == '[' {
		jsonEach(raw, func(x []byte) { list = appendValue(list, s.str(x)) })
		return list
	}
	return appendValue(list, jsonText(s, raw))
}

// quotedKeys lists the keys of a field mapping, quoted: names to type,
// in every language.
func quotedKeys() string {
	q := make([]string, len(fieldKeys))
	for i, k := range fieldKeys {
		q[i] = strconv.Quote(k)
	}
	return strings.Join(q, ", ")
}

package evidence

import (
	"bytes"
	"errors"
	"math"
	"time"
)

// zeekLine is what a Zeek log line says beyond the record's common fields.
type zeekLine struct {
	stream        []byte
	note          []byte
	drop          bool // the notice's actions include Notice::ACTION_DROP
	uri, agent    []byte
	referrer      []byte
	status        int
	authSuccess   int8 // ssh: -1 failed, 1 succeeded, 0 unknown
	intel         []byte
	intelType     []byte
	hasHTTPFields bool
}

// zeek reads one line of a Zeek JSON log: any stream, told apart by the
// "@stream" or "_path" field or, without them, by its fields. Field names
// are read with dots (id.orig_h, Zeek's own JSON) or underscores
// (id_orig_h, as some shippers rewrite them), nested "id" objects too.
func (w *worker) zeek(b []byte) error {
	if isBlank(b) {
		return nil
	}
	r := &w.rec
	s := &w.strs
	var z zeekLine
	var timeErr error
	err := jsonMembers(b, func(k, v []byte) {
		switch string(k) {
		case "ts":
			timeErr = w.zeekTime(v)
		case "@stream", "_path":
			z.stream = s.str(v)
		case "id.orig_h", "id_orig_h":
			r.src = s.str(v)
		case "id.resp_h", "id_resp_h":
			r.dst = s.str(v)
		case "id":
			jsonObject(v, func(k, v []byte) {
				switch string(k) {
				case "orig_h":
					r.src = s.str(v)
				case "resp_h":
					r.dst = s.str(v)
				}
			})
		case "src": // notice
			if r.src == nil {
				r.src = s.str(v)
			}
		case "dst":
			if r.dst == nil {
				r.dst = s.str(v)
			}
		case "query": // dns
			r.names = appendValue(r.names, s.str(v))
		case "host", "server_name": // http, ssl
			r.host = s.str(v)
			r.names = appendValue(r.names, r.host)
		case "uri":
			z.uri = s.str(v)
			z.hasHTTPFields = true
		case "user_agent":
			z.agent = s.str(v)
		case "referrer":
			z.referrer = s.str(v)
		case "status_code":
			z.status = jsonInt(v)
		case "method":
			z.hasHTTPFields = true
		case "md5", "sha1", "sha256":
			r.hashes = appendValue(r.hashes, s.str(v))
		case "note":
			z.note = s.str(v)
		case "actions":
			jsonEach(v, func(a []byte) {
				if string(s.str(a)) == "Notice::ACTION_DROP" {
					z.drop = true
				}
			})
		case "certificate.subject", "certificate_subject":
			r.names = appendValue(r.names, commonName(s.str(v)))
		case "certificate":
			r.names = appendValue(r.names, commonName(s.str(jsonGet(v, "subject"))))
		case "san.dns", "san_dns":
			jsonEach(v, func(n []byte) { r.names = appendValue(r.names, bytes.TrimPrefix(s.str(n), []byte("*."))) })
		case "tx_hosts", "rx_hosts": // files: the first sender is the source, the first receiver the destination
			end := &r.src
			if k[0] == 'r' {
				end = &r.dst
			}
			jsonEach(v, func(h []byte) {
				if x := s.str(h); *end == nil {
					*end = x
				} else {
					r.addrs = appendValue(r.addrs, x)
				}
			})
		case "answers": // dns: addresses and names
			jsonEach(v, func(a []byte) {
				x := s.str(a)
				if _, ok := parseAddr(x); ok {
					r.addrs = appendValue(r.addrs, x)
				} else {
					r.names = appendValue(r.names, x)
				}
			})
		case "auth_success": // ssh
			z.authSuccess = jsonBool(v)
		case "seen.indicator", "seen_indicator": // intel
			z.intel = s.str(v)
		case "seen.indicator_type", "seen_indicator_type":
			z.intelType = s.str(v)
		}
	})
	if err != nil {
		return lineJSONError(b, err)
	}
	if timeErr != nil {
		return timeErr
	}
	w.zeekClassify(&z)
	return nil
}

// zeekTime reads ts: epoch seconds (Zeek's default) or an ISO 8601 time
// (LogAscii::json_timestamps = JSON::TS_ISO8601).
func (w *worker) zeekTime(v []byte) error {
	r := &w.rec
	switch {
	case string(v) == "null":
	case v[0] == '"':
		ns, ok := parseISOTime(w.strs.str(v))
		if !ok {
			return errors.New("ts is not a time")
		}
		r.ns, r.dated = ns, true
	default:
		f, ok := jsonNumber(v)
		if !ok || f < minEpoch || f > maxEpoch {
			return errors.New("ts is not a time")
		}
		r.ns, r.dated = epochNanos(f), true
	}
	return nil
}

// epochNanos converts epoch seconds to nanoseconds, to the microsecond
// (Zeek's precision; float64 has no more at today's epoch).
func epochNanos(f float64) int64 {
	sec := math.Floor(f)
	us := math.Round((f - sec) * 1e6)
	return int64(sec)*1e9 + int64(us)*1e3
}

func timeOf(ns int64) time.Time { return time.Unix(0, ns).UTC() }

func isBlank(b []byte) bool { return skipSpace(b, 0) == len(b) }

// lineJSONError explains why a line is not JSON.
func lineJSONError(b []byte, err error) error {
	if bytes.HasPrefix(b, []byte("#separator")) || bytes.HasPrefix(b, []byte("#fields")) || bytes.HasPrefix(b, []byte("#path")) {
		return errors.New("a Zeek TSV header: only Zeek JSON logs are read (LogAscii::use_json=T)")
	}
	return err
}

// commonName returns the CN of an X.509 subject such as
// "emailAddress=x@example.org,CN=example.org,OU=…".
func commonName(subject []byte) []byte {
	for len(subject) > 0 {
		var part []byte
		if i := bytes.IndexByte(subject, ','); i >= 0 {
			part, subject = subject[:i], subject[i+1:]
		} else {
			part, subject = subject, nil
		}
		part = bytes.TrimSpace(part)
		if len(part) > 3 && (part[0] == 'C' || part[0] == 'c') && (part[1] == 'N' || part[1] == 'n') && part[2] == '=' {
			return bytes.TrimPrefix(part[3:], []byte("*."))
		}
	}
	return nil
}

// zeekClassify classifies a Zeek record: notices by their name, HTTP
// requests like an access log's, failed SSH logins as brute force, hits of
// Zeek's own intelligence framework as indicator matches.
func (w *worker) zeekClassify(z *zeekLine) {
	r := &w.rec
	stream := transient(z.stream)
	switch {
	case z.note != nil && (stream == "" || stream == "notice"):
		v, known := zeekNotices[string(z.note)]
		if !known {
			w.text = appendLower(w.text[:0], z.note)
			if c, t, ok := classifyText(w.text); ok {
				v = verdict{category: c, technique: t}
			} else {
				v = verdict{category: CategoryPolicy}
			}
		}
		if v.category == CategoryScan && v.technique == "" {
			a, _ := parseAddr(r.src)
			v.technique = scanTechnique(a)
		}
		if z.drop {
			v.outcome = Blocked
		}
		v.signature = string(z.note)
		r.classify(v)
	case stream == "http" || stream == "" && z.hasHTTPFields:
		if v, ok := w.web.classify(z.uri, z.agent, z.referrer, z.status); ok {
			r.classify(v)
		}
		r.urls = w.requestURL(r.urls, r.host, z.uri)
	case stream == "ssh" || stream == "" && z.authSuccess != 0:
		switch z.authSuccess {
		case -1:
			r.classify(verdict{category: CategoryBruteForce, technique: techBruteForce, outcome: Blocked, signature: "ssh login failed"})
		case 1:
			r.login = true
		}
	case stream == "intel" || stream == "" && z.intel != nil:
		sig := "zeek intel"
		if z.intel != nil {
			sig = "zeek intel " + string(z.intelType) + " " + string(z.intel)
		}
		r.classify(verdict{category: CategoryIOC, signature: sig})
	}
}

// requestURL appends to urls the URL of an HTTP request to host for target
// (a path, or already a URL when it went through a proxy).
func (w *worker) requestURL(urls [][]byte, host, target []byte) [][]byte {
	r := &w.rec
	switch {
	case len(target) == 0:
		return urls
	case bytes.HasPrefix(target, []byte("http://")) || bytes.HasPrefix(target, []byte("https://")):
		return appendValue(urls, target)
	case len(host) == 0:
		return urls
	}
	r.urlBuf = append(append(append(r.urlBuf[:0], "http://"...), host...), target...)
	return appendValue(urls, r.urlBuf)
}

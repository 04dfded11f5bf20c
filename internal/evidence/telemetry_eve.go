package evidence

import (
	"bytes"
	"errors"
	"strings"
)

// eveAlert is what an EVE alert says.
type eveAlert struct {
	present   bool
	signature []byte
	category  []byte
	action    []byte
	technique []byte
}

// eve reads one line of Suricata EVE JSON. Alerts are events, classified
// by their ATT&CK metadata, signature and category; every record (alert,
// dns, http, tls, fileinfo, flow, anomaly …) is matched against the
// indicators by its addresses, DNS names, HTTP host and URL, TLS server
// name and file hashes. HTTP records are not classified like access logs:
// Suricata's alerts on them already are, and would be counted twice.
func (w *worker) eve(b []byte) error {
	if isBlank(b) {
		return nil
	}
	r := &w.rec
	s := &w.strs
	var a eveAlert
	var eventType []byte
	var timeErr error
	dropped := false
	var httpURL []byte
	err := jsonMembers(b, func(k, v []byte) {
		switch string(k) {
		case "timestamp":
			ns, ok := parseISOTime(s.str(v))
			if !ok {
				timeErr = errors.New("timestamp is not a time")
				return
			}
			r.ns, r.dated = ns, true
		case "event_type":
			eventType = s.str(v)
		case "src_ip":
			r.src = s.str(v)
		case "dest_ip":
			r.dst = s.str(v)
		case "alert":
			a.present = true
			jsonObject(v, func(k, v []byte) {
				switch string(k) {
				case "signature":
					a.signature = s.str(v)
				case "category":
					a.category = s.str(v)
				case "action":
					a.action = s.str(v)
				case "metadata":
					jsonEach(jsonGet(v, "mitre_technique_id"), func(t []byte) {
						if a.technique == nil {
							a.technique = s.str(t)
						}
					})
				}
			})
		case "dns":
			jsonObject(v, func(k, v []byte) {
				switch string(k) {
				case "rrname":
					r.names = appendValue(r.names, s.str(v))
				case "queries":
					jsonEach(v, func(q []byte) { r.names = appendValue(r.names, s.str(jsonGet(q, "rrname"))) })
				case "answers":
					jsonEach(v, func(ans []byte) { w.eveAnswer(s.str(jsonGet(ans, "rdata"))) })
				case "grouped":
					jsonObject(v, func(_, list []byte) {
						jsonEach(list, func(x []byte) { w.eveAnswer(s.str(x)) })
					})
				case "rdata": // version 1 answers
					w.eveAnswer(s.str(v))
				}
			})
		case "http":
			jsonObject(v, func(k, v []byte) {
				switch string(k) {
				case "hostname":
					r.host = s.str(v)
					r.names = appendValue(r.names, r.host)
				case "url":
					httpURL = s.str(v)
				}
			})
		case "tls":
			jsonObject(v, func(k, v []byte) {
				switch string(k) {
				case "sni":
					r.host = s.str(v)
					r.names = appendValue(r.names, r.host)
				case "subject":
					r.names = appendValue(r.names, commonName(s.str(v)))
				}
			})
		case "fileinfo":
			jsonObject(v, func(k, v []byte) {
				switch string(k) {
				case "md5", "sha1", "sha256":
					r.hashes = appendValue(r.hashes, s.str(v))
				}
			})
		case "verdict":
			dropped = dropped || string(s.str(jsonGet(v, "action"))) == "drop"
		case "drop":
			dropped = true
		}
	})
	if err != nil {
		return err
	}
	if timeErr != nil {
		return timeErr
	}
	r.urls = w.requestURL(r.urls, r.host, httpURL)
	if a.present || string(eventType) == "alert" {
		w.eveClassify(&a, dropped)
	}
	return nil
}

func (w *worker) eveAnswer(s []byte) {
	r := &w.rec
	if _, ok := parseAddr(s); ok {
		r.addrs = appendValue(r.addrs, s)
	} else if bytes.IndexByte(s, '.') > 0 && bytes.IndexByte(s, ' ') < 0 {
		r.names = appendValue(r.names, s)
	}
}

// eveClassify classifies an alert. The technique is the rule's ATT&CK
// metadata (mitre_technique_id) when it has some, else the one its class
// implies. The category is the technique's, else the signature's
// keywords' (ET SCAN, ET EXPLOIT, … CnC …), else that of Suricata's
// classification (alert.category), else policy. The outcome is blocked
// when Suricata dropped the packet (action blocked, verdict drop);
// succeeded for the classes and signatures that say so (Successful … Gain,
// ATTACK_RESPONSE); unknown otherwise.
func (w *worker) eveClassify(a *eveAlert, dropped bool) {
	r := &w.rec
	var v verdict
	if t := strings.ToUpper(string(a.technique)); validTechnique(t) {
		v.technique = t
		v.category = techniqueCategory(t)
	}
	w.text = appendLower(w.text[:0], a.signature)
	if v.category == "" {
		if c, t, ok := classifyText(w.text); ok {
			v.category = c
			if v.technique == "" {
				v.technique = t
			}
		}
	}
	if bytes.Contains(w.text, []byte("attack_response")) {
		v.outcome = Succeeded
	}
	w.text = appendLower(w.text[:0], a.category)
	if c, ok := suricataCategories[string(w.text)]; ok {
		if v.category == "" {
			v.category = c.category
		}
		if v.technique == "" && c.category == v.category {
			v.technique = c.technique
		}
		if c.outcome != "" {
			v.outcome = c.outcome
		}
	} else if v.category == "" {
		if c, t, ok := classifyText(w.text); ok {
			v.category, v.technique = c, t
		}
	}
	if v.category == "" {
		v.category = CategoryPolicy
	}
	if v.category == CategoryScan && v.technique == "" {
		src, _ := parseAddr(r.src)
		v.technique = scanTechnique(src)
	}
	if dropped || string(a.action) == "blocked" {
		v.outcome = Blocked
	}
	v.signature = string(a.signature)
	if v.signature == "" {
		v.signature = string(a.category)
	}
	r.classify(v)
}

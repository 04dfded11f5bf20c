package evidence

import (
	"bytes"
	"errors"
)

var (
	errAccessPrefix = errors.New(`not an access log line: expected "host ident user [time] \"request\" status bytes"`)
	errAccessTime   = errors.New("access log time is not dd/Mmm/yyyy:hh:mm:ss ±hhmm")
	errAccessQuote  = errors.New("access log line: unterminated quoted field")
	errAccessStatus = errors.New("access log line: the status is not a number")
)

// accessLog reads one line of a web server access log in the combined
// log format (Apache's and nginx's default), the common log format (no
// referrer and user agent), or either with the virtual host first
// (Apache's vhost_combined). Fields after the user agent are ignored.
// Requests are classified by their target, user agent and referrer, and
// the outcome by the status (see webClassifier.classify).
func (w *worker) accessLog(b []byte) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	r := &w.rec
	open := bytes.IndexByte(b, '[')
	if open < 0 {
		return errAccessPrefix
	}
	var f [4][]byte
	n := 0
	for prefix := b[:open]; len(prefix) > 0; {
		sp := bytes.IndexByte(prefix, ' ')
		if sp < 0 {
			sp = len(prefix)
		}
		if sp > 0 {
			if n == len(f) {
				return errAccessPrefix
			}
			f[n] = prefix[:sp]
			n++
		}
		prefix = prefix[min(sp+1, len(prefix)):]
	}
	var vhost []byte
	switch n {
	case 3:
		r.src = f[0]
	case 4:
		vhost, r.src = f[0], f[1]
	default:
		return errAccessPrefix
	}
	rest := b[open+1:]
	end := bytes.IndexByte(rest, ']')
	if end < 0 {
		return errAccessTime
	}
	ns, ok := parseCLFTime(rest[:end])
	if !ok {
		return errAccessTime
	}
	r.ns, r.dated = ns, true
	rest = bytes.TrimLeft(rest[end+1:], " ")
	request, rest, err := quoted(rest)
	if err != nil {
		return err
	}
	rest = bytes.TrimLeft(rest, " ")
	sp := bytes.IndexByte(rest, ' ')
	if sp < 0 {
		sp = len(rest)
	}
	status, ok := digits(rest, 0, sp)
	if !ok || sp != 3 {
		return errAccessStatus
	}
	rest = bytes.TrimLeft(rest[sp:], " ")
	// Bytes sent ("-" for none), then optionally referrer and user agent.
	if sp = bytes.IndexByte(rest, ' '); sp < 0 {
		rest = nil
	} else {
		rest = bytes.TrimLeft(rest[sp:], " ")
	}
	var referrer, agent []byte
	if len(rest) > 0 && rest[0] == '"' {
		if referrer, rest, err = quoted(rest); err != nil {
			return err
		}
		rest = bytes.TrimLeft(rest, " ")
		if len(rest) > 0 && rest[0] == '"' {
			if agent, _, err = quoted(rest); err != nil {
				return err
			}
		}
	}
	if string(referrer) == "-" {
		referrer = nil
	}
	if string(agent) == "-" {
		agent = nil
	}
	target := requestTarget(request)
	if len(vhost) > 0 {
		if i := bytes.LastIndexByte(vhost, ':'); i >= 0 && bytes.IndexByte(vhost, ']') < i && bytes.Count(vhost, []byte{':'}) == 1 {
			vhost = vhost[:i] // host:port
		}
		r.host, r.dst = vhost, vhost
	}
	r.urls = w.requestURL(r.urls, vhost, target)
	if v, ok := w.web.classify(target, agent, referrer, status); ok {
		r.classify(v)
	}
	return nil
}

// quoted reads a double-quoted field with backslash escapes (as Apache and
// nginx write them) at the start of b; it returns the field, still
// escaped, and what follows it.
func quoted(b []byte) (field, rest []byte, err error) {
	if len(b) == 0 || b[0] != '"' {
		return nil, nil, errAccessQuote
	}
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return b[1:i], b[i+1:], nil
		}
	}
	return nil, nil, errAccessQuote
}

// requestTarget returns the target of a request line "GET /x HTTP/1.1";
// nil when the line is not one ("-", or bytes of another protocol).
func requestTarget(request []byte) []byte {
	sp := bytes.IndexByte(request, ' ')
	if sp <= 0 {
		return nil
	}
	t := request[sp+1:]
	if end := bytes.LastIndexByte(t, ' '); end >= 0 && bytes.HasPrefix(t[end+1:], []byte("HTTP/")) {
		t = t[:end]
	}
	return t
}

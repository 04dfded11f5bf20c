package evidence

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"regexp"
	"slices"
	"strings"
)

// The formats Detect recognises besides the telemetry kinds.
const (
	FormatGoPhish  = "gophish"  // GoPhish results: JSON (a campaign or a list) or a CSV export
	FormatEvidence = "evidence" // an evidence file, as scrutin ingest or scrutin phishing write it
)

// DetectBytes is the most of a file's start that Detect looks at: a few
// KiB say what a file is, and so the look costs the same for any file.
const DetectBytes = 8 << 10

// detectLines bounds the lines of the start that are read.
const detectLines = 32

// Detect says what a file is from its start (head, of which it reads at
// most DetectBytes; a gzip-compressed start is decompressed, to
// DetectBytes at most): one of the telemetry kinds (zeek, eve, jsonl,
// sshd, access-log), FormatGoPhish, FormatEvidence, or "" when it cannot
// tell. head may end in the middle of a line or of a JSON value.
//
// JSON is told by the names of the first value's members: "kind" of
// telemetry or phishing (an evidence file); "results" or "timeline"
// (GoPhish, a campaign or a list of them); "event_type" (Suricata EVE);
// "_path", "@stream", "uid" or "id.orig_h" (Zeek); any other object on a
// line of its own is generic JSON lines. Lines of text are syslog
// (sshd), or the common or combined log format (access-log), when most
// of the first lines are; a CSV header with email and status columns is a
// GoPhish export.
func Detect(head []byte) string {
	head = head[:min(len(head), DetectBytes)]
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		head = gunzipStart(head)
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	lines := firstLines(head)
	if len(lines) == 0 {
		return ""
	}
	if first := lines[0]; first[0] == '{' || first[0] == '[' {
		return detectJSON(head[cap(head)-cap(first):], first)
	}
	if isGoPhishHeader(lines[0]) {
		return FormatGoPhish
	}
	var syslog, access int
	for _, l := range lines {
		switch {
		case syslogLinePattern.Match(l):
			syslog++
		case accessLinePattern.Match(l):
			access++
		}
	}
	switch {
	case 2*syslog >= len(lines) && syslog > access:
		return string(KindSSHD)
	case 2*access >= len(lines) && access > syslog:
		return string(KindAccessLog)
	}
	return ""
}

// gunzipStart is what the start of a gzip stream decompresses to, at
// most DetectBytes (the stream may be cut short).
func gunzipStart(head []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(head))
	if err != nil {
		return nil
	}
	out, _ := io.ReadAll(io.LimitReader(zr, DetectBytes)) // a cut stream gives what it has
	return out
}

// firstLines are the first lines of head that are not blank, without
// their ends of line nor spaces around them, and without Zeek's header
// lines (#separator, #fields…): at most detectLines of them.
func firstLines(head []byte) [][]byte {
	var out [][]byte
	for len(head) > 0 && len(out) < detectLines {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		out = append(out, line)
	}
	return out
}

// detectJSON tells JSON apart by the first value's members; start is the
// text from that value on, first its first line.
func detectJSON(start, first []byte) string {
	keys, kind, array := firstMembers(start)
	has := func(names ...string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return slices.Contains(keys, n) })
	}
	switch {
	case !array && (kind == "telemetry" || kind == "phishing"):
		return FormatEvidence
	case has("results", "timeline"):
		return FormatGoPhish
	case array:
		return ""
	case has("event_type"):
		return string(KindEVE)
	case has("_path", "@stream", "uid", "id.orig_h", "id_orig_h"):
		return string(KindZeek)
	case first[0] == '{' && json.Valid(first):
		return string(KindJSONL)
	}
	return ""
}

// firstMembers reads the names of the members of the first JSON value of
// start, an object, or of its first element when it is an array (array
// is then true), until the value ends or the text does; kind is the value
// of a member "kind" when it is a string.
func firstMembers(start []byte) (keys []string, kind string, array bool) {
	dec := json.NewDecoder(bytes.NewReader(start))
	depth, want := 0, 1 // want: the depth of the object whose members count
	key := true         // the next string at depth want is a member's name
	last := ""
	for {
		tok, err := dec.Token()
		if err != nil {
			return keys, kind, array
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '[':
				if depth == 0 {
					array, want = true, 2
				}
				depth++
			case '{':
				depth++
			default:
				depth--
				if depth < want {
					return keys, kind, array
				}
			}
			if depth == want {
				key = true // the object opens, or a member's value closes
			}
		default:
			if depth != want {
				continue
			}
			if key {
				if s, ok := t.(string); ok {
					last = s
					keys = append(keys, s)
					if len(keys) > 256 {
						return keys, kind, array
					}
				}
			} else if s, ok := t.(string); ok && last == "kind" {
				kind = s
			}
			key = !key
		}
	}
}

// isGoPhishHeader says whether a line is the header of GoPhish's results
// CSV: email and status among its columns (comma- or semicolon-separated,
// in any case).
func isGoPhishHeader(line []byte) bool {
	sep := ","
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		sep = ";"
	}
	var email, status bool
	for _, c := range strings.Split(string(line), sep) {
		switch strings.ToLower(strings.Trim(strings.TrimSpace(c), `"`)) {
		case "email":
			email = true
		case "status":
			status = true
		}
	}
	return email && status
}

var (
	// syslogLinePattern is a syslog line's header, as the sshd importer
	// reads it: an optional <PRI>, "Mmm dd hh:mm:ss" or an ISO 8601 time,
	// the host, then a program and its optional [pid] with a colon.
	syslogLinePattern = regexp.MustCompile(`^(<\d{1,3}>)?([A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d(\.\d+)?|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d\S*) \S+ [^\s:\[]+(\[\d+\])?: `)
	// accessLinePattern is the common log format's start, with an
	// optional virtual host first: host ident user [time] "request.
	accessLinePattern = regexp.MustCompile(`^(\S+ )?\S+ \S+ \S+ \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "`)
)

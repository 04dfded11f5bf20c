package evidence

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A small JSON reader made for log lines: it validates a line (RFC 8259,
// without checking that strings are valid UTF-8) and hands over the
// members of its top-level object as raw JSON, without building a tree or
// allocating. The few values a classifier needs are then read from their
// raw text; nested objects and arrays are walked the same way. It is
// several times faster than decoding into maps, and than a general parser
// building a tree of every value, most of which a log line's reader never
// looks at.

// maxJSONDepth bounds the nesting of a line's arrays and objects.
const maxJSONDepth = 64

// jsonError is a syntax error at a byte offset of the line.
type jsonError struct {
	off int
	msg string
}

func (e *jsonError) Error() string { return fmt.Sprintf("invalid JSON at byte %d: %s", e.off+1, e.msg) }

// jsonMembers validates b as one JSON object (with white space around it)
// and calls fn with each member's key (raw: escapes left in place; see
// jsonKey) and value (raw JSON). A line that is another JSON value is an
// error too.
func jsonMembers(b []byte, fn func(key, value []byte)) error {
	i := skipSpace(b, 0)
	if i == len(b) {
		return &jsonError{i, "empty"}
	}
	if b[i] != '{' {
		end, err := skipValue(b, i, 0)
		if err != nil {
			return err
		}
		if skipSpace(b, end) != len(b) {
			return &jsonError{skipSpace(b, end), "more after the value"}
		}
		return fmt.Errorf("a JSON %s, not an object", jsonKind(b[i]))
	}
	end, err := objectMembers(b, i, 0, fn)
	if err != nil {
		return err
	}
	if j := skipSpace(b, end); j != len(b) {
		return &jsonError{j, "more after the object"}
	}
	return nil
}

func jsonKind(c byte) string {
	switch c {
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// objectMembers reads the object starting at b[i] ('{'), calling fn (when
// not nil) for each member, and returns the offset after it.
func objectMembers(b []byte, i, depth int, fn func(key, value []byte)) (int, error) {
	if depth >= maxJSONDepth {
		return i, &jsonError{i, "nested too deeply"}
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return i, &jsonError{i, "expected a string key"}
		}
		kend, err := skipString(b, i)
		if err != nil {
			return i, err
		}
		key := b[i+1 : kend-1]
		i = skipSpace(b, kend)
		if i >= len(b) || b[i] != ':' {
			return i, &jsonError{i, "expected ':' after a key"}
		}
		i = skipSpace(b, i+1)
		vend, err := skipValue(b, i, depth+1)
		if err != nil {
			return i, err
		}
		if fn != nil {
			fn(key, b[i:vend])
		}
		i = skipSpace(b, vend)
		if i >= len(b) {
			return i, &jsonError{i, "unterminated object"}
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return i + 1, nil
		default:
			return i, &jsonError{i, "expected ',' or '}'"}
		}
	}
}

// skipValue validates the value starting at b[i] and returns the offset
// after it.
func skipValue(b []byte, i, depth int) (int, error) {
	if i >= len(b) {
		return i, &jsonError{i, "expected a value"}
	}
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '{':
		return objectMembers(b, i, depth, nil)
	case c == '[':
		if depth >= maxJSONDepth {
			return i, &jsonError{i, "nested too deeply"}
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == ']' {
			return i + 1, nil
		}
		for {
			end, err := skipValue(b, i, depth+1)
			if err != nil {
				return end, err
			}
			i = skipSpace(b, end)
			if i >= len(b) {
				return i, &jsonError{i, "unterminated array"}
			}
			switch b[i] {
			case ',':
				i = skipSpace(b, i+1)
			case ']':
				return i + 1, nil
			default:
				return i, &jsonError{i, "expected ',' or ']'"}
			}
		}
	case c == '-' || '0' <= c && c <= '9':
		return skipNumber(b, i)
	case c == 't':
		return skipLiteral(b, i, "true")
	case c == 'f':
		return skipLiteral(b, i, "false")
	case c == 'n':
		return skipLiteral(b, i, "null")
	}
	return i, &jsonError{i, fmt.Sprintf("unexpected %q", rune(b[i]))}
}

func skipLiteral(b []byte, i int, lit string) (int, error) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return i, &jsonError{i, "unexpected " + strconv.QuoteToASCII(string(b[i:min(i+len(lit), len(b))]))}
	}
	return i + len(lit), nil
}

// skipString validates the string starting at b[i] ('"') and returns the
// offset after its closing quote.
func skipString(b []byte, i int) (int, error) {
	start := i
	i++
	for {
		// Find the next quote, backslash or control character eight bytes
		// at a time: most of a log line is plain string content.
		if i+8 <= len(b) {
			m := specialBytes(binary.LittleEndian.Uint64(b[i:]))
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		} else {
			for i < len(b) && b[i] != '"' && b[i] != '\\' && b[i] >= 0x20 {
				i++
			}
			if i >= len(b) {
				return start, &jsonError{start, "unterminated string"}
			}
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1, nil
		case c < 0x20:
			return i, &jsonError{i, "control character in a string"}
		}
		// A backslash.
		if i+1 >= len(b) {
			return start, &jsonError{start, "unterminated string"}
		}
		switch b[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			if i+5 >= len(b) || !isHex4(b[i+2:i+6]) {
				return i, &jsonError{i, `bad \u escape`}
			}
			i += 6
		default:
			return i, &jsonError{i, "bad escape"}
		}
	}
}

// specialBytes marks, in bit 7 of each byte, the bytes of x (little
// endian) that are a quote, a backslash or below 0x20, by the classic bit
// tricks (a byte is zero after the xor, or below n, when subtracting from
// it borrows). Bytes above the first marked one may be marked wrongly, by
// a borrow; the first one is exact.
func specialBytes(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote := x ^ (ones * '"')
	backslash := x ^ (ones * '\\')
	return ((quote-ones)&^quote | (backslash-ones)&^backslash | (x-ones*0x20)&^x) & highs
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if _, ok := hexDigit(c); !ok {
			return false
		}
	}
	return true
}

// skipNumber validates the number starting at b[i].
func skipNumber(b []byte, i int) (int, error) {
	start := i
	if b[i] == '-' {
		i++
	}
	digitsFrom := func(j int) int {
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		return j
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digitsFrom(i)
	default:
		return start, &jsonError{start, "bad number"}
	}
	if i < len(b) && b[i] == '.' {
		j := digitsFrom(i + 1)
		if j == i+1 {
			return start, &jsonError{start, "bad number"}
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digitsFrom(i)
		if j == i {
			return start, &jsonError{start, "bad number"}
		}
		i = j
	}
	return i, nil
}

// The readers below take raw values that jsonMembers validated.

// jsonEach calls fn with each element of a raw array; nothing for another
// value.
func jsonEach(raw []byte, fn func(elem []byte)) {
	if len(raw) == 0 || raw[0] != '[' {
		return
	}
	i := skipSpace(raw, 1)
	for i < len(raw) && raw[i] != ']' {
		end, err := skipValue(raw, i, 0)
		if err != nil {
			return
		}
		fn(raw[i:end])
		i = skipSpace(raw, end)
		if i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
}

// jsonObject calls fn with each member of a raw object; nothing for
// another value.
func jsonObject(raw []byte, fn func(key, value []byte)) {
	if len(raw) > 0 && raw[0] == '{' {
		objectMembers(raw, 0, 0, fn) //nolint:errcheck // validated already
	}
}

// jsonStrings holds the strings unescaped from one line. Its storage is
// reused from line to line; when it must grow it starts a new array, so
// that strings taken earlier from the same line stay valid.
type jsonStrings struct {
	buf []byte
}

func (s *jsonStrings) reset() { s.buf = s.buf[:0] }

// str returns the content of a raw JSON string (unescaped), or nil for
// another value.
func (s *jsonStrings) str(raw []byte) []byte {
	if len(raw) < 2 || raw[0] != '"' {
		return nil
	}
	in := raw[1 : len(raw)-1]
	esc := false
	for _, c := range in {
		if c == '\\' {
			esc = true
			break
		}
	}
	if !esc {
		return in
	}
	if cap(s.buf)-len(s.buf) < len(in) {
		s.buf = make([]byte, 0, max(2*cap(s.buf), len(in), 1024))
	}
	start := len(s.buf)
	s.buf = appendUnescaped(s.buf, in)
	return s.buf[start:len(s.buf):len(s.buf)]
}

// appendUnescaped appends the unescaped content of a valid JSON string;
// the result is never longer than in.
func appendUnescaped(dst, in []byte) []byte {
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		switch in[i] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := rune(hex4(in[i+1 : i+5]))
			i += 4
			if utf16.IsSurrogate(r) && i+6 < len(in) && in[i+1] == '\\' && in[i+2] == 'u' {
				if r2 := utf16.DecodeRune(r, rune(hex4(in[i+3:i+7]))); r2 != utf8.RuneError {
					r = r2
					i += 6
				}
			}
			dst = utf8.AppendRune(dst, r)
		default: // " \ /
			dst = append(dst, in[i])
		}
	}
	return dst
}

func hex4(b []byte) int {
	v := 0
	for _, c := range b {
		d, _ := hexDigit(c)
		v = v<<4 | int(d)
	}
	return v
}

// jsonNumber returns a raw number's value; ok is false for another value.
func jsonNumber(raw []byte) (float64, bool) {
	if len(raw) == 0 || !(raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9') {
		return 0, false
	}
	f, err := strconv.ParseFloat(transient(raw), 64)
	return f, err == nil
}

// jsonInt returns a raw number's integer value, or 0.
func jsonInt(raw []byte) int {
	n := 0
	for i, c := range raw {
		if c < '0' || c > '9' || i > 9 {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// jsonBool returns 1 for true, -1 for false, 0 otherwise.
func jsonBool(raw []byte) int8 {
	switch string(raw) {
	case "true":
		return 1
	case "false":
		return -1
	}
	return 0
}

// jsonGet returns the raw value of key in a raw object, or nil. Keys are
// compared raw: a key written with escapes is not found.
func jsonGet(raw []byte, key string) []byte {
	var v []byte
	jsonObject(raw, func(k, val []byte) {
		if v == nil && string(k) == key {
			v = val
		}
	})
	return v
}

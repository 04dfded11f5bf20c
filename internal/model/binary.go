package model

import (
	"bytes"
	"unicode/utf8"
)

// utf8BOM is the byte order mark some editors put at the start of UTF-8
// text; YAML allows it there.
var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// checkText makes sure src is text a YAML model can be: UTF-8 (a UTF-8
// byte order mark at the start is dropped), without control characters
// but tab, line feed and carriage return. Anything else (an image, an
// executable, a compressed file, UTF-16 text) is an EINVALID error in one
// short line that names file and the first byte at fault, counted from 1,
// rather than a YAML syntax error quoting binary garbage.
func checkText(file string, src []byte) ([]byte, error) {
	if n := utfWidth(src); n > 0 {
		return nil, Errorf(EINVALID, "%s: not a YAML model: UTF-%d text; save it as UTF-8", file, n)
	}
	text := bytes.TrimPrefix(src, utf8BOM)
	// at is the error for the byte at i of text, counted in src from 1.
	at := func(i int) error {
		return Errorf(EINVALID, "%s: not a YAML model: binary data at byte %d", file, len(src)-len(text)+i+1)
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
				return nil, at(i)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(text[i:])
		// Invalid UTF-8, C1 controls (but NEL) and the non-characters
		// U+FFFE and U+FFFF are outside YAML's character set.
		if r == utf8.RuneError && size == 1 || r >= 0x80 && r < 0xa0 && r != 0x85 || r == 0xfffe || r == 0xffff {
			return nil, at(i)
		}
		i += size
	}
	return text, nil
}

// utfWidth recognises UTF-16 and UTF-32 text: by its byte order mark,
// or, for UTF-16 without one, by the zero byte beside nearly every
// character of mostly ASCII text. It returns 16, 32 or 0.
func utfWidth(src []byte) int {
	switch {
	case bytes.HasPrefix(src, []byte{0xff, 0xfe, 0, 0}), bytes.HasPrefix(src, []byte{0, 0, 0xfe, 0xff}):
		return 32
	case bytes.HasPrefix(src, []byte{0xff, 0xfe}), bytes.HasPrefix(src, []byte{0xfe, 0xff}):
		return 16
	}
	pairs, zeroHigh, zeroLow := min(len(src)/2, 512), 0, 0
	for i := range pairs {
		a, b := src[2*i], src[2*i+1]
		switch {
		case b == 0 && a != 0:
			zeroHigh++ // little-endian ASCII
		case a == 0 && b != 0:
			zeroLow++ // big-endian ASCII
		}
	}
	if pairs >= 2 && (zeroHigh*10 >= pairs*9 || zeroLow*10 >= pairs*9) {
		return 16
	}
	return 0
}

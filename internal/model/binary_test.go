package model

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// TestDecodeNotText: what is no UTF-8 text at all is refused in one short
// message that says where, before the YAML parser sees it; text is not.
func TestDecodeNotText(t *testing.T) {
	src, err := os.ReadFile("../../examples/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	yml := string(src)
	le, be, noBOM := []byte{0xff, 0xfe}, []byte{0xfe, 0xff}, []byte{}
	for _, u := range utf16.Encode([]rune(yml)) {
		le = append(le, byte(u), byte(u>>8))
		be = append(be, byte(u>>8), byte(u))
		noBOM = append(noBOM, byte(u), byte(u>>8))
	}
	for _, c := range []struct {
		name string
		src  string
		want string // "" for a valid model
	}{
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "png: not a YAML model: binary data at byte 1"},
		{"elf", "\x7fELF\x02\x01\x01\x00", "elf: not a YAML model: binary data at byte 1"},
		{"gzip", "\x1f\x8b\x08\x00", "gzip: not a YAML model: binary data at byte 1"},
		{"nul in a comment", yml[:40] + "\x00" + yml[40:], "nul in a comment: not a YAML model: binary data at byte 41"},
		{"escape", "scrutin: 1\nname: \x1b[31mred\n", "escape: not a YAML model: binary data at byte 18"},
		{"latin-1", "scrutin: 1\nname: caf\xe9\n", "latin-1: not a YAML model: binary data at byte 21"},
		{"utf-16le", string(le), "utf-16le: not a YAML model: UTF-16 text; save it as UTF-8"},
		{"utf-16be", string(be), "utf-16be: not a YAML model: UTF-16 text; save it as UTF-8"},
		{"utf-16 without a mark", string(noBOM), "utf-16 without a mark: not a YAML model: UTF-16 text; save it as UTF-8"},
		{"utf-32le", "\xff\xfe\x00\x00s\x00\x00\x00", "utf-32le: not a YAML model: UTF-32 text; save it as UTF-8"},
		{"utf-8 with a mark", "\xef\xbb\xbf" + yml, ""},
		{"tabs, CRLF and accents", strings.ReplaceAll(yml, "\n", "\r\n") + "# \tÉlection, 選挙 😀\r\n", ""},
	} {
		_, err := Decode(c.name, []byte(c.src))
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if err == nil || err.Error() != c.want || ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v (code %s); want %q", c.name, err, ErrorCode(err), c.want)
		}
	}
}

// FuzzCheckText: text is accepted as valid UTF-8 without control
// characters but tab, line feed and carriage return; anything else is
// refused at a byte within the input.
func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"scrutin: 1\n", "\xef\xbb\xbfa: b", "\x89PNG", "\xff\xfea\x00", "a\x00b\x00c\x00", "caf\xe9", "\u0085\u00a0é"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		text, err := checkText("f", src)
		if err != nil {
			var n int
			if _, serr := fmt.Sscanf(err.Error(), "f: not a YAML model: binary data at byte %d", &n); serr == nil && (n < 1 || n > len(src)) {
				t.Fatalf("%q: byte %d of %d", src, n, len(src))
			}
			return
		}
		if !utf8.Valid(text) {
			t.Fatalf("%q accepted, not UTF-8", src)
		}
		for _, r := range string(text) {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
				t.Fatalf("%q accepted with %U", src, r)
			}
		}
	})
}

// BenchmarkCheckText measures the text check on 4 MiB of model text
// (go test ./internal/model -run X -bench CheckText).
func BenchmarkCheckText(b *testing.B) {
	src, err := os.ReadFile("../../examples/election.yaml")
	if err != nil {
		b.Fatal(err)
	}
	big := []byte(strings.Repeat(string(src), 4<<20/len(src)+1))[:4<<20]
	b.SetBytes(int64(len(big)))
	for b.Loop() {
		if _, err := checkText("x", big); err != nil {
			b.Fatal(err)
		}
	}
}

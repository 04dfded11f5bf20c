package attack

import (
	"bytes"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// TestParseIndicatorsKinds: ParseIndicators tells a STIX bundle, a MISP
// event and a list apart, and reads each as its own parser does.
func TestParseIndicatorsKinds(t *testing.T) {
	for _, c := range []struct {
		file  string
		parse func(io.Reader) (*IndicatorImport, error)
	}{
		{"stix21-forms.json", ParseSTIXIndicators},
		{"unit42-fighting-ursa-stix20.json", ParseSTIXIndicators},
		{"misp-forms.json", ParseMISPEvent},
		{"event-sednit-fancy-bear.json", ParseMISPEvent},
	} {
		data, err := os.ReadFile("testdata/ioc/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseIndicators(c.file, bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		want, err := c.parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Indicators) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d indicators, skipped %v; its parser: %d, %v", c.file, len(got.Indicators), got.Skipped, len(want.Indicators), want.Skipped)
		}
	}

	list := "# C2\n203.0.113.9 Fancy Bear, G0016\n\n10.0.0.0/8\t# lab\nEVIL.example\nhttp://evil.example/x\n" +
		strings.Repeat("a", 32) + "\n" + strings.Repeat("b", 40) + "\n" + strings.Repeat("C", 64) + "\n"
	imp, err := ParseIndicators("iocs.txt", strings.NewReader(list))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ind := range imp.Indicators {
		got = append(got, ind.String()+" @"+ind.Source)
	}
	want := []string{
		"ip 203.0.113.9 [Fancy Bear G0016] @iocs.txt:2", "cidr 10.0.0.0/8 @iocs.txt:4", "domain evil.example @iocs.txt:5",
		"url http://evil.example/x @iocs.txt:6", "md5 " + strings.Repeat("a", 32) + " @iocs.txt:7",
		"sha1 " + strings.Repeat("b", 40) + " @iocs.txt:8", "sha256 " + strings.Repeat("c", 64) + " @iocs.txt:9",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("list:\n got %q\nwant %q", got, want)
	}

	// A MISP event is still one when its top level has a "type" that is
	// not a string, which a bundle's may not.
	imp, err = ParseIndicators("event.json", strings.NewReader(`{"type": 5, "uuid": "e", "Attribute": [{"type": "domain", "value": "evil.example", "to_ids": true}]}`))
	if err != nil || len(imp.Indicators) != 1 {
		t.Errorf("MISP event with a type: %v, %v", imp, err)
	}
}

// bigReader claims to hold more than MaxIndicatorFile bytes.
type bigReader struct{ read bool }

func (r *bigReader) Len() int { return MaxIndicatorFile + 1 }
func (r *bigReader) Read(p []byte) (int, error) {
	r.read = true
	return 0, io.EOF
}

func TestParseIndicatorsErrors(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"truncated", "{\"type\": \"bundle\",\n \"objects\": [", `iocs.json: invalid JSON: unexpected end of input (line 2, column 14, byte 32)`},
		{"bad token", "{\"type\": \"bundle\",\n \"objects\": [x]}", `iocs.json: invalid JSON: invalid character 'x' at start of value`},
		{"position of bad token", "{\"type\": \"bundle\",\n \"objects\": [x]}", `(line 2, column 14, byte 32)`},
		{"trailing", `{"type": "bundle", "objects": []} {}`, `data after the top-level object (line 1, column 35, byte 34)`},
		{"objects", `{"type": "bundle", "objects": {}}`, `iocs.json: stix bundle: "objects" must be an array, not an object (line 1, column 31, byte 30)`},
		{"neither", `{"id": "x"}`, `iocs.json: misp event: no event`},
	} {
		_, err := ParseIndicators("iocs.json", strings.NewReader(c.in))
		if model.ErrorCode(err) != model.EINVALID || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want EINVALID with %q", c.name, err, c.want)
		}
	}
	_, err := ParseIndicators("iocs.txt", strings.NewReader("203.0.113.9\nnot a/value\n"))
	var verr *model.ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) != 1 || verr.Problems[0].Pos.Line != 2 || verr.Problems[0].File != "iocs.txt" {
		t.Errorf("bad list: %v", err)
	}
	r := &bigReader{}
	_, err = ParseIndicators("huge.json", r)
	if model.ErrorCode(err) != model.EINVALID || !strings.Contains(err.Error(), "huge.json: larger than 1024 MiB") || r.read {
		t.Errorf("too large: %v (read: %v)", err, r.read)
	}
	if _, err := readAllMax(strings.NewReader("12345"), 4); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a stream over the limit: %v", err)
	}
	if data, err := readAllMax(strings.NewReader("1234"), 4); err != nil || string(data) != "1234" {
		t.Errorf("a stream at the limit: %q, %v", data, err)
	}
}

// FuzzParseIndicators: any file gives indicators in canonical form, or an
// EINVALID error (a ValidationError for a list), never a panic.
//
//	go test -run '^$' -fuzz FuzzParseIndicators -fuzztime 5m ./internal/attack/
func FuzzParseIndicators(f *testing.F) {
	f.Add([]byte("203.0.113.9 Fancy Bear\n# c\nevil.example\n"))
	f.Add([]byte(`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '10.0.0.1']"}]}`))
	f.Add([]byte(`{"Event":{"uuid":"e","Attribute":[{"type":"ip-dst|port","value":"10.0.0.1|80","to_ids":true}]}}`))
	f.Add([]byte(`{"uuid":"e","Attribute":[{"type":"domain","value":"evil.example"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := ParseIndicators("fuzz", bytes.NewReader(data))
		if err != nil {
			var verr *model.ValidationError
			if model.ErrorCode(err) != model.EINVALID && !errors.As(err, &verr) {
				t.Fatalf("error of code %q: %v", model.ErrorCode(err), err)
			}
			return
		}
		for _, ind := range imp.Indicators {
			n, err := NormalizeIndicator(ind)
			if err != nil || n.Type != ind.Type || n.Value != ind.Value {
				t.Fatalf("imported %s is not canonical: %v, %v", ind, n, err)
			}
		}
	})
}

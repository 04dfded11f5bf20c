package attack

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// stixDecoderCases are inputs on which the streaming decoder must behave as
// encoding/json did: odd but valid shapes, wrong types, bad JSON.
var stixDecoderCases = []string{
	`{"type":"bundle","objects":[]}`,
	`{"type":"bundle","objects":null}`,
	`{"type":"bundle"}`,
	`{"objects":[],"type":"bundle"}`,
	`{"type":"bundle","objects":{}}`,
	`{"type":"bundle","objects":"x"}`,
	`{"type":5,"objects":[]}`,
	`{"type":null}`,
	`{"type":"bundle","type":null,"objects":[]}`,
	`{"Type":"bundle","OBJECTS":[{"TYPE":"indicator","Id":"indicator--1","Pattern":"[ipv4-addr:value = '192.0.2.1']"}]}`,
	`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1']"}],"objects":[{"type":"indicator","id":"indicator--2","pattern":"[ipv4-addr:value = '192.0.2.2']"}]}`,
	`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1']"}],"objects":null}`,
	`{"type":"bundle","objects":[null, 5, "x", [], true, {"type":"indicator","id":"indicator--1","pattern":"[domain-name:value = 'a.example']"}]}`,
	`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":5}]}`,
	`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","revoked":"yes","pattern":"[domain-name:value = 'a.example']"}]}`,
	`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","revoked":null,"pattern":"[domain-name:value = 'a.example']"}]}`,
	`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","revoked":true,"pattern":"[domain-name:value = 'a.example']"},{"type":"intrusion-set","id":"x","revoked":true}]}`,
	`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"[domain-name:value = 'a.example']","pattern":null}]}`,
	`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","external_references":"x","pattern":"[domain-name:value = 'a.example']"}]}`,
	`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","external_references":[5],"pattern":"[domain-name:value = 'a.example']"}]}`,
	// Attribution through every kind of object, with odd shapes.
	`{"type":"bundle","objects":[
		{"type":"indicator","id":"indicator--1","name":"n","pattern":"[domain-name:value = 'a.example']"},
		{"type":"relationship","relationship_type":"indicates","source_ref":"indicator--1","target_ref":"malware--1"},
		{"type":"relationship","relationship_type":"indicates","source_ref":"indicator--1","target_ref":"campaign--1"},
		{"type":"relationship","relationship_type":"indicates","source_ref":"indicator--1","target_ref":"threat-actor--1"},
		{"type":"malware","id":"malware--1"},
		{"type":"relationship","relationship_type":"uses","source_ref":"intrusion-set--1","target_ref":"malware--1"},
		{"type":"relationship","relationship_type":"authored-by","source_ref":"malware--1","target_ref":"intrusion-set--2"},
		{"type":"campaign","id":"campaign--1"},
		{"type":"relationship","relationship_type":"attributed-to","source_ref":"campaign--1","target_ref":"intrusion-set--3"},
		{"type":"intrusion-set","id":"intrusion-set--1","name":"One","external_references":[{"source_name":"mitre-attack","external_id":"G0007"}]},
		{"type":"intrusion-set","id":"intrusion-set--2","name":"Two","external_references":[null,{"source_name":"x"}]},
		{"type":"intrusion-set","id":"intrusion-set--3","external_references":[{"source_name":"mitre-attack","external_id":"G0016"}],
			"external_references":[{"source_name":"mitre-attack"}]},
		{"type":"threat-actor","id":"threat-actor--1","name":"Actor","external_references":[{"source_name":"mitre-attack","external_id":"G0034"}],"external_references":null}
	]}`,
	// A later object of the same id replaces the earlier; a revoked one
	// does not.
	`{"type":"bundle","objects":[
		{"type":"indicator","id":"indicator--1","pattern":"[domain-name:value = 'a.example']"},
		{"type":"relationship","relationship_type":"indicates","source_ref":"indicator--1","target_ref":"intrusion-set--1"},
		{"type":"relationship","relationship_type":"indicates","source_ref":"indicator--1","target_ref":"intrusion-set--2"},
		{"type":"intrusion-set","id":"intrusion-set--1","name":"One"},
		{"type":"x-thing","id":"intrusion-set--1"},
		{"type":"intrusion-set","id":"intrusion-set--2","name":"Two"},
		{"type":"intrusion-set","id":"intrusion-set--2","name":"Revoked","revoked":true},
		{"type":"relationship","id":"intrusion-set--2","revoked":true}
	]}`,
	"{\"type\":\"bundle\",\"objects\":[{\"type\":\"indicator\",\"id\":\"indicator--\xff\",\"name\":\"caf\\u00e9 \\ud800\",\"pattern\":\"[domain-name:value = 'a.example']\"}]}",
	`{"typ\u0065":"bundle","objects":[{"\u0074ype":"indicator","id":"indicator--1","pattern":"[domain-name:value = 'a.example']"}]}`,
	"{\"type\":\"bundle\",\"objects\":[{\"type\":\"indicator\",\"id\":\"indicator--1\",\"\u017fource_ref\":\"x\",\"pattern\":\"[file:hashes.'\u017fha256' = '" + strings.Repeat("a", 64) + "']\"}]}",
	`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"[domain-name:value IN ('a.example','b.example','c.example','d.example','e.example','f.example','g.example','h.example','i.example','j.example','k.example','l.example','m.example','n.example','o.example','p.example','q.example','a.example','r.example','q.example')]"}]}`,
	`{"type":"bundle","objects":[]} `,
	`{"type":"bundle","objects":[]} {}`,
	`{"type":"bundle","objects":[]}x`,
	`{"type":"bundle","objects":[}`,
	`{"type":"bundle","objects":[{"type":"indicator",}]}`,
	`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"\x01"}]}`,
	`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"\q"}]}`,
	`{"type":"bundle","objects":[1e999]}`,
	`{"type":"bundle","objects":[-]}`,
	"\xef\xbb\xbf{\"type\":\"bundle\",\"objects\":[]}",
	`{"type": "indicator", "id": "indicator--1"}`,
	`null`, `[]`, `"bundle"`, `5`, ``, ` `, `{`, `{"type":"bundle"`,
	strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
	`{"type":"bundle","objects":[` + strings.Repeat(`{"x":`, 10001) + `1` + strings.Repeat(`}`, 10001) + `]}`,
}

// stixImportsMatch compares two imports: the same indicators and counts, and
// the same warnings but for the wording of an unreadable object's, which
// now says where and what in our words.
func stixImportsMatch(t *testing.T, in string, got, want *IndicatorImport, gotErr, wantErr error) {
	t.Helper()
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("%.200q: error %v, encoding/json's %v", in, gotErr, wantErr)
	}
	if gotErr != nil {
		if model.ErrorCode(gotErr) != model.EINVALID {
			t.Fatalf("%.200q: error of code %q: %v", in, model.ErrorCode(gotErr), gotErr)
		}
		return
	}
	if !reflect.DeepEqual(got.Indicators, want.Indicators) {
		t.Fatalf("%.200q: indicators\n got %v\nwant %v", in, got.Indicators, want.Indicators)
	}
	if len(got.Skipped) != 0 || len(want.Skipped) != 0 {
		if !reflect.DeepEqual(got.Skipped, want.Skipped) {
			t.Fatalf("%.200q: skipped %v, want %v", in, got.Skipped, want.Skipped)
		}
	}
	short := func(ws []string) []string {
		var out []string
		for _, w := range ws {
			if strings.HasPrefix(w, "object ") {
				w, _, _ = strings.Cut(w, ":")
				w, _, _ = strings.Cut(w, " (")
			}
			out = append(out, w)
		}
		return out
	}
	if g, w := short(got.Warnings), short(want.Warnings); !reflect.DeepEqual(g, w) {
		t.Fatalf("%.200q: warnings\n got %q\nwant %q", in, got.Warnings, want.Warnings)
	}
}

// manyIndicators is a bundle of n indicators (some revoked, malformed or
// unsupported) attributed through relationships, then, with again, a
// second "objects" array that replaces the first.
func manyIndicators(n int, again bool) string {
	var b strings.Builder
	b.WriteString(`{"type":"bundle","objects":[{"type":"intrusion-set","id":"intrusion-set--1","name":"One"}`)
	for i := range n {
		switch i % 10 {
		case 3:
			fmt.Fprintf(&b, `,{"type":"indicator","id":"indicator--%d","revoked":true,"pattern":"[ipv4-addr:value = '10.0.%d.%d']"}`, i, i/256%256, i%256)
		case 5:
			fmt.Fprintf(&b, `,{"type":"indicator","id":"indicator--%d","pattern":"[email-addr:value = 'a%d@example.org']"}`, i, i)
		case 7:
			fmt.Fprintf(&b, `,{"type":"indicator","id":"indicator--%d","pattern":"[ipv4-addr:value = '10.0.%d"}`, i, i)
		default:
			fmt.Fprintf(&b, `,{"type":"indicator","id":"indicator--%d","pattern":"[ipv4-addr:value = '10.0.%d.%d']"}`, i, i/256%256, i%256)
		}
		fmt.Fprintf(&b, `,{"type":"relationship","relationship_type":"indicates","source_ref":"indicator--%d","target_ref":"intrusion-set--1"}`, i)
	}
	b.WriteString(`]`)
	if again {
		b.WriteString(`,"objects":[{"type":"indicator","id":"indicator--x","pattern":"[domain-name:value = 'again.example']"}]`)
	}
	b.WriteString(`}`)
	return b.String()
}

// TestSTIXDecoderMatchesOracle: on the fixtures, the benchmark's kind of
// bundle and the odd cases above, the streaming decoder imports what
// encoding/json's three passes imported, on one core (patterns read after
// the decoding) and on two (read while decoding).
func TestSTIXDecoderMatchesOracle(t *testing.T) {
	for _, procs := range []int{1, 2} {
		t.Run(fmt.Sprint(procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			testSTIXDecoderMatchesOracle(t)
		})
	}
}

func testSTIXDecoderMatchesOracle(t *testing.T) {
	inputs := append(stixDecoderCases, manyIndicators(1000, false), manyIndicators(1000, true))
	files, _ := filepath.Glob("testdata/ioc/*.json")
	for _, f := range append(files, "../../examples/stix-apt28.json") {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		inputs = append(inputs, string(data))
	}
	for _, in := range inputs {
		got, gotErr := ParseSTIXIndicators(strings.NewReader(in))
		want, wantErr := oracleParseSTIXIndicators(strings.NewReader(in))
		stixImportsMatch(t, in, got, want, gotErr, wantErr)
	}
}

// FuzzSTIXDecoderMatchesOracle: the same on any input.
//
//	go test -run '^$' -fuzz FuzzSTIXDecoderMatchesOracle -fuzztime 10m ./internal/attack/
func FuzzSTIXDecoderMatchesOracle(f *testing.F) {
	for _, in := range stixDecoderCases {
		if len(in) < 2000 {
			f.Add([]byte(in))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, gotErr := ParseSTIXIndicators(bytes.NewReader(data))
		want, wantErr := oracleParseSTIXIndicators(bytes.NewReader(data))
		stixImportsMatch(t, string(data), got, want, gotErr, wantErr)
	})
}

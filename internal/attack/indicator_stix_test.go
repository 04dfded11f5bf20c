package attack

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

func parseSTIXFile(t *testing.T, name string) *IndicatorImport {
	t.Helper()
	f, err := os.Open("testdata/ioc/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	imp, err := ParseSTIXIndicators(f)
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

func countTypes(inds []Indicator) map[string]int {
	n := make(map[string]int)
	for _, ind := range inds {
		n[ind.Type]++
	}
	return n
}

// TestSTIXUnit42 reads Unit 42's APT28 ("Fighting Ursa") playbook, STIX 2.0.
func TestSTIXUnit42(t *testing.T) {
	imp := parseSTIXFile(t, "unit42-fighting-ursa-stix20.json")
	// 50 indicators: 31 SHA-256, 4 IPv4, 1 domain imported; 14 of other
	// observables (e-mail addresses and subjects, file names, command lines,
	// registry keys, directories).
	if got, want := countTypes(imp.Indicators), map[string]int{IndicatorSHA256: 31, IndicatorIP: 4, IndicatorDomain: 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("types %v, want %v", got, want)
	}
	wantSkipped := map[string]int{
		"unsupported email-addr:value":                    4,
		"unsupported email:subject":                       2,
		"unsupported file:name":                           4,
		"unsupported directory:path":                      2,
		"unsupported process:command_line":                2,
		"unsupported windows-registry-key:key":            2,
		"unsupported windows-registry-key:values[*].data": 1,
	}
	if !reflect.DeepEqual(imp.Skipped, wantSkipped) {
		t.Errorf("skipped %v, want %v", imp.Skipped, wantSkipped)
	}
	if len(imp.Warnings) != 17 {
		t.Errorf("%d warnings, want 17 (one per unsupported comparison): %q", len(imp.Warnings), imp.Warnings)
	}
	byValue := make(map[string]Indicator)
	for _, ind := range imp.Indicators {
		byValue[ind.Value] = ind
		// The bundle attributes every indicator, through its campaigns, to
		// the intrusion set "Fighting Ursa" (Unit 42's name for APT28),
		// which carries no ATT&CK id.
		if !reflect.DeepEqual(ind.Actors, []string{"Fighting Ursa"}) {
			t.Errorf("%s: actors %q", ind, ind.Actors)
		}
		if !strings.HasPrefix(ind.Source, "stix indicator--") {
			t.Errorf("%s: source %q", ind, ind.Source)
		}
	}
	for _, want := range []Indicator{
		{Type: IndicatorIP, Value: "109.248.148.42", Source: "stix indicator--53e6b091-eee4-4f8c-b756-ac2d11d539c5"},
		{Type: IndicatorIP, Value: "185.203.118.198"},
		{Type: IndicatorIP, Value: "188.241.58.170"},
		{Type: IndicatorIP, Value: "145.249.105.165"},
		{Type: IndicatorDomain, Value: "cdnverify.net", Source: "stix indicator--b2506841-5543-4880-8225-24ff97f01817"},
		{Type: IndicatorSHA256, Value: "6ad3eb8b5622145a70bec67b3d14868a1c13864864afd651fe70689c95b1399a"},
	} {
		got, ok := byValue[want.Value]
		if !ok || got.Type != want.Type || want.Source != "" && got.Source != want.Source {
			t.Errorf("want %s %s (%s), got %+v", want.Type, want.Value, want.Source, got)
		}
	}
	// With alias resolution (the MISP threat-actor galaxy lists Fighting
	// Ursa among APT28's synonyms, with G0007) they are APT28's.
	imp.ResolveActors(func(name string) (string, bool) { return "G0007", name == "Fighting Ursa" })
	for _, ind := range imp.Indicators {
		if !reflect.DeepEqual(ind.Actors, []string{"G0007"}) {
			t.Fatalf("%s: resolved actors %q", ind, ind.Actors)
		}
	}
}

// TestSTIXForms reads a hand-written STIX 2.1 bundle with every pattern form
// and relationship the importer handles.
func TestSTIXForms(t *testing.T) {
	imp := parseSTIXFile(t, "stix21-forms.json")
	const and = " (part of an AND pattern)"
	type row struct {
		typ, value, name string
		actors           []string
	}
	apt28 := []string{"G0007"}
	want := []row{
		{"ip", "198.51.100.1", "ipv4 to intrusion set", apt28},
		{"ip", "2001:db8::1", "ipv6 to campaign", apt28},
		{"cidr", "203.0.113.0/24", "network to malware", []string{"Ghostwriter"}},
		{"cidr", "10.0.0.0/8", "issubset to threat actor", []string{"Example Actor"}},
		{"domain", "evil.example", "or to unattributed malware", nil},
		{"url", "http://evil.example/Login", "or to unattributed malware", nil},
		{"md5", "d41d8cd98f00b204e9800998ecf8427e", "and" + and, apt28},
		{"domain", "c2.example", "and" + and, apt28},
		{"sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709", "hashes", []string{"Example Actor"}},
		{"sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "hashes", []string{"Example Actor"}},
		{"domain", "a.example", "in set", []string{"Example Actor", "G0007"}},
		{"domain", "b.example", "in set", []string{"Example Actor", "G0007"}},
		{"ip", "192.0.2.9", "qualifiers", apt28},
		{"ip", "192.0.2.10", "network traffic", apt28},
		{"ip", "192.0.2.13", "nested", nil},
		{"domain", "nested.example", "nested" + and, nil},
		{"url", "https://nested.example/x", "nested" + and, nil},
		{"cidr", "2001:db8:abcd::/48", "issubset network traffic", apt28},
		{"domain", "src.example", "issubset network traffic", apt28},
	}
	var got []row
	for _, ind := range imp.Indicators {
		got = append(got, row{ind.Type, ind.Value, ind.Name, ind.Actors})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("indicators:\n got %v\nwant %v", got, want)
	}
	wantSkipped := map[string]int{
		"unsupported file:name":             1,
		"unsupported email-addr:value":      1,
		"unsupported operator !=":           1,
		"malformed pattern":                 1,
		"pattern_type yara":                 1,
		"revoked":                           1,
		"invalid value":                     1,
		"unsupported operator LIKE":         1,
		"unsupported file:hashes.'SHA-512'": 1,
	}
	if !reflect.DeepEqual(imp.Skipped, wantSkipped) {
		t.Errorf("skipped %v, want %v", imp.Skipped, wantSkipped)
	}
	for _, w := range []string{
		"indicator--00000000-0000-4000-8000-000000000013: stix pattern: offset 31: expected \"]\"",
		"indicator--00000000-0000-4000-8000-000000000016: ipv4-addr:value: ip \"not-an-ip\"",
		"indicator--00000000-0000-4000-8000-000000000017: domain-name:value LIKE not imported",
	} {
		found := false
		for _, have := range imp.Warnings {
			found = found || strings.HasPrefix(have, w)
		}
		if !found {
			t.Errorf("no warning starting %q in %q", w, imp.Warnings)
		}
	}
}

func TestSTIXErrors(t *testing.T) {
	for _, tt := range []struct{ name, in string }{
		{"not json", `{`},
		{"not a bundle", `{"type": "indicator", "id": "indicator--1"}`},
		{"array", `[]`},
		{"objects not a list", `{"type": "bundle", "objects": {}}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSTIXIndicators(strings.NewReader(tt.in))
			if code := model.ErrorCode(err); code != model.EINVALID {
				t.Errorf("error %v, code %q; want %q", err, code, model.EINVALID)
			}
		})
	}
	// A bad object is skipped, not fatal.
	imp, err := ParseSTIXIndicators(strings.NewReader(`{"type": "bundle", "objects": [
		{"type": "indicator", "id": "indicator--1", "pattern": 5},
		{"type": "indicator", "id": "indicator--2", "pattern": "[ipv4-addr:value = '192.0.2.1']"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Indicators) != 1 || imp.Skipped["unreadable object"] != 1 {
		t.Errorf("indicators %v, skipped %v", imp.Indicators, imp.Skipped)
	}
}

func TestSTIXWarningsCapped(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"type": "bundle", "objects": [`)
	for i := range 250 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"type": "indicator", "id": "indicator--x", "pattern": "[email-addr:value = 'a@b.example']"}`)
	}
	b.WriteString(`]}`)
	imp, err := ParseSTIXIndicators(&b)
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Warnings) != maxIndicatorWarnings+1 || imp.Skipped["unsupported email-addr:value"] != 250 {
		t.Errorf("%d warnings, skipped %v", len(imp.Warnings), imp.Skipped)
	}
}

func FuzzParseSTIXIndicators(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input, which is slow on
	// large ones.
	f.Add([]byte(`{"type":"bundle","objects":[` +
		`{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '10.0.0.0/8'] OR [domain-name:value IN ('a.example')]"},` +
		`{"type":"indicator","id":"indicator--2","pattern_type":"stix","pattern":"[file:hashes.'SHA-256' = 'ab' AND url:value = 'http://a.example/'] WITHIN 5 SECONDS"},` +
		`{"type":"relationship","relationship_type":"indicates","source_ref":"indicator--1","target_ref":"campaign--1"},` +
		`{"type":"campaign","id":"campaign--1"},{"type":"relationship","relationship_type":"attributed-to","source_ref":"campaign--1","target_ref":"intrusion-set--1"},` +
		`{"type":"intrusion-set","id":"intrusion-set--1","name":"X","external_references":[{"source_name":"mitre-attack","external_id":"G0007"}]}]}`))
	f.Add([]byte(`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"[url:value = 'http://[::1]:80/x']"},` +
		`{"type":"relationship","relationship_type":"indicates","source_ref":"indicator--1","target_ref":"malware--1"},` +
		`{"type":"malware","id":"malware--1"},{"type":"relationship","relationship_type":"uses","source_ref":"malware--1","target_ref":"malware--1"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := ParseSTIXIndicators(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, ind := range imp.Indicators {
			n, err := NormalizeIndicator(ind)
			if err != nil {
				t.Fatalf("imported %s does not normalise: %v", ind, err)
			}
			if n.Type != ind.Type || n.Value != ind.Value {
				t.Fatalf("imported %s is not canonical: %s", ind, n)
			}
		}
	})
}

func TestSTIXPatternForms(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string // "type value", with " AND" for a part of a conjunction
		skipped map[string]int
	}{
		{`[ipv4-addr:value = '192.0.2.1']`, []string{"ip 192.0.2.1"}, nil},
		{`[ipv4-addr:value = '192.0.2.1' OR ipv4-addr:value = '192.0.2.1']`, []string{"ip 192.0.2.1"}, nil},
		{`[ipv4-addr:value ISSUBSET '192.0.2.1/32']`, []string{"ip 192.0.2.1"}, nil},
		{`[ipv6-addr:value ISSUBSET '2001:db8::/32']`, []string{"cidr 2001:db8::/32"}, nil},
		{`[ipv4-addr:value IN ('192.0.2.1', '10.0.0.0/8')]`, []string{"ip 192.0.2.1", "cidr 10.0.0.0/8"}, nil},
		{`[file:hashes.sha256 = '` + strings.Repeat("A", 64) + `']`, []string{"sha256 " + strings.Repeat("a", 64)}, nil},
		{`[artifact:hashes.'MD5' = '` + strings.Repeat("b", 32) + `']`, []string{"md5 " + strings.Repeat("b", 32)}, nil},
		{`[file:hashes.SHA1 = '` + strings.Repeat("b", 32) + `']`, nil, map[string]int{"invalid value": 1}},
		{`[ipv4-addr:value = 5]`, nil, map[string]int{"invalid value": 1}},
		{`[domain-name:value = 'localhost']`, nil, map[string]int{"invalid value": 1}},
		{`[domain-name:value NOT = 'a.example']`, nil, map[string]int{"negated comparison": 1}},
		{`[domain-name:value MATCHES '^a']`, nil, map[string]int{"unsupported operator MATCHES": 1}},
		{`[ipv4-addr:value ISSUPERSET '192.0.2.1']`, nil, map[string]int{"unsupported operator ISSUPERSET": 1}},
		{`[EXISTS ipv4-addr:value]`, nil, map[string]int{"unsupported operator EXISTS": 1}},
		{`[url:value ISSUBSET 'http://a.example/']`, nil, map[string]int{"unsupported operator ISSUBSET": 1}},
		{`[network-traffic:dst_ref.type = 'domain-name']`, nil, map[string]int{"unsupported network-traffic:dst_ref.type": 1}},
		{`[domain-name:value = 'a.example'] FOLLOWEDBY [url:value = 'http://a.example/x']`, []string{"domain a.example AND", "url http://a.example/x AND"}, nil},
		{`[domain-name:value = 'a.example' AND email-addr:value = 'x@a.example']`, []string{"domain a.example AND"}, map[string]int{"unsupported email-addr:value": 1}},
		{`[domain-name:value = 'a.example'] AND [domain-name:value = 'a.example']`, []string{"domain a.example AND"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			var b bytes.Buffer
			b.WriteString(`{"type": "bundle", "objects": [{"type": "indicator", "id": "indicator--1", "name": "n", "pattern": `)
			q, _ := json.Marshal(tt.pattern)
			b.Write(q)
			b.WriteString(`}]}`)
			imp, err := ParseSTIXIndicators(&b)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ind := range imp.Indicators {
				s := ind.Type + " " + ind.Value
				if strings.HasSuffix(ind.Name, "(part of an AND pattern)") {
					s += " AND"
				}
				got = append(got, s)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("indicators %q, want %q", got, tt.want)
			}
			if len(imp.Skipped) > 0 || len(tt.skipped) > 0 {
				if !reflect.DeepEqual(imp.Skipped, tt.skipped) {
					t.Errorf("skipped %v, want %v", imp.Skipped, tt.skipped)
				}
			}
		})
	}
}

package attack

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

func TestParseSTIXPatternCanonical(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ipv4", `[ipv4-addr:value = '198.51.100.1']`, ``},
		{"spaces and ==", "  [ ipv4-addr:value=='198.51.100.1' ]\n", `[ipv4-addr:value = '198.51.100.1']`},
		{"<> is !=", `[ipv4-addr:value <> '198.51.100.1']`, `[ipv4-addr:value != '198.51.100.1']`},
		{"quoted hash key", `[file:hashes.'SHA-256' = 'AB']`, ``},
		{"plain hash key", `[file:hashes.SHA256 = 'ab']`, ``},
		{"issubset", `[ipv4-addr:value ISSUBSET '10.0.0.0/8']`, ``},
		{"in set", `[domain-name:value IN ('a.example', 'b.example')]`, ``},
		{"empty set", `[domain-name:value IN ()]`, ``},
		{"not", `[domain-name:value NOT = 'a.example']`, ``},
		{"lower-case keywords", `[a:b = 'x'] and [c:d not in ('y')] or [e:f like '%z'] within 5 seconds`,
			`[a:b = 'x'] AND [c:d NOT IN ('y')] OR [e:f LIKE '%z'] WITHIN 5 SECONDS`},
		{"and binds tighter than or", `[a:b = 'x'] AND [c:d = 'y'] OR [e:f = 'z']`, ``},
		{"parentheses kept where needed", `([a:b = 'x'] OR [c:d = 'y']) AND [e:f = 'z']`, ``},
		{"parentheses dropped where not", `((([a:b = 'x']))) AND ([c:d = 'y'])`, `[a:b = 'x'] AND [c:d = 'y']`},
		{"followedby loosest", `[a:b = 'x'] OR [c:d = 'y'] FOLLOWEDBY [e:f = 'z']`, ``},
		{"comparison joins", `[a:b = 'x' OR a:c = 'y' AND a:d = 'z']`, ``},
		{"nested comparison parentheses", `[(a:b = 'x' OR a:c = 'y') AND a:d = 'z']`, ``},
		{"redundant comparison parentheses", `[((a:b = 'x'))]`, `[a:b = 'x']`},
		{"escapes", `[file:name = 'it\'s a \\ back\slash']`, `[file:name = 'it\'s a \\ back\\slash']`},
		{"literals", `[x:a = 5 AND x:b = -1.5 AND x:c = true AND x:d = h'ab' AND x:e = b'AAA=' AND x:f > t'2020-01-01T00:00:00Z']`, ``},
		{"indexes", `[x:values[*].data LIKE '%x%' AND x:a[0].'b-c' MATCHES '^z$']`, ``},
		{"exists", `[EXISTS x:y.z]`, ``},
		{"issuperset", `[ipv4-addr:value ISSUPERSET '10.1.2.3']`, ``},
		{"within", `[a:b = 'x'] FOLLOWEDBY [c:d = 'y'] WITHIN 300 SECONDS`, ``},
		{"qualifier on a join", `([a:b = 'x'] AND [c:d = 'y']) WITHIN 10.5 SECONDS REPEATS 2 TIMES`, ``},
		{"start stop 2.1", `[a:b = 'x'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'`, ``},
		{"start stop 2.0", `[a:b = 'x'] START '2016-06-01T00:00:00Z' STOP '2016-07-01T00:00:00Z'`, ``},
		{"quoted property needing quotes", `[x:'7zip'.'a b' = 'y']`, ``},
		{"hyphen in property", `[x:y-z = 'y']`, `[x:'y-z' = 'y']`},
		{"unit42 registry key", `[windows-registry-key:key = 'HKCU\\\\Environment\\\\UserInitMprLogonScript' AND windows-registry-key:values[*].data LIKE '%cdnver.bat%']`, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want == "" {
				want = tt.in
			}
			p, err := ParseSTIXPattern(tt.in)
			if err != nil {
				t.Fatalf("ParseSTIXPattern: %v", err)
			}
			if got := p.String(); got != want {
				t.Fatalf("String:\n got %s\nwant %s", got, want)
			}
			q, err := ParseSTIXPattern(want)
			if err != nil {
				t.Fatalf("reparse: %v", err)
			}
			if !reflect.DeepEqual(p, q) {
				t.Errorf("reparse gives another tree")
			}
		})
	}
}

func TestParseSTIXPatternTree(t *testing.T) {
	p, err := ParseSTIXPattern(`([ipv4-addr:value = '1.2.3.4' OR ipv6-addr:value IN ('::1', '::2')] AND [file:hashes.'SHA-1' NOT = 'ab']) WITHIN 5 SECONDS`)
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != PatternObsAnd || len(p.Children) != 2 || len(p.Qualifiers) != 1 {
		t.Fatalf("root %s with %d children, %d qualifiers", p.Kind, len(p.Children), len(p.Qualifiers))
	}
	if q := p.Qualifiers[0]; q.Kind != "WITHIN" || q.Values[0] != (PatternLiteral{"int", "5"}) {
		t.Errorf("qualifier %+v", q)
	}
	first := p.Children[0]
	if first.Kind != PatternObservation || first.Children[0].Kind != PatternCompOr {
		t.Fatalf("first observation: %s / %s", first.Kind, first.Children[0].Kind)
	}
	in := first.Children[0].Children[1].Comparison
	want := &PatternComparison{Object: "ipv6-addr", Path: []string{"value"}, Operator: "IN",
		Values: []PatternLiteral{{"string", "::1"}, {"string", "::2"}}}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("IN comparison %+v, want %+v", in, want)
	}
	neg := p.Children[1].Children[0].Comparison
	if !neg.Negated || neg.Operator != "=" || !reflect.DeepEqual(neg.Path, []string{"hashes", "SHA-1"}) {
		t.Errorf("negated comparison %+v", neg)
	}
	idx, err := ParseSTIXPattern(`[x:values[*].data[12] = 'a']`)
	if err != nil {
		t.Fatal(err)
	}
	if got := idx.Children[0].Comparison.Path; !reflect.DeepEqual(got, []string{"values", "[*]", "data", "[12]"}) {
		t.Errorf("path %q", got)
	}
}

func TestParseSTIXPatternErrors(t *testing.T) {
	tests := []struct{ name, in, msg string }{
		{"empty", ``, "expected '[' or '('"},
		{"only bracket", `[`, "expected an object type"},
		{"empty brackets", `[]`, "expected an object type"},
		{"unclosed", `[a:b = 'x'`, `expected "]"`},
		{"unterminated string", `[a:b = 'x]`, "unterminated string"},
		{"escaped closing quote", `[a:b = 'x\']`, "unterminated string"},
		{"no colon", `[a = 'x']`, `expected ":"`},
		{"no operator", `[a:b 'x']`, "expected a comparison operator"},
		{"no value", `[a:b = ]`, "expected a constant"},
		{"dangling and", `[a:b = 'x'] AND`, "expected '[' or '('"},
		{"dangling or inside", `[a:b = 'x' OR]`, "expected an object type"},
		{"two observations", `[a:b = 'x'] [c:d = 'y']`, "after the pattern"},
		{"no brackets", `a:b = 'x'`, "expected '[' or '('"},
		{"extra bracket", `[a:b = 'x']]`, "after the pattern"},
		{"negative within", `[a:b = 'x'] WITHIN -5 SECONDS`, "positive number"},
		{"zero within", `[a:b = 'x'] WITHIN 0 SECONDS`, "positive number"},
		{"within without seconds", `[a:b = 'x'] WITHIN 5`, "expected SECONDS"},
		{"repeats float", `[a:b = 'x'] REPEATS 1.5 TIMES`, "positive integer"},
		{"start without stop", `[a:b = 'x'] START t'2016-01-01T00:00:00Z'`, "expected STOP"},
		{"start number", `[a:b = 'x'] START 5 STOP 6`, "START wants a timestamp"},
		{"in without set", `[a:b IN 'x']`, `expected "("`},
		{"set trailing comma", `[a:b IN ('x',)]`, "expected a constant"},
		{"negative index", `[a:b[-1] = 'x']`, "expected an index"},
		{"like number", `[a:b LIKE 5]`, "LIKE wants a string"},
		{"stray character", `[a:b = 'x'] #`, `unexpected "#"`},
		{"stray unicode", `[a:b = 'x'] é`, `unexpected "é"`},
		{"sign alone", `[a:b = -]`, `unexpected "-"`},
		{"index-like name", `[a:'[0]' = 'x']`, "looks like an index"},
		{"deep observations", strings.Repeat("(", 200) + "[a:b = 'x']" + strings.Repeat(")", 200), "nested more than"},
		{"deep comparisons", "[" + strings.Repeat("(", 200) + "a:b = 'x'" + strings.Repeat(")", 200) + "]", "nested more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseSTIXPattern(tt.in)
			if err == nil {
				t.Fatalf("no error; parsed as %s", p)
			}
			var pe *PatternError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T, want *PatternError", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q, want it to say %q", err, tt.msg)
			}
			if model.ErrorCode(err) != model.EINVALID {
				t.Errorf("code %q, want %q", model.ErrorCode(err), model.EINVALID)
			}
			if pe.Offset < 0 || pe.Offset > len(tt.in) {
				t.Errorf("offset %d out of the pattern", pe.Offset)
			}
		})
	}
}

// FuzzParseSTIXPattern checks that the parser never panics and that what it
// accepts renders to a pattern that parses to the same tree.
func FuzzParseSTIXPattern(f *testing.F) {
	for _, s := range []string{
		`[ipv4-addr:value = '198.51.100.1']`,
		`[ipv4-addr:value ISSUBSET '10.0.0.0/8'] OR [ipv6-addr:value = '2001:db8::1']`,
		`[file:hashes.'SHA-256' = 'ab' AND file:hashes.MD5 = 'cd']`,
		`([a:b = 'x'] AND [c:d = 'y']) WITHIN 10 SECONDS REPEATS 2 TIMES`,
		`[a:b = 'x'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z' FOLLOWEDBY [c:d IN (1, 2.5, true, h'ff', b'AA==')]`,
		`[x:values[*].data LIKE '%x\'%' AND NOT x:y = 'z' AND EXISTS x:a[0]]`,
		`[file:name = 'it\'s \\ here']`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseSTIXPattern(s)
		if err != nil {
			return
		}
		out := p.String()
		q, err := ParseSTIXPattern(out)
		if err != nil {
			t.Fatalf("%q parses, its rendering %q does not: %v", s, out, err)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("%q and its rendering %q parse to different trees", s, out)
		}
		if q.String() != out {
			t.Fatalf("rendering not stable: %q then %q", out, q.String())
		}
	})
}

package evidence

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// telJSONAgrees checks jsonMembers against encoding/json on b: the same
// verdict on validity (for an object; JSON of another kind is an error
// here), and the same members, keys and string values unescaped alike.
func telJSONAgrees(t *testing.T, b []byte) {
	t.Helper()
	var keys []string
	var values [][]byte
	err := jsonMembers(b, func(k, v []byte) {
		keys = append(keys, string(k))
		values = append(values, v)
	})
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	want := json.Valid(b) && len(trimmed) > 0 && trimmed[0] == '{'
	if !utf8.Valid(b) {
		return // encoding/json checks UTF-8; jsonMembers does not (logs are not always UTF-8)
	}
	if (err == nil) != want {
		t.Fatalf("%q: error %v, encoding/json valid object %v", b, err, want)
	}
	if err != nil {
		return
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		t.Fatalf("%q: %v", b, err)
	}
	var s jsonStrings
	for i, k := range keys {
		if strings.IndexByte(k, '\\') >= 0 {
			continue // jsonMembers hands keys over raw
		}
		raw := values[i]
		if raw[0] != '"' {
			continue
		}
		var want string
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("%q: value %q: %v", b, raw, err)
		}
		got := string(s.str(raw))
		if got != want && utf8.ValidString(want) && !strings.ContainsRune(want, utf8.RuneError) {
			t.Errorf("%q: string %q unescaped %q, want %q", b, raw, got, want)
		}
	}
}

var telJSONCases = []string{
	`{}`, ` { } `, `{"a":1}`, `{"a":-0.5e+10,"b":[1,2,{"c":null}],"d":true,"e":false,"f":"x\"y\\z\/\b\f\n\r\t\u00e9\ud83d\ude00"}`,
	`{"a":{"b":{"c":[[[]]]}}}`, "{\"a\":\"\t\"}", `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":1e}`, `{"a":-}`,
	`{"a":+1}`, `{"a":NaN}`, `{"a":tru}`, `{"a":nulls}`, `{"a" 1}`, `{"a":1,}`, `{,}`, `{"a":1}x`, `{"a":1}{}`,
	`[1]`, `"s"`, `1`, ``, `   `, `{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"\u12g4"}`, `{"a":"unterminated}`, `{"a":[1,]}`,
	`{"a":[1 2]}`, `{1:2}`, `{"a":1 "b":2}`, `{"a":"\ud800"}`, `{"a\"b":1}`, "{\"a\":1}\n", `{"a":[}`, `{"a":{]}`,
	`{"ts":1588205199.8,"id_orig_h":"10.0.1.6"}`, `{"a":"` + strings.Repeat("x", 100) + `\"` + strings.Repeat("y", 17) + `"}`,
}

func TestJSONMembers(t *testing.T) {
	for _, c := range telJSONCases {
		telJSONAgrees(t, []byte(c))
	}
	deep := strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100)
	if err := jsonMembers([]byte(deep), nil); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("deep: %v", err)
	}
	var keys []string
	jsonMembers([]byte(`{"x":{"y":[1,{"z":2}]},"w":"v"}`), func(k, v []byte) { keys = append(keys, string(k)+"="+string(v)) })
	if strings.Join(keys, " ") != `x={"y":[1,{"z":2}]} w="v"` {
		t.Errorf("members %v", keys)
	}
	if got := string(jsonGet([]byte(`{"a":1,"b":{"c":"d"}}`), "b")); got != `{"c":"d"}` {
		t.Errorf("jsonGet %s", got)
	}
	var elems []string
	jsonEach([]byte(`[ "a" , 2 ,{"b":[3]} ]`), func(e []byte) { elems = append(elems, string(e)) })
	if strings.Join(elems, "|") != `"a"|2|{"b":[3]}` {
		t.Errorf("jsonEach %v", elems)
	}
}

// TestJSONStringsStayValid: strings unescaped earlier from the same line
// stay valid when the storage grows.
func TestJSONStringsStayValid(t *testing.T) {
	var s jsonStrings
	first := s.str([]byte(`"a\nb"`))
	var later [][]byte
	for range 200 {
		later = append(later, s.str([]byte(`"`+strings.Repeat(`\t`, 50)+`"`)))
	}
	if string(first) != "a\nb" || string(later[0]) != strings.Repeat("\t", 50) {
		t.Errorf("%q %q", first, later[0])
	}
}

func FuzzJSONMembers(f *testing.F) {
	for _, c := range telJSONCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		telJSONAgrees(t, b)
	})
}

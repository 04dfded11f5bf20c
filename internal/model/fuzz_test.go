package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// FuzzDecode checks that Decode never panics, and that it returns either
// a model that validates and survives a JSON round trip, or a
// *ValidationError whose problems all have a message and a position, in
// source order. Run it with
//
//	go test -run XXX -fuzz FuzzDecode -fuzztime 3m ./internal/model/
//
// and keep what it finds in testdata/fuzz/FuzzDecode as seeds.
func FuzzDecode(f *testing.F) {
	for _, src := range examples(f) {
		f.Add(src)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, tt := range validModels {
		f.Add([]byte(tt.src))
	}
	for _, s := range append(append([]shape{}, hostileShapes...), boundShapes...) {
		f.Add(hostileModel(s, 600)) // the shapes that bounds refuse or let through, small
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		m, err := Decode("fuzz.yaml", src)
		if err != nil {
			if m != nil {
				t.Fatal("Decode returned both a model and an error")
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				// Source that is not UTF-8 text is refused in one line,
				// by design (checkText).
				var e *Error
				if errors.As(err, &e) && e.Code == EINVALID && strings.Contains(e.Message, "not a YAML model") {
					return
				}
				t.Fatalf("error %T, want *ValidationError: %v", err, err)
			}
			checkProblems(t, ve.Problems)
			for _, p := range ve.Problems {
				if p.File != "fuzz.yaml" {
					t.Errorf("problem without the file name: %v", p)
				}
			}
			return
		}
		if m == nil {
			t.Fatal("Decode returned neither a model nor an error")
		}
		if ps := Validate(m); len(ps) != 0 {
			t.Fatalf("Decode accepted a model that Validate rejects: %v", ps)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("json.Marshal: %v", err)
		}
		again, err := Decode("fuzz.json", b)
		if err != nil {
			t.Fatalf("decoding the model's own JSON: %v\n%s", err, b)
		}
		if !reflect.DeepEqual(again, m) {
			t.Fatalf("the JSON round trip changed the model:\n%s\n%s", mustJSON(t, m), mustJSON(t, again))
		}
	})
}

// FuzzScan checks the scan of a source against what the YAML parser
// builds from it, and the decoding in parts against the decoding whole:
// where scan accepts a source, its counts of tokens, nesting, keys of a
// mapping and empty values are at least the parser's (so the bounds bound
// the parser's work), and a source read in parts decodes to the same
// model or problems as read whole. Seeded with small versions of the
// hostile shapes; run it with
//
//	go test -run XXX -fuzz FuzzScan -fuzztime 3m ./internal/model/
func FuzzScan(f *testing.F) {
	for _, src := range examples(f) {
		f.Add(src)
	}
	for _, s := range append(append([]shape{}, hostileShapes...), boundShapes...) {
		f.Add(hostileModel(s, 600))
		f.Add([]byte(s.build(200)[:min(400, len(s.build(200)))]))
	}
	f.Add(largeModel(40_000))
	f.Add(denseModel(8_000))
	f.Fuzz(func(t *testing.T, src []byte) {
		sc, p := scan(src)
		if p != nil {
			if p.at > len(src) || p.t.Format == "" {
				t.Fatalf("problem %q at %d of %d bytes", p.t, p.at, len(src))
			}
			return
		}
		for i, pt := range sc.parts {
			if pt.start >= pt.end && len(src) > 0 || i > 0 && pt.start != sc.parts[i-1].end || pt.line != position(src, pt.start).Line {
				t.Fatalf("parts %+v", sc.parts)
			}
		}
		if tokens := lexer.Tokenize(string(src)); len(tokens) > sc.tokens {
			t.Errorf("the parser has %d tokens, the scan counted %d", len(tokens), sc.tokens)
		}
		if f, err := parser.Parse(lexer.Tokenize(string(src)), 0); err == nil {
			var c astCounts
			for _, doc := range f.Docs {
				c.walk(doc.Body, 0)
			}
			if c.depth > sc.depth || c.keys > sc.keys || c.empty > sc.empty {
				t.Errorf("the parser built depth %d, %d keys, %d empty values; the scan counted %d, %d, %d",
					c.depth, c.keys, c.empty, sc.depth, sc.keys, sc.empty)
			}
		}
		if len(sc.parts) == 1 {
			return
		}
		inParts, err1 := decodeScanned(src, sc)
		whole, err2 := decodeScanned(src, wholly(src, sc))
		switch {
		case err1 != nil || err2 != nil:
			if fmt.Sprint(err1) != fmt.Sprint(err2) && !strings.Contains(fmt.Sprint(err1, err2), "alias") {
				t.Errorf("in parts:\n%v\nwhole:\n%v", err1, err2)
			}
		case !reflect.DeepEqual(inParts, whole):
			t.Errorf("the model read in parts differs from the model read whole")
		}
	})
}

// astCounts are the nesting, the keys of the largest mapping and the
// empty values of a parsed document.
type astCounts struct{ depth, keys, empty int }

func (c *astCounts) walk(n ast.Node, depth int) {
	switch x := n.(type) {
	case *ast.MappingNode:
		c.depth = max(c.depth, depth+1)
		c.keys = max(c.keys, len(x.Values))
		for _, kv := range x.Values {
			c.walk(kv.Key, depth+1)
			c.walk(kv.Value, depth+1)
		}
	case *ast.MappingValueNode:
		c.depth = max(c.depth, depth+1)
		c.keys = max(c.keys, 1)
		c.walk(x.Key, depth+1)
		c.walk(x.Value, depth+1)
	case *ast.SequenceNode:
		c.depth = max(c.depth, depth+1)
		for _, v := range x.Values {
			c.walk(v, depth+1)
		}
	case *ast.AnchorNode:
		c.walk(x.Value, depth)
	case *ast.TagNode:
		c.walk(x.Value, depth)
	case *ast.MappingKeyNode:
		c.walk(x.Value, depth)
	case *ast.NullNode:
		if tk := x.GetToken(); tk != nil && tk.Type == token.ImplicitNullType {
			c.empty++
		}
	}
}

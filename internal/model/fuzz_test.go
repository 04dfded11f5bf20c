package model

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
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
	f.Fuzz(func(t *testing.T, src []byte) {
		m, err := Decode("fuzz.yaml", src)
		if err != nil {
			if m != nil {
				t.Fatal("Decode returned both a model and an error")
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
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

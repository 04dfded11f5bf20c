package model

import (
	"testing"
)

// BenchmarkDecodeLarge decodes a valid model of about 4 MB written as
// people write models (largeModel), and reports the bytes allocated per
// byte of source:
//
//	go test -run '^$' -bench DecodeLarge -benchtime 5x ./internal/model/
func BenchmarkDecodeLarge(b *testing.B) {
	src := largeModel(4_000_000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode("large.yaml", src); err != nil {
			b.Fatal(err)
		}
	}
}

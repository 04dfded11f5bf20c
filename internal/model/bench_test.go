package model

import (
	"testing"
)

// BenchmarkDecodeLarge decodes valid models of about 4 MB, one written as
// people write models (largeModel: comments, block style) and one as a
// program might (denseModel: a flow mapping a line), and reports the bytes
// allocated per byte of source (alloc-B/src-B; the peak of memory in use
// is far lower, as the parts' trees are freed as decoding goes):
//
//	go test -run '^$' -bench DecodeLarge -benchtime 5x ./internal/model/
func BenchmarkDecodeLarge(b *testing.B) {
	for _, m := range []struct {
		name string
		src  []byte
	}{{"commented", largeModel(4_000_000)}, {"dense", denseModel(4_000_000)}} {
		b.Run(m.name, func(b *testing.B) {
			b.SetBytes(int64(len(m.src)))
			b.ReportAllocs()
			var alloc uint64
			for b.Loop() {
				_, err, a := decodeMeasured(m.src)
				if err != nil {
					b.Fatal(err)
				}
				alloc += a
			}
			b.ReportMetric(float64(alloc)/float64(b.N)/float64(len(m.src)), "alloc-B/src-B")
		})
	}
}

// BenchmarkScan scans each hostile shape, 4 MiB of it, up to the bound
// that refuses it, and each shape at the bounds whole: the time per byte
// is about the same for all (the scan is linear), and nothing is
// allocated in proportion to the source.
//
//	go test -run '^$' -bench Scan -benchmem ./internal/model/
func BenchmarkScan(b *testing.B) {
	for _, s := range append(append([]shape{}, hostileShapes...), boundShapes...) {
		src := hostileModel(s, MaxSize)
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				scan(src)
			}
		})
	}
}

package attack

import (
	"runtime"
	"strings"
	"testing"
)

// TestSTIXDecodeAllocations: a bundle is decoded once. The decoder that
// read it four times (the probe of `scrutin ingest`, a copy, raw messages,
// then each object; the oracle here does the last three) allocated half as
// much again as the one-pass decoder, in twice the objects; what both
// share (the patterns, the indicators made) is most of the rest.
func TestSTIXDecodeAllocations(t *testing.T) {
	data := manyIndicators(20_000, false)
	measure := func(parse func() (*IndicatorImport, error)) (bytes, objects uint64) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		imp, err := parse()
		runtime.ReadMemStats(&after)
		if err != nil || len(imp.Indicators) != 14_000 {
			t.Fatalf("%v, %d indicators", err, len(imp.Indicators))
		}
		return after.TotalAlloc - before.TotalAlloc, after.Mallocs - before.Mallocs
	}
	oldBytes, oldObjects := measure(func() (*IndicatorImport, error) { return oracleParseSTIXIndicators(strings.NewReader(data)) })
	newBytes, newObjects := measure(func() (*IndicatorImport, error) { return ParseSTIXIndicators(strings.NewReader(data)) })
	t.Logf("%d-byte bundle: %d bytes in %d objects allocated (encoding/json, three passes: %d in %d)",
		len(data), newBytes, newObjects, oldBytes, oldObjects)
	if newBytes > oldBytes*2/3 || newObjects > oldObjects*2/3 {
		t.Errorf("allocated %d bytes in %d objects, want at most two thirds of %d in %d", newBytes, newObjects, oldBytes, oldObjects)
	}
}

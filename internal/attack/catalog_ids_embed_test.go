package attack

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// TestEmbeddedModelIDs: the ids kept beside the embedded catalogue are
// its ModelIDs (go test -run TestEmbeddedModelIDs -update writes them
// after the catalogue changes).
func TestEmbeddedModelIDs(t *testing.T) {
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	want := c.ModelIDs()
	if *update {
		js, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(js)
		zw.Close()
		if err := os.WriteFile(embeddedIDs, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := EmbeddedModelIDs()
	if err != nil {
		t.Fatalf("%v (run go test -run TestEmbeddedModelIDs -update)", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s is not the embedded catalogue's ids: run go test -run TestEmbeddedModelIDs -update", embeddedIDs)
	}
}

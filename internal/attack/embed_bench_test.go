package attack

import "testing"

// BenchmarkLoadEmbedded measures what a command that needs the whole
// embedded catalogue pays once: decompressing and parsing both bundles,
// merging them and reading the MISP galaxy.
//
//	go test ./internal/attack -run '^$' -bench LoadEmbedded -benchmem
func BenchmarkLoadEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := Embedded(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEmbeddedModelIDs measures what every command that checks a
// model's ATT&CK ids pays without an imported catalogue.
func BenchmarkEmbeddedModelIDs(b *testing.B) {
	for b.Loop() {
		if _, err := EmbeddedModelIDs(); err != nil {
			b.Fatal(err)
		}
	}
}

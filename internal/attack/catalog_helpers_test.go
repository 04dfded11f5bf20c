package attack

import (
	"bytes"
	"compress/gzip"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/catalog/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "catalog", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test -update after checking):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

var shared struct {
	once sync.Once
	cat  *Catalog
	err  error
}

// embedded returns the embedded catalogue, parsed once for all tests; tests
// must not change it.
func embedded(t testing.TB) *Catalog {
	t.Helper()
	shared.once.Do(func() { shared.cat, shared.err = Embedded() })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.cat
}

// unit42 returns the Unit 42 playbook's JSON.
func unit42(t testing.TB) []byte {
	t.Helper()
	f, err := os.Open("testdata/catalog/unit42-fighting-ursa-stix20.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// election returns the built-in example model.
func election(t testing.TB) *model.Model {
	t.Helper()
	src, err := os.ReadFile("../../examples/election.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Decode("election.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func parse(t testing.TB, bundle string) *Catalog {
	t.Helper()
	c, err := ParseCatalog(strings.NewReader(bundle))
	if err != nil {
		t.Fatalf("ParseCatalog: %v", err)
	}
	return c
}

func saveLoad(t testing.TB, c *Catalog) *Catalog {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Save(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := LoadCatalog(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

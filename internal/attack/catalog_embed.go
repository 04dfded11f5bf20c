package attack

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
)

// data holds the catalogue embedded in the binary; see data/NOTICE.md for
// its origin and licence.
//
//go:embed data/*.json.gz
var data embed.FS

// Embedded file names.
const (
	embeddedBundle = "data/attack-v18.1-subset-apt28-apt29-sandworm.json.gz"
	embeddedGalaxy = "data/misp-galaxy-threat-actor.json.gz"
)

// Embedded returns the catalogue built into the binary: the subset of
// Enterprise ATT&CK v18.1 about APT28, APT29 and Sandworm Team (and the
// revoked UNC2452), with the names of the MISP threat-actor galaxy. Each
// call parses it afresh (some tens of milliseconds).
func Embedded() (*Catalog, error) {
	var c *Catalog
	if err := readEmbedded(embeddedBundle, func(r io.Reader) (err error) {
		c, err = ParseCatalog(r)
		return err
	}); err != nil {
		return nil, err
	}
	c.Name = "Enterprise ATT&CK v18.1, subset: APT28, APT29, Sandworm Team (embedded)"
	c.Version = "18.1"
	c.Sources = []string{"mitre/cti @ 421deacb (ATT&CK v18.1), subset: APT28, APT29, Sandworm Team (embedded)"}
	if err := readEmbedded(embeddedGalaxy, func(r io.Reader) (err error) {
		c.Galaxy, err = ParseGalaxy(r)
		return err
	}); err != nil {
		return nil, err
	}
	c.Sources = append(c.Sources, fmt.Sprintf("MISP threat-actor galaxy version %d, misp-galaxy @ 9434ace4 (embedded)", c.Galaxy.Version))
	return c, nil
}

// EmbeddedBundle returns the embedded ATT&CK subset as the STIX 2.1 JSON
// MITRE publishes, for tests and for users who want the file.
func EmbeddedBundle() ([]byte, error) { return readEmbeddedFile(embeddedBundle) }

// EmbeddedGalaxy returns the embedded MISP threat-actor galaxy JSON.
func EmbeddedGalaxy() ([]byte, error) { return readEmbeddedFile(embeddedGalaxy) }

func readEmbeddedFile(name string) ([]byte, error) {
	var out []byte
	err := readEmbedded(name, func(r io.Reader) (err error) {
		out, err = io.ReadAll(r)
		return err
	})
	return out, err
}

func readEmbedded(name string, read func(io.Reader) error) error {
	b, err := data.ReadFile(name)
	if err != nil {
		return fmt.Errorf("embedded %s: %w", name, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("embedded %s: %w", name, err)
	}
	if err := read(zr); err != nil {
		return fmt.Errorf("embedded %s: %w", name, err)
	}
	return zr.Close()
}

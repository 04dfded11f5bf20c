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
	embeddedBundle    = "data/attack-enterprise.json.gz"
	embeddedICSBundle = "data/attack-ics.json.gz"
	embeddedGalaxy    = "data/misp-galaxy-threat-actor.json.gz"
	embeddedDISARM    = "data/disarm.json.gz"
)

// The DISARM release the embedded DISARM bundle comes from (data/NOTICE.md).
const (
	embeddedDISARMVersion = "1.6"
	embeddedDISARMCommit  = "49df5f64"
)

// The release the embedded bundles come from (data/NOTICE.md).
const (
	embeddedVersion = "18.1"
	embeddedCommit  = "421deacb"
)

// Embedded returns the catalogue built into the binary: Enterprise ATT&CK
// and ATT&CK for ICS v18.1, every group, campaign, technique, mitigation
// and piece of software of both (ICS tactics, whose short names begin
// with "ics-", follow Enterprise's), the DISARM v1.6 red framework's
// tactics and techniques and blue framework's countermeasures, in the
// DISARM namespace (disarm.go), with the names of the MISP threat-actor
// galaxy. Each call parses it afresh (about a third of a
// second; see BenchmarkLoadEmbedded), so a caller that needs it more than
// once keeps it; a caller that only checks a model's ids uses
// EmbeddedModelIDs.
func Embedded() (*Catalog, error) {
	parse := func(name string) (c *Catalog, err error) {
		err = readEmbedded(name, func(r io.Reader) (err error) {
			c, err = ParseCatalog(r)
			return err
		})
		return c, err
	}
	ent, err := parse(embeddedBundle)
	if err != nil {
		return nil, err
	}
	ics, err := parse(embeddedICSBundle)
	if err != nil {
		return nil, err
	}
	dis, err := parse(embeddedDISARM)
	if err != nil {
		return nil, err
	}
	c, _ := ent.Merge(ics)
	c, _ = c.Merge(dis)
	c.Name = "Enterprise ATT&CK and ATT&CK for ICS v" + embeddedVersion + ", DISARM v" + embeddedDISARMVersion + " (embedded)"
	c.Domain, c.Version, c.Complete = DomainEnterprise, embeddedVersion, true
	c.Sources = []string{fmt.Sprintf("mitre/cti @ %s (ATT&CK v%s): Enterprise ATT&CK and ATT&CK for ICS (embedded)", embeddedCommit, embeddedVersion),
		fmt.Sprintf("DISARMFoundation/DISARMframeworks @ %s (DISARM v%s): DISARM red and blue frameworks (embedded)", embeddedDISARMCommit, embeddedDISARMVersion)}
	if err := readEmbedded(embeddedGalaxy, func(r io.Reader) (err error) {
		c.Galaxy, err = ParseGalaxy(r)
		return err
	}); err != nil {
		return nil, err
	}
	c.Sources = append(c.Sources, fmt.Sprintf("MISP threat-actor galaxy version %d, misp-galaxy @ 9434ace4 (embedded)", c.Galaxy.Version))
	return c, nil
}

// EmbeddedBundle returns the embedded Enterprise ATT&CK bundle, STIX 2.1
// JSON as MITRE publishes it but for the properties scrutin does not read
// (data/NOTICE.md), for tests and for users who want the file.
func EmbeddedBundle() ([]byte, error) { return readEmbeddedFile(embeddedBundle) }

// EmbeddedICSBundle returns the embedded ATT&CK for ICS bundle, as
// EmbeddedBundle does Enterprise's.
func EmbeddedICSBundle() ([]byte, error) { return readEmbeddedFile(embeddedICSBundle) }

// EmbeddedDISARMBundle returns the embedded DISARM bundle (data/NOTICE.md).
func EmbeddedDISARMBundle() ([]byte, error) { return readEmbeddedFile(embeddedDISARM) }

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

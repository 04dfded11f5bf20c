package attack

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/scrutin/scrutin/internal/model"
)

// The stored form of a catalogue: gzip-compressed JSON of
// {"format": storeFormat, "version": storeVersion, "catalog": {…}}.
const (
	storeFormat  = "scrutin-attack-catalog"
	storeVersion = 1
)

type storedCatalog struct {
	Format  string   `json:"format"`
	Version int      `json:"version"`
	Catalog *Catalog `json:"catalog"`
}

// Save writes the catalogue in scrutin's stored form, which LoadCatalog
// reads back (gzip-compressed JSON; the import statistics are not kept).
func (c *Catalog) Save(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := json.NewEncoder(zw).Encode(storedCatalog{Format: storeFormat, Version: storeVersion, Catalog: c}); err != nil {
		return err
	}
	return zw.Close()
}

// LoadCatalog reads a catalogue that Save wrote. A file that is not one,
// is damaged or comes from a newer scrutin is an EINVALID error.
func LoadCatalog(r io.Reader) (*Catalog, error) {
	zr, err := gzip.NewReader(bufio.NewReader(r))
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "not a stored scrutin catalogue (%v)", err)
	}
	var s storedCatalog
	dec := json.NewDecoder(zr)
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) {
			return nil, model.Errorf(model.EINVALID, "the stored catalogue is truncated or damaged (%v)", err)
		}
		return nil, model.Errorf(model.EINVALID, "the stored catalogue is damaged: %v", err)
	}
	switch {
	case s.Format != storeFormat:
		return nil, model.Errorf(model.EINVALID, "not a stored scrutin catalogue (format %q)", s.Format)
	case s.Version > storeVersion:
		return nil, model.Errorf(model.EINVALID, "the stored catalogue has format version %d; this scrutin reads version %d (upgrade scrutin or import the bundle again)", s.Version, storeVersion)
	case s.Catalog == nil:
		return nil, model.Errorf(model.EINVALID, "the stored catalogue is empty")
	}
	// Read to the end so that the gzip checksum is verified.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return nil, model.Errorf(model.EINVALID, "the stored catalogue is damaged (%v)", err)
	}
	if err := s.Catalog.check(); err != nil {
		return nil, err
	}
	return s.Catalog, nil
}

// check restores the invariants lookups rely on (sorted lists) and rejects
// a catalogue whose references point nowhere.
func (c *Catalog) check() error {
	sortBy(c.Techniques, func(t *Technique) string { return t.ID })
	sortBy(c.Mitigations, func(m *Mitigation) string { return m.ID })
	sortBy(c.Actors, func(a *Actor) string { return a.ID })
	sortBy(c.Campaigns, func(x *Campaign) string { return x.ID })
	sortBy(c.Software, func(s *Software) string { return s.ID })
	bad := func(what, id, ref string) error {
		return model.Errorf(model.EINVALID, "the stored catalogue is inconsistent: %s %s refers to %s, which it does not hold", what, id, ref)
	}
	for _, t := range c.Techniques {
		if t.Parent != "" && c.Technique(t.Parent) == nil {
			return bad("technique", t.ID, t.Parent)
		}
		for _, m := range t.Mitigations {
			if c.Mitigation(m) == nil {
				return bad("technique", t.ID, m)
			}
		}
	}
	for _, a := range c.Actors {
		for _, t := range a.Techniques {
			if c.Technique(t) == nil {
				return bad("actor", a.ID, t)
			}
		}
	}
	for _, x := range c.Campaigns {
		for _, t := range x.Techniques {
			if c.Technique(t) == nil {
				return bad("campaign", x.ID, t)
			}
		}
		for _, a := range x.Actors {
			if c.Actor(a) == nil {
				return bad("campaign", x.ID, a)
			}
		}
	}
	return nil
}

func sortBy[T any](list []T, key func(*T) string) {
	slices.SortFunc(list, func(a, b T) int { return cmp.Compare(key(&a), key(&b)) })
}

// Summary says in one line how much the catalogue holds.
func (c *Catalog) Summary() string {
	s := fmt.Sprintf("%s, %s, %s, %s, %s", count(len(c.Actors), "actor"), count(len(c.Campaigns), "campaign"),
		count(len(c.Techniques), "technique"), count(len(c.Mitigations), "mitigation"), count(len(c.Tactics), "tactic"))
	if c.Galaxy != nil {
		s += ", " + count(len(c.Galaxy.Clusters), "MISP galaxy cluster")
	}
	return s
}

// count is n and noun, in the plural unless n is 1: "1 actor", "3 actors".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

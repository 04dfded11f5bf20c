// Command gen builds the ATT&CK bundles embedded in scrutin
// (internal/attack/data) from a checkout of MITRE's cti repository
// (https://github.com/mitre/cti): for each domain, the per-object files of
// the object types the catalogue reads, and the relationships between
// them that it uses, in one STIX 2.1 bundle, sorted and gzip-compressed so
// that the same checkout always gives the same bytes.
//
//	go run ./internal/attack/gen -cti ../cti -out internal/attack/data
//
// Objects keep only the properties scrutin reads (keepFields) and their
// provenance (ids, times, creator, marking, versions, domains); their
// external references only the ATT&CK id; descriptions only for groups and
// campaigns, whose first sentence scrutin shows. Each is marked
// "spec_version": "2.1", which the per-object files (STIX 2.0 bundles of
// ATT&CK spec 3.x objects) leave to their bundle. The identity and the
// marking definition, which carry the copyright statement, are copied
// whole. Revoked and deprecated objects are kept: the catalogue records
// them so that a bundle imported later cannot bring them back.
package main

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// keepTypes are the object types the catalogue reads (stix.go readTypes)
// and those the licence notice needs (the MITRE identity and the
// copyright marking).
var keepTypes = []string{
	"attack-pattern", "campaign", "course-of-action", "intrusion-set", "malware", "tool",
	"x-mitre-tactic", "x-mitre-matrix", "identity", "marking-definition",
}

// keepRelationships are the relationships the catalogue uses
// (stix_build.go relationship), as "type source-type target-type";
// revoked-by relationships (stix_build.go revocations) are kept between
// any kept objects. What software uses is not kept: the catalogue does
// not read it.
var keepRelationships = map[string]bool{
	"uses intrusion-set attack-pattern": true, "uses campaign attack-pattern": true,
	"uses intrusion-set malware": true, "uses intrusion-set tool": true,
	"uses campaign malware": true, "uses campaign tool": true,
	"mitigates course-of-action attack-pattern": true, "subtechnique-of attack-pattern attack-pattern": true,
	"attributed-to campaign intrusion-set": true,
}

// keepFields are the properties kept of the objects other than the
// identity and the marking definition.
var keepFields = map[string]bool{
	"type": true, "id": true, "spec_version": true, "created": true, "modified": true, "created_by_ref": true,
	"object_marking_refs": true, "revoked": true, "x_mitre_deprecated": true, "x_mitre_version": true,
	"x_mitre_domains": true, "x_mitre_attack_spec_version": true, "x_mitre_modified_by_ref": true,
	"name": true, "aliases": true, "x_mitre_aliases": true, "external_references": true,
	"kill_chain_phases": true, "x_mitre_is_subtechnique": true, "x_mitre_shortname": true, "tactic_refs": true,
	"relationship_type": true, "source_ref": true, "target_ref": true, "first_seen": true, "last_seen": true,
}

// describedTypes keep their description.
var describedTypes = map[string]bool{"intrusion-set": true, "campaign": true}

// trim removes from o what scrutin does not read.
func trim(o *object) error {
	if o.typ == "identity" || o.typ == "marking-definition" {
		return nil
	}
	for k := range o.raw {
		if !keepFields[k] && !(k == "description" && describedTypes[o.typ]) {
			delete(o.raw, k)
		}
	}
	refs, ok := o.raw["external_references"]
	if !ok {
		return nil
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(refs, &list); err != nil {
		return fmt.Errorf("%s: external_references: %w", o.id, err)
	}
	var kept []map[string]json.RawMessage
	for _, r := range list {
		var src string
		json.Unmarshal(r["source_name"], &src)
		if src == "mitre-attack" {
			kept = append(kept, r)
		}
	}
	if len(kept) == 0 {
		delete(o.raw, "external_references")
		return nil
	}
	b, err := json.Marshal(kept)
	o.raw["external_references"] = b
	return err
}

// domains are the cti directories read and the files written.
var domains = []struct{ dir, out string }{
	{"enterprise-attack", "attack-enterprise.json.gz"},
	{"ics-attack", "attack-ics.json.gz"},
}

func main() {
	cti := flag.String("cti", "", "directory of a checkout of github.com/mitre/cti")
	out := flag.String("out", "internal/attack/data", "directory to write the bundles to")
	flag.Parse()
	if *cti == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -cti DIR [-out DIR]")
		os.Exit(2)
	}
	for _, d := range domains {
		if err := run(filepath.Join(*cti, d.dir), filepath.Join(*out, d.out)); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}

type object struct {
	typ, id string
	raw     map[string]json.RawMessage
}

func run(dir, out string) error {
	objs := map[string]*object{}
	var rels []*object
	counts := map[string]int{}
	for _, typ := range append(slices.Clone(keepTypes), "relationship") {
		files, err := filepath.Glob(filepath.Join(dir, typ, "*.json"))
		if err != nil {
			return err
		}
		if len(files) == 0 && typ != "campaign" && typ != "tool" {
			return fmt.Errorf("%s: no %s objects; is this a cti checkout?", dir, typ)
		}
		for _, f := range files {
			list, err := readBundle(f)
			if err != nil {
				return err
			}
			for _, o := range list {
				if o.typ != typ {
					return fmt.Errorf("%s: a %s object in the %s directory", f, o.typ, typ)
				}
				if typ == "relationship" {
					rels = append(rels, o)
					continue
				}
				if prev, ok := objs[o.id]; ok && !newer(o, prev) {
					continue
				}
				objs[o.id] = o
			}
		}
	}
	kept := make([]*object, 0, len(objs))
	for _, o := range objs {
		kept = append(kept, o)
	}
	for _, r := range rels {
		var typ, src, tgt string
		if json.Unmarshal(r.raw["relationship_type"], &typ) != nil || json.Unmarshal(r.raw["source_ref"], &src) != nil ||
			json.Unmarshal(r.raw["target_ref"], &tgt) != nil {
			return fmt.Errorf("%s: relationship %s: no relationship_type, source_ref or target_ref", dir, r.id)
		}
		if s, t := objs[src], objs[tgt]; s != nil && t != nil && (typ == "revoked-by" || keepRelationships[typ+" "+s.typ+" "+t.typ]) {
			kept = append(kept, r)
		}
	}
	slices.SortFunc(kept, func(a, b *object) int {
		return cmp.Or(cmp.Compare(a.typ, b.typ), cmp.Compare(a.id, b.id))
	})
	var buf bytes.Buffer
	buf.WriteString(`{"type":"bundle","id":"bundle--00000000-0000-4000-8000-00000000000` + fmt.Sprint(slices.IndexFunc(domains, func(d struct{ dir, out string }) bool { return strings.HasSuffix(dir, d.dir) })+1) + `","objects":[`)
	for i, o := range kept {
		if err := trim(o); err != nil {
			return err
		}
		o.raw["spec_version"] = json.RawMessage(`"2.1"`)
		b, err := json.Marshal(o.raw) // map keys sorted: deterministic
		if err != nil {
			return err
		}
		if i > 0 {
			buf.WriteString(",\n")
		}
		buf.Write(b)
		counts[o.typ]++
	}
	buf.WriteString("]}\n")
	var z bytes.Buffer
	zw, err := gzip.NewWriterLevel(&z, gzip.BestCompression)
	if err != nil {
		return err
	}
	zw.Write(buf.Bytes())
	if err := zw.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(out, z.Bytes(), 0o644); err != nil {
		return err
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, counts[k])
	}
	fmt.Printf("%s: %d objects (%s); %d bytes, %d compressed; SHA-256 of the uncompressed file %x\n",
		out, len(kept), strings.Join(parts, ", "), buf.Len(), z.Len(), sha256.Sum256(buf.Bytes()))
	return nil
}

func readBundle(path string) ([]*object, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var b struct {
		Objects []map[string]json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make([]*object, 0, len(b.Objects))
	for _, raw := range b.Objects {
		o := &object{raw: raw}
		if json.Unmarshal(raw["type"], &o.typ) != nil || json.Unmarshal(raw["id"], &o.id) != nil || o.id == "" {
			return nil, fmt.Errorf("%s: an object without type or id", path)
		}
		out = append(out, o)
	}
	return out, nil
}

// newer reports whether a was modified after b (ATT&CK timestamps share
// one format, so they compare as strings).
func newer(a, b *object) bool {
	var ma, mb string
	json.Unmarshal(a.raw["modified"], &ma)
	json.Unmarshal(b.raw["modified"], &mb)
	return ma > mb
}

// Command gendisarm builds the DISARM bundle embedded in scrutin
// (internal/attack/data/disarm.json.gz) from a checkout of the DISARM
// Foundation's DISARMframeworks repository
// (https://github.com/DISARMFoundation/DISARMframeworks):
//
//	go run ./internal/attack/gendisarm -repo ../DISARMframeworks -out internal/attack/data
//
// The red framework (incident creators' tactics, techniques and
// sub-techniques) comes from the STIX 2.1 bundle the Foundation publishes,
// generated_files/DISARM_STIX/DISARM.json: its tactics, techniques, matrix,
// identity, marking definition and subtechnique-of relationships, with the
// properties scrutin reads (descriptions and the platforms the ATT&CK
// Navigator wants are dropped). The blue framework (countermeasures, C00xxx)
// is not in that bundle: it is read from the "countermeasures" sheet of
// DISARM_MASTER_DATA/DISARM_FRAMEWORKS_MASTER.xlsx and written as STIX
// courses of action, each with a "mitigates" relationship to every red
// technique its "techniques" column names that the bundle holds. Their
// STIX ids are UUIDv5 of the DISARM id (namespace: the DISARM identity's
// UUID), so that the same checkout always gives the same bytes.
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
	"regexp"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
)

var keepTypes = []string{"attack-pattern", "x-mitre-tactic", "x-mitre-matrix", "identity", "marking-definition", "relationship"}

var keepFields = map[string]bool{
	"type": true, "id": true, "spec_version": true, "created": true, "modified": true, "created_by_ref": true,
	"object_marking_refs": true, "revoked": true, "x_mitre_deprecated": true, "x_mitre_version": true,
	"name": true, "external_references": true, "kill_chain_phases": true, "x_mitre_is_subtechnique": true,
	"x_mitre_shortname": true, "tactic_refs": true, "relationship_type": true, "source_ref": true, "target_ref": true,
}

var (
	counterID   = regexp.MustCompile(`^C[0-9]{5}$`)
	techniqueID = regexp.MustCompile(`\bT[0-9]{4}(\.[0-9]{3})?\b`)
)

func main() {
	repo := flag.String("repo", "", "a checkout of DISARMFoundation/DISARMframeworks")
	out := flag.String("out", "internal/attack/data", "output directory")
	flag.Parse()
	if *repo == "" {
		fmt.Fprintln(os.Stderr, "gendisarm: -repo is required")
		os.Exit(2)
	}
	if err := run(*repo, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gendisarm:", err)
		os.Exit(1)
	}
}

func run(repo, out string) error {
	raw, err := os.ReadFile(filepath.Join(repo, "generated_files/DISARM_STIX/DISARM.json"))
	if err != nil {
		return err
	}
	var b struct {
		Objects []map[string]any `json:"objects"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		return err
	}
	var objs []map[string]any
	var identity, marking string
	techStix := map[string]string{} // DISARM technique id -> STIX id
	var created string
	for _, o := range b.Objects {
		typ, _ := o["type"].(string)
		if !slices.Contains(keepTypes, typ) {
			continue
		}
		if typ == "relationship" && o["relationship_type"] != "subtechnique-of" {
			continue
		}
		switch typ {
		case "identity":
			identity = o["id"].(string)
		case "marking-definition":
			marking = o["id"].(string)
		default:
			for k := range o {
				if !keepFields[k] {
					delete(o, k)
				}
			}
		}
		if typ == "attack-pattern" {
			for _, r := range o["external_references"].([]any) {
				if id, _ := r.(map[string]any)["external_id"].(string); id != "" {
					techStix[id] = o["id"].(string)
				}
			}
			if c, _ := o["created"].(string); c > created {
				created = c
			}
		}
		objs = append(objs, o)
	}
	if identity == "" || marking == "" {
		return fmt.Errorf("the bundle has no DISARM identity or marking definition")
	}
	counters, rels, dropped, err := countermeasures(filepath.Join(repo, "DISARM_MASTER_DATA/DISARM_FRAMEWORKS_MASTER.xlsx"), identity, marking, created, techStix)
	if err != nil {
		return err
	}
	objs = append(objs, counters...)
	objs = append(objs, rels...)
	slices.SortFunc(objs, func(a, b map[string]any) int {
		return cmp.Or(cmp.Compare(a["type"].(string), b["type"].(string)), cmp.Compare(a["id"].(string), b["id"].(string)))
	})
	bundle := map[string]any{"type": "bundle", "id": "bundle--" + uuid5(identity, "scrutin DISARM bundle"), "objects": objs}
	js, err := json.MarshalIndent(bundle, "", " ")
	if err != nil {
		return err
	}
	js = append(js, '\n')
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(js)
	if err := zw.Close(); err != nil {
		return err
	}
	path := filepath.Join(out, "disarm.json.gz")
	if err := os.WriteFile(path, gz.Bytes(), 0o644); err != nil {
		return err
	}
	types := map[string]int{}
	for _, o := range objs {
		types[o["type"].(string)]++
	}
	fmt.Printf("%s: %d objects %v; %d countermeasure→technique references to techniques not in the bundle dropped; %d bytes uncompressed, %d compressed; SHA-256 of the uncompressed file %x\n",
		path, len(objs), types, dropped, len(js), gz.Len(), sha256.Sum256(js))
	return nil
}

// countermeasures reads the blue framework's countermeasures and what they
// counter from the master spreadsheet.
func countermeasures(path, identity, marking, created string, techStix map[string]string) (objs, rels []map[string]any, dropped int, err error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, nil, 0, err
	}
	defer f.Close()
	rows, err := f.GetRows("countermeasures")
	if err != nil {
		return nil, nil, 0, err
	}
	if len(rows) == 0 {
		return nil, nil, 0, fmt.Errorf("%s: no countermeasures sheet", path)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, need := range []string{"disarm_id", "name", "techniques"} {
		if _, ok := col[need]; !ok {
			return nil, nil, 0, fmt.Errorf("%s: the countermeasures sheet has no %q column", path, need)
		}
	}
	cell := func(r []string, name string) string {
		if i := col[name]; i < len(r) {
			return strings.TrimSpace(r[i])
		}
		return ""
	}
	for _, r := range rows[1:] {
		id := cell(r, "disarm_id")
		if !counterID.MatchString(id) {
			continue
		}
		sid := "course-of-action--" + uuid5(identity, id)
		objs = append(objs, map[string]any{
			"type": "course-of-action", "spec_version": "2.1", "id": sid, "created_by_ref": identity,
			"created": created, "modified": created, "name": cell(r, "name"),
			"external_references": []any{map[string]any{"source_name": "DISARM", "external_id": id,
				"url": "https://github.com/DISARMFoundation/DISARMframeworks/blob/main/generated_pages/counters/" + id + ".md"}},
			"object_marking_refs": []any{marking},
		})
		seen := map[string]bool{}
		for _, t := range techniqueID.FindAllString(cell(r, "techniques"), -1) {
			if seen[t] {
				continue
			}
			seen[t] = true
			target, ok := techStix[t]
			if !ok {
				dropped++
				continue
			}
			rels = append(rels, map[string]any{
				"type": "relationship", "spec_version": "2.1", "id": "relationship--" + uuid5(identity, id+" mitigates "+t),
				"created_by_ref": identity, "created": created, "modified": created, "relationship_type": "mitigates",
				"source_ref": sid, "target_ref": target, "object_marking_refs": []any{marking},
			})
		}
	}
	return objs, rels, dropped, nil
}

// uuid5 is the RFC 9562 version-5 UUID of name in the namespace of the
// UUID part of the STIX id ns.
func uuid5(ns, name string) string {
	_, u, _ := strings.Cut(ns, "--")
	return uuid.NewSHA1(uuid.MustParse(u), []byte(name)).String()
}

package attack

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
)

// TestNotice: data/NOTICE.md names every embedded file with the SHA-256
// of its uncompressed content (model-ids.json.gz, derived, excepted) and
// carries MITRE's copyright statement and licence, and DISARM's.
func TestNotice(t *testing.T) {
	notice, err := os.ReadFile("data/NOTICE.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(notice)
	for _, want := range []string{
		"© 2025 The MITRE Corporation. This work is reproduced and distributed with the permission of The\nMITRE Corporation.",
		"> The MITRE Corporation (MITRE) hereby grants you a non-exclusive, royalty-free license to use ATT&CK® for research,",
		"mitre/cti @ 421deacb77191b38bdd1bf63268954e93da91365",
		"go run ./internal/attack/gen -cti cti -out internal/attack/data",
		"DISARMFoundation/DISARMframeworks @ 49df5f649e16dfbf11e3859913c256c875c02692",
		"Attribution-ShareAlike 4.0 International (CC BY-SA 4.0)",
		"go run ./internal/attack/gendisarm -repo DISARMframeworks -out internal/attack/data",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("NOTICE.md lacks %q", want)
		}
	}
	names, err := fs.Glob(data, "data/*.json.gz")
	if err != nil || len(names) != 5 {
		t.Fatalf("embedded files %v, %v", names, err)
	}
	for _, name := range names {
		base := strings.TrimPrefix(name, "data/")
		if !strings.Contains(text, base) {
			t.Errorf("NOTICE.md does not name %s", base)
		}
		if base == "model-ids.json.gz" {
			continue
		}
		raw, err := readEmbeddedFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if sum := fmt.Sprintf("%x", sha256.Sum256(raw)); !strings.Contains(text, sum) {
			t.Errorf("NOTICE.md lacks the SHA-256 of %s, %s", base, sum)
		}
	}
}

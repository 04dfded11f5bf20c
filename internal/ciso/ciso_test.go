package ciso

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/ebios"
	"github.com/scrutin/scrutin/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func load(t testing.TB, path string) (*model.Model, []byte) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Decode(path, src)
	if err != nil {
		t.Fatal(err)
	}
	return m, src
}

func export(t testing.TB, m *model.Model, lang string) []byte {
	t.Helper()
	st, err := ebios.Compute(context.Background(), m, ebios.Options{Trials: 20000, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, m, st, lang); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func dump(t *testing.T, b []byte) string {
	t.Helper()
	d, err := Dump(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const hand = "../../cmd/scrutin/testdata/ebios-hand.yaml"

// TestRoundTrip: export, import onto the same model, export again: the
// same content, sheet by sheet, cell by cell.
func TestRoundTrip(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			m, src := load(t, hand)
			first := export(t, m, lang)
			wb, err := Read(bytes.NewReader(first), DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			block, problems, err := Import(wb, m)
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) != 0 {
				t.Fatalf("problems on scrutin's own workbook: %v", problems)
			}
			out, err := ReplaceAndDecode(src, block)
			if err != nil {
				t.Fatal(err)
			}
			second := export(t, out, lang)
			if a, b := dump(t, first), dump(t, second); a != b {
				t.Errorf("the round trip changed the workbook:\n--- first\n%s\n--- second\n%s", a, b)
			}
		})
	}
}

// ReplaceAndDecode puts block in the model source and decodes the result,
// as scrutin ebios import does.
func ReplaceAndDecode(src []byte, block *model.Ebios) (*model.Model, error) {
	out, err := model.ReplaceEbios(src, block)
	if err != nil {
		return nil, err
	}
	return model.Decode("imported", out)
}

// TestGolden pins the sheets, their headers and rows of the hand study.
func TestGolden(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		m, _ := load(t, hand)
		got := dump(t, export(t, m, lang))
		path := filepath.Join("testdata", "hand."+lang+".txt")
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s: workbook differs from the golden file (go test -update to refresh):\n%s", lang, got)
		}
	}
}

func TestGoldenHasExactSheetsAndHeaders(t *testing.T) {
	m, _ := load(t, hand)
	d := dump(t, export(t, m, "en"))
	for _, want := range []string{
		"== 1.1 Study\n1: \"ref_id\" | \"name\" | \"description\" | \"version\" | \"status\" | \"eta\" | \"due_date\" | \"observation\"",
		"== 1.2 Assets\n1: \"ref_id\" | \"name\" | \"description\" | \"type\" | \"parent_asset\"",
		"== 2.1 RO-TO Couples\n", "== 3.1 Stakeholders\n", "== 3.2.1 Strategic Scenarios\n", "== 3.2.2 Attack Paths\n",
		"== 4.1.1 Operational Scenarios\n", "== 4.1.2 Operating Modes\n", "== scrutin\n",
		"\"b:TRUE\"", "\"Critical\"", "\"n:3\"", "\"Vendor (Other)\"",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("the workbook lacks %q:\n%s", want, d)
		}
	}
	ca, _, _ := strings.Cut(d, "== scrutin")
	if strings.Contains(ca, "\"G") || strings.Contains(ca, "\"V1") || strings.Contains(ca, "\"V4\"") {
		t.Errorf("levels must be names, not abbreviations:\n%s", d)
	}
}

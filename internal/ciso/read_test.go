package ciso

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func book(t testing.TB, sheets map[string][][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	first := true
	for name, rows := range sheets {
		if first {
			f.SetSheetName("Sheet1", name)
			first = false
		} else {
			f.NewSheet(name)
		}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			f.SetSheetRow(name, cell, &r)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadRejects(t *testing.T) {
	small := DefaultLimits
	small.Rows, small.Size, small.Cell = 5, 1<<20, 100
	many := [][]any{{"name"}}
	for i := 0; i < 10; i++ {
		many = append(many, []any{"x"})
	}
	// A zip bomb-ish part: 200 MiB of zeros, a few hundred KiB zipped.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	zero := make([]byte, 1<<20)
	for i := 0; i < 200; i++ {
		w.Write(zero)
	}
	zw.Close()
	for _, c := range []struct {
		name string
		data []byte
		lim  Limits
		want string
	}{
		{"not a zip", []byte("hello, I am a CSV,1,2\n"), DefaultLimits, "not an xlsx workbook"},
		{"too large", bytes.Repeat([]byte{'x'}, 2<<20), small, "larger than 1 MiB"},
		{"bomb", bomb.Bytes(), DefaultLimits, "decompresses to more than 128 MiB"},
		{"zip not xlsx", func() []byte {
			var b bytes.Buffer
			z := zip.NewWriter(&b)
			w, _ := z.Create("hello.txt")
			w.Write([]byte("hi"))
			z.Close()
			return b.Bytes()
		}(), DefaultLimits, "not"},
		{"no study", book(t, map[string][][]any{"Other": {{"a"}}}), DefaultLimits, `no sheet "1.1 Study"`},
		{"too many rows", book(t, map[string][][]any{SheetStudy: many}), small, `sheet "1.1 Study", row 6: more than 5 rows`},
		{"cell too long", book(t, map[string][][]any{SheetStudy: {{"name"}, {strings.Repeat("é", 200)}}}), small, "column A: a cell of more than 100 characters"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(c.data), c.lim)
			var ce *Error
			if err == nil || !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an *Error with %q", err, c.want)
			}
		})
	}
}

// TestImportBadCells: a cell that cannot be read names its sheet, row and
// column.
func TestImportBadCells(t *testing.T) {
	m, _ := load(t, hand)
	for _, c := range []struct {
		sheets map[string][][]any
		want   string
	}{
		{map[string][][]any{SheetStudy: {{"name"}, {"s"}}, SheetFeared: {headersOf(SheetFeared), {"r", "FE", "", "G2", true, "", ""}}},
			`sheet "1.3 Feared Events", row 2, column gravity: "G2" is no gravity`},
		{map[string][][]any{SheetStudy: {{"name"}, {"s"}}, SheetStakeholders: {headersOf(SheetStakeholders), {"V", "Supplier", 9, 1, 1, 1, "", 1, 1, 1, 1, "", true, ""}}},
			`sheet "3.1 Stakeholders", row 2, column current_dependency: "9" is not a whole number from 0 to 4`},
		{map[string][][]any{SheetStudy: {{"name"}, {"s"}}, SheetRoTo: {headersOf(SheetRoTo), {"X", "o", "huge", "limited", "low", "", true, "", ""}}},
			`sheet "2.1 RO-TO Couples", row 2, column motivation: "huge" is not one of`},
		{map[string][][]any{SheetStudy: {{"name"}, {"s"}}, SheetRoTo: {headersOf(SheetRoTo), {"X", "o", "low", "limited", "low", "", "maybe", "", ""}}},
			`column is_selected: "maybe" is not a boolean`},
	} {
		wb, err := Read(bytes.NewReader(book(t, c.sheets)), DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := Import(wb, m); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}

func headersOf(s string) []any {
	var out []any
	for _, h := range headers[s] {
		out = append(out, h)
	}
	return out
}

// TestImportFromCISOAssistant: a workbook as CISO Assistant exports it
// (no scrutin sheet, its own names) maps by name, and what does not map
// is reported, item by item.
func TestImportFromCISOAssistant(t *testing.T) {
	m, src := load(t, hand)
	data := book(t, map[string][][]any{
		SheetStudy:        {headersOf(SheetStudy), {"S1", "Study", "desc", "1.0", "planned", "", "", "residual ok"}},
		SheetAssets:       {headersOf(SheetAssets), {"", "Sincerity", "", "PR", ""}, {"", "A", "", "SP", ""}, {"", "Mainframe", "", "SP", ""}},
		SheetFeared:       {headersOf(SheetFeared), {"", "Votes altered", "", "Critique", true, "", "Sincerity"}, {"", "Orphan", "", "Minor", false, "", "Mainframe"}},
		SheetRoTo:         {headersOf(SheetRoTo), {"X", "Change the result", "strong", "unlimited", "undefined", "highly_relevant", false, "", "Votes altered\nOrphan"}, {"State", "Spy", "low", "limited", "low", "", true, "", ""}},
		SheetStakeholders: {headersOf(SheetStakeholders), {"ACME", "Supplier", 3, 4, 2, 2, "3", 3, 4, 2, 2, "3", true, ""}},
		SheetControls:     {headersOf(SheetControls), {"", "Fix", "", "Active", "ACME (Supplier)"}, {"", "Firewall", "", "Active", "ACME (Supplier)"}},
		SheetStrategic:    {headersOf(SheetStrategic), {"", "SS", "", "X", "Change the result", "Critical"}, {"", "Lost", "", "State", "Spy", "--"}},
		SheetAttackPaths:  {headersOf(SheetAttackPaths), {"AP.01", "Often", "", "SS", "ACME (Supplier)\nNobody (Client)", true, ""}, {"AP.02", "Phishing", "", "SS", "", true, ""}},
		SheetOperational:  {headersOf(SheetOperational), {"AP.01", "SS - Often", "Often", "Likely", "Critical", "Medium", "", true, ""}},
	})
	wb, err := Read(bytes.NewReader(data), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	block, problems, err := Import(wb, m)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.Error())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		`sheet "1.2 Assets", row 4, column name: supporting asset "Mainframe" is no asset of the model`,
		`sheet "1.3 Feared Events", row 3, column assets: feared event "Orphan": none of its assets is a business value`,
		`sheet "2.1 RO-TO Couples", row 2, column activity: pair "X" - "Change the result": activity is undefined`,
		`sheet "2.1 RO-TO Couples", row 2, column feared_events: pair "X - Change the result": feared event "Orphan" is not in`,
		`sheet "2.1 RO-TO Couples", row 3, column risk_origin: risk origin "State" is no actor of the model`,
		`sheet "3.3 Stakeholder Controls", row 3, column name: applied control "Firewall" is no control of the model`,
		`sheet "3.2.1 Strategic Scenarios", row 3, column risk_origin: strategic scenario "Lost": pair "State" - "Spy" is not in`,
		`sheet "3.2.2 Attack Paths", row 2, column stakeholders: attack path "Often": stakeholder "Nobody (Client)" is not in`,
		`sheet "3.2.2 Attack Paths", row 3, column name: attack path "Phishing": no scenario of the model`,
		`likelihoods are not imported`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing problem %q in:\n%s", want, all)
		}
	}
	if len(block.Sources) != 1 || block.Sources[0].Actor != "x" || block.Sources[0].Retained == nil || *block.Sources[0].Retained {
		t.Errorf("sources: %+v", block.Sources)
	}
	if len(block.FearedEvents) != 1 || block.FearedEvents[0].Gravity != 4 || block.FearedEvents[0].Value != block.Values[0].ID {
		t.Errorf("feared events: %+v", block.FearedEvents)
	}
	if s := block.Stakeholders; len(s) != 1 || s[0].Category != "Supplier" || len(s[0].Controls) != 1 || s[0].Controls[0] != "fix" || s[0].Residual != nil {
		t.Errorf("stakeholders: %+v", s)
	}
	if s := block.Strategic; len(s) != 1 || len(s[0].Scenarios) != 1 || s[0].Scenarios[0] != "often" || len(s[0].Stakeholders) != 1 {
		t.Errorf("strategic: %+v", s)
	}
	if block.Study != "Study" || block.Treatment != "residual ok" {
		t.Errorf("study: %q %q", block.Study, block.Treatment)
	}
	if _, err := ReplaceAndDecode(src, block); err != nil {
		t.Errorf("the imported block does not validate: %v", err)
	}
}

func FuzzRead(f *testing.F) {
	m, _ := load(f, hand)
	f.Add(export(f, m, "en"))
	f.Add(export(f, m, "fr"))
	f.Add(book(f, map[string][][]any{SheetStudy: {{"name"}, {"s"}}}))
	f.Add([]byte("PK\x03\x04"))
	// Small limits keep each execution short; the bounds are the same code.
	lim := Limits{Size: 1 << 20, Unzipped: 4 << 20, Parts: 50, Sheets: 20, Rows: 500, Columns: 50, Cell: 4096}
	f.Fuzz(func(t *testing.T, data []byte) {
		wb, err := Read(bytes.NewReader(data), lim)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("not an *Error: %v", err)
			}
			return
		}
		block, _, err := Import(wb, m)
		if err == nil && block == nil {
			t.Fatal("no block and no error")
		}
	})
}

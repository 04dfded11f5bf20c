package ciso

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Limits bound what Read accepts: a workbook is user input.
type Limits struct {
	Size     int64 // bytes of the file
	Unzipped int64 // bytes of all its parts once decompressed
	Parts    int   // files in the zip
	Sheets   int
	Rows     int // per sheet, header included
	Columns  int
	Cell     int // characters of a cell
}

// DefaultLimits are far above any study and far below what hurts.
var DefaultLimits = Limits{Size: 16 << 20, Unzipped: 128 << 20, Parts: 1000, Sheets: 100, Rows: 20000, Columns: 200, Cell: 32767}

// Error is a problem with the workbook, at a sheet, row and column when
// it has one.
type Error struct {
	Sheet  string
	Row    int    // 1-based, 0 when none
	Column string // header name, "" when none
	Msg    string
}

func (e *Error) Error() string {
	var where []string
	if e.Sheet != "" {
		where = append(where, fmt.Sprintf("sheet %q", e.Sheet))
	}
	if e.Row > 0 {
		where = append(where, fmt.Sprintf("row %d", e.Row))
	}
	if e.Column != "" {
		where = append(where, fmt.Sprintf("column %s", e.Column))
	}
	if len(where) == 0 {
		return e.Msg
	}
	return strings.Join(where, ", ") + ": " + e.Msg
}

// Table is a sheet as read: its name, its header (column name to index)
// and its non-empty data rows.
type Table struct {
	Name   string
	Header map[string]int
	Rows   []Row
}

// Row is a data row: its number in the sheet and its cells.
type Row struct {
	N     int
	Cells []string
	t     *Table
}

// Get is the cell of column col ("" when the column or cell is absent).
func (r Row) Get(col string) string {
	i, ok := r.t.Header[col]
	if !ok || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}

func (r Row) errorf(col, format string, a ...any) *Error {
	return &Error{Sheet: r.t.Name, Row: r.N, Column: col, Msg: fmt.Sprintf(format, a...)}
}

// Bool is a boolean cell: TRUE or FALSE (as Excel shows a boolean, or
// as text), 1 or 0; empty is false.
func (r Row) Bool(col string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(r.Get(col))) {
	case "", "false", "0", "faux", "f":
		return false, nil
	case "true", "1", "vrai", "t":
		return true, nil
	}
	return false, r.errorf(col, "%q is not a boolean (TRUE or FALSE)", r.Get(col))
}

// Int is a whole-number cell within [lo, hi]; empty is 0 when 0 is
// within it.
func (r Row) Int(col string, lo, hi int) (int, error) {
	s := strings.TrimSpace(r.Get(col))
	if s == "" {
		s = "0"
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || x != float64(int(x)) || int(x) < lo || int(x) > hi {
		return 0, r.errorf(col, "%q is not a whole number from %d to %d", r.Get(col), lo, hi)
	}
	return int(x), nil
}

// Workbook is an EBIOS RM workbook as read: its tables by sheet name
// (the export's name, whatever the file's sheet is called after the
// prefix), and nil for an absent sheet.
type Workbook struct {
	Tables map[string]*Table
}

// Table is the table of sheet (one of the Sheet constants), or an empty
// table when the workbook has none.
func (w *Workbook) Table(sheet string) *Table {
	if t := w.Tables[sheet]; t != nil {
		return t
	}
	return &Table{Name: sheet, Header: map[string]int{}}
}

// Read reads an EBIOS RM workbook of CISO Assistant or scrutin from r,
// within lim. A file that is no xlsx workbook, passes a limit or has no
// "1.1" study sheet is an *Error.
func Read(r io.Reader, lim Limits) (wb *Workbook, err error) {
	data, err := io.ReadAll(io.LimitReader(r, lim.Size+1))
	if err != nil {
		return nil, &Error{Msg: fmt.Sprintf("cannot read the workbook: %v", err)}
	}
	if int64(len(data)) > lim.Size {
		return nil, &Error{Msg: fmt.Sprintf("the workbook is larger than %d MiB", lim.Size>>20)}
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &Error{Msg: "not an xlsx workbook (not a zip archive): " + err.Error()}
	}
	if len(z.File) > lim.Parts {
		return nil, &Error{Msg: fmt.Sprintf("not a workbook scrutin reads: more than %d parts in the archive", lim.Parts)}
	}
	var total uint64
	for _, f := range z.File {
		total += f.UncompressedSize64
		if total > uint64(lim.Unzipped) {
			return nil, &Error{Msg: fmt.Sprintf("the workbook decompresses to more than %d MiB", lim.Unzipped>>20)}
		}
	}
	// A library panic on a malformed file is a malformed file.
	defer func() {
		if p := recover(); p != nil {
			wb, err = nil, &Error{Msg: fmt.Sprintf("not a readable xlsx workbook (%v)", p)}
		}
	}()
	// The XML limit equals the whole limit so that excelize never spills
	// a sheet to a temporary file.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: lim.Unzipped, UnzipXMLSizeLimit: lim.Unzipped})
	if err != nil {
		return nil, &Error{Msg: "not a readable xlsx workbook: " + err.Error()}
	}
	defer f.Close()
	names := f.GetSheetList()
	if len(names) > lim.Sheets {
		return nil, &Error{Msg: fmt.Sprintf("more than %d sheets", lim.Sheets)}
	}
	wb = &Workbook{Tables: map[string]*Table{}}
	for _, p := range prefixes {
		for _, n := range names {
			if strings.HasPrefix(n, p.prefix) {
				t, err := readTable(f, n, lim)
				if err != nil {
					return nil, err
				}
				wb.Tables[p.sheet] = t
				break
			}
		}
	}
	for _, n := range names {
		if n == SheetScrutin {
			t, err := readTable(f, n, lim)
			if err != nil {
				return nil, err
			}
			wb.Tables[SheetScrutin] = t
		}
	}
	if wb.Tables[SheetStudy] == nil {
		return nil, &Error{Msg: fmt.Sprintf("not an EBIOS RM workbook of CISO Assistant: no sheet %q (sheets: %s)", SheetStudy, strings.Join(names, ", "))}
	}
	return wb, nil
}

func readTable(f *excelize.File, name string, lim Limits) (*Table, error) {
	rows, err := f.Rows(name)
	if err != nil {
		return nil, &Error{Sheet: name, Msg: "cannot read the sheet: " + err.Error()}
	}
	defer rows.Close()
	t := &Table{Name: name, Header: map[string]int{}}
	n := 0
	for rows.Next() {
		n++
		if n > lim.Rows {
			return nil, &Error{Sheet: name, Row: n, Msg: fmt.Sprintf("more than %d rows", lim.Rows)}
		}
		cells, err := rows.Columns()
		if err != nil {
			return nil, &Error{Sheet: name, Row: n, Msg: "cannot read the row: " + err.Error()}
		}
		if len(cells) > lim.Columns {
			return nil, &Error{Sheet: name, Row: n, Msg: fmt.Sprintf("more than %d columns", lim.Columns)}
		}
		empty := true
		for i, c := range cells {
			if len(c) > 4*lim.Cell || len([]rune(c)) > lim.Cell {
				col, _ := excelize.ColumnNumberToName(i + 1)
				return nil, &Error{Sheet: name, Row: n, Column: col, Msg: fmt.Sprintf("a cell of more than %d characters", lim.Cell)}
			}
			if strings.TrimSpace(c) != "" {
				empty = false
			}
		}
		if n == 1 {
			for i, c := range cells {
				// As the importer does: trimmed, lower-case, spaces as _.
				k := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(c)), " ", "_")
				if k == "" {
					k = fmt.Sprintf("col_%d", i)
				}
				if _, dup := t.Header[k]; !dup {
					t.Header[k] = i
				}
			}
			continue
		}
		if empty {
			continue
		}
		t.Rows = append(t.Rows, Row{N: n, Cells: cells, t: t})
	}
	if err := rows.Error(); err != nil {
		return nil, &Error{Sheet: name, Msg: "cannot read the sheet: " + err.Error()}
	}
	return t, nil
}

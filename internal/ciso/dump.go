package ciso

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Dump is the content of a workbook as text: every sheet in order, every
// row, each cell with its type when it is not text (b: boolean, n:
// number) — what a round trip must keep, whatever the zip's bytes.
func Dump(r io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, DefaultLimits.Size+1))
	if err != nil {
		return "", err
	}
	if _, err := Read(bytes.NewReader(data), DefaultLimits); err != nil {
		return "", err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b strings.Builder
	for _, s := range f.GetSheetList() {
		fmt.Fprintf(&b, "== %s\n", s)
		rows, err := f.GetRows(s)
		if err != nil {
			return "", err
		}
		for i, row := range rows {
			cells := make([]string, len(row))
			for j, c := range row {
				ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
				t, _ := f.GetCellType(s, ref)
				switch t {
				case excelize.CellTypeBool:
					c = "b:" + c
				case excelize.CellTypeNumber, excelize.CellTypeUnset:
					// A number cell has no type attribute.
					if c != "" {
						c = "n:" + c
					}
				}
				cells[j] = fmt.Sprintf("%q", c)
			}
			fmt.Fprintf(&b, "%d: %s\n", i+1, strings.Join(cells, " | "))
		}
	}
	return b.String(), nil
}

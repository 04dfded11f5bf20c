package evidence

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// ParseGoPhishCSV reads the results CSV that GoPhish exports for one
// campaign ("Export CSV", results): a header row naming the columns id,
// status, ip, latitude, longitude, send_date, reported, modified_date,
// email, first_name, last_name, position. Columns are matched by name,
// whatever their order, case or spacing ("Send Date" is send_date); only
// status is required; columns it does not use are ignored. The campaign
// has no name (GoPhish puts it in the file name) and no timeline. Commas,
// semicolons or tabs separate the fields (spreadsheets re-save with their
// locale's separator); rows of empty cells are skipped. Errors give the
// line number.
func ParseGoPhishCSV(r io.Reader) (*Phishing, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "cannot read: %v", err)
	}
	return parseGoPhishCSV(bytes.TrimPrefix(data, []byte("\uFEFF")))
}

func parseGoPhishCSV(data []byte) (*Phishing, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = phishSniffComma(data)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, model.Errorf(model.EINVALID, "empty input: expected a GoPhish results CSV")
	}
	if err != nil {
		return nil, phishCSVError(err)
	}
	headerLine, _ := cr.FieldPos(0)
	cols := map[string]int{}
	for i, h := range header {
		k := strings.ReplaceAll(phishKey(phishUnescapeFormula(h)), " ", "_")
		if k == "" {
			continue
		}
		if _, dup := cols[k]; dup {
			return nil, model.Errorf(model.EINVALID, "line %d: the header names the column %s twice", headerLine, phishQuote(k))
		}
		cols[k] = i
	}
	if _, ok := cols["status"]; !ok {
		if _, ok := cols["message"]; ok {
			return nil, model.Errorf(model.EINVALID, "line %d: this looks like GoPhish's events export (it has a message column but no status); "+
				"export the campaign's results CSV instead", headerLine)
		}
		return nil, model.Errorf(model.EINVALID, "line %d: not a GoPhish results CSV: the header has no status column (it has %s)", headerLine, phishColumns(header))
	}
	get := func(rec []string, name string) string {
		if i, ok := cols[name]; ok {
			return phishUnescapeFormula(rec[i])
		}
		return ""
	}
	var results []gpRawResult
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, phishCSVError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			if phishBlankRow(rec) {
				continue // spreadsheets leave rows of empty cells behind
			}
			return nil, model.Errorf(model.EINVALID, "line %d: %d field%s, but the header has %d", line, len(rec), phishPlural(len(rec)), len(header))
		}
		if phishBlankRow(rec) {
			continue
		}
		r := gpRawResult{id: get(rec, "id"), email: get(rec, "email"),
			position: get(rec, "position"), status: get(rec, "status")}
		if err := checkGoPhishStatus(r.status); err != nil {
			return nil, model.Errorf(model.EINVALID, "line %d: status: %v", line, err)
		}
		if r.reported, err = parseGoPhishBool(get(rec, "reported")); err != nil {
			return nil, model.Errorf(model.EINVALID, "line %d: reported: %v", line, err)
		}
		if r.sendDate, err = parseGoPhishTime(get(rec, "send_date")); err != nil {
			return nil, model.Errorf(model.EINVALID, "line %d: send_date: %v", line, err)
		}
		results = append(results, r)
	}
	c := buildPhishingCampaign(gpCampaignMeta{}, results, nil)
	return &Phishing{Campaigns: []PhishingCampaign{c}}, nil
}

// phishSniffComma picks the separator that occurs most in the first line.
func phishSniffComma(data []byte) rune {
	line := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line = data[:i]
	}
	best, n := ',', bytes.Count(line, []byte(","))
	for _, c := range []rune{';', '\t'} {
		if m := bytes.Count(line, []byte(string(c))); m > n {
			best, n = c, m
		}
	}
	return best
}

func phishCSVError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return model.Errorf(model.EINVALID, "line %d, column %d: malformed CSV: %v", pe.Line, pe.Column, pe.Err)
	}
	return model.Errorf(model.EINVALID, "malformed CSV: %v", err)
}

// phishUnescapeFormula undoes the quote that GoPhish's export (Papa Parse with
// escapeFormulae) puts before a cell starting with = + - @ tab or CR, so
// that spreadsheets do not run it.
func phishUnescapeFormula(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.IndexByte("=+-@\t\r", s[1]) >= 0 {
		return s[1:]
	}
	return s
}

func phishBlankRow(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func phishColumns(header []string) string {
	var names []string
	for i, h := range header {
		if i == 8 {
			names = append(names, "…")
			break
		}
		h = strings.TrimSpace(h)
		if r := []rune(h); len(r) > 30 {
			h = string(r[:30]) + "…"
		}
		names = append(names, fmt.Sprintf("%q", h))
	}
	return strings.Join(names, ", ")
}

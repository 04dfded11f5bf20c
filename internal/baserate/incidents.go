// Package baserate turns publicly reported incidents (data/incidents.csv)
// into a yearly base rate: the Gamma–Poisson posterior of the rate of one
// kind of incident against one kind of target, per organisation and year,
// with the rows, their sources and the arithmetic that gave it (DESIGN.md
// section 13).
package baserate

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Incident is one publicly reported incident.
type Incident struct {
	Date         string `json:"date"` // YYYY-MM-DD or YYYY-MM
	Country      string `json:"country"`
	TargetKind   string `json:"target_kind"`
	IncidentKind string `json:"incident_kind"`
	Actor        string `json:"actor,omitempty"`
	Summary      string `json:"summary"`
	Source       string `json:"source"`
}

// Year is the incident's year.
func (i Incident) Year() int {
	var y int
	fmt.Sscanf(i.Date[:4], "%d", &y)
	return y
}

// The target and incident kinds a row may have (data/INCIDENTS.md).
var (
	TargetKinds   = []string{"party", "campaign", "candidate", "election-authority", "ministry", "parliament", "municipality", "media", "vendor", "voter-roll"}
	IncidentKinds = []string{"hack-and-leak", "ddos", "defacement", "voter-roll-breach", "voter-roll-tampering", "ransomware", "phishing", "influence-operation", "tabulation-attack"}
)

// header is the exact first row of an incidents file.
var header = []string{"date", "country", "target_kind", "incident_kind", "actor", "summary", "source"}

// Bounds on an incidents file.
const (
	MaxSize = 8 << 20
	MaxRows = 100_000
)

var (
	dateRE    = regexp.MustCompile(`^(19|20)\d\d-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$`)
	countryRE = regexp.MustCompile(`^[A-Z]{2}$`)
	sourceRE  = regexp.MustCompile(`^https://[^\s/]+\.[^\s/]+(/\S*)?$`)
)

// Parse reads an incidents file named name: a header row exactly as
// data/incidents.csv has it, then one incident a row, each with a date, a
// two-letter country, known target and incident kinds, a summary and an
// https source. Problems name the file, line and column.
func Parse(name string, r io.Reader) ([]Incident, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(b) > MaxSize {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, MaxSize>>20)
	}
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("%s: not UTF-8 text", name)
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1 // counted below, with our words
	cr.ReuseRecord = false
	var out []Incident
	for row := 0; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s:%d:%d: %v", name, pe.Line, pe.Column, pe.Err)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if row == 0 {
			if !slices.Equal(rec, header) {
				return nil, fmt.Errorf("%s:%d:1: the header must be %s", name, line, strings.Join(header, ","))
			}
			continue
		}
		if len(rec) != len(header) {
			return nil, fmt.Errorf("%s:%d:1: wrong number of fields: %d, want %d (%s)", name, line, len(rec), len(header), strings.Join(header, ","))
		}
		if row > MaxRows {
			return nil, fmt.Errorf("%s:%d:1: more than %d incidents", name, line, MaxRows)
		}
		bad := func(col int, format string, args ...any) error {
			l, c := cr.FieldPos(col)
			return fmt.Errorf("%s:%d:%d: %s: %s", name, l, c, header[col], fmt.Sprintf(format, args...))
		}
		in := Incident{Date: rec[0], Country: rec[1], TargetKind: rec[2], IncidentKind: rec[3], Actor: rec[4], Summary: rec[5], Source: rec[6]}
		switch {
		case !dateRE.MatchString(in.Date):
			return nil, bad(0, "%q is not a date YYYY-MM-DD or YYYY-MM", in.Date)
		case !countryRE.MatchString(in.Country):
			return nil, bad(1, "%q is not a two-letter country code (or EU)", in.Country)
		case !slices.Contains(TargetKinds, in.TargetKind):
			return nil, bad(2, "%q is not one of %s", in.TargetKind, strings.Join(TargetKinds, ", "))
		case !slices.Contains(IncidentKinds, in.IncidentKind):
			return nil, bad(3, "%q is not one of %s", in.IncidentKind, strings.Join(IncidentKinds, ", "))
		case strings.TrimSpace(in.Summary) == "":
			return nil, bad(5, "empty: say what happened in one sentence")
		case !sourceRE.MatchString(in.Source):
			return nil, bad(6, "%q is not an https URL of the public report", in.Source)
		}
		out = append(out, in)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no incidents after the header", name)
	}
	return out, nil
}

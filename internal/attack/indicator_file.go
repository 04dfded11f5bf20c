package attack

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// MaxIndicatorFile is the size of the largest file of indicators that
// ParseIndicators reads: 1 GiB, some ten million STIX indicators.
const MaxIndicatorFile = 1 << 30

// ParseIndicators reads a file of indicators of compromise: a STIX 2
// bundle (ParseSTIXIndicators) or a MISP event (ParseMISPEvent), told apart
// by their JSON, or else a list of values, one per line, with "#"
// comments, each value optionally followed, after a space, by its actors
// separated by commas ("203.0.113.9 Fancy Bear, G0016"). A listed value's
// type is its form's: an address, a network, a URL (with "://"), a hash
// (32, 40 or 64 hex digits), else a domain; its Source is "name:line".
//
// name names the file in messages. The file is read once and whole, up to
// MaxIndicatorFile bytes; a larger one, malformed JSON and a JSON object
// that is neither a bundle nor an event are model.EINVALID errors that
// name the file (and for JSON the line and column); the invalid values of
// a list are a model.ValidationError with a problem per line. Actor names
// are kept as found: see IndicatorImport.ResolveActors.
func ParseIndicators(name string, r io.Reader) (*IndicatorImport, error) {
	data, err := readAllMax(r, MaxIndicatorFile)
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "%s: %v", name, err)
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return iocParseList(name, data)
	}
	// Malformed JSON is reported as such: which of the two it meant to be
	// is not known.
	imp, err := iocParseSTIX(data, false)
	if err == nil && imp == nil {
		imp, err = iocParseMISP(data)
	}
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "%s: %v", name, err)
	}
	return imp, nil
}

// readAllMax is readAll that refuses more than limit bytes, before reading
// them when the reader knows its size.
func readAllMax(r io.Reader, limit int64) ([]byte, error) {
	tooLarge := fmt.Errorf("larger than %d MiB, the limit", limit>>20)
	if size, ok := readerSize(r); ok && size > limit {
		return nil, tooLarge
	}
	data, err := readAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, tooLarge
	}
	return data, nil
}

// iocParseList reads a list of indicator values.
func iocParseList(name string, data []byte) (*IndicatorImport, error) {
	imp := &IndicatorImport{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	var problems []model.Problem
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		value, rest, _ := strings.Cut(strings.ReplaceAll(text, "\t", " "), " ")
		var actors []string
		for a := range strings.SplitSeq(rest, ",") {
			if a = strings.TrimSpace(a); a != "" {
				actors = append(actors, a)
			}
		}
		ind := Indicator{Type: iocListType(value), Value: value, Actors: actors, Source: fmt.Sprintf("%s:%d", name, line)}
		norm, err := NormalizeIndicator(ind)
		if err != nil {
			problems = append(problems, model.Problem{File: name, Pos: model.Pos{Line: line, Column: 1}, Message: err.Error()})
			continue
		}
		imp.Indicators = append(imp.Indicators, norm)
	}
	if err := sc.Err(); err != nil {
		return nil, model.Errorf(model.EINVALID, "%s: %v", name, err)
	}
	if len(problems) > 0 {
		return nil, &model.ValidationError{Problems: problems}
	}
	return imp, nil
}

// iocListType is the type of a listed value, by its form.
func iocListType(v string) string {
	if _, err := netip.ParseAddr(v); err == nil {
		return IndicatorIP
	}
	if _, err := netip.ParsePrefix(v); err == nil {
		return IndicatorCIDR
	}
	if strings.Contains(v, "://") {
		return IndicatorURL
	}
	hex := len(v) > 0
	for _, c := range v {
		hex = hex && ('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F')
	}
	if hex {
		switch len(v) {
		case 32:
			return IndicatorMD5
		case 40:
			return IndicatorSHA1
		case 64:
			return IndicatorSHA256
		}
	}
	return IndicatorDomain
}

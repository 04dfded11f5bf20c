package model

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// unitColumns are the columns of a units file, in the order of unitPos.cols.
var unitColumns = []string{"id", "name", "ballots", "counting"}

// maxUnitsProblems is the most problems one units file reports: past
// them, the rest of the file is not checked.
const maxUnitsProblems = 20

// IDPattern is the pattern of every id of a model (the pattern of its
// struct tags), and of organisation ids wherever they appear: the server,
// the CISO Assistant import, telemetry subjects.
var IDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// unitPos is where a unit is in its file: its line, and the column of
// each of unitColumns (0: the file has no such column).
type unitPos struct {
	line int
	cols [4]int
}

// unitsRead is what reading one units file gave: its units and their
// places, or the problems of its content, or (fail) why it could not be
// read at all, said at the model's units_file.
type unitsRead struct {
	name     string // the file's name in problems
	units    []Unit
	rows     []unitPos
	problems []Problem
	fail     Text
}

// unitsLoader reads the units files of a model from files, each once
// whatever the decoding passes.
type unitsLoader struct {
	files fs.FS
	model string // the model's file name, which the files' names are relative to
	read  map[string]*unitsRead
}

// load reads the units file name (as the model gives it).
func (l *unitsLoader) load(name string) *unitsRead {
	if r, ok := l.read[name]; ok {
		return r
	}
	r := l.readFile(name)
	if l.read == nil {
		l.read = map[string]*unitsRead{}
	}
	l.read[name] = r
	return r
}

func (l *unitsLoader) readFile(name string) *unitsRead {
	shown := name
	if dir := filepath.Dir(l.model); dir != "." && dir != "" && !strings.HasPrefix(l.model, "<") {
		shown = filepath.Join(dir, filepath.FromSlash(name))
	}
	r := &unitsRead{name: shown}
	switch {
	case l.files == nil:
		r.fail = text("the model's files are not available here (for example on the server): list the units under units instead of units_file")
		return r
	case !fs.ValidPath(name) || name == "." || strings.Contains(name, `\`):
		r.fail = text("units_file must be a path relative to the model's directory, with / between directories and no .. (got %q)", name)
		return r
	}
	f, err := l.files.Open(name)
	if err != nil {
		r.fail = fileProblem(shown, err)
		return r
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, MaxUnitsFileSize+1))
	switch {
	case err != nil:
		r.fail = fileProblem(shown, err)
		return r
	case len(src) > MaxUnitsFileSize:
		r.fail = text("units file %s is larger than %d MiB", shown, MaxUnitsFileSize>>20)
		return r
	}
	r.units, r.rows, r.problems = readUnits(shown, src)
	return r
}

// fileProblem says why the units file could not be read.
func fileProblem(name string, err error) Text {
	if errors.Is(err, fs.ErrNotExist) {
		return text("units file %s does not exist (units_file is read from the model's directory)", name)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return text("cannot read units file %s: %s", name, err.Error())
}

// readUnits reads counting units from CSV source src, named file in its
// problems: a header row naming the columns (id and ballots, optionally
// name and counting, in any order), then a unit a row. The separator is
// the comma, or the semicolon when the header has semicolons and no
// comma (as spreadsheets set to French write). Problems carry file, line
// and column; the units are returned only when there is none.
func readUnits(file string, src []byte) ([]Unit, []unitPos, []Problem) {
	src = bytes.TrimPrefix(src, utf8BOM)
	var problems []Problem
	bad := func(line, col int, t Text) bool {
		if len(problems) == maxUnitsProblems {
			problems = append(problems, newProblem(file, Pos{line, max(col, 1)}, "", text("too many problems; the rest of the file is not checked")))
		}
		if len(problems) <= maxUnitsProblems {
			problems = append(problems, newProblem(file, Pos{line, max(col, 1)}, "", t))
		}
		return len(problems) <= maxUnitsProblems
	}
	if !utf8.Valid(src) {
		i := 0
		for i < len(src) {
			r, size := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		at := position(src, i)
		bad(at.Line, at.Column, text("not UTF-8 text (byte %d); save the file as UTF-8", i+1))
		return nil, nil, problems
	}
	header, _, _ := bytes.Cut(src, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(src))
	if bytes.IndexByte(header, ';') >= 0 && bytes.IndexByte(header, ',') < 0 {
		cr.Comma = ';'
	}
	cr.ReuseRecord = true
	// syntax reports a CSV error; it says whether reading may go on (a
	// row of the wrong length may be skipped, broken quoting may not).
	syntax := func(err error, rec []string) bool {
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			bad(1, 1, text("cannot read the file: %s", err.Error()))
			return false
		}
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return bad(pe.Line, 1, text("this row has %d fields, the header %d", len(rec), cr.FieldsPerRecord))
		}
		bad(pe.Line, pe.Column, text("CSV syntax: %s", pe.Err.Error()))
		return false
	}
	rec, err := cr.Read()
	if err == io.EOF {
		bad(1, 1, text("the file is empty: it needs a header row naming the columns id and ballots"))
		return nil, nil, problems
	}
	if err != nil {
		syntax(err, rec)
		return nil, nil, problems
	}
	index := [4]int{-1, -1, -1, -1} // column of each of unitColumns in the rows
	for i, h := range rec {
		name := strings.ToLower(strings.TrimSpace(h))
		_, col := cr.FieldPos(i)
		k := slices.Index(unitColumns, name)
		switch {
		case k < 0:
			bad(1, col, text("unknown column %q%s", strings.TrimSpace(h), suggest(name, unitColumns)))
		case index[k] >= 0:
			bad(1, col, text("the column %q appears twice", name))
		default:
			index[k] = i
		}
	}
	for _, k := range []int{0, 2} {
		if index[k] < 0 {
			bad(1, 1, text("the header lacks the column %q (it needs id and ballots; name and counting may follow)", unitColumns[k]))
		}
	}
	if len(problems) > 0 {
		return nil, nil, problems
	}
	var units []Unit
	var rows []unitPos
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			if syntax(err, rec) {
				continue
			}
			break
		}
		line, _ := cr.FieldPos(0)
		if len(units) == MaxUnits {
			bad(line, 1, text("more than %d counting units: a contest has at most %d", MaxUnits, MaxUnits))
			break
		}
		var u Unit
		var at unitPos
		at.line = line
		for k, i := range index {
			if i >= 0 {
				_, at.cols[k] = cr.FieldPos(i)
			}
		}
		field := func(k int) string {
			if index[k] < 0 {
				return ""
			}
			return strings.TrimSpace(rec[index[k]])
		}
		u.ID, u.Name, u.Counting = field(0), field(1), field(3)
		ok := true
		switch {
		case u.ID == "":
			ok = bad(line, at.cols[0], text("a counting unit needs an id"))
		case !IDPattern.MatchString(u.ID):
			ok = bad(line, at.cols[0], text("unit id %q is not %s", u.ID, patternMeaning[IDPattern.String()]))
		}
		if !ok {
			break
		}
		b := field(2)
		n, err := strconv.ParseInt(b, 10, 64)
		switch {
		case err != nil && errors.Is(err, strconv.ErrRange) || err == nil && n > MaxBallots:
			ok = bad(line, at.cols[2], text("ballots %s is more than a unit counts (at most %d)", b, int64(MaxBallots)))
		case err != nil || n < 0:
			ok = bad(line, at.cols[2], text("ballots %q is not a whole number ≥ 0", b))
		}
		if !ok {
			break
		}
		u.Ballots = n
		units = append(units, u)
		rows = append(rows, at)
	}
	if len(problems) > 0 {
		return nil, nil, problems
	}
	if units == nil {
		units = []Unit{} // a header alone: no units, which validation reports
	}
	return units, rows, nil
}

// loadUnits reads the units files of m's contests into their Units. It
// returns the problems to report at the model's units_file (to be
// located), and those of the files' content (already located). A contest
// whose file gave problems keeps no units.
func (l *unitsLoader) loadUnits(m *Model, unread func(string) bool) (model, content []Problem, read map[int]*unitsRead) {
	for i := range m.Contests {
		ct := &m.Contests[i]
		p := fmt.Sprintf("contests[%d].units_file", i)
		if ct.UnitsFile == "" || unread(p) || unread(fmt.Sprintf("contests[%d]", i)) {
			continue
		}
		if ct.Units != nil {
			model = append(model, newProblem("", Pos{}, p, text("give the units under units or in units_file, not both")))
			continue
		}
		r := l.load(ct.UnitsFile)
		switch {
		case r.fail.Format != "":
			model = append(model, newProblem("", Pos{}, p, r.fail))
		case len(r.problems) > 0:
			for _, q := range r.problems {
				q.Path = p
				content = append(content, q)
			}
		default:
			ct.Units = slices.Clone(r.units)
			if read == nil {
				read = map[int]*unitsRead{}
			}
			read[i] = r
		}
	}
	return model, content, read
}

// unitPlace returns the file and position of path when it lies in a unit
// read from a units file.
func unitPlace(read map[int]*unitsRead, p string) (string, Pos, bool) {
	var i, j int
	rest, ok := strings.CutPrefix(p, "contests[")
	if !ok || len(read) == 0 {
		return "", Pos{}, false
	}
	if i, rest, ok = cutIndex(rest); !ok {
		return "", Pos{}, false
	}
	r := read[i]
	if rest, ok = strings.CutPrefix(rest, ".units["); !ok || r == nil {
		return "", Pos{}, false
	}
	if j, rest, ok = cutIndex(rest); !ok || j >= len(r.rows) {
		return "", Pos{}, false
	}
	at := r.rows[j]
	col := 1
	if k := slices.Index(unitColumns, strings.TrimPrefix(rest, ".")); k >= 0 && at.cols[k] > 0 {
		col = at.cols[k]
	}
	return r.name, Pos{at.line, col}, true
}

// cutIndex reads "N]" at the start of s.
func cutIndex(s string) (int, string, bool) {
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return 0, s, false
	}
	n, err := strconv.Atoi(s[:end])
	return n, s[end+1:], err == nil && n >= 0
}

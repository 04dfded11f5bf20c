package model

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// contestModel is a valid model with one contest, whose last lines are
// the contest's units (or units_file), given by units.
func contestModel(units string) string {
	return head + `actors: [{id: x, name: X}]
controls:
  - id: rla
    name: Risk-limiting audit
    status: proposed
    cost: {yearly: 20000}
    kind: risk-limiting-audit
    audit: {contest: fr-pr2017-t2, risk_limit: 0.05, cost_per_ballot: 2}
scenarios:
  - {id: tamper, name: Tamper, actor: x, assets: [mail], effect: integrity, frequency: 0.1, vulnerability: 0.2, magnitude: 1000,
     contest: fr-pr2017-t2, manipulation: units}
contests:
  - id: fr-pr2017-t2
    name: Presidential election 2017, second round
    ballots: 35467327
    candidates: {Emmanuel Macron: 20743128, Marine Le Pen: 10638475}
    voting: paper-hand-count
` + units
}

const goodUnits = `    units:
      - {id: "75", name: Paris, ballots: 1051022, counting: department}
      - {id: rest, ballots: 34416305}
`

func TestContestDecodes(t *testing.T) {
	m, err := Decode("contest.yaml", []byte(contestModel(goodUnits)))
	if err != nil {
		t.Fatal(err)
	}
	c := m.Contest("fr-pr2017-t2")
	if c == nil || m.Contest("nope") != nil {
		t.Fatalf("Contest: %v", c)
	}
	want := Contest{
		ID: "fr-pr2017-t2", Name: "Presidential election 2017, second round", Ballots: 35467327,
		Candidates: map[string]int64{"Emmanuel Macron": 20743128, "Marine Le Pen": 10638475},
		Voting:     VotingPaperHandCount,
		Units: []Unit{{ID: "75", Name: "Paris", Ballots: 1051022, Counting: "department"},
			{ID: "rest", Ballots: 34416305}},
	}
	if !reflect.DeepEqual(*c, want) {
		t.Errorf("contest\n got %+v\nwant %+v", *c, want)
	}
	if c.WinnerCount() != 1 || c.VotesPerBallot() != 1 || !c.PaperRecord() {
		t.Errorf("defaults: %d winners, %d votes per ballot, paper %v", c.WinnerCount(), c.VotesPerBallot(), c.PaperRecord())
	}
	if r := c.Ranked(); r[0] != (Tally{"Emmanuel Macron", 20743128}) || r[1] != (Tally{"Marine Le Pen", 10638475}) {
		t.Errorf("Ranked = %v", r)
	}
	audits := m.AuditControls("fr-pr2017-t2")
	if len(audits) != 1 || audits[0].ID != "rla" || audits[0].Audit.MethodOrDefault() != AuditPolling || audits[0].Audit.RiskLimit != 0.05 {
		t.Errorf("AuditControls = %v", audits)
	}
	if s := m.ScenarioByID("tamper"); s.Contest != "fr-pr2017-t2" || s.ManipulationOrDefault() != ManipulateUnits {
		t.Errorf("scenario %+v", s)
	}
	roundTrip(t, m)
}

// TestRankedTies: equal votes are ordered by name, so that Ranked does
// not depend on the map's order.
func TestRankedTies(t *testing.T) {
	c := Contest{Candidates: map[string]int64{"c": 5, "b": 5, "a": 9, "d": 0}}
	for range 20 {
		if got, want := c.Ranked(), []Tally{{"a", 9}, {"b", 5}, {"c", 5}, {"d", 0}}; !reflect.DeepEqual(got, want) {
			t.Fatalf("Ranked = %v, want %v", got, want)
		}
	}
}

// TestContestTie: a tie between the last winner and the first loser is
// refused; a tie among losers or among winners is not.
func TestContestTie(t *testing.T) {
	for _, tt := range []struct {
		winners    int
		candidates string
		want       string // "" when accepted
	}{
		{1, "{A: 500, B: 500}", `"A" and "B" tie at 500 votes for the last winning place`},
		{1, "{A: 600, B: 200, C: 200}", ""},
		{2, "{A: 600, B: 200, C: 200}", `"B" and "C" tie at 200 votes`},
		{2, "{A: 300, B: 300, C: 200}", ""},
		{1, "{A: 0, B: 0}", `"A" and "B" tie at 0 votes`},
	} {
		src := head + fmt.Sprintf(`actors: [{id: x, name: X}]
scenarios: [{id: s, name: S, actor: x, assets: [mail], effect: integrity, frequency: 1, vulnerability: 0.1, magnitude: 1}]
contests:
  - {id: c, name: C, winners: %d, ballots: 1000, voting: paper-scanned,
     candidates: %s}
`, tt.winners, tt.candidates)
		m, err := Decode("tie.yaml", []byte(src))
		if tt.want == "" {
			if err != nil {
				t.Errorf("%d winners of %s: %v", tt.winners, tt.candidates, err)
			}
			continue
		}
		if m != nil || err == nil || !strings.Contains(err.Error(), "tie.yaml:10:18: contests[0].candidates: "+tt.want) {
			t.Errorf("%d winners of %s: got %v, want %q at 10:18", tt.winners, tt.candidates, err, tt.want)
		}
	}
}

// TestContestVotesAllowed: with several votes a ballot, the votes may
// add up to more than the ballots, up to ballots × votes_allowed.
func TestContestVotesAllowed(t *testing.T) {
	src := func(votes int) string {
		return head + fmt.Sprintf(`actors: [{id: x, name: X}]
scenarios: [{id: s, name: S, actor: x, assets: [mail], effect: integrity, frequency: 1, vulnerability: 0.1, magnitude: 1}]
contests:
  - {id: council, name: Council, winners: 2, votes_allowed: 2, ballots: 100, voting: paper-scanned,
     candidates: {A: 90, B: 70, C: %d}}
`, votes)
	}
	if _, err := Decode("ok.yaml", []byte(src(40))); err != nil {
		t.Errorf("200 votes on 100 ballots of 2 votes: %v", err)
	}
	_, err := Decode("over.yaml", []byte(src(41)))
	if want := "contests[0].candidates: the candidates' votes add up to 201, more than the 100 ballots can carry (2 votes each)"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}
}

// TestContestBounds: more contests, candidates or units than the bounds
// allow are refused where they are declared. (In YAML, the bounds on a
// mapping's keys and on a list item's tokens refuse a flow of candidates
// or of units before these do: they are for units files and for models
// built in Go.)
func TestContestBounds(t *testing.T) {
	var contests strings.Builder
	for i := range MaxContests + 1 {
		fmt.Fprintf(&contests, "  - {id: c%d, name: C, ballots: 10, voting: postal, candidates: {A: 2, B: 1}}\n", i)
	}
	base := head + "actors: [{id: x, name: X}]\nscenarios: [{id: s, name: S, actor: x, assets: [mail], effect: integrity, frequency: 1, vulnerability: 0.1, magnitude: 1}]\n"
	_, err := Decode("contests.yaml", []byte(base+"contests:\n"+contests.String()))
	if want := fmt.Sprintf("contests.yaml:9:3: contests: a model declares at most %d contests, got %d", MaxContests, MaxContests+1); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}

	m, err := Decode("base.yaml", []byte(base+"contests: [{id: c, name: C, ballots: 10, voting: postal, candidates: {A: 2, B: 1}}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := &m.Contests[0]
	c.Candidates = map[string]int64{}
	for i := range MaxCandidates + 1 {
		c.Candidates[fmt.Sprint("K", i)] = 0
	}
	c.Candidates["K0"] = 1
	if got, want := fmt.Sprint(Validate(m)), fmt.Sprintf("[contests[0].candidates: a contest has at most %d candidates, got %d]", MaxCandidates, MaxCandidates+1); got != want {
		t.Errorf("Validate = %s, want %s", got, want)
	}
	c.Candidates = map[string]int64{"A": 2, "B": 1}
	c.Units = make([]Unit, MaxUnits+1)
	if got, want := fmt.Sprint(Validate(m)), fmt.Sprintf("[contests[0].units: a contest has at most %d counting units, got %d]", MaxUnits, MaxUnits+1); got != want {
		t.Errorf("Validate = %s, want %s", got, want)
	}
}

// decodeFiles decodes contestModel(units) with files as the model's
// directory, under the name dir/model.yaml.
func decodeFiles(units string, files fstest.MapFS) (*Model, error) {
	opt := DecodeOptions{}
	if files != nil {
		opt.Files = files
	}
	return DecodeWith("dir/model.yaml", []byte(contestModel(units)), opt)
}

func TestUnitsFile(t *testing.T) {
	files := fstest.MapFS{
		"data/units.csv": {Data: []byte("\ufeffballots,ID,name,counting\n1051022,75,Paris,department\n34416305,rest,\"Rest, of France\",\n")},
		"units-fr.csv":   {Data: []byte("id;ballots\r\n75;1051022\r\nrest;34416305\r\n")},
	}
	for _, name := range []string{"data/units.csv", "units-fr.csv"} {
		m, err := decodeFiles("    units_file: "+name+"\n", files)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c := m.Contest("fr-pr2017-t2")
		if len(c.Units) != 2 || c.Units[0].ID != "75" || c.Units[0].Ballots != 1051022 || c.Units[1].ID != "rest" || c.UnitsFile != name {
			t.Fatalf("%s: units %+v from %q", name, c.Units, c.UnitsFile)
		}
		if name == "data/units.csv" && (c.Units[0].Counting != "department" || c.Units[1].Name != "Rest, of France") {
			t.Errorf("%s: units %+v", name, c.Units)
		}
		if ps := Validate(m); len(ps) != 0 {
			t.Errorf("%s: Validate = %v", name, ps)
		}
		// The model's JSON holds the units, not the file: it reads back
		// without it.
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		again, err := Decode("again.json", b)
		if err != nil {
			t.Fatalf("%s: decoding the model's JSON: %v", name, err)
		}
		if got := again.Contest("fr-pr2017-t2"); got.UnitsFile != "" || !reflect.DeepEqual(got.Units, c.Units) {
			t.Errorf("%s: after JSON, units %+v from %q", name, got.Units, got.UnitsFile)
		}
	}
}

// TestUnitsFileProblems: each problem of a units file, or of reading it,
// is said in the file at fault, at the line and column at fault.
func TestUnitsFileProblems(t *testing.T) {
	const at = "dir/model.yaml:23:17: contests[0].units_file: "
	big := make([]byte, MaxUnitsFileSize+1)
	for _, tt := range []struct {
		name, file, data string
		files            bool
		want             []string
	}{
		{"no files", "units.csv", "", false, []string{at + "the model's files are not available here (for example on the server): list the units under units instead of units_file"}},
		{"missing", "nope.csv", "", true, []string{at + "units file dir/nope.csv does not exist (units_file is read from the model's directory)"}},
		{"parent", "../units.csv", "", true, []string{at + `units_file must be a path relative to the model's directory, with / between directories and no .. (got "../units.csv")`}},
		{"absolute", "/etc/passwd", "", true, []string{at + "units_file must be a path relative"}},
		{"backslash", `data\\units.csv`, "", true, []string{at + "units_file must be a path relative"}},
		{"directory", "data", "", true, []string{at + "cannot read units file dir/data: "}},
		{"too large", "big.csv", string(big), true, []string{at + "units file dir/big.csv is larger than 8 MiB"}},
		{"empty", "bad.csv", "", true, []string{"dir/bad.csv:1:1: contests[0].units_file: the file is empty: it needs a header row naming the columns id and ballots"}},
		{"header", "bad.csv", "id,votes,name,name\n", true, []string{
			`dir/bad.csv:1:1: contests[0].units_file: the header lacks the column "ballots" (it needs id and ballots; name and counting may follow)`,
			`dir/bad.csv:1:4: contests[0].units_file: unknown column "votes"; expected one of: "ballots", "counting", "id", "name"`,
			`dir/bad.csv:1:15: contests[0].units_file: the column "name" appears twice`}},
		{"values", "bad.csv", "id,name,ballots\n75,Paris,1051022\n13,Marseille,12a\n,X,1\nb c,Y,2\n99,Z,-3\n98,W,99999999999999999999\n1,V,20000000000\n2,U\n", true, []string{
			`dir/bad.csv:3:14: contests[0].units_file: ballots "12a" is not a whole number ≥ 0`,
			`dir/bad.csv:4:1: contests[0].units_file: a counting unit needs an id`,
			`dir/bad.csv:5:1: contests[0].units_file: unit id "b c" is not a valid id`,
			`dir/bad.csv:6:6: contests[0].units_file: ballots "-3" is not a whole number ≥ 0`,
			`dir/bad.csv:7:6: contests[0].units_file: ballots 99999999999999999999 is more than a unit counts (at most 10000000000)`,
			`dir/bad.csv:8:5: contests[0].units_file: ballots 20000000000 is more than a unit counts`,
			`dir/bad.csv:9:1: contests[0].units_file: this row has 2 fields, the header 3`}},
		{"quotes", "bad.csv", "id,ballots\n\"75,1\n", true, []string{`dir/bad.csv:2:7: contests[0].units_file: CSV syntax: extraneous or missing " in quoted-field`}},
		{"not utf-8", "bad.csv", "id,ballots\n75,1\nP\xe9,2\n", true, []string{`dir/bad.csv:3:2: contests[0].units_file: not UTF-8 text (byte 18); save the file as UTF-8`}},
		// Problems found once the units are read are said in the file,
		// at the unit's row.
		{"duplicate", "units.csv", "id,ballots\n75,1051022\nrest,34416304\n75,1\n", true, []string{
			`dir/units.csv:4:1: contests[0].units[2].id: duplicate unit id "75" (already used at line 2)`}},
		{"sum", "units.csv", "id,ballots\n75,1051022\nrest,34416300\n", true, []string{
			at + "the units count 35467322 ballots, the contest 35467327"}},
		{"header only", "units.csv", "id,ballots\n", true, []string{at + "the units count 0 ballots, the contest 35467327"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var files fstest.MapFS
			if tt.files {
				files = fstest.MapFS{"data/x.csv": {Data: []byte("id,ballots\n")}}
				if tt.name != "missing" && tt.name != "directory" {
					files[tt.file] = &fstest.MapFile{Data: []byte(tt.data)}
				}
			}
			_, err := decodeFiles("    units_file: \""+tt.file+"\"\n", files)
			if err == nil {
				t.Fatal("accepted")
			}
			ve, ok := err.(*ValidationError)
			if !ok {
				t.Fatalf("%T: %v", err, err)
			}
			if len(ve.Problems) != len(tt.want) {
				t.Errorf("%d problems, want %d:\n%v", len(ve.Problems), len(tt.want), err)
			}
			for i := range min(len(tt.want), len(ve.Problems)) {
				if got := ve.Problems[i].String(); !strings.HasPrefix(got, tt.want[i]) {
					t.Errorf("problem %d:\n got %s\nwant %s…", i, got, tt.want[i])
				}
				if ve.Problems[i].Line <= 0 || ve.Problems[i].Column <= 0 {
					t.Errorf("problem %d has no position: %v", i, ve.Problems[i])
				}
			}
		})
	}
}

// TestUnitsFileProblemsBounded: a file of bad rows reports the first
// ones, and says that it stopped.
func TestUnitsFileProblemsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,ballots\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "u%d,x\n", i)
	}
	_, _, ps := readUnits("bad.csv", []byte(b.String()))
	if len(ps) != maxUnitsProblems+1 || ps[maxUnitsProblems].Message != "too many problems; the rest of the file is not checked" {
		t.Errorf("%d problems, the last %v", len(ps), ps[len(ps)-1])
	}
}

// TestUnitsFileRowBound: a file of more than MaxUnits rows is refused at
// the first row too many.
func TestUnitsFileRowBound(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,ballots\n")
	for i := range MaxUnits + 5 {
		fmt.Fprintf(&b, "u%d,1\n", i)
	}
	_, _, ps := readUnits("many.csv", []byte(b.String()))
	want := fmt.Sprintf("many.csv:%d:1: more than %d counting units: a contest has at most %[2]d", MaxUnits+2, MaxUnits)
	if len(ps) != 1 || ps[0].String() != want {
		t.Errorf("problems %v, want %s", ps, want)
	}
}

// FuzzUnitsCSV checks that readUnits never panics, and returns either
// units (as many as rows, with ids and ballots in range) or problems,
// each in the file, with a position and a message. Run it with
//
//	go test -run XXX -fuzz FuzzUnitsCSV -fuzztime 2m ./internal/model/
func FuzzUnitsCSV(f *testing.F) {
	for _, s := range []string{
		"id,ballots\n75,1051022\nrest,34416305\n",
		"\ufeffballots,id,name,counting\n1,a,\"A, b\",commune\n",
		"id;ballots\r\n75;1\r\n",
		"id,ballots\n\"75,1\n",
		"id,votes\n",
		"id,ballots\n75\n",
		"id,ballots\nP\xe9,2\n",
		"",
		"id,ballots,name\n2A,0,\"Corse-du-\"\"Sud\"\"\"\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		units, rows, ps := readUnits("fuzz.csv", src)
		if len(ps) > 0 {
			if units != nil || rows != nil {
				t.Fatal("both units and problems")
			}
			if len(ps) > maxUnitsProblems+1 {
				t.Fatalf("%d problems", len(ps))
			}
			for _, p := range ps {
				if p.File != "fuzz.csv" || p.Line <= 0 || p.Column <= 0 || p.Message == "" {
					t.Fatalf("problem %+v", p)
				}
			}
			return
		}
		if units == nil || len(units) != len(rows) || len(units) > MaxUnits {
			t.Fatalf("%d units, %d rows", len(units), len(rows))
		}
		for i, u := range units {
			if !IDPattern.MatchString(u.ID) || u.Ballots < 0 || u.Ballots > MaxBallots {
				t.Fatalf("unit %+v", u)
			}
			if rows[i].line <= 0 || rows[i].cols[0] <= 0 || rows[i].cols[2] <= 0 || i > 0 && rows[i].line <= rows[i-1].line {
				t.Fatalf("row %d at %+v", i, rows[i])
			}
		}
	})
}

// BenchmarkUnitsFile decodes a model whose contest reads 70,000 polling
// stations (France's count) from a units file.
func BenchmarkUnitsFile(b *testing.B) {
	var csv strings.Builder
	csv.WriteString("id,name,ballots,counting\n")
	const n = 70_000
	total := int64(0)
	for i := range n {
		fmt.Fprintf(&csv, "bv%05d,Bureau %d,%d,polling-station\n", i, i, 500)
		total += 500
	}
	src := strings.Replace(contestModel("    units_file: units.csv\n"), "ballots: 35467327", fmt.Sprint("ballots: ", total), 1)
	src = strings.Replace(src, "{Emmanuel Macron: 20743128, Marine Le Pen: 10638475}", "{A: 20000000, B: 10000000}", 1)
	files := fstest.MapFS{"units.csv": {Data: []byte(csv.String())}}
	b.SetBytes(int64(csv.Len()))
	b.ReportAllocs()
	for b.Loop() {
		m, err := DecodeWith("model.yaml", []byte(src), DecodeOptions{Files: files})
		if err != nil {
			b.Fatal(err)
		}
		if len(m.Contests[0].Units) != n {
			b.Fatalf("%d units", len(m.Contests[0].Units))
		}
	}
}

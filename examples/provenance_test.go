package examples_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

var update = flag.Bool("update", false, "rewrite the README's provenance table and the French example's comments on numeric lines from the English example")

// A parameter is one line of a model that holds a number, or a frequency
// taken from a base rate, outside the contests (which are public results,
// data rather than parameters) and the run settings (format version,
// trials, seed). Its comment says where it comes from.
type parameter struct {
	line    int    // 1-based
	path    string // of the line's leftmost node: the same in every translation
	section string // top-level key
	comment string // after "#", trimmed; "" when none
	numbers []*token
}

type token struct {
	col   int // 1-based column of its first character
	value string
}

// Sourced says the comment cites a registered public source for the
// number; expert says it begins with "expert estimate".
const (
	sourced = "sourced"
	expert  = "expert estimate"
)

var citation = regexp.MustCompile(`\[([a-z0-9][a-z0-9-]*)\]`)

// notParameters are the top-level keys whose numbers are not parameters.
var notParameters = map[string]bool{"scrutin": true, "trials": true, "seed": true, "contests": true}

// parameters lists the parameters of a model's source, in line order.
func parameters(t *testing.T, src []byte) []*parameter {
	t.Helper()
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	byLine := map[int]*parameter{}
	add := func(n ast.Node, tk *token) {
		path := n.GetPath()
		section := strings.TrimPrefix(path, "$.")
		if i := strings.IndexAny(section, ".["); i >= 0 {
			section = section[:i]
		}
		if notParameters[section] {
			return
		}
		line := n.GetToken().Position.Line
		p := byLine[line]
		if p == nil {
			p = &parameter{line: line, section: section, comment: comment(lines[line-1])}
			byLine[line] = p
		}
		if tk != nil {
			p.numbers = append(p.numbers, tk)
		}
	}
	for _, d := range f.Docs {
		for _, typ := range []ast.NodeType{ast.IntegerType, ast.FloatType} {
			for _, n := range ast.Filter(typ, d) {
				tk := n.GetToken()
				add(n, &token{col: tk.Position.Column, value: tk.Value})
			}
		}
		for _, n := range ast.Filter(ast.MappingValueType, d) {
			mv := n.(*ast.MappingValueNode)
			if mv.Key.String() == "baserate" {
				add(mv.Key, nil)
			}
		}
	}
	leftmost := leftmostPaths(f)
	var out []*parameter
	for _, p := range byLine {
		sort.Slice(p.numbers, func(i, j int) bool { return p.numbers[i].col < p.numbers[j].col })
		p.path = leftmost[p.line]
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].line < out[j].line })
	return out
}

// leftmostPaths maps each line to the path of the leftmost node that
// starts on it (for `- {scenario: x, vulnerability: 0.5}`, the list
// item's first key), which names the line the same way in every
// translation.
func leftmostPaths(f *ast.File) map[int]string {
	type best struct {
		path string
		col  int
	}
	lines := map[int]best{}
	for _, d := range f.Docs {
		for _, typ := range []ast.NodeType{ast.IntegerType, ast.FloatType, ast.StringType, ast.MappingValueType} {
			for _, n := range ast.Filter(typ, d) {
				pos := n.GetToken().Position
				if b, ok := lines[pos.Line]; !ok || pos.Column < b.col {
					lines[pos.Line] = best{n.GetPath(), pos.Column}
				}
			}
		}
	}
	paths := make(map[int]string, len(lines))
	for line, b := range lines {
		paths[line] = b.path
	}
	return paths
}

// commentStart is the byte offset of a line's comment's "#", or -1: the
// first "#" outside quotes that begins the line or follows a blank.
func commentStart(line string) int {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			if i == 0 || strings.ContainsRune(" \t{[,:", rune(line[i-1])) {
				quote = c
			}
		case c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return i
		}
	}
	return -1
}

func comment(line string) string {
	i := commentStart(line)
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(line[i+1:])
}

// classify says whether p is sourced or an expert estimate, or why it is
// neither.
func classify(p *parameter, registry map[string]source) (string, error) {
	c := p.comment
	if c == "" {
		return "", fmt.Errorf("line %d (%s): a number with no comment saying where it comes from", p.line, p.path)
	}
	cited := citation.FindAllStringSubmatch(c, -1)
	for _, m := range cited {
		if _, ok := registry[m[1]]; !ok {
			return "", fmt.Errorf("line %d (%s): cites [%s], which examples/data/sources.yaml does not define", p.line, p.path, m[1])
		}
	}
	if strings.HasPrefix(strings.ToLower(c), expert) {
		return expert, nil
	}
	if len(cited) == 0 {
		return "", fmt.Errorf("line %d (%s): the comment neither cites a source of examples/data/sources.yaml ([key]) nor begins with %q: %q", p.line, p.path, expert, c)
	}
	return sourced, nil
}

// source is an entry of examples/data/sources.yaml: a public source the
// example's comments cite by its key.
type source struct {
	Title string `yaml:"title"`
	By    string `yaml:"by"`
	Date  string `yaml:"date"`
	URL   string `yaml:"url"`
	File  string `yaml:"file"` // a file of this repository whose rows carry their own addresses
	Read  string `yaml:"read"`
}

func registry(t *testing.T) map[string]source {
	t.Helper()
	files, err := filepath.Glob("sources/*.yaml") // drafts, merged into data/sources.yaml
	if err != nil {
		t.Fatal(err)
	}
	r := map[string]source{}
	for _, name := range append([]string{"data/sources.yaml"}, files...) {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var part map[string]source
		if err := yaml.UnmarshalWithOptions(b, &part, yaml.DisallowUnknownField()); err != nil {
			t.Fatalf("examples/%s: %v", name, err)
		}
		for k, v := range part {
			if _, dup := r[k]; dup {
				t.Errorf("examples/%s: key %s is defined twice", name, k)
			}
			r[k] = v
		}
	}
	return r
}

// TestSourcesRegistry: every source has a key, a title, what was read
// there and an address (or a file of the repository that carries
// its rows' addresses; http where the page was read over http), and the
// example cites every one of them.
func TestSourcesRegistry(t *testing.T) {
	r := registry(t)
	if len(r) == 0 {
		t.Fatal("examples/data/sources.yaml is empty")
	}
	src, err := os.ReadFile("election.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cited := map[string]bool{}
	for _, m := range citation.FindAllStringSubmatch(string(src), -1) {
		cited[m[1]] = true
	}
	for key, s := range r {
		if !citation.MatchString("[" + key + "]") {
			t.Errorf("%s: a key is lower-case letters, digits and hyphens", key)
		}
		if s.Title == "" || s.Read == "" {
			t.Errorf("%s: needs a title and what was read there", key)
		}
		switch {
		case s.URL != "" && s.File != "":
			t.Errorf("%s: an address or a file, not both", key)
		case s.File != "":
			if _, err := os.Stat("../" + s.File); err != nil {
				t.Errorf("%s: %v", key, err)
			}
		case !(strings.HasPrefix(s.URL, "https://") || strings.HasPrefix(s.URL, "http://")) || strings.ContainsAny(s.URL, " \n"):
			t.Errorf("%s: the address must be an http(s) URL, as read, not %q", key, s.URL)
		}
		if !cited[key] {
			t.Errorf("%s: no comment of examples/election.yaml cites it", key)
		}
	}
}

// provenance counts an example's parameters by section and class.
type provenance struct {
	sections []string
	counts   map[string]map[string]int
}

func count(t *testing.T, name string) provenance {
	t.Helper()
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	r := registry(t)
	pr := provenance{counts: map[string]map[string]int{}}
	for _, p := range parameters(t, src) {
		class, err := classify(p, r)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if pr.counts[p.section] == nil {
			pr.sections = append(pr.sections, p.section)
			pr.counts[p.section] = map[string]int{}
		}
		pr.counts[p.section][class]++
	}
	return pr
}

// table is the README's provenance table.
func (pr provenance) table() string {
	var b bytes.Buffer
	b.WriteString("| section | numeric parameters | with a cited public source | expert estimates |\n|---|---:|---:|---:|\n")
	var s, e int
	for _, sec := range pr.sections {
		c := pr.counts[sec]
		fmt.Fprintf(&b, "| `%s` | %d | %d | %d |\n", sec, c[sourced]+c[expert], c[sourced], c[expert])
		s += c[sourced]
		e += c[expert]
	}
	fmt.Fprintf(&b, "| **all** | **%d** | **%d (%.1f %%)** | **%d** |\n", s+e, s, 100*float64(s)/float64(s+e), e)
	var is, ie int
	for _, sec := range pr.sections {
		if !statedNotEstimated[sec] {
			is += pr.counts[sec][sourced]
			ie += pr.counts[sec][expert]
		}
	}
	fmt.Fprintf(&b, "| **inputs of the simulation and the trees** (all but `tolerance`, `harm_tolerance`, `ebios`) | **%d** | **%d (%.1f %%)** | **%d** |\n", is+ie, is, 100*float64(is)/float64(is+ie), ie)
	return b.String()
}

// statedNotEstimated are the sections whose numbers state a choice rather
// than estimate the world: the risk appetite (tolerances) and the EBIOS RM
// workshops' ratings and scales. No simulated loss, harm or tree figure
// depends on them; the README's table counts the other sections apart.
var statedNotEstimated = map[string]bool{"tolerance": true, "harm_tolerance": true, "ebios": true}

const (
	tableStart = "<!-- provenance: go test ./examples -run TestExampleProvenance -update -->\n"
	tableEnd   = "<!-- /provenance -->"
)

// TestExampleProvenance: every number of the built-in example either
// cites a public source of examples/data/sources.yaml or says it is an expert
// estimate, and the README's table of how many do is the count.
func TestExampleProvenance(t *testing.T) {
	pr := count(t, "election.yaml")
	if t.Failed() {
		return
	}
	table := pr.table()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(readme, []byte(tableStart))
	j := bytes.Index(readme, []byte(tableEnd))
	if i < 0 || j < i {
		t.Fatalf("the README has no provenance table between %q and %q", strings.TrimSpace(tableStart), tableEnd)
	}
	shown := string(readme[i+len(tableStart) : j])
	if shown == table {
		return
	}
	if *update {
		out := slices.Concat(readme[:i+len(tableStart)], []byte(table), readme[j:])
		if err := os.WriteFile("../README.md", out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the README's provenance table is\n%s\nthe example gives\n%s(go test ./examples -run TestExampleProvenance -update rewrites it)", shown, table)
}

// TestFrenchExampleComments: the French example carries, on each numeric
// line, the English example's numbers and comment (comments on numbers
// stay in English, with their sources), so both count the same.
func TestFrenchExampleComments(t *testing.T) {
	en, err := os.ReadFile("election.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fr, err := os.ReadFile("election.fr.yaml")
	if err != nil {
		t.Fatal(err)
	}
	frParams := map[string]*parameter{}
	for _, p := range parameters(t, fr) {
		frParams[p.path] = p
	}
	frLines := strings.Split(string(fr), "\n")
	changed := false
	for _, p := range parameters(t, en) {
		q := frParams[p.path]
		if q == nil {
			t.Errorf("election.fr.yaml has no line for %s (line %d of election.yaml)", p.path, p.line)
			continue
		}
		delete(frParams, p.path)
		if len(q.numbers) != len(p.numbers) {
			t.Errorf("election.fr.yaml line %d (%s) holds %d numbers, election.yaml line %d %d", q.line, q.path, len(q.numbers), p.line, len(p.numbers))
			continue
		}
		line := frLines[q.line-1]
		want := line
		if k := commentStart(want); k >= 0 {
			want = strings.TrimRight(want[:k], " ")
		}
		for k := len(q.numbers) - 1; k >= 0; k-- {
			c := len(string([]rune(line)[:q.numbers[k].col-1])) // the parser counts columns in characters
			want = want[:c] + p.numbers[k].value + want[c+len(q.numbers[k].value):]
		}
		if p.comment != "" {
			enLine := strings.Split(string(en), "\n")[p.line-1]
			pad := commentStart(enLine) - len(strings.TrimRight(enLine[:commentStart(enLine)], " "))
			want += strings.Repeat(" ", max(pad, 1)) + "# " + p.comment
		}
		if want == line {
			continue
		}
		if *update {
			frLines[q.line-1] = want
			changed = true
			continue
		}
		t.Errorf("election.fr.yaml line %d (%s):\n  is   %s\n  want %s", q.line, q.path, line, want)
	}
	for path, q := range frParams {
		t.Errorf("election.fr.yaml line %d (%s) has no counterpart in election.yaml", q.line, path)
	}
	if changed {
		if err := os.WriteFile("election.fr.yaml", []byte(strings.Join(frLines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestNationalExamplesProvenance: the national run's demonstration models
// follow the built-in example's rule, every number citing a public source
// of examples/data/sources.yaml or saying it is an expert estimate.
func TestNationalExamplesProvenance(t *testing.T) {
	files, err := filepath.Glob("national/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no national examples: %v", err)
	}
	for _, f := range files {
		pr := count(t, f)
		if len(pr.sections) == 0 {
			t.Errorf("%s: no numeric parameter found", f)
		}
	}
}

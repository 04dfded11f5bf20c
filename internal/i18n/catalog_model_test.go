package i18n

import (
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/scrutin/scrutin/internal/model"
)

// translatable finds the formats of the messages to translate in the
// source of model, store, web and evidence: in model, the literal format of every
// call to text, T, add, problem, problemMarking and ref (which prints its
// second argument); in all four, of model.T and of model.Errorf with
// EINVALID or ECONFLICT (the errors a form or an upload shows). A call whose format is
// not a literal must pass on its own caller's (a parameter named format
// or unknown); any other is an error, since its text could not be checked.
func translatable(t *testing.T) map[string]string {
	t.Helper()
	modelOnly := map[string]int{"text": 0, "T": 0, "add": 1, "problem": 2, "problemMarking": 3, "ref": 1}
	fset := token.NewFileSet()
	found := map[string]string{}
	for _, pkg := range []string{"model", "store", "web", "evidence", "national"} {
		files, err := filepath.Glob("../" + pkg + "/*.go")
		if err != nil || len(files) == 0 {
			t.Fatalf("the source of %s: %v", pkg, err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				i := -1
				switch x := call.Fun.(type) {
				case *ast.Ident:
					if j, ok := modelOnly[x.Name]; ok && pkg == "model" {
						i = j
					}
					if x.Name == "Errorf" && pkg == "model" && len(call.Args) > 0 && userCode(call.Args[0]) {
						i = 1
					}
				case *ast.SelectorExpr:
					if j, ok := modelOnly[x.Sel.Name]; ok && pkg == "model" {
						i = j // c.add, d.problem…
					}
					if id, ok := x.X.(*ast.Ident); ok && id.Name == "model" {
						switch {
						case x.Sel.Name == "T":
							i = 0
						case x.Sel.Name == "Errorf" && len(call.Args) > 0 && userCode(call.Args[0]):
							i = 1
						}
					}
				}
				if i < 0 || len(call.Args) <= i {
					return true
				}
				switch a := call.Args[i].(type) {
				case *ast.BasicLit, *ast.BinaryExpr:
					s, ok := constString(a)
					if !ok {
						t.Errorf("%s: a format that is not a string", fset.Position(a.Pos()))
						return true
					}
					found[s] = fset.Position(a.Pos()).String()
				case *ast.Ident:
					if a.Name != "format" && a.Name != "unknown" {
						t.Errorf("%s: the format %s, not a literal: its text cannot be checked", fset.Position(a.Pos()), a.Name)
					}
				default:
					t.Errorf("%s: a format that is not a literal: its text cannot be checked", fset.Position(a.Pos()))
				}
				return true
			})
		}
	}
	if len(found) < 150 {
		t.Fatalf("found only %d formats: has the way messages are written changed?", len(found))
	}
	return found
}

// constString is the value of a string literal, or of literals joined
// with +.
func constString(e ast.Expr) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(x.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return "", false
		}
		a, ok := constString(x.X)
		b, ok2 := constString(x.Y)
		return a + b, ok && ok2
	}
	return "", false
}

// userCode says whether an error code is one whose message a form shows.
func userCode(e ast.Expr) bool {
	name := ""
	switch x := e.(type) {
	case *ast.Ident:
		name = x.Name
	case *ast.SelectorExpr:
		name = x.Sel.Name
	}
	return name == "EINVALID" || name == "ECONFLICT"
}

// argVerbs maps each argument a format uses (0-based) to its verbs,
// following explicit indexes such as %[1]s.
func argVerbs(s string) map[int][]string {
	out := map[int][]string{}
	arg := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(s) && strings.ContainsRune("0123456789.+-# ", rune(s[j])) {
			j++
		}
		if j < len(s) && s[j] == '[' {
			end := strings.IndexByte(s[j:], ']')
			if end < 0 {
				break
			}
			n, _ := strconv.Atoi(s[j+1 : j+end])
			arg = n - 1
			j += end + 1
		}
		if j >= len(s) {
			break
		}
		if s[j] != '%' {
			out[arg] = append(out[arg], string(s[j]))
			arg++
		}
		i = j
	}
	return out
}

// onlyVerbs says whether a format has no words to translate, as "%s: %v".
func onlyVerbs(s string) bool {
	return !strings.ContainsFunc(verbPattern.ReplaceAllString(s, ""), unicode.IsLetter)
}

var verbPattern = regexp.MustCompile(`%(\[\d+\])?[a-zA-Z]`)

// TestModelMessagesTranslated: every message to translate has a French
// text using the same arguments with the same verbs, and the catalogue
// holds nothing that is no longer written.
func TestModelMessagesTranslated(t *testing.T) {
	found := translatable(t)
	for _, format := range slices.Sorted(maps.Keys(found)) {
		if onlyVerbs(format) {
			continue
		}
		fr, ok := lookupText(French, format)
		if !ok {
			t.Errorf("%s: %q has no French text in catalog_model.go or catalog_errors.go", found[format], format)
			continue
		}
		en, got := argVerbs(format), argVerbs(fr)
		for _, k := range slices.Sorted(maps.Keys(en)) {
			if !slices.Equal(slices.Sorted(slices.Values(got[k])), slices.Sorted(slices.Values(en[k]))) {
				t.Errorf("%q: argument %d is %v in French, %v in English", format, k+1, got[k], en[k])
			}
		}
		if len(got) != len(en) {
			t.Errorf("%q: the French text uses %d arguments, the English %d", format, len(got), len(en))
		}
	}
	seen := map[string]int{}
	for i, c := range textCatalogues() {
		if c[French] == nil || len(c) > 2 || (len(c) == 2 && c[English] == nil) {
			t.Errorf("text catalogue %d has %d languages; English is its keys (or the pages' own wording, uiTexts), French the only other", i, len(c))
		}
		for format := range c[French] {
			if _, ok := found[format]; !ok {
				t.Errorf("text catalogue %d translates %q, which is no longer written", i, format)
			}
			if j, ok := seen[format]; ok {
				t.Errorf("%q is in text catalogues %d and %d", format, j, i)
			}
			seen[format] = i
		}
	}
}

func TestArgVerbs(t *testing.T) {
	got := argVerbs("unknown alias *%s (no anchor &%[1]s before it) %d %% %q")
	want := map[int][]string{0: {"s", "s"}, 1: {"d"}, 2: {"q"}}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("argVerbs = %v, want %v", got, want)
	}
	for s, want := range map[string]bool{"%s": true, "%q%s": true, "": true, "line %d": false, "%s needs": false} {
		if onlyVerbs(s) != want {
			t.Errorf("onlyVerbs(%q) = %v", s, !want)
		}
	}
}

// testMessage is a Message for the tests: format and arguments.
type testMessage struct {
	format string
	args   []any
}

func (m testMessage) MessageFormat() (string, []any) { return m.format, m.args }

// TestMessage: a message is translated with its nested messages; data
// arguments are left as they are; a format without a translation stays
// English.
func TestMessage(t *testing.T) {
	hint := testMessage{format: " (did you mean %q?)", args: []any{"apt28"}}
	m := testMessage{format: "unknown actor %q%s", args: []any{"apt82", hint}}
	if got, want := New(English).Message(m), `unknown actor "apt82" (did you mean "apt28"?)`; got != want {
		t.Errorf("English: %s, want %s", got, want)
	}
	if got, want := New(French).Message(m), "acteur \"apt82\" inconnu (vouliez-vous dire \"apt28\"\u00a0?)"; got != want {
		t.Errorf("French: %s, want %s", got, want)
	}
	if got := New(French).Message(testMessage{format: "not in any catalogue %d", args: []any{3}}); got != "not in any catalogue 3" {
		t.Errorf("untranslated: %s", got)
	}
	if got := New(French).Message(testMessage{format: "the model is empty"}); got != "le modèle est vide" {
		t.Errorf("without arguments: %s", got)
	}
}

var update = flag.Bool("update", false, "rewrite the golden file in testdata")

// TestModelProblemsInFrench decodes every invalid model of the model's
// tests and writes its problems in French to a golden file, for a French
// reader to review; and checks that each one was translated, the YAML
// library's own words aside. go test -update rewrites the file.
func TestModelProblemsInFrench(t *testing.T) {
	files, err := filepath.Glob("../model/testdata/invalid/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no invalid models: %v", err)
	}
	fr := New(French)
	var b strings.Builder
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, err = model.Decode(filepath.Base(f), src)
		var ve *model.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("%s: %v, want problems", f, err)
		}
		for _, p := range ve.Problems {
			got := fr.Message(p.Text)
			if got == p.Message && !strings.HasPrefix(p.Text.Format, "YAML syntax") {
				t.Errorf("%s:%d: not translated: %s", f, p.Line, p.Message)
			}
			fmt.Fprintf(&b, "%s:%d:%d: %s: %s\n", p.File, p.Line, p.Column, p.Path, got)
		}
	}
	golden := filepath.Join("testdata", "model-problems.fr.txt")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("%s differs (go test -update rewrites it, after a look at the diff)", golden)
	}
}

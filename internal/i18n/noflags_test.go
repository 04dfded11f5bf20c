package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// commandLine finds what names the command line's flags in a text: a
// flag (--evidence, --with) or the word itself.
var commandLine = regexp.MustCompile(`(?i)(^|[\s(«"'])--[a-z]|\bflags?\b|\bcommand-line\b|\bligne de commande\b`)

// uiFormats are the literal formats of the messages that the pages can
// show, from the source of the packages whose errors reach them: every
// string literal given to Errorf (model's, fmt's), model.T or a
// problem of the model, keyed by format, with where it is written.
func uiFormats(t *testing.T) map[string]string {
	t.Helper()
	calls := map[string]bool{"Errorf": true, "T": true, "text": true, "add": true, "problem": true, "problemMarking": true, "ref": true}
	fset := token.NewFileSet()
	found := map[string]string{}
	for _, pkg := range []string{"model", "store", "web", "evidence", "plan", "sim", "adtree"} {
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
				var fn string
				switch x := call.Fun.(type) {
				case *ast.Ident:
					fn = x.Name
				case *ast.SelectorExpr:
					fn = x.Sel.Name
				}
				if !calls[fn] {
					return true
				}
				for _, a := range call.Args {
					if s, ok := constString(a); ok {
						found[s] = fset.Position(a.Pos()).String()
					}
				}
				return true
			})
		}
	}
	if len(found) < 300 {
		t.Fatalf("found only %d formats: has the way messages are written changed?", len(found))
	}
	return found
}

// TestNoCommandLineInUI: nothing the pages show names a command-line
// flag — neither the catalogues' messages in any language, nor the
// errors of the packages behind the pages as the pages' Printer writes
// them (the command line keeps its own wording), nor the templates.
func TestNoCommandLineInUI(t *testing.T) {
	for _, l := range Languages() {
		for _, c := range catalogues() {
			for _, k := range slices.Sorted(maps.Keys(c[l])) {
				if commandLine.MatchString(c[l][k]) {
					t.Errorf("%s %q names the command line: %s", l, k, c[l][k])
				}
			}
		}
	}
	formats := uiFormats(t)
	for _, l := range Languages() {
		p := New(l)
		for _, format := range slices.Sorted(maps.Keys(formats)) {
			if got := p.Message(testMessage{format: format}); commandLine.MatchString(got) {
				t.Errorf("%s: %s, the pages write %q", formats[format], l, got)
			}
		}
	}
	templates, err := filepath.Glob("../web/templates/*.html")
	if err != nil || len(templates) == 0 {
		t.Fatalf("the templates: %v", err)
	}
	for _, name := range templates {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if commandLine.MatchString(line) {
				t.Errorf("%s:%d names the command line: %s", name, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// TestUITexts: the pages' own wording of an error uses the arguments of
// its English with the same verbs, and rewords an English that the
// source still writes.
func TestUITexts(t *testing.T) {
	formats := uiFormats(t)
	for _, l := range Languages() {
		for format, ui := range uiTexts[l] {
			if _, ok := formats[format]; !ok {
				t.Errorf("%s: uiTexts rewords %q, which is no longer written", l, format)
			}
			if en, got := argVerbs(format), argVerbs(ui); !maps.EqualFunc(en, got, slices.Equal) {
				t.Errorf("%s %q: verbs %v, the English has %v", l, ui, got, en)
			}
		}
	}
	if len(uiTexts[English]) != len(uiTexts[French]) {
		t.Errorf("uiTexts: %d English texts, %d French", len(uiTexts[English]), len(uiTexts[French]))
	}
}

package i18n

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// TestEvidenceWords: every category and outcome of attack events that
// the evidence package declares (in event.go) has words in every
// language, so that no evidence page shows a bare code.
func TestEvidenceWords(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../evidence/event.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, name := range vs.Names {
				prefix := ""
				switch {
				case strings.HasPrefix(name.Name, "Category"):
					prefix = "evidence.category."
				case vs.Type != nil && fmt.Sprint(vs.Type) == "Outcome":
					prefix = "evidence.outcome."
				default:
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					t.Fatalf("%s is not a literal", name.Name)
				}
				v, _ := strconv.Unquote(lit.Value)
				n++
				for _, l := range Languages() {
					if _, ok := lookup(l, prefix+v); !ok {
						t.Errorf("%s: no %s%s", l, prefix, v)
					}
				}
			}
		}
	}
	if n < 14 {
		t.Errorf("found %d categories and outcomes in event.go, want at least 14", n)
	}
}

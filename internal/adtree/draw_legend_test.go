package adtree

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// svgLegend is the legend's words of an SVG drawing: the texts of the
// first group, which holds the legend.
func svgLegend(t *testing.T, svg []byte) []string {
	t.Helper()
	s := string(svg)
	i := strings.Index(s, "<g>\n")
	j := strings.Index(s[i:], "</g>")
	if i < 0 || j < 0 {
		t.Fatalf("no legend group in %s", s)
	}
	var out []string
	for _, m := range regexp.MustCompile(`<text[^>]*>([^<]*)</text>`).FindAllStringSubmatch(s[i:i+j], -1) {
		if m[1] != "1" { // the sample badge of a sequence
			out = append(out, m[1])
		}
	}
	return out
}

// TestSVGLegendShowsWhatIsDrawn: the legend names only the kinds of node
// and edge that the drawing has, in the drawing's words.
func TestSVGLegendShowsWhatIsDrawn(t *testing.T) {
	attacksOnly := &Tree{ID: "a", Name: "Attacks only", Root: drawGate(Or, "goal", "Goal",
		drawLeaf("x", "Step x", 10, 0.5), drawLeaf("y", "Step y", 20, 0.5))}
	small, smallOpt := drawSmallTree()
	noHi := smallOpt
	noHi.Highlight = nil
	allOn := noHi
	allOn.Context = Context{}
	for _, c := range []struct {
		name string
		tree *Tree
		opt  DrawOptions
		want []string
	}{
		{"attacks only", attacksOnly, DrawOptions{}, []string{"Attack"}},
		{"attacks only, highlighted", attacksOnly, DrawOptions{Highlight: []string{"x"}}, []string{"Attack", "Cheapest attack"}},
		{"everything", small, smallOpt, []string{"Attack", "Defence", "Cheapest attack", "Defence not in force", "Countermeasure", "Sequence order (SAND)"}},
		{"nothing highlighted", small, noHi, []string{"Attack", "Defence", "Defence not in force", "Countermeasure", "Sequence order (SAND)"}},
		{"every defence in force", small, allOn, []string{"Attack", "Defence", "Countermeasure", "Sequence order (SAND)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteSVG(&b, c.tree, c.opt); err != nil {
				t.Fatal(err)
			}
			if got := svgLegend(t, b.Bytes()); strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("legend %q, want %q", got, c.want)
			}
		})
	}
}

// TestDrawGateWords: gates are written in the drawing's words, in boxes
// and tooltips, in SVG and DOT.
func TestDrawGateWords(t *testing.T) {
	tree, opt := drawSmallTree()
	opt.Words = &DrawWords{GateAnd: "ET", GateOr: "OU", GateSand: "ET SÉQ.", GateKind: "porte (%s) %s"}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"svg": func(b *bytes.Buffer) error { return WriteSVG(b, tree, opt) },
		"dot": func(b *bytes.Buffer) error { return WriteDOT(b, tree, opt) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		s := b.String()
		for _, w := range []string{"ET SÉQ.", ">OU<", "porte (attack) ET"} {
			if name == "dot" && w == ">OU<" {
				w = "OU"
			}
			if name == "dot" && strings.HasPrefix(w, "porte") {
				continue // DOT has no tooltips
			}
			if !strings.Contains(s, w) {
				t.Errorf("%s: no %q in the drawing", name, w)
			}
		}
		for _, w := range []string{">AND<", ">OR<", ">SAND<"} {
			if strings.Contains(s, w) {
				t.Errorf("%s: the English gate %s is drawn", name, w)
			}
		}
	}
}

// TestDescribeOneNode: the default (English) description agrees with a
// count of one, as the command line writes it.
func TestDescribeOneNode(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{1, "1 node ("}, {2, "2 nodes ("}, {0, "0 nodes ("}} {
		got := englishSprintf(englishWords.Describe, "t", "goal", c.n, c.n, 0)
		if !strings.Contains(got, c.want) {
			t.Errorf("%d nodes: %q, want %q in it", c.n, got, c.want)
		}
	}
}

package adtree

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The -update flag rewrites the golden files. Another test file of the
// package may declare it too: it is registered here only if it is not yet.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func drawUpdating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// Test builders.
func drawLeaf(id, name string, cost, p float64) *Node {
	return &Node{ID: id, Name: name, Role: Attack, Has: AttrCost | AttrProbability, Cost: cost, Probability: p}
}

func drawGate(g Gate, id, name string, kids ...*Node) *Node {
	return &Node{ID: id, Name: name, Role: Attack, Gate: g, Children: kids}
}

func drawDef(id, name, control string, p float64) *Node {
	return &Node{ID: id, Name: name, Role: Defence, Control: control, Has: AttrProbability, Probability: p}
}

func drawCounter(n *Node, cs ...*Node) *Node { n.Counters = append(n.Counters, cs...); return n }

// drawSmallTree has a shared node (escalate), a defence in force (keys)
// with a counter-attack (token), one out of force (dual), a sequential
// gate and names that need escaping.
func drawSmallTree() (*Tree, DrawOptions) {
	phish := drawLeaf("phish", "Phish a county admin", 1000, 0.3)
	phish.Has |= AttrTime | AttrSkill
	phish.Time, phish.Skill = 2, 2
	token := drawLeaf("token", "Steal a session token", 8000, 0.2)
	keys := drawCounter(drawDef("keys", "Hardware security keys", "mfa", 0.95), token)
	drawCounter(phish, keys)
	escalate := drawLeaf("escalate", "Escalate privileges", 2500, 0.6)
	edit := drawLeaf("edit", `Edit "results.csv" <before> signing & upload`, 500, 0.9)
	remote := drawGate(Sand, "remote", "Compromise the tally server", phish, escalate, edit)
	bribe := drawLeaf("bribe", "Bribe an election official", 5000, 0.1)
	dual := drawDef("dual", "Two-person rule on the tally", "dual-control", 0.8)
	insider := drawCounter(drawGate(And, "insider", "Insider alters totals", bribe, escalate), dual)
	root := drawGate(Or, "goal", "Alter the county tally", remote, insider)
	tree := &Tree{ID: "tally", Name: "Alter the county tally", Root: root}
	ctx := Context{InForce: func(c string) bool { return c != "dual-control" }}
	res := Evaluate(tree, ctx)
	opt := DrawOptions{Context: ctx, Currency: "EUR"}
	if len(res.Cheapest) > 0 {
		opt.Highlight = res.Cheapest[0].Leaves
	}
	return tree, opt
}

func drawGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "draw", name)
	if drawUpdating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update if the change is meant)\n%s", name, got)
	}
}

func drawBytes(t *testing.T, write func(io.Writer, *Tree, DrawOptions) error, tree *Tree, opt DrawOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b, tree, opt); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDrawGolden(t *testing.T) {
	tree, opt := drawSmallTree()
	if want := []string{"bribe", "escalate"}; strings.Join(opt.Highlight, ",") != strings.Join(want, ",") {
		t.Fatalf("cheapest attack %v, want %v", opt.Highlight, want)
	}
	for _, tc := range []struct {
		file  string
		write func(io.Writer, *Tree, DrawOptions) error
	}{
		{"small.dot", WriteDOT},
		{"small.svg", WriteSVG},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got := drawBytes(t, tc.write, tree, opt)
			drawGolden(t, tc.file, got)
			if again := drawBytes(t, tc.write, tree, opt); !bytes.Equal(got, again) {
				t.Error("two drawings of the same tree differ")
			}
		})
	}
}

// TestDrawHighlight checks which nodes the cheapest attack lights up: the
// insider branch, its leaves, the shared step and the defence out of force
// on it, and nothing of the remote branch.
func TestDrawHighlight(t *testing.T) {
	tree, opt := drawSmallTree()
	d, err := newDrawing(tree, opt)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, n := range d.nodes {
		if d.hi[i] {
			got = append(got, n.ID)
		}
	}
	if want := "goal escalate insider bribe dual"; strings.Join(got, " ") != want {
		t.Errorf("highlighted %q, want %q", strings.Join(got, " "), want)
	}
	// The remote attack gets round the security keys with the token: the
	// keys, countered, are lit up with it.
	opt.Highlight = []string{"edit", "escalate", "phish", "token"}
	d, _ = newDrawing(tree, opt)
	got = got[:0]
	for i, n := range d.nodes {
		if d.hi[i] {
			got = append(got, n.ID)
		}
	}
	if want := "goal remote phish keys token escalate edit"; strings.Join(got, " ") != want {
		t.Errorf("remote attack: highlighted %q, want %q", strings.Join(got, " "), want)
	}
	// An attack that does not reach the goal lights up what it achieves
	// above its leaves only.
	opt.Highlight = []string{"escalate", "edit"}
	d, _ = newDrawing(tree, opt)
	got = got[:0]
	for i, n := range d.nodes {
		if d.hi[i] {
			got = append(got, n.ID)
		}
	}
	if want := "escalate edit"; strings.Join(got, " ") != want {
		t.Errorf("partial attack: highlighted %q, want %q", strings.Join(got, " "), want)
	}
}

// svgCheck parses an SVG document and fails on anything that refers
// outside it; it returns the number of <title> elements.
func svgCheck(t *testing.T, svg []byte) int {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	titles := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "script", "image", "use", "a", "style", "foreignObject", "iframe":
				t.Errorf("element <%s> in a self-contained drawing", el.Name.Local)
			case "title":
				titles++
			}
			for _, a := range el.Attr {
				if a.Name.Local == "href" || strings.HasPrefix(strings.ToLower(a.Name.Local), "on") || a.Name.Local == "style" {
					t.Errorf("attribute %s on <%s>", a.Name.Local, el.Name.Local)
				}
				if strings.Contains(a.Value, "url(") {
					t.Errorf("url( in %s on <%s>", a.Name.Local, el.Name.Local)
				}
			}
		case xml.Directive:
			t.Errorf("directive <!%s>", el)
		}
	}
	low := strings.ToLower(string(svg))
	for _, bad := range []string{"href", "url(", "@import", "<script", "<!doctype", "<!entity"} {
		if strings.Contains(low, bad) {
			t.Errorf("the drawing contains %q", bad)
		}
	}
	if n := strings.Count(low, "http://") + strings.Count(low, "https://"); n != 1 {
		t.Errorf("%d links in the drawing, want only the SVG namespace", n)
	}
	return titles
}

func TestSVGSelfContained(t *testing.T) {
	tree, opt := drawSmallTree()
	svg := drawBytes(t, WriteSVG, tree, opt)
	if got, want := svgCheck(t, svg), len(tree.Nodes())+1; got != want {
		t.Errorf("%d titles, want one a node and one for the drawing (%d)", got, want)
	}
	if !bytes.Contains(svg, []byte("<desc")) {
		t.Error("no <desc>")
	}
}

// TestDrawEscaping gives names and ids that would break out of a DOT
// string or an XML text if they were not escaped.
func TestDrawEscaping(t *testing.T) {
	evil := `a "quoted" <b>bold</b> & \"]; x -> y [label="pwned"]; \` + "\nnew line\\"
	leafA := drawLeaf(`id"\`, evil, 1, 0.5)
	leafB := drawLeaf("b", "x\\", 1, 0.5)
	root := drawCounter(drawGate(Or, `r"`, `<script>alert("x")</script>`, leafA, leafB), drawDef("d", "d & 'e'", `c"<`, 1))
	tree := &Tree{ID: `t"]; evil`, Name: `T & "<t>"`, Root: root}
	opt := DrawOptions{Title: `<title> & "x"`, Currency: `"€"`, Highlight: []string{`id"\`}}

	dot := string(drawBytes(t, WriteDOT, tree, opt))
	// A DOT string ends at a quote not escaped by a backslash: every
	// statement must then be one of ours.
	var stmts int
	for _, line := range strings.Split(strings.TrimSpace(dot), "\n") {
		inQuote := false
		for i := 0; i < len(line); i++ {
			switch {
			case line[i] == '\\' && inQuote:
				if i+1 < len(line) && line[i+1] != '"' && line[i+1] != 'n' {
					t.Errorf("escape \\%c in %s", line[i+1], line)
				}
				i++
			case line[i] == '"':
				inQuote = !inQuote
			case !inQuote && line[i] == ';':
				stmts++
			}
		}
		if inQuote {
			t.Errorf("unterminated string in %s", line)
		}
	}
	// graph, node and edge defaults, 4 nodes, 3 edges.
	if stmts != 3+4+3 {
		t.Errorf("%d statements, want 10:\n%s", stmts, dot)
	}
	if strings.Contains(dot, "pwned\"]") {
		t.Error("an unescaped label")
	}

	svg := drawBytes(t, WriteSVG, tree, opt)
	svgCheck(t, svg)
	// The text survives: the decoded character data has the names.
	var text strings.Builder
	dec := xml.NewDecoder(bytes.NewReader(svg))
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if cd, ok := tok.(xml.CharData); ok {
			text.Write(cd)
		}
	}
	for _, want := range []string{`<script>alert("x")</script>`, `<title> & "x"`, `d & 'e'`, `a "quoted" <b>bold</b> &`} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text %q lost", want)
		}
	}
}

// drawRandomTree builds a random tree of about n nodes with shared nodes,
// countermeasures and every gate.
func drawRandomTree(seed uint64, n int) *Tree {
	r := rand.New(rand.NewPCG(seed, 7))
	count := 0
	var made []*Node
	var build func(role Role, depth int) *Node
	build = func(role Role, depth int) *Node {
		count++
		id := fmt.Sprintf("n%d", count)
		// Share an earlier leaf now and then (never an ancestor, so no cycle).
		if len(made) > 3 && r.IntN(10) == 0 {
			c := made[r.IntN(len(made))]
			if c.Role == role && c.Gate == Leaf {
				return c
			}
		}
		var nd *Node
		if depth > 6 || count > n || (depth > 1 && r.IntN(5) < 2) {
			name := strings.Repeat("word ", 1+r.IntN(6)) + id
			if role == Attack {
				nd = drawLeaf(id, name, float64(r.IntN(10000)), r.Float64())
			} else {
				nd = drawDef(id, name, "c"+id, r.Float64())
			}
		} else {
			gates := []Gate{And, Or, Sand}
			if role == Defence {
				gates = gates[:2]
			}
			nd = &Node{ID: id, Name: "gate " + id, Role: role, Gate: gates[r.IntN(len(gates))]}
			for k := 2 + r.IntN(3); k > 0; k-- {
				nd.Children = append(nd.Children, build(role, depth+1))
			}
		}
		if r.IntN(8) == 0 && depth < 6 {
			nd.Counters = append(nd.Counters, build(role.Opposite(), depth+1))
		}
		made = append(made, nd)
		return nd
	}
	root := build(Attack, 0)
	if root.Gate == Leaf {
		root = &Node{ID: "root", Name: "root", Role: Attack, Gate: Or, Children: []*Node{root, drawLeaf("x", "x", 1, 1)}}
	}
	return &Tree{ID: fmt.Sprintf("random-%d", seed), Root: root}
}

func TestSVGNoOverlap(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		tree := drawRandomTree(seed, 100)
		if err := tree.Check(); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		d, err := newDrawing(tree, DrawOptions{})
		if err != nil {
			t.Fatal(err)
		}
		boxes := d.svgBoxes()
		ws := make([]float64, len(boxes))
		hs := make([]float64, len(boxes))
		for i, b := range boxes {
			ws[i], hs[i] = b.w, b.h
		}
		L := layoutDrawing(d, ws, hs)
		for i := range d.nodes {
			xi, yi, wi, hi := L.box(i)
			if wi <= 0 || hi <= 0 || xi < -1e-6 || xi+wi > L.width+1e-6 {
				t.Errorf("seed %d: box %d (%v %v %v %v) out of the drawing", seed, i, xi, yi, wi, hi)
			}
			for j := range i {
				xj, yj, wj, hj := L.box(j)
				if xi < xj+wj+1 && xj < xi+wi+1 && yi < yj+hj+1 && yj < yi+hi+1 {
					t.Errorf("seed %d: boxes of %s and %s overlap", seed, d.nodes[i].ID, d.nodes[j].ID)
				}
			}
		}
		// Parents sit above their children.
		for _, e := range d.edges {
			if L.layer[e.from] >= L.layer[e.to] {
				t.Errorf("seed %d: edge %s -> %s does not go down", seed, d.nodes[e.from].ID, d.nodes[e.to].ID)
			}
		}
		svg := drawBytes(t, WriteSVG, tree, DrawOptions{})
		svgCheck(t, svg)
		if !bytes.Equal(svg, drawBytes(t, WriteSVG, tree, DrawOptions{})) {
			t.Errorf("seed %d: not deterministic", seed)
		}
	}
}

// TestTreeStaysTidy checks that a tree (no sharing) has no crossings and
// each parent centred over its children.
func TestTreeStaysTidy(t *testing.T) {
	a := drawGate(And, "a", "a", drawLeaf("a1", "a1", 1, 1), drawLeaf("a2", "a2", 1, 1), drawLeaf("a3", "a much longer name", 1, 1))
	b := drawGate(Sand, "b", "b", drawLeaf("b1", "b1", 1, 1), drawGate(Or, "b2", "b2", drawLeaf("c1", "c1", 1, 1), drawLeaf("c2", "c2", 1, 1)))
	tree := &Tree{ID: "t", Root: drawGate(Or, "r", "r", a, drawLeaf("z", "z", 1, 1), b)}
	d, err := newDrawing(tree, DrawOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ws := make([]float64, len(d.nodes))
	hs := make([]float64, len(d.nodes))
	for i, b := range d.svgBoxes() {
		ws[i], hs[i] = b.w, b.h
	}
	L := layoutDrawing(d, ws, hs)
	if c := L.crossings(); c != 0 {
		t.Errorf("%d crossings", c)
	}
	for i, n := range d.nodes {
		if len(n.Children) == 0 {
			continue
		}
		first, last := d.index[n.Children[0]], d.index[n.Children[len(n.Children)-1]]
		if mid := (L.x[first] + L.x[last]) / 2; abs(L.x[i]-mid) > 1e-9 {
			t.Errorf("%s at %v, not over its children (%v)", n.ID, L.x[i], mid)
		}
		for k := 1; k < len(n.Children); k++ {
			if L.x[d.index[n.Children[k-1]]] >= L.x[d.index[n.Children[k]]] {
				t.Errorf("children of %s out of order", n.ID)
			}
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestSVGLarge draws 10,000 nodes: a valid file, quickly.
func TestSVGLarge(t *testing.T) {
	tree := drawRandomTree(3, 10000)
	for len(tree.Nodes()) < 10000 {
		tree.Root = drawGate(Or, "r"+strconv.Itoa(len(tree.Nodes())), "more", tree.Root, drawRandomTree(uint64(len(tree.Nodes())), 2000).Root)
	}
	// Trees from different seeds reuse ids; make them unique.
	for i, n := range tree.Nodes() {
		n.ID = fmt.Sprintf("%s-%d", n.ID, i)
	}
	start := time.Now()
	var b bytes.Buffer
	if err := WriteSVG(&b, tree, DrawOptions{}); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("%d nodes: %d bytes in %v", len(tree.Nodes()), b.Len(), took)
	svgCheck(t, b.Bytes())
	// About a tenth of a second on a laptop; the bound only catches a
	// blow-up, not a slow or busy machine (or the race detector).
	if took > 30*time.Second {
		t.Errorf("took %v", took)
	}
	// A long chain, deep rather than wide, with a shared leaf at the bottom.
	leaf := drawLeaf("bottom", "bottom", 1, 1)
	n := leaf
	for i := range 3000 {
		n = drawGate(And, "c"+strconv.Itoa(i), "chain", n, leaf)
	}
	b.Reset()
	start = time.Now()
	if err := WriteSVG(&b, &Tree{ID: "chain", Root: n}, DrawOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("chain of 3000: %d bytes in %v", b.Len(), time.Since(start))
	svgCheck(t, b.Bytes())
}

func TestDrawErrors(t *testing.T) {
	a := drawGate(And, "a", "a")
	a.Children = []*Node{drawGate(Or, "b", "b", a)}
	for _, tree := range []*Tree{nil, {ID: "empty"}, {ID: "cycle", Root: a}} {
		if err := WriteSVG(io.Discard, tree, DrawOptions{}); err == nil {
			t.Errorf("WriteSVG(%v): no error", tree)
		}
		if err := WriteDOT(io.Discard, tree, DrawOptions{}); err == nil {
			t.Errorf("WriteDOT(%v): no error", tree)
		}
	}
}

func TestDrawNum(t *testing.T) {
	for x, want := range map[float64]string{0: "0", 1000: "1000", 12345: "12,345", 0.3: "0.3", 1234.5: "1234.5", 98765.432: "98,765.43", -2: "-2", 0.00001: "1e-05"} {
		if got := drawNum(x); got != want {
			t.Errorf("drawNum(%v) = %q, want %q", x, got, want)
		}
	}
	if got := drawWrap("a very long name that wraps", 10, drawRunes, 0); len(got) != 3 {
		t.Errorf("wrap: %q", got)
	}
	if got := drawWrap("supercalifragilistic", 8, drawRunes, 2); strings.Join(got, "|") != "supercal|ifragil…" {
		t.Errorf("wrap with cut and ellipsis: %q", got)
	}
	re := regexp.MustCompile(`^[0-9.-]+$`)
	for _, x := range []float64{0, -0.04, 12.345, 1e6} {
		if s := f1(x); !re.MatchString(s) {
			t.Errorf("f1(%v) = %q", x, s)
		}
	}
}

// TestDrawWords checks that a drawing writes the words and numbers it is
// given, and English (the golden files) without them.
func TestDrawWords(t *testing.T) {
	tree, opt := drawSmallTree()
	var en bytes.Buffer
	if err := WriteSVG(&en, tree, opt); err != nil {
		t.Fatal(err)
	}
	opt.Words = &DrawWords{Attack: "Attaque", Defence: "Défense", Cost: "coût", P: "p",
		Describe: "Arbre %q de but %q : %d {3:nœud|nœuds} (%d d'attaque, %d de défense)",
		Num:      func(x float64) string { return strings.ReplaceAll(strconv.FormatFloat(x, 'f', -1, 64), ".", ",") },
		// A translator's formatter, which picks the forms of the words
		// (here crudely: the test's tree has several nodes).
		Sprintf: func(format string, args ...any) string {
			return fmt.Sprintf(strings.ReplaceAll(format, "{3:nœud|nœuds}", "nœuds"), args...)
		}}
	var fr bytes.Buffer
	if err := WriteSVG(&fr, tree, opt); err != nil {
		t.Fatal(err)
	}
	got := fr.String()
	if strings.Contains(got, "{3:") {
		t.Error("the description was not formatted by the Sprintf given")
	}
	for _, want := range []string{">Attaque</text>", ">Défense</text>", "coût ", "Arbre ", " nœuds ("} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in the drawing with French words", want)
		}
	}
	if !strings.Contains(got, "p 0,") {
		t.Error("the numbers are not written by Num")
	}
	// Words left empty stay English.
	if !strings.Contains(got, "Countermeasure") && strings.Contains(en.String(), "Countermeasure") {
		t.Error("an empty word is not English")
	}
	for _, w := range []string{">Attack</text>", "Attack-defence tree"} {
		if !strings.Contains(en.String(), w) {
			t.Errorf("no %q in the English drawing", w)
		}
		if strings.Contains(got, w) {
			t.Errorf("%q in the French drawing", w)
		}
	}
}

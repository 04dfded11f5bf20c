package adtree

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

// Interchange tests: every sample file and every tree of the example models
// goes import → export → import (through the model's YAML where it starts
// as ADTool XML) and comes back the same, and what is written is a file
// ADTool 2 itself opens.

// exampleTree is a tree of one of the example models.
type exampleTree struct {
	file  string
	model *model.Model
	tree  *model.Tree
}

func exampleTrees(t *testing.T) []exampleTree {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example models: %v", err)
	}
	var out []exampleTree
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := model.Decode(f, src)
		if err != nil {
			t.Fatal(err)
		}
		for i := range m.Trees {
			out = append(out, exampleTree{filepath.Base(f), m, &m.Trees[i]})
		}
	}
	if len(out) < 2 {
		t.Fatalf("only %d example trees", len(out))
	}
	return out
}

// contexts are the evaluation contexts a round trip must not change: every
// defence in force, none in force (bar those without a control), and a
// skill limit.
func contexts() map[string]Context {
	return map[string]Context{
		"all defences":    {Cheapest: 5},
		"no controls":     {Cheapest: 5, InForce: func(string) bool { return false }},
		"skill 3":         {Cheapest: 5, MaxSkill: 3},
		"first half only": {Cheapest: 3, InForce: func(c string) bool { return c < "m" }},
	}
}

// sameEvaluation requires the very same results, notes included.
func sameEvaluation(t *testing.T, a, b *Tree) {
	t.Helper()
	for name, ctx := range contexts() {
		ra, rb := Evaluate(a, ctx), Evaluate(b, ctx)
		ra.ID, rb.ID = "", "" // compared with the trees
		if !reflect.DeepEqual(ra, rb) {
			ja, _ := json.MarshalIndent(ra, "", " ")
			jb, _ := json.MarshalIndent(rb, "", " ")
			t.Errorf("%s: results differ:\n%s\n%s", name, ja, jb)
		}
	}
}

// sameModelTree compares two trees in the form the model writes them.
func sameModelTree(t *testing.T, want, got *Tree) {
	t.Helper()
	mw, mg := ToModel(want), ToModel(got)
	if !reflect.DeepEqual(mw, mg) {
		yw, _ := model.MarshalTrees([]model.Tree{mw})
		yg, _ := model.MarshalTrees([]model.Tree{mg})
		t.Errorf("trees differ:\nwant\n%s\ngot\n%s", yw, yg)
	}
	if want.SequentialAnd != got.SequentialAnd {
		t.Errorf("sequential and: %v, read back %v", want.SequentialAnd, got.SequentialAnd)
	}
}

func export(t *testing.T, tr *Tree, format ADToolFormat) ([]byte, []string, *ADToolTree) {
	t.Helper()
	var b bytes.Buffer
	warnings, err := WriteADToolAs(&b, tr, ADToolOptions{Format: format})
	if err != nil {
		t.Fatal(err)
	}
	x, err := ParseADTool(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if len(x.Warnings) > 0 {
		t.Errorf("reading back what was written warns: %q", x.Warnings)
	}
	opensInADTool(t, b.Bytes())
	return b.Bytes(), warnings, x
}

// TestExampleTreesRoundTrip: each example tree, which has sequential steps
// and defences, is written as an adtree (ADTool's format for defences)
// with a warning naming every sequential node ADTool reads as conjunctive,
// and reads back as the very same tree: ids, names, descriptions, gates,
// controls, values, and every figure.
func TestExampleTreesRoundTrip(t *testing.T) {
	for _, et := range exampleTrees(t) {
		t.Run(et.file+"/"+et.tree.ID, func(t *testing.T) {
			orig := FromModelIn(et.model, et.tree)
			data, warnings, x := export(t, orig, ADToolAuto)
			if x.Sand || !bytes.HasPrefix(data, []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<adtree>")) {
				t.Errorf("not written as an adtree:\n%.200s", data)
			}
			sameModelTree(t, orig, x.Tree)
			sameEvaluation(t, orig, x.Tree)
			var sand []string
			for _, n := range orig.Nodes() {
				if n.Gate == Sand {
					sand = append(sand, n.ID)
				}
			}
			if len(sand) == 0 {
				t.Fatal("the example tree has no sequential step")
			}
			all := strings.Join(warnings, "\n")
			if len(warnings) != 1 || !strings.Contains(all, "sequential") {
				t.Errorf("warnings %q", warnings)
			}
			for _, id := range sand {
				if !strings.Contains(all, id) {
					t.Errorf("the warning does not name sequential node %q: %s", id, all)
				}
			}
			// Written again from what was read, the same bytes.
			var again bytes.Buffer
			if _, err := WriteADToolAs(&again, x.Tree, ADToolOptions{}); err != nil || !bytes.Equal(again.Bytes(), data) {
				t.Errorf("written twice differently (%v)", err)
			}
		})
	}
}

// withoutCountermeasures is t with every countermeasure (and what only
// they lead to) removed: what a sandtree can hold of it.
func withoutCountermeasures(t *Tree) *Tree {
	copies := map[*Node]*Node{}
	var cp func(n *Node) *Node
	cp = func(n *Node) *Node {
		if c, ok := copies[n]; ok {
			return c
		}
		c := *n
		c.Counters = nil
		c.Children = nil
		copies[n] = &c
		for _, k := range n.Children {
			c.Children = append(c.Children, cp(k))
		}
		return &c
	}
	out := *t
	out.Root = cp(t.Root)
	return &out
}

// TestExampleTreesAsSandtree: asked for a sandtree, the export drops the
// defences, which a sandtree cannot hold, and says which: what reads back
// is exactly the tree without its countermeasures.
func TestExampleTreesAsSandtree(t *testing.T) {
	for _, et := range exampleTrees(t) {
		t.Run(et.file+"/"+et.tree.ID, func(t *testing.T) {
			orig := FromModelIn(et.model, et.tree)
			_, warnings, x := export(t, orig, ADToolSandTree)
			if !x.Sand {
				t.Error("not written as a sandtree")
			}
			want := withoutCountermeasures(orig)
			sameModelTree(t, want, x.Tree)
			sameEvaluation(t, want, x.Tree)
			all := strings.Join(warnings, "\n")
			if !strings.Contains(all, "countermeasures") {
				t.Errorf("warnings %q", warnings)
			}
			for _, n := range orig.Nodes() {
				for _, c := range n.Counters {
					if !strings.Contains(all, strconv.Quote(c.ID)) {
						t.Errorf("the warning does not name dropped countermeasure %q", c.ID)
					}
				}
			}
			if r, w := Evaluate(orig, Context{}), Evaluate(want, Context{}); reflect.DeepEqual(r.Probability, w.Probability) {
				t.Error("the defences should matter to the figures")
			} else if !strings.Contains(all, "P(success)") {
				t.Errorf("the warning does not say how the figures change: %s", all)
			}
		})
	}
}

// minimalWith is the minimal example model with trees added.
func minimalWith(t *testing.T, trees []byte) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return append(append(src, '\n'), trees...)
}

// TestSamplesRoundTripThroughModel: each sample file is imported (its
// tree as the model's YAML), the YAML read as a model, exported again and
// imported again: the same tree and the same figures every time, and the
// same file as writing the first import directly. What the files hold
// that scrutin does not read (other domains, derived values, rankings) is
// reported by warnings on the first import and not written back.
func TestSamplesRoundTripThroughModel(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "adtool", "*.xml"))
	if len(files) != 4 {
		t.Fatalf("samples: %v", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			x := parseFile(t, filepath.Base(f))
			y, err := model.MarshalTrees([]model.Tree{ToModel(x.Tree)})
			if err != nil {
				t.Fatal(err)
			}
			m, err := model.Decode("imported.yaml", minimalWith(t, y))
			if err != nil {
				t.Fatalf("%v\n%s", err, y)
			}
			fromYAML := FromModel(&m.Trees[0])
			sameModelTree(t, x.Tree, fromYAML)
			sameEvaluation(t, x.Tree, fromYAML)
			data, warnings, back := export(t, fromYAML, ADToolAuto)
			if len(warnings) > 0 {
				t.Errorf("export warnings %q", warnings)
			}
			if back.Sand != x.Sand {
				t.Errorf("sandtree %v, read back %v", x.Sand, back.Sand)
			}
			sameModelTree(t, x.Tree, back.Tree)
			sameEvaluation(t, x.Tree, back.Tree)
			var direct bytes.Buffer
			if err := x.Write(&direct); err != nil || !bytes.Equal(direct.Bytes(), data) {
				t.Errorf("through the model the file differs (%v):\n%s\n%s", err, direct.String(), data)
			}
			// What differs: mail-leak.xml's DiffLMH domain (named in the
			// import's warning), ADTool's derived values and its ranking
			// are not written back; nor is the comment at the top.
			if filepath.Base(f) == "mail-leak.xml" {
				if len(x.Warnings) != 1 || !strings.Contains(x.Warnings[0], `domain "DiffLMH1"`) {
					t.Errorf("warnings %q", x.Warnings)
				}
				for _, gone := range []string{"DiffLMH", `category="derived"`, "<ranking", "Written in the style"} {
					if bytes.Contains(data, []byte(gone)) {
						t.Errorf("%s is written back", gone)
					}
				}
				if !bytes.Contains(data, []byte("<comment>A hack-and-leak with forgeries; expert estimates.</comment>")) {
					t.Error("the root's comment is not written back")
				}
			}
		})
	}
}

// TestSampleInfinities: the samples' Infinity values are read as steps or
// bypasses that cannot be done, reach the YAML as .inf where they are on
// an attack step, and leave no trace on a defence (no bypass at all).
func TestSampleInfinities(t *testing.T) {
	for _, f := range []string{"results.xml", "mail-leak.xml"} {
		x := parseFile(t, f)
		for _, n := range x.Tree.Nodes() {
			if n.Role == Defence && n.Has&AttrCost != 0 && math.IsInf(n.Cost, 1) {
				t.Errorf("%s: defence %q keeps an infinite bypass cost; it is no bypass", f, n.ID)
			}
		}
	}
	src := `<adtree><node refinement="disjunctive"><label>Goal</label>` +
		`<node><label>Impossible</label><parameter domainId="C" category="basic">Infinity</parameter><parameter domainId="S" category="basic">Infinity</parameter></node>` +
		`<node><label>Possible</label><parameter domainId="C" category="basic">4</parameter><parameter domainId="S" category="basic">2</parameter></node></node>` +
		`<domain id="C"><class>lu.uni.adtool.domains.adtpredefined.MinCost</class><tool>ADTool2</tool></domain>` +
		`<domain id="S"><class>lu.uni.adtool.domains.adtpredefined.MinSkill</class><tool>ADTool2</tool><range>2147483647</range></domain></adtree>`
	x, err := ParseADTool(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	y, err := model.MarshalTrees([]model.Tree{ToModel(x.Tree)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(y), "cost: .inf") || !strings.Contains(string(y), "skill: .inf") {
		t.Errorf("YAML:\n%s", y)
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `<parameter domainId="MinCost1" category="basic">Infinity</parameter>`) {
		t.Errorf("written:\n%s", b.String())
	}
}

// opensInADTool checks what ADTool 2's importer requires of a file (read
// in its source, lu.uni.adtool.tree.TreeLayout.importXml and the node
// classes): a <sandtree> holds sandtree domains only (the predefined
// MinTime, or the custom ones with their name, description, or, and, sand
// and defaultValue); an <adtree> holds adtree domains, MinSkill with its
// <range>; in an adtree refinements are disjunctive or conjunctive (it
// reads anything else as conjunctive) and a sandtree has no switchRole;
// every parameter has a category, and each value is one that ADTool's
// domain reads (Java's doubles, Infinity; MinSkill integers; ProbSucc
// within [0, 1]); a node has at most one <comment>, the only one ADTool
// keeps.
func opensInADTool(t *testing.T, data []byte) {
	t.Helper()
	for _, p := range adtoolProblems(data) {
		t.Error(p)
	}
}

// adtoolProblems lists what in data ADTool 2 would not open or read.
func adtoolProblems(data []byte) []string {
	var problems []string
	errorf := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	type param struct {
		Domain   string `xml:"domainId,attr"`
		Category string `xml:"category,attr"`
		Value    string `xml:",chardata"`
	}
	type node struct {
		Refinement string   `xml:"refinement,attr"`
		SwitchRole string   `xml:"switchRole,attr"`
		Label      []string `xml:"label"`
		Comments   []string `xml:"comment"`
		Params     []param  `xml:"parameter"`
		Nodes      []node   `xml:"node"`
	}
	type domain struct {
		ID      string  `xml:"id,attr"`
		Class   string  `xml:"class"`
		Tool    string  `xml:"tool"`
		Range   *string `xml:"range"`
		Name    *string `xml:"name"`
		Desc    *string `xml:"description"`
		Or      *string `xml:"or"`
		And     *string `xml:"and"`
		Sand    *string `xml:"sand"`
		Default *string `xml:"defaultValue"`
	}
	var doc struct {
		XMLName xml.Name
		Node    []node   `xml:"node"`
		Domains []domain `xml:"domain"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return []string{fmt.Sprintf("not XML: %v", err)}
	}
	sand := doc.XMLName.Local == "sandtree"
	if !sand && doc.XMLName.Local != "adtree" || len(doc.Node) != 1 {
		return []string{fmt.Sprintf("root <%s> with %d nodes", doc.XMLName.Local, len(doc.Node))}
	}
	class := map[string]string{}
	javaDouble := regexp.MustCompile(`^(Infinity|[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?|\.[0-9]+([eE][-+]?[0-9]+)?)$`)
	for _, d := range doc.Domains {
		class[d.ID] = d.Class
		custom := strings.HasPrefix(d.Class, "lu.uni.adtool.domains.custom.")
		switch {
		case sand && !(strings.HasPrefix(d.Class, "lu.uni.adtool.domains.sandpredefined.") || custom && strings.Contains(d.Class, ".Sand")):
			errorf("domain %s: class %s in a sandtree (ADTool casts it to a sandtree domain and fails)", d.ID, d.Class)
		case !sand && !(strings.HasPrefix(d.Class, "lu.uni.adtool.domains.adtpredefined.") || custom && strings.Contains(d.Class, ".Adt")):
			errorf("domain %s: class %s in an adtree", d.ID, d.Class)
		}
		if custom && sand && (d.Name == nil || d.Desc == nil || d.Or == nil || d.And == nil || d.Sand == nil || d.Default == nil) {
			errorf("custom domain %s lacks one of name, description, or, and, sand, defaultValue", d.ID)
		}
		if custom && d.Default != nil && !javaDouble.MatchString(*d.Default) {
			errorf("custom domain %s: default %q", d.ID, *d.Default)
		}
		if strings.HasSuffix(d.Class, ".MinSkill") {
			if d.Range == nil {
				errorf("domain %s: MinSkill without <range> (ADTool fails on it)", d.ID)
			} else if _, err := strconv.ParseInt(*d.Range, 10, 32); err != nil {
				errorf("domain %s: range %q", d.ID, *d.Range)
			}
		}
	}
	var walk func(n node, root bool)
	walk = func(n node, root bool) {
		if len(n.Label) != 1 || n.Label[0] == "" {
			errorf("node with labels %q", n.Label)
		}
		if len(n.Comments) > 1 {
			errorf("node %q has %d comments; ADTool keeps the first only", n.Label, len(n.Comments))
		}
		refinements := []string{"disjunctive", "conjunctive"}
		if sand {
			refinements = append(refinements, "sequential")
			if n.SwitchRole != "" {
				errorf("node %q: switchRole in a sandtree", n.Label)
			}
		}
		if !slices.Contains(refinements, n.Refinement) {
			errorf("node %q: refinement %q", n.Label, n.Refinement)
		}
		for _, p := range n.Params {
			c, ok := class[p.Domain]
			if !ok || p.Category != "basic" {
				errorf("node %q: parameter %+v", n.Label, p)
				continue
			}
			switch {
			case strings.HasSuffix(c, ".MinSkill"):
				// ADTool reads integers; another skill falls back to its
				// default there (the writer warns), and scrutin reads it.
				if !javaDouble.MatchString(p.Value) {
					errorf("node %q: skill %q", n.Label, p.Value)
				}
			case !javaDouble.MatchString(p.Value):
				errorf("node %q: value %q", n.Label, p.Value)
			case strings.HasSuffix(c, ".ProbSucc"):
				if v, _ := strconv.ParseFloat(p.Value, 64); v < 0 || v > 1 {
					errorf("node %q: probability %q", n.Label, p.Value)
				}
			}
		}
		for _, k := range n.Nodes {
			walk(k, false)
		}
	}
	walk(doc.Node[0], true)
	return problems
}

// TestOpensInADToolChecker: the checker itself refuses what ADTool
// refuses: deface.xml, written in scrutin's earlier form, has an adtree
// domain class in a sandtree, and a MinSkill domain needs its range.
func TestOpensInADToolChecker(t *testing.T) {
	deface, err := os.ReadFile(filepath.Join("testdata", "adtool", "deface.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if p := adtoolProblems(deface); len(p) != 1 || !strings.Contains(p[0], "adtpredefined.MinCost in a sandtree") {
		t.Errorf("deface.xml: %q", p)
	}
	skill := `<adtree><node refinement="disjunctive"><label>a</label><parameter domainId="S" category="basic">2</parameter></node>` +
		`<domain id="S"><class>lu.uni.adtool.domains.adtpredefined.MinSkill</class><tool>ADTool2</tool></domain></adtree>`
	if p := adtoolProblems([]byte(skill)); len(p) != 1 || !strings.Contains(p[0], "without <range>") {
		t.Errorf("MinSkill: %q", p)
	}
}

// TestADToolDirectives: what scrutin writes in a node's comment, and
// reads back: the node's description, its id when the label would give
// another, the tree's id, name and description on the root, a sequential
// node in an adtree, a defence's control. ADTool keeps the comment as the
// node's comment.
func TestADToolDirectives(t *testing.T) {
	keys := &Node{ID: "keys", Name: "Security keys", Role: Defence, Control: "security-keys", Has: AttrProbability, Probability: 0.9,
		Description: "Phishing-resistant.\nFIDO2 keys."}
	phish := &Node{ID: "phish", Name: "Phish", Has: AttrCost, Cost: 10, Counters: []*Node{keys}}
	leak := &Node{ID: "leak", Name: "Leak", Has: AttrCost, Cost: 5}
	root := &Node{ID: "goal", Name: "Steal and leak", Gate: Sand, Children: []*Node{phish, leak}, Description: "The goal."}
	tr := &Tree{ID: "hack-and-leak", Name: "Hack and leak \"2016\"", Description: "Two lines:\nthe second.", Root: root}
	data, warnings, x := export(t, tr, ADToolAuto)
	for _, want := range []string{
		"<label>Steal and leak</label>\n\t\t<comment>The goal.\nscrutin-id: goal\nscrutin-tree: hack-and-leak\nscrutin-tree-name: \"Hack and leak \\\"2016\\\"\"\nscrutin-tree-description: \"Two lines:\\nthe second.\"\nscrutin-gate: sand</comment>",
		"<label>Security keys</label>\n\t\t\t\t<comment>Phishing-resistant.\nFIDO2 keys.\nscrutin-id: keys\nscrutin-control: security-keys</comment>",
		"<label>Leak</label>\n\t\t\t<parameter",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("written file lacks\n%s\n%s", want, data)
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `"goal"`) {
		t.Errorf("warnings %q", warnings)
	}
	sameModelTree(t, tr, x.Tree)
	if x.Tree.ID != tr.ID || x.Tree.Name != tr.Name || x.Tree.Description != tr.Description {
		t.Errorf("tree %q %q %q", x.Tree.ID, x.Tree.Name, x.Tree.Description)
	}

	// As ADTool writes the comment back after an edit, and with
	// directives scrutin does not know or cannot use.
	const domains = `<domain id="C"><class>lu.uni.adtool.domains.adtpredefined.MinCost</class><tool>ADTool2</tool></domain>`
	tests := []struct {
		name, xml string
		err       string
		check     func(t *testing.T, x *ADToolTree)
	}{
		{name: "explicit ids", xml: `<adtree><node refinement="disjunctive"><label>Goal</label><comment>scrutin-id: g</comment>` +
			`<node><label>A</label><comment>  scrutin-id:   x1  </comment><parameter domainId="C" category="basic">1</parameter></node>` +
			`<node><label>x1</label><parameter domainId="C" category="basic">2</parameter></node></node>` + domains + `</adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				// The label x1 would be the id x1, which A claims: A keeps it.
				if x.Tree.ID != "g" || byName(x.Tree, "A").ID != "x1" || byName(x.Tree, "x1").ID != "x1-2" {
					t.Errorf("ids %q %q %q", x.Tree.ID, byName(x.Tree, "A").ID, byName(x.Tree, "x1").ID)
				}
			}},
		{name: "invalid id", xml: `<adtree><node><label>Goal</label><comment>scrutin-id: not an id</comment></node></adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				if x.Tree.Root.ID != "goal" || len(x.Warnings) != 1 || !strings.Contains(x.Warnings[0], `scrutin-id "not an id" is not a valid id`) {
					t.Errorf("id %q warnings %q", x.Tree.Root.ID, x.Warnings)
				}
			}},
		{name: "an id claimed twice", xml: `<adtree><node refinement="disjunctive"><label>Goal</label>` +
			`<node><label>A</label><comment>scrutin-id: x</comment></node><node><label>B</label><comment>scrutin-id: x</comment></node></node></adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				if byName(x.Tree, "A").ID != "x" || byName(x.Tree, "B").ID != "x-2" || len(x.Warnings) != 1 || !strings.Contains(x.Warnings[0], `scrutin-id "x" is given to more than one node`) {
					t.Errorf("ids %q %q warnings %q", byName(x.Tree, "A").ID, byName(x.Tree, "B").ID, x.Warnings)
				}
			}},
		{name: "sequential in an adtree", xml: `<adtree><node refinement="conjunctive"><label>G</label><comment>Two steps.
scrutin-gate: sand</comment><node><label>a</label></node><node><label>b</label></node></node></adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				if x.Tree.Root.Gate != Sand || x.Tree.Root.Description != "Two steps." || len(x.Warnings) != 0 {
					t.Errorf("root %+v warnings %q", x.Tree.Root, x.Warnings)
				}
			}},
		{name: "sequential marker on an or", xml: `<adtree><node refinement="disjunctive"><label>G</label><comment>scrutin-gate: sand</comment><node><label>a</label></node><node><label>b</label></node></node></adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				if x.Tree.Root.Gate != Or || len(x.Warnings) != 1 || !strings.Contains(x.Warnings[0], `scrutin-gate`) {
					t.Errorf("root %+v warnings %q", x.Tree.Root, x.Warnings)
				}
			}},
		{name: "sequential marker on a defence", xml: `<adtree><node refinement="disjunctive"><label>G</label><node refinement="conjunctive" switchRole="yes"><label>D</label><comment>scrutin-gate: sand</comment><node><label>d1</label></node><node><label>d2</label></node></node></node></adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				if d := byName(x.Tree, "D"); d.Gate != And || len(x.Warnings) != 1 {
					t.Errorf("D %+v warnings %q", d, x.Warnings)
				}
			}},
		{name: "tree directives below the root", xml: `<adtree><node refinement="disjunctive"><label>G</label><node><label>a</label><comment>scrutin-tree: t</comment></node></node></adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				if x.Tree.ID != "g" || len(x.Warnings) != 1 || !strings.Contains(x.Warnings[0], "scrutin-tree") {
					t.Errorf("tree %q warnings %q", x.Tree.ID, x.Warnings)
				}
			}},
		{name: "tree name not quoted", xml: `<adtree><node><label>G</label><comment>scrutin-tree-name: Plain name</comment></node></adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				if x.Tree.Name != "Plain name" {
					t.Errorf("name %q warnings %q", x.Tree.Name, x.Warnings)
				}
			}},
		{name: "unknown directive is text", xml: `<adtree><node><label>G</label><comment>scrutin-colour: red</comment></node></adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				if x.Tree.Root.Description != "scrutin-colour: red" {
					t.Errorf("description %q", x.Tree.Root.Description)
				}
			}},
		{name: "ids differ between occurrences", xml: `<adtree><node refinement="conjunctive"><label>G</label>` +
			`<node><label>a</label><comment>scrutin-id: a1</comment></node><node><label>a</label><comment>scrutin-id: a2</comment></node></node></adtree>`,
			err: `its id differs`},
		{name: "several comments", xml: `<adtree><node><label>G</label><comment>One.</comment><comment>scrutin-id: g1</comment><comment>Two.</comment></node></adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				if x.Tree.Root.ID != "g1" || x.Tree.Root.Description != "One.\nTwo." {
					t.Errorf("root %+v", x.Tree.Root)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := ParseADTool(strings.NewReader(tt.xml))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := x.Tree.Check(); err != nil {
				t.Fatal(err)
			}
			tt.check(t, x)
		})
	}
}

// TestSandtreeCustomDomains: ADTool's sandtree has a predefined time
// domain only; costs, probabilities and skills go in custom real domains
// whose operations say what they are, which scrutin recognises as ADTool
// writes them back (its own spacing), and a custom domain of other
// operations is reported and not read.
func TestSandtreeCustomDomains(t *testing.T) {
	custom := func(id, or, and, sand string) string {
		return fmt.Sprintf(`<domain id="%s"><class>lu.uni.adtool.domains.custom.SandRealDomain</class><tool>ADTool2</tool>`+
			`<name>%s</name><description>d</description><or>%s</or><and>%s</and><sand>%s</sand><defaultValue>0</defaultValue></domain>`, id, id, or, and, sand)
	}
	src := `<sandtree><node refinement="sequential"><label>G</label>` +
		`<node><label>a</label><parameter domainId="C" category="basic">1.0</parameter><parameter domainId="P" category="basic">0.5</parameter><parameter domainId="S" category="basic">2.0</parameter><parameter domainId="X" category="basic">7</parameter></node>` +
		`<node><label>b</label><parameter domainId="C" category="basic">Infinity</parameter><parameter domainId="P" category="basic">0.25</parameter><parameter domainId="S" category="basic">3.0</parameter><parameter domainId="X" category="basic">7</parameter></node></node>` +
		custom("C", "min(x, y)", "x + y", "x + y") + custom("P", "x + y - x * y", "x * y", "x * y") +
		custom("S", "min(x, y)", "max(x, y)", "max(x, y)") + custom("X", "x * y", "x + y", "x") + `</sandtree>`
	x, err := ParseADTool(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if x.Attrs != AttrCost|AttrProbability|AttrSkill || len(x.Warnings) != 1 || !strings.Contains(x.Warnings[0], `domain "X"`) {
		t.Errorf("attrs %b warnings %q", x.Attrs, x.Warnings)
	}
	a, b := byName(x.Tree, "a"), byName(x.Tree, "b")
	if a.Cost != 1 || a.Probability != 0.5 || a.Skill != 2 || !math.IsInf(b.Cost, 1) || b.Skill != 3 {
		t.Errorf("a %+v b %+v", a, b)
	}
}

// TestADToolInfinityPerDomain: ADTool writes an infinite value "Infinity".
// In a cost, time or skill domain it is a step that cannot be done; a
// probability has no infinity; on a defence, an infinite bypass cost is no
// bypass and a time or skill is not read.
func TestADToolInfinityPerDomain(t *testing.T) {
	domain := func(class string) string {
		return `<domain id="D"><class>` + class + `</class><tool>ADTool2</tool><range>2147483647</range></domain>`
	}
	leaves := func(v string) string {
		return `<node refinement="disjunctive"><label>Goal</label>` +
			`<node><label>Impossible</label><parameter domainId="D" category="basic">` + v + `</parameter></node>` +
			`<node><label>Possible</label><parameter domainId="D" category="basic">3</parameter></node></node>`
	}
	for _, tt := range []struct {
		class string
		sand  bool
		attr  Attr
	}{
		{ClassMinCost, false, AttrCost}, {ClassMinTimePar, false, AttrTime}, {ClassMinTimeSeq, false, AttrTime},
		{ClassMinSkill, false, AttrSkill}, {ClassSandMinTime, true, AttrTime},
	} {
		root := "adtree"
		if tt.sand {
			root = "sandtree"
		}
		src := "<" + root + ">" + leaves("Infinity") + domain(tt.class) + "</" + root + ">"
		x, err := ParseADTool(strings.NewReader(src))
		if err != nil {
			t.Fatalf("%s: %v", tt.class, err)
		}
		n := byName(x.Tree, "Impossible")
		if n.Has != tt.attr || !math.IsInf(attrValue(n, tt.attr), 1) {
			t.Errorf("%s: %+v", tt.class, n)
		}
		r := Evaluate(x.Tree, Context{})
		if len(r.Cheapest) != 1 || r.Cheapest[0].Leaves[0] != "possible" {
			t.Errorf("%s: the impossible step is attempted: %+v", tt.class, r.Cheapest)
		}
		for _, f := range []*float64{r.MinCost, r.MinTime, r.MinSkill} {
			if f != nil && *f != 3 {
				t.Errorf("%s: figure %v, want 3", tt.class, *f)
			}
		}
	}
	for _, v := range []string{"Infinity", "-Infinity", "NaN", "1.5"} {
		src := "<adtree>" + leaves(v) + domain(ClassProbSucc) + "</adtree>"
		if _, err := ParseADTool(strings.NewReader(src)); err == nil {
			t.Errorf("probability %s accepted", v)
		} else if v == "Infinity" && !strings.Contains(err.Error(), `probability Infinity of node "Impossible" lies outside [0, 1]`) {
			t.Errorf("probability Infinity: %v", err)
		}
	}
	src := "<adtree>" + leaves("-Infinity") + domain(ClassMinCost) + "</adtree>"
	if _, err := ParseADTool(strings.NewReader(src)); err == nil || !strings.Contains(err.Error(), "negative cost -Infinity") {
		t.Errorf("-Infinity: %v", err)
	}
	// A defence: an infinite bypass cost is none; an infinite time is not
	// a defence's and is reported.
	src = `<adtree><node><label>a</label><parameter domainId="C" category="basic">1</parameter>` +
		`<node switchRole="yes"><label>d</label><parameter domainId="C" category="basic">Infinity</parameter><parameter domainId="T" category="basic">Infinity</parameter></node></node>` +
		`<domain id="C"><class>` + ClassMinCost + `</class></domain><domain id="T"><class>` + ClassMinTimePar + `</class></domain></adtree>`
	x, err := ParseADTool(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if d := byName(x.Tree, "d"); d.Has != 0 || len(x.Warnings) != 1 || !strings.Contains(x.Warnings[0], `time or skill value on defence "d"`) {
		t.Errorf("d %+v warnings %q", d, x.Warnings)
	}
}

package adtree

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

func parseFile(tb testing.TB, name string) *ADToolTree {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", "adtool", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	x, err := ParseADTool(f)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return x
}

func figure(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func close12(a, b float64) bool {
	if a == b {
		return true
	}
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b))
}

// byName finds a node of the tree by name.
func byName(t *Tree, name string) *Node {
	for _, n := range t.Nodes() {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// TestADToolFixtures checks that the imported fixtures mean what they say:
// figures computed by hand from the files.
func TestADToolFixtures(t *testing.T) {
	tests := []struct {
		file        string
		sand        bool
		attrs       Attr
		nodes       int
		shared      bool
		minCost     float64
		probability float64 // NaN: none
		minTime     float64 // NaN: none
		warnings    int
		ids         map[string]string // name → id
	}{
		{
			// Phishing (1000) is stopped by security keys unless a session
			// token is stolen (8000); altering the file costs 500: 9500.
			// Bribery (20000) needs the four-eyes check bypassed (5000).
			// P = 1 − (1 − 0.4·(1 − 0.9·(1 − 0.2))·0.9)·(1 − 0.1·(1 − 0.7)).
			file: "results.xml", attrs: AttrCost | AttrProbability, nodes: 8,
			minCost: 9500, probability: 1 - (1-0.4*(1-0.9*(1-0.2))*0.9)*(1-0.1*(1-0.7)), minTime: math.NaN(),
			ids: map[string]string{"Alter the results": "alter-the-results", "Four-eyes check": "four-eyes-check"},
		},
		{
			// The defences form an and (active when both are): getting round
			// them costs min(∞ for training, 3000 for filtering); phishing
			// 2000 + 3000 = 5000 beats the password (6000); publishing 1000.
			// P(phish) = 0.5·(1 − 0.6·0.5) = 0.35; mailbox 1 − 0.65·0.95;
			// all: 0.3825·0.95.
			file: "mail-leak.xml", attrs: AttrCost | AttrProbability, nodes: 8,
			minCost: 6000, probability: 0.3825 * 0.95, minTime: math.NaN(), warnings: 1,
			ids: map[string]string{"Hameçonner l’équipe": "hameconner-l-equipe", "Publish & add forgeries": "publish-add-forgeries"},
		},
		{
			// Sequential: 2 + 5 + 1 = 8; DDoS in parallel: max(3, 1) = 3.
			file: "deface.xml", sand: true, attrs: AttrCost | AttrTime, nodes: 8,
			minCost: 3300, probability: math.NaN(), minTime: 3,
			ids: map[string]string{"Rent a botnet": "rent-a-botnet", "DDoS": "ddos"},
		},
		{
			file: "design-dag.xml", attrs: AttrCost | AttrProbability, nodes: 8, shared: true,
			minCost: 25, probability: 0.3125, minTime: math.NaN(),
			ids: map[string]string{"a": "a", "b": "b", "Reach the goal": "reach-the-goal"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			x := parseFile(t, tt.file)
			if x.Sand != tt.sand || x.Attrs != tt.attrs || x.RootSwitchRole {
				t.Errorf("sand %v attrs %b switch %v, want %v %b false", x.Sand, x.Attrs, x.RootSwitchRole, tt.sand, tt.attrs)
			}
			if err := x.Tree.Check(); err != nil {
				t.Fatal(err)
			}
			if n := len(x.Tree.Nodes()); n != tt.nodes {
				t.Errorf("%d nodes, want %d", n, tt.nodes)
			}
			if len(x.Warnings) != tt.warnings {
				t.Errorf("warnings %q, want %d", x.Warnings, tt.warnings)
			}
			for name, id := range tt.ids {
				if n := byName(x.Tree, name); n == nil || n.ID != id {
					t.Errorf("node %q: %+v, want id %q", name, n, id)
				}
			}
			r := Evaluate(x.Tree, Context{})
			if r.Shared != tt.shared || !r.Exact {
				t.Errorf("shared %v exact %v, notes %q", r.Shared, r.Exact, r.Notes)
			}
			if !close12(figure(r.MinCost), tt.minCost) || !close12(figure(r.Probability), tt.probability) || !close12(figure(r.MinTime), tt.minTime) {
				t.Errorf("cost %v probability %v time %v, want %v %v %v", figure(r.MinCost), figure(r.Probability), figure(r.MinTime), tt.minCost, tt.probability, tt.minTime)
			}
		})
	}
}

func TestADToolDefences(t *testing.T) {
	x := parseFile(t, "results.xml")
	keys := byName(x.Tree, "Security keys")
	eyes := byName(x.Tree, "Four-eyes check")
	token := byName(x.Tree, "Steal a session token")
	// Its bypass cost is Infinity: no bypass at all.
	if keys.Role != Defence || keys.Control != "security-keys" || keys.Has != AttrProbability || keys.Probability != 0.9 {
		t.Errorf("security keys: %+v", keys)
	}
	if len(keys.Counters) != 1 || keys.Counters[0] != token || token.Role != Attack {
		t.Errorf("the token should counter the keys: %+v", keys.Counters)
	}
	if eyes.Role != Defence || eyes.Cost != 5000 || eyes.Control != "" {
		t.Errorf("four-eyes check: %+v", eyes)
	}
	// Without security keys phishing costs 1000: 1500 in all, and
	// P = 1 − (1 − 0.4·0.9)·(1 − 0.03).
	off := Evaluate(x.Tree, Context{InForce: func(c string) bool { return c != "security-keys" }})
	if figure(off.MinCost) != 1500 || !close12(figure(off.Probability), 1-(1-0.36)*0.97) {
		t.Errorf("keys off: cost %v probability %v", figure(off.MinCost), figure(off.Probability))
	}
	// The cheapest attack bypasses the four-eyes check only when it pays.
	on := Evaluate(x.Tree, Context{})
	if len(on.Cheapest) < 2 || strings.Join(on.Cheapest[1].Leaves, " ") != "bribe-an-insider bypass:four-eyes-check" {
		t.Errorf("cheapest: %+v", on.Cheapest)
	}
}

// TestADToolCanonical: a file in the form WriteADTool writes comes back
// byte for byte.
func TestADToolCanonical(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "adtool", "results.xml"))
	if err != nil {
		t.Fatal(err)
	}
	x, err := ParseADTool(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := x.Write(&got); err != nil {
		t.Fatal(err)
	}
	if got.String() != string(want) {
		t.Errorf("written:\n%s\nwant:\n%s", got.String(), want)
	}
}

// TestADToolRoundTrip: parse → write → parse gives the same tree, and
// writing it again gives the same bytes.
func TestADToolRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "adtool", "*.xml"))
	if len(files) < 4 {
		t.Fatalf("fixtures: %v", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			x := parseFile(t, filepath.Base(f))
			var first bytes.Buffer
			if err := x.Write(&first); err != nil {
				t.Fatal(err)
			}
			y, err := ParseADTool(bytes.NewReader(first.Bytes()))
			if err != nil {
				t.Fatalf("%v\n%s", err, first.String())
			}
			if err := sameTree(x.Tree, y.Tree, true); err != nil {
				t.Error(err)
			}
			sameResults(t, x.Tree, y.Tree)
			var second bytes.Buffer
			if err := y.Write(&second); err != nil {
				t.Fatal(err)
			}
			if second.String() != first.String() {
				t.Errorf("written twice differently:\n%s\n%s", first.String(), second.String())
			}
		})
	}
}

// sameTree compares two trees node by node, sharing included. Defence
// leaves are compared by what they mean (probability 1 and no bypass cost
// when absent), and so are and gates that add times (SequentialAnd with
// times) and sand gates, which WriteADTool writes for them in a sandtree.
// With ids, ids must agree too.
func sameTree(a, b *Tree, ids bool) error {
	seqA := a.SequentialAnd && hasAttr(a, AttrTime)
	seqB := b.SequentialAnd && hasAttr(b, AttrTime)
	gate := func(g Gate, seq bool) Gate {
		if g == And && seq {
			return Sand
		}
		return g
	}
	pair := map[*Node]*Node{}
	back := map[*Node]*Node{}
	type job struct{ x, y *Node }
	stack := []job{{a.Root, b.Root}}
	for len(stack) > 0 {
		j := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := j.x, j.y
		if p, ok := pair[x]; ok {
			if p != y {
				return fmt.Errorf("node %q is shared in one tree and not in the other", x.Name)
			}
			continue
		}
		if _, ok := back[y]; ok {
			return fmt.Errorf("node %q is shared in the second tree only", y.Name)
		}
		pair[x], back[y] = y, x
		if x.Name != y.Name || x.Role != y.Role || gate(x.Gate, seqA) != gate(y.Gate, seqB) || x.Control != y.Control || (ids && x.ID != y.ID) {
			return fmt.Errorf("node %q (%s %s %q %q) and %q (%s %s %q %q)", x.Name, x.Role, x.Gate, x.Control, x.ID, y.Name, y.Role, y.Gate, y.Control, y.ID)
		}
		if len(x.Children) != len(y.Children) || len(x.Counters) != len(y.Counters) {
			return fmt.Errorf("node %q: %d+%d children and %d+%d", x.Name, len(x.Children), len(x.Counters), len(y.Children), len(y.Counters))
		}
		if x.Gate == Leaf {
			if err := sameValues(x, y); err != nil {
				return err
			}
		}
		for i := range x.Children {
			stack = append(stack, job{x.Children[i], y.Children[i]})
		}
		for i := range x.Counters {
			stack = append(stack, job{x.Counters[i], y.Counters[i]})
		}
	}
	return nil
}

func sameValues(x, y *Node) error {
	if x.Role == Attack {
		if x.Has != y.Has {
			return fmt.Errorf("attack leaf %q: attributes %b and %b", x.Name, x.Has, y.Has)
		}
		for _, a := range []Attr{AttrCost, AttrProbability, AttrTime, AttrSkill} {
			if x.Has&a != 0 && !sameFloat(attrValue(x, a), attrValue(y, a)) {
				return fmt.Errorf("attack leaf %q: %s %v and %v", x.Name, attrName(a), attrValue(x, a), attrValue(y, a))
			}
		}
		return nil
	}
	px, cx := defenceValues(x)
	py, cy := defenceValues(y)
	if px != py || cx != cy {
		return fmt.Errorf("defence leaf %q: %+v and %+v", x.Name, *x, *y)
	}
	return nil
}

func defenceValues(n *Node) (prob, cost float64) {
	prob, cost = 1, math.Inf(1)
	if n.Has&AttrProbability != 0 {
		prob = n.Probability
	}
	if n.Has&AttrCost != 0 {
		cost = n.Cost
	}
	return prob, cost
}

func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

func hasAttr(t *Tree, a Attr) bool {
	for _, n := range t.Nodes() {
		if n.Gate == Leaf && n.Has&a != 0 {
			return true
		}
	}
	return false
}

func sameResults(t *testing.T, a, b *Tree) {
	t.Helper()
	ra, rb := Evaluate(a, Context{}), Evaluate(b, Context{})
	figs := []struct {
		name string
		x, y *float64
	}{{"min cost", ra.MinCost, rb.MinCost}, {"probability", ra.Probability, rb.Probability}, {"min time", ra.MinTime, rb.MinTime}, {"min skill", ra.MinSkill, rb.MinSkill}}
	for _, f := range figs {
		if !close12(figure(f.x), figure(f.y)) {
			t.Errorf("%s: %v and %v", f.name, figure(f.x), figure(f.y))
		}
	}
	if ra.Reachable != rb.Reachable || ra.Shared != rb.Shared || ra.Exact != rb.Exact || len(ra.Pareto) != len(rb.Pareto) || len(ra.Cheapest) != len(rb.Cheapest) {
		t.Errorf("results differ:\n%+v\n%+v", ra, rb)
	}
}

var wantRE = regexp.MustCompile(`want: (.*?) -->`)

// TestADToolErrors: each invalid fixture says, in a comment, the error it
// gives: line:column: what.
func TestADToolErrors(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "adtool", "invalid", "*.xml"))
	if len(files) == 0 {
		t.Fatal("no invalid fixtures")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m := wantRE.FindSubmatch(data)
			if m == nil {
				t.Fatal("no want: comment")
			}
			_, err = ParseADTool(bytes.NewReader(data))
			if err == nil {
				t.Fatalf("no error, want %s", m[1])
			}
			var e *ADToolError
			if !errors.As(err, &e) || e.Line < 1 || e.Column < 1 {
				t.Errorf("error %T %v has no position", err, err)
			}
			if model.ErrorCode(err) != model.EINVALID {
				t.Errorf("code %q", model.ErrorCode(err))
			}
			if !strings.Contains(err.Error(), string(m[1])) {
				t.Errorf("error\n %v\nwant\n %s", err, m[1])
			}
		})
	}
}

// TestADToolInline covers small cases best written in place.
func TestADToolInline(t *testing.T) {
	const domains = `<domain id="MinCost1"><class>lu.uni.adtool.domains.adtpredefined.MinCost</class><tool>ADTool2</tool></domain>` +
		`<domain id="ProbSucc1"><class>lu.uni.adtool.domains.adtpredefined.ProbSucc</class><tool>ADTool2</tool></domain>`
	tests := []struct {
		name, xml string
		err       string // substring of the error; "" for none
		check     func(t *testing.T, x *ADToolTree)
	}{
		{
			name: "root switchRole",
			xml: `<adtree><node refinement="disjunctive" switchRole="yes"><label>Keep the count honest</label>` +
				`<node refinement="disjunctive" switchRole="yes"><label>Tamper</label><parameter domainId="MinCost1" category="basic">7</parameter></node>` +
				`<parameter domainId="MinCost1" category="basic">2</parameter></node>` + domains + `</adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				r := x.Tree.Root
				if !x.RootSwitchRole || r.Role != Attack || len(r.Counters) != 1 || r.Counters[0].Role != Defence {
					t.Errorf("root %+v switch %v", r, x.RootSwitchRole)
				}
				if len(x.Warnings) != 1 || !strings.HasPrefix(x.Warnings[0], `1:9: the root has switchRole="yes"`) {
					t.Errorf("warnings %q", x.Warnings)
				}
				var b bytes.Buffer
				if err := x.Write(&b); err != nil || !strings.Contains(b.String(), "<node refinement=\"disjunctive\" switchRole=\"yes\">\n\t\t<label>Keep") {
					t.Errorf("%v\n%s", err, b.String())
				}
			},
		},
		{
			name: "infinite attack cost",
			xml: `<adtree><node refinement="disjunctive"><label>goal</label>` +
				`<node refinement="disjunctive"><label>a</label><parameter domainId="MinCost1" category="basic">Infinity</parameter><parameter domainId="ProbSucc1" category="basic">0.5</parameter></node>` +
				`<node refinement="disjunctive"><label>b</label><parameter domainId="MinCost1">12</parameter><parameter domainId="ProbSucc1">0.25</parameter></node>` +
				`</node>` + domains + `</adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				a := byName(x.Tree, "a")
				if a.Has&AttrCost == 0 || !math.IsInf(a.Cost, 1) {
					t.Errorf("a: %+v", a)
				}
				r := Evaluate(x.Tree, Context{})
				if figure(r.MinCost) != 12 || len(r.Cheapest) != 1 || r.Cheapest[0].Leaves[0] != "b" {
					t.Errorf("cost %v cheapest %+v", figure(r.MinCost), r.Cheapest)
				}
			},
		},
		{
			name: "unknown domain, derived and gate values",
			xml: `<?xml version="1.0"?><adtree><node refinement="conjunctive"><label>goal</label>` +
				`<parameter domainId="MinCost1" category="basic">3</parameter>` +
				`<parameter domainId="Sat1" category="basic">true</parameter>` +
				`<node refinement="disjunctive"><label>a</label><parameter domainId="MinCost1" category="derived">oops</parameter><parameter domainId="MinCost1" category="basic">4</parameter></node>` +
				`<node refinement="disjunctive"><label>b</label><parameter domainId="MinCost1" category="basic">5</parameter></node>` +
				`</node>` + domains + `<domain id="Sat1"><class>lu.uni.adtool.domains.adtpredefined.SatProp</class><tool>ADTool2</tool></domain></adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				if len(x.Warnings) != 2 || !strings.Contains(x.Warnings[0], `domain "Sat1" of class lu.uni.adtool.domains.adtpredefined.SatProp is not one scrutin reads`) ||
					!strings.Contains(x.Warnings[1], `basic value on node "goal", which has child nodes`) {
					t.Errorf("warnings %q", x.Warnings)
				}
				if x.Domains[2].Attr != 0 || x.Domains[0].Attr != AttrCost {
					t.Errorf("domains %+v", x.Domains)
				}
				if r := Evaluate(x.Tree, Context{}); figure(r.MinCost) != 9 {
					t.Errorf("min cost %v", figure(r.MinCost))
				}
			},
		},
		{
			name: "MinTimeSeq",
			xml: `<adtree><node refinement="conjunctive"><label>goal</label>` +
				`<node refinement="disjunctive"><label>a</label><parameter domainId="T" category="basic">4</parameter></node>` +
				`<node refinement="disjunctive"><label>b</label><parameter domainId="T" category="basic">5</parameter></node>` +
				`</node><domain id="T"><class>lu.uni.adtool.domains.adtpredefined.MinTimeSeq</class></domain>` +
				`<domain id="T2"><class>lu.uni.adtool.domains.adtpredefined.MinTimePar</class></domain></adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				if !x.Tree.SequentialAnd || len(x.Warnings) != 1 {
					t.Errorf("sequential %v warnings %q", x.Tree.SequentialAnd, x.Warnings)
				}
				if r := Evaluate(x.Tree, Context{}); figure(r.MinTime) != 9 {
					t.Errorf("min time %v", figure(r.MinTime))
				}
			},
		},
		{
			name: "sandtree with MinTimeSeq",
			xml: `<sandtree><node refinement="sequential"><label>g</label><node refinement="conjunctive"><label>x</label>` +
				`<node><label>a</label><parameter domainId="T">1</parameter></node><node><label>b</label><parameter domainId="T">2</parameter></node></node>` +
				`<node><label>c</label><parameter domainId="T">3</parameter></node></node>` +
				`<domain id="T"><class>lu.uni.adtool.domains.adtpredefined.MinTimeSeq</class></domain></sandtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				// The and adds its times, 1 + 2, then c: 6. Written back as
				// a sandtree, whose time domain has parallel ands, the and
				// becomes sequential, which means the same.
				var b bytes.Buffer
				if err := x.Write(&b); err != nil {
					t.Fatal(err)
				}
				y, err := ParseADTool(&b)
				if err != nil {
					t.Fatal(err)
				}
				if byName(y.Tree, "x").Gate != Sand || y.Tree.SequentialAnd {
					t.Errorf("written:\n%s", b.String())
				}
				if err := sameTree(x.Tree, y.Tree, true); err != nil {
					t.Error(err)
				}
				rx, ry := Evaluate(x.Tree, Context{}), Evaluate(y.Tree, Context{})
				if figure(rx.MinTime) != 6 || figure(ry.MinTime) != 6 {
					t.Errorf("min time %v and %v, want 6", figure(rx.MinTime), figure(ry.MinTime))
				}
			},
		},
		{
			name: "id collisions",
			xml: `<adtree><node refinement="disjunctive"><label>A b</label>` +
				`<node refinement="disjunctive"><label>a-b</label></node>` +
				`<node refinement="disjunctive"><label>a b</label></node>` +
				`<node refinement="disjunctive"><label>日本</label></node>` +
				`<node refinement="disjunctive"><label>--</label></node>` +
				`<node refinement="disjunctive"><label><![CDATA[x < y & z]]></label></node>` +
				`</node></adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				want := map[string]string{"a-b": "a-b", "a b": "a-b-2", "A b": "a-b-3", "日本": "node", "--": "node-2", "x < y & z": "x-y-z"}
				for name, id := range want {
					if n := byName(x.Tree, name); n == nil || n.ID != id {
						t.Errorf("%q: %+v, want id %q", name, n, id)
					}
				}
			},
		},
		{
			name: "several countermeasures",
			xml: `<adtree><node refinement="disjunctive"><label>goal</label>` +
				`<node refinement="disjunctive" switchRole="yes"><label>d1</label></node>` +
				`<node refinement="disjunctive" switchRole="yes"><label>d2</label></node>` +
				`</node></adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				if n := len(x.Tree.Root.Counters); n != 2 {
					t.Fatalf("%d countermeasures", n)
				}
				var b bytes.Buffer
				if err := x.Write(&b); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(b.String(), "<label>goal (countermeasures)</label>\n\t\t\t<comment>scrutin-countermeasures</comment>") {
					t.Errorf("written:\n%s", b.String())
				}
				y, err := ParseADTool(&b)
				if err != nil {
					t.Fatal(err)
				}
				if err := sameTree(x.Tree, y.Tree, true); err != nil {
					t.Error(err)
				}
			},
		},
		{name: "unknown parameter category is a warning", xml: `<adtree><node refinement="disjunctive"><label>g</label><parameter domainId="MinCost1" category="guess">1</parameter></node>` + domains + `</adtree>`,
			check: func(t *testing.T, x *ADToolTree) {
				if len(x.Warnings) != 1 || x.Tree.Root.Has != 0 {
					t.Errorf("warnings %q root %+v", x.Warnings, x.Tree.Root)
				}
			}},
		{name: "byte order mark", xml: "\xef\xbb\xbf<?xml version=\"1.0\"?>\n<adtree><node><label>g</label></node></adtree>"},
		{name: "empty label", xml: `<adtree><node><label></label></node></adtree>`, err: "1:15: empty <label>"},
		{name: "second label", xml: `<adtree><node><label>a</label><label>b</label></node></adtree>`, err: "1:31: a second <label>"},
		{name: "control character", xml: `<adtree><node><label>a&#1;</label></node></adtree>`, err: "control character 0x01"},
		{name: "bad switchRole", xml: `<adtree><node switchRole="true"><label>a</label></node></adtree>`, err: `switchRole="true": expected yes or no`},
		{name: "duplicate attribute", xml: `<adtree><node refinement="conjunctive" refinement="disjunctive"><label>a</label></node></adtree>`, err: "attribute refinement given twice"},
		{name: "unquoted attribute", xml: `<adtree><node refinement=conjunctive><label>a</label></node></adtree>`, err: "1:9: malformed attributes"},
		{name: "text in node", xml: "<adtree>\n<node>oops<label>a</label></node></adtree>", err: `2:7: unexpected text "oops" in <node>`},
		{name: "two basic costs", xml: `<adtree><node><label>a</label><parameter domainId="MinCost1">1</parameter><parameter domainId="MinCost1">2</parameter></node>` + domains + `</adtree>`, err: `a second basic cost for node "a"`},
		{name: "duplicate domain", xml: `<adtree><node><label>a</label></node>` + domains + domains + `</adtree>`, err: `domain "MinCost1" declared twice`},
		{name: "domain without class", xml: `<adtree><node><label>a</label></node><domain id="x"></domain></adtree>`, err: `domain "x" has no <class>`},
		{name: "NaN", xml: `<adtree><node><label>a</label><parameter domainId="MinCost1">NaN</parameter></node>` + domains + `</adtree>`, err: `"NaN" is not a number`},
		{name: "truncated", xml: `<adtree><node><label>a</label></node></adt`, err: "the file ends inside markup"},
		{name: "empty", xml: ``, err: "1:1: no <adtree> or <sandtree> element"},
		{name: "text after root", xml: `<adtree><node><label>a</label></node></adtree>x`, err: `unexpected text "x" outside the root element`},
		{name: "unknown bang", xml: `<adtree><!x></adtree>`, err: "1:9: malformed XML"},
		{name: "deep", xml: strings.Repeat("<adtree>", MaxADToolDepth+1), err: fmt.Sprintf("1:%d: elements nested deeper than", 8*MaxADToolDepth+1)},
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
			if tt.check != nil {
				tt.check(t, x)
			}
		})
	}
}

func TestADToolWriteErrors(t *testing.T) {
	// A chain of 30 nodes each used twice by the next: 2^30 occurrences.
	chain := &Node{ID: "l0", Name: "l0"}
	for i := 1; i <= 30; i++ {
		chain = &Node{ID: fmt.Sprint("l", i), Name: fmt.Sprint("l", i), Gate: And, Children: []*Node{chain, chain}}
	}
	tests := []struct {
		name string
		t    *Tree
		err  string
	}{
		{"description", &Tree{ID: "t", Root: &Node{ID: "a", Description: "bell\a"}}, `node "a": its description holds U+0007`},
		{"exponential", &Tree{ID: "t", Root: chain}, "would have more than"},
		{"NaN", &Tree{ID: "t", Root: &Node{ID: "a", Has: AttrCost, Cost: math.NaN()}}, `node "a": its cost is NaN`},
		{"probability", &Tree{ID: "t", Root: &Node{ID: "a", Has: AttrProbability, Probability: 2}}, `probability 2 lies outside`},
		{"control character", &Tree{ID: "t", Root: &Node{ID: "a", Name: "a\x00"}}, `holds U+0000`},
		{"no root", &Tree{ID: "t"}, "no tree"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			err := WriteADTool(&b, tt.t)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %v, want %q", err, tt.err)
			}
			if b.Len() != 0 {
				t.Errorf("wrote %d bytes despite the error", b.Len())
			}
		})
	}
}

// TestADToolWriteLabels: distinct nodes with one name get distinct labels,
// and names are escaped.
func TestADToolWriteLabels(t *testing.T) {
	x1 := &Node{ID: "x1", Name: "Same <&>\r\n", Has: AttrCost, Cost: 1}
	x2 := &Node{ID: "x2", Name: "Same <&>\r\n", Has: AttrCost, Cost: 2}
	root := &Node{ID: "root", Name: "Root", Gate: Or, Children: []*Node{x1, x2}}
	var b bytes.Buffer
	if err := WriteADTool(&b, &Tree{ID: "t", Root: root}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "<label>Same &lt;&amp;&gt;&#13;\n (x1)</label>") {
		t.Errorf("written:\n%s", b.String())
	}
	y, err := ParseADTool(&b)
	if err != nil {
		t.Fatal(err)
	}
	// The names come back from the scrutin-name comments.
	for _, n := range y.Tree.Root.Children {
		if n.Name != x1.Name || (n.ID == "x2") != (n.Cost == 2) {
			t.Errorf("read back as %+v", n)
		}
	}
}

// randomTree builds a random tree with shared nodes: sand gates and no
// defences, or defences (several countermeasures per node at times) and no
// sand gates.
func randomTree(rng *rand.Rand, size int, sand bool) *Tree {
	attrs := AttrCost | AttrProbability
	if rng.IntN(2) == 0 {
		attrs |= AttrTime
	}
	if rng.IntN(2) == 0 {
		attrs |= AttrSkill
	}
	pools := [2][]*Node{}
	id := 0
	name := func() (string, string) {
		id++
		s := fmt.Sprint("n", id)
		if rng.IntN(4) == 0 {
			return s, fmt.Sprintf("Step %d: « %s » & <more>", id, s)
		}
		return s, s
	}
	value := func(max int) float64 {
		if rng.IntN(20) == 0 {
			return math.Inf(1)
		}
		return float64(rng.IntN(max))
	}
	for len(pools[Attack]) < size {
		role := Attack
		if !sand && rng.IntN(4) == 0 {
			role = Defence
		}
		n := &Node{Role: role}
		n.ID, n.Name = name()
		pool := pools[role]
		if len(pool) < 2 || rng.IntN(3) == 0 {
			if role == Attack {
				n.Has = attrs
				n.Cost, n.Time, n.Skill = value(100), value(10), value(5)
				n.Probability = float64(rng.IntN(101)) / 100
			} else {
				if rng.IntN(2) == 0 {
					n.Has |= AttrProbability
					n.Probability = float64(rng.IntN(101)) / 100
				}
				if rng.IntN(3) == 0 {
					n.Has |= AttrCost
					n.Cost = value(50)
				}
				if rng.IntN(3) == 0 {
					n.Control = fmt.Sprint("control-", rng.IntN(3))
				}
			}
		} else {
			n.Gate = []Gate{And, Or}[rng.IntN(2)]
			if sand && rng.IntN(3) == 0 {
				n.Gate = Sand
			}
			for k := 2 + rng.IntN(3); k > 0; k-- {
				// Mostly fresh nodes, at times one used already: sharing.
				i := len(pool) - 1 - rng.IntN(min(len(pool), 3))
				if rng.IntN(5) == 0 {
					i = rng.IntN(len(pool))
				}
				c := pool[i]
				if !containsNode(n.Children, c) {
					n.Children = append(n.Children, c)
				}
			}
		}
		if other := pools[role.Opposite()]; len(other) > 0 && rng.IntN(4) == 0 {
			for k := 1 + rng.IntN(2); k > 0; k-- {
				if c := other[rng.IntN(len(other))]; !containsNode(n.Counters, c) {
					n.Counters = append(n.Counters, c)
				}
			}
		}
		pools[role] = append(pools[role], n)
	}
	root := &Node{ID: "root", Name: "root", Gate: Or, Children: pools[Attack][len(pools[Attack])-3:]}
	return &Tree{ID: "random", Root: root, SequentialAnd: !sand && attrs&AttrTime != 0 && rng.IntN(2) == 0}
}

func containsNode(ns []*Node, n *Node) bool {
	for _, x := range ns {
		if x == n {
			return true
		}
	}
	return false
}

// TestADToolRandomRoundTrip: write → parse of random trees built in Go
// gives the same tree and the same figures.
func TestADToolRandomRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		sand := i%3 == 0
		tree := randomTree(rng, 4+rng.IntN(20), sand)
		if err := tree.Check(); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := WriteADTool(&b, tree); err != nil {
			t.Fatalf("tree %d: %v", i, err)
		}
		x, err := ParseADTool(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("tree %d: %v\n%s", i, err, b.String())
		}
		if x.Sand != sand && hasSand(tree) {
			t.Errorf("tree %d: sand %v", i, x.Sand)
		}
		if err := sameTree(tree, x.Tree, false); err != nil {
			t.Fatalf("tree %d: %v\n%s", i, err, b.String())
		}
		sameResults(t, tree, x.Tree)
	}
}

func hasSand(t *Tree) bool {
	for _, n := range t.Nodes() {
		if n.Gate == Sand {
			return true
		}
	}
	return false
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"Phish the CEO!":           "phish-the-ceo",
		"Vol de données (2017)":    "vol-de-donnees-2017",
		"Œuvre, Straße, Łódź":      "oeuvre-strasse-lodz",
		"_hidden.file_":            "hidden.file",
		"already-an-id":            "already-an-id",
		"ＦＵＬＬ　ＷＩＤＴＨ":               "full-width",
		strings.Repeat("abc ", 30): "abc-abc-abc-abc-abc-abc-abc-abc-abc-abc-abc-abc-abc-abc-abc",
	}
	for in, want := range tests {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"0", 0, true}, {"12", 12, true}, {"0.1", 0.1, true}, {".5", 0.5, true}, {"5.", 5, true},
		{"1.0E-5", 1e-5, true}, {"Infinity", math.Inf(1), true}, {"-3", -3, true},
		{"123456789012345", 123456789012345, true}, {"0.30000000000000004", 0.30000000000000004, true},
		{"1234567890.12345678", 1234567890.12345678, true}, {"1e400", math.Inf(1), true},
		{"", 0, false}, {".", 0, false}, {"L", 0, false}, {"1,5", 0, false}, {"1..2", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseNumber([]byte(tt.in))
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("parseNumber(%q) = %v %v, want %v %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	// The fast path agrees with strconv on random decimals.
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		s := fmt.Sprintf("%d.%0*d", rng.IntN(1e7), 1+rng.IntN(7), rng.IntN(1e7))
		got, _ := parseNumber([]byte(s))
		var want float64
		fmt.Sscan(s, &want)
		if got != want {
			t.Fatalf("parseNumber(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzParseADTool: no input makes the reader panic; what it accepts is a
// valid tree that writes and reads back the same, and writes the same
// bytes twice.
func FuzzParseADTool(f *testing.F) {
	for _, dir := range []string{"testdata/adtool", "testdata/adtool/invalid"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, s := range []string{
		`<adtree><node refinement="disjunctive"><label>g</label><node switchRole="yes"><label>d1</label></node><node switchRole="yes"><label>d2</label></node></node></adtree>`,
		`<adtree><node refinement="disjunctive"><label>g</label><node refinement="disjunctive" switchRole="yes"><label>g (countermeasures)</label><comment>scrutin-countermeasures</comment><node><label>d1</label><comment>scrutin-control: c1</comment></node><node><label>d2</label></node></node></node></adtree>`,
		`<sandtree><node refinement="sequential"><label>g</label><node refinement="conjunctive"><label>x</label><node><label>a</label><parameter domainId="T">1</parameter></node><node><label>b</label></node></node></node><domain id="T"><class>lu.uni.adtool.domains.adtpredefined.MinTimeSeq</class></domain></sandtree>`,
		"\xef\xbb\xbf<?xml version='1.0'?><sandtree><node refinement='sequential'><label><![CDATA[a&b]]></label><node><label>x &#233;&#x20AC;</label></node><node><label>x</label></node></node></sandtree>",
		// scrutin's directives in comments, and ADTool's custom domains.
		"<adtree><node refinement=\"conjunctive\"><label>G</label><comment>Goal.\nscrutin-id: g\nscrutin-tree: t\nscrutin-tree-name: \"T\\n\"\nscrutin-tree-description: x\nscrutin-gate: sand</comment>" +
			"<node><label>a</label><comment>scrutin-id: b\nscrutin-name: \"b\"</comment></node><node><label>b</label><comment>scrutin-id: b</comment></node>" +
			"<node refinement=\"disjunctive\" switchRole=\"yes\"><label>d</label><comment>scrutin-control: c\nscrutin-gate: sand\nscrutin-id: -x</comment><parameter domainId=\"C\">Infinity</parameter></node></node>" +
			"<domain id=\"C\"><class>lu.uni.adtool.domains.adtpredefined.MinCost</class></domain></adtree>",
		"<sandtree><node refinement=\"sequential\"><label>G</label><node><label>a</label><parameter domainId=\"C\" category=\"basic\">Infinity</parameter></node><node><label>b</label><parameter domainId=\"C\" category=\"basic\">2</parameter></node></node>" +
			"<domain id=\"C\"><class>lu.uni.adtool.domains.custom.SandRealDomain</class><name>c</name><or>min(x, y)</or><and>x + y</and><sand>y+x</sand><defaultValue>Infinity</defaultValue></domain></sandtree>",
	} {
		f.Add([]byte(s))
	}
	// The example models' trees, as they are exported.
	models, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*.yaml"))
	for _, name := range models {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		m, err := model.Decode(name, src)
		if err != nil {
			f.Fatal(err)
		}
		for i := range m.Trees {
			for _, format := range []ADToolFormat{ADToolADTree, ADToolSandTree} {
				var b bytes.Buffer
				if _, err := WriteADToolAs(&b, FromModel(&m.Trees[i]), ADToolOptions{Format: format}); err != nil {
					f.Fatal(err)
				}
				f.Add(b.Bytes())
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := ParseADTool(bytes.NewReader(data))
		if err != nil {
			var e *ADToolError
			if !errors.As(err, &e) || e.Line < 1 || e.Column < 1 {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		if err := x.Tree.Check(); err != nil {
			t.Fatal(err)
		}
		var first bytes.Buffer
		if err := x.Write(&first); err != nil {
			t.Fatal(err)
		}
		y, err := ParseADTool(bytes.NewReader(first.Bytes()))
		if err != nil {
			t.Fatalf("%v\n%s", err, first.String())
		}
		if err := sameTree(x.Tree, y.Tree, true); err != nil {
			t.Fatalf("%v\n%s", err, first.String())
		}
		var second bytes.Buffer
		if err := y.Write(&second); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Fatalf("written twice differently:\n%s\n%s", first.String(), second.String())
		}
	})
}

// TestEvaluateFigures: EvaluateFigures gives what Evaluate gives, less the
// lists and their notes.
func TestEvaluateFigures(t *testing.T) {
	var trees []*Tree
	for _, f := range []string{"results.xml", "mail-leak.xml", "deface.xml", "design-dag.xml"} {
		trees = append(trees, parseFile(t, f).Tree)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 50 {
		trees = append(trees, randomTree(rng, 3+rng.IntN(15), i%2 == 0))
	}
	for i, tree := range trees {
		for _, ctx := range []Context{{}, {InForce: func(c string) bool { return c != "control-1" }, MaxSkill: 3}} {
			want := Evaluate(tree, ctx)
			want.Pareto, want.Cheapest, want.Defences = []ParetoPoint{}, []AttackSet{}, nil
			var notes []string
			for _, n := range want.Notes {
				if !strings.HasPrefix(n, "pareto:") && !strings.HasPrefix(n, "cheapest:") && !strings.HasPrefix(n, "defences:") {
					notes = append(notes, n)
				}
			}
			want.Notes = notes
			got := EvaluateFigures(tree, ctx)
			got.Exact = want.Exact // the lists may have made Evaluate's inexact
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("tree %d:\n got %+v\nwant %+v", i, got, want)
			}
		}
	}
}

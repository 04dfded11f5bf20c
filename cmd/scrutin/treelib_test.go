package main

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

func TestTreeLibrary(t *testing.T) {
	code, out, errs := scrutin(t, "", "tree", "library")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden(t, "tree-library.txt", out)
	code, out, _ = scrutin(t, "", "tree", "library", "--format", "json")
	var lib []struct {
		ID    string `json:"id"`
		Nodes int    `json:"nodes"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &lib) != nil || len(lib) != 6 || lib[0].ID != "library:dre" || lib[0].Nodes < 10 {
		t.Errorf("exit %d, json %s", code, out)
	}
}

// libModel is a model whose only control is the observers of the count,
// and whose scenario takes its vulnerability from the DRE library tree.
const libModel = `scrutin: 1
name: Library trees
currency: EUR
organizations: [{id: town, name: Town, kind: municipality}]
assets: [{id: results, org: town, name: Results, kind: results}]
actors: [{id: x, name: X}]
controls:
  - {id: observers, name: Delegates at the count, status: implemented}
scenarios:
  - {id: s, name: S, actor: x, assets: [results], effect: integrity, frequency: 2, vulnerability: {tree: library:dre}, magnitude: 1000}
`

func evalProbability(t *testing.T, args ...string) float64 {
	t.Helper()
	code, out, errs := scrutin(t, "", append([]string{"tree", "eval", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res []struct {
		ID          string   `json:"id"`
		Probability *float64 `json:"probability"`
		Exact       bool     `json:"exact"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 1 || res[0].Probability == nil || !res[0].Exact {
		t.Fatalf("%v: %s", err, out)
	}
	return *res[0].Probability
}

// --tree library:<id> evaluates a library tree: alone with every defence
// in force, against a model with the model's controls (those it lacks are
// never in force). The figures are those of the adtree hand computation.
func TestTreeEvalLibrary(t *testing.T) {
	if p := evalProbability(t, "--tree", "library:paper-hand-count"); math.Abs(p-0.194154113856) > 1e-9 {
		t.Errorf("all in force: P = %v", p)
	}
	path := writeFile(t, "m.yaml", libModel)
	// Only the observers are in force: 1 − (1 − .1164)(1 − .296)(1 − .06).
	if p := evalProbability(t, path, "--tree", "library:paper-hand-count"); math.Abs(p-(1-0.8836*0.704*0.94)) > 1e-9 {
		t.Errorf("observers only: P = %v", p)
	}
	code, out, errs := scrutin(t, "", "tree", "eval", "--tree", "library:evm")
	if code != 2 || !strings.Contains(errs, `unknown library tree "evm"; the library has: dre, internet-voting, optical-scan, paper-hand-count, pollbook, postal-proxy`) {
		t.Errorf("unknown id: exit %d, %s%s", code, out, errs)
	}
	if code, _, errs := scrutin(t, "", "tree", "eval", "--tree", "library:dre", "--with", "observers"); code != 2 || !strings.Contains(errs, "need a model FILE") {
		t.Errorf("--with without a model: exit %d, %s", code, errs)
	}
	for _, args := range [][]string{{"draw", "--tree", "library:internet-voting"}, {"export", "--tree", "library:pollbook"}, {"draw", path, "--tree", "library:optical-scan", "--format", "dot"}} {
		if code, out, errs := scrutin(t, "", append([]string{"tree"}, args...)...); code != 0 || out == "" {
			t.Errorf("tree %v: exit %d, %s", args, code, errs)
		}
	}
}

// A model that refers to a library tree validates and runs, and its tree
// is there for scrutin tree under its reference.
func TestModelLibraryTreeRuns(t *testing.T) {
	path := writeFile(t, "m.yaml", libModel)
	if code, _, errs := scrutin(t, "", "validate", path); code != 0 {
		t.Fatalf("validate: exit %d: %s", code, errs)
	}
	code, out, errs := scrutin(t, "", "run", path, "--trials", "2000", "--seed", "3", "--format", "json")
	if code != 0 || !strings.Contains(out, `"s"`) {
		t.Fatalf("run: exit %d: %s %s", code, errs, out)
	}
	if p := evalProbability(t, path, "--tree", "library:dre"); p <= 0 || p >= 1 {
		t.Errorf("library:dre in the model: P = %v", p)
	}
	bad := writeFile(t, "bad.yaml", strings.Replace(libModel, "library:dre", "library:evm", 1))
	if code, _, errs := scrutin(t, "", "validate", bad); code != 2 || !strings.Contains(errs, `bad.yaml:10:`) || !strings.Contains(errs, `unknown library tree "evm"; the library has: dre,`) {
		t.Errorf("unknown library tree: exit %d: %s", code, errs)
	}
}

// Every control a library tree names is documented in README.md's
// section on the library.
func TestTreeLibraryControlsDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, _ := strings.Cut(string(readme), "### Voting-technology trees")
	sec, _, _ = strings.Cut(sec, "\n## ")
	lib, err := model.LibraryTrees()
	if err != nil {
		t.Fatal(err)
	}
	for i := range lib {
		var walk func(n *model.TreeNode)
		walk = func(n *model.TreeNode) {
			if n.Control != "" && !strings.Contains(sec, "| `"+n.Control+"` |") {
				t.Errorf("%s: control %s is not in README.md's table", lib[i].Tree.ID, n.Control)
			}
			for j := range n.Children {
				walk(&n.Children[j])
			}
			for j := range n.Countermeasures {
				walk(&n.Countermeasures[j])
			}
		}
		walk(&lib[i].Tree.Root)
	}
}

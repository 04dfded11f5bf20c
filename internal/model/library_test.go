package model

import (
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/treelib"
)

// Every tree of the built-in library reads, passes the tree checks and is
// named after its file.
func TestLibraryTrees(t *testing.T) {
	lib, err := LibraryTrees()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"dre", "internet-voting", "optical-scan", "paper-hand-count", "pollbook", "postal-proxy"}
	if got := libraryIDs(lib); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("library = %v, want %v", got, want)
	}
	for i := range lib {
		lt := &lib[i]
		if n := lt.Nodes(); n < 10 || n > 30 {
			t.Errorf("%s: %d nodes, want 10 to 30", lt.Tree.ID, n)
		}
		if lt.Technology == "" || !strings.Contains(lt.Tree.Description, "http") {
			t.Errorf("%s: no technology or no source in the description", lt.Tree.ID)
		}
		if !treeHasProbabilities(&lt.Tree) {
			t.Errorf("%s: attack leaves without probabilities", lt.Tree.ID)
		}
	}
	if _, err := LibraryTreeByID("evm"); err == nil || !strings.Contains(err.Error(), `unknown library tree "evm"; the library has: dre, internet-voting,`) {
		t.Errorf("LibraryTreeByID(evm): %v", err)
	}
}

// A bad library file is refused with its place.
func TestLibraryTreeProblems(t *testing.T) {
	src := "technology: T\ntree:\n  id: x\n  name: X\n  root: {id: r, name: R, gate: or}\n"
	_, err := decodeLibraryTree("x.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "x.yaml:5:") || !strings.Contains(err.Error(), "tree.root.gate: an or gate needs children") {
		t.Errorf("err = %v", err)
	}
}

const libraryModel = `scrutin: 1
name: Library
currency: EUR
organizations: [{id: o, name: O, kind: municipality}]
assets: [{id: a, org: o, name: A, kind: results}]
actors: [{id: x, name: X}]
controls:
  - {id: paper-ballots-rla, name: RLA, status: implemented}
scenarios:
  - {id: s, name: S, actor: x, assets: [a], effect: integrity, frequency: 1, vulnerability: {tree: TREE}, magnitude: 100}
`

// A scenario may take its vulnerability from a library tree: the tree is
// in the model after decoding, under its reference, with the model's
// controls; one the model lacks is not an error.
func TestLibraryReference(t *testing.T) {
	m, err := Decode("lib.yaml", []byte(strings.Replace(libraryModel, "TREE", "library:dre", 1)))
	if err != nil {
		t.Fatal(err)
	}
	tr := m.TreeByID("library:dre")
	if tr == nil || !tr.Library || tr.Root.ID != "change-outcome" {
		t.Fatalf("trees = %+v", m.Trees)
	}
	// The model's copy is its own.
	tr.Root.Children[0].Name = "changed"
	lt, _ := LibraryTreeByID("dre")
	if lt.Tree.Root.Children[0].Name == "changed" {
		t.Error("the model's tree shares nodes with the library")
	}
	_, err = Decode("lib.yaml", []byte(strings.Replace(libraryModel, "TREE", "library:evm", 1)))
	if err == nil || !strings.Contains(err.Error(), `lib.yaml:10:`) || !strings.Contains(err.Error(), `scenarios[0].vulnerability.tree: unknown library tree "evm"; the library has: dre, internet-voting, optical-scan, paper-hand-count, pollbook, postal-proxy`) {
		t.Errorf("unknown library tree: %v", err)
	}
}

// FuzzLibraryTree: any library file is read or refused with problems,
// never a panic.
func FuzzLibraryTree(f *testing.F) {
	entries, _ := treelib.Files.ReadDir(".")
	for _, e := range entries {
		src, _ := treelib.Files.ReadFile(e.Name())
		f.Add(src)
	}
	f.Add([]byte("technology: T\ntree: {id: x, name: X, root: {id: r, name: R, gate: or}}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		lt, err := decodeLibraryTree("f.yaml", src)
		if err == nil && lt.Nodes() < 1 {
			t.Fatal("a tree without nodes accepted")
		}
	})
}

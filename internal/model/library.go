package model

import (
	"context"
	"fmt"
	"io/fs"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/goccy/go-yaml/ast"

	"github.com/scrutin/scrutin/internal/treelib"
)

// LibraryPrefix starts a reference to a tree of the built-in library:
// "library:dre" in a scenario's vulnerability: {tree: …} or in scrutin
// tree's --tree.
const LibraryPrefix = "library:"

// LibraryTree is a tree of the built-in library of voting-technology
// trees.
type LibraryTree struct {
	Technology string `json:"technology" jsonschema:"required,minLength=1"`
	Tree       Tree   `json:"tree" jsonschema:"required"`
}

// Nodes is the number of nodes the tree defines.
func (lt *LibraryTree) Nodes() int {
	var count func(n *TreeNode) int
	count = func(n *TreeNode) int {
		if n.IsRef() {
			return 0
		}
		k := 1
		for i := range n.Children {
			k += count(&n.Children[i])
		}
		for i := range n.Countermeasures {
			k += count(&n.Countermeasures[i])
		}
		return k
	}
	return count(&lt.Tree.Root)
}

var library = sync.OnceValues(func() ([]LibraryTree, error) { return readLibrary(treelib.Files) })

// LibraryTrees returns the trees of the built-in library, in id order. A
// library tree's defences name controls by the ids the library's README
// lists; in a model that lacks such a control, the defence is never in
// force (nothing puts it in force), which is not an error.
func LibraryTrees() ([]LibraryTree, error) {
	return library()
}

// LibraryTreeByID returns the library tree with id (without the
// "library:" prefix), or an EINVALID error that lists the library's ids.
func LibraryTreeByID(id string) (*LibraryTree, error) {
	lib, err := library()
	if err != nil {
		return nil, err
	}
	for i := range lib {
		if lib[i].Tree.ID == id {
			return &lib[i], nil
		}
	}
	return nil, Errorf(EINVALID, "unknown library tree %q; the library has: %s", id, strings.Join(libraryIDs(lib), ", "))
}

func libraryIDs(lib []LibraryTree) []string {
	ids := make([]string, len(lib))
	for i := range lib {
		ids[i] = lib[i].Tree.ID
	}
	return ids
}

// readLibrary decodes and checks every file of fsys: a file's tree must
// be valid as a model's tree is, but for its controls, which no model
// declares here, and its id must be its file's name.
func readLibrary(fsys fs.FS) ([]LibraryTree, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	var lib []LibraryTree
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		lt, err := decodeLibraryTree(name, src)
		if err != nil {
			return nil, err
		}
		if want := strings.TrimSuffix(name, ".yaml"); lt.Tree.ID != want {
			return nil, fmt.Errorf("library %s: tree id %q, want the file's name %q", name, lt.Tree.ID, want)
		}
		lib = append(lib, *lt)
	}
	sort.Slice(lib, func(i, j int) bool { return lib[i].Tree.ID < lib[j].Tree.ID })
	return lib, nil
}

// decodeLibraryTree decodes one library file with the model's decoder and
// checks its tree with the model's tree checks.
func decodeLibraryTree(file string, src []byte) (*LibraryTree, error) {
	src, err := checkText(file, src)
	if err != nil {
		return nil, err
	}
	sc, sp := scan(src)
	if sp != nil {
		return nil, &ValidationError{Problems: []Problem{newProblem(file, position(src, sp.at), "", sp.t)}}
	}
	d := &decoder{file: file, locating: true, link: sc.aliases, limit: maxNodes, alias: map[*ast.AliasNode]ast.Node{},
		cyclic: map[*ast.AliasNode]bool{}, bad: map[string]bool{}, badBelow: map[string]bool{}, pos: map[string]Pos{}}
	d.linker = &linker{d: d, anchors: map[string]ast.Node{}, open: map[string]int{}}
	var lt LibraryTree
	if err := d.root(context.Background(), src, sc.parts, reflect.ValueOf(&lt).Elem()); err != nil {
		return nil, err
	}
	if len(d.problems) == 0 {
		c := &checker{m: &Model{Trees: []Tree{lt.Tree}}, locate: func(p string) Pos { return d.locate(p) }}
		c.libraryTree(0)
		for _, p := range c.problems {
			// The checker names the tree trees[0]; in the file it is tree.
			p.Path = "tree" + strings.TrimPrefix(p.Path, "trees[0]")
			p.Pos, p.File = d.locate(p.Path), file
			d.problems = append(d.problems, p)
		}
	}
	if len(d.problems) > 0 {
		sortProblemsIn(file, d.problems)
		return nil, &ValidationError{Problems: d.problems}
	}
	return &lt, nil
}

// resolveLibrary adds to m, once each, the library trees its scenarios
// refer to (vulnerability: {tree: library:<id>}), so that everything after
// decoding sees an ordinary tree. An unknown library id is left for
// validation to report.
func resolveLibrary(m *Model) {
	for i := range m.Scenarios {
		if ref := m.Scenarios[i].Vulnerability.Tree; strings.HasPrefix(ref, LibraryPrefix) {
			_, _ = m.AddLibraryTree(ref) // an unknown id: reported by validation
		}
	}
}

// AddLibraryTree adds to m a copy of the library tree that ref
// ("library:<id>") names, with ref as its id and Library set, unless m
// has a tree of that id already; it returns m's tree. Its defences keep
// their controls: one that m lacks is never in force. An unknown id is an
// EINVALID error that lists the library.
func (m *Model) AddLibraryTree(ref string) (*Tree, error) {
	id, ok := strings.CutPrefix(ref, LibraryPrefix)
	if !ok {
		return nil, Errorf(EINVALID, "%q is not a library tree (library:<id>)", ref)
	}
	if t := m.TreeByID(ref); t != nil {
		return t, nil
	}
	lt, err := LibraryTreeByID(id)
	if err != nil {
		return nil, err
	}
	t := lt.Tree
	t.Root = cloneNode(&t.Root)
	t.ID, t.Library = ref, true
	m.Trees = append(m.Trees, t)
	return &m.Trees[len(m.Trees)-1], nil
}

// cloneNode copies n deeply: a model's trees are its own, the library's
// stay as read.
func cloneNode(n *TreeNode) TreeNode {
	c := *n
	c.Children, c.Countermeasures = nil, nil
	for i := range n.Children {
		c.Children = append(c.Children, cloneNode(&n.Children[i]))
	}
	for i := range n.Countermeasures {
		c.Countermeasures = append(c.Countermeasures, cloneNode(&n.Countermeasures[i]))
	}
	return c
}

// libraryTree checks the library tree i of c's model: its controls are
// not checked against the model's.
func (c *checker) libraryTree(i int) { c.tree(i, nil) }

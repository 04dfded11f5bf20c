package report

import (
	"io"
	"strconv"

	"github.com/scrutin/scrutin/internal/model"
)

// WriteLibrary lists the library's trees as a table: the reference to
// give --tree or a scenario, the technology, the number of nodes and the
// goal.
func WriteLibrary(w io.Writer, lib []model.LibraryTree) error {
	t := Table{Align: "llrl"}
	t.Add("TREE", "TECHNOLOGY", "NODES", "GOAL")
	for i := range lib {
		lt := &lib[i]
		t.Add(model.LibraryPrefix+lt.Tree.ID, lt.Technology, strconv.Itoa(lt.Nodes()), lt.Tree.Name)
	}
	t.Write(w, "")
	return nil
}

// Package treelib holds scrutin's library of attack-defence trees for
// voting technologies, one YAML file per tree (see README.md beside them),
// embedded in the binary. It only carries the files: the model package
// reads and checks them (model.LibraryTrees).
package treelib

import "embed"

// Files are the library's trees: <id>.yaml, each a technology and a tree.
//
//go:embed *.yaml
var Files embed.FS

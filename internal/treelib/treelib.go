// Package treelib holds scrutin's library of attack-defence trees for
// voting technologies, one YAML file per tree (README.md, "Voting-technology
// trees", documents them and the control ids their defences name),
// embedded in the binary. It only carries the files: the model package
// reads and checks them (model.LibraryTrees).
package treelib

import "embed"

// Files are the library's trees: <id>.yaml, each a technology and a tree.
//
//go:embed *.yaml
var Files embed.FS

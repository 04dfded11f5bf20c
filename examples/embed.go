// Package examples holds the example risk models; election.yaml is the
// built-in default that `scrutin run` uses when given no model.
package examples

import "embed"

// Files are the example models.
//
//go:embed *.yaml
var Files embed.FS

// Default is the name of the built-in default model.
const Default = "election.yaml"

// Election returns the built-in default model's source.
func Election() []byte {
	b, err := Files.ReadFile(Default)
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}

// Package examples holds the example risk models; election.yaml is the
// built-in default that `scrutin run` uses when given no model, and
// election.fr.yaml the same model in French (the same ids and numbers,
// so the same results), which a French first start of the server gets.
package examples

import "embed"

// Files are the example models.
//
//go:embed *.yaml
var Files embed.FS

// Default is the name of the built-in default model; DefaultFR its
// French translation.
const (
	Default   = "election.yaml"
	DefaultFR = "election.fr.yaml"
)

// Election returns the built-in default model's source.
func Election() []byte {
	b, err := Files.ReadFile(Default)
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}

// ElectionIn returns the built-in default model in language lang ("fr":
// the French translation), else in English.
func ElectionIn(lang string) []byte {
	if lang != "fr" {
		return Election()
	}
	b, err := Files.ReadFile(DefaultFR)
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}

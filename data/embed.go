// Package data holds the public data scrutin ships: data/incidents.csv,
// the publicly reported cyber incidents against elections that base
// rates count (see INCIDENTS.md for its provenance and conventions).
package data

import _ "embed"

// Incidents is data/incidents.csv.
//
//go:embed incidents.csv
var Incidents []byte

package attack

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/scrutin/scrutin/internal/model"
)

// embeddedIDs is the file that holds the embedded catalogue's ModelIDs,
// derived from it (TestEmbeddedModelIDs checks it and, with -update,
// writes it again): a command that only checks a model's ids reads a few
// kilobytes instead of parsing the whole catalogue.
const embeddedIDs = "data/model-ids.json.gz"

// EmbeddedModelIDs returns Embedded().ModelIDs() without parsing the
// embedded catalogue.
func EmbeddedModelIDs() (*model.AttackIDs, error) {
	var ids model.AttackIDs
	if err := readEmbedded(embeddedIDs, func(r io.Reader) error { return json.NewDecoder(r).Decode(&ids) }); err != nil {
		return nil, err
	}
	if ids.Groups == nil || ids.Mitigations == nil || ids.Techniques == nil {
		return nil, fmt.Errorf("embedded %s: incomplete", embeddedIDs)
	}
	return &ids, nil
}

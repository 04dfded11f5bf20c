package main

import (
	"bytes"
	"errors"

	"github.com/scrutin/scrutin/internal/adtree"
	"github.com/scrutin/scrutin/internal/model"
)

// parseADTool reads an ADTool XML tree; errors name the file, line and
// column, and warnings too.
func parseADTool(name string, src []byte) (*adtree.Tree, []string, error) {
	at, err := adtree.ParseADTool(bytes.NewReader(src))
	if err != nil {
		var ae *adtree.ADToolError
		if errors.As(err, &ae) {
			return nil, nil, &model.ValidationError{Problems: []model.Problem{{
				File: name, Pos: model.Pos{Line: ae.Line, Column: ae.Column}, Message: ae.Msg}}}
		}
		return nil, nil, model.Errorf(model.EINVALID, "%s: %v", name, err)
	}
	warnings := make([]string, len(at.Warnings))
	for i, w := range at.Warnings {
		warnings[i] = name + ":" + w
	}
	return at.Tree, warnings, nil
}

package model

import (
	"bytes"

	"github.com/goccy/go-yaml"
)

// MarshalEbios writes e as the ebios: section of a model, which Decode
// reads back as the same block.
func MarshalEbios(e *Ebios) ([]byte, error) {
	return yaml.MarshalWithOptions(struct {
		Ebios *Ebios `json:"ebios"`
	}{e}, yaml.IndentSequence(true), yaml.CustomMarshaler(yamlNumber))
}

// ReplaceEbios returns the model source src with its top-level ebios:
// section (if any) removed and e's written at its end. The rest of the
// source, comments included, is kept as it is.
func ReplaceEbios(src []byte, e *Ebios) ([]byte, error) {
	block, err := MarshalEbios(e)
	if err != nil {
		return nil, err
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	var out []byte
	in := false
	for _, l := range lines {
		top := len(l) > 0 && l[0] != ' ' && l[0] != '\t' && l[0] != '#' && l[0] != '\n' && l[0] != '\r'
		switch {
		case top && (bytes.HasPrefix(l, []byte("ebios:")) || bytes.HasPrefix(l, []byte("\"ebios\":"))):
			in = true
			continue
		case top:
			in = false
		}
		if !in {
			out = append(out, l...)
		}
	}
	out = bytes.TrimRight(out, "\n")
	if len(out) > 0 {
		out = append(out, '\n')
	}
	return append(out, block...), nil
}

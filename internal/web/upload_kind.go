package web

import (
	"fmt"
	"slices"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
)

// An upload's kind and its content: the kind is detected from the first
// evidence.DetectBytes of the upload when it is auto, and a kind given
// that the content plainly contradicts is refused with the kind the
// content looks like, before anything is read through the wrong importer.

// kindError is an upload whose content looks like another kind (detected)
// than the one given (chosen), or whose kind could not be detected when
// asked to (chosen auto, detected ""). It is invalid input (422); the
// pages write it from its kinds, in their language.
type kindError struct {
	chosen, detected string
	err              *model.Error
}

func newKindError(chosen, detected string) *kindError {
	en := i18n.New(i18n.English)
	msg := fmt.Sprintf("the kind of the upload could not be recognised from its first %s: give its kind", en.Bytes(evidence.DetectBytes))
	if detected != "" {
		msg = fmt.Sprintf("this file looks like %s (kind %s), not %s (kind %s): give kind=auto, or the kind it is",
			en.T("evidence.looks."+detected), detected, en.T("evidence.looks."+chosen), chosen)
	}
	return &kindError{chosen: chosen, detected: detected, err: &model.Error{Code: model.EINVALID, Message: msg}}
}

func (e *kindError) Error() string { return e.err.Message }
func (e *kindError) Unwrap() error { return e.err }

// message is the error in the page's language.
func (e *kindError) message(p *i18n.Printer) string {
	if e.detected == "" {
		return p.T("evidence.upload.undetected", p.Bytes(evidence.DetectBytes))
	}
	return p.T("evidence.upload.wrongkind", p.T("evidence.looks."+e.detected), p.T("evidence.looks."+e.chosen))
}

// jsonLines are the kinds read from JSON lines: generic JSON lines
// (jsonl, through a field map) may be any of them.
var jsonLines = []string{string(evidence.KindZeek), string(evidence.KindEVE), string(evidence.KindJSONL)}

// uploadKind is the kind to read an upload as: the one given, unless the
// content (detected, "" when unknown) plainly is another; with auto, the
// one detected (generic JSON lines with a field map as jsonl).
func uploadKind(up evidenceUpload, detected string) (string, error) {
	if up.Kind == uploadAuto {
		switch {
		case detected == "":
			return "", newKindError(up.Kind, "")
		case up.Map != "" && slices.Contains(jsonLines, detected):
			return string(evidence.KindJSONL), nil
		}
		return detected, nil
	}
	lines := slices.Contains(jsonLines, up.Kind) && slices.Contains(jsonLines, detected)
	if detected == "" || detected == up.Kind || (lines && (up.Kind == string(evidence.KindJSONL) || detected == string(evidence.KindJSONL))) {
		return up.Kind, nil
	}
	return "", newKindError(up.Kind, detected)
}

package model

import (
	"errors"
)

// Error codes shared by every adapter: the command line maps them to exit
// codes, the server to HTTP statuses, each in exactly one function.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	EINTERNAL     = "internal"
	// ENOSPACE: the database or the disk is full; nothing was saved.
	ENOSPACE = "insufficient_storage"
)

// Error is an error meant for the user, with a code saying what kind it is.
type Error struct {
	Code    string
	Message string
	// Text is Message before it was formatted, for translation.
	Text Text
}

func (e *Error) Error() string { return e.Message }

// MessageFormat makes an *Error an i18n.Message (through its Text), so
// that one given as an argument of another message is translated too.
func (e *Error) MessageFormat() (string, []any) {
	if e.Text.Format == "" {
		return "%s", []any{e.Message}
	}
	return e.Text.MessageFormat()
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	t := T(format, args...)
	return &Error{Code: code, Message: t.String(), Text: t}
}

// ErrorText is what err says, as a Text to translate: the Text of the
// *Error or *ValidationError (its first problem) it is, or its message
// as it is when it is something else or wraps one in more words.
func ErrorText(err error) Text {
	var e *Error
	if errors.As(err, &e) && e.Message == err.Error() && e.Text.Format != "" {
		return e.Text
	}
	var v *ValidationError
	if errors.As(err, &v) && len(v.Problems) == 1 && v.Error() == err.Error() && v.Problems[0].Text.Format != "" {
		p := v.Problems[0]
		return T("%s%s", p.place(), p.Text)
	}
	return T("%s", err.Error())
}

// ErrorCode returns the code of err: the code of the first *Error in its
// chain, EINVALID for a *ValidationError, "" for nil and EINTERNAL otherwise.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var v *ValidationError
	if errors.As(err, &v) {
		return EINVALID
	}
	return EINTERNAL
}

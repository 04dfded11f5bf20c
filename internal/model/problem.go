package model

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a model's source: 1-based line and column.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Problem is one thing wrong with a model: where, and what.
type Problem struct {
	File string `json:"file,omitempty"`
	Pos
	// Path locates the value in the model, such as "scenarios[2].frequency".
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
	// Text is Message before it was formatted, for translation: pages in
	// another language than English show Text in that language.
	Text Text `json:"-"`
}

// Text is a message before formatting: an English format with fmt verbs,
// which is also the message's id in the translation catalogue
// (internal/i18n), and its arguments. An argument that is itself a Text
// is translated too; any other is data, shown as it is.
type Text struct {
	Format string
	Args   []any
}

// T makes a Text. Every format given to T (text in this package), add,
// problem, problemMarking and to Errorf with EINVALID or ECONFLICT must
// be a literal: a test in internal/i18n finds them in the source of
// model, store, web and evidence, and checks that each one is translated.
func T(format string, args ...any) Text { return Text{Format: format, Args: args} }

func text(format string, args ...any) Text { return T(format, args...) }

// String formats the text in English.
func (t Text) String() string {
	if len(t.Args) == 0 && !strings.Contains(t.Format, "%") {
		return t.Format
	}
	return fmt.Sprintf(t.Format, t.Args...)
}

// MessageFormat returns the format and arguments, for i18n.Printer.Message.
func (t Text) MessageFormat() (string, []any) { return t.Format, t.Args }

// newProblem is a problem at path saying t.
func newProblem(file string, pos Pos, path string, t Text) Problem {
	return Problem{File: file, Pos: pos, Path: path, Message: t.String(), Text: t}
}

// String renders the problem the way compilers do: file:line:column: path: message.
func (p Problem) String() string { return p.place() + p.Message }

// place is the start of String: file:line:column: path: .
func (p Problem) place() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		b.WriteString(":")
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", p.Line, p.Column)
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	return b.String()
}

// ValidationError is an invalid model: every problem found, in source order.
type ValidationError struct {
	Problems []Problem
}

// Error lists the problems, one per line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// sortProblems orders problems by position, problems without one last.
func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if (a.Line == 0) != (b.Line == 0) {
			return a.Line != 0
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// sortProblemsIn orders problems by file, those of the model's file first
// and the others (the files it names) by name, then by position.
func sortProblemsIn(file string, ps []Problem) {
	sortProblems(ps)
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].File, ps[j].File
		if (a == file) != (b == file) {
			return a == file
		}
		return a != file && a < b
	})
}

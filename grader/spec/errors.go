package spec

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// ErrSyntax matches every *SyntaxError with errors.Is.
var ErrSyntax = errors.New("malformed declaration")

// ErrNeeds matches errors about the needs graph: a needs entry that names no
// check, or a cycle.
var ErrNeeds = errors.New("bad needs")

// SyntaxError is a mistake at one line of a check file or an exercise.txt.
type SyntaxError struct {
	File string // path of the file
	Line int    // 1-based line number, 0 when the whole file is at fault
	Msg  string // what is wrong and what to do
}

// Error formats the error as "file:line: msg", on one line: a file name
// with a newline or another unprintable character in it is quoted.
func (e *SyntaxError) Error() string {
	file := e.File
	if strings.ContainsFunc(file, func(r rune) bool { return !unicode.IsPrint(r) }) {
		file = strconv.Quote(file)
	}
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", file, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", file, e.Line, e.Msg)
}

// Is reports whether target is ErrSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// NeedsError is a needs entry that names no check, or a cycle of needs.
type NeedsError struct {
	File string // the check whose needs line is at fault
	Line int
	Msg  string
}

// Error formats the error as "file:line: msg".
func (e *NeedsError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Is reports whether target is ErrNeeds.
func (e *NeedsError) Is(target error) bool { return target == ErrNeeds }

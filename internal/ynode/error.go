package ynode

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Error is one problem in a document: where it is and what was expected.
type Error struct {
	File   string // the document's file name, if known
	Line   int    // 1-based; 0 if unknown
	Column int    // 1-based; 0 if unknown
	Path   Path   // the value's path; empty for the root
	Msg    string // what is wrong, saying what was expected
}

// Error formats e as FILE:LINE:COL: PATH: MESSAGE, leaving out the parts
// that are unknown.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Line > 0 {
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Column))
		b.WriteByte(':')
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	if e.Path != "" {
		b.WriteString(string(e.Path))
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is every problem found in a document, in the order found.
type ErrorList []*Error

// Error joins the errors' texts, one per line.
func (l ErrorList) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Unwrap returns the errors of l, for errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// Err returns l as an error, or nil if l is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// WithFile returns a copy of l whose errors name file, where they name no
// file yet (an error from a file the first one includes keeps its own).
// The errors of l are not changed.
func (l ErrorList) WithFile(file string) ErrorList {
	out := make(ErrorList, len(l))
	for i, e := range l {
		c := *e
		if c.File == "" {
			c.File = file
		}
		out[i] = &c
	}
	return out
}

// Sort orders l by file, line and column, keeping the order of errors at the
// same place.
func (l ErrorList) Sort() {
	slices.SortStableFunc(l, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
}

// AsList returns the errors in err: the list itself if err is (or wraps) an
// ErrorList, a one-element list if it is an *Error, and a list of one Error
// without position otherwise. It returns nil for a nil err.
func AsList(err error) ErrorList {
	if err == nil {
		return nil
	}
	var l ErrorList
	if errors.As(err, &l) {
		return l
	}
	var e *Error
	if errors.As(err, &e) {
		return ErrorList{e}
	}
	return ErrorList{{Msg: err.Error()}}
}

package data

import (
	"errors"
	"fmt"
)

// ParseError reports malformed input at a place in a file: a line for text
// formats, a byte offset for binary ones. Every reader in this package returns
// one (possibly wrapped) for bad content, so callers can errors.As it and show
// the place to the user.
type ParseError struct {
	File   string // the path or name the reader was given
	Line   int    // 1-based line number; 0 when the place is a byte offset
	Offset int64  // byte offset into the (decompressed) stream, when Line is 0
	Err    error  // what is wrong
}

// Error formats the error as "data: FILE:LINE: msg" or "data: FILE: byte N: msg".
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("data: %s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("data: %s: byte %d: %v", e.File, e.Offset, e.Err)
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// lineErr builds a *ParseError for line n of file.
func lineErr(file string, n int, format string, args ...any) error {
	return &ParseError{File: file, Line: n, Err: fmt.Errorf(format, args...)}
}

// byteErr builds a *ParseError at byte offset off of file.
func byteErr(file string, off int64, format string, args ...any) error {
	return &ParseError{File: file, Offset: off, Err: fmt.Errorf(format, args...)}
}

// ErrNotSupported is returned (wrapped) by Load for the data-source kinds
// that their task packages read instead (movielens by recommend, pcap by
// threat): data cannot import them.
var ErrNotSupported = errors.New("not loaded by package data")

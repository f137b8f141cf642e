package data

import (
	"bufio"
	"bytes"
	"io"
)

// maxLine bounds the length of one text line (64 MiB), so that a file without
// line breaks fails with a clear error instead of exhausting memory.
const maxLine = 64 << 20

// lineScanner reads text lines ending in "\n", "\r\n" or a lone "\r" (old Mac
// files, such as NSL-KDD's AttackTypes.csv), strips a UTF-8 byte-order mark from
// the first line and counts lines from 1.
type lineScanner struct {
	sc   *bufio.Scanner
	name string
	line int
	text string
}

func newLineScanner(r io.Reader, name string) *lineScanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	sc.Split(splitLines)
	return &lineScanner{sc: sc, name: name}
}

// Scan advances to the next line; it returns false at the end or on error.
func (s *lineScanner) Scan() bool {
	if !s.sc.Scan() {
		return false
	}
	s.line++
	b := s.sc.Bytes()
	if s.line == 1 {
		b = bytes.TrimPrefix(b, []byte("\ufeff"))
	}
	s.text = string(b)
	return true
}

// Text is the current line without its terminator.
func (s *lineScanner) Text() string { return s.text }

// Line is the 1-based number of the current line.
func (s *lineScanner) Line() int { return s.line }

// Err returns the first read error, as a *ParseError naming the line after the
// last good one.
func (s *lineScanner) Err() error {
	if err := s.sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return lineErr(s.name, s.line+1, "line longer than %d bytes", maxLine)
		}
		return lineErr(s.name, s.line+1, "read: %w", err)
	}
	return nil
}

func splitLines(data []byte, atEOF bool) (int, []byte, error) {
	if atEOF && len(data) == 0 {
		return 0, nil, nil
	}
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		if data[i] == '\n' {
			return i + 1, data[:i], nil
		}
		if i+1 < len(data) {
			if data[i+1] == '\n' {
				return i + 2, data[:i], nil
			}
			return i + 1, data[:i], nil
		}
		if atEOF {
			return i + 1, data[:i], nil
		}
		return 0, nil, nil // a '\r' at the end of the buffer: wait for the next byte
	}
	if atEOF {
		return len(data), data, nil
	}
	return 0, nil, nil
}

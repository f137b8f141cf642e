package index

import (
	"errors"
	"fmt"
)

// ErrNotFound reports an ID that is not in the index.
var ErrNotFound = errors.New("ID not found")

// ErrCorrupt is wrapped by every error that reports damaged snapshot or log
// data; the message says which file, section or record, and at what offset.
var ErrCorrupt = errors.New("corrupt data")

func errUnknownKind(k Kind) error { return fmt.Errorf("index: unknown index kind %v", k) }

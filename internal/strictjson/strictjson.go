// Package strictjson decodes request bodies strictly into errors that read
// well to a client: they name the field and the JSON type, never a Go type.
// The server and the recommender share it, so that their 400s say the same
// things.
//
// Strict means: exactly one JSON object (not null, not empty), nothing after
// it, no unknown fields, no key that appears twice in one object, and no key
// that matches a field's JSON name only when case is ignored. encoding/json
// alone accepts the last two (the last duplicate wins; "K" fills the field
// "k"), so a body such as {"id": "0", "k": 1, "K": 2} would mean something
// other than what a reader of it sees; threat.DecodeRecord refuses repeated
// fields for the same reason.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// ErrEmpty is returned for a body that holds nothing but white space.
var ErrEmpty = errors.New("empty request body; want a JSON object")

// Decode decodes exactly one JSON value from body into v, refusing unknown
// fields, trailing data, a top-level null, repeated keys and keys that
// differ from a field's JSON name only in case (see the package comment).
// Repeated keys are refused at every depth, also inside values that v keeps
// as json.RawMessage (raw model inputs, metadata, filters), since whatever
// reads them later would silently take one of the two. Errors other than
// ErrEmpty describe the JSON (see Text) and are meant to follow a prefix
// such as "invalid JSON body: ".
func Decode(body []byte, v any) error {
	body = bytes.Trim(body, " \t\r\n") // JSON's white space only, as encoding/json reads it
	if len(body) == 0 {
		return ErrEmpty
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errors.New(Text(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the object")
	}
	if body[0] == 'n' { // decoding null into v is a silent no-op
		return errors.New("the body is null; want a JSON object")
	}
	// body is now known to be one valid JSON value: check its keys.
	w := walker{b: body}
	return w.value(reflect.TypeOf(v))
}

// Text makes encoding/json's errors read well without Go type names: a
// value of the wrong type names its field (as a dotted path) and JSON type.
func Text(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Sprintf("field %q: cannot use a JSON %s here", te.Field, te.Value)
		}
		return fmt.Sprintf("cannot use a JSON %s here", te.Value)
	}
	return err.Error()
}

// walker scans a valid JSON value in one pass, following the Go type it was
// decoded into so that object keys can be checked against struct fields.
// It never panics on any input (a malformed one is reported as such), though
// Decode only hands it values that encoding/json accepted.
type walker struct {
	b    []byte
	i    int
	path []step // where the value being read is, for messages
}

// step is one step of a path: an object's key (index -1), or an array index.
type step struct {
	key   string
	index int
}

// at names the value at the current path followed by key, e.g. "items[0].id".
func (w *walker) at(key string) string {
	var b strings.Builder
	for _, s := range w.path {
		if s.index >= 0 {
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	if b.Len() > 0 {
		b.WriteByte('.')
	}
	b.WriteString(key)
	return b.String()
}

var errMalformed = errors.New("malformed JSON")

func (w *walker) space() {
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

// value checks the value at w.i, decoded into a Go value of type t (nil:
// unknown or opaque, where only repeated keys are checked).
func (w *walker) value(t reflect.Type) error {
	w.space()
	if w.i >= len(w.b) {
		return errMalformed
	}
	t = elemOf(t)
	switch w.b[w.i] {
	case '{':
		return w.object(t)
	case '[':
		return w.array(t)
	case '"':
		_, err := w.str()
		return err
	}
	for w.i < len(w.b) { // number, true, false or null
		switch w.b[w.i] {
		case ',', ']', '}', ' ', '\t', '\n', '\r':
			return nil
		}
		w.i++
	}
	return nil
}

func (w *walker) object(t reflect.Type) error {
	w.i++ // '{'
	var fields map[string]field
	if t != nil && t.Kind() == reflect.Struct {
		fields = fieldsOf(t)
	}
	seen := map[string]bool{}
	for first := true; ; first = false {
		w.space()
		if w.i >= len(w.b) {
			return errMalformed
		}
		if w.b[w.i] == '}' {
			w.i++
			return nil
		}
		if !first {
			if w.b[w.i] != ',' {
				return errMalformed
			}
			w.i++
			w.space()
		}
		key, err := w.str()
		if err != nil {
			return err
		}
		if seen[key] {
			return fmt.Errorf("field %q appears twice", w.at(key))
		}
		seen[key] = true
		var next reflect.Type
		switch {
		case fields != nil:
			f, ok := fields[key]
			if !ok {
				if name := foldMatch(fields, key); name != "" {
					return fmt.Errorf("unknown field %q (field names are case-sensitive: did you mean %q?)", w.at(key), w.at(name))
				}
			}
			next = f.typ
		case t != nil && t.Kind() == reflect.Map:
			next = t.Elem()
		}
		w.space()
		if w.i >= len(w.b) || w.b[w.i] != ':' {
			return errMalformed
		}
		w.i++
		w.path = append(w.path, step{key: key, index: -1})
		if err := w.value(next); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
}

func (w *walker) array(t reflect.Type) error {
	w.i++ // '['
	var elem reflect.Type
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		elem = t.Elem()
	}
	for n := 0; ; n++ {
		w.space()
		if w.i >= len(w.b) {
			return errMalformed
		}
		if w.b[w.i] == ']' {
			w.i++
			return nil
		}
		if n > 0 {
			if w.b[w.i] != ',' {
				return errMalformed
			}
			w.i++
		}
		w.path = append(w.path, step{index: n})
		if err := w.value(elem); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
}

// str reads a JSON string at w.i and returns it unescaped (so that "\u0069d"
// and "id" are the same key, as encoding/json reads them).
func (w *walker) str() (string, error) {
	if w.i >= len(w.b) || w.b[w.i] != '"' {
		return "", errMalformed
	}
	start, esc := w.i, false
	for w.i++; w.i < len(w.b); w.i++ {
		switch w.b[w.i] {
		case '\\':
			esc = true
			w.i++
		case '"':
			w.i++
			raw := w.b[start:w.i]
			// encoding/json turns invalid UTF-8 into U+FFFD, so "\xff" and
			// "\xfe" are one key to it: unescape as it does in that case too.
			if !esc && utf8.Valid(raw) {
				return string(raw[1 : len(raw)-1]), nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "", errMalformed
			}
			return s, nil
		}
	}
	return "", errMalformed
}

var unmarshaler = reflect.TypeFor[json.Unmarshaler]()

// elemOf dereferences pointers and returns nil for types whose JSON form
// encoding/json does not map onto fields (json.Unmarshaler implementations
// such as json.RawMessage, interfaces): only repeated keys are checked there.
func elemOf(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() == reflect.Interface || reflect.PointerTo(t).Implements(unmarshaler) {
		return nil
	}
	return t
}

// field is a struct field as encoding/json sees it.
type field struct{ typ reflect.Type }

var fieldCache sync.Map // reflect.Type -> map[string]field

// fieldsOf returns the JSON names of t's fields, embedded structs' fields
// promoted as encoding/json promotes them (a shallower field wins). Two
// fields of one name at the same depth are resolved more simply than
// encoding/json does (it prefers a tagged one and drops ambiguous names);
// no request type of this project has such a pair.
func fieldsOf(t reflect.Type) map[string]field {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]field)
	}
	out := map[string]field{}
	addFields(t, out)
	fieldCache.Store(t, out)
	return out
}

func addFields(t reflect.Type, out map[string]field) {
	level := []reflect.Type{t}
	seen := map[reflect.Type]bool{t: true}
	for len(level) > 0 { // breadth first: depth by depth
		var next []reflect.Type
		names := map[string]field{}
		for _, t := range level {
			for i := range t.NumField() {
				sf := t.Field(i)
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, _, _ := strings.Cut(tag, ",")
				ft := sf.Type
				if sf.Anonymous && name == "" {
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if ft.Kind() == reflect.Struct {
						if !seen[ft] {
							seen[ft] = true
							next = append(next, ft)
						}
						continue
					}
				}
				if !sf.IsExported() {
					continue
				}
				if name == "" {
					name = sf.Name
				}
				names[name] = field{typ: ft}
			}
		}
		for name, f := range names {
			if _, ok := out[name]; !ok {
				out[name] = f
			}
		}
		level = next
	}
}

// foldMatch returns the field name that key matches when case is ignored
// (as encoding/json matches it), or "".
func foldMatch(fields map[string]field, key string) string {
	for name := range fields {
		if strings.EqualFold(name, key) {
			return name
		}
	}
	return ""
}

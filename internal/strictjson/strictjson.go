// Package strictjson decodes request bodies strictly (one JSON object, no
// unknown fields, nothing after it) into errors that read well to a client:
// they name the field and the JSON type, never a Go type. The server and
// the recommender share it, so that their 400s say the same things.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ErrEmpty is returned for a body that holds nothing but white space.
var ErrEmpty = errors.New("empty request body; want a JSON object")

// Decode decodes exactly one JSON value from body into v, refusing unknown
// fields and trailing data. Errors other than ErrEmpty describe the JSON
// (see Text) and are meant to follow a prefix such as "invalid JSON body: ".
func Decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
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
	return nil
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

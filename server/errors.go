package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/contrast-ml/contrast/index"
)

// Code is the stable, machine-readable kind of an API error; its String is
// the "code" field of the JSON error body.
type Code uint8

// The error codes. Their strings and HTTP statuses never change.
const (
	CodeInternal         Code = iota // internal: 500, detail logged, never sent
	CodeBadRequest                   // bad_request: 400, malformed or invalid request
	CodeUnauthorized                 // unauthorized: 401, missing or wrong bearer token
	CodeNotFound                     // not_found: 404, unknown item ID or route
	CodeMethodNotAllowed             // method_not_allowed: 405
	CodeTooLarge                     // too_large: 413, body or batch over its limit
	CodeOverloaded                   // overloaded: 429, concurrency limit reached
	CodeNotImplemented               // not_implemented: 501, no model or recommender configured
	CodeTimeout                      // timeout: 503, request time limit reached
)

// String returns the code as it appears in error bodies, e.g. "bad_request".
func (c Code) String() string {
	switch c {
	case CodeInternal:
		return "internal"
	case CodeBadRequest:
		return "bad_request"
	case CodeUnauthorized:
		return "unauthorized"
	case CodeNotFound:
		return "not_found"
	case CodeMethodNotAllowed:
		return "method_not_allowed"
	case CodeTooLarge:
		return "too_large"
	case CodeOverloaded:
		return "overloaded"
	case CodeNotImplemented:
		return "not_implemented"
	case CodeTimeout:
		return "timeout"
	}
	return fmt.Sprintf("Code(%d)", uint8(c))
}

// Status is the HTTP status sent with the code.
func (c Code) Status() int {
	switch c {
	case CodeBadRequest:
		return http.StatusBadRequest
	case CodeUnauthorized:
		return http.StatusUnauthorized
	case CodeNotFound:
		return http.StatusNotFound
	case CodeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case CodeOverloaded:
		return http.StatusTooManyRequests
	case CodeNotImplemented:
		return http.StatusNotImplemented
	case CodeTimeout:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Error is an API error with a code and a message meant for the client.
// Handlers, models and recommenders may return one (or wrap ErrBadInput) to
// choose the response; any other error is internal.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return e.Code.String() + ": " + e.Message }

// errorf returns an *Error with a formatted message.
func errorf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...)}
}

// ErrBadInput is wrapped by Model and Recommender errors caused by the
// request (an undecodable image, a wrong number of pixels, an unknown field
// value); the server answers 400 bad_request with the error's text. An error
// about one input should be an *InputError, which wraps ErrBadInput and lets
// the server name the input's field. Errors that wrap neither ErrBadInput
// nor *Error are internal: logged, and answered with a generic message.
var ErrBadInput = errors.New("bad input")

// InputError is the error a Model, Verifier or Scorer returns about one of
// the inputs it was given: Index is the input's position in the slice it was
// passed, Err what is wrong with it. It wraps ErrBadInput (and Err).
//
// The server names the input as the request spells it: the
// slice a model sees is not always the request's list, since PUT /v1/items
// passes on only the items that carry an input, a search its one input, and
// a verification the two sides of /v1/similarity. So a model reports a
// position, never a field name: "items[3].input: ..." then reaches the client
// rather than a misleading "inputs[0]: ...". Errors that wrap ErrBadInput
// without an InputError reach the client with their own text.
type InputError struct {
	Index int
	Err   error
}

// Error names the input by its position in the model's inputs.
func (e *InputError) Error() string {
	return fmt.Sprintf("%v: inputs[%d]: %v", ErrBadInput, e.Index, e.Err)
}

// Unwrap returns ErrBadInput and Err.
func (e *InputError) Unwrap() []error { return []error{ErrBadInput, e.Err} }

// inputsField maps the position of an input passed to a model to its field
// in the request, e.g. "items[3].input".
type inputsField func(i int) string

// inputsList names the inputs of a request's "inputs" list.
func inputsList(i int) string { return fmt.Sprintf("inputs[%d]", i) }

// nameInput rewrites an *InputError of a model that was passed n inputs as
// a 400 naming the input's field; other errors pass unchanged.
func nameInput(err error, field inputsField, n int) error {
	var ie *InputError
	if errors.As(err, &ie) && ie.Index >= 0 && ie.Index < n {
		return errorf(CodeBadRequest, "%s: %v", field(ie.Index), ie.Err)
	}
	return err
}

// classify maps an error to the client-facing code and message; internal
// reports whether the error must be logged (and its text withheld).
func classify(err error) (e *Error, internal bool) {
	var ae *Error
	switch {
	case errors.As(err, &ae):
		return ae, ae.Code == CodeInternal
	case errors.Is(err, ErrBadInput):
		return &Error{Code: CodeBadRequest, Message: err.Error()}, false
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Code: CodeTimeout, Message: "request took longer than the server's time limit"}, false
	case errors.Is(err, context.Canceled):
		return &Error{Code: CodeTimeout, Message: "request cancelled"}, false
	case errors.Is(err, index.ErrNotFound):
		return &Error{Code: CodeNotFound, Message: err.Error()}, false
	}
	return &Error{Code: CodeInternal, Message: "internal error"}, true
}

// errorBody is the JSON form of every error response:
// {"error":{"code":"bad_request","message":"..."}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

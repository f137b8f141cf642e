// Package config loads run configurations: YAML files decoded strictly (a field
// that does not exist is an error naming it and its line), and every field of the
// same struct also settable by a command-line flag, generated from the struct's
// `yaml` and `help` tags, so that configs and flags can never drift apart.
//
// Flag names are the YAML path joined by dots (optim.lr); enumerations are types
// that implement encoding.TextMarshaler and TextUnmarshaler, so YAML and flags
// parse them the same way.
package config

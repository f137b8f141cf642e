package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/contrast-ml/contrast/internal/atomicfile"
	"go.yaml.in/yaml/v3"
)

// Load decodes the YAML file at path into dst strictly: unknown fields, type
// mismatches and trailing documents are errors that name the file and line.
func Load(path string, dst any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := Decode(bytes.NewReader(b), dst); err != nil {
		return fmt.Errorf("config: %s: %w", path, err)
	}
	return nil
}

// Decode reads one YAML document into dst, rejecting unknown fields.
func Decode(r io.Reader, dst any) error {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(dst); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty file keeps the defaults
		}
		return oneLine(err)
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return fmt.Errorf("more than one YAML document")
	}
	return nil
}

// Marshal encodes src as YAML.
func Marshal(src any) ([]byte, error) {
	b, err := yaml.Marshal(src)
	if err != nil {
		return nil, fmt.Errorf("config: encode: %w", err)
	}
	return b, nil
}

// Save writes src as YAML to path atomically, creating its directory: a run
// directory's resolved config.yaml, which Load reads back into the same
// struct.
func Save(path string, src any) error {
	b, err := Marshal(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := atomicfile.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// oneLine folds yaml's multi-line error lists into one line for the CLI.
func oneLine(err error) error {
	var parts []string
	for _, l := range strings.Split(strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return errors.New(strings.Join(parts, "; "))
}

package threat

import (
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The server's OpenAPI description of a connection record must list exactly
// the fields DecodeRecord accepts, with its ranges, so that a schema
// validator and the server agree (additionalProperties: false).
func TestOpenAPIRecordMatchesDecoder(t *testing.T) {
	b, err := os.ReadFile("../server/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type prop struct {
		Type    string   `yaml:"type"`
		Enum    []string `yaml:"enum"`
		Minimum *float64 `yaml:"minimum"`
		Maximum *float64 `yaml:"maximum"`
	}
	var doc struct {
		Components struct {
			Schemas struct {
				ConnectionRecord struct {
					Required             []string        `yaml:"required"`
					Properties           map[string]prop `yaml:"properties"`
					AdditionalProperties *bool           `yaml:"additionalProperties"`
				} `yaml:"ConnectionRecord"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	rec := doc.Components.Schemas.ConnectionRecord
	if rec.AdditionalProperties == nil || *rec.AdditionalProperties {
		t.Error("ConnectionRecord: additionalProperties must be false (DecodeRecord rejects unknown fields)")
	}
	numeric, symbolic := fieldKinds()
	if len(rec.Properties) != len(numeric)+len(symbolic) {
		t.Errorf("ConnectionRecord lists %d fields, the decoder knows %d", len(rec.Properties), len(numeric)+len(symbolic))
	}
	for name := range symbolic {
		if p, ok := rec.Properties[name]; !ok || p.Type != "string" || !slices.Equal(p.Enum, kddLevels[name]) {
			t.Errorf("symbolic field %q: schema %+v, want a string of %v", name, p, kddLevels[name])
		}
	}
	for name := range numeric {
		p, ok := rec.Properties[name]
		hi := MaxFieldValue
		if strings.HasSuffix(name, "_rate") {
			hi = 1
		}
		if !ok || p.Type != "number" || p.Minimum == nil || *p.Minimum != 0 || p.Maximum == nil || *p.Maximum != hi {
			t.Errorf("numeric field %q: schema type %q, minimum %v, maximum %v; want a number in [0, %g]", name, p.Type, deref(p.Minimum), deref(p.Maximum), hi)
		}
	}
}

// deref shows an optional bound: its value, or "none".
func deref(v *float64) any {
	if v == nil {
		return "none"
	}
	return *v
}

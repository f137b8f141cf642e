package train

import (
	"strings"
	"testing"
)

// TestValidateEnums checks that Validate names every enumeration field whose
// value has no name (it could not be written to config.yaml), and accepts the
// defaults.
func TestValidateEnums(t *testing.T) {
	ok := Default()
	if err := ok.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for field, set := range map[string]func(*Config){
		"method":       func(c *Config) { c.Method = Method(99) },
		"encoder.kind": func(c *Config) { c.Encoder.Kind = EncoderKind(-1) },
		"optim.kind":   func(c *Config) { c.Optim.Kind = OptimKind(4) },
		"loss.miner":   func(c *Config) { c.Loss.Miner = MinerKind(9) },
	} {
		c := Default()
		set(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), field+": ") {
			t.Errorf("%s out of range: %v", field, err)
		}
	}
}

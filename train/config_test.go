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

// TestValidateCounts checks that Validate refuses a negative count or size,
// naming the field (a negative train_limit used to mean "all").
func TestValidateCounts(t *testing.T) {
	for field, set := range map[string]func(*Config){
		"steps":            func(c *Config) { c.Steps = -3 },
		"train_limit":      func(c *Config) { c.TrainLimit = -5 },
		"test_limit":       func(c *Config) { c.TestLimit = -1 },
		"workers":          func(c *Config) { c.Workers = -2 },
		"checkpoint_every": func(c *Config) { c.CheckpointEvery = -1 },
		"monitor.held_out": func(c *Config) { c.Monitor.HeldOut = -1 },
	} {
		c := Default()
		set(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), field+": -") {
			t.Errorf("%s negative: %v", field, err)
		}
	}
}

package config

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

type color int

func (c color) MarshalText() ([]byte, error) { return []byte([]string{"red", "blue"}[c]), nil }
func (c *color) UnmarshalText(b []byte) error {
	switch string(b) {
	case "red":
		*c = 0
	case "blue":
		*c = 1
	default:
		return fmt.Errorf("unknown color %q (want red or blue)", b)
	}
	return nil
}

type inner struct {
	LR    float64 `yaml:"lr" help:"learning rate"`
	Steps int     `yaml:"steps"`
}

type cfg struct {
	Name  string    `yaml:"name"`
	Seed  uint64    `yaml:"seed"`
	Color color     `yaml:"color"`
	Fracs []float64 `yaml:"fracs"`
	On    bool      `yaml:"on"`
	Optim inner     `yaml:"optim"`
	//lint:ignore U1000 an unexported field, which Bind must skip
	hidden int
}

func TestDecodeStrict(t *testing.T) {
	c := cfg{Name: "default"}
	if err := Decode(strings.NewReader("name: x\noptim:\n  lr: 0.5\ncolor: blue\nfracs: [0.01, 0.1]\n"), &c); err != nil {
		t.Fatal(err)
	}
	if c.Name != "x" || c.Optim.LR != 0.5 || c.Color != 1 || len(c.Fracs) != 2 {
		t.Errorf("decoded %+v", c)
	}
	for _, bad := range []string{"nme: x\n", "optim:\n  lrr: 1\n", "color: green\n", "seed: -1\n", "name: a\n---\nname: b\n"} {
		if err := Decode(strings.NewReader(bad), &cfg{}); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestFlagsOverrideFile(t *testing.T) {
	scratch := cfg{}
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	Bind(fs, &scratch)
	for _, name := range []string{"name", "seed", "color", "fracs", "on", "optim.lr", "optim.steps"} {
		if fs.Lookup(name) == nil {
			t.Fatalf("flag --%s not bound", name)
		}
	}
	if err := fs.Parse([]string{"--optim.lr=0.25", "--color", "blue", "--fracs", "0.5,1", "--on"}); err != nil {
		t.Fatal(err)
	}
	final := cfg{Name: "file", Optim: inner{LR: 9, Steps: 7}}
	if err := ApplyChanged(fs, &final); err != nil {
		t.Fatal(err)
	}
	if final.Name != "file" || final.Optim.Steps != 7 || final.Optim.LR != 0.25 || final.Color != 1 || !final.On || len(final.Fracs) != 2 || final.Fracs[1] != 1 {
		t.Errorf("after flags: %+v", final)
	}
	if err := fs.Parse([]string{"--color", "green"}); err == nil || !strings.Contains(err.Error(), "red or blue") {
		t.Errorf("bad enum flag: %v", err)
	}
	if err := fs.Parse([]string{"--optim.steps", "x"}); err == nil {
		t.Error("accepted a non-integer")
	}
}

// TestSaveLoad writes a config with Save and reads it back with Load into a
// struct of defaults that differ everywhere: every field comes from the file.
func TestSaveLoad(t *testing.T) {
	want := cfg{Name: "run", Seed: 7, Color: 1, Fracs: []float64{0.25, 1}, On: true, Optim: inner{LR: 0.125, Steps: 3}}
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := Save(path, want); err != nil {
		t.Fatal(err)
	}
	got := cfg{Name: "x", Seed: 1, Fracs: []float64{9}, Optim: inner{LR: 1, Steps: 1}}
	if err := Load(path, &got); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("loaded %+v, saved %+v", got, want)
	}
	deep := filepath.Join(t.TempDir(), "run", "sub", "config.yaml")
	if err := Save(deep, want); err != nil {
		t.Fatalf("Save into a new directory: %v", err)
	}
	if err := Load(deep, &got); err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("loaded %+v (%v) from a new directory", got, err)
	}
}

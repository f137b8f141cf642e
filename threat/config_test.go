package threat

import (
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/spf13/pflag"

	"github.com/contrast-ml/contrast/internal/config"
)

// repoRoot is the module root, for examples/ and ../shared/data.
func repoRoot(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller")
	}
	return filepath.Dir(filepath.Dir(file))
}

func TestExampleConfigIsDefault(t *testing.T) {
	var c Config
	if err := config.Load(filepath.Join(repoRoot(t), "examples", "nslkdd.yaml"), &c); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if d := Default(); !reflect.DeepEqual(c, d) {
		t.Errorf("examples/nslkdd.yaml differs from Default():\n%+v\n%+v", c, d)
	}
}

func TestConfigFlags(t *testing.T) {
	cfg := Default()
	fs := pflag.NewFlagSet("train", pflag.ContinueOnError)
	config.Bind(fs, &cfg)
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Usage == "" {
			t.Errorf("flag --%s has no help", f.Name)
		}
	})
	err := fs.Parse([]string{"--features.categorical", "onehot", "--novelty.hidden", "64,32", "--encoder.norm", "batch",
		"--supcon.class_weight", "balanced", "--novelty.k", "7", "--limit", "100"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Features.Categorical != CatOneHot || !reflect.DeepEqual(cfg.Novelty.Hidden, []int{64, 32}) ||
		cfg.Encoder.Norm != NormBatch || cfg.SupCon.ClassWeight != WeightBalanced || cfg.Novelty.K != 7 || cfg.Limit != 100 {
		t.Errorf("flags not applied: %+v", cfg)
	}
	if err := fs.Parse([]string{"--encoder.norm", "group"}); err == nil {
		t.Error("unknown normalisation accepted")
	}
}

// TestValidateMembers checks the bounds of novelty.members: 0 (one encoder)
// to maxMembers.
func TestValidateMembers(t *testing.T) {
	for _, c := range []struct {
		members int
		ok      bool
	}{{-1, false}, {0, true}, {1, true}, {maxMembers, true}, {maxMembers + 1, false}} {
		cfg := Default()
		cfg.Novelty.Members = c.members
		if err := cfg.Validate(); (err == nil) != c.ok {
			t.Errorf("members %d: error %v, want ok %v", c.members, err, c.ok)
		}
	}
}

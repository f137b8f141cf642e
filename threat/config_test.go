package threat

import (
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

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

package recommend

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/internal/atomicfile"
	"github.com/contrast-ml/contrast/nn"
)

// The files of a run directory.
const (
	ModelFile   = "model.safetensors" // weights, names as Model.Params
	SpecFile    = "model.json"        // ModelSpec: architecture, vocabulary, catalogue
	MetricsFile = "metrics.json"
	ConfigFile  = "config.yaml"
)

// Save writes SpecFile and ModelFile into dir (each atomically).
func (m *Model) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("recommend: save: %w", err)
	}
	spec, err := json.Marshal(m.Spec)
	if err != nil {
		return fmt.Errorf("recommend: save: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, SpecFile), append(spec, '\n'), 0o644); err != nil {
		return fmt.Errorf("recommend: save: %w", err)
	}
	return nn.SaveModule(filepath.Join(dir, ModelFile), stateView{m}, map[string]string{"format": specFormat})
}

// readModel reads a model saved by Save, without the serving index.
func readModel(dir string) (*Model, error) {
	path := filepath.Join(dir, SpecFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("recommend: load: %w", err)
	}
	var spec ModelSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("recommend: load %q: %w", path, err)
	}
	if spec.Format != specFormat {
		return nil, fmt.Errorf("recommend: load %q: format %q, want %q", path, spec.Format, specFormat)
	}
	if err := spec.validate(); err != nil {
		return nil, fmt.Errorf("recommend: load %q: %w", path, err)
	}
	m, err := NewModel(spec, rand.New(rand.NewPCG(spec.Seed, 0)))
	if err != nil {
		return nil, fmt.Errorf("recommend: load %q: %w", path, err)
	}
	if _, err := nn.LoadModule(filepath.Join(dir, ModelFile), stateView{m}); err != nil {
		return nil, fmt.Errorf("recommend: load: %w", err)
	}
	return m, nil
}

// validate checks what NewModel does not, for specs read from files.
func (s *ModelSpec) validate() error {
	if s.Pooling != Mean && s.Pooling != Recency {
		return fmt.Errorf("pooling %v", s.Pooling)
	}
	if s.Pooling == Recency && !(s.HalfLife > 0) {
		return fmt.Errorf("half_life %v with recency pooling", s.HalfLife)
	}
	if s.Text.Buckets < 0 || s.Dim > 1<<16 || s.WordDim > 1<<16 || s.History > 1<<20 {
		return fmt.Errorf("buckets %d, dim %d, word_dim %d, history %d out of range", s.Text.Buckets, s.Dim, s.WordDim, s.History)
	}
	for _, h := range s.Hidden {
		if h < 1 || h > 1<<16 {
			return fmt.Errorf("hidden width %d", h)
		}
	}
	in := numFields * s.WordDim
	for _, w := range append(append([]int(nil), s.Hidden...), s.Dim) {
		if in*w > maxTable {
			return fmt.Errorf("a %d x %d layer exceeds %d values", w, in, maxTable)
		}
		in = w
	}
	if rows := len(s.Vocab) + s.Text.Buckets; rows*s.WordDim > maxTable || len(s.Items)*s.Dim > maxTable {
		return fmt.Errorf("tables of %d x %d and %d x %d exceed %d values", rows, s.WordDim, len(s.Items), s.Dim, maxTable)
	}
	return nil
}

// maxTable bounds the token and ID tables of a model read from a file (1 GiB
// of float32 each), so that a corrupt spec fails instead of exhausting memory.
const maxTable = 1 << 28

// stateView adapts the model to nn's checkpoint functions.
type stateView struct{ m *Model }

func (s stateView) Forward(*ag.Tape, *ag.Var) *ag.Var {
	panic("recommend: a model's state view has no forward pass")
}
func (s stateView) Params() []*ag.Var     { return s.m.Params() }
func (s stateView) Buffers() []*nn.Buffer { return nil }
func (s stateView) SetTraining(bool)      {}

// writeMetrics writes metrics as one flat JSON object with sorted keys,
// atomically; a non-finite value is an error.
func writeMetrics(path string, metrics map[string]float64) error {
	for k, v := range metrics {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("recommend: metric %s is %v", k, v)
		}
	}
	b, err := json.MarshalIndent(metrics, "", "  ")
	if err != nil {
		return fmt.Errorf("recommend: metrics: %w", err)
	}
	if err := atomicfile.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("recommend: metrics: %w", err)
	}
	return nil
}

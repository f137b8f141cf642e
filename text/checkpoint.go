package text

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/internal/atomicfile"
	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/tensor"
)

// The files of a saved model directory.
const (
	ModelFile   = "model.safetensors" // weights and buffers, PyTorch state_dict names
	SpecFile    = "model.json"        // ModelSpec
	VocabFile   = "vocab.txt"         // "word<TAB>count" lines: the vocabulary, then the frozen words
	MetricsFile = "metrics.json"
	ConfigFile  = "config.yaml"
)

// Save writes the model into dir: SpecFile, VocabFile and ModelFile (the spec
// also goes into the safetensors metadata under "spec").
func (m *Model) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("text: save: %w", err)
	}
	spec, err := json.MarshalIndent(m.Spec, "", "  ")
	if err != nil {
		return fmt.Errorf("text: save: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, SpecFile), append(spec, '\n')); err != nil {
		return err
	}
	var b strings.Builder
	for _, v := range []*Vocab{m.Feat.Vocab, m.Feat.Frozen} {
		if v == nil {
			continue
		}
		for i, w := range v.Words {
			if strings.ContainsAny(w, "\t\n\r") {
				return fmt.Errorf("text: save: word %q holds a tab or line break", w)
			}
			fmt.Fprintf(&b, "%s\t%d\n", w, v.Counts[i])
		}
	}
	if err := writeFileAtomic(filepath.Join(dir, VocabFile), []byte(b.String())); err != nil {
		return err
	}
	return nn.SaveModule(filepath.Join(dir, ModelFile), m.state(), map[string]string{"format": specFormat, "spec": string(spec)})
}

// Load reads a model directory written by Save.
func Load(dir string) (*Model, error) {
	raw, err := os.ReadFile(filepath.Join(dir, SpecFile))
	if err != nil {
		return nil, fmt.Errorf("text: load: %w", err)
	}
	var spec ModelSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("text: load %q: %w", filepath.Join(dir, SpecFile), err)
	}
	if spec.Format != specFormat {
		return nil, fmt.Errorf("text: load %q: format %q, want %q", filepath.Join(dir, SpecFile), spec.Format, specFormat)
	}
	vpath := filepath.Join(dir, VocabFile)
	words, counts, err := readVocabFile(vpath)
	if err != nil {
		return nil, err
	}
	if len(words) != spec.Vocab+spec.Frozen {
		return nil, fmt.Errorf("text: load %q: %d words, the spec says %d + %d", vpath, len(words), spec.Vocab, spec.Frozen)
	}
	voc, err := NewVocab(words[:spec.Vocab], counts[:spec.Vocab])
	if err != nil {
		return nil, fmt.Errorf("text: load %q: %w", vpath, err)
	}
	feat := &Featurizer{Tok: spec.Tokenizer, Vocab: voc}
	if spec.Frozen > 0 {
		if feat.Frozen, err = NewVocab(words[spec.Vocab:], counts[spec.Vocab:]); err != nil {
			return nil, fmt.Errorf("text: load %q: %w", vpath, err)
		}
	}
	m, err := NewModel(spec, feat, nil, nil, rand.New(rand.NewPCG(spec.Seed, 0)))
	if err != nil {
		return nil, fmt.Errorf("text: load %q: %w", dir, err)
	}
	if _, err := nn.LoadModule(filepath.Join(dir, ModelFile), m.state()); err != nil {
		return nil, fmt.Errorf("text: load: %w", err)
	}
	m.SetTraining(false)
	return m, nil
}

func readVocabFile(path string) ([]string, []int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("text: load: %w", err)
	}
	defer f.Close()
	var words []string
	var counts []int
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		w, c, ok := strings.Cut(sc.Text(), "\t")
		n, err := strconv.Atoi(c)
		if !ok || err != nil || n < 0 || w == "" {
			return nil, nil, fmt.Errorf("text: load %q: line %d: want word<TAB>count, got %q", path, line, sc.Text())
		}
		words, counts = append(words, w), append(counts, n)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("text: load %q: %w", path, err)
	}
	return words, counts, nil
}

// state adapts the model to nn's checkpoint functions, which need only its
// parameters and buffers.
func (m *Model) state() nn.Module { return stateView{m} }

type stateView struct{ m *Model }

func (s stateView) Forward(*ag.Tape, *ag.Var) *ag.Var {
	panic("text: a model's state view has no forward pass; use Model.Encode")
}
func (s stateView) Params() []*ag.Var     { return s.m.Params() }
func (s stateView) Buffers() []*nn.Buffer { return s.m.Buffers() }
func (s stateView) SetTraining(on bool)   { s.m.SetTraining(on) }
func (m *Model) snapshot() []*tensor.Tensor {
	s := cloneParams(m.Params())
	if m.common != nil {
		s = append(s, m.common.Clone())
	}
	return s
}

func cloneParams(ps []*ag.Var) []*tensor.Tensor {
	out := make([]*tensor.Tensor, len(ps))
	for i, p := range ps {
		out[i] = p.Value.Clone()
	}
	return out
}

// restore copies a snapshot back into the parameters (and the common directions).
func (m *Model) restore(snap []*tensor.Tensor) {
	ps := m.Params()
	for i, p := range ps {
		copy(p.Value.Data, snap[i].Data)
	}
	if m.common != nil {
		copy(m.common.Data, snap[len(ps)].Data)
	}
}

// writeFileAtomic writes b to path so that a crash leaves the old file or
// the new one (see package atomicfile).
func writeFileAtomic(path string, b []byte) error {
	if err := atomicfile.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("text: %w", err)
	}
	return nil
}

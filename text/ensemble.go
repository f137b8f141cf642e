package text

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
)

// Ensemble combines independently trained models (Dietterich 2000): its
// embedding is the concatenation of the members' L2-normalised embeddings
// divided by √k, so the cosine of two sentences is the mean of the members'
// cosines. Members differing in their SIF smoothing a (a smaller a weighs
// frequent words less) make errors that partly cancel: see
// Config encoder.ensemble_sif_a.
type Ensemble struct {
	Members []*Model
}

// EnsembleFile lists the member directories of a saved ensemble.
const EnsembleFile = "ensemble.json"

const ensembleFormat = "contrast-text-ensemble/1"

type ensembleManifest struct {
	Format  string   `json:"format"`
	Members []string `json:"members"`
}

// Dim returns the sum of the members' dimensions.
func (e *Ensemble) Dim() int {
	d := 0
	for _, m := range e.Members {
		d += m.Dim()
	}
	return d
}

// Embed returns one L2-normalised embedding per sentence.
func (e *Ensemble) Embed(sentences []string) [][]float32 {
	out := make([][]float32, len(sentences))
	for i := range out {
		out[i] = make([]float32, 0, e.Dim())
	}
	scale := float32(1 / math.Sqrt(float64(len(e.Members))))
	for _, m := range e.Members {
		for i, v := range m.Embed(sentences) {
			var n float64
			for _, x := range v {
				n += float64(x) * float64(x)
			}
			if n == 0 { // an empty sentence: zeros stay zeros
				out[i] = append(out[i], v...)
				continue
			}
			inv := scale / float32(math.Sqrt(n))
			for _, x := range v {
				out[i] = append(out[i], x*inv)
			}
		}
	}
	return out
}

// Save writes each member into dir/member-i and the manifest EnsembleFile.
func (e *Ensemble) Save(dir string) error {
	man := ensembleManifest{Format: ensembleFormat}
	for i, m := range e.Members {
		name := fmt.Sprintf("member-%d", i)
		if err := m.Save(filepath.Join(dir, name)); err != nil {
			return err
		}
		man.Members = append(man.Members, name)
	}
	b, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return fmt.Errorf("text: save: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, EnsembleFile), append(b, '\n'))
}

// LoadEnsemble reads an ensemble written by Ensemble.Save.
func LoadEnsemble(dir string) (*Ensemble, error) {
	path := filepath.Join(dir, EnsembleFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("text: load: %w", err)
	}
	var man ensembleManifest
	if err := json.Unmarshal(b, &man); err != nil {
		return nil, fmt.Errorf("text: load %q: %w", path, err)
	}
	if man.Format != ensembleFormat || len(man.Members) == 0 {
		return nil, fmt.Errorf("text: load %q: format %q with %d members, want %q with at least one", path, man.Format, len(man.Members), ensembleFormat)
	}
	e := &Ensemble{}
	for _, name := range man.Members {
		if !filepath.IsLocal(name) {
			return nil, fmt.Errorf("text: load %q: member %q is not a directory inside %s", path, name, dir)
		}
		m, err := Load(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		e.Members = append(e.Members, m)
	}
	return e, nil
}

// loadAny loads an ensemble when dir holds EnsembleFile, else a single model.
func loadAny(dir string) (embedder, error) {
	if _, err := os.Stat(filepath.Join(dir, EnsembleFile)); err == nil {
		return LoadEnsemble(dir)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("text: load: %w", err)
	}
	return Load(dir)
}

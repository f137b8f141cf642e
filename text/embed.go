package text

// Encoder is a trained model or ensemble loaded for inference, e.g. by the
// server: Embed is safe for concurrent use (it runs without dropout and keeps
// no state).
type Encoder struct{ e embedder }

// LoadEncoder loads what Train saved in modelDir: an ensemble when the
// directory holds EnsembleFile, else a single model.
func LoadEncoder(modelDir string) (*Encoder, error) {
	e, err := loadAny(modelDir)
	if err != nil {
		return nil, err
	}
	return &Encoder{e: e}, nil
}

// Embed returns one L2-normalised embedding (Dim()) per text, so that the dot
// product of two is their cosine similarity. A text without tokens ("",
// "!!! ???") gets the model's answer to an empty bag of words, one constant
// vector (or zeros) whatever the text; Served refuses such texts.
func (e *Encoder) Embed(texts []string) [][]float32 { return e.e.Embed(texts) }

// Dim returns the embedding dimension.
func (e *Encoder) Dim() int { return e.e.Dim() }

// Specs returns the architecture of each model (one for a single model).
func (e *Encoder) Specs() []ModelSpec {
	switch m := e.e.(type) {
	case *Model:
		return []ModelSpec{m.Spec}
	case *Ensemble:
		s := make([]ModelSpec, len(m.Members))
		for i, x := range m.Members {
			s[i] = x.Spec
		}
		return s
	}
	return nil
}

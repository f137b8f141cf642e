package text

// Encoder is a trained model loaded for inference, e.g. by the server: Embed
// is safe for concurrent use (it runs without dropout and keeps no state).
type Encoder struct{ m *Model }

// LoadEncoder loads the model that Train saved in modelDir.
func LoadEncoder(modelDir string) (*Encoder, error) {
	m, err := Load(modelDir)
	if err != nil {
		return nil, err
	}
	return &Encoder{m: m}, nil
}

// Embed returns one L2-normalised embedding (Dim()) per text, so that the dot
// product of two is their cosine similarity. An empty text gives a zero vector.
func (e *Encoder) Embed(texts []string) [][]float32 { return e.m.Embed(texts) }

// Dim returns the embedding dimension.
func (e *Encoder) Dim() int { return e.m.Dim() }

// Spec returns the model's architecture.
func (e *Encoder) Spec() ModelSpec { return e.m.Spec }

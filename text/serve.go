package text

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/contrast-ml/contrast/server"
)

// Served is an Encoder as a server.Model (`contrast serve` of a text run):
// each raw input is a JSON string, one sentence, which must hold at least
// one token. A text the tokenizer splits into nothing ("", "   ", "!!! ???")
// pools no word vectors, and every such text gets one and the same constant
// embedding (the body's response to an empty bag): similarity("", "a man")
// was 0.84. So it is refused as a bad input rather than embedded.
type Served struct{ enc *Encoder }

// NewServed wraps enc for the server.
func NewServed(enc *Encoder) *Served { return &Served{enc: enc} }

// ServedInput says in a sentence which JSON value Served takes; the server
// reports it in GET /v1/info.
const ServedInput = "a JSON string: one sentence with at least one word (letters or digits)"

// Info describes the model: name "text", modality "text".
func (s *Served) Info() server.ModelInfo {
	return server.ModelInfo{Name: "text", Modality: "text", Dim: s.enc.Dim(), Input: ServedInput}
}

// errNoTokens is the InputError of a text without tokens.
var errNoTokens = errors.New("has no tokens: the model's tokenizer finds no word in it (want a sentence with letters or digits)")

// Embed decodes the inputs, refuses any that is not a string or holds no
// tokens with a *server.InputError, and embeds the rest (Encoder.Embed).
func (s *Served) Embed(ctx context.Context, inputs []json.RawMessage) ([][]float32, error) {
	texts := make([]string, len(inputs))
	for i, in := range inputs {
		if err := json.Unmarshal(in, &texts[i]); err != nil {
			return nil, &server.InputError{Index: i, Err: errors.New("want a JSON string (a sentence)")}
		}
	}
	if i := s.enc.tokenless(texts); i >= 0 {
		return nil, &server.InputError{Index: i, Err: errNoTokens}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.enc.Embed(texts), nil
}

// tokenless returns the position of the first text that the tokenizer of
// one of the encoder's models (the members of an ensemble may tokenize
// differently) splits into no tokens, or -1.
func (e *Encoder) tokenless(texts []string) int {
	var models []*Model
	switch m := e.e.(type) {
	case *Model:
		models = []*Model{m}
	case *Ensemble:
		models = m.Members
	}
	var toks []string
	for i, s := range texts {
		for _, m := range models {
			if toks = m.Feat.Tok.Append(toks[:0], s); len(toks) == 0 {
				return i
			}
		}
	}
	return -1
}

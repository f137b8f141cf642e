package text

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/contrast-ml/contrast/server"
)

// TestServedNoTokens checks that texts without tokens are refused naming
// their position, for a single model and for an ensemble whose members
// tokenize differently, while texts with a token are embedded as
// Encoder.Embed embeds them.
func TestServedNoTokens(t *testing.T) {
	single := tinyModel(t, BagOfWords, 0, Mean)
	punct := tinyModelSpec(t, func(s *ModelSpec) {})
	punct.Feat = &Featurizer{Tok: Tokenizer{Lower: true, KeepPunct: true}, Vocab: punct.Feat.Vocab, Frozen: punct.Feat.Frozen, NGrams: punct.Feat.NGrams}
	for _, c := range []struct {
		name string
		enc  *Encoder
	}{{"model", &Encoder{e: single}}, {"ensemble", &Encoder{e: &Ensemble{Members: []*Model{punct, single}}}}} {
		t.Run(c.name, func(t *testing.T) {
			s := NewServed(c.enc)
			if info := s.Info(); info.Dim != c.enc.Dim() || info.Modality != "text" {
				t.Fatalf("info %+v", info)
			}
			for _, bad := range []string{"", "   ", "!!! ???", "\t\n", "—…"} {
				in := []json.RawMessage{json.RawMessage(`"a man"`), json.RawMessage(fmt.Sprintf("%q", bad))}
				_, err := s.Embed(context.Background(), in)
				var ie *server.InputError
				if !errors.As(err, &ie) || ie.Index != 1 || !errors.Is(err, server.ErrBadInput) || !errors.Is(err, errNoTokens) {
					t.Errorf("%q: error %v, want an InputError for input 1 with no tokens", bad, err)
				}
			}
			good := []string{"a man", "zyzzyva!", "42"}
			in := make([]json.RawMessage, len(good))
			for i, g := range good {
				in[i], _ = json.Marshal(g)
			}
			got, err := s.Embed(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			want := c.enc.Embed(good)
			for i := range want {
				for j := range want[i] {
					if got[i][j] != want[i][j] {
						t.Fatalf("embedding %d differs from Encoder.Embed", i)
					}
				}
			}
			var ie *server.InputError
			if _, err := s.Embed(context.Background(), []json.RawMessage{in[0], json.RawMessage(`7`)}); !errors.As(err, &ie) || ie.Index != 1 {
				t.Errorf("a number: %v, want an InputError for input 1", err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if _, err := s.Embed(ctx, in); !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled: %v", err)
			}
		})
	}
}

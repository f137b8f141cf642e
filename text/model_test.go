package text

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// tinyModel builds a model over a five-word vocabulary, two frozen words and
// 16 n-gram buckets.
func tinyModel(t *testing.T, enc EncoderKind, out int, w Weighting) *Model {
	t.Helper()
	return tinyModelSpec(t, func(s *ModelSpec) {
		s.Encoder, s.Out, s.Weighting = enc, out, w
		if enc == BagOfWords && out > 0 {
			s.Hidden = []int{7}
		}
	})
}

// tinyModelSpec is tinyModel with SIF weights and a bag-of-words MLP to 5
// dimensions, changed by edit.
func tinyModelSpec(t *testing.T, edit func(*ModelSpec)) *Model {
	t.Helper()
	voc, err := NewVocab([]string{"a", "man", "plays", "guitar", "the"}, []int{9, 5, 3, 2, 8})
	if err != nil {
		t.Fatal(err)
	}
	frozen, err := NewVocab([]string{"cat", "dog"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	feat := &Featurizer{Tok: DefaultTokenizer(), Vocab: voc, Frozen: frozen}
	spec := ModelSpec{Format: specFormat, Encoder: BagOfWords, Weighting: SIF, Tokenizer: DefaultTokenizer(),
		NGrams: NGrams{Min: 3, Max: 4, Buckets: 16}, MaxLen: 6, WordDim: 6, Vocab: 5, Frozen: 2,
		Hidden: []int{7}, Out: 5, Activation: GELU, Layers: 2, Heads: 2, ModelDim: 8, FFN: 12, Seed: 3}
	edit(&spec)
	if spec.Weighting == SIF {
		feat.Weights = []float32{0.2, 0.5, 0.7, 0.9, 0.3, 1, 1}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	m, err := NewModel(spec, feat, nil, tensor.New(2, 6).Normal(rng, 0, 1), rng)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var tinySentences = []string{"A man plays the guitar.", "The cat!", "zyzzyva", "", "a a a dog guitar man plays the a"}

// TestFeaturizer checks the rows each kind of token resolves to.
func TestFeaturizer(t *testing.T) {
	m := tinyModel(t, BagOfWords, 0, Mean)
	us := m.Feat.units("The cat and zyzzyva")
	if len(us) != 4 {
		t.Fatalf("%d units", len(us))
	}
	if us[0].row != 4 || us[0].frozen || us[0].grams != nil {
		t.Fatalf("vocabulary word: %+v", us[0])
	}
	if us[1].row != 0 || !us[1].frozen {
		t.Fatalf("frozen word: %+v", us[1])
	}
	for _, u := range us[2:] {
		if u.row != -1 || len(u.grams) == 0 {
			t.Fatalf("unknown word: %+v", u)
		}
		for _, g := range u.grams {
			if g < 5 || g >= 5+16 {
				t.Fatalf("n-gram row %d outside the bucket rows [5, 21)", g)
			}
		}
	}
	grams := m.Feat.NGrams.Append(nil, "zyzzyva")
	for k, g := range us[3].grams {
		if int(g) != 5+grams[k] {
			t.Fatalf("n-gram %d: row %d, want %d", k, g, 5+grams[k])
		}
	}
	if long := m.Feat.units("a a a a a a a a a a"); len(long) != 6 {
		t.Fatalf("max_len 6: %d units", len(long))
	}
}

// TestBOWPooling compares the bag-of-words encoder without projection with the
// (weighted) mean of the rows computed by hand.
func TestBOWPooling(t *testing.T) {
	for _, w := range []Weighting{Mean, SIF} {
		t.Run(w.String(), func(t *testing.T) {
			m := tinyModel(t, BagOfWords, 0, w)
			m.SetTraining(false)
			tp := ag.NewTape(false)
			got := m.Encode(tp, tinySentences)
			if s := got.Shape(); s[0] != len(tinySentences) || s[1] != 6 || m.Dim() != 6 {
				t.Fatalf("shape %v, Dim %d", s, m.Dim())
			}
			for i, s := range tinySentences {
				us := m.Feat.units(s)
				want := make([]float64, 6)
				for _, u := range us {
					var rows []float32
					switch {
					case u.frozen:
						rows = m.Frozen.Value.Data[int(u.row)*6:][:6]
					case u.row >= 0:
						rows = m.Words.Value.Data[int(u.row)*6:][:6]
					default:
						rows = make([]float32, 6)
						for _, g := range u.grams {
							for j := range rows {
								rows[j] += m.Words.Value.Data[int(g)*6+j] / float32(len(u.grams))
							}
						}
					}
					wt := 1.0 // the weights tinyModelSpec gives
					if w == SIF {
						ws := []float64{0.2, 0.5, 0.7, 0.9, 0.3, 1, 1}
						switch {
						case u.frozen:
							wt = ws[5+u.row]
						case u.row >= 0:
							wt = ws[u.row]
						}
					}
					for j := range want {
						want[j] += wt * float64(rows[j]) / float64(len(us))
					}
				}
				for j := range want {
					if d := math.Abs(float64(got.Value.Data[i*6+j]) - want[j]); d > 1e-5 {
						t.Fatalf("sentence %q dim %d: %v, want %v", s, j, got.Value.Data[i*6+j], want[j])
					}
				}
			}
		})
	}
}

// TestEncoderGradients checks shapes, that every parameter receives a gradient,
// that the frozen table does not, and the gradients themselves against central
// finite differences on a sample of entries.
func TestEncoderGradients(t *testing.T) {
	cases := []struct {
		name string
		enc  EncoderKind
		out  int
		dim  int
	}{
		{"bow mlp", BagOfWords, 5, 5},
		{"bow no projection", BagOfWords, 0, 6},
		{"transformer", Transformer, 4, 4},
		{"transformer no projection", Transformer, 0, 8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := tinyModel(t, c.enc, c.out, SIF)
			m.SetTraining(false) // deterministic: no dropout
			weights := tensor.New(len(tinySentences), c.dim).Normal(rand.New(rand.NewPCG(1, 1)), 0, 1)
			lossOf := func(tp *ag.Tape) *ag.Var {
				z := m.Encode(tp, tinySentences)
				if s := z.Shape(); s[0] != len(tinySentences) || s[1] != c.dim || m.Dim() != c.dim {
					t.Fatalf("shape %v, Dim %d, want (%d, %d)", s, m.Dim(), len(tinySentences), c.dim)
				}
				return tp.Sum(tp.Mul(z, ag.Const(weights)), false)
			}
			tp := ag.NewTape(true)
			tp.Backward(lossOf(tp))
			for _, p := range m.Params() {
				nz := false
				for _, g := range p.Grad.Data {
					if g != 0 {
						nz = true
					}
					if math.IsNaN(float64(g)) {
						t.Fatalf("%s: NaN gradient", p.Name)
					}
				}
				if !nz {
					t.Fatalf("%s: no gradient reached it", p.Name)
				}
			}
			if m.Frozen.NeedsGrad() || m.Frozen.Grad != nil {
				t.Fatal("the frozen table takes gradients")
			}
			// Word-table rows no sentence uses get no gradient.
			used := map[int]bool{}
			for _, s := range tinySentences {
				for _, u := range m.Feat.units(s) {
					if !u.frozen && u.row >= 0 {
						used[int(u.row)] = true
					}
					for _, g := range u.grams {
						used[int(g)] = true
					}
				}
			}
			for r := 0; r < m.Words.Shape()[0]; r++ {
				zero := !slices.ContainsFunc(m.Words.Grad.Data[r*6:(r+1)*6], func(g float32) bool { return g != 0 })
				if zero == used[r] {
					t.Fatalf("word row %d: used %v but zero gradient %v", r, used[r], zero)
				}
			}
			rng := rand.New(rand.NewPCG(2, 2))
			for _, p := range m.Params() {
				for k := 0; k < 4; k++ {
					j := rng.IntN(len(p.Value.Data))
					if p == m.Words && k == 0 {
						j = 4*6 + 1 // "the", used
					}
					orig := p.Value.Data[j]
					const h = 1e-2
					p.Value.Data[j] = orig + h
					lp := float64(lossOf(ag.NewTape(false)).Item())
					p.Value.Data[j] = orig - h
					lm := float64(lossOf(ag.NewTape(false)).Item())
					p.Value.Data[j] = orig
					num := (lp - lm) / (2 * h)
					if got := float64(p.Grad.Data[j]); math.Abs(got-num) > 2e-2*math.Max(1, math.Abs(num)) {
						t.Fatalf("%s[%d]: analytic %v, numeric %v", p.Name, j, got, num)
					}
				}
			}
		})
	}
}

// TestTransformerPadding: a sentence's embedding must not depend on what else
// is in the batch (padding is masked and excluded from the pooling).
func TestTransformerPadding(t *testing.T) {
	m := tinyModel(t, Transformer, 4, Mean)
	m.SetTraining(false)
	alone := m.Embed([]string{"a man plays"})[0]
	withLong := m.Embed([]string{"a man plays", "the guitar the guitar a man"})[0]
	for j := range alone {
		if d := math.Abs(float64(alone[j] - withLong[j])); d > 1e-5 {
			t.Fatalf("dim %d: %v alone, %v beside a longer sentence", j, alone[j], withLong[j])
		}
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	for _, enc := range []EncoderKind{BagOfWords, Transformer} {
		t.Run(enc.String(), func(t *testing.T) {
			m := tinyModel(t, enc, 5, SIF)
			m.SetTraining(false)
			dir := filepath.Join(t.TempDir(), "model")
			if err := m.Save(dir); err != nil {
				t.Fatal(err)
			}
			e, err := LoadEncoder(dir)
			if err != nil {
				t.Fatal(err)
			}
			if e.Dim() != 5 || e.Specs()[0].Vocab != 5 || e.Specs()[0].Frozen != 2 {
				t.Fatalf("loaded spec %+v", e.Specs())
			}
			want, got := m.Embed(tinySentences), e.Embed(tinySentences)
			for i := range want {
				if !slices.Equal(want[i], got[i]) {
					t.Fatalf("sentence %d: %v after loading, %v before", i, got[i], want[i])
				}
				var n float64
				for _, v := range got[i] {
					n += float64(v) * float64(v)
				}
				if tinySentences[i] != "" && math.Abs(n-1) > 1e-5 {
					t.Fatalf("embedding %d has norm² %v, want 1", i, n)
				}
			}
		})
	}
}

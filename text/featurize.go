package text

// Featurizer maps sentences to rows of the model's two word tables: the
// trainable table holds the vocabulary (rows [0, Vocab.Len())) and then the
// n-gram buckets; the frozen table holds pre-trained vectors of words outside
// the vocabulary. A token in the vocabulary uses its row; else a frozen word
// its frozen row; else the mean of its character n-gram buckets.
type Featurizer struct {
	Tok    Tokenizer
	Vocab  *Vocab
	Frozen *Vocab // nil or empty: no frozen table
	NGrams NGrams
	MaxLen int
	// Weights, when set, initialises a new model's pooling weights: one per
	// vocabulary word, then one per frozen word (len Vocab.Len()+Frozen.Len());
	// unknown words weigh 1. The model keeps its own copy (buffer
	// "token_weight"), so models with other weights can share a featurizer.
	Weights []float32
}

// unit is one token: a trainable row, a frozen row, or n-gram rows (absolute
// rows of the trainable table).
type unit struct {
	row    int32
	frozen bool
	grams  []int32
}

// weight returns u's pooling weight in w (one per vocabulary word, then per
// frozen word; nv vocabulary words): 1 for unknown words or a nil w.
func (u unit) weight(w []float32, nv int) float32 {
	switch {
	case w == nil || (u.row < 0 && !u.frozen):
		return 1
	case u.frozen:
		return w[nv+int(u.row)]
	}
	return w[u.row]
}

// units tokenizes s (at most MaxLen tokens) and resolves each token.
func (f *Featurizer) units(s string) []unit {
	toks := f.Tok.Tokenize(s)
	if f.MaxLen > 0 && len(toks) > f.MaxLen {
		toks = toks[:f.MaxLen]
	}
	us := make([]unit, len(toks))
	nv := f.Vocab.Len()
	var gramBuf []int
	for i, w := range toks {
		if id, ok := f.Vocab.ID(w); ok {
			us[i] = unit{row: int32(id)}
			continue
		}
		if f.Frozen != nil {
			if id, ok := f.Frozen.ID(w); ok {
				us[i] = unit{row: int32(id), frozen: true}
				continue
			}
		}
		gramBuf = f.NGrams.Append(gramBuf[:0], w)
		g := make([]int32, len(gramBuf))
		for k, b := range gramBuf {
			g[k] = int32(nv + b)
		}
		us[i] = unit{row: -1, grams: g}
	}
	return us
}

// bags holds EmbeddingBag inputs (CSR) for the trainable and the frozen table.
type bags struct {
	ids, offs   []int
	w           []float32
	fids, foffs []int
	fw          []float32
}

func (b *bags) reset() {
	b.ids, b.offs, b.w = b.ids[:0], append(b.offs[:0], 0), b.w[:0]
	b.fids, b.foffs, b.fw = b.fids[:0], append(b.foffs[:0], 0), b.fw[:0]
}

// add appends units' rows to the current bag with weight scale times each
// unit's weight in ws (nil: 1; nv vocabulary words).
func (b *bags) add(us []unit, scale float32, ws []float32, nv int) {
	for _, u := range us {
		w := scale * u.weight(ws, nv)
		switch {
		case u.frozen:
			b.fids, b.fw = append(b.fids, int(u.row)), append(b.fw, w)
		case u.row >= 0:
			b.ids, b.w = append(b.ids, int(u.row)), append(b.w, w)
		default:
			gw := w / float32(len(u.grams))
			for _, g := range u.grams {
				b.ids, b.w = append(b.ids, int(g)), append(b.w, gw)
			}
		}
	}
}

// close ends the current bag.
func (b *bags) close() {
	b.offs, b.foffs = append(b.offs, len(b.ids)), append(b.foffs, len(b.fids))
}

// sentenceBags makes one bag per sentence: Σ w_t v_t / len, the mean (or SIF
// average, in Arora et al.'s 1/|s| form) of the token vectors, w_t from ws.
// An empty sentence gives an empty bag (a zero vector).
func (b *bags) sentenceBags(sents [][]unit, ws []float32, nv int) {
	b.reset()
	for _, us := range sents {
		if len(us) > 0 {
			b.add(us, 1/float32(len(us)), ws, nv)
		}
		b.close()
	}
}

// tokenBags makes one bag per token position of a (len(sents), L) grid, L the
// longest sentence (at least 1) rounded up to a multiple of 8 but not past
// maxLen, padding with empty bags; it returns L, the
// lengths, and the pooling weights (len(sents), L): w_t/len over real tokens,
// w_t from ws.
func (b *bags) tokenBags(sents [][]unit, ws []float32, nv, maxLen int) (L int, lens []int, pool []float32) {
	b.reset()
	L = 1
	for _, us := range sents {
		L = max(L, len(us))
	}
	// Round up to a multiple of 8 (within maxLen) so that batches share
	// buffer sizes and the tape's pool reuses them.
	L = min(max(L, (L+7)/8*8), max(maxLen, L))
	lens = make([]int, len(sents))
	pool = make([]float32, len(sents)*L)
	for s, us := range sents {
		lens[s] = len(us)
		for p := range L {
			if p < len(us) {
				b.add(us[p:p+1], 1, nil, nv)
				pool[s*L+p] = us[p].weight(ws, nv) / float32(len(us))
			}
			b.close()
		}
	}
	return L, lens, pool
}

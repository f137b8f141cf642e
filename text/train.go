package text

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/internal/config"
	"github.com/contrast-ml/contrast/loss"
	"github.com/contrast-ml/contrast/optim"
	"github.com/contrast-ml/contrast/tensor"
)

// Train trains a sentence encoder as cfg says, keeps the epoch with the best
// mean validation Spearman (the last epoch when there is no validation set),
// evaluates it on the test sets, and writes into outDir: MetricsFile (a flat
// JSON object: the test figures, e.g. spearman_sick_test, the validation
// figures of the best epoch, best_epoch, train_seconds, ...), the model
// (ModelFile, SpecFile, VocabFile), ConfigFile (the resolved config) and
// history.jsonl (one line per epoch). With encoder.ensemble_sif_a it trains
// one member per value (seeds seed, seed+1, ...), saves them as an Ensemble
// (EnsembleFile and member-i directories) and reports the ensemble's figures,
// each member's beside them as memberI_KEY. It returns the metrics.
func Train(ctx context.Context, cfg Config, outDir string, log *slog.Logger) (map[string]float64, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("text: config: %w", err)
	}
	start := time.Now()
	if err := config.Save(filepath.Join(outDir, ConfigFile), cfg); err != nil {
		return nil, fmt.Errorf("text: %w", err)
	}
	hist, err := os.Create(filepath.Join(outDir, "history.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("text: %w", err)
	}
	defer hist.Close()
	members := []Config{cfg}
	if as := cfg.Encoder.EnsembleSIFA; len(as) > 0 {
		members = members[:0]
		for i, a := range as {
			c := cfg
			c.Seed, c.Encoder.SIFA, c.Encoder.EnsembleSIFA = cfg.Seed+uint64(i), a, nil
			members = append(members, c)
		}
	}
	var metrics map[string]float64
	var tr *trainer
	ens := &Ensemble{}
	for i, mc := range members {
		if tr, err = newTrainer(mc, log); err != nil {
			return nil, err
		}
		if len(members) > 1 {
			tr.member = i
			log.Info("text: ensemble member", "member", i, "sif_a", mc.Encoder.SIFA, "seed", mc.Seed)
		}
		m, err := tr.run(ctx, hist)
		if err != nil {
			return nil, err
		}
		ens.Members = append(ens.Members, tr.model)
		if len(members) == 1 {
			metrics = m
			break
		}
		if metrics == nil {
			metrics = map[string]float64{}
		}
		for k, v := range m {
			metrics[fmt.Sprintf("member%d_%s", i, k)] = v
		}
	}
	if len(members) > 1 {
		score, err := evaluateAll(ens, tr.valid, metrics)
		if err != nil {
			return nil, err
		}
		if len(tr.valid) > 0 {
			metrics["valid_spearman"] = score
		}
		if _, err := evaluateAll(ens, tr.test, metrics); err != nil {
			return nil, err
		}
		if err := ens.Save(outDir); err != nil {
			return nil, err
		}
	} else if err := tr.model.Save(outDir); err != nil {
		return nil, err
	}
	metrics["train_seconds"] = time.Since(start).Seconds()
	b, err := json.MarshalIndent(metrics, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("text: metrics: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(outDir, MetricsFile), append(b, '\n')); err != nil {
		return nil, err
	}
	return metrics, nil
}

// trainer holds one run's data, model and optimizers.
type trainer struct {
	cfg         Config
	log         *slog.Logger
	pairs       []pair   // scored or paraphrase pairs (cosent, cosine, mnrl)
	sentences   []string // simcse
	groups      [][]int  // items by training source
	valid, test []*evalSet
	model       *Model
	cache       map[string][]unit
	opts        []optim.Optimizer
	scheds      []optim.Schedule
	words       *rowAdam // the word table's lazy optimizer (optim.sparse_words)
	wordSched   optim.Schedule
	cosent      loss.CoSENT
	nce         loss.InfoNCE
	dropRNG     *rand.Rand
	epochHook   func(epoch int) // tests: called after each epoch's validation
	member      int             // ensemble member index, -1 for a single model
	all         [][]unit        // every training sentence, featurized (common directions)
}

func newTrainer(cfg Config, log *slog.Logger) (*trainer, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tr := &trainer{cfg: cfg, log: log, cache: map[string][]unit{}, member: -1}
	counts := Counter{}
	tok := Tokenizer{Lower: cfg.Tokenizer.Lower, Clitics: cfg.Tokenizer.Clitics, KeepPunct: cfg.Tokenizer.KeepPunct}
	seen := map[string]bool{}
	for g, spec := range cfg.Train {
		p, err := loadPairs(spec, cfg.DataRoot)
		if err != nil {
			return nil, err
		}
		sc := scaled(p)
		var items []int
		for i, q := range p.Pairs {
			for _, s := range []string{q.A, q.B} {
				if !seen[s] {
					seen[s] = true
					counts.Add(tok.Tokenize(s))
					tr.sentences = append(tr.sentences, s)
					if cfg.Loss.Kind == SimCSE {
						items = append(items, len(tr.sentences)-1)
					}
				}
			}
			if cfg.Loss.Kind == SimCSE || (cfg.Loss.Kind == InBatchNegatives && float64(sc[i]) < cfg.Loss.PositiveMin) {
				continue
			}
			items = append(items, len(tr.pairs))
			tr.pairs = append(tr.pairs, pair{a: q.A, b: q.B, score: sc[i], group: g})
			if cfg.Loss.BothOrders {
				items = append(items, len(tr.pairs))
				tr.pairs = append(tr.pairs, pair{a: q.B, b: q.A, score: sc[i], group: g})
			}
		}
		tr.groups = append(tr.groups, items)
	}
	n := len(tr.pairs)
	if cfg.Loss.Kind == SimCSE {
		n = len(tr.sentences)
	}
	if n < 2 {
		return nil, fmt.Errorf("text: %d training items for %v (loss.positive_min %v)", n, cfg.Loss.Kind, cfg.Loss.PositiveMin)
	}
	for _, e := range cfg.Valid {
		s, err := loadEvalSet(e, cfg.DataRoot)
		if err != nil {
			return nil, err
		}
		tr.valid = append(tr.valid, s)
	}
	for _, e := range cfg.Test {
		s, err := loadEvalSet(e, cfg.DataRoot)
		if err != nil {
			return nil, err
		}
		tr.test = append(tr.test, s)
	}
	var err error
	if tr.model, err = buildModel(cfg, tok, counts, log); err != nil {
		return nil, err
	}
	all := make([][]unit, len(tr.sentences))
	for i, s := range tr.sentences {
		all[i] = tr.model.Feat.units(s)
		tr.cache[s] = all[i]
	}
	if a := tr.model.anchor; a != nil {
		a.fitPC(tr.model, all)
	}
	tr.all = all
	tr.model.fitCommon(all)
	tr.cosent = loss.CoSENT{Scale: float32(cfg.Loss.Scale)}
	tr.nce = loss.InfoNCE{Temperature: float32(1 / cfg.Loss.Scale)}
	return tr, nil
}

// buildModel makes the vocabulary, reads GloVe when asked, and initialises the model.
func buildModel(cfg Config, tok Tokenizer, counts Counter, log *slog.Logger) (*Model, error) {
	var vecs *Vectors
	path := cfg.GloVe.Path
	if path == "auto" {
		var err error
		if path, err = DefaultGloVePath(); err != nil {
			return nil, err
		}
	}
	if path != "" {
		var err error
		vecs, err = ReadVectors(path, func(w string, rank int) bool { return counts[w] > 0 || rank < cfg.GloVe.Frozen })
		if err != nil {
			return nil, fmt.Errorf("%w (get the file with: contrast data fetch glove)", err)
		}
	}
	var inGloVe func(string) bool
	wordDim := cfg.Encoder.WordDim
	ranks := map[string]int{}
	if vecs != nil {
		inGloVe = func(w string) bool { _, ok := vecs.Lookup(w); return ok }
		wordDim = vecs.Dim
		for i, w := range vecs.Words {
			ranks[w] = vecs.Ranks[i]
		}
	}
	voc, err := BuildVocab(counts, cfg.Tokenizer.MinCount, inGloVe)
	if err != nil {
		return nil, err
	}
	feat := &Featurizer{Tok: tok, Vocab: voc}
	if vecs != nil && cfg.GloVe.Frozen > 0 {
		var fw []string
		for i, w := range vecs.Words {
			if _, in := voc.ID(w); !in && vecs.Ranks[i] < cfg.GloVe.Frozen {
				fw = append(fw, w)
			}
		}
		if feat.Frozen, err = NewVocab(fw, nil); err != nil {
			return nil, err
		}
	}
	nf := frozenLen(feat)
	// SIF weights a/(a + p(w)): p from GloVe's frequency ranks (Zipf's law)
	// for the words GloVe has when encoder.sif_glove, else from the training
	// counts (frozen words, unseen in training, then weigh 1).
	if cfg.Encoder.Weighting == SIF {
		total := 0
		for _, c := range counts {
			total += c
		}
		feat.Weights = make([]float32, voc.Len()+nf)
		for i := range feat.Weights {
			w := ""
			p := 0.0
			if i < voc.Len() {
				w, p = voc.Words[i], float64(voc.Counts[i])/float64(max(total, 1))
			} else {
				w = feat.Frozen.Words[i-voc.Len()]
			}
			feat.Weights[i] = float32(cfg.Encoder.SIFA / (cfg.Encoder.SIFA + p))
			if r, ok := ranks[w]; ok && cfg.Encoder.SIFGloVe {
				feat.Weights[i] = zipfSIF(cfg.Encoder.SIFA, r)
			}
		}
	}
	spec := ModelSpec{
		Format: specFormat, Encoder: cfg.Encoder.Kind, Weighting: cfg.Encoder.Weighting, Tokenizer: tok,
		NGrams: NGrams{Min: cfg.Tokenizer.NGramMin, Max: cfg.Tokenizer.NGramMax, Buckets: cfg.Tokenizer.Buckets},
		MaxLen: cfg.Tokenizer.MaxLen, WordDim: wordDim, Vocab: voc.Len(), Frozen: nf,
		Hidden: cfg.Encoder.Hidden, Out: cfg.Encoder.Out, Activation: cfg.Encoder.Activation, Dropout: cfg.Encoder.Dropout,
		Anchor: cfg.Encoder.Anchor, RemovePC: cfg.Encoder.RemovePC, Seed: cfg.Seed,
	}
	if cfg.Encoder.Kind == Transformer {
		spec.Layers, spec.Heads, spec.ModelDim, spec.FFN = cfg.Encoder.Layers, cfg.Encoder.Heads, cfg.Encoder.ModelDim, cfg.Encoder.FFN
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x7e57))
	std := cfg.Encoder.InitStd
	if std == 0 {
		std = 0.4
		if vecs != nil && len(vecs.Data) > 0 {
			std = stdOf(vecs.Data)
		}
	}
	words := tensor.New(voc.Len()+spec.NGrams.Buckets, wordDim).Normal(rng, 0, float32(std))
	var frozen *tensor.Tensor
	hits := 0
	if vecs != nil {
		for i, w := range voc.Words {
			if v, ok := vecs.Lookup(w); ok {
				copy(words.Data[i*wordDim:(i+1)*wordDim], v)
				hits++
			}
		}
		if nf > 0 {
			frozen = tensor.New(nf, wordDim)
			for i, w := range feat.Frozen.Words {
				v, _ := vecs.Lookup(w)
				copy(frozen.Data[i*wordDim:], v)
			}
		}
	}
	log.Info("text: vocabulary", "words", voc.Len(), "glove_hits", hits, "frozen", nf, "buckets", spec.NGrams.Buckets, "init_std", std)
	m, err := NewModel(spec, feat, words, frozen, rng)
	if err != nil {
		return nil, err
	}
	m.commonOff = !cfg.Encoder.PCInTraining
	if a := m.anchor; a != nil {
		if vecs == nil {
			return nil, fmt.Errorf("text: encoder.anchor needs GloVe vectors (glove.path)")
		}
		for i, w := range voc.Words {
			if v, ok := vecs.Lookup(w); ok {
				copy(a.words.Value.Data[i*wordDim:(i+1)*wordDim], v)
				a.weight.Data[i] = zipfSIF(cfg.Encoder.AnchorSIFA, ranks[w])
			}
		}
		for i, w := range fwords(feat) {
			a.weight.Data[voc.Len()+i] = zipfSIF(cfg.Encoder.AnchorSIFA, ranks[w])
		}
	}
	return m, nil
}

func fwords(f *Featurizer) []string {
	if f.Frozen == nil {
		return nil
	}
	return f.Frozen.Words
}

func stdOf(x []float32) float64 {
	var s, ss float64
	for _, v := range x {
		s += float64(v)
		ss += float64(v) * float64(v)
	}
	n := float64(len(x))
	return math.Sqrt(max(ss/n-(s/n)*(s/n), 0))
}

// setupOptim makes one optimizer for the word table (scaled rate, no weight
// decay; lazy when optim.sparse_words) and one for the rest, with their
// schedules over total steps.
func (tr *trainer) setupOptim(total int) error {
	o := tr.cfg.Optim
	ps := tr.model.Params()
	sched := func(lr float64) (optim.Schedule, error) {
		if !o.Cosine && o.Warmup == 0 {
			return optim.Constant{Base: lr}, nil
		}
		floor := o.MinLR * lr / o.LR
		if !o.Cosine {
			floor = lr
		}
		return optim.NewWarmupCosine(lr, floor, int(o.Warmup*float64(total)), total)
	}
	wordLR := o.LR * o.WordLRScale
	var err error
	if o.SparseWords {
		if tr.words, err = newRowAdam(ps[0], wordLR); err != nil {
			return err
		}
		if o.WordDecay > 0 {
			tr.words.decay, tr.words.init = o.WordDecay, slices.Clone(ps[0].Value.Data)
		}
		if tr.wordSched, err = sched(wordLR); err != nil {
			return err
		}
	}
	type group struct {
		ps     []*ag.Var
		lr, wd float64
	}
	groups := []group{{ps[1:], o.LR, o.WeightDecay}}
	if !o.SparseWords {
		groups = append(groups, group{ps[:1], wordLR, 0})
	}
	for _, g := range groups {
		if len(g.ps) == 0 {
			continue
		}
		ac := optim.DefaultAdam()
		ac.LR, ac.WeightDecay, ac.Exclude = g.lr, g.wd, optim.ExcludeBiasAndNorm
		var opt optim.Optimizer
		if o.Kind == AdamW {
			opt, err = optim.NewAdamW(g.ps, ac)
		} else {
			opt, err = optim.NewAdam(g.ps, ac)
		}
		if err != nil {
			return err
		}
		s, err := sched(g.lr)
		if err != nil {
			return err
		}
		tr.opts, tr.scheds = append(tr.opts, opt), append(tr.scheds, s)
	}
	return nil
}

// plan returns the epoch's batches of item indices.
func (tr *trainer) plan(epoch int) [][]int {
	rng := rand.New(rand.NewPCG(tr.cfg.Seed, uint64(epoch)+1))
	b := batchPlan(tr.groups, tr.cfg.Batch, tr.cfg.Loss.BySource, rng)
	if tr.cfg.Loss.Kind == InBatchNegatives {
		b = dedupeBatches(b, tr.pairs, tr.cfg.Batch)
	}
	return b
}

// run trains, selects the best epoch and returns the metrics; each epoch's
// figures go to hist as a JSON line.
func (tr *trainer) run(ctx context.Context, hist io.Writer) (map[string]float64, error) {
	cfg := tr.cfg
	steps := len(tr.plan(0)) * cfg.Epochs
	if err := tr.setupOptim(steps); err != nil {
		return nil, err
	}
	tape := ag.NewTape(true)
	best, bestEpoch, since := math.Inf(-1), 0, 0
	var bestSnap []*tensor.Tensor
	bestValid := map[string]float64{}
	var avg paramAverage
	step := 0
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		t0 := time.Now()
		tr.model.SetTraining(true)
		var sum float64
		batches := tr.plan(epoch)
		for _, batch := range batches {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			for i, o := range tr.opts {
				o.SetLR(tr.scheds[i].LR(step))
			}
			if tr.words != nil {
				tr.words.lr = tr.wordSched.LR(step)
			}
			l := tr.loss(tape, batch)
			if v := l.Item(); math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("text: epoch %d step %d: loss is %v", epoch, step, v)
			}
			sum += float64(l.Item())
			tape.Backward(l)
			for _, o := range tr.opts {
				o.Step()
				o.ZeroGrad()
			}
			if tr.words != nil {
				tr.words.Step()
			}
			tape.Reset()
			step++
		}
		tr.model.SetTraining(false)
		tr.model.fitCommon(tr.all)
		row := map[string]float64{"epoch": float64(epoch), "loss": sum / float64(max(len(batches), 1))}
		score, err := evaluateAll(tr.model, tr.valid, row)
		if err != nil {
			return nil, err
		}
		if len(tr.valid) == 0 {
			score = float64(epoch) // no validation: keep the last epoch
		}
		row["valid"], row["seconds"] = score, time.Since(t0).Seconds()
		if tr.member >= 0 {
			row["member"] = float64(tr.member)
		}
		line, _ := json.Marshal(row)
		if _, err := hist.Write(append(line, '\n')); err != nil {
			return nil, fmt.Errorf("text: history: %w", err)
		}
		tr.log.Info("text: epoch", "epoch", epoch, "loss", row["loss"], "valid", score, "seconds", row["seconds"])
		if tr.epochHook != nil {
			tr.epochHook(epoch)
		}
		if cfg.AverageFrom > 0 && epoch >= cfg.AverageFrom {
			avg.add(tr.model.Params())
		}
		if score > best {
			best, bestEpoch, since = score, epoch, 0
			bestSnap = tr.model.snapshot()
			clear(bestValid)
			for k, v := range row {
				bestValid[k] = v
			}
		} else if since++; cfg.Patience > 0 && since >= cfg.Patience {
			tr.log.Info("text: early stop", "epoch", epoch, "best_epoch", bestEpoch)
			break
		}
	}
	if avg.n > 1 {
		// The average of the epochs' weights (Izmailov et al. 2018, arXiv
		// 1803.05407) competes with the best single epoch on validation.
		last := tr.model.snapshot()
		avg.apply(tr.model.Params())
		tr.model.fitCommon(tr.all)
		row := map[string]float64{}
		score, err := evaluateAll(tr.model, tr.valid, row)
		if err != nil {
			return nil, err
		}
		tr.log.Info("text: weight average", "epochs", avg.n, "valid", score, "best_single", best)
		if score > best || len(tr.valid) == 0 {
			best, bestEpoch, bestValid = score, 0, row
			bestSnap = tr.model.snapshot()
		} else {
			tr.model.restore(last)
		}
	}
	tr.model.restore(bestSnap)
	tr.model.SetTraining(false)
	metrics := map[string]float64{"best_epoch": float64(bestEpoch), "steps": float64(step)}
	for k, v := range bestValid {
		switch k {
		case "epoch", "seconds", "valid", "member":
		case "loss":
			metrics["train_loss"] = v
		default:
			metrics[k] = v
		}
	}
	if len(tr.valid) > 0 {
		metrics["valid_spearman"] = best
	}
	if _, err := evaluateAll(tr.model, tr.test, metrics); err != nil {
		return nil, err
	}
	metrics["vocab"], metrics["frozen_words"] = float64(tr.model.Spec.Vocab), float64(tr.model.Spec.Frozen)
	return metrics, nil
}

// paramAverage accumulates parameter values for a uniform average.
type paramAverage struct {
	sum [][]float64
	n   int
}

func (a *paramAverage) add(ps []*ag.Var) {
	if a.sum == nil {
		a.sum = make([][]float64, len(ps))
		for i, p := range ps {
			a.sum[i] = make([]float64, len(p.Value.Data))
		}
	}
	for i, p := range ps {
		for j, v := range p.Value.Data {
			a.sum[i][j] += float64(v)
		}
	}
	a.n++
}

// apply writes the average into ps.
func (a *paramAverage) apply(ps []*ag.Var) {
	for i, p := range ps {
		for j := range p.Value.Data {
			p.Value.Data[j] = float32(a.sum[i][j] / float64(a.n))
		}
	}
}

// loss records the objective of one batch on t.
func (tr *trainer) loss(t *ag.Tape, batch []int) *ag.Var {
	n := len(batch)
	if tr.cfg.Loss.Kind == SimCSE {
		us := make([][]unit, n)
		for i, k := range batch {
			us[i] = tr.dropWords(tr.cache[tr.sentences[k]])
		}
		tr.touch(us)
		z1 := t.L2Normalize(tr.model.encodeUnits(t, us), 1e-12)
		z2 := t.L2Normalize(tr.model.encodeUnits(t, us), 1e-12) // another dropout mask
		return tr.symmetricNCE(t, z1, z2)
	}
	us := make([][]unit, 2*n)
	scores := make([]float32, n)
	for i, k := range batch {
		p := tr.pairs[k]
		us[i], us[n+i], scores[i] = tr.dropWords(tr.cache[p.a]), tr.dropWords(tr.cache[p.b]), p.score
	}
	tr.touch(us)
	z := t.L2Normalize(tr.model.encodeUnits(t, us), 1e-12)
	zz := t.Split(z, 0, n, n)
	switch tr.cfg.Loss.Kind {
	case CosineRegression:
		d := t.Sub(t.Dot(zz[0], zz[1]), ag.Const(tensor.FromSlice(scores, n)))
		return t.Mean(t.Mul(d, d), false)
	case InBatchNegatives:
		return tr.symmetricNCE(t, zz[0], zz[1])
	}
	cos := t.Dot(zz[0], zz[1])
	l := tr.cosent.Forward(t, cos, scores)
	if w := tr.cfg.Loss.MSEWeight; w > 0 {
		d := t.Sub(cos, ag.Const(tensor.FromSlice(scores, n)))
		l = t.Add(l, t.Scale(t.Mean(t.Mul(d, d), false), float32(w)))
	}
	return l
}

// dropWords leaves each token out with probability encoder.word_dropout,
// keeping at least one; the draw depends on the seed, the step and the sentence.
func (tr *trainer) dropWords(us []unit) []unit {
	p := tr.cfg.Encoder.WordDropout
	if p == 0 || len(us) < 2 {
		return us
	}
	if tr.dropRNG == nil {
		tr.dropRNG = rand.New(rand.NewPCG(tr.cfg.Seed, 0xd7))
	}
	out := make([]unit, 0, len(us))
	for _, u := range us {
		if tr.dropRNG.Float64() >= p {
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		out = append(out, us[tr.dropRNG.IntN(len(us))])
	}
	return out
}

// touch marks the word-table rows of the batch for the lazy optimizer.
func (tr *trainer) touch(sents [][]unit) {
	if tr.words == nil {
		return
	}
	for _, us := range sents {
		for _, u := range us {
			switch {
			case u.frozen:
			case u.row >= 0:
				tr.words.touch(int(u.row))
			default:
				for _, g := range u.grams {
					tr.words.touch(int(g))
				}
			}
		}
	}
}

// symmetricNCE is the in-batch softmax loss of row i of a against row i of b,
// averaged over both directions.
func (tr *trainer) symmetricNCE(t *ag.Tape, a, b *ag.Var) *ag.Var {
	n := a.Shape()[0]
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i
	}
	return t.Scale(t.Add(tr.nce.Forward(t, a, b, labels, labels, false), tr.nce.Forward(t, b, a, labels, labels, false)), 0.5)
}

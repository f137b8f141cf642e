package recommend

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"time"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/internal/config"
	"github.com/contrast-ml/contrast/internal/cputime"
	"github.com/contrast-ml/contrast/loss"
	"github.com/contrast-ml/contrast/optim"
	"github.com/contrast-ml/contrast/tensor"
)

// Train trains the two-tower model as cfg says, keeps the epoch with the best
// validation Recall@10, evaluates it and the two baselines (most popular,
// item-kNN) on the test interactions, and writes into outDir: MetricsFile (a
// flat JSON object: recall_at_10, recall_at_20, ndcg_at_10, pop_*, itemknn_*,
// coldstart_recall_at_20, pop_coldstart_recall_at_20, ..., the same prefixed
// valid_ for validation, and run facts: train_seconds (wall clock, reading,
// training and evaluating), train_cpu_seconds (CPU time over the same span,
// user + system, all threads), best_epoch, ...), the model
// (ModelFile and SpecFile, read back by LoadModel) and ConfigFile (the resolved
// config). It returns the metrics.
func Train(ctx context.Context, cfg Config, outDir string, log *slog.Logger) (map[string]float64, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("recommend: config: %w", err)
	}
	if err := config.Save(filepath.Join(outDir, ConfigFile), cfg); err != nil {
		return nil, fmt.Errorf("recommend: %w", err)
	}
	start, cpu0 := time.Now(), cputime.Process()
	dir, _ := cfg.DataDir()
	ml, err := ReadMovieLens(dir)
	if err != nil {
		return nil, err
	}
	ds, err := NewDataset(ml)
	if err != nil {
		return nil, err
	}
	tr, err := newTrainer(cfg, ds, log)
	if err != nil {
		return nil, err
	}
	metrics, err := tr.run(ctx)
	if err != nil {
		return nil, err
	}
	metrics["train_seconds"] = time.Since(start).Seconds()
	if c := cputime.Process(); c > 0 {
		metrics["train_cpu_seconds"] = (c - cpu0).Seconds() // the whole process's, of which this run is most
	}
	if err := tr.model.Save(outDir); err != nil {
		return nil, err
	}
	if err := writeMetrics(filepath.Join(outDir, MetricsFile), metrics); err != nil {
		return nil, err
	}
	return metrics, nil
}

// example is one training interaction: user u's item at position pos of the
// training sequence, predicted from the items before it.
type example struct{ u, pos int }

type trainer struct {
	cfg    Config
	log    *slog.Logger
	ds     *Dataset
	split  *Split
	model  *Model
	rng    *rand.Rand
	byUser [][]example
	// Sampling distributions for the logQ correction: of an item as the
	// target of an example of the current epoch, and as a pair's second item.
	qTarget, qPair []float64
	pairs          [][2]int
	epoch          []example // the current epoch's examples
	active         []int     // items of the current step
	row            []int     // per item, its row in active, or -1
	cursor         int       // next item to pad the active set with
	bagScratch     bags
	pop            *Popularity
	knn            *ItemKNN
	nce            loss.SampledSoftmax
}

func newTrainer(cfg Config, ds *Dataset, log *slog.Logger) (*trainer, error) {
	split, err := SplitLeaveLastOut(ds.Seqs, ds.NumItems(), cfg.Split.ColdFraction, cfg.Seed)
	if err != nil {
		return nil, err
	}
	n := ds.NumItems()
	tr := &trainer{cfg: cfg, log: log, ds: ds, split: split, rng: rand.New(rand.NewPCG(cfg.Seed, 0x7a11)),
		pop: NewPopularity(split.Train, n), knn: NewItemKNN(split.Train, n)}
	texts := itemTexts(ds)
	toks := make([][numFields][]string, n)
	for i, it := range texts {
		toks[i] = it.tokens(cfg.Text)
	}
	notCold := make([]bool, n)
	for i, c := range split.Cold {
		notCold[i] = !c
	}
	voc, err := buildVocab(toks, notCold, cfg.Text.MinCount, cfg.Text.Buckets)
	if err != nil {
		return nil, err
	}
	spec := ModelSpec{
		Format: specFormat, Dim: cfg.Model.Dim, WordDim: cfg.Model.WordDim, Hidden: cfg.Model.Hidden,
		ItemIDs: cfg.Model.ItemIDs, History: cfg.Model.History, Pooling: cfg.Model.Pooling, HalfLife: cfg.Model.HalfLife,
		Temperature: cfg.Model.Temperature, Text: cfg.Text, Seed: cfg.Seed, Vocab: voc.Words, Items: texts,
		HasID: make([]bool, n), Popularity: make([]int, n),
	}
	for i, c := range tr.pop.Count {
		spec.Popularity[i] = int(c)
		spec.HasID[i] = cfg.Model.ItemIDs && c > 0
	}
	if tr.model, err = NewModel(spec, rand.New(rand.NewPCG(cfg.Seed, 0x1417))); err != nil {
		return nil, err
	}
	// Examples, and how often each item is a pair's second item.
	second := make([]float64, n)
	examples := 0
	tr.byUser = make([][]example, len(split.Train))
	for u, seq := range split.Train {
		for pos := 1; pos < len(seq); pos++ {
			tr.byUser[u] = append(tr.byUser[u], example{u, pos})
			examples++
		}
		for a := range seq {
			for b := a + 1; b < len(seq) && b <= a+cfg.Train.CoocWindow; b++ {
				tr.pairs = append(tr.pairs, [2]int{seq[a], seq[b]}, [2]int{seq[b], seq[a]})
				second[seq[a]]++
				second[seq[b]]++
			}
		}
	}
	if examples == 0 {
		return nil, fmt.Errorf("recommend: no training examples (every user needs two training interactions)")
	}
	tr.qPair = normalize(second)
	tr.row = make([]int, n)
	for i := range tr.row {
		tr.row[i] = -1
	}
	tr.nce = loss.SampledSoftmax{Temperature: float32(cfg.Model.Temperature)}
	log.Info("recommend: data", "users", len(ds.Users), "items", n, "cold_items", split.NumCold,
		"train_examples", examples, "cooc_pairs", len(tr.pairs), "vocab", len(voc.Words), "buckets", voc.Buckets)
	return tr, nil
}

// normalize returns counts divided by their sum.
func normalize(counts []float64) []float64 {
	var sum float64
	for _, c := range counts {
		sum += c
	}
	out := make([]float64, len(counts))
	for i, c := range counts {
		out[i] = c / max(sum, 1)
	}
	return out
}

// inclusionOffset is the logQ correction of a key that is one of the distinct
// items of draws independent draws from a distribution giving it probability
// q: -log P(included) = -log(1 - (1-q)^draws). For q·draws << 1 it is
// -log(draws·q), the correction of Yi et al. 2019 up to a constant shared by
// all keys; for frequent items it stops at 0 where -log(draws·q) would go
// negative, because deduplicated keys cannot be sampled more than once.
func inclusionOffset(q, draws float64) float32 {
	if q >= 1 {
		return 0
	}
	return float32(-math.Log(-math.Expm1(draws * math.Log1p(-q))))
}

// epochExamples returns the epoch's examples in random order, at most
// MaxPerUser per user.
func (tr *trainer) epochExamples() []example {
	var out []example
	for _, ex := range tr.byUser {
		if k := tr.cfg.Train.MaxPerUser; k > 0 && len(ex) > k {
			idx := tr.rng.Perm(len(ex))[:k]
			for _, i := range idx {
				out = append(out, ex[i])
			}
			continue
		}
		out = append(out, ex...)
	}
	tr.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	counts := make([]float64, tr.model.NumItems())
	for _, ex := range out {
		counts[tr.split.Train[ex.u][ex.pos]]++
	}
	tr.epoch, tr.qTarget = out, normalize(counts)
	return out
}

func (tr *trainer) stepsPerEpoch() int {
	n := 0
	for _, ex := range tr.byUser {
		if k := tr.cfg.Train.MaxPerUser; k > 0 {
			n += min(k, len(ex))
		} else {
			n += len(ex)
		}
	}
	return (n + tr.cfg.Train.Batch - 1) / tr.cfg.Train.Batch
}

func (tr *trainer) run(ctx context.Context) (map[string]float64, error) {
	cfg := tr.cfg
	total := tr.stepsPerEpoch() * cfg.Train.Epochs
	ac := optim.DefaultAdam()
	ac.LR, ac.WeightDecay = cfg.Optim.LR, cfg.Optim.WeightDecay
	ac.Exclude = func(p *ag.Var) bool { return p.Value.Dims() <= 1 || p.Name == "item.words" || p.Name == "item.ids" }
	opt, err := optim.NewAdam(tr.model.Params(), ac)
	if err != nil {
		return nil, err
	}
	sched, err := optim.NewWarmupCosine(cfg.Optim.LR, cfg.Optim.MinLR, int(cfg.Optim.Warmup*float64(total)), total)
	if err != nil {
		return nil, err
	}
	vWarm, vCold := protocols(tr.split, true)
	tape := ag.NewTape(true)
	best, bestEpoch, since, step := math.Inf(-1), 0, 0, 0
	var bestSnap []*tensor.Tensor
	bestRow := map[string]float64{}
	for epoch := 1; epoch <= cfg.Train.Epochs; epoch++ {
		t0 := time.Now()
		exs := tr.epochExamples()
		var sum float64
		batches := 0
		for b0 := 0; b0 < len(exs); b0 += cfg.Train.Batch {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			opt.SetLR(sched.LR(step))
			l := tr.loss(tape, exs[b0:min(len(exs), b0+cfg.Train.Batch)])
			v := float64(l.Item())
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("recommend: epoch %d step %d: loss is %v", epoch, step, v)
			}
			sum += v
			tape.Backward(l)
			opt.Step()
			opt.ZeroGrad()
			tape.Reset()
			step++
			batches++
		}
		row := map[string]float64{"train_loss": sum / float64(max(batches, 1))}
		evalAll(tr.model, vWarm, vCold, nil, nil, row, "valid_")
		score := row["valid_recall_at_10"]
		tr.log.Info("recommend: epoch", "epoch", epoch, "loss", row["train_loss"], "valid_recall_at_10", score,
			"valid_ndcg_at_10", row["valid_ndcg_at_10"], "valid_coldstart_recall_at_20", row["valid_coldstart_recall_at_20"],
			"seconds", time.Since(t0).Seconds())
		if score > best {
			best, bestEpoch, since = score, epoch, 0
			bestSnap = tr.model.snapshot()
			bestRow = row
		} else if since++; cfg.Train.Patience > 0 && since >= cfg.Train.Patience {
			tr.log.Info("recommend: early stop", "epoch", epoch, "best_epoch", bestEpoch)
			break
		}
	}
	tr.model.restore(bestSnap)
	metrics := map[string]float64{"best_epoch": float64(bestEpoch), "steps": float64(step)}
	for k, v := range bestRow {
		metrics[k] = v
	}
	evalAll(tr.model, vWarm, vCold, tr.pop, tr.knn, metrics, "valid_")
	tWarm, tCold := protocols(tr.split, false)
	evalAll(tr.model, tWarm, tCold, tr.pop, tr.knn, metrics, "")
	metrics["users"], metrics["items"] = float64(len(tr.ds.Users)), float64(tr.ds.NumItems())
	metrics["cold_items"], metrics["vocab"] = float64(tr.split.NumCold), float64(len(tr.model.Spec.Vocab))
	return metrics, nil
}

// activeBlock is the granularity the active item set is padded to, so that
// the tape's buffers (pooled by exact size) are reused from step to step.
const activeBlock = 512

// loss records the objective of one batch: the sampled softmax of each
// example's next item against the batch's other target items, plus the
// item-item softmax of co-occurring pairs. Only the items the batch touches
// (pooled history items, keys, pair items) go through the item tower.
func (tr *trainer) loss(t *ag.Tape, batch []example) *ag.Var {
	cfg := tr.cfg
	m := tr.model
	hists := make([][]int, len(batch))
	targets := make([]int, len(batch))
	for k, ex := range batch {
		seq := tr.split.Train[ex.u]
		h := seq[:ex.pos]
		if len(h) > m.Spec.History {
			h = h[len(h)-m.Spec.History:]
		}
		hists[k], targets[k] = h, seq[ex.pos]
	}
	// Keys: the batch's distinct targets, topped up to cfg.Train.Batch with the
	// targets of random other examples. Those are draws from the same
	// distribution Q as in-batch targets, so the logQ correction still holds,
	// and a fixed key count keeps the loss's buffer sizes fixed.
	keys, draws := tr.keys(targets, cfg.Train.Batch, func() int {
		ex := tr.epoch[tr.rng.IntN(len(tr.epoch))]
		return tr.split.Train[ex.u][ex.pos]
	})
	var a, b, bkeys []int
	var bdraws int
	if cfg.Train.CoocWeight > 0 && len(tr.pairs) > 0 {
		a, b = make([]int, cfg.Train.CoocBatch), make([]int, cfg.Train.CoocBatch)
		for k := range a {
			p := tr.pairs[tr.rng.IntN(len(tr.pairs))]
			a[k], b[k] = p[0], p[1]
		}
		bkeys, bdraws = tr.keys(b, cfg.Train.CoocBatch, func() int { return tr.pairs[tr.rng.IntN(len(tr.pairs))][1] })
	}
	// The active items, and every list re-indexed into them.
	active := tr.active[:0]
	local := func(it int) int {
		if tr.row[it] < 0 {
			tr.row[it] = len(active)
			active = append(active, it)
		}
		return tr.row[it]
	}
	lh := make([][]int, len(hists))
	for k, h := range hists {
		lh[k] = make([]int, len(h))
		for j, it := range h {
			lh[k][j] = local(it)
		}
	}
	for _, list := range [][]int{keys, a, bkeys} {
		for _, it := range list {
			local(it)
		}
	}
	for len(active)%activeBlock != 0 && len(active) < m.NumItems() {
		tr.cursor = (tr.cursor + 1) % m.NumItems()
		local(tr.cursor)
	}
	tr.active = active
	defer func() {
		for _, it := range active {
			tr.row[it] = -1
		}
	}()
	var idW []float32
	if m.ids != nil {
		idW = m.idWeights(active)
		if p := cfg.Model.IDDropout; p > 0 {
			for i := range idW {
				if tr.rng.Float64() < p {
					idW[i] = 0
				}
			}
		}
	}
	v := m.itemVectorsInto(t, active, idW, &tr.bagScratch)
	u := m.userVectors(t, v, lh)
	l := tr.softmax(t, u, v, targets, keys, tr.qTarget, draws)
	if len(a) > 0 {
		la := make([]int, len(a))
		for k, it := range a {
			la[k] = tr.row[it]
		}
		l = t.Add(l, t.Scale(tr.softmax(t, t.IndexSelect(v, la), v, b, bkeys, tr.qPair, bdraws), float32(cfg.Train.CoocWeight)))
	}
	return l
}

// keys returns the distinct items of targets, topped up with distinct items
// from draw until there are size of them (or draw stops finding new ones),
// and the number of draws they came from (the targets included).
func (tr *trainer) keys(targets []int, size int, draw func() int) ([]int, int) {
	keys := slices.Clone(targets)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	draws := len(targets)
	if len(keys) >= size {
		return keys, draws
	}
	seen := make(map[int]bool, size)
	for _, it := range keys {
		seen[it] = true
	}
	for tries := 0; len(keys) < size && tries < 20*size; tries++ {
		draws++
		if it := draw(); !seen[it] {
			seen[it] = true
			keys = append(keys, it)
		}
	}
	return keys, draws
}

// softmax is the sampled softmax of queries q against their target items;
// keys are catalogue items whose vectors are rows tr.row of v, the distinct
// items of draws draws from the distribution q.
func (tr *trainer) softmax(t *ag.Tape, query, v *ag.Var, targets, keys []int, q []float64, draws int) *ag.Var {
	rows := make([]int, len(keys))
	var o []float32
	if tr.cfg.Train.Correction == LogQ {
		o = make([]float32, len(keys))
	}
	for j, it := range keys {
		rows[j] = tr.row[it]
		if o != nil {
			o[j] = inclusionOffset(q[it], float64(draws))
		}
	}
	return tr.nce.Forward(t, query, t.IndexSelect(v, rows), targets, keys, o)
}

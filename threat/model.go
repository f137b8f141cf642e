package threat

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/eval"
	"github.com/contrast-ml/contrast/internal/atomicfile"
	"github.com/contrast-ml/contrast/internal/safetensors"
	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/tensor"
)

// Files of a model directory.
const (
	ModelFile   = "model.json"        // format, feature pipeline, encoder spec, calibration
	WeightsFile = "model.safetensors" // classifier encoder, head, novelty encoders (novelty., novelty1., ...)
	BankFile    = "bank.safetensors"  // the encoded training split and its categories
	MetricsFile = "metrics.json"
	ConfigFile  = "config.yaml"
)

// modelFormat names the layout of model.json.
const modelFormat = "contrast-threat/1"

// Model is a trained threat detector: everything needed to embed and score a
// new connection record.
type Model struct {
	Pipeline *Pipeline
	Spec     EncoderSpec // the classifier encoder
	// NoveltySpec is the novelty encoder's (wider: see NoveltyConfig).
	NoveltySpec EncoderSpec
	// Classifier is the encoder fine-tuned with SupCon; Head maps its
	// representation to the five categories' logits.
	Classifier *Encoder
	Head       *nn.Linear
	// Novelty holds the novelty encoders, trained on normal records only
	// from different initialisations (one unless novelty.members says
	// more); the learned anomaly distance is the mean of their distances.
	Novelty []*Encoder
	// Threshold on the anomaly score, calibrated on the training file's normals
	// (see calibrationDistances).
	Threshold float64
	K         int       // anomaly score: k-th nearest normal
	Combine   bool      // attack when the head or the anomaly score says so
	InputKNN  bool      // anomaly score in the input space instead of the learned one
	KNN       KNNConfig // kNN classification over the embedded training split
	// LearnedScale and InputScale are the medians of the two distances over
	// the calibration normals (see calibrationDistances; 0 in models written
	// before them). InputWeight
	// > 0 makes the anomaly score the learned distance over LearnedScale plus
	// InputWeight times the input-space distance over InputScale.
	InputWeight, LearnedScale, InputScale float64
	// TrainAttacks are the attack types of the training file, sorted (nil
	// in models written before them): evaluation scores the anomaly score
	// apart on attacks of the other, unseen types, the ones it is for.
	TrainAttacks []string

	bank         []float32   // encoded training split (n, Width)
	bankCategory []int       // its categories
	trainEmb     []float32   // Classifier representations of the bank, L2-normalised
	normalEmb    [][]float32 // per novelty encoder, representations of the bank's normal rows, L2-normalised
	normalInput  []float32   // one-hot inputs of the bank's normal rows
	net          *network    // the modules under their saved names, built once
}

// modelJSON is model.json.
type modelJSON struct {
	Format    string      `json:"format"`
	Pipeline  *Pipeline   `json:"pipeline"`
	Encoder   EncoderSpec `json:"encoder"`
	Novelty   EncoderSpec `json:"novelty_encoder"`
	Threshold float64     `json:"threshold"`
	K         int         `json:"k"`
	Combine   bool        `json:"combine"`
	InputKNN  bool        `json:"input_knn"`
	KNN       KNNConfig   `json:"knn"`
	Classes   []string    `json:"classes"`
	// Absent from models written before the combined score (0: learned only).
	InputWeight  float64 `json:"input_weight,omitempty"`
	LearnedScale float64 `json:"learned_scale,omitempty"`
	InputScale   float64 `json:"input_scale,omitempty"`
	// Absent from models written before ensembles (0: one novelty encoder).
	NoveltyMembers int `json:"novelty_members,omitempty"`
	// Absent from models written before the seventh session.
	TrainAttacks []string `json:"train_attacks,omitempty"`
}

// network groups the saved modules under "classifier.", "head." and
// "novelty." (the first novelty encoder; the others under "novelty1.",
// "novelty2.", ...).
type network struct{ nn.Tree }

// Forward is not used: the parts run separately.
func (n *network) Forward(*ag.Tape, *ag.Var) *ag.Var { panic("threat: network.Forward") }

// network returns the saved modules, named once: nn.Add prefixes the names
// of its children in place, so building the tree again would prefix them
// twice.
func (m *Model) network() *network {
	if m.net != nil && len(m.net.Children()) == 2+len(m.Novelty) {
		return m.net
	}
	n := &network{}
	nn.Add(&n.Tree, "classifier", nn.Module(m.Classifier))
	nn.Add(&n.Tree, "head", nn.Module(m.Head))
	for i, enc := range m.Novelty {
		name := "novelty"
		if i > 0 {
			name += strconv.Itoa(i)
		}
		nn.Add(&n.Tree, name, nn.Module(enc))
	}
	m.net = n
	return n
}

// maxMembers bounds the novelty encoders of a model.
const maxMembers = 16

// newModel builds the untrained networks for a pipeline, with members
// novelty encoders (at least one).
func newModel(p *Pipeline, spec, nspec EncoderSpec, members int, seed uint64) (*Model, error) {
	rng := rand.New(rand.NewPCG(seed, 0x6d6f64656c))
	clf, err := NewEncoder(spec, rng)
	if err != nil {
		return nil, err
	}
	head, err := nn.NewLinear(spec.Dim, Classes, true, rng)
	if err != nil {
		return nil, err
	}
	if members < 1 || members > maxMembers {
		return nil, fmt.Errorf("threat: %d novelty encoders, want 1 to %d", members, maxMembers)
	}
	nov := make([]*Encoder, members)
	for i := range nov {
		if nov[i], err = NewEncoder(nspec, rng); err != nil {
			return nil, err
		}
	}
	return &Model{Pipeline: p, Spec: spec, NoveltySpec: nspec, Classifier: clf, Head: head, Novelty: nov}, nil
}

// setBank stores the encoded training split and computes the reference
// embeddings for kNN classification and the anomaly score.
func (m *Model) setBank(x []float32, category []int) {
	w := m.Pipeline.Width()
	m.bank, m.bankCategory = x, category
	m.trainEmb = m.embed(m.Classifier, x)
	var normal []float32
	for i, c := range category {
		if c == int(data.CategoryNormal) {
			normal = append(normal, x[i*w:(i+1)*w]...)
		}
	}
	m.normalEmb = make([][]float32, len(m.Novelty))
	for i, enc := range m.Novelty {
		m.normalEmb[i] = m.embed(enc, normal)
	}
	m.normalInput = m.Pipeline.OneHot(normal)
}

// embedBatch is the number of rows encoded per forward pass at inference.
const embedBatch = 4096

// embed runs enc in evaluation mode on encoded rows x: L2-normalised
// representations (n, Dim).
func (m *Model) embed(enc *Encoder, x []float32) []float32 {
	w, d := m.Pipeline.Width(), enc.Dim
	n := len(x) / w
	out := make([]float32, n*d)
	enc.SetTraining(false)
	t := ag.NewTape(false)
	for r0 := 0; r0 < n; r0 += embedBatch {
		r1 := min(n, r0+embedBatch)
		in := ag.Const(tensor.FromSlice(x[r0*w:r1*w], r1-r0, w))
		copy(out[r0*d:r1*d], enc.Forward(t, in).Value.Data)
		t.Reset()
	}
	normalizeRows(out, d)
	return out
}

// logits runs the classifier and head on encoded rows x: (n, Classes).
func (m *Model) logits(x []float32) []float32 {
	w := m.Pipeline.Width()
	n := len(x) / w
	out := make([]float32, n*Classes)
	m.Classifier.SetTraining(false)
	t := ag.NewTape(false)
	for r0 := 0; r0 < n; r0 += embedBatch {
		r1 := min(n, r0+embedBatch)
		in := ag.Const(tensor.FromSlice(x[r0*w:r1*w], r1-r0, w))
		copy(out[r0*Classes:r1*Classes], m.Head.Forward(t, m.Classifier.Forward(t, in)).Value.Data)
		t.Reset()
	}
	return out
}

// Embed returns the classifier's L2-normalised representations of t's rows,
// (n, dim) row-major, and dim.
func (m *Model) Embed(t *data.Table) ([]float32, int, error) {
	x, err := m.Pipeline.Encode(t)
	if err != nil {
		return nil, 0, err
	}
	return m.embed(m.Classifier, x), m.Classifier.Dim, nil
}

// Score is the verdict on one record.
type Score struct {
	// Category is the final decision: the head's, except that a record the
	// head calls normal but the anomaly score flags (with Combine) gets the
	// most probable attack category.
	Category data.Category `json:"category"`
	Label    string        `json:"label"` // Category's name: normal, dos, probe, r2l, u2r
	Attack   bool          `json:"attack"`
	// Head is the linear head's category and Probs its softmax.
	Head  data.Category    `json:"head"`
	Probs [Classes]float64 `json:"probs"`
	// KNN is the category voted by the nearest embedded training records.
	KNN data.Category `json:"knn"`
	// Anomaly is the anomaly score the model's threshold applies to; Novel
	// is Anomaly > the threshold. It is LearnedAnomaly, or InputAnomaly for
	// a model with InputKNN, or their weighted sum for a model with an
	// InputWeight (see Model).
	Anomaly float64 `json:"anomaly"`
	Novel   bool    `json:"novel"`
	// LearnedAnomaly is the distance to the K-th nearest normal training
	// record in the novelty encoder's space (the mean over the encoders of a
	// model with several).
	LearnedAnomaly float64 `json:"learned_anomaly"`
	// InputAnomaly is the same distance in the scaled one-hot input space
	// (the baseline).
	InputAnomaly float64 `json:"input_anomaly"`
}

// Score scores every row of t.
func (m *Model) Score(t *data.Table) ([]Score, error) {
	x, err := m.Pipeline.Encode(t)
	if err != nil {
		return nil, err
	}
	return m.scoreEncoded(x)
}

// ScoreFlows scores connections read from a capture.
func (m *Model) ScoreFlows(flows []Flow) ([]Score, error) {
	t, err := FlowTable(flows)
	if err != nil {
		return nil, err
	}
	return m.Score(t)
}

// ScoreRecords scores records given field by field (pcap flows, HTTP bodies).
func (m *Model) ScoreRecords(recs []Record) ([]Score, error) {
	t, err := TableOf(recs)
	if err != nil {
		return nil, err
	}
	return m.Score(t)
}

func (m *Model) scoreEncoded(x []float32) ([]Score, error) {
	w := m.Pipeline.Width()
	n := len(x) / w
	if n == 0 {
		return nil, nil
	}
	out := make([]Score, n)
	logits := m.logits(x)
	emb := m.embed(m.Classifier, x)
	qm, err := eval.NewMatrix(n, m.Classifier.Dim, emb)
	if err != nil {
		return nil, err
	}
	rm, err := eval.NewMatrix(len(m.bankCategory), m.Classifier.Dim, m.trainEmb)
	if err != nil {
		return nil, err
	}
	knn, err := eval.KNNClassify(qm, rm, m.bankCategory, eval.KNNConfig{K: m.KNN.K, Temperature: m.KNN.Temperature})
	if err != nil {
		return nil, fmt.Errorf("threat: knn: %w", err)
	}
	nov, inp := m.anomalies(x)
	for i := range out {
		s := &out[i]
		l := logits[i*Classes : (i+1)*Classes]
		s.Probs = softmax(l)
		s.Head = data.Category(argmax(s.Probs[:]))
		s.KNN = data.Category(knn[i])
		s.LearnedAnomaly, s.InputAnomaly = nov[i], inp[i]
		s.Anomaly = m.anomalyScore(nov[i], inp[i])
		m.decide(s)
	}
	return out, nil
}

// anomalies returns the anomaly scores of encoded rows x: the distance to
// the K-th nearest normal training record in the novelty encoders' spaces
// (their mean) and in the scaled one-hot input space.
func (m *Model) anomalies(x []float32) (learned, input []float64) {
	n := len(x) / m.Pipeline.Width()
	learned = make([]float64, n)
	for i, enc := range m.Novelty {
		nd := enc.Dim
		for j, d := range KthNNDistance(m.embed(enc, x), n, m.normalEmb[i], len(m.normalEmb[i])/nd, nd, m.K) {
			learned[j] += d / float64(len(m.Novelty))
		}
	}
	ow := m.Pipeline.OneHotWidth()
	input = KthNNDistance(m.Pipeline.OneHot(x), n, m.normalInput, len(m.normalInput)/ow, ow, m.K)
	return learned, input
}

// bankAnomalies returns the anomaly distances of the bank's normal records,
// each against the others (leave-one-out), in bank order.
func (m *Model) bankAnomalies() (learned, input []float64) {
	ow := m.Pipeline.OneHotWidth()
	n := len(m.normalInput) / ow
	learned = make([]float64, n)
	for i, enc := range m.Novelty {
		for j, d := range LeaveOneOutKthNN(m.normalEmb[i], n, enc.Dim, m.K) {
			learned[j] += d / float64(len(m.Novelty))
		}
	}
	return learned, LeaveOneOutKthNN(m.normalInput, n, ow, m.K)
}

// anomalyScore is the anomaly score the threshold applies to, from the
// distances in the learned and in the input space.
func (m *Model) anomalyScore(learned, input float64) float64 {
	switch {
	case m.InputKNN:
		return input
	case m.InputWeight > 0:
		return m.weightedScore(learned, input, m.InputWeight)
	}
	return learned
}

// combinedScore is the equal-weight sum of the two distances, each over its
// scale, or NaN for a model without scales.
func (m *Model) combinedScore(learned, input float64) float64 {
	if m.LearnedScale <= 0 || m.InputScale <= 0 {
		return math.NaN()
	}
	return m.weightedScore(learned, input, 1)
}

// weightedScore is the learned distance over its scale plus w times the
// input-space distance over its scale.
func (m *Model) weightedScore(learned, input, w float64) float64 {
	return learned/m.LearnedScale + w*input/m.InputScale
}

// decide sets s's Novel, Category and Attack from its head probabilities and
// anomaly score under the model's threshold.
func (m *Model) decide(s *Score) {
	s.Novel = s.Anomaly > m.Threshold
	s.Category = s.Head
	if m.Combine && s.Novel && s.Head == data.CategoryNormal {
		s.Category = data.Category(1 + argmax(s.Probs[1:]))
	}
	s.Attack = s.Category != data.CategoryNormal
	s.Label = s.Category.String()
}

func softmax(l []float32) [Classes]float64 {
	var p [Classes]float64
	mx := math.Inf(-1)
	for _, v := range l {
		mx = max(mx, float64(v))
	}
	var s float64
	for c, v := range l {
		p[c] = math.Exp(float64(v) - mx)
		s += p[c]
	}
	for c := range p {
		p[c] /= s
	}
	return p
}

func argmax(x []float64) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// Save writes model.json, model.safetensors and bank.safetensors into dir.
func (m *Model) Save(dir string) error {
	mj := modelJSON{Format: modelFormat, Pipeline: m.Pipeline, Encoder: m.Spec, Novelty: m.NoveltySpec, Threshold: m.Threshold, K: m.K,
		Combine: m.Combine, InputKNN: m.InputKNN, KNN: m.KNN, Classes: data.CategoryNames(),
		InputWeight: m.InputWeight, LearnedScale: m.LearnedScale, InputScale: m.InputScale, NoveltyMembers: len(m.Novelty),
		TrainAttacks: m.TrainAttacks}
	b, err := json.MarshalIndent(mj, "", "  ")
	if err != nil {
		return fmt.Errorf("threat: save: %w", err)
	}
	if err := nn.SaveModule(filepath.Join(dir, WeightsFile), m.network(), map[string]string{"format": modelFormat}); err != nil {
		return fmt.Errorf("threat: save: %w", err)
	}
	w := m.Pipeline.Width()
	cat := make([]float32, len(m.bankCategory))
	for i, c := range m.bankCategory {
		cat[i] = float32(c)
	}
	bank := map[string]*tensor.Tensor{
		"x":        tensor.FromSlice(m.bank, len(m.bank)/w, w),
		"category": tensor.FromSlice(cat, len(cat)),
	}
	if err := safetensors.Save(filepath.Join(dir, BankFile), bank, map[string]string{"format": modelFormat}); err != nil {
		return fmt.Errorf("threat: save: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, ModelFile), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("threat: save: %w", err)
	}
	return nil
}

// LoadModel reads a model directory written by Train.
func LoadModel(dir string) (*Model, error) {
	path := filepath.Join(dir, ModelFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("threat: load: %w", err)
	}
	mj, err := decodeModelJSON(b)
	if err != nil {
		return nil, fmt.Errorf("threat: load %q: %w", path, err)
	}
	m, err := newModel(mj.Pipeline, mj.Encoder, mj.Novelty, max(1, mj.NoveltyMembers), 0)
	if err != nil {
		return nil, fmt.Errorf("threat: load %q: %w", path, err)
	}
	m.Threshold, m.K, m.Combine, m.InputKNN, m.KNN = mj.Threshold, mj.K, mj.Combine, mj.InputKNN, mj.KNN
	m.InputWeight, m.LearnedScale, m.InputScale = mj.InputWeight, mj.LearnedScale, mj.InputScale
	m.TrainAttacks = mj.TrainAttacks
	if _, err := nn.LoadModule(filepath.Join(dir, WeightsFile), m.network()); err != nil {
		return nil, fmt.Errorf("threat: load: %w", err)
	}
	bank, _, err := safetensors.Load(filepath.Join(dir, BankFile))
	if err != nil {
		return nil, fmt.Errorf("threat: load: %w", err)
	}
	x, cat := bank["x"], bank["category"]
	w := m.Pipeline.Width()
	if x == nil || cat == nil || x.Dims() != 2 || x.Shape[1] != w || cat.Dims() != 1 || cat.Shape[0] != x.Shape[0] || x.Shape[0] == 0 {
		return nil, fmt.Errorf("threat: load %q: want x (n, %d) and category (n)", filepath.Join(dir, BankFile), w)
	}
	xs := x.Contiguous().Raw()
	if err := checkEncoded(xs, m.Pipeline); err != nil {
		return nil, fmt.Errorf("threat: load %q: %w", filepath.Join(dir, BankFile), err)
	}
	cats := make([]int, cat.Shape[0])
	normal := 0
	for i, v := range cat.Contiguous().Raw() {
		c := int(v)
		if float32(c) != v || c < 0 || c >= Classes {
			return nil, fmt.Errorf("threat: load %q: category %v at row %d", filepath.Join(dir, BankFile), v, i)
		}
		cats[i] = c
		if c == int(data.CategoryNormal) {
			normal++
		}
	}
	if normal == 0 {
		return nil, errors.New("threat: load: the bank holds no normal record")
	}
	m.setBank(xs, cats)
	return m, nil
}

// maxWidth bounds every layer width and vocabulary read from model.json, so
// that a corrupt file cannot make NewEncoder allocate gigabytes.
const maxWidth = 1 << 16

// maxParams bounds the parameters of all the encoders that model.json
// describes, the novelty encoders counted once each (256 MiB of float32).
const maxParams = 1 << 26

// paramCount is the number of parameters NewEncoder allocates for s, whose
// sizes are each at most maxWidth (so no product overflows).
func (s EncoderSpec) paramCount() int {
	in, n := s.Numeric, 0
	for _, v := range s.Vocab {
		if s.Encoding == CatOneHot {
			in += v - 1
		} else {
			in += s.EmbedDim
			n += v * s.EmbedDim
		}
	}
	for _, h := range s.Hidden {
		n += in*h + h // weights and bias
		if s.Norm != NormNone {
			n += 2 * h // scale and shift
		}
		in = h
	}
	return n + in*s.Dim + s.Dim
}

// decodeModelJSON parses and checks model.json.
func decodeModelJSON(b []byte) (*modelJSON, error) {
	var mj modelJSON
	if err := json.Unmarshal(b, &mj); err != nil {
		return nil, err
	}
	if mj.Format != modelFormat {
		return nil, fmt.Errorf("format %q, want %q", mj.Format, modelFormat)
	}
	if mj.Pipeline == nil {
		return nil, errors.New("no pipeline")
	}
	if err := mj.Pipeline.validate(); err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	for _, s := range []EncoderSpec{mj.Encoder, mj.Novelty} {
		if s.Numeric != len(mj.Pipeline.Numeric) || !equalInts(s.Vocab, mj.Pipeline.Vocab()) {
			return nil, fmt.Errorf("encoder inputs (%d numeric, vocab %v) do not match the pipeline (%d, %v)",
				s.Numeric, s.Vocab, len(mj.Pipeline.Numeric), mj.Pipeline.Vocab())
		}
		widths := append([]int{s.Numeric, s.EmbedDim, s.Dim}, s.Hidden...)
		widths = append(widths, s.Vocab...)
		for _, w := range widths {
			if w < 0 || w > maxWidth {
				return nil, fmt.Errorf("encoder size %d outside [0, %d]", w, maxWidth)
			}
		}
		if len(s.Hidden) > 16 || len(s.Vocab) > 64 {
			return nil, fmt.Errorf("encoder of %d hidden layers and %d categorical columns", len(s.Hidden), len(s.Vocab))
		}
		if n := s.paramCount(); n > maxParams {
			return nil, fmt.Errorf("encoder of %d parameters, more than %d", n, maxParams)
		}
	}
	if mj.NoveltyMembers < 0 || mj.NoveltyMembers > maxMembers {
		return nil, fmt.Errorf("novelty_members %d outside [0, %d]", mj.NoveltyMembers, maxMembers)
	}
	if n := mj.Encoder.paramCount() + max(1, mj.NoveltyMembers)*mj.Novelty.paramCount(); n > maxParams {
		return nil, fmt.Errorf("encoders of %d parameters in all, more than %d", n, maxParams)
	}
	if mj.K < 1 || mj.KNN.K < 1 || !(mj.KNN.Temperature > 0) || math.IsNaN(mj.Threshold) {
		return nil, fmt.Errorf("k %d, knn %+v, threshold %v", mj.K, mj.KNN, mj.Threshold)
	}
	scales := func(v float64) bool { return v == 0 || positiveFinite(v) }
	if w := mj.InputWeight; !(w >= 0) || math.IsInf(w, 0) || !scales(mj.LearnedScale) || !scales(mj.InputScale) ||
		(w > 0 && (mj.LearnedScale == 0 || mj.InputScale == 0)) {
		return nil, fmt.Errorf("input_weight %v, learned_scale %v, input_scale %v", w, mj.LearnedScale, mj.InputScale)
	}
	for i := 1; i < len(mj.TrainAttacks); i++ {
		if mj.TrainAttacks[i-1] >= mj.TrainAttacks[i] {
			return nil, fmt.Errorf("train_attacks: %q before %q, want sorted distinct names", mj.TrainAttacks[i-1], mj.TrainAttacks[i])
		}
	}
	return &mj, nil
}

// checkEncoded verifies that every categorical id of encoded rows is valid.
func checkEncoded(x []float32, p *Pipeline) error {
	w, nn := p.Width(), len(p.Numeric)
	vocab := p.Vocab()
	for i := 0; i+w <= len(x); i += w {
		for j, v := range x[i : i+nn] {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("row %d numeric %d is %v", i/w, j, v)
			}
		}
		for j, v := range x[i+nn : i+w] {
			if id := int(v); float32(id) != v || id < 0 || id >= vocab[j] {
				return fmt.Errorf("row %d categorical %d holds %v", i/w, j, v)
			}
		}
	}
	return nil
}

func positiveFinite(v float64) bool { return v > 0 && !math.IsInf(v, 0) }

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

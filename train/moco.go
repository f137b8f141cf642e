package train

import (
	"math"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/loss"
	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/tensor"
)

// moco: a query encoder trained with InfoNCE against keys from a momentum
// (EMA) copy of itself, with a queue of past keys as extra negatives (He et al.
// 2020, arXiv 1911.05722; the MLP head of MoCo v2, arXiv 2003.04297). The loss
// is symmetrised over the two views; the keys of view 1 enter the queue.
type moco struct {
	nn.Tree
	query, key *encoderWithHead
	queue      *keyQueue
	loss       loss.InfoNCE
	base       float64
	keyTape    *ag.Tape
	labelsQ    []int
	labelsK    []int
	pending    []float32 // keys to enqueue after the step
}

func newMoCo(p learnerParts) (Learner, error) {
	m := &moco{base: p.cfg.Loss.EMA, keyTape: ag.NewTape(false)}
	q, dim, err := newEncoderWithHead(p, false)
	if err != nil {
		return nil, err
	}
	k, _, err := newEncoderWithHead(p, false)
	if err != nil {
		return nil, err
	}
	m.query = nn.Add(&m.Tree, "query", q)
	m.key = nn.Add(&m.Tree, "key", k)
	if err := nn.CopyParams(m.key, m.query); err != nil {
		return nil, err
	}
	size := max(p.cfg.Loss.Queue, 1)
	m.queue = nn.Add(&m.Tree, "queue", newKeyQueue(size, dim, p))
	if m.loss, err = loss.NewInfoNCE(float32(p.cfg.Loss.Temperature)); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *moco) Loss(t *ag.Tape, b *Batch) *ag.Var {
	q := t.L2Normalize(m.query.Forward(t, b.X), 1e-12)
	m.keyTape.Reset()
	k := m.keyTape.L2Normalize(m.key.Forward(m.keyTape, b.X), 1e-12).Value // no gradient into the key encoder
	d := k.Shape[1]
	qs := t.Split(q, 0, b.B, b.B)
	if len(m.labelsQ) != b.B {
		m.labelsQ, m.labelsK = make([]int, b.B), make([]int, b.B+m.queue.size)
		for i := range m.labelsK {
			m.labelsK[i] = -1 // queue entries are negatives of every query
			if i < b.B {
				m.labelsQ[i], m.labelsK[i] = i, i
			}
		}
	}
	var total *ag.Var
	for v := range 2 {
		keys := tensor.New(b.B+m.queue.size, d)
		copy(keys.Data, k.Data[(1-v)*b.B*d:(2-v)*b.B*d]) // the other view's keys are the positives
		copy(keys.Data[b.B*d:], m.queue.buf.Value.Data)
		l := m.loss.Forward(t, qs[v], ag.Const(keys), m.labelsQ, m.labelsK, false)
		if total == nil {
			total = l
		} else {
			total = t.Add(total, l)
		}
	}
	m.pending = append(m.pending[:0], k.Data[b.B*d:2*b.B*d]...)
	return t.Scale(total, 0.5)
}

// AfterStep updates the key encoder (momentum on a cosine schedule towards 1,
// as BYOL does) and enqueues the step's keys, dropping the oldest.
func (m *moco) AfterStep(progress float64) {
	tau := 1 - (1-m.base)*(math.Cos(math.Pi*progress)+1)/2
	if err := nn.EMA(m.key, m.query, tau); err != nil {
		panic(err)
	}
	m.queue.push(m.pending)
}

func (m *moco) Encoder() nn.Module                    { return m.query.enc }
func (m *moco) Net() nn.Module                        { return m }
func (m *moco) Trainable() []*ag.Var                  { return m.query.Params() }
func (m *moco) Sampling() Sampling                    { return Sampling{Kind: SampleRandom, Views: 2} }
func (m *moco) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return m.query.Forward(t, x) }

// keyQueue is MoCo's ring buffer of normalised keys, (size, dim), with its write
// position kept as a buffer too so that a resumed run continues exactly.
type keyQueue struct {
	size, dim int
	buf, ptr  *nn.Buffer
}

func newKeyQueue(size, dim int, p learnerParts) *keyQueue {
	q := tensor.New(size, dim).Normal(p.rng, 0, 1)
	for i := range size {
		row := q.Data[i*dim : (i+1)*dim]
		var s float64
		for _, v := range row {
			s += float64(v) * float64(v)
		}
		inv := float32(1 / math.Sqrt(s))
		for j := range row {
			row[j] *= inv
		}
	}
	return &keyQueue{size: size, dim: dim, buf: &nn.Buffer{Name: "keys", Value: q}, ptr: &nn.Buffer{Name: "ptr", Value: tensor.New(1)}}
}

func (q *keyQueue) push(keys []float32) {
	p := int(q.ptr.Value.Data[0])
	for off := 0; off+q.dim <= len(keys); off += q.dim {
		copy(q.buf.Value.Data[p*q.dim:(p+1)*q.dim], keys[off:off+q.dim])
		p = (p + 1) % q.size
	}
	q.ptr.Value.Data[0] = float32(p)
}

func (q *keyQueue) Forward(_ *ag.Tape, x *ag.Var) *ag.Var { return x }
func (q *keyQueue) Params() []*ag.Var                     { return nil }
func (q *keyQueue) Buffers() []*nn.Buffer                 { return []*nn.Buffer{q.buf, q.ptr} }
func (q *keyQueue) SetTraining(bool)                      {}

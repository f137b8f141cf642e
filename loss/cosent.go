package loss

import (
	"fmt"
	"math"

	"github.com/contrast-ml/contrast/ag"
)

// CoSENT is the ranking loss of Su 2022 ("CoSENT: a more efficient sentence
// vector scheme than Sentence-BERT", kexue.fm/archives/8847), used by
// sentence-transformers' CoSENTLoss: for the cosine similarities c (n) of n
// sentence pairs and their gold scores s (n),
//
//	L = log(1 + Σ_{(i,j): s_i > s_j} exp(Scale·(c_j - c_i)))
//
// so every pair ranked below a less similar pair by its cosine adds to the
// loss. Only the order of the scores matters, which makes it insensitive to
// the score scale (SICK 1-5, STS 0-5) and, unlike cosine regression, it does
// not ask the cosine to take any particular value. Forward is O(n²) in time
// and O(1) in extra memory (the pairs are recomputed in the backward pass).
type CoSENT struct {
	// Scale multiplies the cosine differences (Su uses 20, i.e. temperature 0.05).
	Scale float32
}

// NewCoSENT validates the scale.
func NewCoSENT(scale float32) (CoSENT, error) {
	if !(scale > 0) || math.IsInf(float64(scale), 0) {
		return CoSENT{}, fmt.Errorf("loss: CoSENT scale must be positive and finite, got %v", scale)
	}
	return CoSENT{Scale: scale}, nil
}

// Forward returns the scalar loss of the cosines cos (n) against the gold
// scores (n). Pairs with equal scores are not compared; with no ordered pair
// at all the loss is log 1 = 0. It panics when the lengths differ or cos is not
// a vector.
func (l CoSENT) Forward(t *ag.Tape, cos *ag.Var, scores []float32) *ag.Var {
	if cos.Value.Dims() != 1 || cos.Shape()[0] != len(scores) {
		panic(fmt.Sprintf("loss: CoSENT: cosines of shape %v for %d scores", cos.Shape(), len(scores)))
	}
	if !(l.Scale > 0) {
		panic(fmt.Sprintf("loss: CoSENT: scale %v", l.Scale))
	}
	c := cos.Value.Data
	scale := float64(l.Scale)
	// The log-sum-exp runs over {0} ∪ {scale·(c_j - c_i) : s_i > s_j}, shifted
	// by its maximum for stability.
	mx := 0.0
	for i, si := range scores {
		for j, sj := range scores {
			if si > sj {
				mx = math.Max(mx, scale*float64(c[j]-c[i]))
			}
		}
	}
	sum := math.Exp(-mx)
	for i, si := range scores {
		for j, sj := range scores {
			if si > sj {
				sum += math.Exp(scale*float64(c[j]-c[i]) - mx)
			}
		}
	}
	lse := mx + math.Log(sum)
	out := t.NewOutput("CoSENT")
	out.Value.Data[0] = float32(lse)
	t.Record(out, func(g []float32) {
		// dL/dc_j += scale·p_ij, dL/dc_i -= scale·p_ij with p_ij the softmax weight.
		dc := t.GradOf(cos)
		gs := float64(g[0]) * scale
		for i, si := range scores {
			for j, sj := range scores {
				if si > sj {
					p := math.Exp(scale*float64(c[j]-c[i]) - lse)
					dc[j] += float32(gs * p)
					dc[i] -= float32(gs * p)
				}
			}
		}
	}, cos)
	return out
}

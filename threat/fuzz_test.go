package threat

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/contrast-ml/contrast/nn"
)

// FuzzModelJSON: model.json never panics the decoder, and what it accepts
// builds an encoder of bounded size.
func FuzzModelJSON(f *testing.F) {
	p := &Pipeline{
		Numeric:     []NumericColumn{{Name: "count", Log: true, Mean: 1, Std: 2}},
		Categorical: []CategoricalColumn{{Name: "proto", Levels: []string{"tcp", "udp"}}},
	}
	spec := EncoderSpec{Numeric: 1, Vocab: []int{3}, EmbedDim: 2, Hidden: []int{4}, Dim: 3}
	good, _ := json.Marshal(modelJSON{Format: modelFormat, Pipeline: p, Encoder: spec, Novelty: spec, K: 2,
		KNN: KNNConfig{K: 3, Temperature: 0.1}})
	f.Add(good)
	three, _ := json.Marshal(modelJSON{Format: modelFormat, Pipeline: p, Encoder: spec, Novelty: spec, K: 2,
		KNN: KNNConfig{K: 3, Temperature: 0.1}, NoveltyMembers: 3})
	f.Add(three)
	f.Add([]byte(`{"format":"contrast-threat/1","pipeline":{"numeric":[]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		mj, err := decodeModelJSON(b)
		if err != nil {
			return
		}
		m, err := newModel(mj.Pipeline, mj.Encoder, mj.Novelty, max(1, mj.NoveltyMembers), 0)
		if err != nil {
			return
		}
		// The encoders hold at most maxParams; the head adds its own.
		if n := nn.ParamCount(m.network()); n > maxParams+Classes*(mj.Encoder.Dim+1) {
			t.Fatalf("model of %d parameters accepted; its encoders may hold %d", n, maxParams)
		}
	})
}

// TestModelJSONMembers checks the bounds on novelty_members: absent or 0
// means one encoder, 16 is the most, and the encoders' parameters count
// once per member against maxParams.
func TestModelJSONMembers(t *testing.T) {
	p := &Pipeline{
		Numeric:     []NumericColumn{{Name: "count", Log: true, Mean: 1, Std: 2}},
		Categorical: []CategoricalColumn{{Name: "proto", Levels: []string{"tcp", "udp"}}},
	}
	small := EncoderSpec{Numeric: 1, Vocab: []int{3}, EmbedDim: 2, Hidden: []int{4}, Dim: 3}
	big := small
	big.Hidden = []int{4096, 4096} // about 16.8 million parameters: fits once, not 16 times
	for _, c := range []struct {
		members int
		spec    EncoderSpec
		ok      bool
	}{{-1, small, false}, {0, small, true}, {1, small, true}, {16, small, true}, {17, small, false},
		{1, big, true}, {16, big, false}} {
		b, _ := json.Marshal(modelJSON{Format: modelFormat, Pipeline: p, Encoder: small, Novelty: c.spec, K: 2,
			KNN: KNNConfig{K: 3, Temperature: 0.1}, NoveltyMembers: c.members})
		_, err := decodeModelJSON(b)
		if (err == nil) != c.ok {
			t.Errorf("novelty_members %d, novelty hidden %v: error %v, want ok %v", c.members, c.spec.Hidden, err, c.ok)
		}
	}
}

// FuzzRecordsJSON: records from a JSON body (a server request) either fail
// to lay out or give a table the pipeline can encode.
func FuzzRecordsJSON(f *testing.F) {
	f.Add([]byte(`[{"numeric":{"src_bytes":100,"count":2},"categorical":{"protocol_type":"tcp","service":"http","flag":"SF"}}]`))
	f.Add([]byte(`[{"numeric":{"bogus":1}}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var recs []Record
		if json.Unmarshal(b, &recs) != nil {
			return
		}
		tab, err := TableOf(recs)
		if err != nil {
			return
		}
		if tab.Len() != len(recs) || len(tab.Numeric) != len(recs)*len(tab.NumericNames) {
			t.Fatalf("table of %d rows for %d records", tab.Len(), len(recs))
		}
		p, err := FitPipeline(tab, nil, false)
		if err != nil {
			if len(recs) == 0 {
				return
			}
			t.Fatal(err)
		}
		if _, err := p.Encode(tab); err != nil {
			t.Fatal(err)
		}
	})
}

// TestModelJSONScales: the anomaly-score weight and scales of model.json
// are checked (a weight needs both scales; no scale may be negative or
// infinite), and a file without them (written before them) still loads.
func TestModelJSONScales(t *testing.T) {
	p := &Pipeline{Numeric: []NumericColumn{{Name: "count", Mean: 1, Std: 2}}}
	spec := EncoderSpec{Numeric: 1, Hidden: []int{4}, Dim: 3}
	for _, c := range []struct {
		name                  string
		weight, learned, inpt float64
		ok                    bool
	}{
		{"absent", 0, 0, 0, true},
		{"scales only", 0, 0.5, 2, true},
		{"weighted", 1, 0.5, 2, true},
		{"weight without scales", 1, 0, 0, false},
		{"weight without input scale", 1, 0.5, 0, false},
		{"negative weight", -1, 0.5, 2, false},
		{"negative scale", 0, -0.5, 2, false},
	} {
		b, err := json.Marshal(modelJSON{Format: modelFormat, Pipeline: p, Encoder: spec, Novelty: spec, K: 2,
			KNN: KNNConfig{K: 3, Temperature: 0.1}, InputWeight: c.weight, LearnedScale: c.learned, InputScale: c.inpt})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodeModelJSON(b); (err == nil) != c.ok {
			t.Errorf("%s: error %v, want ok %v", c.name, err, c.ok)
		}
	}
}

// TestModelJSONTrainAttacks: train_attacks must be sorted and distinct
// (evaluation binary-searches it); absent (older models) or empty loads.
func TestModelJSONTrainAttacks(t *testing.T) {
	p := &Pipeline{Numeric: []NumericColumn{{Name: "count", Mean: 1, Std: 2}}}
	spec := EncoderSpec{Numeric: 1, Hidden: []int{4}, Dim: 3}
	for _, c := range []struct {
		attacks []string
		ok      bool
	}{
		{nil, true}, {[]string{"neptune"}, true}, {[]string{"neptune", "smurf"}, true},
		{[]string{"smurf", "neptune"}, false}, {[]string{"smurf", "smurf"}, false},
	} {
		b, err := json.Marshal(modelJSON{Format: modelFormat, Pipeline: p, Encoder: spec, Novelty: spec, K: 2,
			KNN: KNNConfig{K: 3, Temperature: 0.1}, TrainAttacks: c.attacks})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodeModelJSON(b); (err == nil) != c.ok {
			t.Errorf("%v: error %v, want ok %v", c.attacks, err, c.ok)
		}
	}
}

func TestParamCount(t *testing.T) {
	for _, s := range []EncoderSpec{
		{Numeric: 5, Vocab: []int{3, 4}, EmbedDim: 2, Hidden: []int{7, 6}, Dim: 3, Norm: NormLayer},
		{Numeric: 5, Vocab: []int{3, 4}, Encoding: CatOneHot, Hidden: []int{7}, Dim: 3, Norm: NormBatch},
		{Numeric: 2, Dim: 1, Norm: NormNone},
	} {
		e, err := NewEncoder(s, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		var n int
		for _, p := range e.Params() {
			n += p.Value.Numel()
		}
		if got := s.paramCount(); got != n {
			t.Errorf("%+v: paramCount %d, encoder has %d", s, got, n)
		}
	}
}

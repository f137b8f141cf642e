package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"testing"

	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/train"
)

var fuzzLimits = Limits{MaxBody: 1 << 20, MaxBatch: 8, MaxK: 100}

const fuzzDim = 3

func checkQuery(t *testing.T, q query) {
	n := 0
	if q.Vector != nil {
		n++
		if len(q.Vector) != fuzzDim {
			t.Fatalf("accepted a vector of dimension %d", len(q.Vector))
		}
	}
	if q.ID != "" {
		n++
	}
	if q.Input != nil {
		n++
		if !json.Valid(q.Input) {
			t.Fatalf("accepted invalid input %q", q.Input)
		}
	}
	if n != 1 {
		t.Fatalf("accepted a query with %d kinds", n)
	}
}

func FuzzDecodeSearch(f *testing.F) {
	for _, s := range []string{
		`{"vector":[1,2,3],"k":5}`, `{"id":"a"}`, `{"input":"x","k":100,"ef":10}`,
		`{"vector":[1,2,3],"filter":{"field":"g","equals":{"b":[1,2]}}}`, `{"vector":[1,2]}`, `{"k":0}`, `[]`, `null`, `{"id":"a"} x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeSearch(body, fuzzLimits, fuzzDim)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %v is not an *Error", err)
			}
			return
		}
		checkQuery(t, req.query)
		if req.K < 1 || req.K > fuzzLimits.MaxK || req.Ef < 0 || req.Ef > maxEf {
			t.Fatalf("accepted k %d, ef %d", req.K, req.Ef)
		}
		if !isNull(req.Filter) && (req.filter == nil || req.filter.Field == "") {
			t.Fatalf("filter %s accepted without a parsed form", req.Filter)
		}
	})
}

func FuzzDecodeSimilarity(f *testing.F) {
	for _, s := range []string{`{"a":{"id":"x"},"b":{"vector":[1,2,3]}}`, `{"a":{"input":[1]},"b":{"input":"q"}}`, `{"a":{}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeSimilarity(body, fuzzDim)
		if err != nil {
			return
		}
		checkQuery(t, req.A)
		checkQuery(t, req.B)
	})
}

func FuzzDecodeEmbed(f *testing.F) {
	for _, s := range []string{`{"inputs":["a",[1,2],{"x":1}]}`, `{"inputs":[]}`, `{"inputs":[null]}`, `{"inputs":[1,2,3,4,5,6,7,8,9]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeInputs(body, fuzzLimits)
		if err != nil {
			return
		}
		if len(req.Inputs) < 1 || len(req.Inputs) > fuzzLimits.MaxBatch {
			t.Fatalf("accepted %d inputs", len(req.Inputs))
		}
		for _, in := range req.Inputs {
			if isNull(in) || !json.Valid(in) {
				t.Fatalf("accepted input %q", in)
			}
		}
	})
}

func FuzzDecodeUpsert(f *testing.F) {
	for _, s := range []string{
		`{"items":[{"id":"a","vector":[1,2,3],"meta":{"g":1}},{"id":"b","input":"w"}]}`,
		`{"items":[{"id":"a","vector":[1,2,3]},{"id":"a","vector":[1,2,3]}]}`, `{"items":[{"id":"","vector":[1,2,3]}]}`,
		`{"items":[{"id":"a","vector":[1,2,3],"meta":null}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeUpsert(body, fuzzLimits, fuzzDim)
		if err != nil {
			return
		}
		if len(req.Items) < 1 || len(req.Items) > fuzzLimits.MaxBatch {
			t.Fatalf("accepted %d items", len(req.Items))
		}
		seen := map[string]bool{}
		for _, it := range req.Items {
			if it.ID == "" || len(it.ID) > MaxIDLen || seen[it.ID] {
				t.Fatalf("accepted ID %q", it.ID)
			}
			seen[it.ID] = true
			if (it.Vector == nil) == (it.Input == nil) || (it.Vector != nil && len(it.Vector) != fuzzDim) {
				t.Fatalf("accepted item %+v", it)
			}
			if it.Meta != nil && (!json.Valid(it.Meta) || isNull(it.Meta)) {
				t.Fatalf("accepted meta %q", it.Meta)
			}
		}
		// What was accepted encodes and decodes to the same request.
		b, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeUpsert(b, fuzzLimits, fuzzDim)
		if err != nil {
			t.Fatalf("re-encoded request %s refused: %v", b, err)
		}
		b2, _ := json.Marshal(again)
		if !bytes.Equal(b, b2) {
			t.Fatalf("round trip changed %s into %s", b, b2)
		}
	})
}

// FuzzImagePixels feeds arbitrary JSON inputs, and arbitrary bytes as base64
// images, to the image decoder: it may refuse them, never panic, and what it
// accepts is C*H*W finite values.
func FuzzImagePixels(f *testing.F) {
	img := image.NewGray(image.Rect(0, 0, 5, 3))
	var b bytes.Buffer
	png.Encode(&b, img)
	f.Add(b.Bytes(), true)
	f.Add([]byte(`[0,0.5,1,0,0,0,0,0,0,0,0,0]`), false)
	f.Add([]byte(`"data:image/png;base64,AAAA"`), false)
	f.Add([]byte{0xff, 0xd8, 0xff, 0xe0}, true)
	m, err := NewImageModel("flat", nn.NewSequential(nn.Flatten{}), train.Shape{C: 1, H: 3, W: 4})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in []byte, asImage bool) {
		raw := json.RawMessage(in)
		if asImage {
			raw, _ = json.Marshal(base64.StdEncoding.EncodeToString(in))
		}
		dst := make([]float32, 12)
		if err := m.Pixels(raw, dst); err != nil {
			return
		}
		if asImage {
			for _, v := range dst {
				if v < 0 || v > 1 {
					t.Fatalf("decoded pixel %v outside [0, 1]", v)
				}
			}
		}
	})
}

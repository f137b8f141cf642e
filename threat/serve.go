package threat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/server"
)

// MaxFieldValue bounds every numeric field of a JSON record, as it bounds the
// files' (data.NSLKDDRange).
const MaxFieldValue = data.NSLKDDMax

// maxLevelLen bounds a categorical value of a JSON record, in bytes.
const maxLevelLen = 256

// requiredFields are the fields every JSON record must name: without them a
// record says nothing about the connection.
var requiredFields = []string{"protocol_type", "service", "flag"}

// RecordInput says in a sentence which JSON value DecodeRecord takes; the
// server reports it in GET /v1/info.
const RecordInput = `a JSON object of NSL-KDD's 41 features by name: protocol_type, service and flag ` +
	`as strings of NSL-KDD's values (required; tcp, http, SF, ...), the 38 numeric ones (duration, src_bytes, count, serror_rate, ...) as ` +
	`numbers >= 0 (rates at most 1; 0 when absent)`

// DecodeRecord reads one connection record from a JSON object that names
// NSL-KDD's features (data.DefaultNSLKDDSchema): protocol_type, service and
// flag as strings, which must be present and be values NSL-KDD uses
// (kddLevels; a service that the model's training file lacks is scored as
// unseen), and any of the 38 numeric fields as
// finite numbers in [0, MaxFieldValue] (the *_rate fields in [0, 1]); a
// numeric field that is absent is 0, as in the records of a capture
// (Flow.Record). For example
//
//	{"protocol_type": "tcp", "service": "http", "flag": "SF", "src_bytes": 181, "dst_bytes": 5450, "count": 8}
//
// An unknown or repeated field, a value of the wrong JSON type, and data
// after the object are errors that name the field.
func DecodeRecord(raw []byte) (Record, error) {
	rec := Record{Numeric: map[string]float64{}, Categorical: map[string]string{}}
	numeric, symbolic := fieldKinds()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return Record{}, errors.New("want a JSON object of NSL-KDD fields by name")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return Record{}, fmt.Errorf("invalid JSON: %w", err)
		}
		name := tok.(string) // object keys are always strings
		if seen[name] {
			return Record{}, fmt.Errorf("field %q appears twice", name)
		}
		seen[name] = true
		if !numeric[name] && !symbolic[name] {
			return Record{}, fmt.Errorf("unknown field %q: not one of NSL-KDD's 41 features", name)
		}
		tok, err = dec.Token()
		if err != nil {
			return Record{}, fmt.Errorf("field %q: invalid JSON: %w", name, err)
		}
		if symbolic[name] {
			s, ok := tok.(string)
			switch {
			case !ok:
				return Record{}, fmt.Errorf("field %q: want a string, got %s", name, jsonKind(tok))
			case s == "" || len(s) > maxLevelLen:
				return Record{}, fmt.Errorf("field %q: want a non-empty string of at most %d bytes", name, maxLevelLen)
			case !slices.Contains(kddLevels[name], s):
				return Record{}, fmt.Errorf("field %q: %q is not one of NSL-KDD's values (%s)", name, s, levelHint(name))
			}
			rec.Categorical[name] = s
			continue
		}
		num, ok := tok.(json.Number)
		if !ok {
			return Record{}, fmt.Errorf("field %q: want a number, got %s", name, jsonKind(tok))
		}
		v, err := num.Float64()
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return Record{}, fmt.Errorf("field %q: %s is not a finite number", name, num)
		}
		if lo, hi := data.NSLKDDRange(name); !(v >= lo && v <= hi) {
			return Record{}, fmt.Errorf("field %q: %v is outside [%g, %g]", name, v, lo, hi)
		}
		rec.Numeric[name] = v
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return Record{}, fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Record{}, errors.New("data after the JSON object")
	}
	for _, name := range requiredFields {
		if _, ok := rec.Categorical[name]; !ok {
			return Record{}, fmt.Errorf("missing field %q", name)
		}
	}
	return rec, nil
}

// levelHint lists the values of a categorical field for an error message:
// all of them for protocol_type and flag, a count and examples for service.
func levelHint(name string) string {
	v := kddLevels[name]
	if len(v) <= 11 {
		return strings.Join(v, ", ")
	}
	return fmt.Sprintf("%d names such as http, ftp_data, private, ecr_i", len(v))
}

// jsonKind names the JSON type of a decoder token (a scalar or a delimiter).
func jsonKind(tok json.Token) string {
	switch tok.(type) {
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	case json.Delim:
		return "an array or object"
	}
	return fmt.Sprintf("%T", tok)
}

// fieldKinds returns the numeric and the symbolic field names of NSL-KDD.
var fieldKinds = sync.OnceValues(func() (numeric, symbolic map[string]bool) {
	numeric, symbolic = map[string]bool{}, map[string]bool{}
	for _, f := range data.DefaultNSLKDDSchema().Fields {
		if f.Symbolic {
			symbolic[f.Name] = true
		} else {
			numeric[f.Name] = true
		}
	}
	return numeric, symbolic
})

// DecodeRecords decodes raw JSON records (DecodeRecord); an error is a
// *server.InputError giving the record's position, which the server turns
// into the request's field ("inputs[2]", "items[5].input").
func DecodeRecords(inputs []json.RawMessage) ([]Record, error) {
	recs := make([]Record, len(inputs))
	for i, in := range inputs {
		r, err := DecodeRecord(in)
		if err != nil {
			return nil, &server.InputError{Index: i, Err: err}
		}
		recs[i] = r
	}
	return recs, nil
}

// Verdict is a Score as the server (POST /v1/score) and `contrast embed`
// report it.
type Verdict struct {
	// Anomaly is the anomaly score that the threshold applies to (Score's
	// Anomaly): the distance to the K-th nearest normal training record in
	// the novelty encoder's space (the mean over several encoders), or in the input space for a model with
	// InputKNN, or with input_weight > 0 the weighted sum of the two, each
	// divided by its median over the calibration normals.
	Anomaly float64 `json:"anomaly"`
	// Threshold is the model's, calibrated on the training file's normals; Novel is
	// Anomaly > Threshold.
	Threshold float64 `json:"threshold"`
	Novel     bool    `json:"novel"`
	// IsAttack is the final decision, Category != "normal".
	IsAttack bool `json:"is_attack"`
	// Category is the final category (normal, dos, probe, r2l, u2r): the
	// head's, or with Combine the most probable attack when the head says
	// normal and the record is novel.
	Category string `json:"category"`
	// Probs is the linear head's softmax over the five categories, by name.
	Probs map[string]float64 `json:"probs"`
	// Head and KNN are the categories of the head alone and of kNN over the
	// embedded training split.
	Head string `json:"head"`
	KNN  string `json:"knn"`
}

// Verdict reports s (one of m's scores) with m's threshold.
func (m *Model) Verdict(s Score) Verdict {
	v := Verdict{Anomaly: s.Anomaly, Threshold: m.Threshold, Novel: s.Novel, IsAttack: s.Attack,
		Category: s.Category.String(), Head: s.Head.String(), KNN: s.KNN.String(), Probs: map[string]float64{}}
	for c, p := range s.Probs {
		v.Probs[data.Category(c).String()] = p
	}
	return v
}

// FlowVerdict is the answer of POST /v1/score/capture for one connection of
// the capture: which connection, and its Verdict.
type FlowVerdict struct {
	Flow FlowSummary `json:"flow"`
	Verdict
}

// Served adapts a Model to package server: it is a server.Model (Embed of
// JSON records, DecodeRecord, into the classifier's L2-normalised
// representations), a server.Scorer (POST /v1/score answers one Verdict per
// record) and a server.CaptureScorer (POST /v1/score/capture answers one
// FlowVerdict per connection of a pcap or pcapng capture). Forward passes
// run one at a time.
type Served struct {
	m  *Model
	mu sync.Mutex
}

// NewServed wraps m for the server.
func NewServed(m *Model) *Served { return &Served{m: m} }

// Info describes the model: name "threat", modality "tabular".
func (s *Served) Info() server.ModelInfo {
	return server.ModelInfo{Name: "threat", Modality: "tabular", Dim: s.m.Classifier.Dim, Input: RecordInput}
}

// table decodes inputs and lays them out for the model.
func (s *Served) table(ctx context.Context, inputs []json.RawMessage) (*data.Table, error) {
	recs, err := DecodeRecords(inputs)
	if err != nil {
		return nil, err
	}
	t, err := TableOf(recs)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", server.ErrBadInput, err)
	}
	return t, ctx.Err()
}

// lock takes the model's mutex, then gives it back and returns ctx.Err() if
// the request ran out of time while it queued.
func (s *Served) lock(ctx context.Context) error {
	s.mu.Lock()
	if err := ctx.Err(); err != nil {
		s.mu.Unlock()
		return err
	}
	return nil
}

// Embed returns the classifier's representation of each JSON record.
func (s *Served) Embed(ctx context.Context, inputs []json.RawMessage) ([][]float32, error) {
	t, err := s.table(ctx, inputs)
	if err != nil {
		return nil, err
	}
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	z, dim, err := s.m.Embed(t)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	out := make([][]float32, t.Len())
	for i := range out {
		out[i] = z[i*dim : (i+1)*dim : (i+1)*dim]
	}
	return out, nil
}

// Score returns one Verdict per JSON record.
func (s *Served) Score(ctx context.Context, inputs []json.RawMessage) ([]any, error) {
	t, err := s.table(ctx, inputs)
	if err != nil {
		return nil, err
	}
	return s.verdicts(ctx, func() ([]Score, error) { return s.m.Score(t) }, func(_ int, v Verdict) any { return v })
}

// verdicts runs score under the model's lock and reports each of its scores
// as the Verdict that answer makes of it.
func (s *Served) verdicts(ctx context.Context, score func() ([]Score, error), answer func(i int, v Verdict) any) ([]any, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	scores, err := score()
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	out := make([]any, len(scores))
	for i, sc := range scores {
		out[i] = answer(i, s.m.Verdict(sc))
	}
	return out, nil
}

// ScoreCapture returns one FlowVerdict per connection of a pcap or pcapng
// capture, in order of their first packets; a capture of more than limit
// connections (limit > 0; the server passes its batch limit) is refused
// (server.CodeTooLarge) before any is scored.
func (s *Served) ScoreCapture(ctx context.Context, capture []byte, limit int) ([]any, error) {
	flows, err := DecodePcap(bytes.NewReader(capture))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", server.ErrBadInput, err)
	}
	switch {
	case len(flows) == 0:
		return nil, fmt.Errorf("%w: the capture holds no IP flows", server.ErrBadInput)
	case len(flows) > limit:
		return nil, &server.Error{Code: server.CodeTooLarge,
			Message: fmt.Sprintf("the capture holds %d connections, more than the batch limit of %d", len(flows), limit)}
	}
	return s.verdicts(ctx, func() ([]Score, error) { return s.m.ScoreFlows(flows) },
		func(i int, v Verdict) any { return FlowVerdict{Flow: flows[i].Summary(), Verdict: v} })
}

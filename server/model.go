package server

import (
	"context"
	"encoding/json"
)

// Model turns raw inputs (images, text, tabular records: whatever its
// modality takes, as JSON values) into embeddings. It lets clients send raw
// inputs wherever the API takes a vector: /v1/embed, /v1/search,
// /v1/similarity and /v1/items. Implementations must be safe for concurrent
// use. ImageModel is the image implementation; text and tabular models live
// in their own packages and implement the same two methods.
type Model interface {
	// Info describes the model; Info().Dim must equal the index dimension.
	Info() ModelInfo
	// Embed returns one embedding of dimension Info().Dim per input, in
	// order. An error caused by one input is an *InputError giving its
	// position in inputs (the server names its field in the request); other
	// errors caused by the request wrap ErrBadInput. Embed should return
	// ctx.Err() promptly once ctx is done.
	Embed(ctx context.Context, inputs []json.RawMessage) ([][]float32, error)
}

// ModelInfo describes a Model in GET /v1/info.
type ModelInfo struct {
	// Name identifies the model, e.g. the training method ("simclr").
	Name string `json:"name"`
	// Modality is "image", "text" or "tabular".
	Modality string `json:"modality"`
	// Dim is the embedding dimension.
	Dim int `json:"dim"`
	// Input says in a sentence which JSON values Embed accepts.
	Input string `json:"input"`
}

// Verifier is implemented by models calibrated for pair verification (a
// Siamese network with a threshold chosen on held-out pairs). /v1/similarity
// adds its verdict when both sides are raw inputs.
type Verifier interface {
	// Verify measures two raw inputs the way the calibration did and
	// compares the distance with the calibrated threshold. An error about
	// one side is an *InputError with Index 0 (a) or 1 (b).
	Verify(ctx context.Context, a, b json.RawMessage) (Verdict, error)
}

// Verdict is a Verifier's answer: same is distance <= threshold.
type Verdict struct {
	Same      bool    `json:"same"`
	Distance  float64 `json:"distance"`
	Threshold float64 `json:"threshold"`
}

// Recommender answers POST /v1/recommend. The request body is passed as
// is, once the server has checked it as strictly as its own bodies (one JSON
// object, not null, no repeated keys, nothing after it); the result is
// encoded as the JSON response. Errors wrapping ErrBadInput (or an *Error)
// reach the client, others are internal. The route answers 501
// not_implemented while Options.Recommender is nil.
type Recommender interface {
	Recommend(ctx context.Context, request json.RawMessage) (any, error)
}

// Scorer answers POST /v1/score: it judges raw inputs (a threat model's
// connection records: anomaly score, threshold, verdict, category) and
// returns one JSON-encodable result per input, in order; the server sends
// them as {"scores": [...]}. An error caused by one input is an *InputError
// giving its position (or wraps ErrBadInput and names it); others are
// internal. Implementations must be
// safe for concurrent use. The server's Scorer is Options.Scorer, or else its
// Model when the Model implements Scorer; without one the route answers 501
// not_implemented.
type Scorer interface {
	Score(ctx context.Context, inputs []json.RawMessage) ([]any, error)
}

// CaptureScorer answers POST /v1/score/capture: it reads a packet capture,
// the raw request body (pcap or pcapng), and returns one JSON-encodable
// result per connection in it, in order; the server sends them as
// {"scores": [...]}. A capture of more than limit connections (the server's
// MaxBatch) is refused with an *Error of CodeTooLarge before any is scored;
// other errors caused by the capture wrap ErrBadInput. The server's
// CaptureScorer is its Scorer (or else its Model) when that implements
// CaptureScorer; without one the route answers 501 not_implemented.
// Implementations must be safe for concurrent use.
type CaptureScorer interface {
	ScoreCapture(ctx context.Context, capture []byte, limit int) ([]any, error)
}

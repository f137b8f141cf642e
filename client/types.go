package client

import "encoding/json"

// Query names a vector for Search and Similarity: exactly one of a vector, a
// stored item's ID, or a raw input for the server's model (a JSON value: for
// an image model a base64 PNG/JPEG string or an array of pixels).
type Query struct {
	Vector []float32       `json:"vector,omitempty"`
	ID     string          `json:"id,omitempty"`
	Input  json.RawMessage `json:"input,omitempty"`
}

// ByVector queries with a vector of the index dimension.
func ByVector(v []float32) Query { return Query{Vector: v} }

// ByID queries with the vector of a stored item (a search excludes the item
// itself).
func ByID(id string) Query { return Query{ID: id} }

// ByInput queries with a raw input embedded by the server's model.
func ByInput(raw json.RawMessage) Query { return Query{Input: raw} }

// Filter keeps items whose metadata object has the top-level field Field
// equal (as JSON values) to Equals.
type Filter struct {
	Field  string `json:"field"`
	Equals any    `json:"equals"`
}

// SearchRequest is the body of POST /v1/search. K 0 means the server's
// default (10); Ef 0 the index's default candidate-list size (HNSW only).
type SearchRequest struct {
	Query
	K      int     `json:"k,omitempty"`
	Filter *Filter `json:"filter,omitempty"`
	Ef     int     `json:"ef,omitempty"`
}

// Result is one search hit, best first. Score is the index metric's value:
// cosine similarity or inner product (higher is closer), or squared
// Euclidean distance (lower is closer).
type Result struct {
	ID    string          `json:"id"`
	Score float32         `json:"score"`
	Meta  json.RawMessage `json:"meta,omitempty"`
}

// Item is an item to write (Vector or Input, not both) or one read back
// (Vector as stored: unit length under the cosine metric).
type Item struct {
	ID     string          `json:"id"`
	Vector []float32       `json:"vector,omitempty"`
	Input  json.RawMessage `json:"input,omitempty"`
	Meta   json.RawMessage `json:"meta,omitempty"`
}

// UpsertResult acknowledges a durable write of Upserted items; Items is the
// index size after it.
type UpsertResult struct {
	Upserted int `json:"upserted"`
	Items    int `json:"items"`
}

// Similarity compares two queries: Score by the index metric and, when the
// model is calibrated for verification and both were raw inputs, a Verdict.
type Similarity struct {
	Score   float64  `json:"score"`
	Metric  string   `json:"metric"`
	Verdict *Verdict `json:"verdict,omitempty"`
}

// Verdict says whether two inputs are the same identity or class: Same is
// Distance <= Threshold, the threshold calibrated when training.
type Verdict struct {
	Same      bool    `json:"same"`
	Distance  float64 `json:"distance"`
	Threshold float64 `json:"threshold"`
}

// ModelInfo describes the server's model.
type ModelInfo struct {
	Name     string `json:"name"`
	Modality string `json:"modality"`
	Dim      int    `json:"dim"`
	Input    string `json:"input"`
}

// Info is the answer of GET /v1/info.
type Info struct {
	Index struct {
		Kind   string `json:"kind"`
		Dim    int    `json:"dim"`
		Metric string `json:"metric"`
		Items  int    `json:"items"`
		// ReadOnly: the server keeps no items (started without an index).
		ReadOnly bool `json:"read_only"`
	} `json:"index"`
	Model       *ModelInfo `json:"model"`
	Verifier    bool       `json:"verifier"`
	Recommender bool       `json:"recommender"`
	Scorer      bool       `json:"scorer"` // POST /v1/score answers (a threat model)
	// CaptureScorer: POST /v1/score/capture answers (a threat model).
	CaptureScorer bool `json:"capture_scorer"`
	Limits        struct {
		MaxBody       int64   `json:"max_body"`
		MaxBatch      int     `json:"max_batch"`
		MaxK          int     `json:"max_k"`
		TimeoutS      float64 `json:"timeout_s"`
		MaxConcurrent int     `json:"max_concurrent"`
	} `json:"limits"`
	Auth struct {
		Writes bool `json:"writes"`
		Reads  bool `json:"reads"`
	} `json:"auth"`
}

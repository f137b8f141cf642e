package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/contrast-ml/contrast/index"
	"github.com/contrast-ml/contrast/internal/strictjson"
)

// MaxIDLen is the longest item ID the API accepts, in bytes.
const MaxIDLen = 1024

// maxMetaLen bounds one item's metadata (as the index does).
const maxMetaLen = 1 << 24

// maxEf bounds the per-search HNSW candidate list (as index.Config does).
const maxEf = 1 << 16

// query is one side of a search or similarity: exactly one of a vector, a
// stored item's ID, or a raw input for the model.
type query struct {
	Vector []float32       `json:"vector,omitempty"`
	ID     string          `json:"id,omitempty"`
	Input  json.RawMessage `json:"input,omitempty"`
}

type embedRequest struct {
	Inputs []json.RawMessage `json:"inputs"`
}

type searchRequest struct {
	query
	K      int             `json:"k,omitempty"`
	Filter json.RawMessage `json:"filter,omitempty"`
	Ef     int             `json:"ef,omitempty"`

	filter *index.Filter
}

type similarityRequest struct {
	A query `json:"a"`
	B query `json:"b"`
}

type itemRequest struct {
	ID     string          `json:"id"`
	Vector []float32       `json:"vector,omitempty"`
	Input  json.RawMessage `json:"input,omitempty"`
	Meta   json.RawMessage `json:"meta,omitempty"`
}

type upsertRequest struct {
	Items []itemRequest `json:"items"`
}

// decodeStrict decodes exactly one JSON object into v, refusing a null
// body, unknown, repeated and wrongly cased keys, and trailing data
// (strictjson.Decode). Every JSON body the server reads goes through it.
func decodeStrict(body []byte, v any) error {
	switch err := strictjson.Decode(body, v); {
	case errors.Is(err, strictjson.ErrEmpty):
		return errorf(CodeBadRequest, "%v", err)
	case err != nil:
		return errorf(CodeBadRequest, "invalid JSON body: %v", err)
	}
	return nil
}

// isNull reports an absent or null raw value.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// check validates a query against the index dimension; what names it in
// messages ("query", "a").
func (q *query) check(what string, dim int) error {
	n := 0
	if q.Vector != nil {
		n++
		if err := checkVector(what, q.Vector, dim); err != nil {
			return err
		}
	}
	if q.ID != "" {
		n++
	}
	if !isNull(q.Input) {
		n++
	} else {
		q.Input = nil
	}
	if n != 1 {
		return errorf(CodeBadRequest, "%s: give exactly one of \"vector\", \"id\" or \"input\" (got %d)", what, n)
	}
	return nil
}

func checkVector(what string, v []float32, dim int) error {
	if len(v) != dim {
		return errorf(CodeBadRequest, "%s: vector has dimension %d, the index has %d", what, len(v), dim)
	}
	if err := index.CheckVector(v); err != nil {
		return errorf(CodeBadRequest, "%s: %v", what, err)
	}
	return nil
}

func checkK(k, maxK int) (int, error) {
	if k == 0 {
		k = DefaultK
	}
	if k < 1 || k > maxK {
		return 0, errorf(CodeBadRequest, "k = %d is out of range 1..%d", k, maxK)
	}
	return k, nil
}

// decodeInputs reads {"inputs": [...]}, the body of /v1/embed and /v1/score:
// 1 to MaxBatch inputs, none null.
func decodeInputs(body []byte, lim Limits) (embedRequest, error) {
	var req embedRequest
	if err := decodeStrict(body, &req); err != nil {
		return req, err
	}
	switch {
	case len(req.Inputs) == 0:
		return req, errorf(CodeBadRequest, "\"inputs\" is missing or empty")
	case len(req.Inputs) > lim.MaxBatch:
		return req, errorf(CodeTooLarge, "%d inputs exceed the batch limit of %d", len(req.Inputs), lim.MaxBatch)
	}
	for i, in := range req.Inputs {
		if isNull(in) {
			return req, errorf(CodeBadRequest, "inputs[%d] is null", i)
		}
	}
	return req, nil
}

func decodeSearch(body []byte, lim Limits, dim int) (searchRequest, error) {
	var req searchRequest
	if err := decodeStrict(body, &req); err != nil {
		return req, err
	}
	if err := req.query.check("query", dim); err != nil {
		return req, err
	}
	var err error
	if req.K, err = checkK(req.K, lim.MaxK); err != nil {
		return req, err
	}
	if req.Ef < 0 || req.Ef > maxEf {
		return req, errorf(CodeBadRequest, "ef = %d is out of range 0..%d", req.Ef, maxEf)
	}
	if !isNull(req.Filter) {
		// As strict as the body (index.ParseFilter alone takes unknown and
		// wrongly cased keys), then validated by the index.
		if err := strictjson.Decode(req.Filter, new(index.Filter)); err != nil {
			return req, errorf(CodeBadRequest, "filter: want {\"field\": NAME, \"equals\": VALUE}: %v", err)
		}
		f, err := index.ParseFilter(req.Filter)
		if err != nil {
			return req, errorf(CodeBadRequest, "filter: want {\"field\": NAME, \"equals\": VALUE}: %v", err)
		}
		req.filter = f
	}
	return req, nil
}

func decodeSimilarity(body []byte, dim int) (similarityRequest, error) {
	var req similarityRequest
	if err := decodeStrict(body, &req); err != nil {
		return req, err
	}
	if err := req.A.check("a", dim); err != nil {
		return req, err
	}
	if err := req.B.check("b", dim); err != nil {
		return req, err
	}
	return req, nil
}

func decodeUpsert(body []byte, lim Limits, dim int) (upsertRequest, error) {
	var req upsertRequest
	if err := decodeStrict(body, &req); err != nil {
		return req, err
	}
	switch {
	case len(req.Items) == 0:
		return req, errorf(CodeBadRequest, "\"items\" is missing or empty")
	case len(req.Items) > lim.MaxBatch:
		return req, errorf(CodeTooLarge, "%d items exceed the batch limit of %d", len(req.Items), lim.MaxBatch)
	}
	seen := make(map[string]int, len(req.Items))
	for i := range req.Items {
		it := &req.Items[i]
		what := fmt.Sprintf("items[%d]", i)
		switch {
		case it.ID == "":
			return req, errorf(CodeBadRequest, "%s: missing \"id\"", what)
		case len(it.ID) > MaxIDLen:
			return req, errorf(CodeBadRequest, "%s: ID of %d bytes exceeds %d", what, len(it.ID), MaxIDLen)
		}
		if j, dup := seen[it.ID]; dup {
			return req, errorf(CodeBadRequest, "items[%d] and items[%d] share the ID %q", j, i, it.ID)
		}
		seen[it.ID] = i
		if isNull(it.Input) {
			it.Input = nil
		}
		if (it.Vector != nil) == (it.Input != nil) {
			return req, errorf(CodeBadRequest, "%s (%q): give exactly one of \"vector\" or \"input\"", what, it.ID)
		}
		if it.Vector != nil {
			if err := checkVector(what, it.Vector, dim); err != nil {
				return req, err
			}
		}
		if isNull(it.Meta) {
			it.Meta = nil
		} else if len(it.Meta) > maxMetaLen {
			return req, errorf(CodeTooLarge, "%s (%q): metadata of %d bytes exceeds %d", what, it.ID, len(it.Meta), maxMetaLen)
		} else {
			it.Meta = append(json.RawMessage(nil), bytes.TrimSpace(it.Meta)...)
		}
	}
	return req, nil
}

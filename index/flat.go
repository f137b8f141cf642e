package index

import (
	"fmt"
	"sync"
)

// Flat is the exact index: every search compares the query with every stored
// vector. Batches of queries go through kernels.Sgemm, (queries, dim) x
// (dim, block of stored vectors), followed by a partial top-k selection per
// query; blocks bound the scratch memory (see FlatQueryBlock), and query blocks
// are spread over cores. A single query is a matrix-vector product with the
// distance kernels, split over cores when the index is large.
//
// Deletion moves the last item into the freed slot, so the stored matrix
// stays dense. Flat is safe for concurrent use (see Index).
type Flat struct {
	mu  sync.RWMutex
	cfg Config
	st  *store
}

// NewFlat returns an empty exact index. cfg's HNSW fields are ignored.
func NewFlat(cfg Config) (*Flat, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Flat{cfg: cfg, st: newStore(cfg)}, nil
}

// Dim is the vector dimension.
func (f *Flat) Dim() int { return f.cfg.Dim }

// Metric is the similarity the index ranks by.
func (f *Flat) Metric() Metric { return f.cfg.Metric }

// Config returns the configuration with defaults filled in.
func (f *Flat) Config() Config { return f.cfg }

// Len is the number of items.
func (f *Flat) Len() int {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.st.live
}

// Add inserts new items; none is added if any ID exists or any item is invalid.
func (f *Flat) Add(items ...Item) error {
	if err := validateItems(items, f.cfg.Dim); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range items {
		if _, ok := f.st.slots[items[i].ID]; ok {
			return fmt.Errorf("index: add: ID %q already present", items[i].ID)
		}
	}
	f.st.fit(items, true, nil)
	var buf []float32
	for i := range items {
		f.st.append(&items[i], &buf)
	}
	return nil
}

// Upsert inserts items, replacing those whose IDs exist.
func (f *Flat) Upsert(items ...Item) error { return f.upsert(items, true, nil) }

// upsert is Upsert. With auto, the write fits the quantizer when it is due
// (see Quantization). A DB passes auto false and the quantizer it fitted and
// logged with the write (nil when the write fits none), so that the write,
// and its replay, install that quantizer and store the items under one lock
// hold (see store.fit).
func (f *Flat) upsert(items []Item, auto bool, q *quantizer) error {
	if err := validateWrite(items, f.cfg.Dim, auto); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.st.fit(items, auto, q)
	var buf []float32
	for i := range items {
		if slot, ok := f.st.slots[items[i].ID]; ok {
			f.st.swapRemove(slot)
		}
		f.st.append(&items[i], &buf)
	}
	return nil
}

// Delete removes items by ID and reports how many existed.
func (f *Flat) Delete(ids ...string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, id := range ids {
		if slot, ok := f.st.slots[id]; ok {
			f.st.swapRemove(slot)
			n++
		}
	}
	return n, nil
}

// Get returns a copy of the item with the given ID.
func (f *Flat) Get(id string) (Item, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	slot, ok := f.st.slots[id]
	if !ok {
		return Item{}, false
	}
	return f.st.item(slot), true
}

// Search returns the k items closest to q, best first.
func (f *Flat) Search(q []float32, k int, p Params) ([]Result, error) {
	if err := validateQuery(q, k, f.cfg.Dim); err != nil {
		return nil, err
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	sel, err := f.selector(p, -1)
	if err != nil {
		return nil, err
	}
	return f.searchOne(q, k, sel), nil
}

// SearchByID searches with the stored vector of id, excluding id itself.
func (f *Flat) SearchByID(id string, k int, p Params) ([]Result, error) {
	if k <= 0 {
		return nil, fmt.Errorf("index: k must be positive, got %d", k)
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	slot, ok := f.st.slots[id]
	if !ok {
		return nil, fmt.Errorf("index: search by ID: %w: %q", ErrNotFound, id)
	}
	sel, err := f.selector(p, int64(slot))
	if err != nil {
		return nil, err
	}
	return f.searchOne(f.st.vector(slot, nil), k, sel), nil
}

// SearchBatch answers the rows of queries, (nq, dim).
func (f *Flat) SearchBatch(queries []float32, k int, p Params) ([][]Result, error) {
	nq, err := batchRows(queries, k, f.cfg.Dim)
	if err != nil {
		return nil, err
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	sel, err := f.selector(p, -1)
	if err != nil {
		return nil, err
	}
	return f.searchBatch(queries, nq, k, sel), nil
}

func (f *Flat) selector(p Params, exclude int64) (*selector, error) {
	sel := &selector{exclude: exclude}
	if p.Filter != nil {
		set, _, err := f.st.filters.match(p.Filter, f.st)
		if err != nil {
			return nil, err
		}
		sel.allowed = set
	}
	return sel, nil
}

// batchRows validates a (nq, dim) query matrix and returns nq.
func batchRows(queries []float32, k, dim int) (int, error) {
	if len(queries)%dim != 0 {
		return 0, fmt.Errorf("index: batch of %d values is not a whole number of %d-dimensional rows", len(queries), dim)
	}
	nq := len(queries) / dim
	for i := 0; i < nq; i++ {
		if err := validateQuery(queries[i*dim:(i+1)*dim], k, dim); err != nil {
			return 0, fmt.Errorf("index: batch row %d: %w", i, err)
		}
	}
	if k <= 0 {
		return 0, fmt.Errorf("index: k must be positive, got %d", k)
	}
	return nq, nil
}

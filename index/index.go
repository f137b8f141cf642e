package index

// Index is a similarity-search index over string-keyed vectors. Flat and HNSW
// implement it, and DB adds durability to either. All methods are safe for
// concurrent use: searches run in parallel with each other, and a write
// (Add, Upsert, Delete) waits for running searches and holds new ones back
// while it applies (a sync.RWMutex).
type Index interface {
	// Dim is the vector dimension.
	Dim() int
	// Metric is the similarity the index ranks by.
	Metric() Metric
	// Len is the number of live (not deleted) items.
	Len() int
	// Add inserts new items; it fails, adding none, if any ID is already
	// present, or on any invalid item.
	Add(items ...Item) error
	// Upsert inserts items, replacing (delete + add) those whose IDs exist.
	Upsert(items ...Item) error
	// Delete removes the items with the given IDs and reports how many existed.
	Delete(ids ...string) (int, error)
	// Get returns a copy of the item with the given ID. Its vector is as stored:
	// unit length under Cosine, and decoded from codes when the index keeps
	// only quantised vectors.
	Get(id string) (Item, bool)
	// Search returns up to k items closest to query (dim), best first.
	Search(query []float32, k int, p Params) ([]Result, error)
	// SearchByID searches with the stored vector of id, excluding id itself.
	SearchByID(id string, k int, p Params) ([]Result, error)
	// SearchBatch answers queries, a row-major (nq, dim) matrix, in parallel;
	// result i belongs to query row i.
	SearchBatch(queries []float32, k int, p Params) ([][]Result, error)
}

// New returns an empty index of the given kind.
func New(kind Kind, cfg Config) (Index, error) {
	switch kind {
	case KindFlat:
		return NewFlat(cfg)
	case KindHNSW:
		return NewHNSW(cfg)
	}
	return nil, errUnknownKind(kind)
}

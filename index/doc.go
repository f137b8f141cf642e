// Package index is contrast's similarity search over embeddings: exact and
// approximate nearest-neighbour indexes keyed by string IDs, with JSON
// metadata, filters, 8-bit quantisation and crash-safe persistence.
//
// # Indexes
//
// Index is the interface; two implementations share it and one conformance
// test suite:
//
//   - Flat compares a query with every stored vector. Batches of queries,
//     (nq, dim), are multiplied with blocks of the stored matrix, (n, dim), by
//     kernels.Sgemm, and a partial top-k selection keeps each query's best;
//     scratch memory is bounded by the block sizes, not by n or nq.
//   - HNSW is the graph of Malkov & Yashunin (2018, arXiv:1603.09320) with the
//     neighbour-selection heuristic, tunable M, efConstruction and ef, and
//     parallel batch insertion. Deleted nodes become tombstones: they keep
//     routing searches but are never returned.
//
// Upsert is delete + add. Both indexes are safe for concurrent use: searches
// share a read lock, writes take the write lock (sync.RWMutex).
//
// # Metrics
//
// Cosine (vectors normalised on the way in, then compared by inner product),
// Dot (inner product) and L2 (squared Euclidean distance). Result.Score is the
// metric's natural value: similarity for Cosine and Dot (higher first), squared
// distance for L2 (lower first). The inner loops are the AVX-512/AVX2 kernels
// kernels.Dot, kernels.L2Sq and kernels.DotU8. Scores are float32, so every
// stored or query vector must pass CheckVector: finite components and a
// squared norm of at most MaxSquaredNorm, which keeps every score finite.
//
// # Quantisation
//
// Config.Quantization = Int8PerDim or Int8Global stores each component as an
// 8-bit level between a minimum and maximum (per dimension or global). Searches
// compare the float32 query with the codes directly (asymmetric distance, one
// float-by-byte dot product per vector); with Config.Rerank > 0 the float32
// vectors are kept as well and the best Rerank*k candidates are re-scored
// exactly.
//
// The ranges are fitted lazily, as Qdrant does: ranges fitted on the first
// few items would clamp most later ones (a single item gives ranges of width
// zero), so an index with fewer than MinQuantFit live items keeps float32
// vectors and searches them exactly, and the write that brings it to
// MinQuantFit fits the ranges on every item live then and encodes them all.
// Writes of any size are accepted. A DB logs that write as one record that
// also carries the quantizer (log format version 2), so that replay installs
// the same one at the same point, with the write's items or, when a crash cut
// the record, not at all; a snapshot taken before the fit stores the float32
// vectors (snapshot format version 2).
//
// # Filters
//
// Params.Filter keeps items whose metadata object has a top-level field equal
// to a JSON value: {"field":"genre","equals":"jazz"}. Flat skips the others
// while scanning; HNSW skips them while traversing (they still route) and scans
// the matching items exactly when few match, so a filtered search returns k
// results whenever k items match. Per-field value sets are built on first use
// and kept up to date by writes.
//
// # Persistence
//
// WriteSnapshot/ReadSnapshot (and Save/Load, which write atomically) use a
// versioned binary format: magic, version, header, and sections each with a
// CRC-32C checksum. DB keeps an index durable in a directory: every write call
// is one checksummed, length-prefixed record appended to a log and fsynced
// before it returns (SyncAlways; SyncGroup shares fsyncs among concurrent
// writers; SyncNever leaves it to the OS); Open loads the snapshot and replays
// the log; Compact writes a new snapshot (temporary file, fsync, rename,
// directory fsync) and resets the log, which carries the snapshot's generation
// so that a crash in between is recognised. Logs of format version 1 still
// replay, and Open compacts them into a version-2 log. A torn final record is
// cut and reported in Recovery; damage anywhere else is an error wrapping
// ErrCorrupt that names the file, section or record and its offset, never a
// panic and never a silently smaller index.
//
// Build writes a whole new DB directory at once: in a temporary sibling
// directory, renamed into place only when complete, so that an error, a
// cancelled context or a crash leaves no partial index to be opened as whole.
//
// # Benchmarks
//
// Bench builds both indexes over a base set and reports recall@k of HNSW
// against exact search for several ef, queries per second one at a time and
// batched, and build time, as BenchReport (JSON keys as the reference script
// shared/bench/index_reference.py, which runs FAISS and hnswlib). Recall is
// over the min(k, n) true neighbours that exist.
package index

package index

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// HNSW is the hierarchical navigable small world graph of Malkov & Yashunin,
// "Efficient and robust approximate nearest neighbor search using
// Hierarchical Navigable Small World graphs" (2018, arXiv:1603.09320).
//
// Every item is a node with a random top layer (geometric, mL = 1/ln M);
// layer 0 holds every node with up to 2M links, upper layers up to M. A
// search descends greedily from the entry point through the upper layers and
// then runs a best-first search with a candidate list of size ef on layer 0
// (Algorithm 2); insertion does the same with efConstruction on every layer of
// the new node and links it to neighbours chosen by the paper's heuristic
// (Algorithm 4), which keeps a candidate only if it is closer to the new node
// than to every neighbour already chosen, so that links span clusters.
// Overfull neighbour lists are pruned with the same heuristic. Batches are
// inserted by several goroutines with per-node locks, as hnswlib does.
// Pruning can drop a node's last in-link; unlike hnswlib, insertion then
// reconnects every live node that layer 0 cannot reach from the entry point
// (see repair), each time the node count passes a mark 1/16 above the last.
//
// Deletion marks the node with a tombstone: it stays in the graph and keeps
// routing searches, but is never returned (nor linked to by new nodes).
// Upsert is delete + add under a new node. Tombstones keep their memory (and
// snapshots keep them) until Vacuum rebuilds the graph over the live items
// (DB.Compact does when a quarter of the nodes are tombstones). Filtered searches
// skip non-matching nodes the same way while traversing, and switch to an
// exact scan of the matching items when few match; they return k results
// whenever k items match.
//
// HNSW is safe for concurrent use (see Index).
type HNSW struct {
	vmu sync.Mutex   // one Vacuum at a time, held before wmu
	wmu sync.Mutex   // writers, held before mu
	mu  sync.RWMutex // the graph and store
	cfg Config
	st  *store
	// pending, while a Vacuum builds its graph, records the writes made
	// meanwhile (under wmu) for it to replay before the swap; nil otherwise.
	pending *[]pendingWrite

	maxM, maxM0 int     // link capacity above layer 0 and on layer 0
	mult        float64 // level generation factor mL = 1/ln(M)

	levels   []uint8    // (n): top layer of each node
	links0   []uint32   // (n, maxM0+1): count, then neighbour slots
	upper    [][]uint32 // (n) -> (levels[i], maxM+1): layers 1..levels[i]
	entry    int64      // entry point slot, -1 when empty
	maxLevel int

	pcg *rand.PCG
	rng *rand.Rand

	locks [lockStripes]sync.Mutex // per-node link locks during parallel insertion
	glock sync.Mutex              // entry point and max level during insertion
	pool  sync.Pool               // *searcher
}

const lockStripes = 1 << 12

// maxLevelCap bounds node levels (a level above 30 has probability < M^-30).
const maxLevelCap = 30

// NewHNSW returns an empty HNSW index.
func NewHNSW(cfg Config) (*HNSW, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	h := &HNSW{cfg: cfg, st: newStore(cfg), entry: -1}
	h.init()
	h.pcg = rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15)
	h.rng = rand.New(h.pcg)
	return h, nil
}

func (h *HNSW) init() {
	h.maxM, h.maxM0 = h.cfg.M, 2*h.cfg.M
	h.mult = 1 / math.Log(float64(h.cfg.M))
	h.pool.New = func() any { return new(searcher) }
}

// Dim is the vector dimension.
func (h *HNSW) Dim() int { return h.cfg.Dim }

// Metric is the similarity the index ranks by.
func (h *HNSW) Metric() Metric { return h.cfg.Metric }

// Config returns the configuration with defaults filled in.
func (h *HNSW) Config() Config { return h.cfg }

// Len is the number of live items.
func (h *HNSW) Len() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.st.live
}

// Add inserts new items; none is added if any ID exists or any item is invalid.
func (h *HNSW) Add(items ...Item) error {
	if err := validateItems(items, h.cfg.Dim); err != nil {
		return err
	}
	h.wmu.Lock()
	defer h.wmu.Unlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := range items {
		if _, ok := h.st.slots[items[i].ID]; ok {
			return fmt.Errorf("index: add: ID %q already present", items[i].ID)
		}
	}
	had := h.st.quant
	h.insertBatch(items, true, nil)
	h.record(had, items, nil)
	return nil
}

// Upsert inserts items, tombstoning the nodes of IDs that exist.
func (h *HNSW) Upsert(items ...Item) error { return h.upsert(items, true, nil) }

// upsert is Upsert; auto and q say how the write fits the quantizer (see
// Flat.upsert). It holds wmu and mu throughout.
func (h *HNSW) upsert(items []Item, auto bool, q *quantizer) error {
	if err := validateWrite(items, h.cfg.Dim, auto); err != nil {
		return err
	}
	h.wmu.Lock()
	defer h.wmu.Unlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	had := h.st.quant
	h.upsertLocked(items, auto, q)
	h.record(had, items, nil)
	return nil
}

// upsertLocked tombstones the nodes of the IDs of items that exist and
// inserts items; the caller holds wmu and mu (or owns h alone).
func (h *HNSW) upsertLocked(items []Item, auto bool, q *quantizer) {
	for i := range items {
		if slot, ok := h.st.slots[items[i].ID]; ok {
			h.st.kill(slot)
		}
	}
	h.insertBatch(items, auto, q)
}

// Delete tombstones items by ID and reports how many existed.
func (h *HNSW) Delete(ids ...string) (int, error) {
	h.wmu.Lock()
	defer h.wmu.Unlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	n := h.deleteLocked(ids)
	if n > 0 {
		h.record(nil, nil, ids)
	}
	return n, nil
}

// deleteLocked tombstones the nodes of ids and reports how many existed;
// the caller holds wmu and mu (or owns h alone).
func (h *HNSW) deleteLocked(ids []string) int {
	n := 0
	for _, id := range ids {
		if slot, ok := h.st.slots[id]; ok {
			h.st.kill(slot)
			n++
		}
	}
	return n
}

// pendingWrite is a write made while Vacuum built its graph: items upserted,
// with the quantizer that the write fitted (nil: none), or ids deleted.
type pendingWrite struct {
	items []Item
	q     *quantizer
	ids   []string
}

// record keeps a write for the running Vacuum, if any: items upserted (had
// is the quantizer before the write, so that a fit the write made is
// replayed as it was) or ids deleted, copied (the caller may reuse them once
// the write returns). The caller holds wmu and mu.
func (h *HNSW) record(had *quantizer, items []Item, ids []string) {
	if h.pending == nil {
		return
	}
	w := pendingWrite{ids: slices.Clone(ids)}
	if had == nil {
		w.q = h.st.quant
	}
	if items != nil {
		w.items = make([]Item, len(items))
		for i, it := range items {
			w.items[i] = Item{ID: it.ID, Vector: slices.Clone(it.Vector), Meta: slices.Clone(it.Meta)}
		}
	}
	*h.pending = append(*h.pending, w)
}

// Get returns a copy of the item with the given ID.
func (h *HNSW) Get(id string) (Item, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	slot, ok := h.st.slots[id]
	if !ok {
		return Item{}, false
	}
	return h.st.item(slot), true
}

// Vacuum drops the tombstones: it builds a new graph over the live items,
// which take the first slots in their old order, and returns how many nodes
// it dropped (the tombstones when it began; those that writes made during
// it stay until the next Vacuum). It costs as much as building the index
// anew. Searches and writes go on over the old graph meanwhile; the writes
// are recorded and replayed onto the new graph, in rounds without the
// writers' lock while they are many (catchUpRounds), then the last few under
// it, before the new graph replaces the old one: a writer waits only for
// that last replay and the swap.
func (h *HNSW) Vacuum() int {
	h.vmu.Lock()
	defer h.vmu.Unlock()
	h.wmu.Lock()
	h.mu.RLock()
	dropped := h.st.n() - h.st.live
	if dropped == 0 {
		h.mu.RUnlock()
		h.wmu.Unlock()
		return 0
	}
	// The levels continue the generator's sequence, drawn from a copy: the
	// old graph's writers and snapshots go on with the original meanwhile.
	pcg := *h.pcg
	fresh := &HNSW{cfg: h.cfg, st: h.st.compacted(), entry: -1, pcg: &pcg, rng: rand.New(&pcg)}
	h.mu.RUnlock()
	h.pending = &[]pendingWrite{}
	h.wmu.Unlock()

	fresh.init()
	n := fresh.st.n()
	for range n {
		fresh.addNode(fresh.randomLevel())
	}
	fresh.linkNodes(0, n)
	if testHookVacuumBuilt != nil {
		testHookVacuumBuilt()
	}

	// Catch up without the lock while the writes made meanwhile are many:
	// each round replays what the last one let pile up.
	h.wmu.Lock()
	for round := 0; round < catchUpRounds && len(*h.pending) > catchUpWrites; round++ {
		batch := *h.pending
		h.pending = &[]pendingWrite{}
		h.wmu.Unlock()
		fresh.replay(batch)
		h.wmu.Lock()
	}
	defer h.wmu.Unlock()
	fresh.replay(*h.pending)
	h.pending = nil
	h.mu.Lock()
	h.st, h.levels, h.links0, h.upper = fresh.st, fresh.levels, fresh.links0, fresh.upper
	h.entry, h.maxLevel = fresh.entry, fresh.maxLevel
	*h.pcg = pcg
	h.mu.Unlock()
	return dropped
}

// catchUpRounds and catchUpWrites bound Vacuum's replay without the
// writers' lock: at most that many rounds, while more than that many writes
// are waiting.
const (
	catchUpRounds = 4
	catchUpWrites = 16
)

// replay applies writes recorded during a Vacuum to its new graph, which
// nothing else sees yet.
func (h *HNSW) replay(writes []pendingWrite) {
	for _, w := range writes {
		if w.items != nil {
			h.upsertLocked(w.items, false, w.q)
		} else {
			h.deleteLocked(w.ids)
		}
	}
}

// testHookVacuumBuilt, when set by a test, runs after Vacuum has built its
// graph and before it replays the writes made meanwhile.
var testHookVacuumBuilt func()

// Nodes is the number of graph nodes, tombstones included.
func (h *HNSW) Nodes() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.st.n()
}

// links returns the link list of slot on level: count, then neighbours.
func (h *HNSW) links(slot uint32, level int) []uint32 {
	if level == 0 {
		b := int(slot) * (h.maxM0 + 1)
		return h.links0[b : b+h.maxM0+1 : b+h.maxM0+1]
	}
	b := (level - 1) * (h.maxM + 1)
	return h.upper[slot][b : b+h.maxM+1 : b+h.maxM+1]
}

func (h *HNSW) capacity(level int) int {
	if level == 0 {
		return h.maxM0
	}
	return h.maxM
}

// randomLevel draws floor(-ln(U) * mL), Section 4 of the paper.
func (h *HNSW) randomLevel() int {
	u := 1 - h.rng.Float64() // (0, 1]
	return min(int(-math.Log(u)*h.mult), maxLevelCap)
}

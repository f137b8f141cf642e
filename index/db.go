package index

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/contrast-ml/contrast/internal/atomicfile"
)

// File names inside a DB directory.
const (
	SnapshotFile = "index.snap"
	LogFile      = "index.log"
)

// SyncMode says when a DB write is made durable (fsynced) before it returns.
type SyncMode uint8

const (
	// SyncAlways fsyncs the log after every write call, before returning.
	SyncAlways SyncMode = iota
	// SyncGroup also returns only once the write is durable, but concurrent
	// writers share fsyncs: whoever syncs first covers every record written
	// so far (group commit), so many concurrent writers cost few fsyncs.
	SyncGroup
	// SyncNever leaves flushing to the operating system (and Close and
	// Compact): fast, but a machine crash loses recent writes.
	SyncNever
)

// String returns "always", "group" or "never".
func (m SyncMode) String() string {
	switch m {
	case SyncAlways:
		return "always"
	case SyncGroup:
		return "group"
	case SyncNever:
		return "never"
	}
	return fmt.Sprintf("SyncMode(%d)", uint8(m))
}

// ParseSyncMode parses "always", "group" or "never".
func ParseSyncMode(s string) (SyncMode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "always", "":
		return SyncAlways, nil
	case "group":
		return SyncGroup, nil
	case "never", "none":
		return SyncNever, nil
	}
	return 0, fmt.Errorf("index: unknown sync mode %q (want always, group or never)", s)
}

// Options configure Open.
type Options struct {
	// Kind and Config create the index when the directory holds none. For an
	// existing index they may be left zero; when set, they must agree with
	// what is stored (kind, dimension, metric).
	Kind   Kind
	Config Config
	// Sync is the durability mode of writes.
	Sync SyncMode
	// CompactBytes, when positive, compacts automatically once the log
	// exceeds this many bytes: the write call that finds it so runs the
	// compaction (unless one is running); other writes go on meanwhile.
	CompactBytes int64
}

// Recovery reports what Open found in the log.
type Recovery struct {
	// Records is the number of log records replayed on top of the snapshot.
	Records int
	// TornBytes is the size of a torn final record (a crash while appending,
	// before the write was acknowledged) cut from the log at TornOffset;
	// 0 when the log ended cleanly.
	TornBytes, TornOffset int64
	// StaleLog is set when the log predated the snapshot (a crash during
	// compaction, after the snapshot was in place) and was reset.
	StaleLog bool
}

// DB is a durable index in a directory: a snapshot (SnapshotFile) plus an
// append-only log of the writes made since (LogFile). Every write call is
// appended to the log as one checksummed record, fsynced according to
// Options.Sync, and applied to the in-memory index; Open loads the snapshot
// and replays the log. Compact writes a new snapshot and resets the log.
//
// Writes are serialised by a mutex; searches go straight to the in-memory
// index and run concurrently with them. A write becomes visible to searches
// when it is applied, just before its fsync returns; if an fsync or a log
// write fails, the DB refuses every later write (the in-memory state may be
// ahead of the disk) until it is reopened.
type DB struct {
	dir  string
	opt  Options
	idx  Index // *Flat or *HNSW
	rec  Recovery
	kind Kind

	// compactMu serialises compactions; held before mu. A vacuum runs
	// under it but not under mu, so that writers go on meanwhile.
	compactMu sync.Mutex

	mu      sync.Mutex // writers, and compaction's snapshot and log reset
	gen     uint64
	written int64 // bytes in the log file
	closed  bool

	syncMu sync.Mutex // the log file handle and its fsyncs
	log    *os.File
	epoch  uint64 // incremented when compaction replaces the log
	synced int64  // bytes of the current log known durable

	failMu sync.Mutex
	failed error
}

// ErrClosed is returned by writes to a closed DB.
var ErrClosed = errors.New("index: DB is closed")

// Open opens the durable index in dir, creating the directory and an empty
// index (from opt.Kind and opt.Config) when there is none.
func Open(dir string, opt Options) (*DB, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("index: open %q: %w", dir, err)
	}
	removeTemps(dir)
	snapPath := filepath.Join(dir, SnapshotFile)
	logPath := filepath.Join(dir, LogFile)
	if _, err := os.Stat(snapPath); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(logPath); err == nil {
			return nil, fmt.Errorf("index: open %q: %w: log %s without snapshot %s", dir, ErrCorrupt, LogFile, SnapshotFile)
		}
		idx, err := New(opt.Kind, opt.Config)
		if err != nil {
			return nil, fmt.Errorf("index: create in %q: %w", dir, err)
		}
		if err := writeFileAtomic(dir, SnapshotFile, func(w io.Writer) error { return writeSnapshot(w, idx, 1) }); err != nil {
			return nil, err
		}
		if err := writeFileAtomic(dir, LogFile, func(w io.Writer) error { _, err := w.Write(logHeaderBytes(1)); return err }); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("index: open %q: %w", dir, err)
	}
	idx, gen, err := loadSnapshot(snapPath)
	if err != nil {
		return nil, err
	}
	db := &DB{dir: dir, opt: opt, idx: idx, gen: gen}
	db.kind = KindFlat
	if _, ok := idx.(*HNSW); ok {
		db.kind = KindHNSW
	}
	if err := db.checkOptions(); err != nil {
		return nil, err
	}
	if err := db.openLog(logPath); err != nil {
		return nil, err
	}
	return db, nil
}

func (db *DB) checkOptions() error {
	o := db.opt
	switch {
	case o.Kind != 0 && o.Kind != db.kind:
		return fmt.Errorf("index: open %q: stored index is %v, options ask for %v", db.dir, db.kind, o.Kind)
	case o.Config.Dim != 0 && o.Config.Dim != db.idx.Dim():
		return fmt.Errorf("index: open %q: stored index has dimension %d, options ask for %d", db.dir, db.idx.Dim(), o.Config.Dim)
	case o.Config.Metric != 0 && o.Config.Metric != db.idx.Metric():
		return fmt.Errorf("index: open %q: stored index uses %v, options ask for %v", db.dir, db.idx.Metric(), o.Config.Metric)
	}
	if o.Config.BuildWorkers != 0 {
		switch x := db.idx.(type) {
		case *HNSW:
			x.cfg.BuildWorkers = o.Config.BuildWorkers
		}
	}
	return nil
}

func loadSnapshot(path string) (Index, uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("index: read snapshot %q: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, fmt.Errorf("index: read snapshot %q: %w", path, err)
	}
	return readSnapshot(bufio.NewReaderSize(f, 1<<18), fi.Size(), path)
}

// openLog replays the log onto the index, cuts a torn tail, and opens the
// log for appending.
func (db *DB) openLog(path string) error {
	resetTo := func() error {
		return writeFileAtomic(db.dir, LogFile, func(w io.Writer) error { _, err := w.Write(logHeaderBytes(db.gen)); return err })
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		// Compaction replaces the log by rename, so it is only missing if
		// someone removed it; start an empty one.
		if err := resetTo(); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("index: open log %q: %w", path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("index: open log %q: %w", path, err)
	}
	size := fi.Size()
	br := bufio.NewReaderSize(f, 1<<18)
	hdr := make([]byte, logHeader)
	n, _ := io.ReadFull(br, hdr)
	gen, version, err := parseLogHeader(hdr[:n], path)
	if err != nil {
		f.Close()
		return err
	}
	switch {
	case gen < db.gen:
		f.Close()
		if err := resetTo(); err != nil {
			return err
		}
		db.rec.StaleLog = true
		slog.Warn("index: discarded a log already folded into the snapshot (interrupted compaction)", "log", path, "log_generation", gen, "snapshot_generation", db.gen)
		return db.openLog(path)
	case gen > db.gen:
		f.Close()
		return fmt.Errorf("index: open log %q: %w: log generation %d is newer than snapshot generation %d", path, ErrCorrupt, gen, db.gen)
	}
	rp := replayer{idx: db.idx, eager: version == 1}
	res, err := scanLog(br, size, path, db.idx.Dim(), version, rp.apply)
	if err == nil {
		err = rp.flush()
	}
	if err != nil {
		f.Close()
		return err
	}
	if rp.quant != nil {
		// A version-1 quantizer record whose upserts a crash cut: the write
		// was never acknowledged, so its fit is dropped with it (and with
		// the log, compacted away below).
		slog.Warn("index: dropped the quantizer record of a torn fitting write (version-1 log)", "log", path)
	}
	db.rec.Records = res.records
	if res.torn > 0 {
		db.rec.TornBytes, db.rec.TornOffset = res.torn, res.end
		slog.Warn("index: cut a torn record at the end of the log (crash while appending)", "log", path, "offset", res.end, "bytes", res.torn)
		if err := f.Truncate(res.end); err != nil {
			f.Close()
			return fmt.Errorf("index: truncate torn log %q: %w", path, err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("index: sync log %q: %w", path, err)
		}
	}
	if _, err := f.Seek(res.end, io.SeekStart); err != nil {
		f.Close()
		return fmt.Errorf("index: open log %q: %w", path, err)
	}
	db.log, db.written, db.synced = f, res.end, res.end
	if version != logVersion {
		// A version-1 log: fold it into a snapshot and start a version-2
		// log, so that this build never appends records that a reader of
		// version 1 would misread (see the log format).
		if err := db.compactLocked(); err != nil {
			db.log.Close()
			return fmt.Errorf("index: upgrade log %q to version %d: %w", path, logVersion, err)
		}
		slog.Info("index: upgraded the log to the current format", "log", path, "from_version", version, "to_version", logVersion)
	}
	return nil
}

// replayer applies log records, gathering consecutive upserts of distinct
// IDs into one batch (HNSW inserts a batch in parallel). A fitting write
// (opFitUpsert, or in a version-1 log opQuant and the upsert record after it)
// is applied alone, its quantizer installed with its items, as the DB did.
type replayer struct {
	idx     Index
	pending []Item
	ids     map[string]bool
	quant   *quantizer // of a version-1 opQuant, awaiting its upserts
	// eager: a version-1 log, whose first write may come from a build that
	// fitted the quantizer on the first write without logging it (before
	// the lazy fit); such a write (minQuantFitV1 items or more into an empty,
	// unfitted index, with no quantizer record before it) fits as it did.
	eager bool
}

func (r *replayer) apply(rec *logRecord) error {
	eager := r.eager
	r.eager = false
	if r.quant != nil && rec.op != opUpsert {
		return fmt.Errorf("quantizer record followed by op %d, not by its upserts", rec.op)
	}
	switch rec.op {
	case opFitUpsert:
		if err := r.flush(); err != nil {
			return err
		}
		return upsertLogged(r.idx, rec.items, rec.quant)
	case opQuant:
		if err := r.flush(); err != nil {
			return err
		}
		r.quant = rec.quant
		return nil
	case opUpsert:
		if r.quant != nil {
			q := r.quant
			r.quant = nil
			return upsertLogged(r.idx, rec.items, q)
		}
		if eager {
			if q := r.eagerFit(rec.items); q != nil {
				return upsertLogged(r.idx, rec.items, q)
			}
		}
		for _, it := range rec.items {
			if r.ids[it.ID] {
				if err := r.flush(); err != nil {
					return err
				}
			}
			if r.ids == nil {
				r.ids = map[string]bool{}
			}
			r.ids[it.ID] = true
			r.pending = append(r.pending, it)
		}
		return nil
	case opDelete:
		if err := r.flush(); err != nil {
			return err
		}
		_, err := r.idx.Delete(rec.ids...)
		return err
	}
	return nil
}

// eagerFit returns the quantizer that an eager-fit build fitted on items,
// the first record of a version-1 log and not preceded by a quantizer record,
// when they were its first write into an empty quantised index (of
// minQuantFitV1 items at least, see the log format), and nil otherwise.
func (r *replayer) eagerFit(items []Item) *quantizer {
	st, unlock := lockStore(r.idx)
	defer unlock()
	if st.qkind == NoQuant || st.coded() || st.live != 0 || len(items) < minQuantFitV1 {
		return nil
	}
	return st.fitWith(items, nil)
}

// flush applies the gathered upserts. A version-1 quantizer record still
// awaiting its upserts stays in r.quant: at the end of the log it belongs to
// a write that a crash cut, and is dropped.
func (r *replayer) flush() error {
	if len(r.pending) == 0 {
		return nil
	}
	err := upsertLogged(r.idx, r.pending, nil)
	r.pending, r.ids = nil, nil
	return err
}

// upsertLogged upserts items into a *Flat or *HNSW as a DB write logged with
// the quantizer q (nil: the write fits none): the write never fits on its
// own (a DB's quantizer comes from its log, see fitDue), and q is installed
// and the items stored under one hold of the index's write locks.
func upsertLogged(idx Index, items []Item, q *quantizer) error {
	return idx.(upserter).upsert(items, false, q)
}

// upserter is the write path that *Flat and *HNSW share (see Flat.upsert).
type upserter interface {
	upsert(items []Item, auto bool, q *quantizer) error
}

// lockStore read-locks a *Flat or *HNSW and returns its store (read under
// the lock: Vacuum replaces it) and the unlock. Writes go through the
// index's own methods, which take its write locks (HNSW's wmu too).
func lockStore(idx Index) (*store, func()) {
	switch x := idx.(type) {
	case *Flat:
		x.mu.RLock()
		return x.st, x.mu.RUnlock
	case *HNSW:
		x.mu.RLock()
		return x.st, x.mu.RUnlock
	}
	panic(fmt.Sprintf("index: unexpected index type %T", idx))
}

// fitDue returns the quantizer that a write of items fits, or nil when it
// fits none (see Quantization). The DB logs it in the write's record
// (opFitUpsert), and replay installs it from there rather than refitting: the
// log, not a recomputation, says at which write the fit happened and what it
// was. Writes are serialised by DB.mu, so the state it is computed on is the
// one the write then applies to (or, when a Vacuum swaps the store between
// the two, its copy: the same live items and quantizer).
func fitDue(idx Index, items []Item) *quantizer {
	st, unlock := lockStore(idx)
	defer unlock()
	return st.fitDue(items)
}

func hasID(idx Index, id string) bool {
	st, unlock := lockStore(idx)
	defer unlock()
	_, ok := st.slots[id]
	return ok
}

// Recovery reports what Open replayed and repaired.
func (db *DB) Recovery() Recovery { return db.rec }

// Dir is the directory of the DB.
func (db *DB) Dir() string { return db.dir }

// Kind is the kind of the underlying index.
func (db *DB) Kind() Kind { return db.kind }

// Dim is the vector dimension.
func (db *DB) Dim() int { return db.idx.Dim() }

// Metric is the similarity the index ranks by.
func (db *DB) Metric() Metric { return db.idx.Metric() }

// Len is the number of live items.
func (db *DB) Len() int { return db.idx.Len() }

// Config is the configuration of the underlying index (as its snapshot
// recorded it, for a DB opened without one).
func (db *DB) Config() Config {
	switch x := db.idx.(type) {
	case *Flat:
		return x.Config()
	case *HNSW:
		return x.Config()
	}
	panic(fmt.Sprintf("index: unexpected index type %T", db.idx))
}

// Get returns a copy of the item with the given ID.
func (db *DB) Get(id string) (Item, bool) { return db.idx.Get(id) }

// Search returns the k items closest to q.
func (db *DB) Search(q []float32, k int, p Params) ([]Result, error) { return db.idx.Search(q, k, p) }

// SearchByID searches with the stored vector of id, excluding id itself.
func (db *DB) SearchByID(id string, k int, p Params) ([]Result, error) {
	return db.idx.SearchByID(id, k, p)
}

// SearchBatch answers the rows of queries, (nq, dim).
func (db *DB) SearchBatch(queries []float32, k int, p Params) ([][]Result, error) {
	return db.idx.SearchBatch(queries, k, p)
}

// Add inserts new items durably; none is added if any ID exists.
func (db *DB) Add(items ...Item) error { return db.upsert(items, true, items) }

// Upsert inserts or replaces items durably.
func (db *DB) Upsert(items ...Item) error { return db.upsert(items, false, items) }

// upsert is Add (add set) or Upsert. fitOn is what a quantizer that the
// write fits (see fitDue) is fitted on: items, or for the first chunk of a
// Build, every item of the build, so that a build written in chunks fits
// the quantizer that one write of all its items would.
func (db *DB) upsert(items []Item, add bool, fitOn []Item) error {
	if err := validateItems(items, db.idx.Dim()); err != nil {
		return err
	}
	if len(items) == 0 {
		return nil
	}
	db.mu.Lock()
	if err := db.usable(); err != nil {
		db.mu.Unlock()
		return err
	}
	if add {
		for i := range items {
			if hasID(db.idx, items[i].ID) {
				db.mu.Unlock()
				return fmt.Errorf("index: add: ID %q already present", items[i].ID)
			}
		}
	}
	q := fitDue(db.idx, fitOn)
	return db.commit(upsertRecords(nil, items, q), func() error {
		return upsertLogged(db.idx, items, q)
	})
}

// Delete removes items durably and reports how many existed.
func (db *DB) Delete(ids ...string) (int, error) {
	db.mu.Lock()
	if err := db.usable(); err != nil {
		db.mu.Unlock()
		return 0, err
	}
	var present []string
	for _, id := range ids {
		if hasID(db.idx, id) {
			present = append(present, id)
		}
	}
	if len(present) == 0 {
		db.mu.Unlock()
		return 0, nil
	}
	n := 0
	err := db.commit(deleteRecord(nil, present), func() error {
		var err error
		n, err = db.idx.Delete(present...)
		return err
	})
	return n, err
}

// commit appends buf to the log, applies the write, and makes it durable
// per the sync mode. It is called with db.mu held and releases it.
func (db *DB) commit(buf []byte, apply func() error) error {
	if _, err := db.log.Write(buf); err != nil {
		err = fmt.Errorf("index: append to log in %q: %w", db.dir, err)
		db.fail(err)
		db.mu.Unlock()
		return err
	}
	db.written += int64(len(buf))
	if err := apply(); err != nil {
		err = fmt.Errorf("index: apply logged write: %w", err)
		db.fail(err)
		db.mu.Unlock()
		return err
	}
	end, epoch := db.written, db.epochNow()
	due := db.opt.CompactBytes > 0 && db.written > db.opt.CompactBytes
	var err error
	switch db.opt.Sync {
	case SyncAlways:
		err = db.syncTo(epoch, end)
	case SyncGroup:
		// Sync outside db.mu so that other writers can append meanwhile and
		// share the next fsync.
		db.mu.Unlock()
		if err := db.syncTo(epoch, end); err != nil {
			return err
		}
		if due {
			return db.compact(true)
		}
		return nil
	}
	db.mu.Unlock()
	if err != nil || !due {
		return err
	}
	return db.compact(true)
}

func (db *DB) epochNow() uint64 {
	db.syncMu.Lock()
	defer db.syncMu.Unlock()
	return db.epoch
}

// syncTo makes the log durable up to end (of log epoch epoch). The first
// waiter fsyncs everything written so far, covering later waiters too.
func (db *DB) syncTo(epoch uint64, end int64) error {
	db.syncMu.Lock()
	defer db.syncMu.Unlock()
	if db.epoch != epoch || db.synced >= end {
		return nil // covered by an fsync or folded into a snapshot
	}
	if err := db.failure(); err != nil {
		return err
	}
	if err := db.log.Sync(); err != nil {
		err = fmt.Errorf("index: sync log in %q: %w", db.dir, err)
		db.fail(err)
		return err
	}
	db.synced = end
	return nil
}

func (db *DB) fail(err error) {
	db.failMu.Lock()
	if db.failed == nil {
		db.failed = err
	}
	db.failMu.Unlock()
}

func (db *DB) failure() error {
	db.failMu.Lock()
	defer db.failMu.Unlock()
	return db.failed
}

func (db *DB) usable() error {
	if db.closed {
		return ErrClosed
	}
	if err := db.failure(); err != nil {
		return fmt.Errorf("index: DB refuses writes after an earlier failure: %w", err)
	}
	return nil
}

// vacuumAt: Compact rebuilds an HNSW graph without its tombstones (see
// HNSW.Vacuum) when at least 1/vacuumAt of its nodes are tombstones.
const vacuumAt = 4

// Compact writes a new snapshot holding every write so far and resets the
// log. An HNSW index with many tombstones is rebuilt without them first (see
// vacuumAt and HNSW.Vacuum), which takes as long as building it anew and, for
// that time, about twice its memory; searches and writes go on meanwhile
// (the writes are replayed onto the new graph). Writers wait only while the
// writes made meanwhile are replayed and the snapshot is written. A crash at any point leaves either the old snapshot
// and log or the new snapshot (and a log that Open resets).
func (db *DB) Compact() error { return db.compact(false) }

// compact is Compact; auto says that a write called it because it took the
// log past CompactBytes, and then it does nothing while another compaction
// runs (which folds that write into its snapshot, or leaves it in the new
// log) or when one has reset the log since: only the write that starts an
// automatic compaction waits for it.
func (db *DB) compact(auto bool) error {
	if auto {
		if !db.compactMu.TryLock() {
			return nil
		}
	} else {
		db.compactMu.Lock()
	}
	defer db.compactMu.Unlock()
	db.mu.Lock()
	err := db.usable()
	due := !auto || db.written > db.opt.CompactBytes
	db.mu.Unlock()
	if auto && err != nil {
		return nil // the write is durable; the DB closed or failed after it
	}
	if err != nil || !due {
		return err
	}
	if h, ok := db.idx.(*HNSW); ok && vacuumDue(h) {
		h.Vacuum()
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if err := db.usable(); err != nil {
		return err
	}
	if refitDrifted(db.idx) {
		slog.Info("index: refitted the int8 ranges on every live item, since later items had drifted from the first", "dir", db.dir)
	}
	return db.compactLocked()
}

// refitDrifted refits the quantizer of a *Flat or *HNSW under its write
// locks when its store allows and needs it (see store.refit). Searches wait
// for the re-encoding, one pass over the stored vectors.
func refitDrifted(idx Index) bool {
	switch x := idx.(type) {
	case *Flat:
		x.mu.Lock()
		defer x.mu.Unlock()
		return x.st.refit()
	case *HNSW:
		x.wmu.Lock()
		defer x.wmu.Unlock()
		x.mu.Lock()
		defer x.mu.Unlock()
		return x.st.refit()
	}
	return false
}

// vacuumDue reports whether at least 1/vacuumAt of h's nodes are tombstones.
func vacuumDue(h *HNSW) bool {
	dead := h.Nodes() - h.Len()
	return dead > 0 && vacuumAt*dead >= h.Nodes()
}

// compactLocked writes the snapshot and resets the log; the caller holds mu
// (at Open, alone).
func (db *DB) compactLocked() error {
	gen := db.gen + 1
	if err := writeFileAtomic(db.dir, SnapshotFile, func(w io.Writer) error { return writeSnapshot(w, db.idx, gen) }); err != nil {
		return err
	}
	// From here the snapshot holds everything; the old log is stale.
	db.gen = gen
	if err := writeFileAtomic(db.dir, LogFile, func(w io.Writer) error { _, err := w.Write(logHeaderBytes(gen)); return err }); err != nil {
		db.fail(err)
		return err
	}
	path := filepath.Join(db.dir, LogFile)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err == nil {
		_, err = f.Seek(logHeader, io.SeekStart)
	}
	if err != nil {
		err = fmt.Errorf("index: reopen log %q: %w", path, err)
		db.fail(err)
		return err
	}
	db.syncMu.Lock()
	old := db.log
	db.log = f
	db.epoch++
	db.synced = logHeader
	db.syncMu.Unlock()
	db.written = logHeader
	old.Close()
	return nil
}

// Close makes every write durable and closes the log. Searches keep working
// on the in-memory index; writes return ErrClosed.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return nil
	}
	db.closed = true
	db.syncMu.Lock()
	defer db.syncMu.Unlock()
	err := db.log.Sync()
	if err == nil {
		db.synced = db.written // writers still waiting in syncTo are covered
	}
	if cerr := db.log.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("index: close log in %q: %w", db.dir, err)
	}
	return nil
}

// Save writes idx as a snapshot file at path atomically: to a temporary file
// in the same directory, fsynced, renamed over path, and the directory
// fsynced.
func Save(path string, idx Index) error {
	return writeFileAtomic(filepath.Dir(path), filepath.Base(path), func(w io.Writer) error { return writeSnapshot(w, idx, 0) })
}

// Load reads a snapshot file written by Save.
func Load(path string) (Index, error) {
	idx, _, err := loadSnapshot(path)
	return idx, err
}

// writeFileAtomic writes dir/name, readable by its owner only (vectors and
// metadata may be private), so that a crash leaves the old file or the new
// one (see package atomicfile; removeTemps clears its temporary files).
func writeFileAtomic(dir, name string, write func(io.Writer) error) error {
	if err := atomicfile.Write(filepath.Join(dir, name), 0o600, write); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	return nil
}

// removeTemps deletes temporary files left by an interrupted writeFileAtomic.
func removeTemps(dir string) {
	for _, name := range []string{SnapshotFile, LogFile} {
		atomicfile.RemoveTemps(filepath.Join(dir, name))
	}
}

package index

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/contrast-ml/contrast/internal/atomicfile"
)

// state renders everything observable about an index's content: every live
// item (ID, vector, meta) in ID order.
func state(t *testing.T, idx Index, ids []string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "len %d\n", idx.Len())
	for _, id := range ids {
		if it, ok := idx.Get(id); ok {
			fmt.Fprintf(&b, "%s %v %s\n", id, it.Vector, it.Meta)
		}
	}
	return b.String()
}

func smallItems(prefix string, n, d int, seed uint64) []Item {
	base, _ := clustered(n, d, 0, 3, seed)
	items := itemsOf(base, d)
	for i := range items {
		items[i].ID = prefix + strconv.Itoa(i)
		items[i].Meta = json.RawMessage(`{"g":` + strconv.Itoa(i%3) + `}`)
	}
	return items
}

func allIDs(groups ...[]Item) []string {
	var out []string
	for _, g := range groups {
		for _, it := range g {
			out = append(out, it.ID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func openDB(t *testing.T, dir string, kind Kind, q Quantization, sync SyncMode) *DB {
	t.Helper()
	db, err := Open(dir, Options{Kind: kind, Config: Config{Dim: 8, Metric: Cosine, Quantization: q, M: 8, EfConstruction: 32}, Sync: sync})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestDBRoundTrip(t *testing.T) {
	for _, kind := range []Kind{KindFlat, KindHNSW} {
		for _, q := range []Quantization{NoQuant, Int8PerDim} {
			t.Run(kind.String()+"/"+q.String(), func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "db")
				a, b := smallItems("a", MinQuantFit, 8, 1), smallItems("b", 40, 8, 2)
				ids := allIDs(a, b)
				db := openDB(t, dir, kind, q, SyncAlways)
				must(t, db.Add(a...))
				if _, err := db.Delete("a1", "a2", "zz"); err != nil {
					t.Fatal(err)
				}
				must(t, db.Upsert(b[:20]...))
				must(t, db.Compact())
				must(t, db.Upsert(b[20:]...))
				must(t, db.Upsert(Item{ID: "a3", Vector: b[0].Vector, Meta: json.RawMessage(`{"g":"new"}`)}))
				if n, _ := db.Delete("b5"); n != 1 {
					t.Fatalf("delete b5 counted %d", n)
				}
				want := state(t, db, ids)
				wantRes, _ := db.Search(b[1].Vector, 5, Params{})
				must(t, db.Close())
				if err := db.Upsert(a[0]); !errors.Is(err, ErrClosed) {
					t.Fatalf("write after Close: %v", err)
				}

				db2 := openDB(t, dir, 0, 0, SyncAlways)
				defer db2.Close()
				if got := state(t, db2, ids); got != want {
					t.Fatalf("reopened state differs:\n%s\nwant\n%s", got, want)
				}
				if r := db2.Recovery(); r.Records != 3 || r.TornBytes != 0 || r.StaleLog {
					t.Fatalf("recovery %+v, want 3 records replayed", r)
				}
				gotRes, _ := db2.Search(b[1].Vector, 5, Params{})
				if kind == KindFlat && fmt.Sprint(gotRes) != fmt.Sprint(wantRes) {
					t.Fatalf("search after reopen %v, want %v", gotRes, wantRes)
				}
				// Options that disagree with what is stored are refused.
				if _, err := Open(dir, Options{Config: Config{Dim: 9}}); err == nil {
					t.Fatal("open with another dimension: no error")
				}
			})
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// buildLog makes a DB with a snapshot and a log of several records, and
// returns the directory, the log bytes, the offset where the last record
// starts, and the state before and after the last record.
func buildLog(t *testing.T, kind Kind) (dir string, log []byte, lastStart int, before, after string, ids []string) {
	dir = filepath.Join(t.TempDir(), "db")
	a := smallItems("a", 20, 8, 3)
	db := openDB(t, dir, kind, NoQuant, SyncAlways)
	must(t, db.Add(a[:10]...))
	must(t, db.Compact())
	must(t, db.Add(a[10:15]...))
	_, err := db.Delete("a0", "a11")
	must(t, err)
	ids = allIDs(a)
	before = state(t, db, ids)
	st, _ := os.Stat(filepath.Join(dir, LogFile))
	lastStart = int(st.Size())
	must(t, db.Upsert(a[15:17]...))
	after = state(t, db, ids)
	must(t, db.Close())
	log, err = os.ReadFile(filepath.Join(dir, LogFile))
	must(t, err)
	return dir, log, lastStart, before, after, ids
}

// TestLogTornTail cuts the log at every byte offset of its last record, as a
// crash in the middle of an append would: the DB must open with every
// earlier record, report the torn bytes, and accept writes again.
func TestLogTornTail(t *testing.T) {
	for _, kind := range []Kind{KindFlat, KindHNSW} {
		t.Run(kind.String(), func(t *testing.T) {
			dir, log, start, before, after, ids := buildLog(t, kind)
			logPath := filepath.Join(dir, LogFile)
			for cut := start; cut <= len(log); cut++ {
				must(t, os.WriteFile(logPath, log[:cut], 0o644))
				db, err := Open(dir, Options{})
				if err != nil {
					t.Fatalf("cut at %d of %d: %v", cut, len(log), err)
				}
				want, torn := before, int64(cut-start)
				if cut == len(log) {
					want, torn = after, 0
				}
				if got := state(t, db, ids); got != want {
					t.Fatalf("cut at %d: state\n%s\nwant\n%s", cut, got, want)
				}
				if r := db.Recovery(); r.TornBytes != torn || (torn > 0 && r.TornOffset != int64(start)) {
					t.Fatalf("cut at %d: recovery %+v, want %d torn bytes at %d", cut, r, torn, start)
				}
				must(t, db.Close())
				if fi, _ := os.Stat(logPath); cut < len(log) && fi.Size() != int64(start) {
					t.Fatalf("cut at %d: log not truncated to %d (size %d)", cut, start, fi.Size())
				}
			}
			// After repair the log takes appends and replays them.
			db, err := Open(dir, Options{})
			must(t, err)
			must(t, db.Upsert(Item{ID: "late", Vector: make([]float32, 8)}))
			must(t, db.Close())
			db, err = Open(dir, Options{})
			must(t, err)
			if _, ok := db.Get("late"); !ok {
				t.Fatal("write after a repaired tear was lost")
			}
			db.Close()
		})
	}
}

func TestLogZeroFilledTail(t *testing.T) {
	dir, log, _, _, after, ids := buildLog(t, KindFlat)
	must(t, os.WriteFile(filepath.Join(dir, LogFile), append(slices.Clone(log), make([]byte, 300)...), 0o644))
	db, err := Open(dir, Options{})
	must(t, err)
	defer db.Close()
	if got := state(t, db, ids); got != after {
		t.Fatalf("state after zero tail:\n%s\nwant\n%s", got, after)
	}
	if r := db.Recovery(); r.TornBytes != 300 || r.TornOffset != int64(len(log)) {
		t.Fatalf("recovery %+v", r)
	}
}

// TestLogCorruption flips each byte of the log before its last record: the
// header and every complete record followed by others are checked, so Open
// must fail with ErrCorrupt and an offset, never open a smaller index.
func TestLogCorruption(t *testing.T) {
	dir, log, start, _, _, _ := buildLog(t, KindFlat)
	logPath := filepath.Join(dir, LogFile)
	for i := 0; i < start; i++ {
		bad := slices.Clone(log)
		bad[i] ^= 0x41
		must(t, os.WriteFile(logPath, bad, 0o644))
		db, err := Open(dir, Options{})
		if err == nil {
			db.Close()
			t.Fatalf("byte %d flipped: opened without error", i)
		}
		if !errors.Is(err, ErrCorrupt) && !strings.Contains(err.Error(), "version") {
			t.Fatalf("byte %d flipped: error %v does not wrap ErrCorrupt", i, err)
		}
		if i >= logHeader && !strings.Contains(err.Error(), "offset") {
			t.Fatalf("byte %d flipped: error %q does not say where", i, err)
		}
	}
	// A damaged final record is indistinguishable from a torn append: cut.
	bad := slices.Clone(log)
	bad[len(bad)-3] ^= 1
	must(t, os.WriteFile(logPath, bad, 0o644))
	db, err := Open(dir, Options{})
	must(t, err)
	if r := db.Recovery(); r.TornBytes != int64(len(log)-start) {
		t.Fatalf("damaged last record: recovery %+v", r)
	}
	db.Close()
}

// TestSnapshotCorruption flips every byte of a snapshot in turn: each must be
// reported as ErrCorrupt (or an unsupported version), never panic or load.
func TestSnapshotCorruption(t *testing.T) {
	for _, kind := range []Kind{KindFlat, KindHNSW} {
		t.Run(kind.String(), func(t *testing.T) {
			idx, err := New(kind, Config{Dim: 4, Metric: L2, Quantization: Int8PerDim, Rerank: 2, M: 4})
			must(t, err)
			items := smallItems("s", 64, 4, 5) // every byte is flipped: keep it small
			fitOn(idx, items)
			must(t, idx.Add(items...))
			if _, err := idx.Delete("s3"); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			must(t, WriteSnapshot(&buf, idx))
			snap := buf.Bytes()
			for i := range snap {
				for _, flip := range []byte{0x01, 0x80} {
					bad := slices.Clone(snap)
					bad[i] ^= flip
					_, err := ReadSnapshot(bytes.NewReader(bad), int64(len(bad)))
					if err == nil {
						t.Fatalf("byte %d ^ %#x: read without error", i, flip)
					}
					if !errors.Is(err, ErrCorrupt) && !strings.Contains(err.Error(), "version") {
						t.Fatalf("byte %d: %v", i, err)
					}
				}
			}
			for _, cut := range []int{0, 10, snapHeader, len(snap) / 2, len(snap) - 1} {
				if _, err := ReadSnapshot(bytes.NewReader(snap[:cut]), int64(cut)); !errors.Is(err, ErrCorrupt) {
					t.Fatalf("truncated to %d: %v", cut, err)
				}
			}
			_, err = ReadSnapshot(bytes.NewReader(append(slices.Clone(snap), 0)), int64(len(snap)+1))
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("trailing byte: %v", err)
			}
		})
	}
}

func TestSnapshotCorruptionInDB(t *testing.T) {
	dir, _, _, _, _, _ := buildLog(t, KindHNSW)
	path := filepath.Join(dir, SnapshotFile)
	snap, err := os.ReadFile(path)
	must(t, err)
	snap[len(snap)/2] ^= 0xff
	must(t, os.WriteFile(path, snap, 0o644))
	_, err = Open(dir, Options{})
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), SnapshotFile) || !strings.Contains(err.Error(), "offset") {
		t.Fatalf("corrupt snapshot: %v", err)
	}
}

// TestInterruptedCompaction simulates a crash after the new snapshot was
// renamed into place but before the log was reset: the old log must be
// recognised as already folded in.
func TestInterruptedCompaction(t *testing.T) {
	dir, log, _, _, after, ids := buildLog(t, KindHNSW)
	db, err := Open(dir, Options{})
	must(t, err)
	must(t, db.Compact())
	must(t, db.Close())
	must(t, os.WriteFile(filepath.Join(dir, LogFile), log, 0o644))
	junk, err := os.CreateTemp(dir, atomicfile.TempPattern(filepath.Join(dir, SnapshotFile)))
	must(t, err)
	junk.Close()
	db, err = Open(dir, Options{})
	must(t, err)
	defer db.Close()
	if !db.Recovery().StaleLog {
		t.Fatalf("recovery %+v: stale log not noticed", db.Recovery())
	}
	if got := state(t, db, ids); got != after {
		t.Fatalf("state:\n%s\nwant\n%s", got, after)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(m) != 0 {
		t.Fatalf("temporary files left: %v", m)
	}
}

func TestLogWithoutSnapshot(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, LogFile), logHeaderBytes(1), 0o644))
	if _, err := Open(dir, Options{Kind: KindFlat, Config: Config{Dim: 2, Metric: L2}}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("log without snapshot: %v", err)
	}
}

// TestGroupCommit has concurrent writers share fsyncs; every acknowledged
// write must survive a reopen.
func TestGroupCommit(t *testing.T) {
	for _, mode := range []SyncMode{SyncGroup, SyncAlways, SyncNever} {
		t.Run(mode.String(), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "db")
			db, err := Open(dir, Options{Kind: KindHNSW, Config: Config{Dim: 8, Metric: L2, M: 8}, Sync: mode, CompactBytes: 4096})
			must(t, err)
			items := smallItems("w", 64, 8, 9)
			var wg sync.WaitGroup
			errs := make(chan error, len(items))
			for i := range items {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- db.Upsert(items[i])
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				must(t, err)
			}
			must(t, db.Close())
			if fi, _ := os.Stat(filepath.Join(dir, LogFile)); fi.Size() > 4096+1024 {
				t.Errorf("log of %d bytes was not compacted at 4096", fi.Size())
			}
			db, err = Open(dir, Options{})
			must(t, err)
			defer db.Close()
			if db.Len() != len(items) {
				t.Fatalf("reopened with %d items, want %d", db.Len(), len(items))
			}
		})
	}
}

func TestSaveLoad(t *testing.T) {
	idx, err := NewHNSW(Config{Dim: 8, Metric: Dot, M: 6})
	must(t, err)
	must(t, idx.Add(smallItems("x", 30, 8, 4)...))
	path := filepath.Join(t.TempDir(), "x.idx")
	must(t, Save(path, idx))
	back, err := Load(path)
	must(t, err)
	if back.Len() != 30 {
		t.Fatalf("loaded %d items", back.Len())
	}
	if _, err := Load(path + ".missing"); err == nil || !strings.Contains(err.Error(), "x.idx.missing") {
		t.Fatalf("missing file: %v", err)
	}
}

func FuzzReadSnapshot(f *testing.F) {
	addSnapshotSeeds(f, Config{Dim: 3, Metric: L2, M: 2}, Int8Global, 6, "f2")
	f.Fuzz(func(t *testing.T, b []byte) {
		idx, err := ReadSnapshot(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		// Whatever loads must be usable.
		q := make([]float32, idx.Dim())
		if _, err := idx.Search(q, 3, Params{}); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteSnapshot(&buf, idx); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzScanLog(f *testing.F) {
	items := smallItems("l", 4, 3, 1)
	q := fitQuantizer(Int8PerDim, 3, items[0].Vector)
	var seed []byte
	seed = append(seed, logHeaderBytes(1)...)
	seed = upsertRecords(seed, items[:2], q)
	seed = upsertRecords(seed, items[2:], nil)
	seed = deleteRecord(seed, []string{"l1", "zz"})
	f.Add(seed)
	f.Add(seed[:len(seed)-5])
	// Version 1, as the first lazy-fit builds wrote it: opQuant, then the
	// fitting write's upserts.
	var v1 []byte
	v1 = append(v1, logHeaderVersion(1, logVersion1)...)
	v1 = quantRecordV1(v1, q)
	v1 = upsertRecords(v1, items, nil)
	v1 = deleteRecord(v1, []string{"l1", "zz"})
	f.Add(v1)
	f.Add(v1[:len(v1)-5])
	f.Fuzz(func(t *testing.T, b []byte) {
		_, version, err := parseLogHeader(b, "fuzz")
		if err != nil {
			return
		}
		idx, _ := NewFlat(Config{Dim: 3, Metric: Cosine, Quantization: Int8PerDim})
		rp := replayer{idx: idx}
		res, err := scanLog(bytes.NewReader(b[logHeader:]), int64(len(b)), "fuzz", 3, version, rp.apply)
		if err != nil {
			return
		}
		if err := rp.flush(); err != nil {
			t.Fatal(err)
		}
		if res.end+res.torn != int64(len(b)) {
			t.Fatalf("scan accounts for %d+%d bytes of %d", res.end, res.torn, len(b))
		}
	})
}

// fixChecksums rewrites the header and section checksums of a (mutated)
// snapshot, so that fuzzing reaches the section decoders behind them.
func fixChecksums(b []byte) {
	if len(b) < snapHeader {
		return
	}
	binary.LittleEndian.PutUint32(b[40:], crc(b[:40]))
	off := snapHeader
	for off+16 <= len(b) {
		n := binary.LittleEndian.Uint64(b[off+4:])
		if n > uint64(len(b)-off-16) {
			return
		}
		end := off + 12 + int(n)
		binary.LittleEndian.PutUint32(b[end:], crc32.Update(crc(b[off:off+12]), castagnoli, b[off+12:end]))
		off = end + 4
	}
}

// FuzzDecodeSnapshot mutates snapshots and repairs their checksums, so that
// the decoders' own validation (counts, links, levels, IDs) is what stands
// between a crafted file and a panic.
func FuzzDecodeSnapshot(f *testing.F) {
	addSnapshotSeeds(f, Config{Dim: 2, Metric: Cosine, M: 2}, Int8PerDim, 5, "f1")
	f.Fuzz(func(t *testing.T, b []byte) {
		b = slices.Clone(b)
		fixChecksums(b)
		idx, err := ReadSnapshot(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		q := make([]float32, idx.Dim())
		q[0] = 1
		if _, err := idx.Search(q, 3, Params{}); err != nil {
			t.Fatal(err)
		}
		if _, err := idx.SearchBatch(append(q, q...), 2, Params{Filter: &Filter{Field: "g", Equals: json.RawMessage("1")}}); err != nil {
			t.Fatal(err)
		}
		if err := idx.Upsert(Item{ID: "new", Vector: q}); err != nil {
			t.Fatal(err)
		}
		if _, err := idx.Delete("f0", "f3"); err != nil {
			t.Fatal(err)
		}
	})
}

// addSnapshotSeeds adds to f's corpus the snapshots of a flat and an HNSW
// index of cfg, each holding few items (one, drop, deleted), and with the
// quantization q also before its fit (version 2, few items) and after it
// (64 items, fitted on them: a small seed fuzzes faster).
func addSnapshotSeeds(f *testing.F, cfg Config, q Quantization, few int, drop string) {
	for _, kind := range []Kind{KindFlat, KindHNSW} {
		for _, qk := range []Quantization{NoQuant, q} {
			for _, n := range []int{few, 64} {
				if qk == NoQuant && n != few {
					continue
				}
				c := cfg
				c.Quantization = qk
				idx, _ := New(kind, c)
				items := smallItems("f", n, cfg.Dim, 1)
				if qk != NoQuant && n != few {
					fitOn(idx, items)
				}
				if err := idx.Add(items...); err != nil {
					f.Fatal(err)
				}
				idx.Delete(drop)
				var buf bytes.Buffer
				WriteSnapshot(&buf, idx)
				f.Add(buf.Bytes())
			}
		}
	}
}

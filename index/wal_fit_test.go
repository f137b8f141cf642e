package index

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// quantRecordV1 appends the record that the lazy-fit builds before log
// version 2 (commits fc7994d to 994dacf) wrote ahead of a fitting write's
// upserts: opQuant, lo (f32 x dim), scale (f32 x dim). This build no longer
// writes it; it only reads it from version-1 logs.
func quantRecordV1(dst []byte, q *quantizer) []byte {
	var e enc
	e.u8(opQuant)
	e.f32s(q.lo)
	e.f32s(q.scale)
	return appendRecord(dst, e.b)
}

// logRecords reads the log of the DB in dir and returns its format version
// and records.
func logRecords(t *testing.T, dir string, dim int) (uint32, []*logRecord) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, LogFile))
	must(t, err)
	_, version, err := parseLogHeader(b, "test")
	must(t, err)
	var recs []*logRecord
	res, err := scanLog(bytes.NewReader(b[logHeader:]), int64(len(b)), "test", dim, version, func(r *logRecord) error {
		recs = append(recs, r)
		return nil
	})
	must(t, err)
	if res.torn != 0 {
		t.Fatalf("log has a torn tail of %d bytes", res.torn)
	}
	return version, recs
}

// TestFitRecord checks that the write that fits the quantizer is logged as
// exactly one record, an opFitUpsert holding that write's items and the
// quantizer the DB installed, that every other write is one plain record, that
// the log says version 2, and that replay installs the same quantizer and
// codes.
func TestFitRecord(t *testing.T) {
	const d = 5
	items := smallItems("f", MinQuantFit+6, d, 29)
	for _, kind := range []Kind{KindFlat, KindHNSW} {
		for _, hist := range []struct {
			name   string
			writes [][]Item
			fitAt  int
		}{
			{"single", chunks(items, 1), MinQuantFit - 1},
			{"batches", [][]Item{items[:30], items[30 : MinQuantFit-4], items[MinQuantFit-4 : MinQuantFit+2], items[MinQuantFit+2:]}, 2},
			{"first", [][]Item{items}, 0},
		} {
			t.Run(fmt.Sprintf("%v/%s", kind, hist.name), func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "db")
				cfg := Config{Dim: d, Metric: L2, Quantization: Int8PerDim, M: 4, EfConstruction: 16, Seed: 5, BuildWorkers: 1}
				db, err := Open(dir, Options{Kind: kind, Config: cfg, Sync: SyncNever})
				must(t, err)
				for _, w := range hist.writes {
					must(t, db.Upsert(w...))
				}
				st := storeOf(db)
				if !st.coded() {
					t.Fatal("not fitted")
				}
				want := content(db)
				must(t, db.Close())
				version, recs := logRecords(t, dir, d)
				if version != 2 {
					t.Fatalf("log version %d, want 2", version)
				}
				if len(recs) != len(hist.writes) {
					t.Fatalf("%d records for %d writes", len(recs), len(hist.writes))
				}
				for i, r := range recs {
					wantOp := opUpsert
					if i == hist.fitAt {
						wantOp = opFitUpsert
					}
					if r.op != wantOp || len(r.items) != len(hist.writes[i]) || r.items[0].ID != hist.writes[i][0].ID {
						t.Fatalf("record %d: op %d with %d items, want op %d with the %d of write %d", i, r.op, len(r.items), wantOp, len(hist.writes[i]), i)
					}
				}
				if q := recs[hist.fitAt].quant; !slices.Equal(q.lo, st.quant.lo) || !slices.Equal(q.scale, st.quant.scale) {
					t.Fatalf("logged quantizer %v %v, installed %v %v", q.lo, q.scale, st.quant.lo, st.quant.scale)
				}
				db2, err := Open(dir, Options{})
				must(t, err)
				defer db2.Close()
				if got := content(db2); got != want {
					t.Fatalf("replay differs:\n%s\nwant\n%s", got, want)
				}
			})
		}
	}
}

func chunks(items []Item, n int) [][]Item {
	var out [][]Item
	for i := 0; i < len(items); i += n {
		out = append(out, items[i:min(i+n, len(items))])
	}
	return out
}

// TestFitRecordTorn cuts the log inside the fitting write's record, as a
// crash while appending it would, at several points: reopened, the DB is not
// fitted, holds the items written before and none of that write, and the
// same write then fits exactly as it did the first time.
func TestFitRecordTorn(t *testing.T) {
	const d = 4
	items := smallItems("t", MinQuantFit+2, d, 3)
	for _, kind := range []Kind{KindFlat, KindHNSW} {
		cfg := Config{Dim: d, Metric: L2, Quantization: Int8PerDim, M: 4, EfConstruction: 16, Seed: 8, BuildWorkers: 1}
		// The reference: written without a crash.
		ref, err := New(kind, cfg)
		must(t, err)
		must(t, ref.Upsert(items[:10]...))
		must(t, ref.Upsert(items[10:]...))
		for _, cut := range []int{1, recordHeader, recordHeader + 1 + 4*d, -1} {
			t.Run(fmt.Sprintf("%v/cut%d", kind, cut), func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "db")
				db, err := Open(dir, Options{Kind: kind, Config: cfg})
				must(t, err)
				must(t, db.Upsert(items[:10]...))
				fi, err := os.Stat(filepath.Join(dir, LogFile))
				must(t, err)
				before := fi.Size()
				must(t, db.Upsert(items[10:]...))
				must(t, db.Close())
				path := filepath.Join(dir, LogFile)
				fi, err = os.Stat(path)
				must(t, err)
				size := before + int64(cut)
				if cut < 0 {
					size = fi.Size() + int64(cut) // all but the last byte
				}
				must(t, os.Truncate(path, size))
				db2, err := Open(dir, Options{})
				must(t, err)
				if r := db2.Recovery(); r.Records != 1 || r.TornOffset != before || r.TornBytes != size-before {
					t.Fatalf("recovery %+v, want 1 record and %d torn bytes at %d", r, size-before, before)
				}
				if storeOf(db2).coded() || db2.Len() != 10 {
					t.Fatalf("after the torn fitting write: fitted %v, %d items, want unfitted with 10", storeOf(db2).coded(), db2.Len())
				}
				for i, it := range items {
					if _, ok := db2.Get(it.ID); ok != (i < 10) {
						t.Fatalf("%s present %v", it.ID, ok)
					}
				}
				must(t, db2.Upsert(items[10:]...))
				if content(db2) != content(ref) {
					t.Fatal("the write repeated after the crash ends unlike the reference")
				}
				must(t, db2.Close())
			})
		}
	}
}

// writeLogV1 replaces the log of the (closed, never compacted) DB in dir with
// a version-1 log holding records.
func writeLogV1(t *testing.T, dir string, records []byte) {
	t.Helper()
	must(t, os.WriteFile(filepath.Join(dir, LogFile), append(logHeaderVersion(1, logVersion1), records...), 0o600))
}

// TestLogV1Replay checks that version-1 logs as the lazy-fit builds before
// version 2 wrote them (opQuant, then the fitting write's upserts) replay to
// what those writes made, that a quantizer record whose upserts a crash cut
// is dropped, that records of the other version are refused, and that Open
// leaves a version-2 log behind (folding the old one into the snapshot), so
// that later writes never land in a version-1 log.
func TestLogV1Replay(t *testing.T) {
	const d = 4
	items := smallItems("v", MinQuantFit+6, d, 31)
	for _, kind := range []Kind{KindFlat, KindHNSW} {
		cfg := Config{Dim: d, Metric: L2, Quantization: Int8PerDim, M: 4, EfConstruction: 16, Seed: 9, BuildWorkers: 1}
		// What the old build did: a bare index fits by itself at the same write.
		ref, err := New(kind, cfg)
		must(t, err)
		must(t, ref.Upsert(items[:10]...))
		q := storeOf(ref).fitDue(items[10:MinQuantFit])
		must(t, ref.Upsert(items[10:MinQuantFit]...))
		must(t, ref.Upsert(items[MinQuantFit:]...))
		var recs []byte
		recs = upsertRecords(recs, items[:10], nil)
		recs = quantRecordV1(recs, q)
		recs = upsertRecords(recs, items[10:MinQuantFit], nil)
		recs = upsertRecords(recs, items[MinQuantFit:], nil)
		quantAt := len(upsertRecords(nil, items[:10], nil))
		fitEnd := len(upsertRecords(quantRecordV1(nil, q), items[10:MinQuantFit], nil)) + quantAt
		open := func(t *testing.T, records []byte) (*DB, string) {
			t.Helper()
			dir := filepath.Join(t.TempDir(), "db")
			db, err := Open(dir, Options{Kind: kind, Config: cfg})
			must(t, err)
			must(t, db.Close())
			writeLogV1(t, dir, records)
			db, err = Open(dir, Options{})
			must(t, err)
			return db, dir
		}
		upgraded := func(t *testing.T, dir string) {
			t.Helper()
			if version, recs := logRecords(t, dir, d); version != logVersion || len(recs) != 0 {
				t.Fatalf("log after Open: version %d with %d records, want an empty version-2 log", version, len(recs))
			}
		}
		t.Run(fmt.Sprintf("%v/whole", kind), func(t *testing.T) {
			db, dir := open(t, recs)
			if r := db.Recovery(); r.Records != 4 {
				t.Fatalf("recovery %+v, want 4 records", r)
			}
			want := content(ref)
			if got := content(db); got != want {
				t.Fatalf("version-1 log replays as\n%s\nwant\n%s", got, want)
			}
			upgraded(t, dir)
			must(t, db.Upsert(Item{ID: "next", Vector: items[0].Vector}))
			must(t, db.Close())
			if version, recs := logRecords(t, dir, d); version != logVersion || len(recs) != 1 {
				t.Fatalf("log after a write: version %d with %d records", version, len(recs))
			}
		})
		t.Run(fmt.Sprintf("%v/torn", kind), func(t *testing.T) {
			// The fitting write's upsert record cut: its quantizer record
			// stays, and must not be installed now or by a later replay.
			db, dir := open(t, recs[:fitEnd-3])
			if r := db.Recovery(); r.Records != 2 || r.TornBytes == 0 {
				t.Fatalf("recovery %+v, want 2 records and a torn tail", r)
			}
			if storeOf(db).coded() || db.Len() != 10 {
				t.Fatalf("fitted %v with %d items, want unfitted with 10", storeOf(db).coded(), db.Len())
			}
			upgraded(t, dir)
			must(t, db.Upsert(items[10]))
			must(t, db.Close())
			db2, err := Open(dir, Options{})
			must(t, err)
			defer db2.Close()
			if storeOf(db2).coded() || db2.Len() != 11 {
				t.Fatalf("reopened: fitted %v with %d items, want unfitted with 11", storeOf(db2).coded(), db2.Len())
			}
		})
		t.Run(fmt.Sprintf("%v/quant-then-delete", kind), func(t *testing.T) {
			bad := deleteRecord(quantRecordV1(upsertRecords(nil, items[:10], nil), q), []string{"v1"})
			dir := filepath.Join(t.TempDir(), "db")
			db, err := Open(dir, Options{Kind: kind, Config: cfg})
			must(t, err)
			must(t, db.Close())
			writeLogV1(t, dir, bad)
			if _, err := Open(dir, Options{}); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("a quantizer record followed by a delete opened: %v", err)
			}
		})
	}
}

// TestLogVersionOps checks that each log version accepts only its own
// records (opQuant in version 1, opFitUpsert from version 2) and that an
// unknown version is refused with an error naming it.
func TestLogVersionOps(t *testing.T) {
	const d = 3
	items := smallItems("o", 2, d, 1)
	q := fitQuantizer(Int8PerDim, d, items[0].Vector)
	tests := []struct {
		name    string
		version uint32
		records []byte
		ok      bool
	}{
		{"v1-quant", 1, upsertRecords(quantRecordV1(nil, q), items, nil), true},
		{"v1-fit-upsert", 1, upsertRecords(nil, items, q), false},
		{"v2-fit-upsert", 2, upsertRecords(nil, items, q), true},
		{"v2-quant", 2, upsertRecords(quantRecordV1(nil, q), items, nil), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.records
			idx, err := NewFlat(Config{Dim: d, Metric: L2, Quantization: Int8PerDim})
			must(t, err)
			rp := replayer{idx: idx}
			_, err = scanLog(bytes.NewReader(b), int64(len(b))+logHeader, "test", d, tt.version, rp.apply)
			if (err == nil) != tt.ok {
				t.Fatalf("scan: %v, want ok %v", err, tt.ok)
			}
			if tt.ok && (!storeOf(idx).coded() || idx.Len() != 2) {
				t.Fatalf("fitted %v with %d items", storeOf(idx).coded(), idx.Len())
			}
		})
	}
	for _, v := range []uint32{0, 3} {
		_, _, err := parseLogHeader(logHeaderVersion(1, v), "test")
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("unsupported version %d", v)) {
			t.Fatalf("version %d: %v", v, err)
		}
	}
}

// TestLogV1Golden replays a version-1 log written by the last build before
// version 2 (commit 994dacf), kept under testdata/v1-log-lazyfit with its
// snapshot. It was made once, by running this at 994dacf, and must never be
// remade by a later build:
//
//	db, _ := Open(dir, Options{Kind: KindFlat, Config: Config{Dim: 4, Metric: L2, Quantization: Int8PerDim}})
//	items := smallItems("x", 70, 4, 5)
//	for i, it := range items {
//		db.Upsert(it)
//		if i == 20 {
//			db.Delete("x3")
//		}
//	}
//	db.Upsert(Item{ID: "x5", Vector: items[6].Vector})
//	db.Close()
//
// Its fitting write is an opQuant record and an opUpsert record; replayed,
// the DB must hold what a bare index given the same writes holds (fitted
// where that build fitted, at the 64th live item), and be
// left with a version-2 log.
func TestLogV1Golden(t *testing.T) {
	const d = 4
	dir := filepath.Join(t.TempDir(), "db")
	must(t, os.MkdirAll(dir, 0o755))
	for _, name := range []string{SnapshotFile, LogFile} {
		b, err := os.ReadFile(filepath.Join("testdata", "v1-log-lazyfit", name))
		must(t, err)
		must(t, os.WriteFile(filepath.Join(dir, name), b, 0o600))
	}
	version, recs := logRecords(t, dir, d)
	var ops []uint8
	for _, r := range recs {
		ops = append(ops, r.op)
	}
	// 70 single upserts, one delete after the 21st, the quantizer before the
	// 65th upsert (the 64th live item, x3 being gone), a replacement.
	if version != 1 || len(ops) != 73 || ops[21] != opDelete || ops[65] != opQuant || ops[66] != opUpsert {
		t.Fatalf("golden log: version %d, ops %v", version, ops)
	}
	db, err := Open(dir, Options{})
	must(t, err)
	defer db.Close()
	if r := db.Recovery(); r.Records != 73 || r.TornBytes != 0 {
		t.Fatalf("recovery %+v", r)
	}
	bare, err := New(KindFlat, Config{Dim: d, Metric: L2, Quantization: Int8PerDim})
	must(t, err)
	items := smallItems("x", 70, d, 5)
	for i, it := range items {
		if st := storeOf(bare); st.live+1 == minQuantFitV1 && !st.coded() {
			fitOn(bare, []Item{it}) // that build's fit
		}
		must(t, bare.Upsert(it))
		if i == 20 {
			_, err := bare.Delete("x3")
			must(t, err)
		}
	}
	must(t, bare.Upsert(Item{ID: "x5", Vector: items[6].Vector}))
	if !storeOf(db).coded() || content(db) != content(bare) {
		t.Fatalf("golden version-1 log replays as\n%s\nwant\n%s", content(db), content(bare))
	}
	if version, recs := logRecords(t, dir, d); version != logVersion || len(recs) != 0 {
		t.Fatalf("log after Open: version %d with %d records", version, len(recs))
	}
}

// TestLogV1EagerFirstWrite replays a version-1 log as an eager-fit build
// (before the lazy fit) wrote it: its first write, of minQuantFitV1 (64)
// items or more, fitted the quantizer without a quantizer record. Replay fits
// on it as that build did, so the index comes back quantised, as a bare index
// fitted on those items before it takes them is (today a bare index waits for
// MinQuantFit items); a smaller first write (which such a build fitted on,
// badly, before it refused them) stays unfitted until the next write.
func TestLogV1EagerFirstWrite(t *testing.T) {
	const d = 4
	for _, kind := range []Kind{KindFlat, KindHNSW} {
		for _, n := range []int{minQuantFitV1 + 6, 5} {
			t.Run(fmt.Sprintf("%v/%d", kind, n), func(t *testing.T) {
				cfg := Config{Dim: d, Metric: L2, Quantization: Int8PerDim, M: 4, EfConstruction: 16, Seed: 5, BuildWorkers: 1}
				items := smallItems("e", n, d, 41)
				ref, err := New(kind, cfg)
				must(t, err)
				fitOn(ref, items)
				must(t, ref.Upsert(items...))
				dir := filepath.Join(t.TempDir(), "db")
				db, err := Open(dir, Options{Kind: kind, Config: cfg})
				must(t, err)
				must(t, db.Close())
				writeLogV1(t, dir, upsertRecords(nil, items, nil))
				db, err = Open(dir, Options{})
				must(t, err)
				defer db.Close()
				if got, want := storeOf(db).coded(), n >= minQuantFitV1; got != want {
					t.Fatalf("replayed: fitted %v, want %v", got, want)
				}
				if n >= minQuantFitV1 {
					if got, want := content(db), content(ref); got != want {
						t.Fatalf("eager version-1 log replays as\n%s\nwant\n%s", got, want)
					}
				}
			})
		}
	}
}

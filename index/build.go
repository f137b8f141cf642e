package index

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/contrast-ml/contrast/internal/atomicfile"
)

// BuildChunk is how many items Build (and Bench's HNSW build) writes at a
// time: small enough that a cancelled context stops an HNSW build within a
// fraction of a second, large enough that parallel insertion keeps every
// core busy.
const BuildChunk = 1000

// CheckNewDir reports whether dir can receive a new index from Build: nil when
// it does not exist or is an empty directory. Otherwise the error says why
// not: dir already holds an index, is not a directory, is a non-empty
// directory, or cannot be inspected (the os.Stat error itself, such as "not
// a directory" for a path under a regular file, or "permission denied").
func CheckNewDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("index: %w", err)
	case !fi.IsDir():
		return fmt.Errorf("index: %s exists and is not a directory", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, SnapshotFile)); err == nil {
		return fmt.Errorf("index: %s already holds an index", dir)
	}
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	defer f.Close()
	if _, err := f.Readdirnames(1); err != io.EOF {
		if err != nil {
			return fmt.Errorf("index: read %s: %w", dir, err)
		}
		return fmt.Errorf("index: %s is not empty", dir)
	}
	return nil
}

// Build writes a new durable index (a DB directory, see Open) of items into
// dir, which must be new or empty (see CheckNewDir), so that dir holds either
// the whole index or nothing, whatever happens meanwhile: the index is built
// in a temporary sibling directory (".NAME.tmp-*"), compacted into its
// snapshot, fsynced file by file as DB does, and renamed into place, and the
// parent directory fsynced. On an error or a cancelled ctx the temporary
// directory is removed; one that a killed process left behind is removed by
// the next Build of the same dir.
//
// The options and then every item are validated first (an error names the
// item by its position in items); then the items are written in chunks of
// BuildChunk, with ctx checked before each; a quantizer is fitted on every
// item, as one write of them all would fit it. progress, when not nil, is
// called with the number of items written after each chunk.
func Build(ctx context.Context, dir string, opt Options, items []Item, progress func(done int)) (err error) {
	// Absolute, so that "." or "x/.." names a directory with a parent to
	// build beside it in and rename into.
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("index: build %s: %w", dir, err)
	}
	dir = abs
	if err := CheckNewDir(dir); err != nil {
		return err
	}
	if _, err := New(opt.Kind, opt.Config); err != nil { // the options, before any directory is made
		return fmt.Errorf("index: build %s: %w", dir, err)
	}
	if err := validateItems(items, opt.Config.Dim); err != nil {
		return err
	}
	tmp, err := makeBuildDir(dir)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := fillDB(ctx, tmp, opt, items, progress); err != nil {
		return err
	}
	return renameBuildDir(tmp, dir)
}

// makeBuildDir creates the temporary sibling directory that Build fills for
// dir (and dir's parent, if missing), after removing any that an earlier,
// killed Build of dir left.
func makeBuildDir(dir string) (string, error) {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("index: build %s: %w", dir, err)
	}
	for _, s := range atomicfile.Temps(dir) {
		os.RemoveAll(s)
	}
	tmp, err := os.MkdirTemp(parent, atomicfile.TempPattern(dir))
	if err != nil {
		return "", fmt.Errorf("index: build %s: %w", dir, err)
	}
	// MkdirTemp makes it 0700; give it the mode Open gives a new directory.
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("index: build %s: %w", dir, err)
	}
	return tmp, nil
}

// fillDB creates the DB in dir, writes items in chunks (see writeChunks),
// compacts it into its snapshot and closes it, every file fsynced.
func fillDB(ctx context.Context, dir string, opt Options, items []Item, progress func(int)) error {
	db, err := Open(dir, opt)
	if err != nil {
		return err
	}
	write := func(chunk, fitOn []Item) error { return db.upsert(chunk, false, fitOn) }
	if err := writeChunks(ctx, items, write, progress); err != nil {
		db.Close()
		return err
	}
	if err := db.Compact(); err != nil {
		db.Close()
		return err
	}
	return db.Close()
}

// renameBuildDir moves the complete index in tmp to dir (removing dir first
// when it is an empty directory, which a rename cannot replace) and makes the
// rename durable.
func renameBuildDir(tmp, dir string) error {
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("index: build %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("index: build %s: %w", dir, err)
	}
	if err := atomicfile.SyncDir(filepath.Dir(dir)); err != nil {
		return fmt.Errorf("index: build %s: %w", dir, err)
	}
	return nil
}

// writeChunks writes items through write in chunks of BuildChunk and
// returns ctx's error, wrapped, as soon as it finds ctx done before a chunk.
// The first chunk's write is given every item to fit a quantizer on (the fit
// that one write of them all would make); later ones their own items.
func writeChunks(ctx context.Context, items []Item, write func(chunk, fitOn []Item) error, progress func(int)) error {
	for lo := 0; lo < len(items); lo += BuildChunk {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("index: interrupted after %d of %d items: %w", lo, len(items), err)
		}
		hi := min(lo+BuildChunk, len(items))
		fitOn := items[lo:hi]
		if lo == 0 {
			fitOn = items
		}
		if err := write(items[lo:hi], fitOn); err != nil {
			return err
		}
		if progress != nil {
			progress(hi)
		}
	}
	return nil
}

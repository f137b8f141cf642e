// Package atomicfile writes files so that a crash at any moment leaves either
// the old content or the new, never a torn file: write a temporary file in the
// same directory, fsync it, rename it over the target, fsync the directory.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// WriteFile atomically replaces path with data.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write atomically replaces path with what fill writes. If fill fails, the
// target is untouched and the temporary file is removed.
func Write(path string, perm os.FileMode, fill func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, TempPattern(path))
	if err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = fill(f); err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("atomicfile: sync %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("atomicfile: close %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	return SyncDir(dir)
}

// TempPattern is the os.CreateTemp (or os.MkdirTemp) pattern of the
// temporary files that writes of path create: ".NAME.tmp-*".
func TempPattern(path string) string { return "." + filepath.Base(path) + ".tmp-*" }

// Temps lists the temporary files (or directories) that writes of path made
// beside it: the names in path's directory that are TempPattern with its '*'
// replaced by digits, as os.CreateTemp and os.MkdirTemp replace it. It
// compares names rather than globbing, since a glob would read '*', '?' or
// '[' in path's own name as patterns and match other paths' temporaries;
// and it wants digits, so that neither the temporary of another path
// (".idx.tmp-x.tmp-456" is one of "idx.tmp-x") nor a user's ".idx.tmp-old"
// is taken for one.
func Temps(path string) []string {
	dir := filepath.Dir(path)
	prefix := strings.TrimSuffix(TempPattern(path), "*")
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if ok && rest != "" && strings.Trim(rest, "0123456789") == "" {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// RemoveTemps deletes the temporary files that interrupted writes of path
// left beside it (a crash between creating and renaming one).
func RemoveTemps(path string) {
	for _, m := range Temps(path) {
		os.Remove(m)
	}
}

// SyncDir fsyncs a directory so that renames and creations in it are durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	defer d.Close()
	// Some file systems cannot sync a directory (EINVAL, or not supported):
	// the rename is as durable as they make it.
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("atomicfile: sync dir %s: %w", dir, err)
	}
	return nil
}

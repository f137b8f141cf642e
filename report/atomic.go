package report

import (
	"fmt"
	"os"
	"path/filepath"
)

// writeFileAtomic writes data to path so that readers see either the old
// file or the complete new one, never a partial write: the bytes go to a
// temporary file in the same directory, which is fsynced, closed and renamed
// over path; the directory is then fsynced (best effort) so the rename itself
// survives a crash. The temporary file is removed on every error path.
func writeFileAtomic(path string, data []byte) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("report: write %q: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("report: write %q: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("report: sync %q: %w", path, err)
	}
	// CreateTemp makes the file 0600; reports are meant to be shared.
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("report: chmod %q: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("report: close %q: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("report: rename %q: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	return nil
}

package report

import (
	"fmt"

	"github.com/contrast-ml/contrast/internal/atomicfile"
)

// writeFileAtomic writes data to path so that readers see either the old file
// or the complete new one (see package atomicfile).
func writeFileAtomic(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

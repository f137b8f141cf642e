//go:build !unix

package recommend

import "time"

// processCPU is not available here: 0.
func processCPU() time.Duration { return 0 }

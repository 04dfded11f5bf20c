//go:build !unix

package evidence

import "time"

// iocCPUTime is not measured here.
func iocCPUTime() time.Duration { return 0 }

//go:build unix

package evidence

import (
	"syscall"
	"time"
)

// iocCPUTime is the CPU time the process has used: on a busy machine,
// benchmarks report it per op besides the wall time.
func iocCPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

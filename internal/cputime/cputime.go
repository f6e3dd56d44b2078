// Package cputime reads the CPU time the process has used, for benchmarks
// on a shared machine, where it moves far less with the load than the
// wall clock does.
package cputime

import (
	"syscall"
	"time"
)

// Process is the CPU time (user and system) the process has used so far:
// with an embedded server, the worker's and the server's together.
func Process() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

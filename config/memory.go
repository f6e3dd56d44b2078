package config

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// The worker's sticky cache keeps workflows in memory between their tasks
// so a task need not replay the history. Cases and requests wait days
// between events, so a cache beyond the workflows active at once buys
// little and costs memory and GC time. The default gives it an eighth of
// the memory the process may use at cachedWorkflowBytes a workflow (an
// open eviction case with its coroutines, measured by BenchmarkImport10k
// in adapters/eviction), between the bounds below.
const (
	cachedWorkflowBytes   = 256 << 10
	minWorkerCacheSize    = 100
	maxDefaultWorkerCache = 2000
	// MaxWorkerCacheSize bounds WORKER_CACHE_SIZE: the SDK's own default.
	MaxWorkerCacheSize = 10_000
)

// DefaultWorkerCacheSize is the sticky cache size for a process that may
// use limit bytes (0: unknown).
func DefaultWorkerCacheSize(limit int64) int {
	if limit <= 0 {
		return maxDefaultWorkerCache
	}
	return int(min(max(limit/8/cachedWorkflowBytes, minWorkerCacheSize), maxDefaultWorkerCache))
}

// memoryLimit is the memory this process may use: GOMEMLIMIT when set,
// else the cgroup's limit (a container), else the machine's memory; 0 when
// none is known.
func memoryLimit() int64 {
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		return l
	}
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// "max", or v1's huge number, when the cgroup sets no limit.
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && n < 1<<50 {
			return n
		}
	}
	return machineMemory()
}

// machineMemory is MemTotal from /proc/meminfo, 0 when unreadable.
func machineMemory() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		kb, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), 10, 64)
		if err != nil {
			return 0
		}
		return n << 10
	}
	return 0
}

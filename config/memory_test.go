package config

import (
	"strings"
	"testing"
)

func TestWorkerCacheSizeDefaultsFromMemory(t *testing.T) {
	cfg, err := load(t, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if want := DefaultWorkerCacheSize(memoryLimit()); cfg.WorkerCacheSize != want {
		t.Errorf("WorkerCacheSize %d, want %d for this machine", cfg.WorkerCacheSize, want)
	}
	for _, c := range []struct {
		limit int64
		want  int
	}{
		{0, maxDefaultWorkerCache},        // unknown
		{64 << 20, minWorkerCacheSize},    // a tiny container
		{1 << 30, 512},                    // 128 MiB for the cache
		{24 << 30, maxDefaultWorkerCache}, // this kind of machine
		{1 << 40, maxDefaultWorkerCache},  // never the SDK's 10,000 unasked
		{512 << 20, (512 << 20) / 8 / (256 << 10)},
	} {
		if got := DefaultWorkerCacheSize(c.limit); got != c.want {
			t.Errorf("DefaultWorkerCacheSize(%d MiB) = %d, want %d", c.limit>>20, got, c.want)
		}
	}
}

func TestWorkerCacheSizeSetAndChecked(t *testing.T) {
	cfg, err := load(t, map[string]string{"WORKER_CACHE_SIZE": "300"}, true)
	if err != nil || cfg.WorkerCacheSize != 300 {
		t.Fatalf("WORKER_CACHE_SIZE=300: %d, %v", cfg.WorkerCacheSize, err)
	}
	for _, bad := range []string{"-1", "10001", "many"} {
		_, err := load(t, map[string]string{"WORKER_CACHE_SIZE": bad}, true)
		if err == nil || !strings.Contains(err.Error(), "WORKER_CACHE_SIZE") {
			t.Errorf("WORKER_CACHE_SIZE=%s: want an error naming it, got %v", bad, err)
		}
	}
}

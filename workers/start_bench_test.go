package main

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"helhed/internal/testredis"
)

// The benchmarks time the built `workers -dev` binary from exec to a 200
// on /healthz: cold (empty DATA_DIR: schema, namespace) and restart (same
// DATA_DIR). As a yardstick for this machine's speed they also time
// redis-server from exec to PING in the same run, and report the ratio.
//
//	go test -run '^$' -bench . -benchtime 5x ./workers

// startToHealthy starts p and returns the time until /healthz answered
// 200 (degraded or not), leaving the process running.
func startToHealthy(b *testing.B, p *devProcess) time.Duration {
	b.Helper()
	start := time.Now()
	p.start()
	healthy, ok := p.waitHealthy(false, 60*time.Second)
	if !ok {
		b.FailNow()
	}
	return healthy.Sub(start)
}

func redisYardstick(b *testing.B) time.Duration {
	b.Helper()
	start := time.Now()
	rs, err := testredis.Start()
	if err != nil {
		b.Skip(err)
	}
	d := time.Since(start)
	rs.Stop()
	return d
}

func report(b *testing.B, total, yard time.Duration) {
	n := float64(b.N)
	b.ReportMetric(total.Seconds()/n, "s/healthy")
	b.ReportMetric(float64(total)/float64(yard), "x-redis-start")
	b.ReportMetric(0, "ns/op")
}

func BenchmarkColdStart(b *testing.B) {
	workersBinary(b)
	var total, yard time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		yard += redisYardstick(b)
		p := newDevProcess(b, filepath.Join(b.TempDir(), fmt.Sprint("data", i)))
		total += startToHealthy(b, p)
		p.stop()
	}
	report(b, total, yard)
}

func BenchmarkRestart(b *testing.B) {
	p := newDevProcess(b, filepath.Join(b.TempDir(), "data"))
	startToHealthy(b, p)
	p.stop()
	var total, yard time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		yard += redisYardstick(b)
		total += startToHealthy(b, p)
		p.stop()
	}
	report(b, total, yard)
}

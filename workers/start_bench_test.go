package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"helhed/internal/testplan"
	"helhed/internal/testredis"
)

// The benchmarks time the built `workers -dev` binary from exec to a 200
// on /healthz: cold (empty DATA_DIR: schema, namespace) and restart (same
// DATA_DIR). As a yardstick for this machine's speed they also time
// redis-server from exec to PING in the same run, and report the ratio.
//
//	go test -run '^$' -bench . -benchtime 5x ./workers

func buildWorkers(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "workers")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(b *testing.B) string {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startToHealthy starts the binary and returns the time until /healthz
// answered 200, leaving the process running.
func startToHealthy(b *testing.B, bin, dataDir string) (time.Duration, *exec.Cmd) {
	b.Helper()
	httpAddr := freeAddr(b)
	_, planFile := testplan.AroundToday(b)
	cmd := exec.Command(bin, "-dev")
	cmd.Env = append(os.Environ(),
		"DATA_DIR="+dataDir, "HTTP_ADDR="+httpAddr, "METRICS_ADDR="+freeAddr(b),
		"TEMPORAL_ADDRESS="+freeAddr(b), "TEMPORAL_UI_ADDR="+freeAddr(b), "REDIS_URL=", "PLAN_FILE="+planFile)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get("http://" + httpAddr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start), cmd
			}
		}
		if time.Since(start) > 60*time.Second {
			_ = cmd.Process.Kill()
			b.Fatal("not healthy within 60s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func stop(b *testing.B, cmd *exec.Cmd) {
	b.Helper()
	_ = cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(40 * time.Second):
		_ = cmd.Process.Kill()
		b.Fatal("did not stop within 40s of SIGINT")
	}
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
	bin := buildWorkers(b)
	var total, yard time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		yard += redisYardstick(b)
		d, cmd := startToHealthy(b, bin, filepath.Join(b.TempDir(), fmt.Sprint("data", i)))
		total += d
		stop(b, cmd)
	}
	report(b, total, yard)
}

func BenchmarkRestart(b *testing.B) {
	bin := buildWorkers(b)
	dir := filepath.Join(b.TempDir(), "data")
	_, cmd := startToHealthy(b, bin, dir)
	stop(b, cmd)
	var total, yard time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		yard += redisYardstick(b)
		d, cmd := startToHealthy(b, bin, dir)
		total += d
		stop(b, cmd)
	}
	report(b, total, yard)
}

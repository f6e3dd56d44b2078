package eviction_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"helhed/plan"
	"helhed/workflows"
)

const benchLines = 10_000

// BenchmarkImport10k imports a 10,000-line arrears list through the API
// and waits until every case is in outreach in the read model; then it
// starts 10,000 trivial one-activity workflows the way the importer starts
// cases (SignalWithStart, 16 at a time) on the same embedded server and
// waits for all of them. The ratio of the two rates is the figure; the
// process's peak memory (worker, embedded Temporal and Redis client
// together) is reported beside it.
//
//	go test -run '^$' -bench Import10k -benchtime 1x ./adapters/eviction
//
// With HELHED_BENCH_PROFILES=dir it writes the heap (inuse) and goroutine
// profiles taken after the import settles to dir/heap.pprof and
// dir/goroutine.pprof (go tool pprof -top).
func BenchmarkImport10k(b *testing.B) {
	logs.setMute(true)
	defer logs.setMute(false)
	listDate := today()
	for i := 0; i < b.N; i++ {
		run := "B" + strconv.FormatInt(time.Now().UnixNano()%1_000_000, 36) + strconv.Itoa(i)
		body := benchList(stack.Plan, run, benchLines)
		mem := startMemSampler()

		before := outreachTotal(b)
		goroutinesBefore := runtime.NumGoroutine()
		start := time.Now()
		res := importBody(b, body, listDate)
		if res.Accepted != benchLines {
			b.Fatalf("accepted %d of %d: %+v", res.Accepted, benchLines, res.Rejected[:min(3, len(res.Rejected))])
		}
		imported := time.Since(start)
		waitFor(b, "every case in outreach", func() int64 { return outreachTotal(b) - before })
		caseDur := time.Since(start)

		baseDur := runBaseline(b, run)
		peakHeap, peakSys := mem.stop()
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		// What stays, once the workers are idle and after a collection: the
		// open cases the worker's sticky cache holds (at most
		// WORKER_CACHE_SIZE, with their coroutines) and the server's
		// mutable-state cache.
		time.Sleep(2 * time.Second)
		runtime.GC()
		var live runtime.MemStats
		runtime.ReadMemStats(&live)
		goroutinesLeft := runtime.NumGoroutine() - goroutinesBefore
		writeProfiles(b)
		// Each cached case waits in a coroutine: more than the cache holds
		// means WORKER_CACHE_SIZE was not applied (the embedded server's
		// system workers once created the process's cache first, at the
		// SDK's 10,000).
		if limit := stack.Config.WorkerCacheSize + 200; goroutinesLeft > limit {
			b.Errorf("%d goroutines left after the import, more than the worker cache (%d workflows) explains", goroutinesLeft, stack.Config.WorkerCacheSize)
		}

		cases := float64(benchLines) / caseDur.Seconds()
		trivial := float64(benchLines) / baseDur.Seconds()
		b.ReportMetric(cases, "cases/s")
		b.ReportMetric(trivial, "trivial-wf/s")
		b.ReportMetric(cases/trivial, "ratio")
		b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MiB")
		b.ReportMetric(float64(live.HeapAlloc)/(1<<20), "live-heap-MiB")
		b.ReportMetric(float64(goroutinesLeft), "goroutines-left")
		b.Logf("10,000-line list: HTTP import answered in %s, all cases in outreach after %s (%.0f cases/s); "+
			"10,000 trivial one-activity workflows in %s (%.0f/s); ratio %.2f; peak Go heap in use %.0f MiB, Go runtime sys %.0f MiB, maxrss %.0f MiB (goal ≤ 1024); "+
			"after: live heap %.0f MiB, %d goroutines more than before the import (worker cache %d workflows)",
			imported.Round(time.Millisecond), caseDur.Round(time.Millisecond), cases, baseDur.Round(time.Millisecond), trivial,
			cases/trivial, float64(peakHeap)/(1<<20), float64(peakSys)/(1<<20), float64(ru.Maxrss)/1024,
			float64(live.HeapAlloc)/(1<<20), goroutinesLeft, stack.Config.WorkerCacheSize)
	}
}

// writeProfiles writes the heap and goroutine profiles to
// $HELHED_BENCH_PROFILES, when set.
func writeProfiles(b *testing.B) {
	dir := os.Getenv("HELHED_BENCH_PROFILES")
	if dir == "" {
		return
	}
	for _, name := range []string{"heap", "goroutine"} {
		f, err := os.Create(filepath.Join(dir, name+".pprof"))
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
			b.Fatalf("write %s profile: %v", name, err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// benchList is an arrears list of n tenancies spread over the plan's
// departments.
func benchList(p *plan.Plan, run string, n int) []byte {
	var sb strings.Builder
	sb.WriteString("lejemaalsnr;boligorganisation;afdeling;navn;adresse;telefon;restance;forfaldsdato;rykkere\r\n")
	for i := range n {
		d := p.Departments[i%len(p.Departments)]
		fmt.Fprintf(&sb, "%s-%05d;%s;%s;Lejer %d;Testvej %d, 8930 Randers NØ;%08d;%d.%03d,%02d;01-09-2026;%d\r\n",
			run, i, d.Organisation, d.Number, i, i%200+1, 20000000+i, 1+i%30, i%1000, i%100, i%4)
	}
	return []byte(sb.String())
}

// outreachTotal sums the read model's outreach counters over the areas.
func outreachTotal(b testing.TB) int64 {
	agg, err := stack.Redis.HGetAll(context.Background(), "helhed:eviction:agg").Result()
	if err != nil {
		b.Fatal(err)
	}
	var n int64
	for k, v := range agg {
		if strings.HasPrefix(k, "cases|outreach|") {
			c, _ := strconv.ParseInt(v, 10, 64)
			n += c
		}
	}
	return n
}

// runBaseline starts benchLines trivial workflows and waits for all of
// their activities.
func runBaseline(b *testing.B, run string) time.Duration {
	ctx := context.Background()
	if err := stack.Redis.Del(ctx, baselineKey).Err(); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	next := make(chan int)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				id := fmt.Sprintf("bench-trivial/%s/%d", run, i)
				opts := client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue,
					WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE}
				if _, err := stack.Temporal.SignalWithStartWorkflow(ctx, id, "go", i, opts, baselineWorkflow, i); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for i := range benchLines {
		next <- i
	}
	close(next)
	wg.Wait()
	waitFor(b, "every trivial workflow's activity", func() int64 {
		n, _ := stack.Redis.Get(ctx, baselineKey).Int64()
		return n
	})
	return time.Since(start)
}

// waitFor polls until count reaches benchLines.
func waitFor(b testing.TB, what string, count func() int64) {
	deadline := time.Now().Add(30 * time.Minute)
	for count() < benchLines {
		if time.Now().After(deadline) {
			b.Fatalf("%s: only %d of %d after 30 minutes", what, count(), benchLines)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// memSampler keeps the peak Go heap in use and runtime memory.
type memSampler struct {
	done           chan struct{}
	wg             sync.WaitGroup
	peakHeap, peak uint64
}

func startMemSampler() *memSampler {
	s := &memSampler{done: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			s.peakHeap = max(s.peakHeap, m.HeapInuse)
			s.peak = max(s.peak, m.Sys)
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *memSampler) stop() (heap, sys uint64) {
	close(s.done)
	s.wg.Wait()
	return s.peakHeap, s.peak
}

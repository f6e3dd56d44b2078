package datarequest_test

import (
	"context"
	"fmt"
	"helhed/internal/cputime"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	datarequestadapter "helhed/adapters/datarequest"
	"helhed/workflows"
	"helhed/workflows/datarequest"
)

// BenchmarkOpenRequests creates 1,000 concurrent open data requests on the
// embedded stack (SQLite-backed Temporal, real redis-server) and measures
// the time to create them (started, in the read model, invitation
// written) and the portal list page's latency with them open. Baselines
// from the same run: 1,000 one-activity workflows started the same way,
// and GET /healthz. Creation is compared with the baseline by wall clock
// and by the process's CPU time (the figure a loaded machine disturbs
// least); the goal is a rate ≥ 0.8× the baseline's.
//
//	go test -run '^$' -bench OpenRequests -benchtime 1x -timeout 30m ./adapters/datarequest
func BenchmarkOpenRequests(b *testing.B) {
	const n, starters, samples = 1000, 32, 400
	var partners []string
	for _, p := range stack.app.Plan.Partners {
		partners = append(partners, p.ID)
	}
	for i := 0; i < b.N; i++ {
		prefix := fmt.Sprintf("bench%d-%d", time.Now().Unix(), i)
		cpu0 := cputime.Process()
		baseline := inParallel(b, n, starters, func(j int) error {
			run, err := stack.app.Temporal.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{
				ID: fmt.Sprintf("%s-baseline-%d", prefix, j), TaskQueue: workflows.TaskQueue}, "baseline-one-activity", fmt.Sprint(j))
			if err != nil {
				return err
			}
			return run.Get(context.Background(), nil)
		})
		cpu1 := cputime.Process()
		created := inParallel(b, n, starters, func(j int) error {
			in := formRequest(fmt.Sprintf("%s/%d", prefix, j), partners[j%len(partners)])
			in.Due = today().AddDays(30).String()
			run, err := datarequestadapter.Start(context.Background(), stack.app.Temporal, in)
			if err != nil {
				return err
			}
			key := workflows.RunMailKey(run.GetRunID(), datarequest.MailKey(in.RequestID, datarequest.NoticeInvite, 0))
			return waitFile(filepath.Join(stack.dir, "outbox", mailFileName(key)))
		})
		cpu2 := cputime.Process()
		if open, err := stack.store.List(context.Background(), datarequestadapter.Filter{Status: datarequest.StatusOpen}, time.Now()); err != nil || len(open) < n {
			b.Fatalf("%d open in the read model (%v)", len(open), err)
		}

		var links []string
		for _, p := range partners {
			code, got := api(b, "POST", "/api/v1/partners/"+p+"/token", nil)
			if code != http.StatusOK {
				b.Fatalf("token for %s: %d", p, code)
			}
			links = append(links, got["link"].(string))
		}
		list := latencies(b, samples, func(k int) string { return links[k%len(links)] })
		health := latencies(b, samples, func(int) string { return stack.base + "/healthz" })

		b.ReportMetric(created.Seconds(), "s-create-1000")
		b.ReportMetric(baseline.Seconds(), "s-baseline-1000")
		b.ReportMetric(created.Seconds()/baseline.Seconds(), "x-create-vs-baseline")
		baseCPU, createCPU := cpu1-cpu0, cpu2-cpu1
		b.ReportMetric(baseCPU.Seconds(), "cpu-s-baseline-1000")
		b.ReportMetric(createCPU.Seconds(), "cpu-s-create-1000")
		b.ReportMetric(baseCPU.Seconds()/createCPU.Seconds(), "rate-vs-baseline-cpu")
		b.Logf("1,000 data requests created in %s (%.1f CPU-s), 1,000 one-activity workflows in %s (%.1f CPU-s): "+
			"creation rate %.2f× the baseline's by wall clock, %.2f× by CPU time (goal ≥ 0.80×)",
			created.Round(time.Millisecond), createCPU.Seconds(), baseline.Round(time.Millisecond), baseCPU.Seconds(),
			baseline.Seconds()/created.Seconds(), baseCPU.Seconds()/createCPU.Seconds())
		b.ReportMetric(ms(list[len(list)/2]), "ms-list-p50")
		b.ReportMetric(ms(list[len(list)*99/100]), "ms-list-p99")
		b.ReportMetric(ms(health[len(health)/2]), "ms-healthz-p50")
		b.ReportMetric(ms(health[len(health)*99/100]), "ms-healthz-p99")
		b.ReportMetric(ms(list[len(list)/2])/ms(health[len(health)/2]), "x-list-vs-healthz-p50")
		b.ReportMetric(0, "ns/op")
	}
}

// inParallel runs f for 0..n-1 on workers goroutines and returns the wall
// time.
func inParallel(b *testing.B, n, workers int, f func(int) error) time.Duration {
	b.Helper()
	jobs := make(chan int)
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	begin := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if err := f(j); err != nil {
					once.Do(func() { firstErr = err })
				}
			}
		}()
	}
	for j := 0; j < n; j++ {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
	return time.Since(begin)
}

// latencies GETs url(k) samples times, one after another, and returns the
// sorted durations.
func latencies(b *testing.B, samples int, url func(int) string) []time.Duration {
	b.Helper()
	out := make([]time.Duration, 0, samples)
	for k := 0; k < samples; k++ {
		t0 := time.Now()
		resp, err := http.Get(url(k))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d", url(k), resp.StatusCode)
		}
		out = append(out, time.Since(t0))
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func waitFile(path string) error {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not written within 5 minutes", path)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

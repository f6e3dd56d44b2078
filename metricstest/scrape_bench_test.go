package metricstest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	datarequestadapter "helhed/adapters/datarequest"
	evictionadapter "helhed/adapters/eviction"
	"helhed/workflows/datarequest"
	"helhed/workflows/eviction"
)

// Benchmark sizes (issue 8): open eviction cases and open partner tasks;
// HELHED_BENCH_CASES and HELHED_BENCH_TASKS set others (issue 19's
// national figure is 100,000 and 10,000).
var (
	benchCases = benchSize("HELHED_BENCH_CASES", 10000)
	benchTasks = benchSize("HELHED_BENCH_TASKS", 1000)
)

// benchSize is the positive number in env, else def.
func benchSize(env string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(env)); err == nil && n > 0 {
		return n
	}
	return def
}

var loadOnce sync.Once

// loadBenchReadModel writes benchCases open cases and benchTasks open
// tasks into the stack's Redis with the capabilities' own writers
// (evictionadapter.ReadModel.Put with evictionadapter.Facts, datarequestadapter.Store.Save), so
// the collectors read exactly what production writes. The entries have no
// workflows behind them: the next reconcile removes them again.
func loadBenchReadModel(b *testing.B) {
	ctx := context.Background()
	p := stack.Plan
	cases := &evictionadapter.ReadModel{R: stack.Redis}
	today := p.DateOf(time.Now())
	open := []eviction.Stage{eviction.StageArrears, eviction.StageOutreach, eviction.StageCounselling, eviction.StagePaymentPlan}
	for i := range benchCases {
		v := eviction.View{
			CaseID: fmt.Sprintf("bench-%05d", i), WorkflowID: fmt.Sprintf("eviction-case/bench-%05d", i),
			Tenancy: fmt.Sprintf("bench-%05d", i), Stage: open[i%len(open)], Area: p.Areas[i%len(p.Areas)].ID,
			PlanID: p.ID, Origin: "bench", DueDate: today.AddDays(-30), Opened: time.Now().Add(-time.Duration(i) * time.Minute),
			FirstList: today.AddDays(-20), LastList: today.AddDays(-20), Lists: 1, Seq: 1,
		}
		if i%3 == 0 {
			v.FirstContact = today.AddDays(-10)
		}
		if _, err := cases.Put(ctx, v, evictionadapter.Facts(v, p)); err != nil {
			b.Fatal(err)
		}
	}
	tasks := &datarequestadapter.Store{R: stack.Redis, Loc: p.Location()}
	for i := range benchTasks {
		id := fmt.Sprintf("bench/%04d", i)
		t := datarequest.Task{RequestID: id, WorkflowID: datarequest.WorkflowID(id), Partner: p.Partners[i%len(p.Partners)].ID,
			Title: "Benchmark", Due: today.AddDays(i%40 - 10).String(), Status: datarequest.StatusOpen,
			CreatedAt: time.Now().Add(-48 * time.Hour), Escalated: i%10 == 0, Version: 1}
		if _, err := tasks.Save(ctx, t); err != nil {
			b.Fatal(err)
		}
	}
}

// scrape GETs url and reads the whole body, as Prometheus does.
func scrape(b *testing.B, url string) time.Duration {
	start := time.Now()
	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || n == 0 {
		b.Fatalf("scrape %s: %d, %d bytes", url, resp.StatusCode, n)
	}
	return time.Since(start)
}

// BenchmarkScrape measures GET /metrics of the whole stack (every
// registered collector reading the read model from Redis, plus the Go
// runtime, process and Temporal SDK families) with benchCases open cases
// and benchTasks open tasks in Redis, against a baseline scraped the same
// way in the same run: a server with only the Go runtime and process
// collectors. It reports median and p99 of both and their ratio.
//
//	go test -run '^$' -bench Scrape -benchtime 200x ./metricstest
//	HELHED_BENCH_CASES=100000 HELHED_BENCH_TASKS=10000 go test -run '^$' -bench Scrape -benchtime 200x -timeout 30m ./metricstest
func BenchmarkScrape(b *testing.B) {
	loadOnce.Do(func() { loadBenchReadModel(b) })
	base := prometheus.NewRegistry()
	base.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	baseSrv := httptest.NewServer(promhttp.HandlerFor(base, promhttp.HandlerOpts{}))
	defer baseSrv.Close()
	full := "http://" + stack.MetricsAddr() + "/metrics"
	scrape(b, full) // warm up connections and caches
	scrape(b, baseSrv.URL)

	var fullD, baseD []time.Duration
	b.ResetTimer()
	for range b.N {
		fullD = append(fullD, scrape(b, full))
		baseD = append(baseD, scrape(b, baseSrv.URL))
	}
	b.StopTimer()
	fm, fp := percentiles(fullD)
	bm, bp := percentiles(baseD)
	b.ReportMetric(float64(fm.Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(fp.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(bm.Microseconds())/1000, "baseline-median-ms")
	b.ReportMetric(float64(bp.Microseconds())/1000, "baseline-p99-ms")
	b.ReportMetric(float64(fm)/float64(bm), "median-ratio")
	b.ReportMetric(0, "ns/op") // the pair of scrapes per op is not a useful figure
}

// percentiles returns the median and the 99th percentile (nearest rank).
func percentiles(ds []time.Duration) (median, p99 time.Duration) {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := func(q float64) time.Duration {
		i := int(q*float64(len(s))+0.5) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return rank(0.5), rank(0.99)
}
